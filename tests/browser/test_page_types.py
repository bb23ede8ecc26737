"""Every page type at 360, 768, 1280 and 1920 px: nothing clipped inside a scroll box without a
visible cue or out of a keyboard's reach, no sideways scroll of the page, focus always visible.
The rules hold for any good layout, not for today's markup. Screenshots:
test-artifacts/screenshots/<type>-<width>.png.

What counts as a cue (evidence-bank.css, "#16 type and detail"): a box that scrolls sideways
paints a shadow at the edge where more is hidden, the "scroll shadow" technique (a background
of gradients, its covers attached `local`), which the stylesheet gives to every table wrapper,
code block and box with the class `eb-scroll-cue`; or a visible note beside the box, an element
with the class `eb-scroll-note`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, PAGE_TYPES, wait_for

ALL_PAGE_TYPES = {
    **PAGE_TYPES,
    "case-study-list": "/case-studies/",
    "principles": "/principles/",
    "ladder": "/ladder/",
    "data": "/data/",
    "format": "/case-study-format/",
    "due-for-review": "/due-for-review/",
}
"""PAGE_TYPES (conftest.py) and the index pages: every page type the site has."""

WIDTHS = (360, 768, 1280, 1920)

SCROLL_BOXES = """() => {
  const named = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const uncued = [], unreachable = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;  // nothing hidden sideways
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    // Out of sight altogether (a closed drawer): nothing of it is on screen to be clipped.
    if (box.width < 1 || box.height < 1 || box.right <= 0 || box.left >= innerWidth) continue;
    const shadow = style.backgroundImage.includes('gradient')
      && style.backgroundAttachment.includes('local');
    const parent = el.parentElement;
    const note = [...(parent ? parent.querySelectorAll('.eb-scroll-note') : [])]
      .some(n => n.checkVisibility({visibilityProperty: true}));
    if (!shadow && !note) {
      uncued.push(`${named(el)}: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    }
    // A keyboard can scroll it: the box takes focus, or something inside it does.
    const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
    if (el.tabIndex < 0 && !el.querySelector(focusable)) {
      unreachable.push(`${named(el)}: scrolls, but nothing in it takes focus`);
    }
  }
  return {uncued, unreachable};
}"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    name: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
    box: [box.left, box.top, box.right, box.bottom],
    viewport: [innerWidth, innerHeight],
  };
}"""

TYPE = """() => {
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const onWhite = ([r, g, b, a = 1]) => [r, g, b].map(v => v * a + 255 * (1 - a));
  const seen = el => el.checkVisibility() && el.getBoundingClientRect().width > 0;
  const headings = [...document.querySelectorAll('.md-content .md-typeset :is(h1, h2, h3)')]
    .filter(seen).map(h => {
      const style = getComputedStyle(h);
      const ratio = 1.05 / (luminance(onWhite(rgb(style.color))) + 0.05);
      return [h.textContent.trim().slice(0, 30), Number(style.fontWeight), ratio];
    });
  const cells = [...document.querySelectorAll('.md-content table:not(.eb-map) :is(td, th)')]
    .filter(seen).map(c => parseFloat(getComputedStyle(c).fontSize));
  return {headings, smallest: Math.min(...cells)};
}"""
"""Each heading's weight and contrast on white, and the smallest table text in px. The
evidence map's tables are left to its own layout (#16 item 1, another branch)."""

TAB_STOPS = 8
"""How many Tab presses each page is checked for: the skip link, the header, the way in."""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ALL_PAGE_TYPES)
def test_page_type_at_width(name: str, width: int, visit: Any) -> None:
    path = ALL_PAGE_TYPES[name]
    page = visit(path, width=width, height=900, wait_for=wait_for(path)).page
    assert page.locator("h1").count() >= 1  # the page really loaded

    # No sideways scroll of the page itself.
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px window"

    # Nothing clipped inside a scroll box without a visible cue, or out of a keyboard's reach.
    boxes = page.evaluate(SCROLL_BOXES)
    assert boxes["uncued"] == []

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)

    # Headings bold and dark (7:1 and more); table text at least 16 px.
    text = page.evaluate(TYPE)
    assert text["headings"], "no heading found"
    assert [h for h in text["headings"] if h[1] < 600 or h[2] < 7] == []
    assert text["smallest"] >= 16

    # Focus is visible: each of the first Tab stops has a thick outline, on screen.
    seen, off_screen = 0, []
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:
            continue
        seen += 1
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus['name']}"
        left, top, right, bottom = focus["box"]
        view_width, view_height = focus["viewport"]
        if not (right > 0 and bottom > 0 and left < view_width and top < view_height):
            off_screen.append(f"{focus['name']} at {focus['box']}")
    assert seen >= 3  # Tab really moved through the page
    assert boxes["unreachable"] == []
    assert off_screen == []


def test_scroll_cue_is_drawn(visit: Any) -> None:
    """The cue the test above accepts is really drawn: a box wider than the column shows a
    shadow on its right edge, and once scrolled to the end, on its left edge instead."""
    page = visit("/case-study-format/", width=768, height=740).page
    page.evaluate(
        """() => {
        const box = document.createElement('div');
        box.className = 'eb-scroll-cue';
        box.id = 'eb-test-cue';
        const wide = document.createElement('p');
        wide.textContent = 'A wide box. '.repeat(20);
        wide.style.width = '3000px';
        box.append(wide);
        document.querySelector('article h1').after(box);
    }"""
    )
    box = page.locator("#eb-test-cue")
    left, right = _edges(box.screenshot())
    assert right < left - 20  # a shadow on the right, where more is
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    left, right = _edges(box.screenshot())
    assert left < right - 20  # scrolled to the end: the shadow is on the left


@pytest.mark.parametrize("width", [360, 1280])
def test_field_names_are_whole(width: int, visit: Any) -> None:
    """The format page breaks a field's name only after a dot, never mid-word; on a phone its
    rows stack, each cell labelled, and nothing scrolls."""
    page = visit("/case-study-format/", width=width, height=740).page
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.eb-format th code')].map(code => {
          const range = document.createRange();
          range.selectNodeContents(code);
          const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          return [code.textContent, tops.size, code.textContent.split('.').length];
        })"""
    )
    assert len(lines) > 20
    assert [name for name, rows, parts in lines if rows > parts] == []
    if width == 360:
        wrap = page.locator(".eb-table-wrap:has(.eb-format)")
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
        label = page.evaluate(
            "getComputedStyle(document.querySelector('.eb-format td'), '::before').content"
        )
        assert label == '"Required: "'


def _edges(png: bytes) -> tuple[float, float]:
    """The mean grey (0 black, 255 white) of a band 4 px wide just inside each side of the
    screenshot of a box."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("L")
    w, h = image.size

    def band(xs: range) -> float:
        return sum(image.getpixel((x, y)) for x in xs for y in range(h)) / (len(xs) * h)  # type: ignore[misc]

    return band(range(2, 6)), band(range(w - 6, w - 2))
