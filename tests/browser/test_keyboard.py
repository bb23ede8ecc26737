"""Keyboard-only journeys, asserted step by step: every step is taken with keys alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import SEARCH_DONE, wait_until


def _tab_to(page: Page, selector: str, limit: int = 150) -> int:
    """Press Tab until the element matching `selector` has focus; return how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return presses
    raise AssertionError(f"{selector} never took the focus in {limit} presses of Tab")


def _focus_is_visible(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
        )
    )


def test_search_filter_open_and_return(visit: Any, base_url: str) -> None:
    page = visit("/").page
    # 1. The first Tab reaches the skip link, which moves the focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert _focus_is_visible(page)
    # 2. Reach the header search box and search.
    _tab_to(page, "#eb-header-q")
    assert _focus_is_visible(page)
    page.keyboard.type("community")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=community")
    wait_until(page, SEARCH_DONE)
    assert page.input_value("#eb-q") == "community"
    first_count = page.locator(".eb-search__result").count()
    assert first_count >= 1
    # 3. Apply two filters with the keyboard.
    _tab_to(page, "#eb-principle-valuing-people")
    page.keyboard.press("Space")
    page.wait_for_url("**principle=valuing-people**")
    _tab_to(page, "#eb-rung-co-design")
    page.keyboard.press("Space")
    page.wait_for_url("**rung=co-design**")
    wait_until(
        page,
        "/Valuing people, and by Co-design\\./.test("
        "document.querySelector('.eb-search__status').textContent)",
    )
    wait_until(page, SEARCH_DONE)
    assert "principle=valuing-people" in page.url and "rung=co-design" in page.url
    titles = page.locator(".eb-search__result h3").all_text_contents()
    assert titles and len(titles) <= first_count
    status = page.locator(".eb-search__status").text_content() or ""
    assert "Valuing people" in status and "Co-design" in status
    # 4. Open a result.
    _tab_to(page, ".eb-search__result h3 a")
    opened = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url("**/case-studies/**")
    assert page.locator("h1").first.text_content() == opened
    # 5. Return (the browser's Back, which Alt+Left gives a keyboard user; headless Chromium
    #    has no browser interface to take that key): the search, its words and filters are
    #    as they were, restored from the address.
    page.go_back()
    page.wait_for_url("**/search/**")
    wait_until(page, SEARCH_DONE)
    assert page.input_value("#eb-q") == "community"
    assert page.is_checked("#eb-principle-valuing-people")
    assert page.is_checked("#eb-rung-co-design")
    assert page.locator(".eb-search__result h3").all_text_contents() == titles


def test_open_a_count_in_the_evidence_map(visit: Any) -> None:
    page = visit("/evidence-map/").page
    _tab_to(page, ".eb-map__count a")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    count = int(page.evaluate("document.activeElement.textContent"))
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    # The principle's page, at the rung: it lists those case studies, with or without a script.
    page.wait_for_url("**/principles/*/#rung-*")
    rung = page.url.split("#rung-")[1]
    heading = page.locator(f"#rung-{rung}")
    assert heading.is_visible()
    assert f"({count})" in (heading.text_content() or "")
    assert label.startswith(f"{count} case stud")


DRAWER = ".md-sidebar--primary"

