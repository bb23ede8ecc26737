"""The controlled vocabulary: rungs, principles, pathway steps, checklist items, roles and more.

One YAML file (`vocabulary.yml`) is the single source for the generated pages, for validation and
for the schema. It is read with the same hardened reader as the case studies, and checked here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .frontmatter import Value, read_yaml
from .problems import Problem, ProblemsError

TERM_LISTS: dict[str, str] = {
    "ladder": "rung of the ladder of co-production",
    "principles": "principle of co-production",
    "gm_principles": "Greater Manchester / Bolton co-design principle",
    "pathway_steps": "pathway step",
    "checklist": "checklist item",
    "checklist_columns": "checklist column",
    "are_in_roles": "ARE IN role",
    "nations": "UK nation",
    "service_areas": "service area",
    "statuses": "status",
    "licences": "licence",
    "consent_statuses": "consent status",
    "evidence_strengths": "strength of evidence",
    "bases": "basis (stated or judged)",
    "key_facts": "key fact",
}
"""Every list of terms the vocabulary file must have, with what one term of it is called."""

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LICENCE_SLUG = re.compile(r"^[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$")
_TEXT_KEYS = ("description", "in_practice", "question", "mapping_note", "url")


@dataclass(frozen=True, slots=True)
class GuidanceDocument:
    """A published guide or report the vocabulary's terms are drawn from (`sources` in the
    vocabulary file). Not a case study's source: that is `model.Source`."""

    key: str
    title: str
    publisher: str | None
    year: int | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a list: a rung, a principle, a pathway step, a checklist item..."""

    slug: str
    """Permanent identifier, used in case studies and URLs."""
    label: str
    """The name shown to readers."""
    description: str = ""
    """What the term means, in our own words."""
    source: str | None = None
    """Key of the `GuidanceDocument` it is drawn from."""
    in_practice: str = ""
    """For principles: what the principle looks like in practice."""
    question: str = ""
    """For checklist items: Bolton's exact question (a quotation)."""
    maps_to: tuple[str, ...] = ()
    """For Greater Manchester principles: the NI principle slugs it corresponds to."""
    mapping_note: str = ""
    """For Greater Manchester principles: why it maps as it does."""
    url: str = ""
    """For licences: the licence text."""


@dataclass(frozen=True)
class Vocabulary:
    """All term lists, in the order the file gives them (pages show them in this order)."""

    lists: dict[str, tuple[Term, ...]]
    sources: dict[str, GuidanceDocument]
    """The guidance documents the terms are drawn from, by key."""
    _by_slug: dict[str, dict[str, Term]] = field(init=False, repr=False, compare=False)
    _slugs: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_slug = {name: {t.slug: t for t in terms} for name, terms in self.lists.items()}
        object.__setattr__(self, "_by_slug", by_slug)
        slugs = {name: tuple(t.slug for t in terms) for name, terms in self.lists.items()}
        object.__setattr__(self, "_slugs", slugs)

    def terms(self, name: str) -> tuple[Term, ...]:
        """The terms of list `name` (one of `TERM_LISTS`), in order."""
        return self.lists[name]

    def slugs(self, name: str) -> tuple[str, ...]:
        """The slugs of list `name`, in order."""
        return self._slugs[name]

    def get(self, name: str, slug: str) -> Term | None:
        return self._by_slug[name].get(slug)

    def term(self, name: str, slug: str) -> Term:
        return self._by_slug[name][slug]

    def label(self, name: str, slug: str) -> str:
        return self._by_slug[name][slug].label

    def position(self, name: str, slug: str) -> int:
        """0-based position of a term in its list (for rungs: 0 is the bottom)."""
        return self.slugs(name).index(slug)

    def suggest(self, name: str, value: str) -> str | None:
        """The slug a mistyped `value` most likely meant, matching slugs and labels."""
        return suggest(value, self.slugs(name), {t.label: t.slug for t in self.lists[name]})


