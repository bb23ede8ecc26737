"""The "Propose a case study" GitHub issue form, and turning a submitted form into a case study.

The form is generated from the case-study format and the vocabulary (one source of truth), and
`to_case_study` reads the markdown GitHub writes for a submitted form:

    ### Title

    Daisy Hill Hospital Pathfinder

    ### Principles demonstrated

    Valuing people, Cross-boundary working

    ### Place

    _No response_

It returns a valid case-study file and, in plain words, every answer it could not use.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Any

import yaml

from . import fields as f
from . import frontmatter, personal, validate
from .catalog import RESERVED_SLUGS
from .problems import Problem
from .scaffold import slug_for
from .vocabulary import Vocabulary

NO_RESPONSE = "_No response_"
LABEL = "case-study-proposal"
"""The label the form gives new issues. The workflow that answers them creates it, and knows a
proposal by its headings too: the form adds a label only if it exists."""

CHECKLIST_PROMPTS = ("Who and how many:", "What was done and how:", "Outcomes:")
_CHECKLIST_KEYS = ("who", "what", "outcomes")


@dataclass(frozen=True, slots=True)
class FormField:
    """One question of the form."""

    id: str
    label: str
    """The question, which is also the heading of the answer in the issue body."""
    type: str
    """`input`, `textarea`, `dropdown` or `checkboxes`."""
    target: str
    """Where the answer goes in the case study: a field path, or `story`, or `confirm`."""
    description: str = ""
    required: bool = False
    vocabulary: str | None = None
    multiple: bool = False
    value: str = ""
    """Text the answer box starts with."""


def form_fields(vocabulary: Vocabulary) -> list[FormField]:
    """Every question of the form, in order."""
    v = vocabulary
    questions = [
        FormField(
            "title", "Title", "input", "title", "The name of the scheme or project.", required=True
        ),
        FormField(
            "summary",
            "Summary",
            "textarea",
            "summary",
            "One to three plain-English sentences: what happened and why it matters.",
            required=True,
        ),
        FormField(
            "rung",
            "Rung of the ladder reached",
            "dropdown",
            "rung",
            "The highest rung of the ladder of co-production the work reached.",
            required=True,
            vocabulary="ladder",
        ),
        FormField(
            "rung_basis",
            "Who places the work on that rung",
            "dropdown",
            "rung_basis",
            "Stated in the source: the source itself says how far people were involved, in "
            "words that match this rung. Our judgement: you chose the rung from what the "
            "source describes.",
            required=True,
            vocabulary="bases",
        ),
        FormField(
            "principles",
            "Principles demonstrated",
            "dropdown",
            "principles",
            "The principles of co-production the work demonstrated.",
            required=True,
            vocabulary="principles",
            multiple=True,
        ),
        FormField(
            "evidence_strength",
            "Strength of evidence",
            "dropdown",
            "evidence.strength",
            "What backs the account: the highest that fits. Described: an account by the "
            "people who did the work. Reviewed: someone independent looked at it in a planned "
            "way. Outcome measures: change was measured. Compared: with similar people who did "
            "not take part.",
            required=True,
            vocabulary="evidence_strengths",
        ),
        FormField(
            "evidence_reason",
            "Why this strength of evidence",
            "textarea",
            "evidence.reason",
            "One to three short sentences: who wrote the sources, whether anyone independent "
            "checked the work, what was measured.",
            required=True,
        ),
        FormField(
            "reasoning",
            "Why this rung and these principles",
            "textarea",
            "reasoning",
            "Your reasons, from what the sources say.",
        ),
        FormField(
            "organisations",
            "Organisations involved",
            "textarea",
            "organisations",
            "One organisation per line.",
        ),
        FormField("place", "Place", "input", "place", "The area the work covered."),
        FormField("nation", "UK nation", "dropdown", "nation", vocabulary="nations"),
        FormField(
            "service_area", "Service area", "dropdown", "service_area", vocabulary="service_areas"
        ),
        FormField(
            "period_start",
            "When it started",
            "input",
            "period.start",
            "YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        FormField(
            "period_end",
            "When it ended",
            "input",
            "period.end",
            "YYYY, YYYY-MM or YYYY-MM-DD. Leave empty if it is still going.",
        ),
        FormField("status", "Status", "dropdown", "status", vocabulary="statuses"),
        FormField(
            "status_date",
            "When the status was last known to be true",
            "input",
            "status_date",
            "Needed with a status: YYYY, YYYY-MM or YYYY-MM-DD, usually the newest source's date.",
        ),
    ]
    for number, step in enumerate(v.terms("pathway_steps"), 1):
        questions.append(
            FormField(
                f"step_{step.slug.replace('-', '_')}",
                f"Step {number}, {step.label}: what was done",
                "textarea",
                f"pathway.{step.slug}.done",
                step.description,
            )
        )
    for role in v.terms("are_in_roles"):
        questions.append(
            FormField(
                f"group_{role.slug}",
                f"Group members in the {role.label} role",
                "textarea",
                f"group.{role.slug}",
                f"{role.description} One per line.",
            )
        )
    for number, item in enumerate(v.terms("checklist"), 1):
        questions.append(
            FormField(
                f"checklist_{item.slug.replace('-', '_')}",
                f"Checklist {number}: {item.question or item.label}",
                "textarea",
                f"checklist.{item.slug}",
                "Answer after each prompt; leave a prompt empty if you cannot evidence it.",
                value="\n".join(CHECKLIST_PROMPTS),
            )
        )
    questions += [
        FormField("how_much", "How much did they do?", "textarea", "outcomes.how_much"),
        FormField("how_well", "How well did they do it?", "textarea", "outcomes.how_well"),
        FormField("better_off", "Is anyone better off?", "textarea", "outcomes.better_off"),
        FormField(
            "evaluation",
            "Evaluation",
            "textarea",
            "evaluation",
            "How the work was, or will be, evaluated.",
        ),
        FormField("what_was_hard", "What was hard", "textarea", "what_was_hard"),
        FormField(
            "sources",
            "Sources",
            "textarea",
            "sources",
            "Where every fact comes from, one per line: Title | Publisher | Year | Web "
            "address | Where in it. The title and the year are required: write 'undated' "
            "for the year only if the source gives no date of publication. Where in it (optional): "
            "the pages or section this case study's material is in. Add '| draft' at the end "
            "of the line if the source calls itself, or this example, a draft.",
            required=True,
        ),
        FormField(
            "contributors",
            "Credit",
            "textarea",
            "contributors",
            "Who to credit, one per line: Name | What they did. Only people who have "
            "agreed to be named.",
        ),
        FormField(
            "consent_status",
            "Consent for personal data",
            "dropdown",
            "consent.status",
            "Needed only if the case study names people or gives their contact details.",
            vocabulary="consent_statuses",
        ),
        FormField(
            "consent_date", "Date consent was recorded", "input", "consent.date", "YYYY-MM-DD."
        ),
        FormField(
            "consent_reference",
            "Where the consent record is kept",
            "input",
            "consent.reference",
            "A reference only. Never attach the consent form.",
        ),
        FormField(
            "story",
            "The story",
            "textarea",
            "story",
            "The narrative in plain English, in markdown: context, what happened, what "
            "changed, learning for others. No HTML.",
            required=True,
        ),
        FormField("confirm", "Before you submit", "checkboxes", "confirm", required=True),
    ]
    return questions


INTRODUCTION = (
    "Thank you for proposing a case study. You do not need to know git or markdown. Answer "
    'what your sources report and leave the rest empty: the case study will say "Not '
    'reported in the source" rather than guess. Your answers become a case-study file in a '
    "pull request for a maintainer to review, and a reply here lists anything that needs "
    "fixing: edit the issue to fix it. The 'Case study format' page on the site explains "
    "every field.\n\nDo not include anyone's personal "
    "contact details, health details or NHS number. Name people only if they have agreed."
)

CONFIRMATIONS = (
    "Every fact in this proposal comes from a source listed above.",
    "It contains no personal data, or I have recorded consent above.",
)


def form_yaml(vocabulary: Vocabulary) -> str:
    """The issue form (`.github/ISSUE_TEMPLATE/propose-a-case-study.yml`)."""
    body: list[dict[str, Any]] = [
        {
            "type": "markdown",
            "attributes": {"value": INTRODUCTION},
        }
    ]
    for question in form_fields(vocabulary):
        attributes: dict[str, Any] = {"label": question.label}
        if question.description:
            attributes["description"] = question.description
        if question.type == "dropdown":
            assert question.vocabulary
            attributes["options"] = [t.label for t in vocabulary.terms(question.vocabulary)]
            if question.multiple:
                attributes["multiple"] = True
        if question.type == "checkboxes":
            attributes["options"] = [{"label": text, "required": True} for text in CONFIRMATIONS]
        if question.value:
            attributes["value"] = question.value
        entry: dict[str, Any] = {"type": question.type, "id": question.id, "attributes": attributes}
        if question.required and question.type != "checkboxes":
            entry["validations"] = {"required": True}
        body.append(entry)
    form = {
        "name": "Propose a case study",
        "description": "Suggest a case study of co-production or co-design for the bank.",
        "title": "Case study: ",
        "labels": [LABEL],
        "body": body,
    }
    header = (
        "# Generated from the case-study format and vocabulary by "
        "./scripts/issue-form; do not edit by hand.\n"
    )
    return header + yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=100)


def parse_body(body: str) -> dict[str, str | None]:
    """The answers in a submitted form's body, by question label."""
    answers: dict[str, str | None] = {}
    label: str | None = None
    lines: list[str] = []

    def finish() -> None:
        if label is not None:
            text = "\n".join(lines).strip()
            answers[label] = None if text in ("", NO_RESPONSE) else text

    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith("### "):
            finish()
            label, lines = line[4:].strip(), []
        else:
            lines.append(line)
    finish()
    return answers


