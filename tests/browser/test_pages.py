"""Every page type in a real browser: private, within its security policy, accessible (axe-core,
WCAG 2.2 AA). Screenshots are saved to test-artifacts/screenshots/; each page type at 360, 768,
1280 and 1920 px is in test_page_types.py."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, wait_for
from tests.browser.test_page_types import ALL_PAGE_TYPES as PAGE_TYPES
from tests.helpers import ROOT

AXE = (ROOT / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js").read_text("utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type(name: str, visit: Any, base_url: str) -> None:
    path = PAGE_TYPES[name]
    record = visit(path, wait_for=wait_for(path))
    page = record.page

    # Private: nothing is fetched from any host but the site's own.
    origin = urlsplit(base_url).netloc
    elsewhere = [
        u
        for u in record.requests
        if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != origin
    ]
    assert elsewhere == []
    assert len(record.requests) >= 3  # the log saw the page's own files

    # Secure: a policy as the first element of <head>, and nothing it had to block.
    first = page.evaluate("document.head.firstElementChild.outerHTML")
    assert first.startswith('<meta http-equiv="Content-Security-Policy"')
    assert record.csp_violations() == []
    assert record.errors == []

    # Accessible: axe-core finds nothing against WCAG 2.2 AA and its best practices.
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=1)
    assert len(result["passes"]) > 10  # axe really ran

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
