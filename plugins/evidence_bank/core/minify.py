"""Our own stylesheet and scripts, minified as the build writes them (MkDocs copies the theme's
assets as they are). The minifiers are rcssmin and rjsmin: small, long-kept, pure-Python
packages that only remove what a browser ignores (comments, spaces, line breaks) and rename
nothing, so a script runs as written and the Content-Security-Policy, which hashes inline
scripts only, is unchanged."""

from __future__ import annotations

from pathlib import Path

import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]

ASSETS = "assets/evidence-bank"
"""The folder of our own assets in the built site (the theme's `assets/evidence-bank/`)."""


def minified(name: str, text: str) -> str:
    """`text`, the file `name`, minified if it is CSS or JavaScript; else as it is."""
    if name.endswith(".css"):
        return str(rcssmin.cssmin(text))
    if name.endswith((".js", ".mjs")):
        return str(rjsmin.jsmin(text))
    return text


def minify_assets(site: Path) -> tuple[int, int]:
    """Our assets in the built `site` rewritten minified; returns their bytes before and after.
    Running it twice changes nothing more (minified text minifies to itself)."""
    before = after = 0
    folder = site / ASSETS
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_file():
            continue
        text = path.read_text("utf-8")
        small = minified(path.name, text)
        before, after = before + len(text.encode()), after + len(small.encode())
        if small != text:
            path.write_text(small, "utf-8")
    return before, after
