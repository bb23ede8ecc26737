"""The security policy allows the theme's inline scripts, never one because a page holds it."""

from __future__ import annotations

import re

import pytest
from evidence_bank.core import csp

THEME = "<script>__md_scope=new URL('..',location)</script>"
PAGE = (
    "<!doctype html><html><head><title>T</title>{theme}"
    '<script type="application/ld+json">{{"@type":"Article"}}</script>'
    '<script id="__config" type="application/json">{{"base":".."}}</script>'
    '<script src="../assets/bundle.js"></script>'
    "</head><body>{body}</body></html>"
)


def _script_src(html: str) -> list[str]:
    match = re.search(r"script-src ([^;\"]*)", html)
    assert match
    return match.group(1).split()


def test_the_theme_scripts_are_allowed_and_data_blocks_need_no_hash() -> None:
    allowed = csp.script_hashes(PAGE.format(theme=THEME, body=""))
    assert len(allowed) == 1  # the data blocks and the script file are not hashed
    html, unknown = csp.add_policy(PAGE.format(theme=THEME, body="<p>Text</p>"), allowed)
    assert unknown == []
    assert html.index('<meta http-equiv="Content-Security-Policy"') == html.index("<head>") + 6
    assert _script_src(html) == ["'self'", "'wasm-unsafe-eval'", *sorted(allowed)]


@pytest.mark.parametrize(
    "injected",
    [
        "<script>alert(1)</script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        '<script type="module">alert(1)</script>',
        "<script data-src=x>alert(1)</script>",  # not a script file
        '<script data-type="application/json">alert(1)</script>',  # not a data block
        "<script>__md_scope=new URL('../..',location)</script>",  # the theme's, other depth
    ],
)
def test_a_script_the_page_holds_is_reported_and_left_out(injected: str) -> None:
    allowed = csp.script_hashes(PAGE.format(theme=THEME, body=""))
    html, unknown = csp.add_policy(PAGE.format(theme=THEME, body=injected), allowed)
    assert unknown == [re.sub("<[^>]*>", "", injected)]
    assert _script_src(html) == ["'self'", "'wasm-unsafe-eval'", *sorted(allowed)]


def test_the_policy_leaves_out_what_it_was_not_given() -> None:
    """A page with no allowed scripts gets no script hash at all, whatever it holds."""
    html, unknown = csp.add_policy(PAGE.format(theme=THEME, body=""), frozenset())
    assert _script_src(html) == ["'self'", "'wasm-unsafe-eval'"]
    assert unknown == ["__md_scope=new URL('..',location)"]


@pytest.mark.parametrize(
    ("html", "scripts"),
    [
        ("<script>a</script><script>b</script>", ["a", "b"]),
        ("<script>a<script>b</script>", ["a<script>b"]),  # ends at the first end tag
        ("<script>a</script >b</script>", ["a</script >b"]),
        ("<scripts>no</script><script\n>yes</script>", ["yes"]),
        ('<script src="x.js"></script><script>run</script>', ["run"]),
        ("<script>never ends", []),
        ("<script>x</script><script>never ends", ["x"]),
        ("<SCRIPT>Upper</SCRIPT>", ["Upper"]),
    ],
)
def test_inline_scripts_end_at_their_first_end_tag(html: str, scripts: list[str]) -> None:
    assert csp._inline_scripts(html, csp._lower(html)) == scripts