@dataclass(frozen=True, slots=True)
class Proposal:
    """The result of reading a submitted form."""

    slug: str
    """The case-study file's name, without `.md`."""
    id: str
    """The permanent id the case study was given."""
    title: str
    """The title answered (empty if there was none)."""
    text: str | None
    """The case-study file, valid under the build's rules; None if the required answers
    could not make one."""
    problems: list[str]
    """Every answer that could not be used, in plain words, named as the form names it. None
    repeats personal data: a message names the kind of data found, never the value."""


_REQUIRED = frozenset(fld.name for fld in f.CASE_STUDY_FIELDS if fld.required)
_ORDER = {fld.name: index for index, fld in enumerate(f.CASE_STUDY_FIELDS)}
_PART_NAMES = {
    "title": "title",
    "publisher": "publisher",
    "year": "year",
    "undated": "year",
    "url": "web address",
    "locator": "where in it",
    "draft": "draft",
    "name": "name",
    "role": "what they did",
    **{
        key: prompt.rstrip(":")
        for prompt, key in zip(CHECKLIST_PROMPTS, _CHECKLIST_KEYS, strict=True)
    },
}
"""How the form names the parts of an answer (`sources[2].url` is the web address)."""


def to_case_study(
    body: str,
    vocabulary: Vocabulary,
    *,
    new_id: str,
    taken_slugs: set[str] | None = None,
    published: dt.date | None = None,
) -> Proposal:
    """Turn a submitted form's body into a valid case-study file and a list of problems.

    An answer the build would refuse is left out, as narrowly as possible (the end of a period,
    not the whole period; one line of a list, not the list), and the problem is named in the
    form's words. `published`, when given, becomes the case study's `published` date.
    """
    questions = form_fields(vocabulary)
    answers = parse_body(body)
    problems: list[str] = []
    data: dict[str, Any] = {"id": new_id}
    if published is not None:
        data["published"] = published.isoformat()
    story = ""
    lines: dict[str, list[int]] = {}
    reported: set[str] = set()  # questions whose answer the conversion already complained of
    for question in questions:
        raw = answers.get(question.label)
        if question.target == "story":
            story = raw or ""
        if question.target in ("confirm", "story") or raw is None:
            continue
        before = len(problems)
        value = _convert(question, raw, vocabulary, problems, lines.setdefault(question.target, []))
        if len(problems) > before:
            reported.add(question.target)
        if value is not None:
            _put(data, question.target, value)
    unanswered: set[str] = set()
    for question in questions:
        dotted = question.target
        if (
            dotted.split(".")[0] in _REQUIRED
            and dotted not in reported
            and not _has_path(data, dotted.split("."))
        ):
            unanswered.add(dotted)
            problems.append(f"{question.label}: this question needs an answer.")
    base = slug = slug_for(str(data.get("title", "case-study")))
    number = 2
    taken_slugs = (taken_slugs or set()) | RESERVED_SLUGS  # the list pages' own addresses
    while slug in taken_slugs:
        slug, number = f"{base}-{number}", number + 1
    namer = _Namer(questions, answers, lines)

    def finish(text: str | None) -> Proposal:
        unique = list(dict.fromkeys(redact(problem) for problem in problems))
        return Proposal(slug, new_id, str(data.get("title", "")), text, unique)

    # Validate with the build's rules; leave out an optional answer that fails, and say so.
    for _ in range(_MAX_ROUNDS):
        text = _file(data, story)
        found = _check(text, slug, vocabulary)
        if not found:
            return finish(text)
        paths = [_where(p.field) for p in found]
        if any(not path or path[0] in _REQUIRED for path in paths):
            # No file without these: say what to fix, and nothing is "left out".
            for problem, path in zip(found, paths, strict=True):
                if (len(path) == 1 and path[0] in _REQUIRED and path[0] not in data) or (
                    ".".join(str(part) for part in path) in unanswered
                ):
                    continue  # an unanswered question, already reported above
                problems.append(namer.message(problem, path, left_out=False))
            return finish(None)
        targets = set()
        for problem, path in zip(found, paths, strict=True):
            problems.append(namer.message(problem, path, left_out=True))
            if path == ("body",):
                story = ""
            else:
                targets.add(_existing(data, path))
        for target in sorted(targets - {()}, key=_sort_key, reverse=True):
            _delete(data, target)
    return finish(None)  # pragma: no cover - each round leaves out at least one answer


