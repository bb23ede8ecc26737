"""Evidence a commissioner can weigh (#15), in real builds: the strength of evidence, dated
status and sources, reference marks and judged rungs, on every page that shows them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import build, case_study, make_project

STATED = case_study(
    """\
    status: in-progress
    status_date: "2018"
    place: Newry
    facts_from:
      place: "[source 1, Annex A, example 1]"
      status: "[source 2, page 3]"
    pathway:
      build-the-team:
        done: The group met monthly [source 1, step 1].
        principles: [valuing-people]
        principles_basis: stated
    outcomes:
      how_much: 40 people took part [source 2, page 7].
    sources:
      - title: A guide with draft examples
        year: 2017
        draft: true
        locator: Annex A
      - title: A later report
        year: 2018
        accessed: 2026-11-20
    """,
    body="Twelve sessions ran [source 2, page 9].\n\n`[source 9]` is code, not a mark.\n",
).replace("rung_basis: judged", "rung_basis: stated")

JUDGED = (
    case_study(
        """\
    status: completed
    pathway:
      co-evaluate:
        done: Nobody evaluated it.
        principles_basis: stated
    sources:
      - title: An undated leaflet
        undated: true
    """
    )
    .replace("cs-0100", "cs-0101")
    .replace("strength: described", "strength: outcomes-measured")
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(
        tmp_path_factory.mktemp("evidence"),
        {"stated.md": STATED, "judged.md": JUDGED},
        config={"markdown_extensions": ["attr_list"]},  # As the site's: headings' own ids.
    )
    return build(project)


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_top_block_shows_strength_reason_draft_and_dated_status(site: Path) -> None:
    page = _page(site, "case-studies/stated")
    text = _text(page)
    assert "Strength of evidence Described by the people who did the work (from a draft)" in text
    assert "Told by the people who did the work." in text
    # The picture is an empty element the stylesheet draws, hidden from screen readers.
    assert 'class="eb-strength__icon eb-strength__icon--described" aria-hidden="true"' in page
    assert "In progress as of 2018" in text
    # The build's date is fixed by SOURCE_DATE_EPOCH where set, else today: only the shape.
    assert re.search(
        r"Evidence dated 2017 to 2018: the newest source is (\d+ years? old|from this year)", text
    )
    assert "(stated in the source)" in text


def test_reference_marks_link_to_their_source_with_the_place_in_words(site: Path) -> None:
    page = _page(site, "case-studies/stated")
    assert '<li id="source-2">' in page and '<li id="source-1">' in page
    marks = re.findall(r'<a href="#source-(\d)" aria-label="([^"]+)"', page)
    assert ("2", "Source 2, page 9") in marks  # In the story.
    assert ("2", "Source 2, page 7") in marks  # In the outcomes.
    assert ("1", "Source 1, Annex A, example 1") in marks  # A key fact (facts_from).
    assert ("1", "Source 1, step 1") in marks  # A pathway step.
    assert "<code>[source 9]</code>" in page  # Code stays as written.
    sources = _text(page[page.index('id="sources"') :])
    assert "A draft." in sources
    assert "Used here: Annex A." in sources
    assert "Read on 2026-11-20" in sources  # When the writer read it: pages change.
    assert "Places cited on this page: page 7; page 3; page 9." in sources


def test_a_judged_rung_and_an_undated_source_say_so(site: Path) -> None:
    text = _text(_page(site, "case-studies/judged"))
    assert "(our judgement)" in text
    assert "Evidence dated No source gives a date." in text
    assert "(no date given)" in text
    assert "Evaluated with outcome measures" in text
    # Its only source is undated: the status says when it was true as well as it can.
    assert "Completed when the source was written (it gives no date)" in text
    assert "None named in the source." in text  # A step whose source names no principle.


def test_cards_show_the_strength_and_the_judgement(site: Path) -> None:
    text = _text(_page(site, "case-studies"))
    assert "Strength of evidence: Evaluated with outcome measures" in text
    assert "Strength of evidence: Described by the people who did the work" in text
    assert "Status: In progress as of 2018" in text
    assert "Rung: Co-design (our judgement)" in text


def test_the_rung_page_says_which_rungs_are_judged(site: Path) -> None:
    text = _text(_page(site, "ladder/co-design"))
    assert "2 case studies reached this rung. For 1 of them, this rung is our judgement" in text


def test_the_evidence_map_counts_by_strength_and_can_leave_judged_rungs_out(site: Path) -> None:
    page = _page(site, "evidence-map")
    stated = page[page.index('id="stated-only"') : page.index('id="strength-by-rung"')]
    assert "1 of 2 case studies has its rung stated in its source" in _text(stated)
    row = re.search(r"<tr><th scope=\"row\">Valuing people</th>(.*?)</tr>", stated)
    assert row is not None and re.findall(r">(\d+)", row.group(1)).count("1") == 1
    strength = page[page.index('id="strength-by-rung"') : page.index('id="steps-by-principle"')]
    assert 'aria-label="1 case study: Evaluated with outcome measures, at Co-design"' in strength
    assert "1 judged" not in page[page.index('id="steps-by-principle"') :]  # Stated at its step.


def test_search_filters_by_strength(site: Path) -> None:
    page = _page(site, "search")
    facet = page[page.index('data-facet="evidence"') :]
    assert "<legend>Strength of evidence</legend>" in facet
    assert 'value="compared"' in facet and "(0)" in facet
    assert re.search(r'value="described".*?\(1\)', facet, re.DOTALL)
    study = _page(site, "case-studies/judged")
    assert '<span data-pagefind-filter="evidence">outcomes-measured</span>' in study


def test_old_or_undated_evidence_is_due_for_review(site: Path) -> None:
    text = _text(_page(site, "due-for-review"))
    assert "An undated leaflet" not in text  # The case study is listed, not its source.
    assert "No dated source" in text


def test_places_cited_need_no_front_matter(tmp_path: Path) -> None:
    """A build lets go of each case study's front matter before its pages are made (the second
    process, which writes the downloads, has its own copy): a shell the build makes itself, late,
    must list the same places."""
    from evidence_bank.core import catalog, render, vocabulary

    folder = tmp_path / "case_studies"
    folder.mkdir()
    (folder / "stated.md").write_text(STATED, encoding="utf-8")
    bank = catalog.load(folder, vocabulary.load(vocabulary.default_path()), root=tmp_path)
    study = bank.case_studies[0]
    before = render.places_cited(study)
    study.front_matter.clear()
    assert (
        render.places_cited(study)
        == before
        == {
            1: ["step 1", "Annex A, example 1"],
            2: ["page 7", "page 3", "page 9"],
        }
    )
