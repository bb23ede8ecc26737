"""Check a parsed front matter against the case-study format; build a `CaseStudy` or report.

Validation never raises for bad content: it collects every problem in the file, each with its
line and field, and the caller decides what to do with them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from . import fields as f
from . import personal, readability, references, story
from .frontmatter import FrontMatter, KeyPath, Value, curly_quoted, explain_curly_quotes, field_name
from .model import (
    CaseStudy,
    ChecklistAnswer,
    Contributor,
    GroupRole,
    Outcomes,
    PathwayStep,
    Source,
)
from .problems import Problem
from .text import describe, direction_controls, first_hidden, visible
from .vocabulary import TERM_LISTS, Vocabulary, suggest

MARKUP = re.compile(r"[<>]")
"""Characters titles and names may not contain: they have no business there."""

_BAD = object()  # A value that failed its check (its problem is already recorded).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
_TOP = f.Record(f.CASE_STUDY_FIELDS)


def validate(
    front: FrontMatter,
    path: str,
    slug: str,
    vocabulary: Vocabulary,
    extensions: story.MarkdownExtensions | None = None,
) -> CaseStudy | list[Problem]:
    """Check one file's front matter and story (parsed with `extensions`; None:
    `story.DEFAULT_EXTENSIONS`); return the case study or every problem found."""
    checked = check(front, path, slug, vocabulary, extensions)
    if isinstance(checked, list):
        return checked
    clean, links = checked
    return _build(clean, path, slug, front, vocabulary, links)


def warnings_of(clean: dict[str, Any], front: FrontMatter, path: str) -> tuple[Problem, ...]:
    """Every warning for a checked front matter (`check`): plain English, and numbers in the
    story without a reference mark."""
    return plain_english(clean, front, path) + unmarked_numbers(clean, front, path)


def plain_english(clean: dict[str, Any], front: FrontMatter, path: str) -> tuple[Problem, ...]:
    """The plain-English warnings (`readability`) for a checked front matter (`check`); none
    for a withdrawn case study, whose page shows none of its text."""
    if clean.get("withdrawn"):
        return ()
    return tuple(readability.warnings(clean, path, front.line, field_name))


def unmarked_numbers(clean: dict[str, Any], front: FrontMatter, path: str) -> tuple[Problem, ...]:
    """A warning for each paragraph of the story with a number but no reference mark
    (`references.unmarked_numbers`); none for a withdrawn case study."""
    if clean.get("withdrawn"):
        return ()
    return tuple(
        Problem(
            path,
            front.body_line + line,
            "body",
            f"a number ({number}) in a paragraph with no reference mark",
            f"a reference mark in the same paragraph, such as {references.EXAMPLE}, so that "
            "a reader can check the number in its source",
            warning=True,
        )
        for line, number in references.unmarked_numbers(front.body)
    )


def check(
    front: FrontMatter,
    path: str,
    slug: str,
    vocabulary: Vocabulary,
    extensions: story.MarkdownExtensions | None = None,
) -> tuple[dict[str, Any], tuple[str, ...]] | list[Problem]:
    """`validate`'s checks without making the case study: the checked front matter (values
    typed, as `CaseStudy.front_matter` holds them) and the story's links, or every problem
    found. For `./scripts/validate`, which keeps only what the checks across files need
    (`identity`): making 10,000 case studies it never reads cost it 0.5 s."""
    checker = _Checker(front, path, vocabulary)
    clean = checker.check(front.data, _TOP, ())
    if clean is not _BAD:
        checker.cross_checks(clean)
        checker.story_marks(clean, front.body, front.body_line)
    problems = checker.problems
    told = story.read(front.body, front.body_line, path, extensions)
    problems += told.problems
    problems += [
        Problem(
            path,
            front.body_line + offset,
            "body",
            f"a character that changes the direction of the text ({describe(char)})",
            "the story as it should read, without direction controls (retype the line)",
        )
        for offset, char in direction_controls(front.body)
    ]
    consent = front.data.get("consent")
    status = consent.get("status") if isinstance(consent, dict) else None
    consented = isinstance(status, str) and status in CONSENT_COVERS_PERSONAL_DATA
    problems += personal.check_case_study(front, path, slug, consented=consented)
    if problems:
        return problems
    return clean, told.links


def identity(
    clean: dict[str, Any], front: FrontMatter
) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
    """(id, id line, aliases, alias lines) of a checked front matter (`check`): what the
    checks across files ask of a case study, as `CaseStudy` holds them."""
    aliases = tuple(clean.get("aliases") or ())
    lines = tuple(front.line(("aliases", i)) for i in range(len(aliases)))
    return clean["id"], front.line(("id",)), aliases, lines


def check_field(name: str, value: Value, vocabulary: Vocabulary) -> tuple[Any, list[Problem]]:
    """One top-level field's value checked alone, with the rules `validate` applies to it: the
    checked value and no problems, or None and its problems (with no file or line). For tools
    that ask for one value at a time, such as the scaffolder."""
    fld = next(fld for fld in f.CASE_STUDY_FIELDS if fld.name == name)
    checker = _Checker(FrontMatter({name: value}, {}, "", 1), "", vocabulary)
    clean = checker.check(value, fld.kind, (name,))
    return (None, checker.problems) if checker.problems else (clean, [])


CONSENT_COVERS_PERSONAL_DATA = frozenset({"obtained", "not-needed-public-capacity"})
"""Consent statuses under which personal data may be published."""


class _Checker:
    def __init__(self, front: FrontMatter, path: str, vocabulary: Vocabulary) -> None:
        self.front = front
        self.path = path
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []

    def report(self, where: KeyPath, found: str, expected: str, hint: str = "") -> object:
        self.problems.append(
            Problem(self.path, self.front.line(where), field_name(where), found, expected, hint)
        )
        return _BAD

    # -- one kind at a time ------------------------------------------------------------------

    def check(self, value: Value, kind: f.Kind, where: KeyPath) -> Any:
        group = _GROUPS.get(type(kind))
        if group is not None:
            return group(self, value, kind, where)
        if not isinstance(value, str):
            return self.report(where, f"{_describe(value)}", kind.describe())
        if not value.isascii() and not self.unquoted(value, where):  # (curly quotes are not)
            return _BAD
        if isinstance(kind, f.Text):
            return self.text(value, kind, where)
        if isinstance(kind, f.Choice):
            return self.choice(value, kind.vocabulary, where)
        if isinstance(kind, f.Pattern):
            if len(value) > kind.max_length:
                return self.report(
                    where,
                    f"{len(value):,} characters",
                    f"{kind.describe()}; at most {kind.max_length}",
                )
            if re.fullmatch(kind.regex, value) is None:
                return self.report(where, f"{_quote(value)}", kind.describe())
            return value
        if isinstance(kind, f.Date):
            return self.date(value, kind, where)
        if isinstance(kind, f.Year):
            if not re.fullmatch(r"[12][0-9]{3}", value):
                return self.report(where, f"{_quote(value)}", kind.describe())
            return int(value)
        if isinstance(kind, f.Flag):
            if value.lower() in ("true", "false"):
                return value.lower() == "true"
            hint = "YAML's yes/no/on/off are not accepted" if value.lower() in _YAML11_BOOLS else ""
            return self.report(where, f"{_quote(value)}", kind.describe(), hint)
        if isinstance(kind, f.Url):
            return self.url(value, kind, where)
        raise AssertionError(f"unknown kind {kind!r}")  # pragma: no cover

    def record(self, value: Value, kind: f.Record, where: KeyPath) -> Any:
        if not isinstance(value, dict):
            names = ", ".join(fld.name for fld in kind.fields[:4])
            return self.report(where, _describe(value), f"a group of fields such as {names}")
        known = kind.by_name
        clean: dict[str, Any] = {}
        for key in value:
            if key not in known:
                hint = suggest(key, list(known))
                self.report(
                    (*where, key),
                    f"an unknown field '{visible(key)}'",
                    "one of: " + ", ".join(known),
                    f"did you mean '{hint}'?" if hint else "",
                )
        for fld in kind.fields:
            raw = value.get(fld.name)
            if raw is None or (isinstance(raw, str) and (not raw or raw.isspace())):
                if fld.required:
                    state = "an empty value" if fld.name in value else "no value"
                    at = (*where, fld.name) if fld.name in value else where
                    self.problems.append(
                        Problem(
                            self.path,
                            self.front.line(at),
                            field_name((*where, fld.name)),
                            f"{state} for the required field '{fld.name}'",
                            f"{fld.kind.describe()}. {fld.description}",
                        )
                    )
                continue
            result = self.check(raw, fld.kind, (*where, fld.name))
            if result is not _BAD:
                clean[fld.name] = result
        return clean

    def map_of(self, value: Value, kind: f.MapOf, where: KeyPath) -> Any:
        slugs = self.vocabulary.slugs(kind.vocabulary)
        if not isinstance(value, dict):
            return self.report(
                where, _describe(value), f"a group of fields named from: {', '.join(slugs)}"
            )
        clean: dict[str, Any] = {}
        for key, raw in value.items():
            if key not in slugs:
                hint = self.vocabulary.suggest(kind.vocabulary, key)
                self.report(
                    (*where, key),
                    f"an unknown {TERM_LISTS[kind.vocabulary]} '{key}'",
                    "one of: " + ", ".join(slugs),
                    f"did you mean '{hint}'?" if hint else "",
                )
                continue
            if raw is None:
                self.report((*where, key), "an empty value", kind.value.describe())
                continue
            result = self.check(raw, kind.value, (*where, key))
            if result is not _BAD:
                clean[key] = result
        return clean

    def list_of(self, value: Value, kind: f.ListOf | f.Choices, where: KeyPath) -> Any:
        if not isinstance(value, list):
            example = ""
            if isinstance(kind, f.Choices) and isinstance(value, str):
                example = f", for example [{value}]"
            return self.report(where, _describe(value), kind.describe() + example)
        if len(value) < kind.min_items:
            return self.report(
                where,
                "an empty list",
                f"at least {kind.min_items} item{'s' * (kind.min_items > 1)}",
            )
        clean: list[Any] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            at = (*where, index)
            if isinstance(kind, f.Choices):
                if not isinstance(item, str):
                    self.report(at, _describe(item), "a slug")
                    continue
                if not item.isascii() and not self.unquoted(item, at):
                    continue
                result = self.choice(item, kind.vocabulary, at)
                if isinstance(result, str):
                    if result in seen:
                        self.report(
                            at,
                            f"'{result}' a second time (first as item {seen[result]})",
                            "each item once",
                        )
                        continue
                    seen[result] = index + 1
            else:
                result = self.check(item, kind.item, at)
            if result is not _BAD:
                clean.append(result)
        return clean

    def unquoted(self, value: str, where: KeyPath) -> bool:
        """Whether a value is free of curly quotes around it (which would otherwise be
        published as part of it); reports them if not."""
        if curly_quoted(value):
            self.report(where, *explain_curly_quotes(field_name(where), value))
            return False
        return True

    def text(self, value: str, kind: f.Text, where: KeyPath) -> Any:
        value = value.strip()
        if len(value) > kind.max_length:
            return self.report(
                where,
                f"{len(value):,} characters",
                f"at most {kind.max_length:,} characters; shorten it or move detail to the story",
            )
        printable = value.isprintable()  # (most text: then neither search below is needed)
        control = None if printable else _CONTROL.search(value)
        if control:
            return self.report(
                where,
                f"an invisible control character (U+{ord(control[0]):04X})",
                "plain text (retype the value)",
            )
        unseen = None if printable else first_hidden(value)
        if unseen is not None:
            return self.report(
                where,
                f"an invisible character ({describe(unseen)}) in {_quote(value)}",
                "text without invisible or direction-changing characters (retype the value, "
                "or paste it as plain text)",
            )
        if kind.min_words and not _has_words(value, kind.min_words):
            return self.report(
                where,
                f"{_quote(value)}, which says too little",
                f"{kind.describe()} of at least {kind.min_words} words",
            )
        if kind.single_line and "\n" in value:
            return self.report(where, "text over several lines", "one line of text")
        if kind.single_line and MARKUP.search(value):
            return self.report(
                where,
                f"the markup character {MARKUP.search(value).group(0)!r}",  # type: ignore[union-attr]
                "plain text without '<' or '>' (titles and names are shown as they are)",
            )
        return value

    def choice(self, value: str, vocabulary: str, where: KeyPath) -> Any:
        if self.vocabulary.get(vocabulary, value) is not None:
            return value
        hint = self.vocabulary.suggest(vocabulary, value)
        return self.report(
            where,
            f"an unknown {TERM_LISTS[vocabulary]} {_quote(value)}",
            "one of: " + ", ".join(self.vocabulary.slugs(vocabulary)),
            f"did you mean '{hint}'?" if hint else "",
        )

    def date(self, value: str, kind: f.Date, where: KeyPath) -> Any:
        match = _DATE.match(value.strip())
        if not match or (not kind.partial and not match[3]):
            return self.report(where, _quote(value), kind.describe())
        year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
        try:
            dt.date(year, month, day)
        except ValueError:
            return self.report(
                where, f"{_quote(value)}, which is not a date in the calendar", kind.describe()
            )
        if not 1900 <= year <= 2100:
            return self.report(where, f"the year {year}", "a year between 1900 and 2100")
        return value.strip()

    def url(self, value: str, kind: f.Url, where: KeyPath) -> Any:
        value = value.strip()
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or re.search(r"\s", value)
        ):
            return self.report(where, _quote(value), kind.describe())
        return value

    # -- across fields -----------------------------------------------------------------------

    def cross_checks(self, clean: dict[str, Any]) -> None:
        period = clean.get("period") or {}
        start, end = period.get("start"), period.get("end")
        if start and end and end < start[: len(end)]:
            self.report(
                ("period", "end"),
                f"an end ({end}) before the start ({start})",
                "an end on or after the start",
            )
        listed = set(clean.get("principles") or ())
        if "principles" in clean:
            for step, answer in (clean.get("pathway") or {}).items():
                for index, principle in enumerate(answer.get("principles") or ()):
                    if principle not in listed:
                        self.report(
                            ("pathway", step, "principles", index),
                            f"'{principle}', which the top-level principles do not list",
                            "every principle shown at a step also listed in 'principles'",
                        )
        sources = clean.get("sources") or ()
        undated = bool(sources) and all(source.get("undated") for source in sources)
        if clean.get("status") and not clean.get("status_date") and not undated:
            self.report(
                ("status",),
                "a status with no date",
                "'status_date' too: when the status was last known to be true, such as the "
                "newest source's year (status_date: 2018); only a case study whose every source "
                "is undated may leave it out",
            )
        for step, answer in (clean.get("pathway") or {}).items():
            if answer.get("principles") and not answer.get("principles_basis"):
                self.report(
                    ("pathway", step, "principles"),
                    "principles with no 'principles_basis'",
                    "principles_basis: stated (the source names them at this step) or "
                    "principles_basis: judged (they are the editors' reading)",
                )
        for index, source in enumerate(clean.get("sources") or ()):
            if source.get("undated") and "year" in source:
                self.report(
                    ("sources", index, "undated"),
                    f"'undated: true' beside the year {source['year']}",
                    "either a year or 'undated: true', not both",
                )
            elif "year" not in source and not source.get("undated"):
                self.report(
                    ("sources", index),
                    "a source with no year",
                    "its year of publication (year: 2018), or 'undated: true' if the source "
                    "gives no date of publication",
                )
        self.marks(clean)
        published, reviewed = clean.get("published"), clean.get("last_reviewed")
        if published and reviewed and reviewed < published:
            self.report(
                ("last_reviewed",),
                f"{reviewed}, before it was published ({published})",
                "a review date on or after the 'published' date",
            )

    def marks(self, clean: dict[str, Any]) -> None:
        """Reference marks in the text fields: each names a source in the list, in the
        fields that may hold them; `facts_from` holds nothing else."""
        count = len(clean.get("sources") or ())
        for where, text in self.front.all_texts():
            if "[" not in text and where[0] != "facts_from":
                continue  # Most text: no mark, nor anything like one (one substring test).
            allowed = references.allowed_at(where)
            if allowed and where[0] == "facts_from" and not references.only_marks(text):
                self.report(
                    where,
                    f"{_quote(text)}, which is not only reference marks",
                    f"one or more reference marks, such as {references.EXAMPLE}",
                )
                continue
            for written in references.unreadable(text):
                self.report(
                    where,
                    f"a reference mark that cannot be read: {_quote(written)}",
                    f"a mark written exactly as [source 1] or {references.EXAMPLE} (the "
                    "source's number in the sources list, then a comma and where in it)",
                )
            for mark in references.found(text):
                if not allowed:
                    self.report(
                        where,
                        f"a reference mark ({mark.written}) in '{field_name(where)}'",
                        "a title and summary without marks (they are shown alone, in lists and "
                        "search results); put the mark after the fact in the story",
                    )
                    break
                if mark.source > count:
                    self.report(where, *_beyond(mark, count))

    def story_marks(self, clean: dict[str, Any], body: str, body_line: int) -> None:
        """The story's reference marks: each names a source in the list."""
        count = len(clean.get("sources") or ())
        body = references.outside_code(body)
        for written in references.unreadable(body):
            line = body_line + body.count("\n", 0, body.find(written))
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    "body",
                    f"a reference mark that cannot be read: {_quote(written)}",
                    f"a mark written exactly as [source 1] or {references.EXAMPLE}",
                )
            )
        for mark in references.found(body):
            if mark.source > count:
                line = body_line + body.count("\n", 0, mark.start)
                self.problems.append(Problem(self.path, line, "body", *_beyond(mark, count)))


