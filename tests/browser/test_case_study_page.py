"""A case study's page as a reader meets it: the facts and the reference near the top at every
width, tables that fit the screen, a copy button that copies, detail sections that fold on a
screen (by keyboard too) and print open, and the permanent address whole on paper.
Screenshots: test-artifacts/screenshots/case-study-<width>.png and case-study-print.png."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import ARTIFACTS, PAGE_TYPES
from tests.browser.test_pages import AXE, AXE_TAGS

PATH = PAGE_TYPES["case-study"]
SHOTS = ARTIFACTS / "screenshots"
FOLDED = ("group", "checklist", "related", "about")
"""The sections that fold away on a screen, by their heading's id."""


def _axe(page: Page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert len(result["passes"]) > 10  # axe really ran
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def _fold_open(page: Page, section: str) -> bool:
    return bool(
        page.evaluate(
            "id => { const b = document.getElementById(id).nextElementSibling;"
            " return b.checkVisibility() && b.getBoundingClientRect().height > 0; }",
            section,
        )
    )


@pytest.mark.parametrize("width", [360, 768, 1280, 1920])
def test_the_page_at_each_width(width: int, visit: Any) -> None:
    height = 740 if width == 360 else 900
    record = visit(PATH, width=width, height=height)
    page = record.page
    assert record.errors == [] and record.csp_violations() == []
    # cite.js ran: every detail section is folded behind a button in its heading.
    for section in FOLDED:
        button = page.locator(f"#{section} button.eb-fold__button")
        assert button.get_attribute("aria-expanded") == "false", section
        assert not _fold_open(page, section), section

    # Nothing is cut at the edge of a scroll box (no table needs one), nor the page itself.
    widths = page.evaluate(
        "[...document.querySelectorAll('.eb-table-wrap')]"
        ".map(w => [w.scrollWidth, w.clientWidth, w.querySelector('table').className])"
    )
    assert len(widths) == 3
    for scroll, client, name in widths:
        assert scroll <= client, f"{name}: {scroll} px of table in a {client} px box"
    page_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width[0] <= page_width[1]
    # Each table's text is at least 16 px.
    sizes = page.evaluate(
        "[...document.querySelectorAll('.eb-table td, .eb-table th')]"
        ".map(c => parseFloat(getComputedStyle(c).fontSize))"
    )
    assert sizes and min(sizes) >= 16, min(sizes)

    # The facts at a glance and the reference are near the top: within 1.5 screens on a phone.
    facts = page.locator(".eb-card .eb-facts").first.bounding_box()
    cite = page.locator(".eb-cite-box").bounding_box()
    assert facts and cite
    assert facts["y"] < height
    assert cite["y"] < 1.5 * height, (facts, cite)
    for fact in ("Rung reached", "Principles", "Strength of evidence", "Status", "Where"):
        assert page.locator(".eb-facts dt", has_text=fact).count() == 1, fact
    address = page.locator(".eb-facts a.eb-address")
    assert address.inner_text().endswith("/id/cs-0001/")

    # On a phone the table rows stack: every cell says which column it is in.
    labels = page.locator(".eb-table--pathway td .eb-cell-label").first
    assert labels.is_visible() == (width < 960)

    # As a reader first sees it: the detail sections folded.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"case-study-{width}.png"), full_page=True)

    # Folded or not, the page passes axe-core; opened, too.
    assert _axe(page) == [], json.dumps(_axe(page), indent=1)
    for section in FOLDED:
        page.locator(f"#{section} button.eb-fold__button").click()
    assert _axe(page) == [], json.dumps(_axe(page), indent=1)


def test_the_copy_button_copies_the_reference(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    try:
        page = context.new_page()
        page.goto(base_url + PATH)
        page.wait_for_load_state("networkidle")
        box = page.locator(".eb-cite-box")
        reference = " ".join(box.locator(".eb-citation").inner_text().split())
        assert reference.startswith("Co-production Evidence Bank (") and "/id/cs-0001/" in reference
        status = box.locator("[role=status]")
        assert status.inner_text() == ""
        page.evaluate("navigator.clipboard.writeText('something else')")
        box.get_by_role("button", name="Copy reference").click()
        for _ in range(100):
            if status.inner_text() == "Copied":
                break
            page.wait_for_timeout(20)
        assert status.inner_text() == "Copied"
        assert page.evaluate("navigator.clipboard.readText()") == reference
    finally:
        context.close()


def test_without_javascript_everything_is_there(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + PATH)
        citation = page.locator(".eb-cite-box .eb-citation")
        assert citation.is_visible()
        assert "Available at:" in citation.inner_text()
        assert "/id/cs-0001/" in citation.inner_text()
        assert page.locator(".eb-copy__button").count() == 0  # only when it can work
        for section in FOLDED:
            assert _fold_open(page, section), section
            assert page.locator(f"#{section} button").count() == 0
    finally:
        context.close()


def test_folded_sections_open_by_keyboard_and_by_link(visit: Any) -> None:
    page = visit(PATH, width=360, height=740).page
    # From the last link in the pathway table, the next Tab reaches the first fold's button,
    # which opens with Enter and closes with Space.
    page.evaluate("[...document.querySelectorAll('.eb-table--pathway a')].pop().focus()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#group button.eb-fold__button')")
    inside = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; })()"
    )
    assert inside, "the focused button is on screen"
    page.keyboard.press("Enter")
    assert page.locator("#group button").get_attribute("aria-expanded") == "true"
    assert _fold_open(page, "group")
    page.keyboard.press("Space")
    assert page.locator("#group button").get_attribute("aria-expanded") == "false"
    assert not _fold_open(page, "group")

    # A link to a folded section (the contents, a shared address) opens it.
    page.goto(page.url.split("#")[0] + "#about")
    page.wait_for_timeout(50)
    assert _fold_open(page, "about")
    assert page.locator("#about button").get_attribute("aria-expanded") == "true"
    # Find in page opens a folded section too, where the browser can (hidden=until-found).
    assert page.evaluate("document.getElementById('checklist-details').hidden") == "until-found"


