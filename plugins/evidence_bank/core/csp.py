"""A Content-Security-Policy for each built page, as the first element of its `<head>`.

The policy allows only the site's own files, plus the exact inline scripts, inline styles and
style attributes the page contains (by SHA-256 hash, computed from the page itself). Pagefind
runs WebAssembly, which needs 'wasm-unsafe-eval' (it allows compiling WebAssembly, not `eval`).
A `<meta>` policy cannot carry frame-ancestors or reporting; a host that can set headers should
send the same policy as a header and add those.
"""

from __future__ import annotations

import base64
import hashlib
import re

# Each is matched in the page in lower case (`_lower`): a pattern that starts with a fixed string
# is found several times faster than one that starts with a space or ignores case. HTML's names
# of elements and attributes are case-insensitive in ASCII only, as lower case is here.
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S)
_INLINE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<body>.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r"style=(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')")
_HTML_SPACE = frozenset(" \t\n\f\r")
_HEAD = re.compile(r"<head(?:\s[^>]*)?>")
_DATA_TYPES = re.compile(r"type=[\"']?(?:application/(?:ld\+)?json|text/template)")


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(html: str, lower: str | None = None) -> str:
    """The policy for one page (`lower`: the page as `_lower` gives it, if already made)."""
    if lower is None:
        lower = _lower(html)
    scripts = sorted(
        {
            _hash(html[m.start("body") : m.end("body")])
            for m in _INLINE_SCRIPT.finditer(lower)
            if "src=" not in m["attrs"] and not _DATA_TYPES.search(m["attrs"])
        }
    )
    styles = sorted(
        {_hash(html[m.start("body") : m.end("body")]) for m in _INLINE_STYLE.finditer(lower)}
    )
    attributes = sorted(
        {_hash(_unescape_attribute(value)) for value in _style_attributes(html, lower)}
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


def add_policy(html: str) -> str:
    """The page with its policy as the first element of `<head>`."""
    lower = _lower(html)
    head = _HEAD.search(lower)
    if head is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, lower)}">'
    return html[: head.end()] + meta + html[head.end() :]


def _unescape_attribute(value: str) -> str:
    # The browser hashes the attribute's value after decoding character references.
    import html

    return html.unescape(value)