_MAX_ROUNDS = 20
"""Rounds of validation: each leaves out every answer its problems are in, and a problem in a
field can only show once its parent is valid (a group, then its members), so a few suffice."""


class _Namer:
    """Names a problem's place as the form does, and words it without repeating personal data."""

    def __init__(
        self,
        questions: list[FormField],
        answers: dict[str, str | None],
        lines: dict[str, list[int]],
    ) -> None:
        self.answers = answers
        self.lines = lines
        self.story = next(q for q in questions if q.target == "story")
        self.questions = sorted(
            (q for q in questions if q.target not in ("story", "confirm")),
            key=lambda q: -len(q.target.split(".")),
        )

    def place(self, path: frontmatter.KeyPath) -> tuple[str, FormField | None]:
        """The form's words for a field path (`sources[2].url` -> "Sources, line 3 (web
        address)"), and the question it belongs to."""
        if path == ("body",):
            return self.story.label, self.story
        for question in self.questions:
            target = tuple(question.target.split("."))
            if path[: len(target)] != target:
                continue
            label, rest = question.label, path[len(target) :]
            if rest and isinstance(rest[0], int):
                numbers = self.lines.get(question.target, [])
                index = rest[0]
                label += f", line {numbers[index]}" if index < len(numbers) else ""
                rest = rest[1:]
            if rest and isinstance(rest[0], str):
                label += f" ({_PART_NAMES.get(rest[0], rest[0])})"
            return label, question
        return "The case study", None

    def message(self, problem: Problem, path: frontmatter.KeyPath, *, left_out: bool) -> str:
        label, question = self.place(path)
        answer = self.answers.get(question.label) if question else None
        ending = ", so this answer was left out." if left_out else "."
        if problem.expected == personal.PERSONAL_DATA_EXPECTED:
            kinds = _kinds(problem.found) or _kinds(answer or "") or ["personal data"]
            return (
                f"{label}: contains {_and(kinds)}, which cannot be published unless consent "
                f"for personal data is recorded{ending} Please remove it from the issue too: "
                "anyone can read it."
            )
        if answer and _kinds(answer):
            # The problem's own words may quote part of the answer: say only what was expected.
            return f"{label}: this answer could not be used; expected {problem.expected}{ending}"
        text = f"{label}: {problem.found}; expected {problem.expected}"
        if problem.hint:
            text += f" ({problem.hint})"
        return text + ending


