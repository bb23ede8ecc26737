"""The search page on a phone (360 x 740): results straight after the search box, the filters
folded into a disclosure that counts its ticks, rows big enough to touch, and a keyboard
journey whose focus is visible and on the screen at every step."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, SEARCH_DONE, wait_until
from tests.browser.test_pages import AXE, AXE_TAGS

PHONE = {"width": 360, "height": 740}

FOCUS_ON_SCREEN = """() => {
    const element = document.activeElement;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    // What is drawn at the middle of the focused element: itself (or its label), not the
    // header or anything else over it.
    const seen = document.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2);
    // (Within a pixel: the browser scrolls by whole pixels, boxes sit at fractions of one.)
    return {
        inside: box.width > 0 && box.height > 0 && box.top >= -1 && box.left >= -1
            && box.bottom <= innerHeight + 1 && box.right <= innerWidth + 1,
        uncovered: !!seen && (element.contains(seen) || (element.labels && [...element.labels]
            .some((label) => label.contains(seen)))),
        outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        name: `${element.id || element.className || element.tagName} at ${JSON.stringify(box)}`,
    };
}"""


def _check_focus(page: Page, step: str) -> None:
    focus = page.evaluate(FOCUS_ON_SCREEN)
    assert focus["inside"], f"{step}: the focus ({focus['name']}) is off the screen"
    assert focus["uncovered"], f"{step}: the focus ({focus['name']}) is covered"
    assert focus["outlined"], f"{step}: the focus ({focus['name']}) has no visible outline"


def _tab_to(page: Page, selector: str, step: str, limit: int = 80) -> int:
    """Tab until `selector` has the focus, checking the focus at every press."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        _check_focus(page, f"{step}, Tab {presses}")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} never took the focus in {limit} presses of Tab")


def test_results_come_first_and_filters_fold_away(visit: Any) -> None:
    page = visit("/search/?q=community&principle=valuing-people", **PHONE).page
    wait_until(page, SEARCH_DONE)
    summary = page.locator(".eb-search__filters-summary")
    assert summary.text_content() == "Filters (1 active)"
    assert not page.is_visible("#eb-principle-valuing-people")
    # The first result is on the first screen, below the one-line summary of the filters.
    first = page.locator(".eb-search__result h3 a").first.bounding_box()
    folded = summary.bounding_box()
    assert first and folded
    assert folded["y"] + folded["height"] < first["y"] < PHONE["height"] - first["height"]
    assert folded["height"] < 60
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "search-360.png"))
    # The summary opens by keyboard; the count follows the ticks.
    page.focus("#eb-q")
    _tab_to(page, ".eb-search__filters-summary", "to the filters")
    page.keyboard.press("Enter")
    assert page.is_visible("#eb-principle-valuing-people")
    page.check("#eb-rung-co-design")
    wait_until(page, SEARCH_DONE)
    assert summary.text_content() == "Filters (2 active)"
    page.uncheck("#eb-principle-valuing-people")
    page.uncheck("#eb-rung-co-design")
    assert summary.text_content() == "Filters (none active)"
    # Still accessible with the filters open, at this width (seen from the top: axe counts a
    # target that has scrolled under the sticky header as too small).
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert [v["id"] for v in result["violations"]] == []


def test_every_filter_row_is_a_big_target(visit: Any) -> None:
    page = visit("/search/", **PHONE).page
    wait_until(page, SEARCH_DONE)
    page.click(".eb-search__filters-summary")
    rows = page.locator(".eb-facet__option label")
    boxes = [rows.nth(i).bounding_box() for i in range(rows.count())]
    assert len(boxes) > 20
    small = [b for b in boxes if not b or b["width"] < 44 or b["height"] < 44]
    assert not small, f"{len(small)} rows are smaller than 44 x 44 px"
    # A tap anywhere on the row ticks its box: at its far right, away from the box itself.
    row = boxes[0]
    assert row
    page.mouse.click(row["x"] + row["width"] - 5, row["y"] + row["height"] - 5)
    assert page.locator(".eb-facet__option input").first.is_checked()


def test_a_keyboard_journey_at_360_px(visit: Any) -> None:
    """Skip link -> search box -> type -> open the filters -> tick one -> the first result."""
    page = visit("/search/", **PHONE).page
    wait_until(page, SEARCH_DONE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    _check_focus(page, "skip link")
    page.keyboard.press("Enter")
    presses = _tab_to(page, "#eb-q", "to the search box")
    assert presses <= 3
    page.keyboard.type("community")
    wait_until(page, SEARCH_DONE)
    _check_focus(page, "typed")
    _tab_to(page, ".eb-search__filters-summary", "to the filters", limit=3)
    page.keyboard.press("Enter")
    _tab_to(page, "#eb-principle-valuing-people", "to a filter", limit=3)
    page.keyboard.press("Space")
    page.wait_for_url("**principle=valuing-people**")
    _check_focus(page, "ticked")
    _tab_to(page, ".eb-search__show", "to 'Show the results'")
    page.keyboard.press("Enter")
    wait_until(page, SEARCH_DONE)
    wait_until(page, "document.activeElement.matches('.eb-search__result h3 a')")
    _check_focus(page, "first result")
    assert not page.is_visible("#eb-principle-valuing-people")  # the filters folded away
    status = page.locator(".eb-search__status").text_content() or ""
    assert "for “community”, filtered by Valuing people." in status


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(visit: Any) -> None:
    page = visit("/search/?q=community&principle=valuing-people").page
    wait_until(page, SEARCH_DONE)
    assert page.is_visible("#eb-principle-valuing-people")
    facets = page.locator(".eb-search__facets").bounding_box()
    results = page.locator(".eb-search__results-area").bounding_box()
    assert facets and results and facets["x"] + facets["width"] <= results["x"]
    assert not page.is_visible(".eb-search__show")
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "search-1280.png"))
