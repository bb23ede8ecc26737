"""`./scripts/validate [PATH...]`: check case studies with exactly the build's parser and rules.

Prints every problem as `path:line: field: found; expected`, or as JSON (`--format json`) or as
GitHub annotations (`--format github`). Warnings (plain English: `core.readability`) are printed
too, marked `warning:`; they do not fail the check unless `--strict` (the site build, which is
strict, refuses them). Exits 1 if any case study has a problem (or, with `--strict`, a warning),
2 on a usage error, 0 when everything is valid.
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
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too, as the site build does",
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
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    _print(errors, warnings, checked, args.format)
    return 1 if errors or (args.strict and warnings) else 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _print(errors: list[Problem], warnings: list[Problem], checked: int, style: str) -> None:
    if style == "json":
        json.dump(
            {
                "ok": not errors,
                "checked": checked,
                # Errors only, as before warnings existed; warnings are listed apart.
                "problems": [_json(p) for p in errors],
                "warnings": [_json(p) for p in warnings],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return
    for problem in sorted(errors + warnings):
        if style == "github":
            print(github_annotation(problem))
        else:
            print(problem)
    warned = ""
    if warnings:
        warned = (
            f"{_plural(len(warnings), 'warning')} (the site build, which is strict, refuses them)"
        )
    if errors:
        files = len({p.path for p in errors})
        summary = f"{_plural(len(errors), 'problem')} in {_plural(files, 'file')}"
        print(f"{summary}; {warned}." if warned else f"{summary}.", file=sys.stderr)
    else:
        valid = f"All {checked} case stud{'ies' if checked != 1 else 'y'} valid"
        print(f"{valid}; {warned}." if warned else f"{valid}.", file=sys.stderr)


def _json(problem: Problem) -> dict[str, object]:
    return {
        "path": problem.path,
        "line": problem.line,
        "field": problem.field,
        "found": problem.found,
        "expected": problem.expected,
        "hint": problem.hint or None,
        "message": str(problem),
    }


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the line in the pull request."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    message = f"{problem.found}; expected {problem.expected}"
    if problem.hint:
        message += f" ({problem.hint})"
    kind = "warning" if problem.warning else "error"
    return (
        f"::{kind} file={prop(problem.path)},line={problem.line},"
        f"title={prop(problem.field)}::{data(message)}"
    )


if __name__ == "__main__":
    sys.exit(main())