FOCUS_REPORT = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getClientRects()[0] || e.getBoundingClientRect();
  const x = r.left + Math.min(r.width / 2, 8), y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return {
    what: e.tagName + ' ' + ((e.textContent || '').trim().slice(0, 40) || e.id),
    inDrawer: !!e.closest('.md-sidebar--primary'),
    inside: r.left >= -1 && r.top >= -1 && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1,
    onTop: !!hit && (hit === e || e.contains(hit)),
  };
}"""
"""Where the focus is: in the closed drawer or not, inside the viewport, and not covered (the
element found at its first line's middle is it, or inside it)."""


def test_tab_at_360_stays_on_screen_and_out_of_the_closed_drawer(visit: Any) -> None:
    page = visit("/", width=360, height=740).page
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        report = page.evaluate(FOCUS_REPORT)
        if report is None:  # Past the last stop: the focus left the page.
            break
        stops.append(report)
        assert not report["inDrawer"], report
        assert report["inside"] and report["onTop"], report
        assert _focus_is_visible(page), report
    # Real stops were checked: the header, the home page's search box, the case studies.
    assert len(stops) >= 20
    assert any("Search the case" in s["what"] or s["what"].endswith("eb-front-q") for s in stops)


def test_the_menu_button_opens_the_drawer_by_keyboard(visit: Any) -> None:
    page = visit("/", width=360, height=740).page
    assert _tab_to(page, ".eb-menu-button", limit=3) <= 3
    assert _focus_is_visible(page)
    button = page.get_by_role("button", name="Menu")
    assert button.count() == 1
    assert page.evaluate("document.activeElement.matches('.eb-menu-button')")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate(f"document.querySelector('{DRAWER}').inert")

    page.keyboard.press("Enter")
    assert page.is_checked("#__drawer")
    assert button.get_attribute("aria-expanded") == "true"
    assert not page.evaluate(f"document.querySelector('{DRAWER}').inert")
    # Wait for the drawer to finish sliding in, then every stop in it is on screen.
    wait_until(page, f"document.querySelector('{DRAWER}').getBoundingClientRect().left >= 0")
    first = page.evaluate(FOCUS_REPORT)
    assert first["inDrawer"] and first["inside"] and first["onTop"], first
    in_drawer = 1
    for _ in range(60):
        page.keyboard.press("Tab")
        report = page.evaluate(FOCUS_REPORT)
        if report is None or not report["inDrawer"]:
            break
        in_drawer += 1
        assert report["inside"] and report["onTop"], report
    assert in_drawer >= 5
    # Leaving the drawer by Tab closed it: the focus is never behind its shade.
    assert not page.is_checked("#__drawer")

    # Open again with Space, and close with Escape: the focus goes back to the button.
    page.focus(".eb-menu-button")
    page.keyboard.press("Space")
    assert page.is_checked("#__drawer")
    page.keyboard.press("Escape")
    assert not page.is_checked("#__drawer")
    assert page.evaluate("document.activeElement.matches('.eb-menu-button')")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate(f"document.querySelector('{DRAWER}').inert")


def test_the_drawer_links_are_reachable_on_a_wide_screen(visit: Any) -> None:
    page = visit("/", width=1280).page
    assert not page.locator(".eb-menu-button").is_visible()
    assert not page.evaluate(f"document.querySelector('{DRAWER}').inert")
    presses = _tab_to(page, f"{DRAWER} a[href]", limit=10)
    assert presses <= 10
    report = page.evaluate(FOCUS_REPORT)
    assert report["inside"] and report["onTop"], report
    # Narrowing the window makes the closed drawer inert; widening it again frees it.
    page.set_viewport_size({"width": 360, "height": 740})
    wait_until(page, f"document.querySelector('{DRAWER}').inert")
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_until(page, f"!document.querySelector('{DRAWER}').inert")


@pytest.mark.parametrize("path", ["/", "/case-studies/daisy-hill-hospital-pathfinder/"])
def test_shift_tab_at_360_keeps_the_focus_clear_of_the_header(path: str, visit: Any) -> None:
    """Going back up a page, the sticky header and Material's floating "Back to top" button
    (which shows as the page scrolls up) never cover the control that has the focus."""
    page = visit(path, width=360, height=740).page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.focus("footer a")
    seen = 0
    for _ in range(50):
        page.keyboard.press("Shift+Tab")
        report = page.evaluate(FOCUS_REPORT)
        if report is None or report["what"].startswith("A Skip to main"):
            break
        if report["inDrawer"]:
            raise AssertionError(f"the closed drawer took the focus: {report}")
        # Material shows its button a moment after the scroll; the page then moves the
        # control clear of it. Poll until settled (never a fixed wait).
        wait_until(page, f"(r => r === null || (r.inside && r.onTop))(({FOCUS_REPORT})())", 3)
        seen += 1
    assert seen >= 20
