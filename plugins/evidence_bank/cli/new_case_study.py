"""`./scripts/new-case-study`: start a case study with the next free permanent id.

Asks for the essentials (or takes them as flags), then writes `case_studies/<slug>.md` with the
required fields filled in, `published` set to today, and every other optional field as commented
guidance. It opens nothing else.

Each answer is checked as it is given, with the build's own rules: a wrong one is explained (with
a did-you-mean where there is one) and asked for again, keeping the answers before it. A wrong
flag stops the tool with the same explanation (exit 2). At the end of input or on Ctrl-C it
stops with one line and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import frontmatter, scaffold, validate, vocabulary
from ..core.problems import Problem
from ..core.vocabulary import Vocabulary
from . import add_folder_option, project_root, urls

PROMPTS = {
    "title": "Title",
    "summary": "Summary (one to three sentences)",
    "rung": "Rung reached",
    "rung_basis": "Does the source itself place the work on that rung (stated), or is it your "
    "judgement (judged)?",
    "principles": "Principles (comma-separated)",
    "evidence_strength": "Strength of evidence, the highest that fits",
    "evidence_reason": "Why that strength (one to three short sentences: who wrote the "
    "sources, whether anyone independent checked the work, what was measured)",
}
"""What each of `scaffold.ASKED` is asked as; rungs and principles list their slugs too."""


def main(
    argv: list[str] | None = None,
    ask: Callable[[str], str] = input,
    today: Callable[[], dt.date] = dt.date.today,
) -> int:
    """The tool; `ask` reads one answer (standard input, a terminal or a pipe), `today` gives
    the date set as `published`."""
    parser = argparse.ArgumentParser(
        prog="./scripts/new-case-study",
        description="Create a new case-study file with the next free permanent id.",
    )
    parser.add_argument("--title", help="the scheme's name, in plain words")
    parser.add_argument("--summary", help="one to three plain-English sentences")
    parser.add_argument("--rung", help="the rung of the ladder reached (a slug, such as co-design)")
    parser.add_argument("--principles", help="principles demonstrated, comma-separated slugs")
    parser.add_argument(
        "--rung-basis", help="stated (the source places it on the rung) or judged (you did)"
    )
    parser.add_argument(
        "--evidence-strength",
        help="the strength of evidence (a slug, such as described or outcomes-measured)",
    )
    parser.add_argument("--evidence-reason", help="why that strength, in a sentence or two")
    parser.add_argument("--slug", help="the file name without .md (default: from the title)")
    add_folder_option(parser, "the case-studies folder")
    args = parser.parse_args(argv)
    try:
        return _create(parser, args, ask, today)
    except EOFError:
        print()  # End the unanswered prompt's line.
        print(
            "No more answers (end of input); nothing was written. Answer every question, or "
            "give --title, --summary, --rung, --rung-basis, --principles, --evidence-strength "
            "and --evidence-reason.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print()
        print("Stopped; nothing was written.", file=sys.stderr)
        return 130


def _create(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    ask: Callable[[str], str],
    today: Callable[[], dt.date],
) -> int:
    vocab = vocabulary.load(vocabulary.default_path())
    directory: Path = args.dir

    def given(name: str, flag: str | None) -> Any:
        """The checked value of `flag`, or of answers asked for until one is right."""
        if flag is not None:
            value, problems = scaffold.answer(vocab, name, flag)
            if problems:
                parser.error(_explained(problems))
            return value
        prompt = _prompt(vocab, name)
        while True:
            value, problems = scaffold.answer(vocab, name, ask(prompt))
            if not problems:
                return value
            print(_explained(problems) + "\nPlease try again.", file=sys.stderr)

    answers = {name: given(name, getattr(args, name)) for name in scaffold.ASKED}
    slug = args.slug or scaffold.slug_for(answers["title"])
    while (wrong := scaffold.slug_problem(slug, directory)) is not None:
        if args.slug is not None:
            parser.error(_explained([wrong]))
        print(_explained([wrong]), file=sys.stderr)
        slug = ask("File name for this case study (without .md): ").strip()
    target = directory / f"{slug}.md"
    # Ids are permanent across the bank, so a draft kept elsewhere also avoids the bank's ids,
    # including those only the URL lock still remembers.
    new_id = scaffold.next_free_id(directory, reserved=urls.reserved_ids(project_root()))
    text = scaffold.scaffold(vocab, id=new_id, published=today().isoformat(), **answers)
    front = frontmatter.read(text.encode(), str(target))
    checked = (
        validate.validate(front, str(target), slug, vocab)
        if isinstance(front, frontmatter.FrontMatter)
        else front
    )
    if isinstance(checked, list):
        for problem in checked:
            print(problem, file=sys.stderr)
        return 1
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Created {target} with id {new_id}.")
    print(
        "Next: fill in what your sources report, then run ./scripts/validate "
        f"{target} and ./scripts/preview {target}."
    )
    return 0


def _prompt(vocab: Vocabulary, name: str) -> str:
    lists = {
        "rung": "ladder",
        "principles": "principles",
        "rung_basis": "bases",
        "evidence_strength": "evidence_strengths",
    }
    if name in lists:
        return f"{PROMPTS[name]} [{', '.join(vocab.slugs(lists[name]))}]: "
    return f"{PROMPTS[name]}: "


def _explained(problems: list[Problem]) -> str:
    return "\n".join(problem.message() for problem in problems)


if __name__ == "__main__":
    sys.exit(main())
