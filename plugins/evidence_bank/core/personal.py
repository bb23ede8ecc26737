"""Personal data: what a case study may not publish without the person's consent.

Five kinds are found: personal email addresses (not an organisation's role address such as
`enquiries@`), UK phone numbers, NHS numbers, National Insurance numbers and full postcodes. A
finding names its kind and where it is, never the value: a message or a reply on an issue must
not publish what the check is there to keep out.

**Everyday spellings.** Text is first made plain, and matched plain: Unicode NFKC (full-width
`＠` and digits, non-breaking and other spaces), HTML entities decoded (`&#64;`, `&commat;`),
invisible format characters removed (zero-width space and joiners, word joiner, soft hyphen,
byte-order mark, bidi controls), markdown's emphasis, strong and code markers removed
(`07700 *900123*`) and tabs made spaces. Each change is recorded, so a match in the plain text
is traced back to its place in the original (its line, and the span `issue_form.redact` hides).
Numbers are then read as runs of digit groups joined by `.`, `/`, `-`, spaces, one line break or
brackets, and each run is judged in Python by the shape of its groups; emails accept `(at)`,
`[at]`, ` at ` and `(dot)`.

**Linear time.** No pattern nests a quantifier over characters another part can also take; each
starts with one character or set (which the regular-expression engine scans for fast), and
what comes before a match (an email's local part, a postcode's outward code, a National
Insurance number's letters) is looked for back from it, a bounded distance. The patterns that
start with a digit or a bracket, and the edits of ASCII text, are tried only where `str.find`
found their first character (`_starts`): the engine's scan for a set of characters takes about
5 ns a character, and four such scans were two thirds of this check's time. Measured: 1,000
synthetic case studies (12 MB) in 0.16 s (0.37 s before `_starts`; the old check, which knew
none of these spellings, took 0.21 s); no hostile megabyte (digits, groups of digits, `@`,
` at `, entities, markers, invisible or full-width characters) over 0.8 s.
`tests/core/test_personal.py` runs such inputs.

**What a reviewer would call personal** (the rules below; measured: no finding in the real case
studies, the guidance pages or 1,000 synthetic case studies, and none in the list of ordinary
strings in the tests):

- An NHS number is ten digits, alone or in the NHS's own 3-3-4 grouping (with spaces, dots,
  slashes or dashes), whose last digit is the Modulus 11 check digit. One ten-digit number in
  eleven passes the check by chance, so the shape matters: ten digits grouped otherwise (a date
  and a count, an ISBN's parts) are not read as one, nor are ten digits after "ISBN" or "ISSN".
  Scotland's CHI numbers have the same form and check, and are found too.
- A UK phone number is a national number of 0 and ten digits starting 01, 02, 03 or 07
  (landlines, non-geographic public-body numbers, mobiles), or the same after `+44`, `0044` or
  `00 44`, with or without `(0)`. Its first group holds at least three digits (a dialling
  code) and every other at least two, in at most four groups: a date such as `07.03.2019`
  followed by a count is never read as a number. Freephone and other 08 and 09 numbers are an
  organisation's, and are left alone.
- A National Insurance number is two letters, six digits (in pairs, maybe spaced) and a final
  letter A to D, in any case. A prefix HMRC never issues (`QQ`, the one in its examples, or
  first letters D, F, I, Q, U, V) is still refused, but asked about: the message says it looks
  like one and how to write it if it is not.
- A full postcode is an outward code whose letters are a real postcode area (`BL`, `SW`, `M`,
  ...), then the inward code (a digit and two letters), in any case, with no space, one or two
  spaces, or a hyphen (a file name). An outward code alone (`BL1`) is an area, not an address.
  A lower-case inward code that is an ordinal (`b2 2nd`) is not read as one.
- An email address is personal unless a part of its local part is a role (`ROLE_MAILBOXES`).
  Written with ` at `, its local part must look like an address (a dot, `_`, `+`, `-` or a
  digit), so "available at gov.uk" is not one.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .frontmatter import FrontMatter, KeyPath, field_name
from .problems import Problem

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

PERSONAL_DATA_EXPECTED = (
    "no personal data: remove it, or record the person's consent in 'consent' "
    "(an organisation's role address such as enquiries@ is fine)"
)
"""What a personal-data problem expects: it marks those problems, so a reply can name the kind
of data found without repeating it (the issue route does)."""

EMAIL = "a personal email address"
PHONE = "a UK phone number"
NHS_NUMBER = "an NHS number"
NATIONAL_INSURANCE = "a National Insurance number"
LIKE_NATIONAL_INSURANCE = "something that looks like a National Insurance number"
POSTCODE = "a full postcode"

_LIKE_NATIONAL_INSURANCE_HINT = (
    "if it is not one, reword it so that the two letters do not stand just before the six "
    "digits and the final letter"
)
_ALWAYS_HINTS: dict[KeyPath, str] = {
    ("consent", "reference"): (
        "the consent reference is published in the open data whatever the consent: use your "
        "own record's number, not the person's details"
    ),
}
"""Fields published whatever the consent says, and why."""

_FILE_NAME_HINT = (
    "the file name is the case study's web address, published whatever the consent: rename the file"
)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    """What was found, in words: "a UK phone number"."""
    text: str
    """The text found, as written in the original (never shown to a contributor)."""
    start: int = 0
    """Where the finding starts in the original text searched."""
    hint: str = ""
    """What to do if the finding is mistaken, when that can be said."""

    def described(self) -> str:
        """The kind and the last two characters, enough to tell two findings on a line apart."""
        tail = re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", self.text))[-2:]
        return f"{self.kind} (ending '{tail}')" if tail else self.kind


# -- where to look ------------------------------------------------------------------------------

_DIGITS = tuple("0123456789")
_DENSE = 32
"""Candidates more often than one in this many characters are left to the engine's own scan:
each candidate tried from Python costs about what the engine's scan of 50 characters does."""


