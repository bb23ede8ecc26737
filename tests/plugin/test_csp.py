"""The security policy in a real build: made from the theme's scripts, and a page holding any
other inline script fails the build, naming the page."""

from __future__ import annotations

import re
from pathlib import Path

from evidence_bank.core import csp

from tests.helpers import build, build_error, make_project


def test_a_page_with_a_script_of_its_own_fails_the_build(tmp_path: Path) -> None:
    """Standing in for a script that got past escaping and the sanitiser: an authored page
    (raw HTML is allowed there) with an inline script."""
    page = "# Guide\n\n<script>document.title = 'injected'</script>\n"
    errors = build_error(make_project(tmp_path, content={"guide.md": page}))
    assert "These pages hold inline scripts that are not the theme's own" in errors
    assert "guide.md: <script>document.title = 'injected'..." in errors
    assert "Traceback" not in errors


def test_every_page_allows_its_theme_scripts(tmp_path: Path) -> None:
    """At every depth (Material writes the page's relative address into a script), on the 404
    page (an absolute one) and on generated pages, each of the page's inline scripts is the
    theme's, so the policy allows every one, and no other."""
    site = build(make_project(tmp_path, content={"guide/deep/page.md": "# Deep\n"}))
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        text = path.read_text("utf-8")
        if 'http-equiv="refresh"' in text:
            continue  # a redirect: its own fixed policy, and no script
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)
        assert policy, path
        script_src = policy.group(1).split("; ")[1]
        hashes = set(re.findall(r"'sha256-[^']+'", script_src))
        assert hashes == csp.script_hashes(text) and len(hashes) >= 2, path
