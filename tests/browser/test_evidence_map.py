"""The evidence map read anywhere: every column of every table in view from 1024 px; below that
a list per row in which every count and every gap is named; a cue when a table must scroll;
a key whose swatches still differ in forced colours."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS

MAP = "/evidence-map/"
SHOTS = ARTIFACTS / "screenshots"

TABLES = """() => [...document.querySelectorAll('.eb-map-scroll')].map(box => {
  const table = box.querySelector('table');
  return {
    shown: getComputedStyle(box).display !== 'none',
    scrollWidth: box.scrollWidth,
    clientWidth: box.clientWidth,
    tableRight: table.getBoundingClientRect().right,
    captionCut: table.caption.scrollWidth > table.caption.clientWidth + 1,
    headers: [...table.querySelectorAll('thead th')].map(th => ({
      text: th.textContent.trim(),
      right: th.getBoundingClientRect().right,
      width: th.getBoundingClientRect().width,
    })),
  };
})"""


def _shot(page: Any, width: int) -> None:
    if width in (360, 768, 1280, 1920):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"evidence-map-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1024, 1280, 1440, 1920])
def test_every_column_is_in_view_from_1024_px(visit: Any, width: int) -> None:
    page = visit(MAP, width=width).page
    tables = page.evaluate(TABLES)
    assert len(tables) == 4
    for table in tables:
        assert table["shown"]
        assert table["scrollWidth"] <= table["clientWidth"], table  # nothing to scroll
        assert not table["captionCut"]
        assert len(table["headers"]) >= 7
        for header in table["headers"]:
            assert header["width"] > 0 and header["right"] <= width, header
        assert table["tableRight"] <= width
    # The list per row is for narrow screens only: one copy for a screen reader.
    assert page.locator(".eb-map-rows").evaluate_all(
        "rows => rows.every(r => getComputedStyle(r).display === 'none')"
    )
    # No scroll cue where nothing scrolls.
    assert page.evaluate(
        "[...document.querySelectorAll('.eb-map-scroll')].every(b =>"
        " getComputedStyle(b, '::before').height === '0px')"
    )
    # Every number is still a link to its search.
    first = page.locator(".eb-map-scroll .eb-map__count a").first
    assert re.search(r"/principles/[a-z-]+/#rung-[a-z-]+$", first.get_attribute("href") or "")
    _shot(page, width)


@pytest.mark.parametrize("width", [360, 768])
def test_a_phone_gets_a_list_that_names_every_count_and_gap(visit: Any, width: int) -> None:
    page = visit(MAP, width=width, height=740).page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator(".eb-map-scroll").evaluate_all(
        "boxes => boxes.every(b => getComputedStyle(b).display === 'none')"
    )
    lists = page.locator(".eb-map-rows")
    assert lists.count() == 4
    assert lists.evaluate_all("rows => rows.every(r => getComputedStyle(r).display !== 'none')")
    # Nothing visible reads "gap" without naming what the gap is: the old "0 gap" cells are
    # hidden with their table, and the gaps line names each rung or principle.
    columns = page.evaluate(
        "[...document.querySelectorAll('.eb-map-scroll thead th.eb-map__col')]"
        ".map(th => th.textContent.trim())"
    )
    visible_gaps = page.evaluate(
        """() => [...document.querySelectorAll(
          '.eb-map__gap, .eb-map__gap-label, .eb-map-rows__gaps')]
          .filter(e => e.getClientRects().length > 0 && !e.closest('.eb-map-legend'))
          .map(e => e.textContent.trim())"""
    )
    assert visible_gaps, "the phone layout says where the gaps are"
    for text in visible_gaps:
        assert text.startswith(("Gaps, with no case studies yet", "No case studies at")), text
        named = text.split(":", 1)[1].strip(" .").split(", ")
        assert named and all(name in columns for name in named), text
    # Every count shown is named by its rung (or principle) beside it, and still links.
    items = page.evaluate(
        """() => [...document.querySelectorAll('.eb-map-rows__cells li')].map(li => ({
          column: li.querySelector('.eb-map-rows__column').textContent.trim(),
          count: li.querySelector('.eb-map-rows__count').textContent.trim(),
          href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : null,
        }))"""
    )
    assert items and all(i["column"] in columns and int(i["count"]) > 0 for i in items)
    assert any(i["href"] and "/principles/" in i["href"] and "#rung-" in i["href"] for i in items)
    # Each row's shown counts add up to its total, where the table has one.
    first = page.locator(".eb-map-rows").first
    total = first.locator(".eb-map-rows__total").first.text_content() or ""
    counts = first.locator(".eb-map-rows__cells").first.locator(".eb-map-rows__count")
    assert sum(int(c) for c in counts.all_text_contents()) == int(re.sub(r"\D", "", total))
    _shot(page, width)


def test_a_table_that_must_scroll_shows_a_cue(visit: Any) -> None:
    """Large text or a very large bank can still widen a table past its column: then, and only
    then, the edge with more beyond it is marked and a note says to scroll."""
    page = visit(MAP, width=1280).page
    box = page.locator(".eb-map-scroll").first
    before = box.evaluate("b => getComputedStyle(b).borderRightColor")
    box.evaluate("b => { b.querySelector('table').style.minWidth = '1600px'; }")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    page.wait_for_timeout(100)  # a frame for the scroll timeline to become active
    cue = box.evaluate(
        "b => ({edge: getComputedStyle(b).borderRightColor,"
        " note: getComputedStyle(b, '::before').height,"
        " text: getComputedStyle(b, '::before').content})"
    )
    assert cue["edge"] != before and cue["edge"] != "rgba(0, 0, 0, 0)", cue
    assert cue["note"] != "0px" and "Scroll sideways" in cue["text"], cue


def test_the_key_still_tells_the_levels_apart_in_forced_colours(
    browser: Any, base_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.emulate_media(forced_colors="active")
    page.goto(base_url + MAP)
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    swatches = page.locator(".eb-map-legend__swatch")
    assert swatches.count() == 5
    looks = swatches.evaluate_all(
        "s => s.map(e => { const c = getComputedStyle(e);"
        " return [c.borderTopStyle, c.borderTopWidth, c.backgroundImage].join(' '); })"
    )
    assert len(set(looks)) == 5, looks
    pictures = [swatches.nth(i).screenshot() for i in range(5)]
    assert len(set(pictures)) == 5
    # The shaded cells carry the same borders as their swatches.
    cell = page.locator(".eb-map td.eb-map__count--1").first
    assert cell.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    # The scroll cue's edges stay invisible while nothing scrolls (forced colours would
    # otherwise paint them as two black bars).
    edge = page.locator(".eb-map-scroll").first.evaluate("b => getComputedStyle(b).borderLeftColor")
    assert edge == "rgba(0, 0, 0, 0)", edge
    context.close()