def suggest(
    value: str, choices: tuple[str, ...] | list[str], labels: dict[str, str] | None = None
) -> str | None:
    """Did-you-mean: the closest choice to `value`, by spelling or by label."""
    normal = re.sub(r"[^a-z0-9]+", "-", value.lower().replace("'", "")).strip("-")
    if normal in choices:
        return normal
    for label, slug in (labels or {}).items():
        if label.lower() == value.strip().lower():
            return slug
    close = difflib.get_close_matches(normal, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def load(path: Path, display_path: str | None = None) -> Vocabulary:
    """Read and check the vocabulary file; raise `ProblemsError` naming every problem."""
    shown = display_path or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemsError(
            [
                Problem(
                    shown,
                    1,
                    "file",
                    f"a file that cannot be read ({error})",
                    "the vocabulary file, saved as UTF-8",
                )
            ]
        ) from error
    parsed = read_yaml(text.replace("\r\n", "\n"), shown)
    if isinstance(parsed, list):
        raise ProblemsError(parsed)
    data, value_lines = parsed
    return _build(data, value_lines, shown)


def _build(data: dict[str, Value], value_lines: dict[Any, int], shown: str) -> Vocabulary:
    problems: list[Problem] = []

    def bad(where: tuple[Any, ...], fld: str, found: str, expected: str) -> None:
        line = next(
            (value_lines[where[:n]] for n in range(len(where), 0, -1) if where[:n] in value_lines),
            1,
        )
        problems.append(Problem(shown, line, fld, found, expected))

    sources: dict[str, GuidanceDocument] = {}
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, dict):
        bad(("sources",), "sources", "no 'sources' mapping", "a mapping of source keys to titles")
        raw_sources = {}
    for key, raw in raw_sources.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("title"), str):
            bad(("sources", key), f"sources.{key}", "a source without a title", "a title")
            continue
        year, publisher, url = raw.get("year"), raw.get("publisher"), raw.get("url")
        sources[key] = GuidanceDocument(
            key=key,
            title=str(raw["title"]),
            publisher=publisher if isinstance(publisher, str) else None,
            year=int(year) if isinstance(year, str) and year.isdigit() else None,
            url=url if isinstance(url, str) else None,
        )

    lists: dict[str, tuple[Term, ...]] = {}
    for name in TERM_LISTS:
        raw_terms = data.get(name)
        if not isinstance(raw_terms, list) or not raw_terms:
            bad((name,), name, f"no list '{name}'", f"a list of {TERM_LISTS[name]} terms")
            lists[name] = ()
            continue
        terms: list[Term] = []
        seen: set[str] = set()
        for index, raw in enumerate(raw_terms):
            where = (name, index)
            fld = f"{name}[{index + 1}]"
            if not isinstance(raw, dict):
                bad(where, fld, "a term that is not a group of fields", "slug, label, ...")
                continue
            slug, label = raw.get("slug"), raw.get("label")
            pattern = _LICENCE_SLUG if name == "licences" else _SLUG
            if not isinstance(slug, str) or not pattern.match(slug):
                bad(where, f"{fld}.slug", f"the slug {slug!r}", "lower-case words joined by '-'")
                continue
            if slug in seen:
                bad(where, f"{fld}.slug", f"a second term '{slug}'", "each slug once")
            seen.add(slug)
            if not isinstance(label, str) or not label.strip():
                bad(where, f"{fld}.label", "no label", "a label readers see")
                continue
            source = raw.get("source")
            if source is not None and source not in sources:
                bad(
                    where,
                    f"{fld}.source",
                    f"an unknown source '{source}'",
                    f"one of {', '.join(sources)}",
                )
            maps_to = raw.get("maps_to") or []
            text = {key: raw.get(key) for key in _TEXT_KEYS}
            terms.append(
                Term(
                    slug=slug,
                    label=label.strip(),
                    source=source if isinstance(source, str) else None,
                    maps_to=tuple(m for m in maps_to if isinstance(m, str))
                    if isinstance(maps_to, list)
                    else (),
                    **{
                        key: value.strip() if isinstance(value, str) else ""
                        for key, value in text.items()
                    },
                )
            )
        lists[name] = tuple(terms)

    principle_slugs = {t.slug for t in lists.get("principles", ())}
    for index, term in enumerate(lists.get("gm_principles", ())):
        for target in term.maps_to:
            if target not in principle_slugs:
                bad(
                    ("gm_principles", index),
                    f"gm_principles[{index + 1}].maps_to",
                    f"an unknown principle '{target}'",
                    "a slug from 'principles'",
                )
    if problems:
        raise ProblemsError(problems)
    return Vocabulary(lists=lists, sources=sources)


def default_path() -> Path:
    """The vocabulary shipped with the plugin."""
    return Path(__file__).resolve().parent.parent / "vocabulary.yml"
