"""`./scripts/new-case-study`: start a case study with the next free permanent id.

Asks for the essentials (or takes them as flags), then writes `case_studies/<slug>.md` with the
required fields filled in and every optional field as commented guidance. It opens nothing else.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..core import frontmatter, scaffold, validate, vocabulary
from ..core.vocabulary import Vocabulary
from . import add_folder_option, project_root, urls


def main(argv: list[str] | None = None, ask: Callable[[str], str] = input) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/new-case-study",
        description="Create a new case-study file with the next free permanent id.",
    )
    parser.add_argument("--title", help="the scheme's name, in plain words")
    parser.add_argument("--summary", help="one to three plain-English sentences")
    parser.add_argument("--rung", help="the rung of the ladder reached (a slug, such as co-design)")
    parser.add_argument("--principles", help="principles demonstrated, comma-separated slugs")
    parser.add_argument("--slug", help="the file name without .md (default: from the title)")
    add_folder_option(parser, "the case-studies folder")
    args = parser.parse_args(argv)
    vocab = vocabulary.load(vocabulary.default_path())
    interactive = sys.stdin.isatty() or ask is not input

    def need(value: str | None, prompt: str) -> str:
        while not (value and value.strip()):
            if not interactive:
                parser.error(f"missing {prompt.lower()} (give it as a flag)")
            value = ask(f"{prompt}: ")
        return value.strip()

    title = need(args.title, "Title")
    summary = need(args.summary, "Summary (one to three sentences)")
    rung = _choose(
        vocab, "ladder", need(args.rung, _options(vocab, "ladder", "Rung reached")), parser
    )
    principles = [
        _choose(vocab, "principles", item.strip(), parser)
        for item in need(
            args.principles, _options(vocab, "principles", "Principles (comma-separated)")
        ).split(",")
        if item.strip()
    ]
    slug = args.slug or scaffold.slug_for(title)
    target = args.dir / f"{slug}.md"
    if target.exists():
        parser.error(f"{target} already exists; choose another --slug")
    # Ids are permanent across the bank, so a draft kept elsewhere also avoids the bank's ids,
    # including those only the URL lock still remembers.
    new_id = scaffold.next_free_id(args.dir, reserved=urls.reserved_ids(project_root()))
    text = scaffold.scaffold(
        vocab, id=new_id, title=title, summary=summary, rung=rung, principles=principles
    )
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
    args.dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Created {target} with id {new_id}.")
    print(
        "Next: fill in what your sources report, then run ./scripts/validate "
        f"{target} and ./scripts/preview {target}."
    )
    return 0


def _options(vocab: Vocabulary, name: str, prompt: str) -> str:
    return f"{prompt} [{', '.join(vocab.slugs(name))}]"


def _choose(vocab: Vocabulary, name: str, value: str, parser: argparse.ArgumentParser) -> str:
    if vocab.get(name, value):
        return value
    hint = vocab.suggest(name, value)
    parser.error(
        f"unknown {name} {value!r}; expected one of: {', '.join(vocab.slugs(name))}"
        + (f" (did you mean {hint!r}?)" if hint else "")
    )
    raise AssertionError  # pragma: no cover - parser.error exits


if __name__ == "__main__":
    sys.exit(main())
