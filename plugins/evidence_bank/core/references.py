"""Reference marks: where in which source a single fact comes from.

A contributor writes `[source 2, page 14]` (or `[source 2]`) after a fact, in the story or in a
text field that allows marks (`MARKED_FIELDS`): the number is the source's place in the case
study's `sources` list, the rest an optional locator (a page, section, paragraph or line of
that source). Pages show each mark as a small link to the source it names; the data keep the
text as written and list the marks (`found`), so a reader can check a fact quickly.

The syntax is plain words in brackets, so the text still reads well where it is shown as it
is (CSV, feeds). A bracket that starts `[source` but is not a mark is reported, not published
as it stands.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

LOCATOR_MAX = 100
"""The longest locator: a place in a document, not a sentence."""

MARK = re.compile(r"\[source (?P<number>[1-9][0-9]{0,2})(?:, (?P<locator>[^\[\]\n]{1,100}?))?\]")
"""One mark, written exactly: `[source N]` or `[source N, locator]`."""

_SPACED_MARK = re.compile(r"[ \t]*" + MARK.pattern)

_LOOSE = re.compile(r"\[\s*sources?\b[^\]\n]{0,120}\]?", re.IGNORECASE)
"""What a contributor may have meant as a mark: `[Source 2 p4]`, `[source two]`, `[sources 1]`."""

EXAMPLE = "[source 1, page 12]"

MARKED_FIELDS = (
    "reasoning",
    "pathway.*.done",
    "checklist.*.*",
    "outcomes.*",
    "evaluation",
    "what_was_hard",
    "evidence.reason",
    "facts_from.*",
)
"""The text fields (dotted, `*` for any key) that may hold marks, besides the story. A title and
a summary may not: they are shown alone, in cards, search results and feeds."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One mark: the source's number in the `sources` list (1 is the first), and where in it."""

    source: int
    locator: str | None
    start: int
    end: int
    """The mark's place in the text it was found in."""

    @property
    def written(self) -> str:
        """The mark as the text holds it."""
        return f"[source {self.source}{', ' + self.locator if self.locator else ''}]"

    def spoken(self) -> str:
        """The mark in words, as a screen reader says its link: "Source 2, page 14"."""
        return f"Source {self.source}" + (f", {self.locator}" if self.locator else "")


def found(text: str) -> list[Reference]:
    """Every well-written mark in `text`, in order."""
    if "[source" not in text:  # Most text has none: one substring test.
        return []
    return [
        Reference(int(m["number"]), (m["locator"] or "").strip() or None, m.start(), m.end())
        for m in MARK.finditer(text)
    ]


_PATTERNS = [tuple(name.split(".")) for name in MARKED_FIELDS]


def allowed_at(where: tuple[str | int, ...]) -> bool:
    """Whether the text at key path `where` (as `("pathway", "co-design", "done")`) may hold
    marks (`MARKED_FIELDS`)."""
    return any(
        len(pattern) == len(where)
        and all(part == "*" or part == key for part, key in zip(pattern, where, strict=True))
        for pattern in _PATTERNS
    )


def cited(front_matter: Mapping[str, Any], story: str) -> list[tuple[str, Reference]]:
    """Every mark of a case study, with the field it is in (dotted, as `pathway.co-design.done`;
    `body` for the story): the fields that may hold marks (`MARKED_FIELDS`, in that order), then
    the story outside its code. What pages list under each source and the data publish."""
    texts = [
        found for pattern in MARKED_FIELDS for found in _at(front_matter, pattern.split("."), ())
    ]
    texts.append(("body", outside_code(story)))
    return [(field, mark) for field, text in texts for mark in found(text)]


