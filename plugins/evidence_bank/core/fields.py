"""The case-study format: every field, its kind, whether it is required, and what it means.

This table is the one source of truth for validation (`validate.py`), for the format page
contributors read, and for the published JSON Schema. Field names `id`, `title`, `summary`,
`rung` and `principles` are permanent contracts; add fields, never rename them.

Kinds decide how the text the author wrote becomes a value, so YAML 1.1's guesses never apply:
a `Text` field keeps `NO` as "NO"; a `Year` field reads `2017` and refuses `0755`; a `Date`
field checks `2017-02-30` against the calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Kind:
    """How a field's value is written and checked."""

    def describe(self) -> str:
        """What contributors must write, in plain words."""
        raise NotImplementedError  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Text(Kind):
    """Plain text."""

    max_length: int = 2000
    single_line: bool = False
    """Titles and names: no line breaks and no markup characters (`<`, `>`)."""

    min_words: int = 0
    """Words (with at least one letter) the text needs to say anything: a required text that
    is a number or a single letter says nothing."""

    def describe(self) -> str:
        what = "a short line of plain text" if self.single_line else "plain text"
        return f"{what} (up to {self.max_length:,} characters)"


@dataclass(frozen=True, slots=True)
class Pattern(Kind):
    """Text that must match a pattern, such as the permanent id."""

    regex: str
    """The whole value must match it (`re.fullmatch`: a trailing line break never passes)."""
    example: str
    explanation: str
    max_length: int = 100
    """Checked before the pattern: identifiers become folder and file names, and a file
    system refuses long ones."""

    def describe(self) -> str:
        return f"{self.explanation}, for example {self.example}"


@dataclass(frozen=True, slots=True)
class Choice(Kind):
    """One slug from a vocabulary list."""

    vocabulary: str

    def describe(self) -> str:
        return f"one slug from the vocabulary list '{self.vocabulary}'"


@dataclass(frozen=True, slots=True)
class Choices(Kind):
    """A list of distinct slugs from a vocabulary list."""

    vocabulary: str
    min_items: int = 1

    def describe(self) -> str:
        return f"a list of slugs from the vocabulary list '{self.vocabulary}'"


@dataclass(frozen=True, slots=True)
class Date(Kind):
    """A calendar date: `YYYY-MM-DD`, or also `YYYY-MM` and `YYYY` when `partial`."""

    partial: bool = False

    def describe(self) -> str:
        if self.partial:
            return "a date written YYYY-MM-DD, YYYY-MM or YYYY (for example 2017-12)"
        return "a date written YYYY-MM-DD (for example 2017-12-31)"


@dataclass(frozen=True, slots=True)
class Year(Kind):
    """A four-digit year."""

    def describe(self) -> str:
        return "a four-digit year, such as 2017"


@dataclass(frozen=True, slots=True)
class Flag(Kind):
    """true or false."""

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True, slots=True)
class Url(Kind):
    """A web address starting http:// or https://."""

    def describe(self) -> str:
        return "a web address starting https:// (or http://)"


@dataclass(frozen=True, slots=True)
class ListOf(Kind):
    """A list of values of one kind."""

    item: Kind
    min_items: int = 0

    def describe(self) -> str:
        return f"a list, each item {self.item.describe()}"


@dataclass(frozen=True, slots=True)
class Record(Kind):
    """A group of named fields."""

    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)
    """The same fields by name, in order (made once: validation looks names up in every file)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {fld.name: fld for fld in self.fields})

    def describe(self) -> str:
        return "a group of fields: " + ", ".join(f.name for f in self.fields)


@dataclass(frozen=True, slots=True)
class MapOf(Kind):
    """A group whose field names are slugs from a vocabulary list, each with a value of one kind."""

    vocabulary: str
    value: Kind

    def describe(self) -> str:
        return f"a group whose field names are slugs from the vocabulary list '{self.vocabulary}'"


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the format."""

    name: str
    kind: Kind
    description: str
    required: bool = False
    example: Any = None


def _text(
    name: str,
    description: str,
    *,
    example: Any = None,
    max_length: int = 4000,
    required: bool = False,
    single_line: bool = False,
    min_words: int = 0,
) -> Field:
    return Field(
        name,
        Text(max_length=max_length, single_line=single_line, min_words=min_words),
        description,
        required=required,
        example=example,
    )


ID = Pattern(
    regex=r"cs-(?:[0-9]{4}|[1-9][0-9]{4,5})",
    example="cs-0042",
    explanation="'cs-' followed by four digits (or up to six, without leading zeros)",
    max_length=9,
)
"""Ids have one spelling each: `cs-00001` is refused, so it can never stand beside `cs-0001`."""

SLUG_MAX = 80
"""The longest file name (without .md) or alias: a web address people type and cite."""

