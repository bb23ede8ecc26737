"""A real build: story headings that take the page's own ids are renamed, the table of contents
follows them, and every id on the page outside the story is one the renamer knows of."""

from __future__ import annotations

import re
from pathlib import Path

from evidence_bank.core.render import THEME_ID_PREFIX, THEME_IDS

from tests.helpers import build, case_study, make_project

_ID = re.compile(r'\sid="([^"]+)"')
_TEMPLATE_SECTION = re.compile(r'<h2 id="([^"]+)" data-pagefind-ignore')


def test_story_headings_never_take_the_pages_own_ids(tmp_path: Path) -> None:
    body = (
        "## Skip here {#main-content}\n\nText.\n\n"
        "## Cite me {#cite}\n\nText.\n\n"
        "## Outcomes\n\nWhat the story says.\n\n"
        "[Back to the start](#main-content)\n"
    )
    project = make_project(
        tmp_path,
        {"minimal.md": case_study(body=body)},
        # As this site's: a link to a missing anchor is a warning, which fails a strict build.
        config={"markdown_extensions": ["toc", "attr_list"], "validation": {"anchors": "warn"}},
    )
    site = build(project)
    page = (site / "case-studies/minimal/index.html").read_text("utf-8")
    ids = _ID.findall(page)
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    # The skip link reaches the theme's target, not the story's heading.
    assert '<div id="main-content" class="eb-skip-target"' in page
    assert '<h2 id="main-content-1">Skip here</h2>' in page
    assert '<h2 id="cite-1">Cite me</h2>' in page
    assert '<h2 id="outcomes-1">Outcomes</h2>' in page
    contents = list(dict.fromkeys(re.findall(r'<a href="#([^"]+)" class="md-nav__link"', page)))
    assert contents[:3] == ["main-content-1", "cite-1", "outcomes-1"]
    assert {"cite", "outcomes"} <= set(contents)
    assert set(contents) <= set(ids), "every entry of the contents leads somewhere"


def test_every_id_around_a_story_is_known_to_the_renamer(tmp_path: Path) -> None:
    """If the theme or Material adds an id, this fails: add it to `THEME_IDS`."""
    full = case_study(
        "what_was_hard: Much.\nevaluation: Some.\n"
        "outcomes:\n  how_much: Many.\n"
        "sources:\n  - title: A report\n    year: 2018\n    url: https://example.org/report\n"
    )
    site = build(make_project(tmp_path, {"minimal.md": full}))
    page = (site / "case-studies/minimal/index.html").read_text("utf-8")
    sources = {f"source-{n}" for n in range(1, 2)}  # Each source, for its reference marks.
    sections = set(_TEMPLATE_SECTION.findall(page)) | {"rung", "cite", "about"} | sources
    unknown = [
        anchor
        for anchor in _ID.findall(page)
        if anchor not in THEME_IDS
        and anchor not in sections
        and not anchor.startswith(THEME_ID_PREFIX)
    ]
    assert unknown == []
