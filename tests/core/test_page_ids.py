"""A story's ids never take one the page has already: the case-study template's sections, the
theme's skip-link target and search box, and Material's own ids (all starting "__")."""

from __future__ import annotations

import re

import pytest
from evidence_bank.core import catalog, vocabulary
from evidence_bank.core.render import ANY_ID, Renderer, find_ids

from tests.helpers import ROOT, VOCABULARY


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT))


@pytest.mark.parametrize(
    ("story", "renamed"),
    [
        ('<h2 id="main-content">Skip</h2>', {"main-content": "main-content-1"}),
        ('<h2 id="cite">Cite me</h2>', {"cite": "cite-1"}),
        ('<h2 id="outcomes">Outcomes</h2>', {"outcomes": "outcomes-1"}),
        ('<h2 id="eb-header-q">Search box</h2>', {"eb-header-q": "eb-header-q-1"}),
        ('<p id="__drawer">Not a heading</p>', {"__drawer": "drawer-1"}),
        ('<h3 id="___">Underscores</h3>', {"___": "section-1"}),
        # The new id is free on the page and in the story.
        (
            '<h2 id="outcomes">Outcomes</h2><h2 id="outcomes-1">More</h2>',
            {"outcomes": "outcomes-2"},
        ),
        ('<h2 id="context">Context</h2><h2 id="my-own">Mine</h2>', {}),
    ],
)
def test_a_story_id_the_page_has_is_renamed(
    renderer: Renderer, story: str, renamed: dict[str, str]
) -> None:
    study = renderer.catalog.by_id["cs-0001"]
    made = renderer.case_study_page(study, story)
    assert made.renamed == renamed
    ids = re.findall(r'\sid="([^"]+)"', made.html)
    assert len(ids) == len(set(ids)), sorted(ids)
    assert not any(i.startswith("__") for i in ids)
    for old, new in renamed.items():
        assert f'id="{new}"' in made.html
        assert f'id="{old}"' not in made.html or old in made.shell.ids


@pytest.mark.parametrize(
    ("html", "ids"),
    [
        ('<h2 id="a">A</h2><p id="b">B</p>', ["a", "b"]),
        ('<h2\tid="tab">T</h2>\n<p\nid="line">L</p>', ["tab", "line"]),
        ('<h2\u2003id="wide-space">W</h2>', ["wide-space"]),
        ('<h2 data-id="not">N</h2><h2 xid="not">N</h2>', []),
        ('id="at-the-start"', []),
        ('<h2 id="">empty</h2><h2 id="after">A</h2>', ["after"]),
        # An `id="` that is not an attribute swallows text up to its quote, as the pattern does.
        ('<p xid=" id="y">', ["y"]),
        ('<p title="x" id=" id="y">', [" id="]),
    ],
)
def test_ids_are_found_as_the_pattern_finds_them(html: str, ids: list[str]) -> None:
    assert find_ids(html) == ids == ANY_ID.findall(html)
