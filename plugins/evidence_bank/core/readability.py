"""Plain English, measured: a Flesch-Kincaid grade for summaries, a length for every sentence.

The validator warns (and the strict site build refuses) when a summary reads above grade 9, or
when a sentence of a checked field runs over 25 words. Both are warnings, not errors: a hard
sentence is still a valid case study, but it should not reach the public as it is.

Why these thresholds:

- **Grade 9 for `summary`.** Summaries are what cards, search results, feeds and the open data
  show to everyone, often with nothing else. GOV.UK writes for a reading age of 9 for the public;
  professional readers manage about grade 10-11. Issue #15 gives the bank's own case-study
  bodies as 6.6-7.5 and its guidance pages as 4.3-7.9, so a limit of 9 leaves room for the long
  names of organisations a summary must give, and no more. (Those figures are the issue's: this
  module, with headings, links and comments stripped, gives the current bodies 10.1-11.0 and
  the contributor guide 6.0, so how they were measured is not recorded here.)
- **25 words a sentence**, in the summary and in every pathway step's `done` text: GOV.UK's
  content design guidance ("sentences of 25 words or fewer"). Long sentences lose readers
  whatever their words.

Which fields are checked, and how, is one list: `CHECKED`. Add a field there (for example
`Checked(("evidence", ANY, "reason"))`) and the validator, the build and their messages follow.

Why no library: textstat 0.7.13, the current release, counts syllables with NLTK's CMU
dictionary and downloads it at run time (`nltk.download('cmudict')`); with no network it
raises `LookupError` on the first word (checked offline in a scratch environment). Pyphen
counts hyphenation points, not syllables ('people', 'area' and 'every' come out as one);
`syllables` 1.1.5 gets 'created', 'area', 'idea' and 'lived' wrong and pulls in the CMU
dictionary package besides. The counter here is a few rules and a short list of exceptions,
measured against the CMU dictionary (once, offline, with the `cmudict` package in a scratch
environment): it agrees on 99.8% of the word occurrences of `case_studies/` and `content/`
(which the rules were tuned on) and on 99.3% of README.md's (not tuned on; the misses are
lower-case technical abbreviations such as 'html'). The five current summaries' grades differ
from the dictionary's by 0.0 to 0.6: the Flesch-Kincaid formula is an estimate itself, and the
limit is not drawn finer than that.

Speed: syllables are counted only for a field that is graded (the summary), and each distinct
word once per process (`functools.lru_cache`); a text of 25 words or fewer has no long
sentence and is not split at all; sentences are split by one simple regular expression.
Measured: about 70 microseconds a synthetic case study, against about 1 ms to read it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .problems import Problem

GRADE_LIMIT = 9.0
"""The highest Flesch-Kincaid grade a graded field (the summary) may read at."""

SENTENCE_LIMIT = 25
"""The most words a sentence of a checked field may have (GOV.UK's content design guidance)."""

ANY = "*"
"""In a `Checked` path: every key of a mapping, or every item of a list."""


@dataclass(frozen=True, slots=True)
class Checked:
    """A text field whose sentences are measured."""

    path: tuple[str, ...]
    """Where the text is in the front matter; `ANY` stands for every key or item."""

    graded: bool = False
    """Whether its Flesch-Kincaid grade is checked too (not only its sentences' length)."""


CHECKED: tuple[Checked, ...] = (
    Checked(("summary",), graded=True),
    Checked(("pathway", ANY, "done")),
    Checked(("evidence", "reason")),
)
"""Every field measured, in the order its warnings are given. The one place to add a field."""

EXPECTED_GRADE = (
    f"shorter sentences and everyday words: a reading grade of {GRADE_LIMIT:.0f} or less "
    f"(GOV.UK advises sentences of {SENTENCE_LIMIT} words or fewer)"
)
EXPECTED_LENGTH = (
    f"sentences of {SENTENCE_LIMIT} words or fewer (GOV.UK's advice): split it into two, "
    "or turn a list into bullet points"
)
QUOTE_LIMIT = 200
"""The longest a quoted sentence is shown; a longer one is cut with an ellipsis."""

# --- Text -----------------------------------------------------------------------------------

_MARK = re.compile(r"\[\s*source\b[^\]]*\]", re.IGNORECASE)
"""A reference mark such as `[source 2, page 4]`: not read aloud, so not measured."""

_WORD = re.compile(r"[^\W_]+(?:[.,'’\-][^\W_]+)*")
"""A word: letters or digits, with inner hyphens, apostrophes and decimal points
(`co-production`, `people's`, `2.5` and `1,200` are one word each)."""

_ITEM = re.compile(r"^\s*(?:[-*+•–]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)])\s+", re.MULTILINE)
"""A line that starts a list item: a bullet, or `1.`, `2)`, `a)`."""

_BREAK = re.compile(r"\n\s*\n")
"""A blank line: a paragraph ends there, whatever its last character."""

ABBREVIATIONS = frozenset(
    (  # noqa: SIM905 (one word a line would run to 40 lines)
        "e.g i.e cf vs approx dr mr mrs ms mx prof st no nos fig ed eds vol pp para dept govt "
        "inc ltd co jan feb mar apr jun jul aug sep sept oct nov dec"
    ).split()
)
"""Words that end in a full stop without ending the sentence (lower case, no final stop). A
single letter ('J. Smith') is an initial, and does not end one either."""

_END = re.compile(r"(?<=[.!?…\"'”’)\]])\s+(?=[^\sa-z])")
"""Where a sentence may end: after a stop (or a closing quote or bracket), a space, and a next
word not in lower case. `_ends` then sets aside abbreviations and initials: one simple
expression runs in C, where one with a look-behind for each abbreviation took four times as
long."""

_CLOSERS = "\"'”’)]"
_OPENERS = "(\"'‘“["


def strip_marks(text: str) -> str:
    """`text` without reference marks (`[source 2, page 4]`)."""
    return _MARK.sub("", text) if "[" in text else text


def words(text: str) -> list[str]:
    """The words of `text` (see `_WORD`)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """How many words `text` has: what its spaces separate, less punctuation alone ('-', '&')."""
    return sum(1 for token in text.split() if _syllables(token))


def sentences(text: str) -> list[str]:
    """The sentences of `text`, reference marks removed, each with its spaces tidied.

    A sentence ends at `.`, `!`, `?` or `…` (and a closing quote or bracket) followed by a
    space and a word that does not start in lower case, unless the stop belongs to an
    abbreviation (`e.g.`, `Dr.`: `ABBREVIATIONS`) or an initial (`J. Smith`); a decimal (`2.5`)
    has no space after its point. A blank line ends a sentence, and so does a line that starts
    a list item (`- `, `1.`): each item is measured alone.
    """
    tidied = (" ".join(raw.split()) for raw in _raw_sentences(text))
    return [tidy for tidy in tidied if word_count(tidy)]


def _raw_sentences(text: str) -> list[str]:
    found: list[str] = []
    for block in _blocks(strip_marks(text)):
        pieces = _END.split(block)
        found.append(pieces[0])
        for piece in pieces[1:]:
            if _ends(found[-1]):
                found.append(piece)
            else:
                found[-1] += " " + piece
    return found


def _ends(piece: str) -> bool:
    """Whether a sentence ends with `piece` (which `_END` ended), or goes on past it."""
    end = piece.rstrip(_CLOSERS)
    if not end or end[-1] not in ".!?…":
        return False
    if end[-1] != ".":
        return True
    last = end[:-1].rsplit(None, 1)[-1].lstrip(_OPENERS) if len(end) > 1 else ""
    return not ((len(last) == 1 and last.isalpha()) or last.lower() in ABBREVIATIONS)


def _blocks(text: str) -> list[str]:
    """Paragraphs and list items: the parts no sentence runs across."""
    if "\n" not in text:
        return [text]
    blocks: list[str] = []
    for paragraph in _BREAK.split(text):
        starts = [m.start() for m in _ITEM.finditer(paragraph)]
        if not starts:
            blocks.append(paragraph)
            continue
        if starts[0] != 0:
            starts.insert(0, 0)
        blocks += [paragraph[a:b] for a, b in zip(starts, [*starts[1:], None], strict=True)]
    return blocks


def long_sentences(text: str, limit: int = SENTENCE_LIMIT) -> list[tuple[int, str]]:
    """(word count, sentence) for each sentence of `text` over `limit` words, in order."""
    if len(text.split()) <= limit:
        return []  # Quick: no sentence can be longer than the whole text.
    found = []
    for raw in _raw_sentences(text):
        if len(raw.split()) > limit and (count := word_count(raw)) > limit:
            found.append((count, " ".join(raw.split())))
    return found


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text`:
    0.39 * words / sentences + 11.8 * syllables / words - 15.59 (0.0 for a text of no words)."""
    parts = _raw_sentences(text)
    counts = [_syllables(token) for part in parts for token in part.split()]
    total = len(counts) - counts.count(0)
    if not total:
        return 0.0
    said = sum(1 for part in parts if any(map(_syllables, part.split())))
    return 0.39 * total / said + 11.8 * sum(counts) / total - 15.59


def hardest(text: str) -> str:
    """The sentence of `text` with the highest grade (the first, if several tie)."""
    parts = sentences(text)
    return max(parts, key=grade) if parts else ""


# --- Syllables ------------------------------------------------------------------------------

EXCEPTIONS: dict[str, int] = {
    # Words the rules below get wrong that case studies are likely to use.
    "area": 3,
    "areas": 3,
    "idea": 3,
    "ideas": 3,
    "people": 2,
    "peoples": 2,
    "every": 2,
    "everyone": 3,
    "everything": 3,
    "business": 2,
    "businesses": 3,
    "wednesday": 2,
    "evening": 2,
    "several": 3,
    "different": 3,
    "interest": 3,
    "interested": 4,
    "average": 3,
    "family": 3,
    "families": 3,
    "general": 3,
    "generally": 4,
    "separate": 3,
    "camera": 3,
    "realise": 3,
    "realised": 3,
    "create": 2,
    "creates": 2,
    "created": 3,
    "creating": 3,
    "creative": 3,
    "being": 2,
    "doing": 2,
    "going": 2,
    "seeing": 2,
    "poem": 2,
    "quiet": 2,
    "science": 2,
    "video": 3,
    "radio": 3,
    "media": 3,
    "via": 2,
    "trial": 2,
    "trials": 2,
    "diabetes": 4,
    "naive": 2,
    "coordinate": 4,
    "coordinated": 5,
    "coordination": 5,
    "coordinator": 5,
    "cooperate": 4,
    "cooperation": 5,
    "reuse": 2,
    "reused": 2,
    "preempt": 2,
    "society": 4,
    "friend": 1,
    "friends": 1,
    "any": 2,
    "uk": 2,
    "gps": 3,
    "something": 2,
    "someone": 2,
    "sometimes": 2,
    "somewhere": 2,
    "stakeholder": 3,
    "stakeholders": 3,
    "framework": 2,
    "frameworks": 2,
    "everyday": 3,
    "uncoordinated": 6,
    "anyone": 3,
    "creation": 3,
    "lgbtq": 5,
}
"""Exact syllable counts, lower case, checked first."""

_VOWELS = re.compile(r"[aeiouy]+")
_TWO_VOWEL_SOUNDS = re.compile(
    r"(?:(?<![ct])ia|(?<![tscgxln])io(?!u)|(?<![ctxg])iou|(?<![ct])ie(?=[nrt])|iu|(?<![qg])ua|"
    r"(?<!q)uo|ue(?=n)|eo(?!u)|ii|oe(?!s?$)|[aeiou]ing|(?<![aeiou])yi)"
)
"""Vowel pairs read as two syllables ('media', 'champion', 'previous', 'client', 'actual',
'being'), except where a consonant before them makes them one ('social', 'nation', 'equal')."""
_SILENT_E = re.compile(r"[^aeiouy]e(?:ments?|ly|ful|fully|ness|less|ty)$")
"""A silent 'e' before a suffix: 'engagement', 'timely', 'useful', 'awareness', 'safety'."""


@functools.lru_cache(maxsize=65536)
def _syllables(token: str) -> int:
    """The syllables of a word as the text has it, punctuation and all (`syllable_count`); 0 for
    punctuation alone, which is not a word. Cached: each distinct one is counted once."""
    found = words(token)
    return sum(map(syllable_count, found)) if found else 0


def syllable_count(word: str) -> int:
    """The syllables of one word, estimated (at least 1): `EXCEPTIONS`, else vowel groups with
    a silent final 'e', '-es' and '-ed', and vowel pairs said as two. A hyphenated word is the
    sum of its parts; a number counts a syllable per digit (at most 4: 'twenty twenty-four');
    an abbreviation with no vowel is spelled out ('NHS', 'GP')."""
    text = word.lower()
    if text in EXCEPTIONS:
        return EXCEPTIONS[text]
    if "-" in text:
        return sum(syllable_count(part) for part in word.split("-") if part)
    if text[:1].isdigit():
        return max(1, min(4, sum(c.isdigit() for c in text)))
    text = re.sub(r"[^a-z]", "", text.replace("’", "'").split("'")[0])
    if not text:
        return 1
    if text in EXCEPTIONS:  # "People's", "(GPs)".
        return EXCEPTIONS[text]
    if word.isupper() and not re.search("[aeiou]", text):
        return sum(3 if c == "w" else 1 for c in text)
    if len(text) <= 3:
        return 1
    if text[0] == "y" and text[1] in "aeiou":
        text = text[1:]  # 'your', 'year': a consonant.
    text = re.sub(r"(?<=[aeiou])y(?=[aeiou])", "_", text)  # 'royal', 'buying': a consonant.
    count = len(_VOWELS.findall(text))
    if re.search(r"[^aeiouy]e$", text) and not re.search(r"[^aeiouy][lr]e$", text):
        count -= 1  # 'made', 'care'; but 'table', 'centre'.
    elif re.search(r"[^aeiouy]ed$", text) and not re.search(r"(?:[td]|[^aeiouyl]l)ed$", text):
        count -= 1  # 'lived', 'shaped'; but 'wanted', 'needed', 'settled'.
    elif re.search(r"[^aeiouy]es$", text) and not re.search(
        r"(?:[sxz]|[cs]h|[cg]|[^aeiouy]l)es$", text
    ):
        count -= 1  # 'makes', 'shapes'; but 'boxes', 'places', 'changes', 'principles'.
    if _SILENT_E.search(text):
        count -= 1
    if re.search(r"sms?$", text):
        count += 1  # 'enthusiasm'.
    count += len(_TWO_VOWEL_SOUNDS.findall(text))
    return max(1, count)


# --- Warnings -------------------------------------------------------------------------------


def texts(clean: dict[str, Any]) -> list[tuple[Checked, tuple[str | int, ...], str]]:
    """(rule, path, text) for every checked field present in a checked front matter."""
    found: list[tuple[Checked, tuple[str | int, ...], str]] = []
    for rule in CHECKED:
        level: list[tuple[tuple[str | int, ...], Any]] = [((), clean)]
        for key in rule.path:
            below: list[tuple[tuple[str | int, ...], Any]] = []
            for at, value in level:
                if isinstance(value, dict):
                    if key == ANY:
                        below += [((*at, name), item) for name, item in value.items()]
                    elif key in value:
                        below.append(((*at, key), value[key]))
                elif isinstance(value, list) and key == ANY:
                    below += [((*at, index), item) for index, item in enumerate(value)]
            level = below
        found += [(rule, at, value) for at, value in level if isinstance(value, str)]
    return found


def warnings(
    clean: dict[str, Any],
    path: str,
    line: Callable[[tuple[str | int, ...]], int],
    name: Callable[[tuple[str | int, ...]], str],
) -> list[Problem]:
    """Every plain-English warning for one case study's checked front matter `clean`, in file
    `path`; `line` and `name` give a field's line and its name as contributors read it."""
    found: list[Problem] = []
    for rule, where, text in texts(clean):
        if rule.graded:
            score = grade(text)
            if score > GRADE_LIMIT:
                found.append(
                    Problem(
                        path,
                        line(where),
                        name(where),
                        f"a reading grade of {score:.1f}; the hardest sentence is "
                        f"{quote(hardest(text))}",
                        EXPECTED_GRADE,
                        warning=True,
                    )
                )
        for count, sentence in long_sentences(text):
            found.append(
                Problem(
                    path,
                    line(where),
                    name(where),
                    f"a sentence of {count} words: {quote(sentence)}",
                    EXPECTED_LENGTH,
                    warning=True,
                )
            )
    return found


def quote(sentence: str, limit: int = QUOTE_LIMIT) -> str:
    """`sentence` in quotation marks, cut at a word with an ellipsis if over `limit` characters."""
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(None, 1)[0].rstrip(",;:") + " …"
    return f"“{sentence}”"
