"""The security policy in Chromium: a script put into a built page after the build (standing in
for one that got past escaping and the sanitiser) is refused, and the site's own scripts run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

INJECTED = "<script>document.documentElement.dataset.injected = 'ran'</script>"


def test_a_script_added_to_a_built_page_is_blocked(built_site: Path, visit: Any) -> None:
    source = built_site / "case-studies" / "daisy-hill-hospital-pathfinder" / "index.html"
    # At the same depth, so that the page's own links and scripts are as they were built.
    folder = built_site / "case-studies" / "injected-after-the-build"
    html = source.read_text("utf-8")
    assert html.count("</h1>") == 1
    folder.mkdir()
    try:
        (folder / "index.html").write_text(html.replace("</h1>", "</h1>" + INJECTED), "utf-8")
        record = visit("/case-studies/injected-after-the-build/")
        page = record.page
        assert page.locator("h1").first.text_content() == "Daisy Hill Hospital Pathfinder"
        # Refused: its side effect is absent, and Chromium reported the violation.
        assert page.evaluate("document.documentElement.dataset.injected") is None
        assert record.csp_violations() == ["script-src-elem inline"]
        # The page's own scripts ran: Material's inline script in <head>, and its bundle (a file),
        # which replaces the "no-js" class.
        assert page.evaluate("typeof __md_get") == "function"
        classes = page.evaluate("document.documentElement.className").split()
        assert "js" in classes and "no-js" not in classes
        assert record.errors == []
    finally:
        shutil.rmtree(folder)