SLUG = Pattern(
    regex=r"[a-z0-9]+(?:-[a-z0-9]+)*",
    example="daisy-hill-pathfinder",
    explanation="lower-case words and digits joined by '-' (a former file name without .md)",
    max_length=SLUG_MAX,
)

SOURCE = Record(
    (
        _text(
            "title",
            "Title of the document or web page.",
            single_line=True,
            max_length=300,
            required=True,
            example="Co-production Guide",
        ),
        _text(
            "publisher",
            "Who published it.",
            single_line=True,
            max_length=300,
            example="Department of Health (Northern Ireland)",
        ),
        Field(
            "year",
            Year(),
            "Year of publication (required, unless the source gives no date: then 'undated').",
            example=2018,
        ),
        Field(
            "undated",
            Flag(),
            "true only if the source gives no date of publication (then leave out 'year').",
            example=False,
        ),
        Field(
            "draft",
            Flag(),
            "true if the source calls itself, or the part used, a draft.",
            example=False,
        ),
        _text(
            "locator",
            "Where in the document this case study's material is: a part, section or pages.",
            single_line=True,
            max_length=200,
            example="Annex A, pages 42-44",
        ),
        Field("url", Url(), "Where to read it.", example="https://www.health-ni.gov.uk/"),
        Field(
            "accessed",
            Date(),
            "When the person who wrote the case study last read this source, so a reader knows "
            "how old the reading is (web pages change).",
            example="2026-11-28",
        ),
    )
)

CONTRIBUTOR = Record(
    (
        _text(
            "name",
            "The person's or organisation's name, as they agreed to be credited.",
            single_line=True,
            max_length=200,
            required=True,
            example="The evidence bank's editorial team",
        ),
        _text(
            "role",
            "What they did.",
            single_line=True,
            max_length=300,
            example="Wrote this case study from the published source",
        ),
    )
)

PATHWAY_STEP = Record(
    (
        _text("done", "What was done at this step.", required=True),
        Field(
            "principles",
            Choices("principles"),
            "The principles demonstrated at this step.",
            example=["valuing-people"],
        ),
        Field(
            "principles_basis",
            Choice("bases"),
            "Whether the source names these principles at this step ('stated') or they are "
            "the editors' reading ('judged'). Required when the step lists principles; on a "
            "step with none, 'stated' means the source names none there.",
            example="stated",
        ),
    )
)

EVIDENCE = Record(
    (
        Field(
            "strength",
            Choice("evidence_strengths"),
            "What backs the account, from 'described' (told by the people who did the work) to "
            "'compared' (compared with people who did not take part).",
            required=True,
            example="described",
        ),
        _text(
            "reason",
            "Why this strength, in one to three short sentences: who wrote the sources, whether "
            "anyone independent checked the work, what was measured.",
            required=True,
            max_length=600,
            min_words=4,
            example="The only source is the guide's own account, which calls this example a draft.",
        ),
    )
)

CHECKLIST_ANSWER = Record(
    (
        _text("who", "Who and how many people took part."),
        _text("what", "What was done, and how."),
        _text("outcomes", "What happened as a result."),
    )
)