def _beyond(mark: references.Reference, count: int) -> tuple[str, str]:
    listed = f"{count} source{'s' * (count != 1)}" if count else "no sources"
    return (
        f"{mark.written}, but the case study lists {listed}",
        "a source number from the sources list (1 is the first)",
    )


_GROUPS: dict[type[f.Kind], Callable[[_Checker, Value, Any, KeyPath], Any]] = {
    f.Record: _Checker.record,
    f.MapOf: _Checker.map_of,
    f.ListOf: _Checker.list_of,
    f.Choices: _Checker.list_of,
}
"""The kinds that hold other values, and their checks (looked up by type: `check` runs for every
value of every file)."""


def _has_words(text: str, least: int) -> bool:
    """Whether `text` has `least` words with at least one letter ('0', '-' and 'A' count for
    nothing, 'A1 road' for two); it stops counting there (a summary is read to its fourth)."""
    count = 0
    for word in text.split():
        if len(word) > 1 and any(char.isalpha() for char in word):
            count += 1
            if count >= least:
                return True
    return False


def _describe(value: Value) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return _quote(value)


def _quote(value: str, limit: int = 60) -> str:
    value = value.strip()
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _build(
    clean: dict[str, Any],
    path: str,
    slug: str,
    front: FrontMatter,
    vocabulary: Vocabulary,
    links: tuple[str, ...],
) -> CaseStudy:
    def vocab_order(mapping: dict[str, Any], name: str) -> list[tuple[str, Any]]:
        order = vocabulary.slugs(name)
        return sorted(mapping.items(), key=lambda item: order.index(item[0]))

    def principles(slugs: list[str]) -> tuple[str, ...]:
        order = vocabulary.slugs("principles")
        return tuple(sorted(slugs, key=order.index))

    pathway = clean.get("pathway") or {}
    period = clean.get("period") or {}
    outcomes = clean.get("outcomes") or {}
    id_, id_line, aliases, alias_lines = identity(clean, front)
    return CaseStudy(
        id=id_,
        slug=slug,
        path=path,
        title=clean["title"],
        summary=clean["summary"],
        rung=clean["rung"],
        principles=principles(clean["principles"]),
        body=front.body,
        body_line=front.body_line,
        reasoning=clean.get("reasoning"),
        organisations=tuple(clean.get("organisations") or ()),
        place=clean.get("place"),
        nation=clean.get("nation"),
        service_area=clean.get("service_area"),
        period_start=period.get("start"),
        period_end=period.get("end"),
        status=clean.get("status"),
        pathway=tuple(
            PathwayStep(
                step,
                answer["done"],
                principles(answer.get("principles", [])),
                answer.get("principles_basis"),
            )
            for step, answer in vocab_order(pathway, "pathway_steps")
        ),
        group=tuple(
            GroupRole(role, tuple(members))
            for role, members in vocab_order(clean.get("group") or {}, "are_in_roles")
        ),
        checklist=tuple(
            ChecklistAnswer(item, answer.get("who"), answer.get("what"), answer.get("outcomes"))
            for item, answer in vocab_order(clean.get("checklist") or {}, "checklist")
        ),
        outcomes=Outcomes(
            outcomes.get("how_much"), outcomes.get("how_well"), outcomes.get("better_off")
        ),
        evaluation=clean.get("evaluation"),
        what_was_hard=clean.get("what_was_hard"),
        sources=tuple(
            Source(
                s["title"],
                s.get("publisher"),
                s.get("year"),
                s.get("url"),
                bool(s.get("undated", False)),
                bool(s.get("draft", False)),
                s.get("locator"),
                s.get("accessed"),
            )
            for s in clean.get("sources") or ()
        ),
        contributors=tuple(
            Contributor(c["name"], c.get("role")) for c in clean.get("contributors") or ()
        ),
        licence=clean.get("licence"),
        published=clean.get("published"),
        last_reviewed=clean.get("last_reviewed"),
        synthetic=bool(clean.get("synthetic", False)),
        consent=clean.get("consent", {}).get("status"),
        withdrawn_date=(clean.get("withdrawn") or {}).get("date"),
        withdrawn_reason=(clean.get("withdrawn") or {}).get("reason"),
        rung_basis=clean.get("rung_basis"),
        evidence_strength=(clean.get("evidence") or {}).get("strength"),
        evidence_reason=(clean.get("evidence") or {}).get("reason"),
        status_date=clean.get("status_date"),
        facts_from=tuple(vocab_order(clean.get("facts_from") or {}, "key_facts")),
        warnings=warnings_of(clean, front, path),
        aliases=aliases,
        id_line=id_line,
        alias_lines=alias_lines,
        front_matter=clean,
        links=links,
    )
