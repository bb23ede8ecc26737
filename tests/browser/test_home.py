"""The home page as a front door: a search box, the bank in numbers, the newest case studies,
at every width; and the site's name whole in the header on a phone."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from evidence_bank.core import catalog, vocabulary

from tests.browser.conftest import ARTIFACTS, SEARCH_DONE, wait_until
from tests.helpers import ROOT, VOCABULARY

WIDTHS = (360, 768, 1280, 1920)
HEIGHT = 900


@pytest.fixture(scope="module")
def bank() -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT)


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return dict(box)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_door_at(width: int, visit: Any, bank: catalog.Catalog) -> None:
    page = visit("/", width=width, height=HEIGHT).page
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"home-{width}.png"))

    # The search box is in the first screen, whole and inside the page's width.
    for selector in ("#eb-front-q", ".eb-front-search__button"):
        box = _box(page, selector)
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (selector, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    assert page.locator("label[for='eb-front-q']").inner_text() == "Search the case studies"

    # The numbers are the bank's own.
    def shown(name: str) -> int:
        return int(page.locator(f"[data-eb-count='{name}']").inner_text())

    assert shown("case-studies") == len(bank.case_studies)
    assert shown("principles") == len(bank.vocabulary.slugs("principles"))
    assert shown("rungs") == len(bank.vocabulary.slugs("ladder"))
    strengths = Counter(s.evidence_strength for s in bank.case_studies)
    for slug in bank.vocabulary.slugs("evidence_strengths"):
        assert shown(f"strength-{slug}") == strengths.get(slug, 0), slug

    # The newest three case studies, newest first, as cards that lead to them.
    newest = sorted(bank.case_studies, key=lambda s: s.sort_key, reverse=True)[:3]
    titles = page.locator(".eb-newest__title a").all_inner_texts()
    assert titles == [s.title for s in newest]
    for card in page.locator(".eb-newest").all():
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    if width >= 1280:
        # On a desktop screen the first card starts within the first screen.
        assert _box(page, ".eb-newest")["y"] < HEIGHT
    else:
        # On a smaller one, within the first two.
        assert _box(page, ".eb-newest")["y"] < 2 * HEIGHT

    # Ways in: the ladder, the map, and a route for each audience.
    hrefs = page.eval_on_selector_all(".md-content a", "as => as.map(a => a.pathname)")
    for path in ("/ladder/", "/evidence-map/", "/case-studies/"):
        assert path in hrefs, path
    audiences = sorted(p.stem for p in (ROOT / "content" / "audiences").glob("*.md"))
    for stem in audiences:
        assert f"/audiences/{stem}/" in hrefs, stem

    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", (320, 360, 768))
def test_the_site_name_is_whole_in_the_header(width: int, visit: Any) -> None:
    page = visit("/", width=width).page
    name = page.locator(".md-header__topic .eb-site-name").first
    assert " ".join(name.inner_text().split()) == "Co-production Evidence Bank"
    clipped = page.evaluate(
        "() => { const e = document.querySelector('.md-header__topic .eb-site-name');"
        " const r = e.getBoundingClientRect();"
        " const h = document.querySelector('.md-header').getBoundingClientRect();"
        " return [e.scrollWidth > e.clientWidth, e.scrollHeight > e.clientHeight,"
        " r.top < h.top, r.bottom > h.bottom, r.right > innerWidth]; }"
    )
    assert clipped == [False, False, False, False, False]


def test_the_front_search_box_searches(visit: Any) -> None:
    page = visit("/", width=360).page
    page.fill("#eb-front-q", "community")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=community")
    wait_until(page, SEARCH_DONE)
    assert page.input_value("#eb-q") == "community"
    assert page.locator(".eb-search__result").count() >= 1
