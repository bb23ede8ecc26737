"""`./scripts/preview PATH`: see one case study in the site, as it will be published.

Checks the file with the build's rules first. A file inside `case_studies/` is previewed with the
site as it is; a draft kept elsewhere is previewed alongside all the published case studies,
without being copied into the repository. A saved edit shows in the browser within a second; a
save that breaks the file shows its problems in the browser's page, until a save fixes them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ..core import catalog, vocabulary
from . import project_root, site_extensions, variant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/preview",
        description="Check a case study, then serve the site so you can see it in context.",
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="the case-study file")
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    parser.add_argument(
        "--check-only",
        action="store_true",
        help="check the file and print its preview address, without serving",
    )
    args = parser.parse_args(argv)
    root = project_root().resolve()
    published = root / "case_studies"
    path = args.path.resolve()
    if not path.is_file():
        parser.error(f"no such file: {args.path}")
    vocab = vocabulary.load(vocabulary.default_path())
    _, problems = catalog.check_files(
        [path],
        vocab,
        directory=published,
        root=Path.cwd(),
        extensions=site_extensions(root),
    )
    for problem in problems:
        print(problem, file=sys.stderr)
    if any(not problem.warning for problem in problems):
        print("Fix these first (./scripts/validate shows the same list).", file=sys.stderr)
        return 1
    print(f"Your case study: http://{args.dev_addr}/case-studies/{path.stem}/")
    if args.check_only:
        return 0
    config = root / "mkdocs.yml"
    if path.parent != published:
        # A draft outside the repository: a temporary folder holds links to the published
        # case studies and the draft (in place of a published one of the same name), and a
        # configuration that inherits the site's. The preview watches the folders the links
        # point into (`Preview.serve`), so a saved edit shows at once.
        work = Path(tempfile.mkdtemp(prefix="evidence-bank-preview-"))
        folder = work / "case_studies"
        folder.mkdir()
        for entry in published.iterdir():
            if entry.name != path.name:
                (folder / entry.name).symlink_to(entry)
        (folder / path.name).symlink_to(path)
        config = variant.write_variant(root, folder, work / "mkdocs.yml", follow_links=True)
    command = serve_command(config, args.dev_addr)
    os.execvp(command[0], command)


def serve_command(config: Path, dev_addr: str) -> list[str]:
    """The preview server: `mkdocs serve --dirty`, so that after an edit MkDocs renders again
    only the pages the edit changed (the plugin keeps what it read and made between rebuilds).
    Open data, feeds and other case studies' "related" lists stay as the first build made
    them; `mkdocs build` makes everything afresh."""
    return [
        *(sys.executable, "-m", "mkdocs", "serve", "--dirty"),
        *("--dev-addr", dev_addr, "--config-file", str(config)),
    ]


if __name__ == "__main__":
    sys.exit(main())
