"""Plain English, measured: syllables, sentences, the Flesch-Kincaid grade and the warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.core import catalog, readability, synthetic, vocabulary
from evidence_bank.core.readability import (
    grade,
    hardest,
    long_sentences,
    sentences,
    syllable_count,
    word_count,
)

from tests.helpers import VOCABULARY

VOCAB = vocabulary.load(VOCABULARY)


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("the", 1),
        ("care", 1),  # A silent final 'e'.
        ("made", 1),
        ("table", 2),  # But '-le' is said.
        ("centre", 2),  # And so is '-re'.
        ("people", 2),
        ("principles", 3),
        ("lived", 1),  # A silent '-ed'...
        ("wanted", 2),  # ...said after 't' or 'd'.
        ("needed", 2),
        ("settled", 2),
        ("makes", 1),  # A silent '-es'...
        ("places", 2),  # ...said after 'c', 'g', 's', 'x', 'z', 'ch', 'sh'.
        ("changes", 2),
        ("boxes", 2),
        ("area", 3),
        ("idea", 3),
        ("created", 3),
        ("evidence", 3),
        ("organisation", 5),
        ("commissioners", 4),
        ("co-production", 4),  # The parts of a hyphenated word.
        ("health", 1),
        ("engagement", 3),  # A silent 'e' before a suffix.
        ("timely", 2),
        ("useful", 2),
        ("experience", 4),  # 'ie' said as two.
        ("client", 2),
        ("patient", 2),  # But not after 't'.
        ("social", 2),  # 'ia' as one after 'c'...
        ("media", 3),  # ...and as two elsewhere.
        ("champion", 3),
        ("nation", 2),
        ("previous", 3),
        ("equal", 2),
        ("actual", 3),
        ("royal", 2),  # A 'y' between vowels is a consonant.
        ("your", 1),
        ("being", 2),
        ("carrying", 3),
        ("enthusiasm", 5),
        ("NHS", 3),  # An abbreviation with no vowel is spelled out.
        ("GP", 2),
        ("2024", 4),
        ("7", 1),
        ("People's", 2),
    ],
)
def test_syllable_count(word: str, count: int) -> None:
    assert syllable_count(word) == count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cat sat. It was happy.", ["The cat sat.", "It was happy."]),
        ("We met Dr. Smith on Monday. She agreed.", ["We met Dr. Smith on Monday.", "She agreed."]),
        (
            "Use tools, e.g. Miro and Padlet. Then vote.",
            ["Use tools, e.g. Miro and Padlet.", "Then vote."],
        ),
        ("Costs rose 2.5 times. Staff left!", ["Costs rose 2.5 times.", "Staff left!"]),
        ("J. K. Rowling spoke. It went well.", ["J. K. Rowling spoke.", "It went well."]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("It worked (mostly.) Then it stopped.", ["It worked (mostly.)", "Then it stopped."]),
        ("Was it fair? Yes. No one said so.", ["Was it fair?", "Yes.", "No one said so."]),
        (
            "A stop with a small word after. it goes on.",
            ["A stop with a small word after. it goes on."],
        ),
        ("A line\nwrapped in the file. Ends here.", ["A line wrapped in the file.", "Ends here."]),
        ("A paragraph with no stop\n\nAnother one.", ["A paragraph with no stop", "Another one."]),
        (
            "The group agreed:\n- to meet monthly\n- to pay members\n1. first\n2) second",
            ["The group agreed:", "- to meet monthly", "- to pay members", "1. first", "2) second"],
        ),
        (
            "Staff met [source 2, page 4] monthly. [Source 3] They agreed.",
            ["Staff met monthly.", "They agreed."],
        ),
        ("", []),
        (" - ", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_word_count() -> None:
    assert word_count("Co-production, at 2.5 times - and more & so on.") == 8
    assert word_count("") == 0


def test_grade_known_values() -> None:
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45.
    assert grade("The cat sat on the mat.") == pytest.approx(-1.45)
    # 2 sentences, 8 words ('The', 'cat', 'sat', 'on', 'the', 'mat', 'It', 'was' ... ): worked
    # by hand: words 9, syllables 10 ('happy' has two).
    assert grade("The cat sat on the mat. It was happy.") == pytest.approx(
        0.39 * 9 / 2 + 11.8 * 10 / 9 - 15.59
    )
    # 1 sentence, 5 words, 15 syllables: or-gan-i-sa-tions (5) co-or-di-nat-ed (5)
    # com-mis-sion-ers (4) and (1): 0.39 * 4 + 11.8 * 15 / 4 - 15.59.
    assert grade("Organisations coordinated commissioners' plans.") == pytest.approx(
        0.39 * 4 + 11.8 * (5 + 5 + 4 + 1) / 4 - 15.59
    )
    assert grade("") == 0.0
    # Reference marks are not read.
    assert grade("The cat sat on the mat [source 12, pages 4-5].") == pytest.approx(-1.45)


def test_grade_tells_plain_from_hard() -> None:
    plain = "We asked people what they wanted. They told us. We changed the service."
    hard = (
        "Multidisciplinary stakeholder engagement facilitated the co-production of "
        "organisational transformation across integrated commissioning arrangements."
    )
    assert grade(plain) < 3 < readability.GRADE_LIMIT < 20 < grade(hard)
    assert hardest(f"{plain} {hard}") == hard


def test_long_sentences() -> None:
    short = "We met every month to plan the work together."
    long = "Word " + " ".join(["word"] * 29) + "."
    assert long_sentences(short) == []
    assert long_sentences(f"{short} {long} {short}") == [(30, long)]
    # 25 is the limit, and allowed; 26 is over.
    assert long_sentences(" ".join(["word"] * 25) + ". " + short) == []
    assert long_sentences(" ".join(["word"] * 26) + ".")[0][0] == 26
    # An abbreviation does not end the sentence, so it stays long.
    split_wrongly = " ".join(["word"] * 15) + " e.g. Leeds " + " ".join(["word"] * 15) + "."
    assert long_sentences(split_wrongly)[0][0] == 32
    # A list's items are measured one by one.
    items = "\n".join(f"- item {n} " + " ".join(["word"] * 10) for n in range(5))
    assert long_sentences(items) == []


def _warnings(front: str) -> list[str]:
    import yaml

    clean = yaml.safe_load(front)
    found = readability.warnings(clean, "a.md", lambda path: 7, readability_name)
    return [str(problem) for problem in found]


def readability_name(path: tuple[str | int, ...]) -> str:
    return ".".join(map(str, path))


def test_warnings_name_field_grade_and_sentence() -> None:
    hard = (
        "Multidisciplinary stakeholder engagement facilitated organisational transformation. "
        "We met."
    )
    long = " ".join(["word"] * 30) + "."
    found = _warnings(
        f"summary: {hard}\npathway:\n  co-delivery:\n    done: {long}\n"
        f"  build-the-team:\n    done: Short. Plain.\n"
    )
    assert len(found) == 2
    assert found[0].startswith("a.md:7: warning: summary: a reading grade of ")
    assert "the hardest sentence is “Multidisciplinary stakeholder" in found[0]
    assert found[0].endswith(
        "expected shorter sentences and everyday words: a reading grade of 9 or less "
        "(GOV.UK advises sentences of 25 words or fewer)"
    )
    grade_shown = found[0].split("a reading grade of ")[1].split(";")[0]
    assert grade_shown == f"{grade(hard):.1f}"
    assert found[1].startswith(
        "a.md:7: warning: pathway.co-delivery.done: a sentence of 30 words: “word word"
    )
    assert "expected sentences of 25 words or fewer" in found[1]


def test_a_long_sentence_is_quoted_shortened() -> None:
    long = " ".join(["extraordinarily"] * 40) + "."
    (found,) = _warnings(f"pathway:\n  co-delivery:\n    done: {long}\n")
    quoted = found.split("words: ")[1].split("; expected")[0]
    assert quoted.startswith("“extraordinarily") and quoted.endswith(" …”")
    assert len(quoted) <= readability.QUOTE_LIMIT + 4


def test_checked_fields_are_one_list() -> None:
    """A field added to `CHECKED` is measured, wherever it is: the one place to add one."""
    long = " ".join(["word"] * 30) + "."
    front = f"evidence:\n- reason: {long}\n- reason: Short.\n"
    assert _warnings(front) == []
    extra = readability.Checked(("evidence", readability.ANY, "reason"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readability, "CHECKED", (*readability.CHECKED, extra))
        (found,) = _warnings(front)
    assert found.startswith("a.md:7: warning: evidence.0.reason: a sentence of 30 words")


def test_synthetic_case_studies_read_plainly(tmp_path: Path) -> None:
    """Strict builds of synthetic banks must pass: their texts are within the limits."""
    for number in range(1, 301):
        slug, text = synthetic.case_study(number, VOCAB)
        (tmp_path / f"{slug}.md").write_text(text, encoding="utf-8")
    count, problems = catalog.check_folder(tmp_path, VOCAB, root=tmp_path, allow_synthetic=True)
    assert count == 300 and problems == []


def test_withdrawn_case_study_is_not_measured() -> None:
    from evidence_bank.core.validate import plain_english

    class Front:
        def line(self, path: tuple[str | int, ...]) -> int:
            return 1

    hard = "Multidisciplinary stakeholder engagement facilitated organisational transformation."
    assert plain_english({"summary": hard}, Front(), "a.md")  # type: ignore[arg-type]
    withdrawn = {"summary": hard, "withdrawn": {"date": "2025-01-01", "reason": "Asked."}}
    assert plain_english(withdrawn, Front(), "a.md") == ()  # type: ignore[arg-type]


@pytest.mark.parametrize("forking", [False, True])
def test_warnings_cross_the_reading_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: bool
) -> None:
    """Read in a pool of processes, the warnings are the same as read in this one."""
    from tests.cli.test_validate import HARD

    for number in range(1, 4):
        slug, text = synthetic.case_study(number, VOCAB)
        (tmp_path / f"{slug}.md").write_text(text, encoding="utf-8")
    (tmp_path / "hard.md").write_text(HARD, encoding="utf-8")
    serial = catalog.check_folder(tmp_path, VOCAB, root=tmp_path, allow_synthetic=True)
    loaded = catalog.load(tmp_path, VOCAB, root=tmp_path, allow_synthetic=True).warnings
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 2)
    monkeypatch.setattr(catalog, "CHUNK", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    pooled = catalog.check_folder(
        tmp_path, VOCAB, root=tmp_path, allow_synthetic=True, forking=forking
    )
    pooled_load = catalog.load(
        tmp_path, VOCAB, root=tmp_path, allow_synthetic=True, forking=forking
    ).warnings
    assert [(p.path, p.line, p.field) for p in serial[1]] == [
        ("hard.md", 4, "summary"),
        ("hard.md", 11, "pathway.co-delivery.done"),
    ]
    assert all(p.warning for p in serial[1])
    assert pooled == serial and list(pooled_load) == list(loaded) == serial[1]
