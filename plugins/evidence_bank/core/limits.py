"""Limits on a story's size and nesting, checked before any markdown runs.

Python-Markdown does more than linear work on some inputs, and recursion on others; a story is
untrusted input that a pull request puts through the build. Measured with the site's extensions
(Python 3.11, markdown 3.11), before these limits:

- 400 lists nested by indentation end the build with `RecursionError`;
- each '[' (link, image or reference) scans ahead to its matching ']', and each '](' to its
  matching ')': 20,000 unclosed '[' took 42 s, 20,000 '[a](' took 77 s (square of the size);
- each '<' that could open a tag makes the HTML reader scan ahead to its '>': 20,000 '<a ' took
  50 s;
- each inline match rebuilds the text it was found in, and each footnote reference looks its
  footnote up in a list: both grow with the square of one block's length or of the number of
  footnotes (40,000 nested emphasis marks: 17 s; 15,000 footnotes: 20 s).

So a story is refused, with one plain problem for each limit it passes, when it is larger than
`MAX_STORY_BYTES`, nests containers or brackets deeper than `MAX_NESTING`, holds a block of
lines longer than `MAX_BLOCK_CHARS` without a blank line, or more than `MAX_TAGS` possible tags
or `MAX_FOOTNOTES` footnote marks. Under these limits each scan ahead covers at most one block
and each character lies inside at most `MAX_NESTING` open scans, so markdown's work is linear in
the story (`./scripts/adversarial` measures it). The limits are far above real writing: stories
are 600 to 900 words (about 5 KB), nest lists two or three deep, and rarely hold a paragraph of
more than 2,000 characters. The checks here are single passes over the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .problems import Problem

MAX_STORY_BYTES = 100 * 1024
"""The largest story (UTF-8 bytes): twenty times a typical one, eight times the longest in the
bank (about 12 KB). At 200 KB the worst story the other limits accept took 1.5 s to check here
(`./scripts/adversarial`), too close to the 2 s goal for a slower machine; at 100 KB, 0.75 s."""

MAX_NESTING = 20
"""How deeply lists, quotes and indented blocks may nest on one line, and how deeply brackets
'[', parentheses '(' and emphasis marks ('*', '_') may open inside one another in one block."""

MAX_BLOCK_CHARS = 20_000
"""The longest block of lines with no blank line between them (a paragraph, list or table):
about 3,000 words."""

MAX_TAGS = 50
"""How many '<' a story may hold that could open an HTML tag ('<' then a letter, '/', '!' or
'?'). HTML is refused anyway; autolinks (`<https://...>`) are the only such '<' a story needs."""

MAX_FOOTNOTES = 200
"""How many footnote marks ('[^') a story may hold (definitions and references together)."""

_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-*+]|[0-9]{1,9}[.)])(?=[ \t]|$))")
_CONTAINER_FIRST = frozenset(" \t>-*+0123456789")
"""What a line that nests anything starts with (an indent, or `_CONTAINER`'s markers)."""
_TOKEN = re.compile(r"\\.|\n[ \t>]*(?=\n)|\[\^|\[|\]|\(|\)|\*[*_]*|_[*_]*|<[A-Za-z/!?]", re.DOTALL)
"""What `_inline` counts. Every alternative starts with one plain character, so the regular
expression engine skips quickly to the next of those characters; with a class of characters or a
repeat first, it would try every alternative at every character of the story (eight times
slower)."""
_WORD = re.compile(r"\w")


@dataclass
class _Worst:
    """The deepest (or largest) value one kind reached, and the line where it first passed the
    limit."""

    value: int = 0
    line: int = 0
    what: str = ""


def check(body: str, body_line: int, path: str) -> list[Problem]:
    """What makes `body` too large or too deeply nested to render; nothing if it is within every
    limit. Each limit gives at most one problem: at the deepest line for lists and quotes, else
    at the first line that passes the limit."""
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > MAX_STORY_BYTES:
        blank = len(body) - len(body.lstrip("\n"))  # The story starts after its blank lines.
        return [
            Problem(
                path,
                body_line + blank,
                "body",
                f"a story of {size / 1024:,.0f} KB",
                f"a story of at most {MAX_STORY_BYTES // 1024} KB (a long story is about 10 KB)",
                "link to longer material rather than including it",
            )
        ]
    problems = _containers(body, body_line, path)
    problems += _inline(body, body_line, path)
    return problems


def _containers(body: str, body_line: int, path: str) -> list[Problem]:
    """Lists, quotes and indented blocks nested on one line: what makes markdown recurse."""
    worst = _Worst()
    for number, line in enumerate(body.split("\n")):
        if line[:1] not in _CONTAINER_FIRST:
            continue  # Neither indented nor a quote or list item: it nests nothing (most lines).
        quotes = lists = indents = 0
        position = 0
        while True:
            match = _CONTAINER.match(line, position)
            spaces = line[position : match.end() if match else len(line)]
            if match is None and not line[position:].strip():
                break  # Only blanks are left: a blank line nests nothing.
            width = 0
            for char in spaces:
                if char not in " \t":
                    break
                width += 4 - width % 4 if char == "\t" else 1
            indents += width // 4
            if match is None:
                break
            marker = match.group(0).lstrip(" \t")
            quotes += marker == ">"
            lists += marker != ">"
            position = match.end()
        depth = quotes + lists + indents
        if depth > worst.value:
            kinds = [
                name
                for name, count in (
                    ("lists", lists),
                    ("quotes", quotes),
                    ("indented blocks", indents),
                )
                if count
            ]
            worst = _Worst(depth, body_line + number, " and ".join(kinds))
    if worst.value <= MAX_NESTING:
        return []
    return [
        Problem(
            path,
            worst.line,
            "body",
            f"{worst.what} nested {worst.value} deep",
            f"at most {MAX_NESTING} levels of lists, quotes and indentation",
            "a story rarely needs more than three",
        )
    ]


def _inline(body: str, body_line: int, path: str) -> list[Problem]:
    """Brackets, parentheses and emphasis nested in one block; long blocks; tags; footnotes.
    One pass over the characters that matter, resetting at each blank line."""
    depth = {"[": 0, "(": 0, "*": 0}
    worst = {"[": _Worst(), "(": _Worst(), "*": _Worst()}
    block = _Worst()
    tags = _Worst()
    footnotes = _Worst()
    block_start = 0
    line = body_line
    seen = 0  # How far `line` has counted.

    def line_at(index: int) -> int:
        nonlocal line, seen
        if index < seen:
            return body_line + body.count("\n", 0, index)
        line += body.count("\n", seen, index)
        seen = index
        return line

    def block_ends(end: int) -> None:
        if block.value or end - block_start <= MAX_BLOCK_CHARS:
            return  # Only the first block that is too long is reported.
        text = body[block_start:end]
        first = body_line + body.count("\n", 0, block_start + len(text) - len(text.lstrip()))
        block.value, block.line = end - block_start, first
        block.what = f"lines {first} to {line_at(block_start + len(text.rstrip()))}"

    for match in _TOKEN.finditer(body):
        token = match.group(0)
        first = token[0]
        if first == "\\":
            continue
        if first == "\n":
            block_ends(match.start())
            block_start = match.end()
            depth = dict.fromkeys(depth, 0)
            continue
        if first == "<":
            tags.value += 1
            if tags.value == MAX_TAGS + 1:
                tags.line = line_at(match.start())
            continue
        if token == "[^":
            footnotes.value += 1
            if footnotes.value == MAX_FOOTNOTES + 1:
                footnotes.line = line_at(match.start())
            token = first = "["
        if first in "[(":
            key, change = first, 1
        elif first in "])":
            key, change = "[" if first == "]" else "(", -1
        else:
            key, change = "*", _emphasis(body, match.start(), match.end())
            change *= len(token)
        depth[key] = max(0, depth[key] + change)
        if depth[key] > worst[key].value:
            if depth[key] > MAX_NESTING >= worst[key].value:
                worst[key].line = line_at(match.start())
            worst[key].value = depth[key]
    block_ends(len(body))
    problems = []
    for key, what in (
        ("[", "brackets '[' opened"),
        ("(", "parentheses '(' opened"),
        ("*", "emphasis marks ('*' or '_') opened"),
    ):
        if worst[key].value > MAX_NESTING:
            problems.append(
                Problem(
                    path,
                    worst[key].line,
                    "body",
                    f"{what} {worst[key].value} deep inside one another in one paragraph",
                    f"at most {MAX_NESTING}",
                    "close each one before opening the next, or write it as \\" + key,
                )
            )
    if block.value:
        problems.append(
            Problem(
                path,
                block.line,
                "body",
                f"{block.value:,} characters with no blank line between them ({block.what})",
                f"at most {MAX_BLOCK_CHARS:,} in one paragraph, list or table",
                "put a blank line between paragraphs",
            )
        )
    if tags.value > MAX_TAGS:
        problems.append(
            Problem(
                path,
                tags.line,
                "body",
                f"{tags.value:,} '<' that could open HTML tags",
                f"at most {MAX_TAGS} (HTML is not allowed in case studies)",
                "write 'less than', or &lt;",
            )
        )
    if footnotes.value > MAX_FOOTNOTES:
        problems.append(
            Problem(
                path,
                footnotes.line,
                "body",
                f"{footnotes.value:,} footnote marks '[^'",
                f"at most {MAX_FOOTNOTES}",
                "list long sources in the front matter's 'sources'",
            )
        )
    return problems


def _emphasis(body: str, start: int, end: int) -> int:
    """+1 if the run of '*' or '_' at body[start:end] can open emphasis (it starts a word), -1
    if it can close it (it ends a word), 0 if neither or both."""
    before = body[start - 1] if start else " "
    after = body[end] if end < len(body) else " "
    opens = not after.isspace() and (before.isspace() or not _WORD.match(before))
    closes = not before.isspace() and (after.isspace() or not _WORD.match(after))
    return int(opens) - int(closes)
