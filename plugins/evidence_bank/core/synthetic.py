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

from . import readability
from .vocabulary import Vocabulary


# Text with the statistics of real writing, so that search-index and page sizes measured on a
# synthetic bank are close to what a real bank of the same size would give: a few function words
# on every page, a long tail of topic words drawn with Zipf-like weights (a few common, most
# rare), words a case study keeps returning to (its topic), and names of its own (places,
# organisations, programmes) that few other case studies share.
def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


_SUBJECTS = _words(
    """
    The group, People who use the service, Carers, Staff, The steering group,
    Peer supporters, Commissioners, Volunteers, Members, The project team, Young people,
    Older residents, Family members, Clinicians, Social workers, Housing officers,
    The design panel, Community champions, Parents, Service leads, Ward staff,
    The reference group, Local councillors, Practice nurses, Pharmacists, Support workers,
    The partnership board, Experts by experience, The working group, Trainers, Researchers,
    Tenants, Students, Advocates, The advisory panel
    """
)
_VERBS = _words(
    """
    agreed, tested, reviewed, shaped, planned, shared, mapped, chose, changed, explained,
    designed, recorded, wrote, rewrote, costed, piloted, evaluated, questioned, described,
    drafted, improved, simplified, translated, presented, published, checked, measured,
    compared, prioritised, identified, discussed, ran, organised, funded, commissioned,
    trained, supported, visited, listened to, challenged, rebuilt, replaced, extended,
    launched, promoted, monitored, co-wrote, co-designed, co-produced, set out, signed off,
    turned down, agreed to test, reported on, looked again at, took apart, sorted, ranked,
    interviewed people about, held workshops on, gathered stories about, walked through,
    redesigned, renamed, streamlined, adapted, reshaped, audited, surveyed
    """
)
_ADJECTIVES = _words(
    """
    new, local, shared, clear, simple, weekly, monthly, first, final, joint, draft,
    practical, accessible, easy-read, online, face-to-face, community, outreach, peer-led,
    flexible, evening, rural, urban, bilingual, short, detailed, informal, formal, annual,
    early, integrated, specialist, mobile, digital, paper, honest, confidential,
    independent, trusted, open, safe, quiet, busy, friendly, welcoming,
    culturally appropriate, trauma-informed, person-centred, strengths-based, preventive,
    neighbourhood, regional
    """
)
_NOUNS = _words(
    """
    service, plan, meeting, survey, budget, leaflet, website, training, referral, pathway,
    clinic, waiting list, appointment, helpline, timetable, course, workshop, evaluation,
    report, strategy, policy, contract, specification, questionnaire, assessment,
    care plan, discharge process, transport, venue, menu, garden, cafe, library, drop-in,
    hub, clinic room, reception, signage, letter, text reminder, app, video, podcast,
    newsletter, noticeboard, phone line, rota, induction, job description, interview panel,
    recruitment, payment policy, expenses form, consent form, easy-read guide, charter,
    pledge, toolkit, framework, checklist, outcome measure, target, dashboard, story,
    case note, feedback form, complaint, compliment, advice service, befriending scheme,
    peer support group, carers group, youth forum, tenants forum, patient panel,
    reference group, board, committee, partnership, network, alliance, trust, practice,
    ward, hospital, hospice, care home, day centre, school, college, job centre, food bank,
    church hall, mosque, gurdwara, temple, community centre, sports club, leisure centre,
    allotment, park, bus route, housing estate, high street, market, festival, recovery,
    wellbeing, loneliness, isolation, stigma, debt, housing, homelessness, employment,
    volunteering, education, diet, exercise, sleep, medication, dementia, diabetes, asthma,
    arthritis, stroke, cancer, maternity, breastfeeding, autism, learning disability,
    hearing loss, sight loss, mental health, addiction, alcohol, smoking, falls, frailty,
    pain, bereavement, grief, anxiety, depression, self-harm, crisis, respite,
    carer breaks, direct payments, personal budget, benefits, advocacy, interpreting,
    translation, digital inclusion, transport costs, childcare, access, trust, confidence,
    skills, leadership, power, decision, priority, barrier, risk, cost, saving, waste,
    delay, gap, need, strength, asset, idea, concern, question, answer, lesson, evidence,
    data, finding, theme, change, result, outcome, impact, value
    """
)
_PLACES_FROM = _words(
    """
    Ash, Bel, Brad, Carn, Dun, Eld, Fen, Glen, Hol, Kil, Lang, Mar, Nor, Ox, Pen, Ros,
    Stan, Tre, Ux, Wal, Wes, Ard, Bram, Cal, Dal, Ex, Gar, Hart, Inver, Lin, Mel, Ned, Ock,
    Pol, Red, Sel, Thorn, Ul, Ver, Wick
    """
)
_PLACES_TO = _words(
    """
    ford, bury, ton, wick, mouth, field, ley, by, holme, stead, bridge, moor, vale, dale,
    worth, minster, port, hurst, combe, thorpe, well, haven, brook, mere, den
    """
)
_PREPOSITIONS = _words(
    """
    for, with, about, around, alongside, before, after, during, through, within, across,
    beyond, without
    """
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
    "because the old one did not work for them",
    "when the first pilot ended",
    "once the budget was agreed",
    "even though it took longer than planned",
    "and paid people for their time",
    "in the evenings, when more people could come",
    "in three languages",
    "with the council's housing team",
    "after listening to people who had stopped using the service",
    "so that people could choose how to take part",
)
_DETERMINERS = ("the", "the", "the", "their", "this", "each", "that", "our", "its")
_PLURALS = _words(
    "ideas, options, changes, proposals, questions, stories, complaints, examples, concerns"
)
_NUMBERS = _words(
    """
    two, three, four, five, six, eight, ten, twelve, fifteen, twenty, thirty, forty, fifty,
    sixty
    """
)


