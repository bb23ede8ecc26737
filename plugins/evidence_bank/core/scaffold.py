"""New case-study files: the next free permanent id, answers checked one at a time, and a valid
file with guidance built in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from . import fields as f
from . import references
from .catalog import file_name_problem, scan_ids
from .problems import Problem
from .validate import check_field
from .vocabulary import Vocabulary

ASKED = (
    "title",
    "summary",
    "rung",
    "rung_basis",
    "principles",
    "evidence_strength",
    "evidence_reason",
)
"""The fields a new case study is started with (the required ones), in the order they are
asked for; `evidence_strength` and `evidence_reason` are `evidence.strength` and
`evidence.reason`."""

_EVIDENCE = {"evidence_strength": "strength", "evidence_reason": "reason"}
_STAND_IN = {"strength": "described", "reason": "A stand-in reason, never written."}
"""The other half of `evidence` while one half is checked alone."""


def used_ids(directory: Path) -> set[int]:
    """Every id number used by a file in `directory`, withdrawn case studies included."""
    return {int(found.split("-", 1)[1]) for found, _ in scan_ids(directory)}


def next_free_id(directory: Path, reserved: Iterable[str] = ()) -> str:
    """One more than the highest id ever used, so an id is never given twice.

    `reserved` adds ids known from elsewhere (such as published URLs) that may no longer have a
    file.
    """
    numbers = used_ids(directory)
    numbers.update(int(r.split("-", 1)[1]) for r in reserved if re.fullmatch(f.ID.regex, r))
    return f"cs-{max(numbers, default=0) + 1:04d}"


def slug_for(title: str) -> str:
    """A file name (without `.md`) from a title: lower-case words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower().replace("'", "")).strip("-")
    return slug[:80].rstrip("-") or "case-study"


def answer(vocabulary: Vocabulary, name: str, text: str) -> tuple[Any, list[Problem]]:
    """One typed answer for the field `name` (one of `ASKED`), checked with the build's own
    rules (did-you-mean suggestions included): its value and no problems, or None and its
    problems. Principles are typed comma-separated."""
    value: Any = text.strip() or None
    if name == "principles" and value:
        value = [item.strip() for item in value.split(",") if item.strip()]
    if name in _EVIDENCE:
        part = _EVIDENCE[name]
        checked, problems = check_field("evidence", {**_STAND_IN, part: value}, vocabulary)
        problems = [p for p in problems if p.field == f"evidence.{part}"]
        return (None, problems) if problems else (checked[part], [])
    return check_field(name, value, vocabulary)


def slug_problem(slug: str, directory: Path) -> Problem | None:
    """Why `slug` cannot name a new case study's file in `directory`, if it cannot."""
    target = directory / f"{slug}.md"
    wrong = file_name_problem(target.name, str(target))
    if wrong is None and target.exists():
        wrong = Problem(str(target), 1, "file name", f"{target}, which exists", "a new name")
    return wrong


def example(kind: f.Kind, vocabulary: Vocabulary, given: Any = None) -> Any:
    """An example value of a kind, for guidance."""
    if given is not None:
        return given
    if isinstance(kind, f.Choice):
        return vocabulary.slugs(kind.vocabulary)[0]
    if isinstance(kind, f.Choices):
        return list(vocabulary.slugs(kind.vocabulary)[:1])
    if isinstance(kind, f.Record):
        return {fld.name: example(fld.kind, vocabulary, fld.example) for fld in kind.fields}
    if isinstance(kind, f.MapOf):
        return {vocabulary.slugs(kind.vocabulary)[0]: example(kind.value, vocabulary)}
    if isinstance(kind, f.ListOf):
        return [example(kind.item, vocabulary)]
    if isinstance(kind, f.Date):
        return "2026-01-31"
    if isinstance(kind, f.Year):
        return 2026
    if isinstance(kind, f.Url):
        return "https://www.example.org/report"
    if isinstance(kind, f.Flag):
        return False
    return "..."


def _dump(mapping: dict[str, Any]) -> str:
    return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, width=88)


def scaffold(
    vocabulary: Vocabulary,
    *,
    id: str,
    title: str,
    summary: str,
    rung: str,
    principles: list[str],
    published: str,
    rung_basis: str,
    evidence_strength: str,
    evidence_reason: str,
) -> str:
    """A valid case-study file: the required fields filled in, `published` set (a date, so that
    citations give a year), every other optional field present as commented guidance, and
    headings for the story."""
    lines = [
        "---",
        "# Required fields. Every field is explained on the site's 'Case study format' page.",
        _dump(
            {
                "id": id,
                "title": title,
                "summary": summary,
                "rung": rung,
                "rung_basis": rung_basis,
                "principles": principles,
                "evidence": {"strength": evidence_strength, "reason": evidence_reason},
            }
        ).rstrip("\n"),
        "# rung_basis: stated (the source places the work on this rung) or judged (you did).",
        "# evidence.strength, weakest first: "
        + ", ".join(vocabulary.slugs("evidence_strengths"))
        + ".",
        "",
        "# The day this file was started: change it to the day the case study is published.",
        f"published: {published}",
        "",
        "# Optional fields. To use one, delete the '# ' at the start of its lines and replace",
        "# the example. Leave out anything your sources do not report: the page then says",
        '# "Not reported in the source." Never guess.',
    ]
    for fld in f.CASE_STUDY_FIELDS:
        if fld.required or fld.name in ("synthetic", "published"):
            continue
        lines.append("")
        lines.append(f"# {fld.description}")
        allowed = getattr(fld.kind, "vocabulary", None)
        if allowed:
            lines.append(f"#   Allowed: {', '.join(vocabulary.slugs(allowed))}")
        value = example(fld.kind, vocabulary, fld.example)
        if fld.name == "facts_from":  # marks only, never the example text of a plain field
            value = {slug: references.EXAMPLE for slug in vocabulary.slugs("key_facts")}
        lines += [f"# {line}" for line in _dump({fld.name: value}).rstrip("\n").split("\n")]
    lines += [
        "---",
        "",
        "## Context",
        "",
        "Why the work was needed, in plain English.",
        "",
        "## What happened",
        "",
        "Who took part and what they did together.",
        "",
        "## What changed",
        "",
        "What the sources say happened as a result.",
        "",
        "## Learning for others",
        "",
        "What others can take from it.",
        "",
    ]
    return "\n".join(lines)
