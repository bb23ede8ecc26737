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

import re
from dataclasses import dataclass
from typing import Any

import yaml

from . import frontmatter, validate
from .problems import Problem
from .scaffold import slug_for
from .vocabulary import Vocabulary

NO_RESPONSE = "_No response_"
LABEL = "case-study-proposal"
"""The label the form gives new issues (the workflow that answers them looks for it)."""

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
            "address. Only the title is required.",
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
    'reported in the source" rather than guess. A maintainer turns your answers into a '
    "case-study file and replies here with anything that needs fixing. The 'Case study "
    "format' page on the site explains every field.\n\nDo not include anyone's personal "
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
    text: str | None
    """The case-study file, valid under the build's rules; None if the required answers
    could not make one."""
    problems: list[str]
    """Every answer that could not be used, in plain words."""


def to_case_study(
    body: str, vocabulary: Vocabulary, *, new_id: str, taken_slugs: set[str] | None = None
) -> Proposal:
    """Turn a submitted form's body into a valid case-study file and a list of problems."""
    answers = parse_body(body)
    problems: list[str] = []
    data: dict[str, Any] = {"id": new_id}
    story = ""
    for question in form_fields(vocabulary):
        raw = answers.get(question.label)
        if question.target == "confirm":
            continue
        if raw is None:
            continue
        if question.target == "story":
            story = raw
            continue
        value = _convert(question, raw, vocabulary, problems)
        if value is not None:
            _put(data, question.target, value)
    base = slug = slug_for(str(data.get("title", "case-study")))
    number = 2
    while taken_slugs and slug in taken_slugs:
        slug, number = f"{base}-{number}", number + 1
    # Validate with the build's rules; drop an optional field that fails, and say so.
    for _ in range(len(data) + 1):
        text = _file(data, story)
        found = _check(text, slug, vocabulary)
        if not found:
            return Proposal(slug, text, problems)
        droppable = {p.field.split(".")[0].split("[")[0] for p in found} - {
            "id",
            "title",
            "summary",
            "rung",
            "principles",
            "body",
            "file",
            "front matter",
        }
        body_problems = [p for p in found if p.field == "body"]
        if body_problems and not droppable:
            problems += [f"The story: {p.found}; expected {p.expected}." for p in body_problems]
            story = ""
            continue
        if not droppable:
            problems += [f"{p.field}: {p.found}; expected {p.expected}." for p in found]
            return Proposal(slug, None, problems)
        for p in found:
            top = p.field.split(".")[0].split("[")[0]
            if top in droppable:
                problems.append(
                    f"Left out '{top}' because of {p.field}: {p.found}; expected {p.expected}."
                )
        for name in droppable:
            data.pop(name, None)
    return Proposal(slug, None, problems)  # pragma: no cover - each round drops a field


def _convert(question: FormField, raw: str, vocabulary: Vocabulary, problems: list[str]) -> Any:
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
        return [line.strip(" -*\t") for line in raw.split("\n") if line.strip(" -*\t")] or None
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
            if len(parts) > 2 and parts[2]:
                if re.fullmatch(r"[12][0-9]{3}", parts[2]):
                    source["year"] = int(parts[2])
                else:
                    problems.append(
                        f"Sources, line {number}: the year '{parts[2]}' is not a "
                        "four-digit year, so it was left out."
                    )
            if len(parts) > 3 and parts[3]:
                source["url"] = parts[3]
            if not parts[0]:
                problems.append(f"Sources, line {number}: no title, so the line was left out.")
                continue
            sources.append(source)
        return sources or None
    if target == "contributors":
        people = []
        for line in raw.split("\n"):
            parts = [part.strip() for part in line.strip(" -*\t").split("|")]
            if parts[0]:
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
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)
    return f"---\n{front}---\n\n{story.strip()}\n"


def _check(text: str, slug: str, vocabulary: Vocabulary) -> list[Problem]:
    path = f"case_studies/{slug}.md"
    front = frontmatter.read(text.encode(), path)
    if isinstance(front, list):
        return front
    result = validate.validate(front, path, slug, vocabulary)
    return result if isinstance(result, list) else []