def _starts(text: str, needles: tuple[str, ...]) -> list[int] | None:
    """Every index in `text` where one of `needles` starts, in order; None if they are dense
    (`_DENSE`). `str.find` looks for a string at memory speed, where the engine's scan for a
    character class (`[0-9]`) takes about 5 ns a character."""
    found: list[int] = []
    most = len(text) // _DENSE
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            if len(found) > most:
                return None
            at = text.find(needle, at + 1)
    found.sort()
    return found


def _search(
    pattern: re.Pattern[str], text: str, starts: list[int] | None, position: int = 0
) -> re.Match[str] | None:
    """`pattern.search(text, position)` for a pattern whose every match starts at one of
    `starts` (`_starts`): tried there only (everywhere, if `starts` is None)."""
    if starts is None:
        return pattern.search(text, position)
    for index in range(bisect.bisect_left(starts, position), len(starts)):
        match = pattern.match(text, starts[index])
        if match:
            return match
    return None


def _finditer(
    pattern: re.Pattern[str], text: str, starts: list[int] | None
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` (no match is empty), tried at `starts` only, as `_search`."""
    position = 0
    while match := _search(pattern, text, starts, position):
        yield match
        position = match.end()


# -- plain text --------------------------------------------------------------------------------

_EDIT = re.compile(r"[*`\t_&\\\x80-\U0010ffff]")
"""Where text may need an edit: a marker, an entity, a character outside ASCII. Searching for
one set of characters is fast (twenty times faster than an alternation of patterns)."""
_ASCII_EDITS = ("*", "`", "\t", "_", "&", "\\")
"""The edits' characters in ASCII text, each found by `str.find` (`_starts`)."""
_RUN = re.compile(r"[*`]+|[\x80-\U0010ffff]+")
_ESCAPED = frozenset("-.()/@_*`[]")
"""What a markdown backslash may escape inside personal data."""
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)")
_LINE_BREAKS = frozenset("\x85\u2028\u2029")


