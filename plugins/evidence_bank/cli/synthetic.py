"""`./scripts/synthetic-bank N DIR`: write N synthetic case studies into DIR, for tests and
benchmarks. Deterministic; every file is marked `synthetic: true`; never into case_studies/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core import synthetic, vocabulary
from . import project_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./scripts/synthetic-bank", description=__doc__)
    parser.add_argument("count", type=int, help="how many case studies")
    parser.add_argument("folder", type=Path, help="where to write them (not case_studies/)")
    parser.add_argument("--seed", type=int, default=0, help="vary the content (default 0)")
    args = parser.parse_args(argv)
    published = project_root() / "case_studies"
    try:
        written = synthetic.write_bank(
            args.count,
            args.folder,
            vocabulary.load(vocabulary.default_path()),
            seed=args.seed,
            published_folder=published,
        )
    except ValueError as error:
        parser.error(str(error))
    print(f"Wrote {len(written)} synthetic case studies to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
