"""What Pagefind reads: each searchable page's lean copy (`lean_page`), kept by a `SearchSource`
at the page's own path, and the indexes `index` builds from them."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from evidence_bank.core.search import (
    PAGES_PER_PART_VARIABLE,
    PARTS_FILE,
    SEARCH_INDEXES,
    PagefindError,
    SearchSource,
    index,
    lean_page,
    parts,
)

from tests.helpers import read_pagefind

HEAD = (
    '<!doctype html>\n<html lang="cy" class="no-js">\n  <head><meta charset="utf-8">'
    "<title>Tŷ Gwyn - Bank</title>{head}</head>\n  <body>\n<header>Bank {header}</header>\n"
)
BODY = (
    '<article><div data-pagefind-body>\n<div class="eb-card"><h1>Tŷ Gwyn</h1>'
    '<p data-pagefind-meta="summary">A card.</p></div>\n<p>The story.</p>\n</div></article>'
    "\n<footer>Made with care</footer></body></html>\n"
)


def page(head: str = "", header: str = "", body: str = BODY) -> str:
    return HEAD.format(head=head, header=header) + body


def body_on(html: str) -> str:
    return html[html.index("<div data-pagefind-body") :]


def test_a_lean_page_keeps_the_language_the_title_and_the_page_from_its_body_on() -> None:
    assert lean_page(page(head='<meta name="description" content="x">', header="menu")) == (
        '<!doctype html>\n<html lang="cy" class="no-js"><head><title>Tŷ Gwyn - Bank</title>'
        "</head><body>" + body_on(BODY)
    )


@pytest.mark.parametrize(
    "html",
    [
        page(body="<article><p>A list of case studies.</p></article>"),
        # The words alone, in text or in another attribute's value, make no body.
        page(body="<p>Mark it data-pagefind-body.</p>"),
        page(body='<p title="data-pagefind-body">x</p>'),
        "",
    ],
    ids=["no body", "in text", "in a value", "empty"],
)
def test_a_page_without_a_body_is_not_searchable(html: str) -> None:
    assert lean_page(html) is None


@pytest.mark.parametrize(
    "header",
    [
        '<span data-pagefind-filter="nation">wales</span>',  # Pagefind reads it outside a body too
        '<meta data-pagefind-default-meta="image[content]" content="/a.png">',
        "<H1>The bank</H1>",  # the first h1 is the page's title, wherever it is
    ],
)
def test_a_page_with_something_pagefind_reads_before_its_body_is_kept_whole(header: str) -> None:
    whole = page(header=header)
    assert lean_page(whole) == whole


def test_a_body_in_another_element_and_with_a_value_is_found() -> None:
    body = BODY.replace("<div data-pagefind-body>", '<main class="x" data-pagefind-body="">')
    lean = lean_page(page(body=body))
    assert lean is not None and lean.endswith(body[len("<article>") :]) and "<header>" not in lean


def test_a_source_keeps_each_page_at_its_path_until_it_is_closed(tmp_path: Path) -> None:
    with SearchSource() as source:
        assert source.folder is None  # no folder until a page is searchable
        assert not source.add("index.html", page(body="<p>Home</p>"))
        assert source.folder is None
        assert source.add("case-studies/one/index.html", page())
        assert source.add("case-studies/two.html", page())
        source.flush()  # written beside the build
        folder = source.folder
        assert folder is not None and folder.is_dir()
        one = folder / "case-studies" / "one" / "index.html"
        assert one.read_text("utf-8") == lean_page(page())
        assert (folder / "case-studies" / "two.html").is_file()
        # A page made again replaces its copy; one no longer searchable (withdrawn) loses it.
        assert source.add("case-studies/one/index.html", page(body=BODY.replace("story", "tale")))
        assert not source.add("case-studies/two.html", page(body="<p>Withdrawn.</p>"))
        source.flush()
        assert "The tale." in one.read_text("utf-8")
        assert not (folder / "case-studies" / "two.html").exists()
        assert source.seconds > 0
        source.close()
        assert not folder.exists() and source.folder is None
        # Used again after closing: a new folder.
        assert source.add("case-studies/one/index.html", page())
        again = source.folder
        assert again is not None and again != folder
    assert not again.exists()


@pytest.mark.parametrize("path", ["../outside.html", "/etc/x.html", "a/../../b.html"])
def test_a_source_refuses_a_path_outside_the_site(path: str) -> None:
    with SearchSource() as source, pytest.raises(ValueError, match="below the site root"):
        source.add(path, page())


def test_an_error_in_writing_a_page_is_raised_not_lost(tmp_path: Path) -> None:
    with SearchSource() as source:
        source.add("a/index.html", page())
        source.add("a/index.html/b/index.html", page())  # a folder where a file is
        with pytest.raises(NotADirectoryError):
            source.flush()
        source.flush()  # raised once
        with pytest.raises(NotADirectoryError):
            source.add("a/index.html/c/index.html", page())
            index(source, tmp_path)


def test_a_source_left_open_is_removed_when_collected() -> None:
    source = SearchSource()
    source.add("a/index.html", page())
    source.flush()
    folder = source.folder
    assert folder is not None and folder.is_dir()
    del source
    assert not folder.exists()


def test_the_indexes_are_built_from_the_lean_pages_at_the_pages_addresses(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with SearchSource() as source:
        source.add("case-studies/one/index.html", page())
        source.add("case-studies/two.html", page(body=BODY.replace("story", "tale")))
        stats = index(source, site)
        assert source.seconds == 0  # counted once, in the figures
    assert stats.seconds > 0 and stats.writing_seconds > 0
    assert stats.peak_mb is None or stats.peak_mb > 1
    assert "Pagefind's peak memory" in str(stats)
    bundles = {
        name: read_pagefind(lambda path, f=chosen.folder: (site / f / path).read_bytes())
        for name, chosen in SEARCH_INDEXES.items()
    }
    for name, bundle in bundles.items():
        assert sorted(bundle["pages"]) == ["/case-studies/one/", "/case-studies/two.html"], name
        for _, fragment in bundle["pages"].values():
            assert fragment["meta"] == {"summary": "A card.", "title": "Tŷ Gwyn"}
            assert "Bank" not in fragment["content"] and "care" not in fragment["content"]
    # The summary index reads the card alone; the full one the whole body.
    assert "stori" not in bundles["summary"]["words"] and "tale" not in bundles["summary"]["words"]
    assert [url for url, _ in bundles["full"]["words"]["tale"][0]] == ["/case-studies/two.html"]


def test_pagefind_failing_is_an_error_that_says_why(tmp_path: Path) -> None:
    failing = (sys.executable, "-c", "import sys; sys.exit('Pagefind: the disk is full')")
    with SearchSource() as source:
        source.add("a/index.html", page())
        with pytest.raises(PagefindError) as error:
            index(source, tmp_path, pagefind=failing)
    assert str(error.value).count("the disk is full") == len(SEARCH_INDEXES)
    assert "--root-selector .eb-card" in str(error.value)


def test_nothing_to_index_is_an_error(tmp_path: Path) -> None:
    with SearchSource() as source, pytest.raises(PagefindError, match="No page"):
        index(source, tmp_path)


@pytest.mark.parametrize(
    ("count", "most", "sizes"),
    [(0, 3, [0]), (5, 5, [5]), (6, 5, [3, 3]), (1001, 1000, [501, 500]), (10, 3, [3, 3, 2, 2])],
)
def test_pages_are_split_in_order_into_the_fewest_even_parts(
    count: int, most: int, sizes: list[int]
) -> None:
    pages = [f"case-studies/{number:04}/index.html" for number in reversed(range(count))]
    split = parts(pages, most)
    assert [len(part) for part in split] == sizes
    assert [page for part in split for page in part] == sorted(pages)


def _merged(site: Path, folder: str) -> dict[str, Any]:
    """What the search page holds of an index: its parts' bundles, merged as Pagefind merges
    them (each page in one part; a word's or filter value's pages from every part)."""
    listed_at = site / folder / PARTS_FILE
    listed = json.loads(listed_at.read_text("utf-8")) if listed_at.exists() else []
    merged: dict[str, Any] = {"pages": {}, "words": {}, "filters": {}, "parts": 1 + len(listed)}
    for part in ["", *listed]:
        bundle = read_pagefind(lambda path, f=site / folder / part: (f / path).read_bytes())
        assert not merged["pages"].keys() & bundle["pages"].keys()
        merged["pages"].update(bundle["pages"])
        for word, (pages, _) in bundle["words"].items():
            merged["words"].setdefault(word, []).extend(pages)
        for name, values in bundle["filters"].items():
            for value, urls in values.items():
                merged["filters"].setdefault(name, {}).setdefault(value, []).extend(urls)
    for pages in merged["words"].values():
        pages.sort()
    for values in merged["filters"].values():
        for urls in values.values():
            urls.sort()
    return merged


def test_a_big_full_text_index_is_made_in_parts_that_hold_what_one_index_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With at most 2 pages a part, 5 pages make 3 parts of the full-text index; merged, they
    hold the same pages, words and filter values as the index in one part. The summary index
    stays in one part (a first search loads one). A build after in one part (a preview's next
    one) leaves no part behind."""
    bodies = [
        BODY.replace("The story.", f"The story of {word}.").replace(
            "</h1>", f'</h1><span data-pagefind-filter="nation">{nation}</span>'
        )
        for word, nation in [
            ("apples", "wales"),
            ("pears", "england"),
            ("apples and plums", "wales"),
            ("figs", "scotland"),
            ("plums", "england"),
        ]
    ]
    one, parted = tmp_path / "one", tmp_path / "parted"
    full, summary = SEARCH_INDEXES["full"].folder, SEARCH_INDEXES["summary"].folder
    with SearchSource() as source:
        for number, body in enumerate(bodies):
            source.add(f"case-studies/{number}/index.html", page(body=body))
        whole = index(source, one)
        monkeypatch.setenv(PAGES_PER_PART_VARIABLE, "2")
        stats = index(source, parted)
        assert (whole.parts, stats.parts) == (2, 4)
        assert json.loads((one / full / PARTS_FILE).read_text("utf-8")) == []
        assert json.loads((parted / full / PARTS_FILE).read_text("utf-8")) == [
            "part-2/",
            "part-3/",
        ]
        assert not (parted / summary / PARTS_FILE).exists()
        for folder, count in [(full, 3), (summary, 1)]:
            expected, merged = _merged(one, folder), _merged(parted, folder)
            assert (merged["parts"], expected["parts"]) == (count, 1)
            for key in ("pages", "words", "filters"):
                assert merged[key] == expected[key], (folder, key)
        plums = _merged(parted, full)["words"]["plums"]
        assert [url for url, _ in plums] == ["/case-studies/2/", "/case-studies/4/"]
        assert stats.peak_mb is None or stats.at_once_mb >= stats.peak_mb  # type: ignore[operator]
        monkeypatch.delenv(PAGES_PER_PART_VARIABLE)
        index(source, parted)
    assert _merged(parted, full)["parts"] == 1
    assert not list((parted / full).glob("part-*"))


