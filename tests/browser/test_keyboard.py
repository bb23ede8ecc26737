"""Keyboard-only journeys, asserted step by step: every step is taken with keys alone."""

from __future__ import annotations

from typing import Any

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
    page.wait_for_url("**/search/?principle=*&rung=*")
    wait_until(page, SEARCH_DONE)
    assert page.locator(".eb-search__result").count() == count
    principle = page.url.split("principle=")[1].split("&")[0]
    rung = page.url.split("rung=")[1].split("&")[0]
    assert page.is_checked(f"#eb-principle-{principle}")
    assert page.is_checked(f"#eb-rung-{rung}")
    assert label.startswith(f"{count} case stud")
