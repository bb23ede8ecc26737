"""The sanitiser is defence in depth: it changes nothing in legitimate case-study pages, and it
removes what validation should never have let through."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.core import sanitise

from tests.helpers import ROOT, build, case_study, make_project


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> dict[str, tuple[str, str]]:
    """(before, after) article HTML of every real case study, captured from a real build."""
    captured: dict[str, tuple[str, str]] = {}
    original = sanitise.clean

    def spy(html: str) -> str:
        after = original(html)
        captured[str(len(captured))] = (html, after)
        return after

    monkeypatch_module.setattr(sanitise, "clean", spy)
    build(ROOT, site_dir=tmp_path_factory.mktemp("site") / "site")
    return captured


@pytest.fixture(scope="module")
def monkeypatch_module() -> pytest.MonkeyPatch:
    patch = pytest.MonkeyPatch()
    yield patch  # type: ignore[misc]
    patch.undo()


def test_every_case_study_page_is_sanitised(rendered: dict[str, tuple[str, str]]) -> None:
    assert len(rendered) == len(list((ROOT / "case_studies").glob("*.md")))


def test_sanitising_changes_nothing_in_legitimate_content(
    rendered: dict[str, tuple[str, str]],
) -> None:
    for before, after in rendered.values():
        assert sanitise.markup_tokens(after) == sanitise.markup_tokens(before)
        assert len(sanitise.markup_tokens(before)) > 200


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
    # Simulate a gap in validation: the story's checks find nothing.
    monkeypatch.setattr("evidence_bank.core.safety.check_body", lambda *args: [])
    body = '<p onclick="steal()">Hello</p>\n\n[x](javascript:alert(1))\n'
    site = build(make_project(tmp_path, {"gap.md": case_study(body=body)}))
    page = (site / "case-studies" / "gap" / "index.html").read_text(encoding="utf-8")
    assert "Hello" in page
    assert "steal()" not in page and "javascript:" not in page
