"""The "Propose a case study" issue form: regenerate it, or turn a submitted one into a file.

./scripts/issue-form                      rewrite .github/ISSUE_TEMPLATE/propose-a-case-study.yml
./scripts/issue-to-case-study [--write]   read a submitted form's body (from --body-file, the
                                          ISSUE_BODY environment variable, or standard input)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..core import issue_form, scaffold, vocabulary
from . import add_folder_option, project_root, urls

FORM = Path(".github") / "ISSUE_TEMPLATE" / "propose-a-case-study.yml"


def write_form(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="./scripts/issue-form", description=f"Regenerate {FORM} from the format."
    ).parse_args(argv)
    root = project_root()
    target = root / FORM
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        issue_form.form_yaml(vocabulary.load(vocabulary.default_path())), encoding="utf-8"
    )
    print(f"Wrote {FORM}")
    return 0


def convert(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/issue-to-case-study",
        description="Turn a submitted 'Propose a case study' issue into a case-study file.",
    )
    parser.add_argument(
        "--body-file", type=Path, help="the issue body (default: $ISSUE_BODY or standard input)"
    )
    add_folder_option(parser, "the case-studies folder")
    parser.add_argument(
        "--write", action="store_true", help="write the file into the folder (default: print it)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="markdown prints a reply to post on the issue",
    )
    add_published_option(parser)
    args = parser.parse_args(argv)
    try:
        body = read_body(args.body_file)
    except (OSError, UnicodeDecodeError) as error:
        parser.error(f"cannot read the issue body: {error}")
    vocab = vocabulary.load(vocabulary.default_path())
    taken = {entry.stem for entry in args.dir.iterdir()} if args.dir.is_dir() else set()
    root = project_root()
    new_id = scaffold.next_free_id(args.dir, urls.reserved_ids(root))
    proposal = issue_form.to_case_study(
        body, vocab, new_id=new_id, taken_slugs=taken, published=args.published or today()
    )
    target = args.dir / f"{proposal.slug}.md"
    if args.format == "markdown":
        outcome = (
            issue_form.Outcome.CONVERTED if proposal.text else issue_form.Outcome.NOT_CONVERTED
        )
        print(issue_form.reply(proposal, outcome), end="")
    elif proposal.text is not None and not args.write:
        print(proposal.text, end="")
    for problem in proposal.problems if args.format == "text" else ():
        print(f"problem: {problem}", file=sys.stderr)
    if proposal.text is None:
        return 1
    if args.write:
        target.write_text(proposal.text, encoding="utf-8")
        if args.format == "text":
            print(f"Wrote {target} ({new_id}).", file=sys.stderr)
    return 0


def today() -> dt.date:
    """The date a converted proposal is published on: today in UTC, so that it does not depend
    on the machine's time zone. Tests pass `--published` instead."""
    return dt.datetime.now(dt.UTC).date()


def add_published_option(parser: argparse.ArgumentParser) -> None:
    """`--published`: the case study's `published` date, by default `today()`."""
    parser.add_argument(
        "--published",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the case study's published date (default: today, in UTC)",
    )


def read_body(path: Path | None) -> str:
    """The issue body: from `path`, else the ISSUE_BODY environment variable (how the workflow
    passes it: never through the command line), else standard input."""
    if path:
        return path.read_text(encoding="utf-8")
    if "ISSUE_BODY" in os.environ:
        return os.environ["ISSUE_BODY"]
    return sys.stdin.read()


if __name__ == "__main__":
    sys.exit(convert() if sys.argv[1:2] != ["form"] else write_form(sys.argv[2:]))