def _fruit_pages() -> list[str]:
    return [
        page(body=BODY.replace("The story.", f"The story of {word}."))
        for word in ["apples", "pears", "apples and plums", "figs", "plums"]
    ]


def test_parts_made_ahead_while_the_site_is_built_hold_what_one_index_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a build, each part of the full text is made as soon as its pages are written; the
    build then waits only for what is left. Merged, the parts hold what one index holds."""
    one, parted = tmp_path / "one", tmp_path / "parted"
    full = SEARCH_INDEXES["full"].folder
    with SearchSource() as source:
        for number, html in enumerate(_fruit_pages()):
            source.add(f"case-studies/{number}/index.html", html)
        index(source, one)
    monkeypatch.setenv(PAGES_PER_PART_VARIABLE, "2")
    with SearchSource() as source:
        source.index_ahead(parted)
        for number, html in enumerate(_fruit_pages()):
            source.add(f"case-studies/{number}/index.html", html)
            source.add(f"other/{number}/index.html", page(body="<p>Not searchable.</p>"))
        stats = index(source, parted)
    # Two full parts formed ahead, the first begun at once; the fifth page's part, and the
    # summary, after.
    assert stats.parts == 4 and 1 <= stats.ahead <= 2
    assert json.loads((parted / full / PARTS_FILE).read_text("utf-8")) == ["part-2/", "part-3/"]
    for folder in (full, SEARCH_INDEXES["summary"].folder):
        expected, merged = _merged(one, folder), _merged(parted, folder)
        for key in ("pages", "words", "filters"):
            assert merged[key] == expected[key], (folder, key)
    assert [url for url, _ in _merged(parted, full)["words"]["plums"]] == [
        "/case-studies/2/",
        "/case-studies/4/",
    ]


def test_a_page_made_again_after_its_part_began_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not in a build; if it happens, what was made ahead is thrown away and made again."""
    monkeypatch.setenv(PAGES_PER_PART_VARIABLE, "2")
    site = tmp_path / "site"
    with SearchSource() as source:
        source.index_ahead(site)
        for number, html in enumerate(_fruit_pages()):
            source.add(f"case-studies/{number}/index.html", html)
        source.add("case-studies/0/index.html", page(body=BODY.replace("story", "quince")))
        source.add("case-studies/3/index.html", page(body="<p>Withdrawn.</p>"))
        stats = index(source, site)
    assert stats.ahead == 0
    merged = _merged(site, SEARCH_INDEXES["full"].folder)
    assert sorted(merged["pages"]) == [f"/case-studies/{n}/" for n in (0, 1, 2, 4)]
    assert [url for url, _ in merged["words"]["quince"]] == ["/case-studies/0/"]


def test_closing_a_source_stops_a_part_being_made_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails (or is stopped) leaves no Pagefind process running."""
    monkeypatch.setenv(PAGES_PER_PART_VARIABLE, "1")
    pid_file = tmp_path / "pid"
    slow = (
        sys.executable,
        "-c",
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)",
    )
    source = SearchSource()
    source.index_ahead(tmp_path / "site", pagefind=slow)
    source.add("case-studies/0/index.html", page())
    for _ in range(600):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    source.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
