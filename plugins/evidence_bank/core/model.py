"""The evidence bank's data: frozen, validated case studies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .problems import Problem


@dataclass(frozen=True, slots=True)
class PathwayStep:
    """What was done at one step of the co-production pathway."""

    step: str
    """Pathway step slug (`build-the-team` ... `co-evaluate`)."""
    done: str
    principles: tuple[str, ...]
    """Principle slugs demonstrated at this step, in vocabulary order."""
    basis: str | None = None
    """Whether the source names those principles (`stated`) or the editors judged them."""


@dataclass(frozen=True, slots=True)
class GroupRole:
    """Members of the group in one ARE IN role."""

    role: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChecklistAnswer:
    """The answer to one item of Bolton's co-design checklist."""

    item: str
    who: str | None
    what: str | None
    outcomes: str | None


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Results-based accountability: how much, how well, is anyone better off."""

    how_much: str | None = None
    how_well: str | None = None
    better_off: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A document a case study's facts come from (its `sources`, cited on its page)."""

    title: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    undated: bool = False
    """The source gives no date of publication."""
    draft: bool = False
    """The source calls itself, or the part used, a draft."""
    locator: str | None = None
    """Where in the document the case study's material is."""
    accessed: str | None = None
    """When the case study's writer last read it."""


@dataclass(frozen=True, slots=True)
class Contributor:
    """Someone credited for a case study."""

    name: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class CaseStudy:
    """One validated case study. Field meanings: `fields.CASE_STUDY_FIELDS`."""

    id: str
    slug: str
    """The file name without `.md`: the case study's URL is `/case-studies/<slug>/`."""
    path: str
    """The source file, relative to the project root, for messages."""
    title: str
    summary: str
    rung: str
    principles: tuple[str, ...]
    body: str
    """The markdown narrative."""
    body_line: int
    reasoning: str | None = None
    organisations: tuple[str, ...] = ()
    place: str | None = None
    nation: str | None = None
    service_area: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    status: str | None = None
    pathway: tuple[PathwayStep, ...] = ()
    group: tuple[GroupRole, ...] = ()
    checklist: tuple[ChecklistAnswer, ...] = ()
    outcomes: Outcomes = Outcomes()
    evaluation: str | None = None
    what_was_hard: str | None = None
    sources: tuple[Source, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    licence: str | None = None
    published: str | None = None
    last_reviewed: str | None = None
    synthetic: bool = False
    consent: str | None = None
    """Consent status slug, when the case study records consent."""
    withdrawn_date: str | None = None
    """When set, the case study is withdrawn: its page is a notice, and it leaves every index."""
    withdrawn_reason: str | None = None
    rung_basis: str | None = None
    """Whether the source places the work on its rung (`stated`) or the editors judged it."""
    evidence_strength: str | None = None
    """A slug of `evidence_strengths`: what backs the account."""
    evidence_reason: str | None = None
    status_date: str | None = None
    """When the status was last known to be true."""
    facts_from: tuple[tuple[str, str], ...] = ()
    """(key fact slug, its reference marks), in vocabulary order."""
    aliases: tuple[str, ...] = ()
    """Former slugs: each keeps its address as a redirect to this case study."""
    id_line: int = 2
    """The file line of `id` (for messages about ids used twice)."""
    alias_lines: tuple[int, ...] = ()
    """The file line of each alias."""
    links: tuple[str, ...] = ()
    """The relative addresses the story links to (pages, files, anchors), for `story.check_links`
    once the site's pages are known."""
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)
    """What should be improved before it is published (`readability`): the validator warns, the
    strict site build refuses."""
    front_matter: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The validated front matter, typed (years as numbers, flags as booleans), in the author's
    key order: what the JSON Schema describes and the open data publishes."""

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_date is not None

    @property
    def evidence_years(self) -> tuple[int, int] | None:
        """The oldest and newest years of its dated sources, if any is dated."""
        years = [source.year for source in self.sources if source.year is not None]
        return (min(years), max(years)) if years else None

    @property
    def judged(self) -> bool:
        """Whether its rung is the editors' judgement rather than the source's."""
        return self.rung_basis == "judged"

    @property
    def url(self) -> str:
        """The page's path below the site root, with a trailing slash."""
        return f"case-studies/{self.slug}/"

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """Newest first: by `published` (then id, then slug) descending."""
        return (self.published or "", self.id, self.slug)
