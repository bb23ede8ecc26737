"""Content safety: personal data in a contributor's text.

Text anywhere may not carry personal data (personal email addresses, UK phone numbers, NHS
numbers, National Insurance numbers, full postcodes) unless the case study records consent.
What the story's markdown may hold (HTML, script addresses, attributes) is `story`'s check.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .problems import Problem

Where = tuple[str | int, ...]
"""A value's path in the front matter, such as ("sources", 0, "title")."""


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