def _same_length() -> dict[int, str]:
    """Characters NFKC makes one ASCII character (full-width forms, non-breaking and other
    spaces): replaced in one `str.translate`, with no edit to record."""
    table = {}
    for code in [*range(0xA0, 0x100), *range(0x2000, 0x2070), 0x3000, *range(0xFF01, 0xFF5F)]:
        plain = unicodedata.normalize("NFKC", chr(code))
        if len(plain) == 1 and plain.isascii() and unicodedata.category(chr(code)) != "Cf":
            table[code] = " " if plain.isspace() else plain
    return table


_SAME_LENGTH = _same_length()
_SAME_LENGTH_CHARACTERS = re.compile(f"[{''.join(map(chr, _SAME_LENGTH))}]")


@functools.lru_cache(maxsize=4096)
def _plain_char(char: str) -> str:
    if unicodedata.category(char) == "Cf":  # zero-width, joiners, soft hyphen, BOM, bidi
        return ""
    if char in _LINE_BREAKS:
        return "\n"
    return "".join(" " if c.isspace() else c for c in unicodedata.normalize("NFKC", char))


def _edit(text: str, at: int) -> tuple[int, str]:
    """The end and the replacement of the edit at `text[at]` (the same text if none)."""
    char = text[at]
    if char == "&":
        entity = _ENTITY.match(text, at)
        if not entity:
            return at + 1, char
        decoded = html.unescape(entity[0])
        return entity.end(), "".join(map(_plain_char, decoded))
    if char == "_":  # emphasis only where a word starts or ends: never inside "ppi_team"
        inside = 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()
        return at + 1, char if inside else ""
    if char == "\\":
        return at + 1, "" if text[at + 1 : at + 2] in _ESCAPED else char
    if char == "\t":
        return at + 1, " "
    return at + 1, char


