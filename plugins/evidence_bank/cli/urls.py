"""`./scripts/lock-urls --check SITE`: check a built site folder against the URL lock, with no
MkDocs involved (the check must outlive the site generator)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core import catalog, urllock
from . import project_root, site_settings


def _lock_name(settings: dict[str, Any]) -> str | None:
    return next(
        (
            entry["evidence-bank"].get("url_lock")
            for entry in settings.get("plugins", [])
            if isinstance(entry, dict) and "evidence-bank" in entry
        ),
        None,
    )


def reserved_ids(root: Path) -> list[str]:
    """Every id the bank has used: in its case studies (withdrawn ones too) and, through the
    `/id/<id>/` addresses in the URL lock, ids whose file has gone. New ids come after these."""
    ids = [found for found, _ in catalog.scan_ids(root / "case_studies")]
    lock_name = _lock_name(site_settings(root)) if (root / "mkdocs.yml").is_file() else None
    if lock_name:
        ids += [
            url.split("/")[2]
            for url in urllock.read_lock(root / lock_name).urls
            if url.startswith("/id/cs-")
        ]
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./scripts/lock-urls --check", description=__doc__)
    parser.add_argument("site", type=Path, help="the built site folder")
    args = parser.parse_args(argv)
    root = project_root()
    settings = site_settings(root)
    lock_name = _lock_name(settings)
    if not lock_name:
        parser.error("mkdocs.yml sets no url_lock for the evidence-bank plugin")
    lock = urllock.read_lock(root / lock_name)
    problems, new = urllock.check(
        args.site, lock, use_directory_urls=settings.get("use_directory_urls", True)
    )
    for problem in problems:
        print(problem)
    print(
        f"{len(lock.urls)} locked addresses checked; {len(problems)} problems; {len(new)} new "
        f"addresses, not yet in {lock_name} (the deploy on main adds them).",
        file=sys.stderr,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
