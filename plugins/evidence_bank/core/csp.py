"""A Content-Security-Policy for each built page, as the first element of its `<head>`.

The policy allows only the site's own files, the inline scripts the theme itself writes, and the
exact inline styles and style attributes the page contains (by SHA-256 hash). Pagefind runs
WebAssembly, which needs 'wasm-unsafe-eval' (it allows compiling WebAssembly, not `eval`). A
`<meta>` policy cannot carry frame-ancestors or reporting; a host that can set headers should
send the same policy as a header and add those.

Inline scripts are allowed from the templates, never from the page: the caller hashes the
scripts of the theme's template as rendered with no page (`script_hashes`: Material's scripts
are fixed text given the site's settings and the page's depth), and a page's policy lists only
its scripts that are among those. A script that got past escaping and the sanitiser is left out,
so a browser refuses to run it, and `add_policy` reports it, so the build can fail naming the
page. Structured data (`type="application/ld+json"`) and other data blocks are never run by a
browser, so `script-src` does not apply to them and they need no hash.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import re
from collections.abc import Callable

# Each is matched in the page in lower case (`_lower`): a pattern that starts with a fixed string
# is found several times faster than one that starts with a space or ignores case. HTML's names
# of elements and attributes are case-insensitive in ASCII only, as lower case is here.
_SCRIPT_START = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>")
"""An inline script's start tag; its text runs to the first `</script>` after it."""
_INLINE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<body>.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r"style=(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')")
_HTML_SPACE = frozenset(" \t\n\f\r")
_HEAD = re.compile(r"<head(?:\s[^>]*)?>")
_SOURCE = re.compile(r"\ssrc\s*=")
_DATA_TYPES = re.compile(r"\stype\s*=\s*[\"']?(?:application/(?:ld\+)?json|text/template)[\"'\s]")
SHOWN = 60
"""How much of an unknown script a report shows."""


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _inline_scripts(html: str, lower: str) -> list[str]:
    """The text of every inline script in `html` a browser would run (not a data block).

    Each script's end is found by `str.find`: a pattern's lazy `.*?</script>` tried to match at
    every character of every script, and every page is scanned."""
    scripts = []
    at = 0
    while (start := _SCRIPT_START.search(lower, at)) is not None:
        end = lower.find("</script>", start.end())
        if end < 0:
            break  # No script ends after this one's start, so none after it does either.
        attrs = start["attrs"]
        if not _SOURCE.search(attrs) and not _DATA_TYPES.search(attrs + " "):
            scripts.append(html[start.end() : end])
        at = end + len("</script>")
    return scripts


def script_hashes(html: str) -> frozenset[str]:
    """The hashes of the inline scripts in `html`: what a policy may allow, when `html` is the
    theme's own output."""
    return frozenset(_hash(script) for script in _inline_scripts(html, _lower(html)))


def policy(
    html: str,
    allowed: frozenset[str],
    lower: str | None = None,
    hashes: frozenset[str] | None = None,
) -> str:
    """The policy for one page, allowing those of its inline scripts that are in `allowed`
    (`lower`: the page as `_lower` gives it, if already made; `hashes`: its inline scripts'
    hashes, if already found)."""
    if lower is None:
        lower = _lower(html)
    if hashes is None:
        hashes = frozenset(_hash(script) for script in _inline_scripts(html, lower))
    scripts = sorted(hashes & allowed)
    styles = sorted(
        {_hash(html[m.start("body") : m.end("body")]) for m in _INLINE_STYLE.finditer(lower)}
    )
    attributes = sorted(
        {_hash(html_module.unescape(value)) for value in _style_attributes(html, lower)}
    )
    style_src = ["'self'", *styles]
    if attributes:
        style_src += ["'unsafe-hashes'", *attributes]
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *scripts]),
        "style-src " + " ".join(style_src),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def _lower(html: str) -> str:
    """`html` in lower case, each character in its place (a few characters change length in
    lower case: those are left as they are)."""
    lower = html.lower()
    if len(lower) != len(html):
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in html)
    return lower


def _style_attributes(html: str, lower: str) -> list[str]:
    """The value of every style attribute (`style="..."` or `style='...'`, in any case, after
    a space) in `html`."""
    values = []
    for match in _STYLE_ATTRIBUTE.finditer(lower):
        if match.start() and lower[match.start() - 1] in _HTML_SPACE:
            start, end = match.span("dq" if match["dq"] is not None else "sq")
            values.append(html[start:end])
    return values


def add_policy(html: str, allowed: frozenset[str]) -> tuple[str, list[str]]:
    """The page with its policy as the first element of `<head>`, and the start of each inline
    script in it that is not in `allowed` (which the policy leaves out)."""
    lower = _lower(html)
    scripts = _inline_scripts(html, lower)
    hashes = [_hash(script) for script in scripts]
    unknown = [
        " ".join(script.split())[:SHOWN]
        for script, hashed in zip(scripts, hashes, strict=True)
        if hashed not in allowed
    ]
    head = _HEAD.search(lower)
    if head is None:
        return html, unknown
    content = policy(html, allowed, lower, frozenset(hashes))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    return html[: head.end()] + meta + html[head.end() :], unknown


class Policies:
    """The policies of one build's pages: the inline scripts each template may run, found
    once per template and depth, and the pages that hold any other."""

    def __init__(self) -> None:
        self.theme: dict[tuple[str, str], frozenset[str]] = {}
        """The scripts of each template rendered with no page, by (template, base_url)."""
        self.scripts: frozenset[str] = frozenset()
        """Those the next page written may run."""
        self.unknown: list[str] = []

    def allow(self, template: str, base_url: str, render_bare: Callable[[], str]) -> None:
        """The next page is written from `template` at `base_url`: its policy allows the
        scripts of `render_bare()`, the template rendered with no page and an empty navigation
        (Material writes the page's relative `base_url` into one), so that none can come from
        any page's text."""
        key = (template, base_url)
        if key not in self.theme:
            self.theme[key] = script_hashes(render_bare())
        self.scripts = self.theme[key]

    def secure(self, html: str, name: str) -> str:
        """`html` with its policy; a script it leaves out is noted against `name`."""
        secured, unknown = add_policy(html, self.scripts)
        self.unknown += [f"{name}: <script>{script}..." for script in unknown]
        return secured

    def problem(self) -> str | None:
        """Why the build fails, if a page holds a script the policy leaves out."""
        if not self.unknown:
            return None
        return (
            "These pages hold inline scripts that are not the theme's own, so their security "
            "policy leaves them out and a browser would not run them. A script of the site's "
            "own belongs in a file listed under extra_javascript:\n  " + "\n  ".join(self.unknown)
        )
