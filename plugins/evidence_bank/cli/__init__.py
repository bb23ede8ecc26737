"""The command-line tools behind ./scripts/: thin wrappers over `evidence_bank.core`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag

from ..core.story import MarkdownExtensions


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


MKDOCS_BUILT_IN_EXTENSIONS = ("toc", "tables", "fenced_code")
"""The markdown extensions MkDocs adds to every site's list, first (a test checks MkDocs)."""


def site_extensions(root: Path) -> MarkdownExtensions | None:
    """The markdown extensions the site at `root` renders with, read from its mkdocs.yml as
    MkDocs reads `markdown_extensions`: its built-in ones first, then the site's, each once; an
    item is a name, or a name with its settings (a mapping of one); the list may also be one
    mapping. None if there is no mkdocs.yml. What MkDocs would refuse is left for the build to
    report."""
    if not (root / "mkdocs.yml").is_file():
        return None
    listed = site_settings(root).get("markdown_extensions") or []
    items = list(listed.items()) if isinstance(listed, dict) else []
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, str):
                items.append((item, None))
            elif isinstance(item, dict) and len(item) == 1:
                items.extend(item.items())
    names = list(MKDOCS_BUILT_IN_EXTENSIONS)
    configs: dict[str, dict[str, Any]] = {}
    for name, config in items:
        if not isinstance(name, str):
            continue
        if name not in names:
            names.append(name)
        if isinstance(config, dict) and config:
            configs[name] = config
    return MarkdownExtensions(tuple(names), configs)