class Plain:
    """A text made plain for matching, and the way back to the original's offsets.

    The plain text is a series of pieces: runs copied from the original, and replacements of
    one edit each (an entity, a marker, a character). `_plain` holds where each piece starts in
    the plain text, `_start` and `_end` where it came from."""

    def __init__(self, original: str) -> None:
        if not original.isascii():  # (`str.translate` alone reads every character in Python)
            original = _SAME_LENGTH_CHARACTERS.sub(lambda m: _SAME_LENGTH[ord(m[0])], original)
        parts: list[str] = []
        self._plain: list[int] = []
        self._start: list[int] = []
        self._end: list[int] = []
        self._copied: list[bool] = []
        length = position = 0

        def add(text: str, start: int, end: int, copied: bool) -> None:
            nonlocal length
            if text and copied and self._copied[-1:] == [True] and self._end[-1] == start:
                parts.append(text)  # the same length as the original: the piece goes on
                self._end[-1] = end
                length += len(text)
            elif text:
                parts.append(text)
                self._plain.append(length)
                self._start.append(start)
                self._end.append(end)
                self._copied.append(copied)
                length += len(text)

        edits = _starts(original, _ASCII_EDITS) if original.isascii() else None
        scan = 0  # where to look for the next edit; `position`: the end of the last one
        while match := _search(_EDIT, original, edits, scan):
            start = match.start()
            if match[0] in "*`" or match[0] > "\x7f":
                run = original[start : _RUN.match(original, start).end()]  # type: ignore[union-attr]
                end = start + len(run)
                chars = [] if match[0] in "*`" else [_plain_char(char) for char in run]
                replacement = "".join(chars)
                same_length = all(len(char) == 1 for char in chars)
            else:
                end, replacement = _edit(original, start)
                same_length = True
            scan = end
            if replacement == original[start:end]:
                continue
            if not replacement or same_length:
                add(original[position:start], position, start, True)
                add(replacement, start, end, len(replacement) == end - start)
            else:  # characters that change length (a ligature, an ellipsis): one by one
                for at in range(start, end):
                    add(original[position:at], position, at, True)
                    add(_plain_char(original[at]), at, at + 1, False)
                    position = at + 1
            position = end
        if not self._plain:
            self.text = original
            return
        add(original[position:], position, len(original), True)
        self.text = "".join(parts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's span of the plain text's `start:end` (not empty)."""
        if not self._plain:
            return start, end
        return self._original(start, after=False), self._original(end - 1, after=True)

    def _original(self, offset: int, *, after: bool) -> int:
        index = bisect.bisect_right(self._plain, offset) - 1
        if self._copied[index]:
            return self._start[index] + offset - self._plain[index] + after
        return self._end[index] if after else self._start[index]


# -- the kinds ---------------------------------------------------------------------------------

_AT_SIGNS = (
    re.compile(r"@(?<=[A-Za-z0-9]@)(?=[A-Za-z0-9-]+(?:\.|[ (\[]))"),
    re.compile(r"[\[(] ?[Aa][Tt] ?[\])] ?(?=[A-Za-z0-9-]+(?:\.| ?[(\[][Dd]))"),
    re.compile(r" [Aa][Tt] (?<=[A-Za-z0-9] .. )(?=[A-Za-z0-9-]+(?:\.| ?[(\[][Dd]))"),
)
"""What joins an email address's parts: `@`, or `(at)`, `[at]` or ` at ` written out. Three
searches, each starting with a character (fast), rather than one alternation (slow)."""
_AT_SIGN_STARTS = (None, ("[", "("), None)
"""What each of `_AT_SIGNS` starts with (`_starts`); None: a plain character the engine skips to
fast itself (`str.find` is no faster for ' at ', whose spaces are everywhere)."""
_LOCAL_PART = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}\Z")
"""An email address's local part, found back from where its `@` starts (at most 64 characters,
as the standard allows, so looking back costs the same wherever it is)."""
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:(?:\.| ?[(\[] ?dot ?[)\]] ?)[A-Za-z0-9-]+)+", re.IGNORECASE)
_LOOKS_LIKE_LOCAL_PART = re.compile(r"[A-Za-z].*[._+0-9-]|[._+0-9-].*[A-Za-z]")

_GAP = r"[ \n./()-]{1,3}"
"""What may join the digit groups of a number: spaces, one line break, dots, slashes, dashes,
brackets. Groups and gaps share no character, so each pattern below is matched in one pass."""
_NATIONAL = re.compile(rf"0(?<![0-9A-Za-z]0)[0-9]{{1,10}}(?:{_GAP}[0-9]{{2,10}}){{0,3}}")
_INTERNATIONAL = re.compile(rf"\+(?<![0-9A-Za-z]\+)[0-9]{{2,12}}(?:{_GAP}[0-9]{{1,10}}){{0,4}}")
_NHS = re.compile(
    rf"[0-9](?<![0-9A-Za-z][0-9])(?:[0-9]{{9}}|[0-9]{{2}}{_GAP}[0-9]{{3}}{_GAP}[0-9]{{4}})"
    r"(?![0-9A-Za-z])"
)
"""Candidates, judged in Python: a UK number, starting 0 or +; ten digits, alone or 3-3-4."""
_GROUP = re.compile(r"[0-9]+")
_NOT_NHS_BEFORE = re.compile(r"\b(?:ISBN|ISSN)(?:-1[03])?:?\s*$", re.IGNORECASE)

_SEPARATOR = r"(?: {1,2}|[./-])?"
_NATIONAL_INSURANCE = re.compile(
    rf"[0-9][0-9]{_SEPARATOR}[0-9]{{2}}{_SEPARATOR}[0-9]{{2}}{_SEPARATOR}[A-Da-d](?![A-Za-z0-9])"
)
"""A National Insurance number from its digits on; its letters are then looked for just before.
A search that starts with one digit is fast: the engine skips to the next digit (its first
digits written `[0-9]{2}`, it would try the whole pattern at every character, twice as slow)."""
_NATIONAL_INSURANCE_PREFIX = re.compile(rf"(?<![A-Za-z0-9])([A-Za-z]{{2}}){_SEPARATOR}\Z")
_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

_INWARD_CODE = re.compile(r"[0-9][ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![A-Za-z0-9])")
"""A postcode's inward code (a digit and two letters); its outward code is looked for before."""
_OUTWARD_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2})[0-9][A-Za-z0-9]?(?: {1,2}|-)?\Z")
POSTCODE_AREAS = frozenset(
    re.findall(
        "[A-Z]+",
        "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
        "DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L "
        "LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S "
        "SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR "
        "WS WV YO ZE",
    )
)
"""The postcode areas of the UK, the Channel Islands and the Isle of Man."""
_ORDINAL = re.compile(r"[0-9](?:st|nd|rd|th)")


