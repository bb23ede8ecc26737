"""What the browser tests and the transfer measurements share: Debian's Chromium, how it is
started here (as root, on a machine with no network beyond the package registries), and the
types a static host gives the site's files."""

from __future__ import annotations

import http.server
import os

CHROMIUM = os.environ.get("EB_CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium; Playwright drives it and downloads no browser of its own."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these, Chromium's calls home are refused by the closed network, many at a time.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MEDIA_TYPES = {
    **http.server.SimpleHTTPRequestHandler.extensions_map,
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".pf_meta": "application/octet-stream",
}
"""File types as a static host serves them (Pagefind needs application/wasm)."""
