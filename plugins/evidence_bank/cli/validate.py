"""`./scripts/validate [PATH...]`: check case studies with exactly the build's parser and rules.

Prints every problem as `path:line: field: found; expected`, or as JSON (`--format json`) or as
GitHub annotations (`--format github`). Exits 1 if any case study has a problem, 2 on a usage
error, 0 when everything is valid.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core import catalog, vocabulary
from ..core.problems import Problem, ProblemsError, shown
from . import add_folder_option, project_root, site_extensions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/validate",
        description="Check case studies with the same parser and rules as the site build.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="case-study files to check (default: every file in --dir)",
    )
    add_folder_option(parser, "the case-studies folder (default: the project's case_studies)")
    parser.add_argument(
        "--vocabulary",
        type=Path,
        default=None,
        help="the vocabulary file (default: the plugin's own)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="how to print problems (default: text)",
    )
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="accept synthetic (generated test) case studies",
    )
    args = parser.parse_args(argv)

    root = Path.cwd()
    # The stories are parsed with the markdown extensions the site's build uses.
    extensions = site_extensions(project_root())
    try:
        vocab = vocabulary.load(
            args.vocabulary or vocabulary.default_path(),
            shown(args.vocabulary.resolve(), root) if args.vocabulary else None,
        )
        if args.paths:
            folders = [p for p in args.paths if p.is_dir()]
            if folders:
                parser.error(
                    f"{folders[0]} is a folder: give the files in it, or --dir {folders[0]} "
                    "to check every file in it"
                )
            missing = [p for p in args.paths if not p.is_file() and not p.is_symlink()]
            if missing:
                parser.error(f"no such file: {', '.join(map(str, missing))}")
            checked, problems = catalog.check_files(
                args.paths,
                vocab,
                directory=args.dir,
                root=root,
                allow_synthetic=args.allow_synthetic,
                extensions=extensions,
            )
        else:
            # A command-line run has no other threads: its reading processes may be forked.
            checked, problems = catalog.check_folder(
                args.dir,
                vocab,
                root=root,
                allow_synthetic=args.allow_synthetic,
                forking=True,
                extensions=extensions,
            )
    except ProblemsError as error:
        problems = error.problems
    _print(problems, checked, args.format)
    return 1 if problems else 0


def _print(problems: list[Problem], checked: int, style: str) -> None:
    files = len({p.path for p in problems})
    if style == "json":
        json.dump(
            {
                "ok": not problems,
                "checked": checked,
                "problems": [
                    {
                        "path": p.path,
                        "line": p.line,
                        "field": p.field,
                        "found": p.found,
                        "expected": p.expected,
                        "hint": p.hint or None,
                        "message": str(p),
                    }
                    for p in problems
                ],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return
    for problem in problems:
        if style == "github":
            print(github_annotation(problem))
        else:
            print(problem)
    if problems:
        count = len(problems)
        print(
            f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}.",
            file=sys.stderr,
        )
    else:
        print(f"All {checked} case stud{'ies' if checked != 1 else 'y'} valid.", file=sys.stderr)


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the line in the pull request."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    message = f"{problem.found}; expected {problem.expected}"
    if problem.hint:
        message += f" ({problem.hint})"
    return (
        f"::error file={prop(problem.path)},line={problem.line},"
        f"title={prop(problem.field)}::{data(message)}"
    )


if __name__ == "__main__":
    sys.exit(main())
