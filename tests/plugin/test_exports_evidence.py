"""The fields of issue #15 (strength of evidence, bases, status dates, sources' dates and
drafts, reference marks) in the open data, the feeds and the structured data, read back by
the same independent parsers as the other exports, from a small bank built for the purpose."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest
from evidence_bank.core import export, references, vocabulary
from evidence_bank.core.schema import json_schema
from jsonschema import Draft202012Validator

from tests.helpers import MINIMAL, VOCABULARY, build, case_study, make_project

BASE = "https://bank.example.org/"

FULL = (
    case_study(
        """\
    status: in-progress
    status_date: 2018-05
    facts_from:
      place: "[source 2, Annex A, example 1]"
    place: Example Town
    pathway:
      build-the-team:
        done: They met weekly. [source 1, page 3]
        principles: [valuing-people]
        principles_basis: stated
      co-design-the-solution:
        done: They drew up the plan together.
        principles: [valuing-people]
        principles_basis: judged
    sources:
      - title: The guide
        publisher: Example Council
        year: 2016
        url: https://www.example.org/guide
      - title: The draft annex
        year: 2018
        draft: true
        locator: Annex A
      - title: A leaflet
        undated: true
    published: 2026-01-02
    """,
        body="The café opened in May. [source 2, step 6][source 1]\n",
    )
    .replace("id: cs-0100", "id: cs-0101")
    .replace(
        "evidence: {strength: described, reason: Told by the people who did the work.}",
        "evidence:\n  strength: outcomes-measured\n  reason: The annex measured change. [source 2, "
        "page 4]",
    )
)
"""A case study with every new field, and reference marks in a field, a step and the story."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evidence")
    return build(make_project(root, {"minimal.md": MINIMAL, "full.md": FULL}))


def _records(site: Path) -> dict[str, dict[str, Any]]:
    records = json.loads((site / "data/v1/case-studies.json").read_text("utf-8"))
    return {record["id"]: record for record in records}


def test_json_records_carry_the_new_fields_and_every_reference_mark(site: Path) -> None:
    records = _records(site)
    full, minimal = records["cs-0101"], records["cs-0100"]
    assert full["evidence"] == {
        "strength": "outcomes-measured",
        "reason": "The annex measured change. [source 2, page 4]",
    }
    assert full["rung_basis"] == "judged" and full["status_date"] == "2018-05"
    assert full["facts_from"] == {"place": "[source 2, Annex A, example 1]"}
    assert full["pathway"]["co-design-the-solution"]["principles_basis"] == "judged"
    assert full["sources"][1] == {
        "title": "The draft annex",
        "year": 2018,
        "draft": True,
        "locator": "Annex A",
    }
    assert full["sources"][2] == {"title": "A leaflet", "undated": True}
    assert full["references"] == [
        {"field": "pathway.build-the-team.done", "source": 1, "locator": "page 3"},
        {"field": "evidence.reason", "source": 2, "locator": "page 4"},
        {"field": "facts_from.place", "source": 2, "locator": "Annex A, example 1"},
        {"field": "body", "source": 2, "locator": "step 6"},
        {"field": "body", "source": 1, "locator": None},
    ]
    assert minimal["references"] == []
    assert minimal["evidence"]["strength"] == "described"


def test_json_records_still_match_the_published_schema(site: Path) -> None:
    """The schema describes the front matter; the record adds where it lives and its marks."""
    validator = Draft202012Validator(json_schema(vocabulary.load(VOCABULARY)))
    for record in _records(site).values():
        front = {
            key: value
            for key, value in record.items()
            if key not in ("slug", "url", "permanent_url", "references")
        }
        assert list(validator.iter_errors(front)) == []


def test_csv_keeps_its_v1_columns_and_appends_the_new_ones(site: Path) -> None:
    text = (site / "data/v1/case-studies.csv").read_text("utf-8")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:28] == [
        "id", "slug", "url", "permanent_url", "title", "summary", "rung", "principles",
        "organisations", "place", "nation", "service_area", "period_start", "period_end",
        "status", "pathway_steps", "checklist_items", "how_much", "how_well", "better_off",
        "evaluation", "what_was_hard", "reasoning", "sources", "source_urls", "licence",
        "published", "last_reviewed",
    ]  # fmt: skip
    assert header[28:] == [
        "evidence_strength",
        "evidence_reason",
        "rung_basis",
        "status_date",
        "evidence_oldest_year",
        "evidence_newest_year",
        "draft_source",
        "undated_source",
        "judged_step_principles",
    ]
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    full, minimal = rows["cs-0101"], rows["cs-0100"]
    assert full["evidence_strength"] == "outcomes-measured"
    assert full["evidence_reason"] == "The annex measured change. [source 2, page 4]"
    assert (full["rung_basis"], full["status_date"]) == ("judged", "2018-05")
    assert (full["evidence_oldest_year"], full["evidence_newest_year"]) == ("2016", "2018")
    assert (full["draft_source"], full["undated_source"]) == ("true", "true")
    assert full["judged_step_principles"] == "co-design-the-solution"
    assert (minimal["evidence_newest_year"], minimal["draft_source"]) == ("", "false")
    subset = (site / "data/v1/principles/valuing-people.csv").read_text("utf-8")
    assert subset.splitlines()[0] == text.splitlines()[0]