def _weights(count: int) -> list[float]:
    """Cumulative Zipf-like weights: the first words common, most rare."""
    total = 0.0
    cumulative = []
    for rank in range(count):
        total += 1 / (rank + 4)
        cumulative.append(total)
    return cumulative


_CUMULATIVE = {len(bank): _weights(len(bank)) for bank in (_NOUNS, _VERBS, _ADJECTIVES)}


class _Writer:
    """Sentences for one synthetic case study: shared words, its own topic and its own names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.place = rng.choice(_PLACES_FROM) + rng.choice(_PLACES_TO)
        self.topic = self._draw(_NOUNS, 8)
        self.topic_adjectives = self._draw(_ADJECTIVES, 3)
        self.programme = (
            f"{rng.choice(_ADJECTIVES).title()} {rng.choice(_PLACES_FROM)}"
            f"{rng.choice(('ly', 'ia', 'ix', 'ora', 'en', 'ara'))}"
        )
        self.names = (self.place, self.programme, f"{self.place} {rng.choice(_NOUNS).title()}")

    def _draw(self, bank: tuple[str, ...], count: int) -> list[str]:
        return self.rng.choices(bank, cum_weights=_CUMULATIVE[len(bank)], k=count)

    def _word(self, bank: tuple[str, ...], topic: list[str] | None = None) -> str:
        if topic and self.rng.random() < 0.35:
            return self.rng.choice(topic)
        return self._draw(bank, 1)[0]

    def _noun_phrase(self) -> str:
        rng = self.rng
        noun = self._word(_NOUNS, self.topic)
        shape = rng.random()
        if shape < 0.25:
            return f"{rng.choice(_DETERMINERS)} {noun}"
        if shape < 0.5:
            adjective = self._word(_ADJECTIVES, self.topic_adjectives)
            return f"{rng.choice(_DETERMINERS)} {adjective} {noun}"
        if shape < 0.65:
            return f"{rng.choice(_DETERMINERS)} {noun} for {self._word(_NOUNS, self.topic)}"
        if shape < 0.75:
            return f"{rng.choice(_NUMBERS)} {rng.choice(_PLURALS)} about {noun}"
        if shape < 0.85:
            return f"the {rng.choice(self.names)} {noun}"
        adjective = self._word(_ADJECTIVES, self.topic_adjectives)
        return f"{'an' if adjective[0] in 'aeiou' else 'a'} {adjective} {noun}"

    def sentence(self) -> str:
        rng = self.rng
        subject = rng.choice(_SUBJECTS)
        verb = self._word(_VERBS)
        shape = rng.random()
        if shape < 0.35:
            tail = rng.choice(_CLAUSES)
        elif shape < 0.7:
            tail = f"{rng.choice(_PREPOSITIONS)} {self._noun_phrase()}"
        elif shape < 0.85:
            tail = f"and {self._word(_VERBS)} {self._noun_phrase()}"
        else:
            tail = f"in {self.place}"
        return f"{subject} {verb} {self._noun_phrase()} {tail}."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))


def _plain_summary(writer: _Writer, summary: str, number: int, seed: int) -> str:
    """`summary`, or if it reads above the validator's grade another drawn in its place, so that a
    strict build of a synthetic bank passes (`readability`). The others are drawn with a random
    generator of their own: every other field stays as it was before summaries were graded."""
    main = writer.rng
    writer.rng = random.Random(f"summary {seed} {number}")
    try:
        for _ in range(100):
            if readability.grade(summary) <= readability.GRADE_LIMIT and not (
                readability.long_sentences(summary)
            ):
                return summary
            summary = writer.paragraph(2)
    finally:
        writer.rng = main
    return f"People in {writer.place} worked with staff on a new plan. They met once a month."


def case_study(number: int, vocabulary: Vocabulary, seed: int = 0) -> tuple[str, str]:
    """The (slug, file text) of synthetic case study `number`; the same inputs, the same file."""
    rng = random.Random(seed * 1_000_003 + number)
    principles = vocabulary.slugs("principles")
    chosen = sorted(rng.sample(range(len(principles)), rng.randint(1, len(principles))))
    picked = [principles[i] for i in chosen]
    writer = _Writer(rng)
    place = writer.place
    sentence, paragraph = writer.sentence, writer.paragraph
    year = 2010 + number % 15
    # The fields added since (#15) from a generator of their own, so the rest is unchanged.
    added = random.Random(seed * 1_000_003 + number + 500_009)
    front: dict[str, Any] = {
        "id": f"cs-{100000 + number}",
        "title": f"Synthetic scheme {number} in {place}",
        "summary": _plain_summary(writer, paragraph(2), number, seed),
        "rung": rng.choice(vocabulary.slugs("ladder")),
        "rung_basis": added.choice(vocabulary.slugs("bases")),
        "principles": picked,
        "evidence": {
            "strength": added.choice(vocabulary.slugs("evidence_strengths")),
            "reason": "Made up for tests: no one did this work. [source 1, page 1]",
        },
        "reasoning": paragraph(3),
        "organisations": [f"{place} Council", f"{writer.programme} Partnership"],
        "place": place,
        "nation": rng.choice(vocabulary.slugs("nations")),
        "service_area": rng.choice(vocabulary.slugs("service_areas")),
        "period": {"start": f"{year}-{rng.randint(1, 12):02d}", "end": str(year + 1)},
        "status": rng.choice(vocabulary.slugs("statuses")),
        "status_date": str(year + 1),
        "facts_from": {"place": "[source 1, page 1]", "period": "[source 1, section 2]"},
        "pathway": {
            step: {
                "done": paragraph(3),
                "principles": rng.sample(picked, 1),
                "principles_basis": added.choice(vocabulary.slugs("bases")),
            }
            for step in vocabulary.slugs("pathway_steps")
        },
        "group": {
            role: [f"{role.title()} member {i}" for i in range(1, 3)]
            for role in vocabulary.slugs("are_in_roles")
        },
        "checklist": {
            item: {"who": sentence(), "what": sentence(), "outcomes": sentence()}
            for item in vocabulary.slugs("checklist")
        },
        "outcomes": {
            "how_much": sentence(),
            "how_well": sentence(),
            "better_off": sentence(),
        },
        "evaluation": paragraph(2),
        "what_was_hard": paragraph(2),
        "sources": [
            {
                "title": f"Review of synthetic scheme {number}",
                "publisher": f"{place} Council",
                "year": year + 1,
                "locator": "pages 1-4",
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
            text = paragraph(rng.randint(3, 6))
            total += len(text.split())
            paragraphs.append(text)
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
