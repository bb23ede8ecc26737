"""The command-line tools behind ./scripts/: thin wrappers over `evidence_bank.core`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag


def project_root() -> Path:
    """The project's folder: $EB_ROOT, which ./scripts/ set, or the current folder."""
    return Path(os.environ.get("EB_ROOT", "."))


def add_folder_option(parser: argparse.ArgumentParser, help: str) -> None:
    """`--dir`: the case-studies folder, by default the project's own."""
    parser.add_argument("--dir", type=Path, default=project_root() / "case_studies", help=help)


class _SettingsLoader(yaml.SafeLoader):
    """YAML as MkDocs reads mkdocs.yml: safe, plus `!ENV [NAME, default]`."""


_SettingsLoader.add_constructor("!ENV", construct_env_tag)


def site_settings(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml, with `!ENV` values resolved as MkDocs resolves them (so a
    `site_url` set at deploy time reads the same here as in the build)."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    return dict(yaml.load(text, Loader=_SettingsLoader))
