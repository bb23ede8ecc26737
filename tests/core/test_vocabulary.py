"""The vocabulary file: its slugs are permanent contracts."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.core import vocabulary
from evidence_bank.core.problems import ProblemsError

from tests.helpers import VOCABULARY

CONTRACT = {
    "ladder": [
        "coercion",
        "educating",
        "informing",
        "consultation",
        "engagement",
        "co-design",
        "co-production",
    ],
    "principles": [
        "valuing-people",
        "building-representative-networks",
        "building-peoples-capacity",
        "reciprocal-recognition",
        "cross-boundary-working",
        "enabling-and-facilitating",
    ],
    "pathway_steps": [
        "build-the-team",
        "identify-strengths",
        "co-create-the-vision",
        "co-design-the-solution",
        "co-delivery",
        "co-evaluate",
    ],
    "are_in_roles": ["authority", "resources", "expertise", "information", "need"],
}


@pytest.fixture(scope="module")
def vocab() -> vocabulary.Vocabulary:
    return vocabulary.load(VOCABULARY)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_slugs_and_order_are_the_published_contract(
    vocab: vocabulary.Vocabulary, name: str
) -> None:
    assert list(vocab.slugs(name)) == CONTRACT[name]


def test_checklist_has_bolton_ten_questions(vocab: vocabulary.Vocabulary) -> None:
    items = vocab.terms("checklist")
    assert len(items) == 10
    assert all(item.question.endswith("?") for item in items)
    assert any("publicly available and shared it with partners" in i.question for i in items)


def test_every_term_has_a_label_description_and_known_source(vocab: vocabulary.Vocabulary) -> None:
    for name in (
        "ladder",
        "principles",
        "gm_principles",
        "pathway_steps",
        "checklist",
        "are_in_roles",
    ):
        for term in vocab.terms(name):
            assert term.label and term.description, (name, term.slug)
            assert term.source in vocab.sources, (name, term.slug)


def test_greater_manchester_principles_map_to_ni_principles(vocab: vocabulary.Vocabulary) -> None:
    terms = vocab.terms("gm_principles")
    assert len(terms) == 6
    for term in terms:
        assert term.maps_to and set(term.maps_to) <= set(vocab.slugs("principles"))


def test_a_broken_vocabulary_names_every_problem(tmp_path: Path) -> None:
    broken = (
        VOCABULARY.read_text(encoding="utf-8")
        .replace("maps_to: [valuing-people]", "maps_to: [valuing-peple]", 1)
        .replace("- slug: coercion", "- slug: Coercion!", 1)
    )
    path = tmp_path / "vocabulary.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        vocabulary.load(path, "vocabulary.yml")
    fields = [p.field for p in caught.value.problems]
    assert "ladder[1].slug" in fields
    assert any(f.endswith(".maps_to") for f in fields)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("valueing-people", "valuing-people"),
        ("Valuing People", "valuing-people"),
        ("cross boundary working", "cross-boundary-working"),
        ("zzz", None),
    ],
)
def test_did_you_mean(vocab: vocabulary.Vocabulary, typed: str, meant: str | None) -> None:
    assert vocab.suggest("principles", typed) == meant
