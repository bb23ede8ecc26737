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

import bisect
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
    start: int = 0
    """Where the finding starts in the text searched."""


def _nhs_number_valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# Cheap tests first (patterns that start with a character set are scanned fast): NHS and phone
# numbers hold nine or more digits with small gaps (a date holds eight); a National Insurance
# number ends in six digits (in pairs, maybe spaced) and a letter A to D; a full postcode holds a
# digit followed by two capitals.
_NINE_DIGITS = re.compile(r"[0-9](?:[ ()-]{0,2}[0-9]){8}")
_SIX_DIGITS = re.compile(r"[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b")
_INWARD_CODE = re.compile(r"[0-9][A-Z]{2}")


def find_personal_data(text: str) -> Iterator[Finding]:
    """Personal data in a piece of text, in the order of the kinds below.

    Each pattern runs once over the whole text, and only when a cheap test shows it could match:
    most case studies hold no '@' and no long run of digits.
    """
    if "@" in text:
        for match in _EMAIL.finditer(text):
            local = match.group(0).split("@", 1)[0].lower()
            parts = set(re.split(r"[._+-]", local)) | {local}
            if not parts & ROLE_MAILBOXES:
                yield Finding("a personal email address", match.group(0), match.start())
    if _NINE_DIGITS.search(text):
        nhs_spans = []
        for match in _NHS.finditer(text):
            if _nhs_number_valid("".join(match.groups())):
                nhs_spans.append(match.span())
                yield Finding("an NHS number", match.group(0), match.start())
        for match in _PHONE.finditer(text):
            if any(s <= match.start() < e for s, e in nhs_spans):
                continue
            if len(re.sub(r"\D", "", match.group(0))) >= 10:
                yield Finding("a UK phone number", match.group(0).strip(), match.start())
    if _SIX_DIGITS.search(text):
        for match in _NINO.finditer(text):
            yield Finding("a National Insurance number", match.group(0), match.start())
    if _INWARD_CODE.search(text):
        for match in _POSTCODE.finditer(text):
            yield Finding("a full postcode", match.group(0), match.start())


PERSONAL_DATA_EXPECTED = (
    "no personal data: remove it, or record the person's consent in 'consent' "
    "(an organisation's role address such as enquiries@ is fine)"
)
"""What a personal-data problem expects: it marks those problems, so a reply can name the kind
of data found without repeating it (the issue route does)."""


def check_personal_data(
    texts: list[tuple[Where, str]], path: str, locate: Callable[[Where], tuple[str, int]]
) -> list[Problem]:
    """Personal data in (where, text) pairs; `locate` names the field and line of a `where`
    (only called for a finding). The caller skips this when consent is recorded. All texts are
    searched as one string, then each finding is traced back to its text."""
    starts = []
    offset = 0
    for _, text in texts:
        starts.append(offset)
        offset += len(text) + 3
    whole = "\n\x00\n".join(text for _, text in texts)  # NUL never occurs in text
    problems = []
    for finding in find_personal_data(whole):
        index = bisect.bisect_right(starts, finding.start) - 1
        field, line = locate(texts[index][0])
        if field == "body":  # In the story, count lines; a field is reported at its key.
            line += whole.count("\n", starts[index], finding.start)
        problems.append(
            Problem(
                path,
                line,
                field,
                f"{finding.kind} ({finding.text!r})",
                PERSONAL_DATA_EXPECTED,
            )
        )
    return sorted(problems)
