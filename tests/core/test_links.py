"""Links between generated pages."""

from __future__ import annotations

from evidence_bank.core import render


def test_links_between_pages_match_posixpath() -> None:
    """`render.relative` against the standard library, for folder pages (directory URLs) and
    for file pages (use_directory_urls: false), at every depth."""
    import itertools
    import posixpath

    names = ["", "a/", "b/", "a/b/", "a/c/", "a/b/c/", "x.html", "a/x.html", "a/b/y.html"]
    for here, there in itertools.product(names, repeat=2):
        folder = here.rsplit("/", 1)[0] if "/" in here else ""
        expected = posixpath.relpath("/" + (there or "."), "/" + folder)
        if there.endswith("/") or not there:
            expected = expected.rstrip("/") + "/"
        expected = "./" if expected in (".", "./") else expected
        assert render.relative(here, there) == expected, (here, there)
