"""The sanitiser is defence in depth: it changes nothing in legitimate case-study pages, and it
removes what validation should never have let through."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.core import sanitise, story
from evidence_bank.core.model import CaseStudy
from evidence_bank.core.render import Renderer, StudyPage

from tests.helpers import ROOT, build, case_study, make_project


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> dict[str, tuple[str, str]]:
    """(before, after) of every real case study's page, from a real build: the page made
    without the sanitiser, and the page as the build made it."""
    made: list[tuple[Renderer, CaseStudy, str, str]] = []
    original = Renderer.case_study_page

    def spy(self: Renderer, study: CaseStudy, story: str, shell: object = None) -> StudyPage:
        page = original(self, study, story, shell)  # type: ignore[arg-type]
        made.append((self, study, story, page.html))
        return page

    monkeypatch_module.setattr(Renderer, "case_study_page", spy)
    build(ROOT, site_dir=tmp_path_factory.mktemp("site") / "site")
    monkeypatch_module.undo()
    pages = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sanitise, "clean", lambda html: html)
        patch.setattr(sanitise, "clean_around", lambda html, marker: tuple(html.split(marker)))
        for renderer, study, story, after in made:
            pages[study.slug] = (renderer.case_study_page(study, story).html, after)
    return pages


@pytest.fixture(scope="module")
def monkeypatch_module() -> pytest.MonkeyPatch:
    patch = pytest.MonkeyPatch()
    yield patch  # type: ignore[misc]
    patch.undo()


def test_every_case_study_page_is_sanitised(rendered: dict[str, tuple[str, str]]) -> None:
    assert len(rendered) == len(list((ROOT / "case_studies").glob("*.md")))
    for before, after in rendered.values():
        # The page as built is what the sanitiser makes of the whole page at once, although
        # its story and the rest are sanitised apart (the rest ahead of time).
        assert after == sanitise.clean(before)


def test_sanitising_changes_nothing_in_legitimate_content(
    rendered: dict[str, tuple[str, str]],
) -> None:
    for before, after in rendered.values():
        assert sanitise.markup_tokens(after) == sanitise.markup_tokens(before)
        assert len(sanitise.markup_tokens(before)) > 200


def test_cleaning_around_a_marker_is_cleaning_the_whole() -> None:
    page = '<div onclick="x()"><p>Before</p><!-- m --><p style="color:red">after</p></div>'
    before, after = sanitise.clean_around(page, "<!-- m -->")
    assert before + after == sanitise.clean(page.replace("<!-- m -->", ""))
    assert "onclick" not in before and "color" not in after
    # A stand-in for the marker that the page already contains is not used.
    before, after = sanitise.clean_around("<p>\ufdd0</p><!-- m --><p>b</p>", "<!-- m -->")
    assert before == "<p>\ufdd0</p>" and after == "<p>b</p>"
    with pytest.raises(ValueError, match="once"):
        sanitise.clean_around("<p>no marker</p>", "<!-- m -->")


def _page_despite_a_validator_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> str:
    """The built page of a case study with `body`, after a gap in validation: the story's
    checks find nothing."""
    monkeypatch.setattr("evidence_bank.core.story.read", lambda *args: story.StoryCheck([], ()))
    site = build(make_project(tmp_path, {"gap.md": case_study(body=body)}))
    return (site / "case-studies" / "gap" / "index.html").read_text(encoding="utf-8")


def test_a_story_cannot_reach_outside_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Raw HTML that closes the story's container and opens an element of its own.
    body = 'Hello\n\n</div></article><article onclick="steal()">\n\nWorld\n'
    page = _page_despite_a_validator_gap(tmp_path, monkeypatch, body)
    assert "Hello" in page and "World" in page
    assert "steal()" not in page
    story = page[page.index("Hello") : page.index("World")]
    assert "</article>" not in story


@pytest.mark.parametrize(
    ("dirty", "gone"),
    [
        ('<p onclick="x()">a</p>', "onclick"),
        ('<a href="javascript:alert(1)">a</a>', "javascript"),
        ("<script>alert(1)</script>", "alert"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<iframe src="https://x.org"></iframe>', "iframe"),
        ('<p style="background:url(x)">a</p>', "background"),
        ("<!-- comment -->", "comment"),
    ],
)
def test_sanitising_removes_what_should_not_be_there(dirty: str, gone: str) -> None:
    assert gone not in sanitise.clean(dirty)


def test_a_validator_gap_is_caught_by_the_sanitiser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = '<p onclick="steal()">Hello</p>\n\n[x](javascript:alert(1))\n'
    page = _page_despite_a_validator_gap(tmp_path, monkeypatch, body)
    assert "Hello" in page
    assert "steal()" not in page and "javascript:" not in page
