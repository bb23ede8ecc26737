"""The published JSON Schema, checked with a real validator (jsonschema, draft 2020-12)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from evidence_bank.core import catalog, frontmatter, schema, synthetic, validate, vocabulary
from jsonschema import Draft202012Validator

from tests.helpers import ROOT, VOCABULARY


@pytest.fixture(scope="module")
def vocab() -> vocabulary.Vocabulary:
    return vocabulary.load(VOCABULARY)


@pytest.fixture(scope="module")
def bank(vocab: vocabulary.Vocabulary) -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocab, root=ROOT)


@pytest.fixture(scope="module")
def validator(vocab: vocabulary.Vocabulary) -> Draft202012Validator:
    document = json.loads(schema.json_schema_text(vocab, "https://x.org/"))
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def valid(vocab: vocabulary.Vocabulary) -> dict[str, Any]:
    """A valid case study's front matter with every field of #15 (a synthetic one), as the
    validator types it: what the mutations start from, whatever state the real ones are in."""
    slug, text = synthetic.case_study(7, vocab)
    front = frontmatter.read(text.encode(), f"{slug}.md")
    assert isinstance(front, frontmatter.FrontMatter), front
    study = validate.validate(front, f"{slug}.md", slug, vocab)
    assert not isinstance(study, list), study
    return study.front_matter


def test_schema_identity(vocab: vocabulary.Vocabulary) -> None:
    document = schema.json_schema(vocab, "https://x.org/")
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == "https://x.org/data/v1/case-study.schema.json"
    assert document["required"] == [
        "id",
        "title",
        "summary",
        "rung",
        "rung_basis",
        "principles",
        "evidence",
    ]
    assert document["properties"]["rung"]["enum"] == list(vocab.slugs("ladder"))
    evidence = document["properties"]["evidence"]
    assert evidence["required"] == ["strength", "reason"]
    assert evidence["properties"]["strength"]["enum"] == [
        "described",
        "independently-reviewed",
        "outcomes-measured",
        "compared",
    ]
    assert document["properties"]["rung_basis"]["enum"] == ["stated", "judged"]


def test_a_valid_case_study_with_the_new_fields_passes(
    valid: dict[str, Any], validator: Draft202012Validator
) -> None:
    assert {"evidence", "rung_basis", "status_date", "facts_from"} <= set(valid)
    assert [e.message for e in validator.iter_errors(valid)] == []


def test_every_real_case_study_is_valid(
    bank: catalog.Catalog, validator: Draft202012Validator
) -> None:
    for study in bank.case_studies:
        errors = [e.message for e in validator.iter_errors(study.front_matter)]
        assert errors == [], study.path


MUTATIONS = {
    "unknown field": lambda d: d.update(titel="x"),
    "missing title": lambda d: d.pop("title"),
    "unknown rung": lambda d: d.update(rung="codesign"),
    "duplicate principle": lambda d: d.update(principles=["valuing-people"] * 2),
    "bad id": lambda d: d.update(id="42"),
    "year as text": lambda d: d.update(sources=[{"title": "A", "year": "2017"}]),
    "unknown pathway step": lambda d: d.update(pathway={"co-desing": {"done": "x"}}),
    "markup in title": lambda d: d.update(title="<b>x</b>"),
    "bad date": lambda d: d.update(published="2017-5-1"),
    "flag as text": lambda d: d.update(synthetic="yes"),
    "no evidence": lambda d: d.pop("evidence"),
    "evidence with no reason": lambda d: d["evidence"].pop("reason"),
    "unknown strength": lambda d: d["evidence"].update(strength="strong"),
    "no rung basis": lambda d: d.pop("rung_basis"),
    "status with no date": lambda d: d.pop("status_date"),
    "a source with no year": lambda d: d["sources"][0].pop("year"),
    "a source dated and undated": lambda d: d["sources"][0].update(undated=True),
    "undated false and no year": lambda d: (
        d["sources"][0].update(undated=False) or d["sources"][0].pop("year")
    ),
    "a step's principles with no basis": lambda d: next(iter(d["pathway"].values())).pop(
        "principles_basis"
    ),
    "a status with no date, beside a dated source": lambda d: d.pop("status_date"),
    "words in facts_from": lambda d: d["facts_from"].update(place="Example Town"),
}


ALLOWED = {
    "an undated source": lambda d: (
        d["sources"][0].pop("year") and d["sources"][0].update(undated=True)
    ),
    "a draft with a locator": lambda d: d["sources"][0].update(draft=True, locator="Annex A"),
    "no status and no date": lambda d: d.pop("status") and d.pop("status_date"),
    "a date with no status": lambda d: d.pop("status"),
    "several marks": lambda d: d["facts_from"].update(place="[source 1], [source 1, p 2]"),
    "a step's basis with no principles (the source names none there)": lambda d: next(
        iter(d["pathway"].values())
    ).pop("principles"),
    "a status with no date when every source is undated": lambda d: (
        d.pop("status_date"),
        [(s.pop("year", None), s.update(undated=True)) for s in d["sources"]],
    ),
}


@pytest.mark.parametrize("change", ALLOWED.values(), ids=ALLOWED.keys())
def test_what_the_validator_allows_the_schema_allows(
    valid: dict[str, Any], validator: Draft202012Validator, change: Any
) -> None:
    data = copy.deepcopy(valid)
    change(data)
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_invalid_front_matter_is_refused(
    valid: dict[str, Any], validator: Draft202012Validator, mutate: Any
) -> None:
    data = copy.deepcopy(valid)
    assert validator.is_valid(data)
    mutate(data)
    assert not validator.is_valid(data)


def test_schema_is_published(tmp_path: Any) -> None:
    from tests.helpers import build, make_project

    site = build(make_project(tmp_path))
    published = json.loads((site / "data/v1/case-study.schema.json").read_text("utf-8"))
    assert published["$id"] == "https://bank.example.org/data/v1/case-study.schema.json"
