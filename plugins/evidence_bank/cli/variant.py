"""A variant of the site's configuration that reads another case-studies folder: for previewing
a draft and for building synthetic banks, without touching the repository.

    python -m evidence_bank.cli.variant CASE_STUDIES_DIR OUT.yml [--allow-synthetic]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from . import project_root, site_settings


def write_variant(
    root: Path,
    case_studies: Path,
    target: Path,
    *,
    allow_synthetic: bool = False,
    follow_links: bool = False,
) -> Path:
    """Write `target`: the site's mkdocs.yml with the bank reading `case_studies`.

    MkDocs resolves paths in an inherited file against the file that inherits, so every path
    the site's configuration names is made absolute here.
    """
    config = root / "mkdocs.yml"
    settings = site_settings(root)
    plugins: list[object] = []
    for entry in settings.get("plugins", []):
        if isinstance(entry, dict) and "evidence-bank" in entry:
            options = dict(entry["evidence-bank"] or {})
            options["case_studies"] = str(case_studies.resolve())
            # A variant is not the published site: its addresses are not locked.
            options.pop("url_lock", None)
            for key in ("vocabulary", "templates"):
                if options.get(key):
                    options[key] = str((root / options[key]).resolve())
            if allow_synthetic:
                options["allow_synthetic"] = True
            if follow_links:
                options["follow_links"] = True
            plugins.append({"evidence-bank": options})
        else:
            plugins.append(entry)
    variant: dict[str, object] = {
        "INHERIT": str(config.resolve()),
        "docs_dir": str((root / settings.get("docs_dir", "docs")).resolve()),
        "plugins": plugins,
    }
    if allow_synthetic:
        # The guidance pages link to the real case studies, which a synthetic bank lacks.
        variant["strict"] = False
    theme = settings.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        variant["theme"] = {**theme, "custom_dir": str((root / theme["custom_dir"]).resolve())}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(variant, sort_keys=False), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case_studies", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--allow-synthetic", action="store_true")
    args = parser.parse_args(argv)
    root = project_root()
    write_variant(root, args.case_studies, args.target, allow_synthetic=args.allow_synthetic)
    return 0


if __name__ == "__main__":
    sys.exit(main())
