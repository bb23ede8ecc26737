"""The command-line tools behind ./scripts/: thin wrappers over `evidence_bank.core`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def project_root() -> Path:
    """The project's folder: $EB_ROOT, which ./scripts/ set, or the current folder."""
    return Path(os.environ.get("EB_ROOT", "."))


def add_folder_option(parser: argparse.ArgumentParser, help: str) -> None:
    """`--dir`: the case-studies folder, by default the project's own."""
    parser.add_argument("--dir", type=Path, default=project_root() / "case_studies", help=help)