def _nhs_number_valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs_number(groups: list[str]) -> bool:
    shape = [len(group) for group in groups]
    return shape in ([10], [3, 3, 4]) and _nhs_number_valid("".join(groups))


def _uk_phone(groups: list[str], plus: bool) -> bool:
    first = groups[0]
    if plus and first.startswith("44"):
        rest = [first[2:], *groups[1:]]
    elif first.startswith("0044"):
        rest = [first[4:], *groups[1:]]
    elif first == "00" and groups[1:2] == ["44"]:
        rest = groups[2:]
    elif plus or not first.startswith("0") or first.startswith("00") or len(first) < 3:
        return False
    else:
        digits = "".join(groups)
        return (
            len(groups) <= 4
            and all(len(group) >= 2 for group in groups)
            and len(digits) == 11
            and digits[1] in "1237"
        )
    rest = [group for group in rest if group]
    if rest[:1] == ["0"]:  # +44 (0)20 ...
        rest = rest[1:]
    if not rest or len(rest) > 4 or any(len(group) < 2 for group in rest):
        return False
    digits = "".join(rest)
    digits = digits[1:] if digits.startswith("0") else digits  # +44 07700 ..., a common slip
    return len(digits) == 10 and digits[0] in "1237"


def _numbers(text: str, digits: list[int] | None) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of each phone and NHS number in plain text; `digits`: where its digits
    are (`_starts`)."""
    found: list[tuple[int, int, str]] = []
    for pattern, starts in ((_INTERNATIONAL, None), (_NATIONAL, None), (_NHS, digits)):
        position = 0
        while match := _search(pattern, text, starts, position):
            number = _number(text, match)
            if number:
                found.append(number)
                position = number[1]
            else:  # a number may still start inside this candidate: look again from its next digit
                position = match.start() + 1
    end = 0
    for start, stop, kind in sorted(found):
        if start >= end:  # "+44 07700 ..." is a candidate twice; report it once
            yield kind, start, stop
            end = stop


def _number(text: str, match: re.Match[str]) -> tuple[int, int, str] | None:
    """The longest phone or NHS number that a candidate starts with: (start, end, kind)."""
    groups = list(_GROUP.finditer(match[0]))
    plus = match[0][0] == "+"
    total = sum(len(group[0]) for group in groups)
    for count in range(len(groups), 0, -1):
        total, size = total - len(groups[count - 1][0]), total
        if not 10 <= size <= 14:
            continue
        end = match.start() + groups[count - 1].end()
        if end < len(text) and text[end].isalnum():
            continue
        digits = [group[0] for group in groups[:count]]
        if _uk_phone(digits, plus):
            return match.start(), end, PHONE
        if (
            not plus
            and _nhs_number(digits)
            and not _NOT_NHS_BEFORE.search(text, max(0, match.start() - 12), match.start())
        ):
            return match.start(), end, NHS_NUMBER
    return None


def _plain_findings(text: str) -> Iterator[tuple[str, int, int, str]]:
    """(kind, start, end, hint) of everything personal in plain text."""
    signs = (
        _finditer(pattern, text, needles and _starts(text, needles))
        for pattern, needles in zip(_AT_SIGNS, _AT_SIGN_STARTS, strict=True)
    )
    for at in (at for matches in signs for at in matches):
        start = at.start() - (at[0][0] in "[(" and text[at.start() - 1 : at.start()] == " ")
        local = _LOCAL_PART.search(text, max(0, start - 64), start)
        domain = _DOMAIN.match(text, at.end())
        if not local or not domain or not local[0][-1].isalnum():
            continue
        top = re.split(r"[. ()\[\]]+", domain[0].strip("-").lower())[-1]
        if not top.isalpha() or len(top) < 2:
            continue
        if at[0] == " at " and not _LOOKS_LIKE_LOCAL_PART.search(local[0]):
            continue
        lower = local[0].lower()
        if ({lower, *re.split(r"[._+-]", lower)}) & ROLE_MAILBOXES:
            continue
        yield EMAIL, local.start(), domain.end(), ""
    digits = _starts(text, _DIGITS)
    for kind, start, end in _numbers(text, digits):
        yield kind, start, end, ""
    for match in _finditer(_NATIONAL_INSURANCE, text, digits):
        letters = _NATIONAL_INSURANCE_PREFIX.search(text, max(0, match.start() - 4), match.start())
        if not letters:
            continue
        prefix = letters[1].upper()
        if prefix[0] in "DFIQUV" or prefix[1] in "DFIOQUV" or prefix in _NEVER_ISSUED:
            kind, hint = LIKE_NATIONAL_INSURANCE, _LIKE_NATIONAL_INSURANCE_HINT
        else:
            kind, hint = NATIONAL_INSURANCE, ""
        yield kind, letters.start(), match.end(), hint
    for match in _finditer(_INWARD_CODE, text, digits):
        outward = _OUTWARD_CODE.search(text, max(0, match.start() - 7), match.start())
        if not outward or outward[1].upper() not in POSTCODE_AREAS:
            continue
        if _ORDINAL.fullmatch(match[0]):
            continue
        yield POSTCODE, outward.start(), match.end(), ""


def find_personal_data(text: str) -> Iterator[Finding]:
    """Personal data in a piece of text, in the order it appears, each with the text and start
    it has in `text` itself (whatever spelling hid it)."""
    plain = Plain(text)
    found = sorted(_plain_findings(plain.text), key=lambda item: item[1])
    for kind, start, end, hint in found:
        first, last = plain.span(start, end)
        yield Finding(kind, text[first:last], first, hint)


# -- a case study ------------------------------------------------------------------------------


def check_personal_data(
    texts: list[tuple[KeyPath, str]], path: str, locate: Callable[[KeyPath], tuple[str, int]]
) -> list[Problem]:
    """Personal data in (where, text) pairs (`where`: a front matter key path, or `("body",)`
    for the story); `locate` names the field and line of a `where` (only called for a finding).
    All texts are searched as one string, then each finding is traced back to its text."""
    starts = []
    offset = 0
    for _, text in texts:
        starts.append(offset)
        offset += len(text) + 3
    whole = "\n\x00\n".join(text for _, text in texts)  # NUL never occurs in text
    problems = []
    for finding in find_personal_data(whole):
        index = bisect.bisect_right(starts, finding.start) - 1
        where = texts[index][0]
        field, line = locate(where)
        if field == "body":  # In the story, count lines; a field is reported at its key.
            line += whole.count("\n", starts[index], finding.start)
        hint = "; ".join(filter(None, (finding.hint, _ALWAYS_HINTS.get(where, ""))))
        problems.append(
            Problem(path, line, field, finding.described(), PERSONAL_DATA_EXPECTED, hint)
        )
    return sorted(problems)


def check_case_study(front: FrontMatter, path: str, slug: str, *, consented: bool) -> list[Problem]:
    """Personal data anywhere in a case study: every text in its front matter, its story and
    its file name. Consent covers the front matter and the story, but never the file name or
    the consent reference, which are published as its address and as data."""
    written = front.all_texts()
    texts = [(where, text) for where, text in written if not consented or where in _ALWAYS_HINTS]
    if not consented:
        texts.append((("body",), front.body))

    def locate(where: KeyPath) -> tuple[str, int]:
        if where == ("body",):
            return "body", front.body_line
        return field_name(where), front.line(where)

    problems = check_personal_data(texts, path, locate)
    for finding in find_personal_data(slug):
        hint = "; ".join(filter(None, (finding.hint, _FILE_NAME_HINT)))
        problems.append(
            Problem(path, 1, "file name", finding.described(), PERSONAL_DATA_EXPECTED, hint)
        )
    return sorted(problems)
