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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from .problems import Problem

EXTENSIONS = ("toc", "attr_list", "tables", "footnotes", "admonition")
"""The markdown extensions of the site (mkdocs.yml), so the check sees what the site renders."""

_RISKY = re.compile(r"[<{&]|s\s*c\s*r\s*i\s*p\s*t|d\s*a\s*t\s*a\s*:", re.IGNORECASE)
"""A body with none of these cannot hold HTML, attributes or script links: no need to render."""

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


_converter: Any = None  # Built on first use: importing markdown costs ~30 ms at start-up.


def _markdown() -> Any:
    global _converter
    if _converter is None:
        import markdown

        _converter = markdown.Markdown(extensions=list(EXTENSIONS))
    return _converter


def check_body(body: str, body_line: int, path: str) -> list[Problem]:
    """Every unsafe thing in a case study's markdown body."""
    if not _RISKY.search(body):
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


# -- personal data ---------------------------------------------------------------------------

ROLE_MAILBOXES = frozenset(
    {
        "admin",
        "communications",
        "comms",
        "contact",
        "contactus",
        "engagement",
        "enquiries",
        "enquiry",
        "feedback",
        "hello",
        "help",
        "info",
        "information",
        "involvement",
        "mail",
        "media",
        "office",
        "participation",
        "patientexperience",
        "ppi",
        "press",
        "reception",
        "support",
        "team",
        "coproduction",
        "codesign",
        "healthwatch",
    }
)
"""Local parts (or parts of them) that make an email address an organisation's role address."""

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d\)?[\s-]?){9,10}(?!\d)")
_NHS = re.compile(r"(?<!\d)(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?!\d)")
_NINO = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}"
    r"\s?[A-D]\b"
)
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][ABD-HJLNP-UW-Z]{2}\b")


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    text: str


def _nhs_number_valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def find_personal_data(text: str) -> Iterator[Finding]:
    """Personal data in one piece of text."""
    for match in _EMAIL.finditer(text):
        local = match.group(0).split("@", 1)[0].lower()
        parts = set(re.split(r"[._+-]", local)) | {local}
        if not parts & ROLE_MAILBOXES:
            yield Finding("a personal email address", match.group(0))
    nhs_spans = []
    for match in _NHS.finditer(text):
        digits = "".join(match.groups())
        if _nhs_number_valid(digits):
            nhs_spans.append(match.span())
            yield Finding("an NHS number", match.group(0))
    for match in _PHONE.finditer(text):
        if any(s <= match.start() < e for s, e in nhs_spans):
            continue
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) >= 10:
            yield Finding("a UK phone number", match.group(0).strip())
    for match in _NINO.finditer(text):
        yield Finding("a National Insurance number", match.group(0))
    for match in _POSTCODE.finditer(text):
        yield Finding("a full postcode", match.group(0))


def check_personal_data(texts: Iterable[tuple[str, int, str]], path: str) -> list[Problem]:
    """Personal data in (field, line, text) triples; the caller skips this when consent is
    recorded."""
    problems = []
    for field, line, text in texts:
        for finding in find_personal_data(text):
            offset = text[: text.find(finding.text)].count("\n") if field == "body" else 0
            problems.append(
                Problem(
                    path,
                    line + offset,
                    field,
                    f"{finding.kind} ({finding.text!r})",
                    "no personal data: remove it, or record the person's consent in 'consent' "
                    "(an organisation's role address such as enquiries@ is fine)",
                )
            )
    return problems
