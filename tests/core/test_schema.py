"""The published JSON Schema, checked with a real validator (jsonschema, draft 2020-12)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from evidence_bank.core import catalog, schema, vocabulary
from jsonschema import Draft202012Validator

from tests.helpers import ROOT, VOCABULARY


@pytest.fixture(scope="module")
def bank() -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT)


@pytest.fixture(scope="module")
def validator(bank: catalog.Catalog) -> Draft202012Validator:
    document = json.loads(schema.json_schema_text(bank.vocabulary, "https://x.org/"))
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schema_identity(bank: catalog.Catalog) -> None:
    document = schema.json_schema(bank.vocabulary, "https://x.org/")
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == "https://x.org/data/v1/case-study.schema.json"
    assert document["required"] == ["id", "title", "summary", "rung", "principles"]
    assert document["properties"]["rung"]["enum"] == list(bank.vocabulary.slugs("ladder"))


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
}


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_invalid_front_matter_is_refused(
    bank: catalog.Catalog, validator: Draft202012Validator, mutate: Any
) -> None:
    data = copy.deepcopy(bank.case_studies[0].front_matter)
    mutate(data)
    assert not validator.is_valid(data)


def test_schema_is_published(tmp_path: Any) -> None:
    from tests.helpers import build, make_project

    site = build(make_project(tmp_path))
    published = json.loads((site / "data/v1/case-study.schema.json").read_text("utf-8"))
    assert published["$id"] == "https://bank.example.org/data/v1/case-study.schema.json"