def redact(text: str) -> str:
    """`text` with any personal data it holds replaced by the kind of data it is."""
    findings = sorted(personal.find_personal_data(text), key=lambda x: -x.start)
    for finding in findings:
        start = text.find(finding.text, finding.start)
        if start >= 0:
            end = start + len(finding.text)
            text = f"{text[:start]}[{finding.kind}, not repeated here]{text[end:]}"
    return text


def _kinds(text: str) -> list[str]:
    return list(dict.fromkeys(finding.kind for finding in personal.find_personal_data(text)))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _where(field: str) -> frontmatter.KeyPath:
    """The path a problem's field names (`sources[2].url` -> ("sources", 1, "url")); the
    inverse of `frontmatter.field_name`. `front matter` and `file` give (); `file name` gives
    the title, which the file name is made from (so the proposer is told which answer to
    change, and no file is made)."""
    if field in ("front matter", "file"):
        return ()
    if field == "file name":
        return ("title",)
    return tuple(
        int(number) - 1 if number else name
        for name, number in re.findall(r"([^.\[\]]+)|\[([0-9]+)\]", field)
    )


def _has_path(data: Any, parts: list[str]) -> bool:
    """Whether `data` holds a value at the dotted path `parts`."""
    for part in parts:
        if not _has(data, part):
            return False
        data = data[part]
    return True


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _existing(data: Any, path: frontmatter.KeyPath) -> frontmatter.KeyPath:
    """The longest start of `path` that is in `data`: a missing required part (a checklist
    answer's) is left out with the answer that lacks it."""
    found: list[str | int] = []
    for part in path:
        if not _has(data, part):
            break
        data = data[part]
        found.append(part)
    return tuple(found)