def test_the_data_package_and_the_codebook_list_the_new_columns(site: Path) -> None:
    package = json.loads((site / "data/v1/datapackage.json").read_text("utf-8"))
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == [name for name, _ in export.CSV_COLUMNS]
    types = {f["name"]: f["type"] for f in fields}
    assert types["evidence_newest_year"] == "integer" and types["draft_source"] == "boolean"
    assert types["evidence_strength"] == "string"
    from frictionless import validate

    report = validate(str(site / "data/v1/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    page = (site / "data/index.html").read_text("utf-8")
    assert "<code>evidence_strength</code>" in page
    assert "<code>judged_step_principles</code>" in page


def test_a_feed_entry_says_the_strength_and_the_dated_status_in_words(site: Path) -> None:
    feed = feedparser.parse((site / "feeds/case-studies.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    entries = {entry.id: entry for entry in feed.entries}
    full = entries[f"{BASE}id/cs-0101/"]
    text = full.content[0].value
    assert text.endswith(
        "Strength of evidence: Evaluated with outcome measures. Status: In progress as of May 2018."
    )
    assert full.summary == "Only the required fields."  # the summary is still the summary
    strength = [tag for tag in full.tags if tag.scheme.endswith("#field-evidence-strength")]
    assert [(t.term, t.label) for t in strength] == [
        ("outcomes-measured", "Evaluated with outcome measures")
    ]
    minimal = entries[f"{BASE}id/cs-0100/"].content[0].value
    assert minimal.endswith("Strength of evidence: Described by the people who did the work.")
    assert "Status" not in minimal  # no status given, none invented


def test_structured_data_cites_the_sources_and_names_the_strength(site: Path) -> None:
    page = (site / "case-studies/full/index.html").read_text("utf-8")
    start = page.index('<script type="application/ld+json">')
    article = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert article["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "The guide",
            "publisher": {"@type": "Organization", "name": "Example Council"},
            "datePublished": "2016",
            "url": "https://www.example.org/guide",
        },
        {
            "@type": "CreativeWork",
            "name": "The draft annex",
            "datePublished": "2018",
            "creativeWorkStatus": "Draft",
        },
        {"@type": "CreativeWork", "name": "A leaflet"},
    ]
    assert article["keywords"] == [
        {
            "@type": "DefinedTerm",
            "name": "Evaluated with outcome measures",
            "termCode": "outcomes-measured",
            "inDefinedTermSet": f"{BASE}case-study-format/#field-evidence-strength",
        }
    ]
    # The set it points at exists: the format page's row for the field.
    assert 'id="field-evidence-strength"' in (site / "case-study-format/index.html").read_text(
        "utf-8"
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [("2018", "2018"), ("2018-05", "May 2018"), ("2018-05-04", "4 May 2018")],
)
def test_status_dates_are_said_as_written(given: str, said: str) -> None:
    assert export.month_date(given) == said


def test_the_format_page_explains_the_new_fields_and_reference_marks(site: Path) -> None:
    page = (site / "case-study-format/index.html").read_text("utf-8")
    for anchor in (
        "rung_basis",
        "evidence-strength",
        "evidence-reason",
        "status_date",
        "facts_from",
        "pathway-step-principles_basis",
        "sources-undated",
        "sources-draft",
        "sources-locator",
    ):
        assert f'id="field-{anchor}"' in page, anchor
    assert (
        "Only <strong>id</strong>, <strong>title</strong>, <strong>summary</strong>, "
        "<strong>rung</strong>, <strong>rung_basis</strong>, <strong>principles</strong> and "
        "<strong>evidence</strong> are required"
    ) in page
    marks = page[page.index("A fact can say where it comes from") :]
    marks = marks[: marks.index("</p>", marks.index("Marks are allowed"))]
    assert "[source 1, page 12]" in marks
    for field in references.MARKED_FIELDS:
        # Each field that may hold marks is named (`pathway.*.done` as each step's `done`).
        assert f"<code>{field.split('.*')[0]}" in marks, field
