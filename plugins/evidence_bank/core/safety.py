"""Content safety: what a contributor's markdown and text may not contain.

Every contribution is untrusted input on a public-sector site. The story (the markdown body) may
not carry raw HTML, script links (`javascript:`, `vbscript:`, `data:`, in any case or entity
encoding) or attributes other than `id` and `class` set with `attr_list`. Text anywhere may not
carry personal data (personal email addresses, UK phone numbers, NHS numbers, National Insurance
numbers, full postcodes) unless the case study records consent.

The body is checked by rendering it with the same markdown extensions the site uses and reading
the result, so code spans and code blocks (where `<b>` is just text) are never mistaken for HTML.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from .problems import Problem

EXTENSIONS = ("toc", "attr_list", "tables", "footnotes", "admonition")
"""The markdown extensions of the site (mkdocs.yml), so the check sees what the site renders."""

_LINK_TARGET = re.compile(r"\]\(\s*([^)]*)|^[ ]{0,3}\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
"""Inline link and image targets, and reference definitions: where markdown puts addresses."""


def _needs_rendering(body: str) -> bool:
    """Whether the body could hold HTML, attributes or a script address. Without '<', '{' or
    '&' there is no HTML, no attribute list, no autolink and no entity; then only a link target
    can carry a script address, and those are read directly."""
    if "<" in body or "{" in body or "&" in body:
        return True
    for match in _LINK_TARGET.finditer(body):
        target = re.sub(r"[\x00-\x20]", "", match.group(1) or match.group(2) or "").lower()
        if target.startswith(_BAD_SCHEMES):
            return True
    return False


_ENTITY = re.compile(r"^&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);$")
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_ALIGN = re.compile(r"^text-align: (?:left|right|center);?$")

_MARKDOWN_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"style"}),
    "td": frozenset({"style"}),
}
"""Attributes markdown itself writes, beyond `id` and `class` (allowed on every element)."""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (kind, detail)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = _MARKDOWN_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name in ("href", "src"):
                bare = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                if bare.startswith(_BAD_SCHEMES):
                    self.found.append(("scheme", bare.split(":", 1)[0]))
            if name in ("id", "class") or (name in allowed and name != "style"):
                continue
            if name == "style" and name in allowed and _ALIGN.match(value):
                continue
            self.found.append(("attribute", name))


Where = tuple[str | int, ...]
"""A value's path in the front matter, such as ("sources", 0, "title")."""

_converter: Any = None  # Built on first use: importing markdown costs ~30 ms at start-up.


def _markdown() -> Any:
    global _converter
    if _converter is None:
        import markdown

        _converter = markdown.Markdown(extensions=list(EXTENSIONS))
    return _converter


def check_body(body: str, body_line: int, path: str) -> list[Problem]:
    """Every unsafe thing in a case study's markdown body."""
    if not _needs_rendering(body):
        return []
    converter = _markdown()
    converter.reset()
    output = converter.convert(body)
    raw = [
        block
        for block in converter.htmlStash.rawHtmlBlocks
        if isinstance(block, str) and not _ENTITY.match(block.strip())
    ]
    problems = []
    lines = body.split("\n")

    def line_of(*needles: str) -> int:
        for needle in needles:
            needle = needle.strip().lower()
            if not needle:
                continue
            for index, text in enumerate(lines):
                if needle in text.lower():
                    return body_line + index
        return body_line

    for block in raw:
        snippet = block.strip().split("\n", 1)[0]
        shown = snippet if len(snippet) <= 40 else snippet[:39] + "…"
        problems.append(
            Problem(
                path,
                line_of(snippet),
                "body",
                f"raw HTML ({shown!r})",
                "markdown only: write **bold**, *italic*, [links](https://...) and lists in "
                "markdown; HTML is not allowed in case studies",
            )
        )
    reader = _Reader()
    reader.feed(output)
    for kind, detail in reader.found:
        if kind == "scheme":
            problems.append(
                Problem(
                    path,
                    line_of(f"{detail}:", detail[1:] + ":", "]("),
                    "body",
                    f"a link or image address starting '{detail}:'",
                    "addresses starting https:// (or http:// or mailto:); script and data "
                    "addresses are not allowed",
                )
            )
        else:
            problems.append(
                Problem(
                    path,
                    line_of(f"{detail}=", detail),
                    "body",
                    f"the attribute '{detail}' set with {{: ...}}",
                    "only #id and .class in attribute lists",
                )
            )
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    unique: list[Problem] = []
    for problem in problems:
        if problem not in unique:
            unique.append(problem)
    return unique