def _delete(data: dict[str, Any], path: frontmatter.KeyPath) -> None:
    """Delete the value at `path` (if it is still there), then any group it leaves empty."""
    chain: list[Any] = [data]
    for part in path[:-1]:
        if not _has(chain[-1], part):
            return
        chain.append(chain[-1][part])
    for node, part in zip(reversed(chain), reversed(path), strict=True):
        if _has(node, part):
            del node[part]
        if node:
            return


def _sort_key(path: frontmatter.KeyPath) -> tuple[tuple[int, int, str], ...]:
    """Order paths so that deleting in reverse order never shifts a list item still to go."""
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


MARKER = "<!-- evidence-bank-proposal -->"
"""Starts every reply on a proposal, so that the workflow finds its own comment and edits it
rather than adding another."""


class Outcome(enum.Enum):
    """What became of a proposal, which the reply on the issue tells its proposer."""

    CONVERTED = "converted"
    """A case-study file was made (by `./scripts/issue-to-case-study`, with no pull request)."""
    OPENED = "opened"
    """A file was made and pushed to a new branch, for a pull request."""
    UPDATED = "updated"
    """An edit of the issue replaced the file on the proposal's branch."""
    UNCHANGED = "unchanged"
    """The branch already holds this very file."""
    NOT_CONVERTED = "not-converted"
    """The answers cannot make a case study yet."""
    TAKEN_OVER = "taken-over"
    """A maintainer has committed to the branch: edits of the issue no longer change it."""
    FAILED = "failed"
    """Something went wrong on our side."""


def reply(
    proposal: Proposal | None, outcome: Outcome, *, branch: str = "", branch_kept: bool = False
) -> str:
    """The markdown reply on the issue, starting with `MARKER`. `branch_kept`: a branch from
    an earlier version of the proposal is still there (the proposal now cannot be made)."""
    name = f"`{proposal.slug}.md` ({proposal.id})" if proposal else ""
    opening = {
        Outcome.CONVERTED: f"Thank you. This proposal makes a valid case study, {name}.",
        Outcome.OPENED: (
            f"Thank you. This proposal makes a valid case study, {name}. It is now a pull "
            f"request, from the branch `{branch}`, for a maintainer to review. If you edit "
            "this issue, the pull request and this reply are updated."
        ),
        Outcome.UPDATED: (
            f"Thank you. Your edit updated the case study, {name}, in the pull request from "
            f"the branch `{branch}`."
        ),
        Outcome.UNCHANGED: (
            f"The pull request from the branch `{branch}` already holds this version of the "
            f"case study, {name}."
        ),
        Outcome.NOT_CONVERTED: (
            "Thank you. We could not make a case study from this proposal yet. Please edit the "
            "issue to fix the answers below; this reply will then be updated."
            + (
                f" Until then the pull request from the branch `{branch}` keeps the last "
                "version that worked."
                if branch_kept
                else ""
            )
        ),
        Outcome.TAKEN_OVER: (
            f"A maintainer has changed the pull request's branch, `{branch}`, so edits of this "
            "issue no longer update it. Please comment on the pull request instead."
        ),
        Outcome.FAILED: (
            "Thank you. Something went wrong on our side while turning this proposal into a "
            "pull request. A maintainer can see what in the workflow run; you need do nothing."
        ),
    }[outcome]
    lines = [MARKER, opening]
    problems = proposal.problems if proposal and outcome is not Outcome.FAILED else []
    if problems:
        lines.append("")
        if outcome is not Outcome.NOT_CONVERTED:
            lines.append("Some answers could not be used. Please edit the issue to fix them:")
            lines.append("")
        lines += [f"- {markdown_text(problem)}" for problem in problems]
    return redact("\n".join(lines)) + "\n"


