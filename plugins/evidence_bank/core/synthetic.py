"""Synthetic case studies for tests and benchmarks: deterministic, valid, and marked
`synthetic: true` so that the published site refuses them.

They are never written into `case_studies/`: `write_bank` refuses a folder that is, or is inside,
the project's case-studies folder.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

from .vocabulary import Vocabulary

_SUBJECTS = (
    "The group",
    "People who use the service",
    "Carers",
    "Staff",
    "The steering group",
    "Peer supporters",
    "Commissioners",
    "Volunteers",
    "Members",
    "The project team",
)
_VERBS = (
    "agreed",
    "tested",
    "reviewed",
    "shaped",
    "planned",
    "shared",
    "mapped",
    "chose",
    "changed",
    "explained",
    "designed",
    "recorded",
)
_OBJECTS = (
    "the priorities for the service",
    "a plan for the next year",
    "how meetings would run",
    "the questions for the survey",
    "what good support looks like",
    "the opening hours",
    "a way to share information",
    "the training for new members",
    "the budget options",
    "how to measure success",
    "the roles in the group",
    "the findings of the review",
)
_CLAUSES = (
    "after a series of open meetings",
    "with support from local groups",
    "so that everyone could take part",
    "before any decision was made",
    "in plain English",
    "using what people said in the survey",
    "over several months",
    "with help from a facilitator",
    "at a community venue",
    "to make sure the quietest voices were heard",
)
_PLACES = ("Northtown", "Southvale", "Eastbridge", "Westmoor", "Riverside", "Hillcrest")


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
        f"{rng.choice(_CLAUSES)}."
    )


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def case_study(number: int, vocabulary: Vocabulary, seed: int = 0) -> tuple[str, str]:
    """The (slug, file text) of synthetic case study `number`; the same inputs, the same file."""
    rng = random.Random(seed * 1_000_003 + number)
    principles = vocabulary.slugs("principles")
    chosen = sorted(rng.sample(range(len(principles)), rng.randint(1, len(principles))))
    picked = [principles[i] for i in chosen]
    place = rng.choice(_PLACES)
    year = 2010 + number % 15
    front: dict[str, Any] = {
        "id": f"cs-{100000 + number}",
        "title": f"Synthetic scheme {number} in {place}",
        "summary": _paragraph(rng, 2),
        "rung": rng.choice(vocabulary.slugs("ladder")),
        "principles": picked,
        "reasoning": _paragraph(rng, 3),
        "organisations": [f"{place} Council", f"{place} Community Trust"],
        "place": place,
        "nation": rng.choice(vocabulary.slugs("nations")),
        "service_area": rng.choice(vocabulary.slugs("service_areas")),
        "period": {"start": f"{year}-{rng.randint(1, 12):02d}", "end": str(year + 1)},
        "status": rng.choice(vocabulary.slugs("statuses")),
        "pathway": {
            step: {"done": _paragraph(rng, 3), "principles": rng.sample(picked, 1)}
            for step in vocabulary.slugs("pathway_steps")
        },
        "group": {
            role: [f"{role.title()} member {i}" for i in range(1, 3)]
            for role in vocabulary.slugs("are_in_roles")
        },
        "checklist": {
            item: {"who": _sentence(rng), "what": _sentence(rng), "outcomes": _sentence(rng)}
            for item in vocabulary.slugs("checklist")
        },
        "outcomes": {
            "how_much": _sentence(rng),
            "how_well": _sentence(rng),
            "better_off": _sentence(rng),
        },
        "evaluation": _paragraph(rng, 2),
        "what_was_hard": _paragraph(rng, 2),
        "sources": [
            {
                "title": f"Review of synthetic scheme {number}",
                "publisher": f"{place} Council",
                "year": year + 1,
                "url": f"https://www.example.org/synthetic/{number}",
            }
        ],
        "contributors": [{"name": "Synthetic data generator", "role": "Generated for tests"}],
        "licence": "OGL-UK-3.0",
        "published": f"{year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "last_reviewed": f"{year + 2}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "synthetic": True,
    }
    words = rng.randint(600, 900)
    sections: list[str] = []
    total = 0
    for heading in ("Context", "What happened", "What changed", "Learning for others"):
        paragraphs = []
        while total < words * (len(sections) + 1) / 4:
            paragraph = _paragraph(rng, rng.randint(3, 6))
            total += len(paragraph.split())
            paragraphs.append(paragraph)
        sections.append(f"## {heading}\n\n" + "\n\n".join(paragraphs))
    text = (
        "---\n"
        + yaml.dump(front, Dumper=yaml.CSafeDumper, sort_keys=False, width=100)
        + "---\n\n"
        + "\n\n".join(sections)
        + "\n"
    )
    return f"synthetic-scheme-{number}", text


def write_bank(
    count: int,
    folder: Path,
    vocabulary: Vocabulary,
    *,
    seed: int = 0,
    published_folder: Path | None = None,
) -> list[Path]:
    """Write `count` synthetic case studies into `folder` (never the published folder)."""
    folder = folder.resolve()
    if published_folder is not None:
        published = published_folder.resolve()
        if folder == published or published in folder.parents:
            raise ValueError(f"refusing to write synthetic case studies into {published}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(1, count + 1):
        slug, text = case_study(number, vocabulary, seed)
        path = folder / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
