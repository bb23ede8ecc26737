"""`./scripts/preview PATH`: see one case study in the site, as it will be published.

Checks the file with the build's rules first. A file inside `case_studies/` is previewed with the
site as it is; a draft kept elsewhere is previewed alongside all the published case studies,
without being copied into the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

from ..core import catalog, vocabulary


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
    root = Path(os.environ.get("EB_ROOT", ".")).resolve()
    published = root / "case_studies"
    path = args.path.resolve()
    if not path.is_file():
        parser.error(f"no such file: {args.path}")
    vocab = vocabulary.load(vocabulary.default_path())
    _, problems = catalog.check_files([path], vocab, directory=published, root=Path.cwd())
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Fix these first (./scripts/validate shows the same list).", file=sys.stderr)
        return 1
    print(f"Your case study: http://{args.dev_addr}/case-studies/{path.stem}/")
    if args.check_only:
        return 0
    config = root / "mkdocs.yml"
    command = ["mkdocs", "serve", "--dev-addr", args.dev_addr]
    if path.parent != published:
        # A draft outside the repository: a temporary folder holds links to the published
        # case studies and the draft, and a configuration that inherits the site's.
        work = Path(tempfile.mkdtemp(prefix="evidence-bank-preview-"))
        folder = work / "case_studies"
        folder.mkdir()
        for entry in published.iterdir():
            (folder / entry.name).symlink_to(entry)
        (folder / path.name).symlink_to(path)
        settings = {
            "INHERIT": str(config),
            "docs_dir": str(root / "content"),
            "plugins": _plugins(config, folder),
        }
        config = work / "mkdocs.yml"
        config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    os.execvp(command[0], [*command, "--config-file", str(config)])


def _plugins(config: Path, folder: Path) -> list[object]:
    """The site's plugins, with the evidence bank reading `folder`."""
    settings = yaml.load(config.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    plugins: list[object] = []
    for entry in settings.get("plugins", []):
        if isinstance(entry, dict) and "evidence-bank" in entry:
            options = dict(entry["evidence-bank"] or {})
            options["case_studies"] = str(folder)
            if options.get("vocabulary"):
                options["vocabulary"] = str(config.parent / options["vocabulary"])
            plugins.append({"evidence-bank": options})
        else:
            plugins.append(entry)
    return plugins


if __name__ == "__main__":
    sys.exit(main())