def test_print_opens_every_section_and_keeps_the_address_whole(visit: Any) -> None:
    page = visit(PATH, width=794, height=1123).page  # A4's width in CSS pixels
    page.emulate_media(media="print")
    for section in FOLDED:
        assert _fold_open(page, section), section
    assert not page.locator(".eb-copy__button").first.is_visible()
    for address in page.locator(".eb-print-only .eb-address, #cite ~ * .eb-address").all():
        if not address.is_visible():
            continue
        text = address.inner_text()
        assert text.endswith("/id/cs-0001/")
        assert address.evaluate("a => a.getClientRects().length") == 1, text
        assert address.evaluate("a => getComputedStyle(a).whiteSpace") == "nowrap"
    printed = page.locator(".eb-print-only")
    assert printed.is_visible() and "/id/cs-0001/" in printed.inner_text()
    headings = page.evaluate(
        "[...document.querySelectorAll('.md-content h2')].map(h => getComputedStyle(h).breakAfter)"
    )
    assert headings and set(headings) == {"avoid"}
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-study-print.png"), full_page=True)


def test_the_copy_button_is_a_few_tab_presses_after_the_skip_link(visit: Any) -> None:
    """The end of the keyboard journey at 360 px: from the skip link to the reference's copy
    button, with the focus on screen at every step."""
    page = visit(PATH, width=360, height=740).page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    on_screen = (
        "(() => { const r = document.activeElement.getBoundingClientRect();"
        " return r.width > 0 && r.left >= 0 && r.right <= innerWidth"
        " && r.top >= 0 && r.bottom <= innerHeight; })()"
    )
    presses = 0
    while page.evaluate("document.activeElement.textContent") != "Copy reference":
        presses += 1
        assert presses <= 15, "the copy button is more than 15 presses after the skip link"
        page.keyboard.press("Tab")
        assert page.evaluate(on_screen), page.evaluate("document.activeElement.outerHTML")
    page.keyboard.press("Enter")  # It works from the keyboard as well.
    status = page.locator(".eb-cite-box [role=status]")
    for _ in range(100):
        if status.inner_text():
            break
        page.wait_for_timeout(20)
    assert status.inner_text().startswith(("Copied", "Could not copy"))