def markdown_text(text: str) -> str:
    """Text shown as itself in GitHub markdown: no HTML, links, emphasis or headings."""
    return re.sub(r"([\\`*_{}\[\]<>#|~&])", r"\\\1", text)


def _convert(
    question: FormField, raw: str, vocabulary: Vocabulary, problems: list[str], lines: list[int]
) -> Any:
    """The answer as the case study holds it; `lines` gets the line of the answer each item
    of a list came from, so a problem can be placed as the proposer wrote it."""
    if question.type == "dropdown":
        assert question.vocabulary
        by_label = {t.label: t.slug for t in vocabulary.terms(question.vocabulary)}
        chosen = [c.strip() for c in raw.split(", ")] if question.multiple else [raw.strip()]
        slugs = []
        for choice in chosen:
            if choice in by_label:
                slugs.append(by_label[choice])
            else:
                problems.append(f"{question.label}: '{choice}' is not one of the options.")
        return slugs if question.multiple else (slugs[0] if slugs else None)
    target = question.target
    if target in ("organisations",) or target.startswith("group."):
        items = []
        for number, line in enumerate(raw.split("\n"), 1):
            if line.strip(" -*\t"):
                items.append(line.strip(" -*\t"))
                lines.append(number)
        return items or None
    if target.startswith("checklist."):
        answer: dict[str, str] = {}
        current = "what"
        for line in raw.split("\n"):
            for prompt, key in zip(CHECKLIST_PROMPTS, _CHECKLIST_KEYS, strict=True):
                if line.strip().lower().startswith(prompt.lower()):
                    current, line = key, line.strip()[len(prompt) :]
                    break
            if line.strip():
                answer[current] = f"{answer.get(current, '')} {line.strip()}".strip()
        return answer or None
    if target == "sources":
        sources = []
        for number, line in enumerate(raw.split("\n"), 1):
            parts = [part.strip() for part in line.strip(" -*\t").split("|")]
            if not any(parts):
                continue
            source: dict[str, Any] = {"title": parts[0]}
            if len(parts) > 1 and parts[1]:
                source["publisher"] = parts[1]
            draft = len(parts) > 4 and parts[-1].lower() == "draft"
            if draft:
                parts = parts[:-1]
            if len(parts) > 2 and parts[2]:
                if re.fullmatch(r"[12][0-9]{3}", parts[2]):
                    source["year"] = int(parts[2])
                elif parts[2].lower() == "undated":
                    source["undated"] = True
                else:
                    problems.append(
                        f"Sources, line {number}: the year '{parts[2]}' is not a "
                        "four-digit year, so the line was left out."
                    )
                    continue
            if len(parts) > 3 and parts[3]:
                source["url"] = parts[3]
            if len(parts) > 4 and parts[4]:
                source["locator"] = parts[4]
            if draft:
                source["draft"] = True
            if not parts[0]:
                problems.append(f"Sources, line {number}: no title, so the line was left out.")
                continue
            if "year" not in source and "undated" not in source:
                problems.append(
                    f"Sources, line {number}: no year, so the line was left out. Write the "
                    "year of publication, or 'undated' if the source gives no date of publication."
                )
                continue
            sources.append(source)
            lines.append(number)
        return sources or None
    if target == "contributors":
        people = []
        for number, line in enumerate(raw.split("\n"), 1):
            parts = [part.strip() for part in line.strip(" -*\t").split("|")]
            if parts[0]:
                lines.append(number)
                people.append(
                    {
                        "name": parts[0],
                        **({"role": parts[1]} if len(parts) > 1 and parts[1] else {}),
                    }
                )
        return people or None
    return raw.strip()


def _put(data: dict[str, Any], target: str, value: Any) -> None:
    parts = target.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _file(data: dict[str, Any], story: str) -> str:
    ordered = dict(sorted(data.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER))))
    front = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=88)
    return f"---\n{front}---\n\n{story.strip()}\n"


def _check(text: str, slug: str, vocabulary: Vocabulary) -> list[Problem]:
    path = f"case_studies/{slug}.md"
    front = frontmatter.read(text.encode(), path)
    if isinstance(front, list):
        return front
    result = validate.validate(front, path, slug, vocabulary)
    return result if isinstance(result, list) else []