def _at(node: Any, parts: list[str], where: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(dotted field, text) of each text in `node` at the path `parts` (`*`: any key)."""
    if not parts:
        if isinstance(node, str):
            yield ".".join(where), node
        return
    if not isinstance(node, dict):
        return
    head, rest = parts[0], parts[1:]
    keys = list(node) if head == "*" else [head] if head in node else []
    for key in keys:
        yield from _at(node[key], rest, (*where, str(key)))


def unreadable(text: str) -> list[str]:
    """Each bracketed text that looks meant as a mark but is not one, as written."""
    if "[" not in text or "source" not in text.lower():
        return []
    marks = {(m.start(), m.end()) for m in MARK.finditer(text)}
    return [
        loose.group(0)
        for loose in _LOOSE.finditer(text)
        if not any(start <= loose.start() < end for start, end in marks)
    ]


_MARKDOWN_CODE = re.compile(
    r"^(?P<fence>```+|~~~+)[^\n]*\n.*?^(?P=fence)[ \t]*$|(?P<ticks>`+)[^`].*?(?P=ticks)",
    re.MULTILINE | re.DOTALL,
)


def outside_code(markdown: str) -> str:
    """A story's markdown with its code (fenced blocks and inline code) blanked out, each
    character a space (line breaks kept), so that marks are found where pages link them and
    at the same lines."""
    if "`" not in markdown and "~~~" not in markdown:
        return markdown
    return _MARKDOWN_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)


NAMES_WITH_DIGITS = re.compile(r"\bcovid-19\b", re.IGNORECASE)
"""Names that hold a digit but are not numbers, so need no mark."""

_NOT_PROSE = re.compile(
    r"\]\((?:[^()\n]|\([^()\n]*\))*\)"  # link targets, with one level of brackets in them
    r"|<[^<>\n]*>"  # tags and autolinks
    r"|^[ \t]*[0-9]+[.)][ \t]",  # list numbers
    re.MULTILINE,
)
"""Text in a paragraph that is not prose. Each part stops at the first character that could
start another, so the work grows with the text, whatever it holds."""


def _without_comments(text: str) -> str:
    """`text` less its HTML comments (an unclosed one runs to the end, as in HTML), in one pass."""
    kept, start = [], 0
    while (opened := text.find("<!--", start)) >= 0:
        kept.append(text[start:opened])
        closed = text.find("-->", opened + 4)
        if closed < 0:
            return " ".join(kept)
        start = closed + 3
    kept.append(text[start:])
    return " ".join(kept)


_NUMBER = re.compile(r"[0-9][0-9,.]*(?:%|\b)")

_BREAK = re.compile(r"(\n[ \t]*\n|^[ \t]{0,3}#{1,6}(?:[ \t][^\n]*)?$)", re.MULTILINE)
"""What ends a paragraph: a blank line, or a heading (a heading is not a paragraph; the text
right under it is one)."""


def unmarked_numbers(story: str) -> Iterator[tuple[int, str]]:
    """Each paragraph of a story (text between blank lines: a list with no blank lines in it is
    one) that holds a number but no mark: its line within the story (0 is the first) and the
    first number in it. Headings are not paragraphs; code, link addresses and list numbers are
    not numbers."""
    line = 0
    for index, block in enumerate(_BREAK.split(outside_code(story))):
        # Even places hold paragraphs; odd ones the blank lines and headings between them.
        if index % 2 == 0 and block.strip() and not MARK.search(block):
            prose = _NOT_PROSE.sub(" ", _without_comments(block))
            number = _NUMBER.search(NAMES_WITH_DIGITS.sub(" ", prose))
            if number:
                leading = block[: len(block) - len(block.lstrip())].count("\n")
                found = number.group(0).rstrip(",.")
                yield line + leading, found if len(found) <= 20 else found[:20] + "…"
        line += block.count("\n")


def only_marks(text: str) -> bool:
    """Whether `text` is nothing but marks (what `facts_from` holds)."""
    return bool(found(text)) and not MARK.sub("", text).strip(" ,;\n")


def linked(escaped: str, href: Callable[[Reference], str]) -> str:
    """HTML-escaped text with each mark made a small link (`href(reference)`, to the source in
    the page's Sources); the mark's words are the link's accessible name, and the visible text
    is the source's number (and locator, if short) in brackets."""
    if "[source" not in escaped:
        return escaped

    def link(match: re.Match[str]) -> str:
        locator = html.unescape(match["locator"] or "").strip() or None
        reference = Reference(int(match["number"]), locator, match.start(), match.end())
        # Quotes as the sanitiser writes them: only '"' escaped in an attribute.
        spoken = html.escape(reference.spoken(), quote=False).replace('"', "&quot;")
        return (
            f'<sup class="eb-ref"><a href="{html.escape(href(reference), quote=True)}" '
            f'aria-label="{spoken}" title="{spoken}">[{reference.source}]</a></sup>'
        )

    # A mark sits against the word before it, as a footnote number does.
    return _SPACED_MARK.sub(link, escaped)