CASE_STUDY_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        ID,
        "The permanent identifier. Never changed, never reused, even if the case "
        "study is withdrawn. Its permanent address is /id/<id>/.",
        required=True,
        example="cs-0001",
    ),
    _text(
        "title",
        "The name of the scheme or project, in plain words.",
        required=True,
        single_line=True,
        max_length=150,
        min_words=2,
        example="Daisy Hill Hospital Pathfinder",
    ),
    _text(
        "summary",
        "One to three plain-English sentences: what happened and why it matters.",
        required=True,
        max_length=600,
        min_words=4,
    ),
    Field(
        "rung",
        Choice("ladder"),
        "The highest rung of the ladder of co-production the work reached.",
        required=True,
        example="co-design",
    ),
    Field(
        "rung_basis",
        Choice("bases"),
        "Whether the source itself places the work on this rung ('stated') or the editors "
        "judged it from what the source describes ('judged').",
        required=True,
        example="judged",
    ),
    Field(
        "principles",
        Choices("principles"),
        "The principles of co-production the work demonstrated.",
        required=True,
        example=["valuing-people", "cross-boundary-working"],
    ),
    Field(
        "evidence",
        EVIDENCE,
        "The strength of the evidence behind the case study, and why.",
        required=True,
    ),
    _text("reasoning", "Why this rung and these principles: the editorial judgement, in words."),
    Field(
        "organisations",
        ListOf(Text(max_length=300, single_line=True)),
        "The organisations involved.",
        example=["Southern Health and Social Care Trust"],
    ),
    _text(
        "place",
        "The area the work covered.",
        single_line=True,
        max_length=200,
        example="Newry and Mourne",
    ),
    Field("nation", Choice("nations"), "The UK nation.", example="northern-ireland"),
    Field("service_area", Choice("service_areas"), "The kind of service.", example="mental-health"),
    Field(
        "period",
        Record(
            (
                Field("start", Date(partial=True), "When the work started.", example="2016"),
                Field(
                    "end",
                    Date(partial=True),
                    "When it ended (leave out if it is still going).",
                    example="2017-12",
                ),
            )
        ),
        "When the work happened.",
    ),
    Field(
        "status",
        Choice("statuses"),
        "Whether the work is completed or still in progress.",
        example="completed",
    ),
    Field(
        "status_date",
        Date(partial=True),
        "When the status was last known to be true, usually the newest source's date. "
        "Required with 'status', unless every source is undated.",
        example="2018",
    ),
    Field(
        "facts_from",
        MapOf("key_facts", Text(max_length=400, single_line=True)),
        "Where the key facts (organisations, place, period, status) come from, as reference "
        "marks such as [source 1, page 3].",
    ),
    Field(
        "pathway",
        MapOf("pathway_steps", PATHWAY_STEP),
        "The steps of the co-production pathway: for each step the work reached, what was "
        "done and the principles it demonstrated.",
    ),
    Field(
        "group",
        MapOf("are_in_roles", ListOf(Text(max_length=300, single_line=True), min_items=1)),
        "Who was in the group, by ARE IN role (authority, resources, expertise, information, "
        "need).",
    ),
    Field(
        "checklist",
        MapOf("checklist", CHECKLIST_ANSWER),
        "Answers to Bolton's co-design checklist, for the items the case can evidence.",
    ),
    Field(
        "outcomes",
        Record(
            (
                _text("how_much", "How much was done: activities, people, sessions."),
                _text("how_well", "How well it was done."),
                _text("better_off", "Whether anyone is better off, and how."),
            )
        ),
        "Outcomes, in three questions.",
    ),
    _text("evaluation", "How the work was, or will be, evaluated."),
    _text("what_was_hard", "What was difficult, and what others can learn from it."),
    Field(
        "sources",
        ListOf(SOURCE, min_items=1),
        "Where the facts come from: every fact in the case study must be traceable to one of "
        "these. A fact can name its source and the place in it with a reference mark, such as "
        "[source 1, page 12], where 1 is the source's place in this list.",
    ),
    Field("contributors", ListOf(CONTRIBUTOR), "Who wrote or contributed to the case study."),
    Field(
        "licence",
        Choice("licences"),
        "The licence the case study is published under.",
        example="OGL-UK-3.0",
    ),
    Field(
        "published",
        Date(),
        "When the case study was first published in the bank.",
        example="2026-11-26",
    ),
    Field(
        "last_reviewed",
        Date(),
        "When the case study was last checked against its sources.",
        example="2026-11-26",
    ),
    Field(
        "consent",
        Record(
            (
                Field(
                    "status",
                    Choice("consent_statuses"),
                    "Whether consent was obtained, not needed because people acted in a public "
                    "role, or not needed because nobody can be identified.",
                    required=True,
                    example="obtained",
                ),
                Field(
                    "date",
                    Date(),
                    "When consent was recorded.",
                    required=True,
                    example="2026-11-20",
                ),
                _text(
                    "reference",
                    "Where the consent record is kept: a reference, never the form itself.",
                    single_line=True,
                    max_length=200,
                    required=True,
                    example="Engagement team consent log, entry 14",
                ),
            )
        ),
        "Consent for personal data in the case study. Unless the status is 'obtained' or "
        "'not-needed-public-capacity', personal email addresses, UK phone numbers, NHS and "
        "National Insurance numbers and full postcodes are refused.",
    ),
    Field(
        "aliases",
        ListOf(SLUG),
        "Earlier file names of this case study. When a case study is renamed, its old name goes "
        "here, and its old address keeps working: it leads to the new one.",
        example=["daisy-hill-pathfinder"],
    ),
    Field(
        "withdrawn",
        Record(
            (
                Field(
                    "date",
                    Date(),
                    "When the case study was withdrawn.",
                    required=True,
                    example="2027-03-01",
                ),
                _text(
                    "reason",
                    "Why, in one or two sentences readers will see.",
                    required=True,
                    max_length=500,
                    example="The scheme asked us to withdraw it while it is reviewed.",
                ),
            )
        ),
        "Marks the case study as withdrawn: its address keeps a short notice, and it leaves "
        "every list, export and search. Its id is never reused.",
    ),
    Field(
        "synthetic",
        Flag(),
        "true only for generated test data. The published site refuses synthetic case studies.",
        example=False,
    ),
)
"""Every top-level field of a case study, in the order pages and exports show them."""

_SLUG_FILE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.md")


def valid_file_name(name: str) -> bool:
    """Case-study file names are their permanent URL slug: lower-case words joined by '-', as
    the SLUG rule says, with `.md`."""
    return len(name) <= SLUG_MAX + 3 and _SLUG_FILE.fullmatch(name) is not None
