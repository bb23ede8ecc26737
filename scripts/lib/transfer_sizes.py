"""Measure, in Debian's Chromium, what each page type and a first search cost a visitor.

Serves a built site on 127.0.0.1 with gzip (as static hosts do) and reads the bytes that crossed
the network (Chrome DevTools Protocol `encodedDataLength`, headers included) for:
  - every page type, loaded cold;
  - the first search: from arriving at /search/ with a query until its first results are shown,
    cold and from another page of the site (as the header search box leads there, with the
    theme's files cached as a static host lets browsers cache them), split into the parts of
    each Pagefind index; and what has loaded once the full text and filter counts are in too.

    python scripts/lib/transfer_sizes.py SITE_DIR [--query WORDS]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, ClassVar

from chromium import CHROMIUM, CHROMIUM_ARGS, MEDIA_TYPES
from evidence_bank.core.search import SEARCH_INDEXES
from playwright.sync_api import sync_playwright

COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".md", ".csv")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = MEDIA_TYPES

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        # As GitHub Pages serves every file: browsers may reuse it for ten minutes.
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(site: Path, queries: list[str], chromium: str = CHROMIUM) -> list[tuple[str, int, int]]:
    """(what, bytes transferred, requests) for each page type and the first search."""
    sample = next(iter(sorted((site / "case-studies").glob("*/index.html"))))
    case_study = "/" + sample.parent.relative_to(site).as_posix() + "/"
    principle = (
        "/"
        + next(iter(sorted((site / "principles").glob("*/index.html"))))
        .parent.relative_to(site)
        .as_posix()
        + "/"
    )
    pages = {
        "home": "/",
        "guidance": "/guidance/ladder/",
        "case study": case_study,
        "case-study list": "/case-studies/",
        "principle": principle,
        "rung": "/ladder/co-design/",
        "evidence map": "/evidence-map/",
        "glossary": "/glossary/",
    }
    server, base = serve(site)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for name, path in pages.items():
                rows.append((name, *_load(browser, base + path)))
            for words in queries:
                total, count, parts, everything = _search(browser, base, words)
                rows.append((f"search page + first results for '{words}'", total, count))
                rows.append(
                    (
                        "  from the header search box on another page",
                        *_search(browser, base, words, after="/")[:2],
                    )
                )
                rows.append(
                    (
                        "  of which the search itself (Pagefind)",
                        sum(size for size, _ in parts.values()),
                        sum(number for _, number in parts.values()),
                    )
                )
                for part, (size, number) in sorted(parts.items()):
                    rows.append((f"    {part}", size, number))
                rows.append(("  everything, once the filter counts load too", everything, 0))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


# Notes the moment the first results are on the screen (the search page says so in its
# data-state), so that only requests started before it count as the first results' cost: the
# full text and the filter counts load afterwards, and a fast local server must not let them slip
# into the figure.
RESULTS_CLOCK = """
new MutationObserver(() => {
  const root = document.getElementById("eb-search");
  if (window.__ebFound || !root) return;
  const state = root.dataset.state;
  if (state === "done" || (state === "first" && root.querySelector(".eb-search__result"))) {
    window.__ebFound = Date.now();
  }
}).observe(document, { subtree: true, childList: true, attributes: true });
"""

INDEX_FOLDERS = {f"/{index.folder}/": name for name, index in SEARCH_INDEXES.items()}
PAGEFIND_PARTS = (
    ("/index/", "word index chunks"),
    ("/fragment/", "result fragments"),
    (".pf_meta", "page list (pf_meta)"),
    ("/wasm.", "WebAssembly"),
    ("/filter/", "filter index"),
    ("", "JavaScript and entry"),
)


def _part(url: str) -> str | None:
    """Which search index and which part of it a request fetched, or None."""
    path = urllib.parse.urlsplit(url).path
    for folder, index in INDEX_FOLDERS.items():
        if folder in path:
            part = next(name for marker, name in PAGEFIND_PARTS if marker in path)
            return f"Pagefind {index} index: {part}"
    return None


def _cost(request: Any) -> int:
    sizes = request.sizes()
    return int(
        sizes["responseBodySize"] + sizes["responseHeadersSize"] + sizes["requestHeadersSize"]
    )


def _load(browser: Any, url: str) -> tuple[int, int]:
    """Bytes transferred (headers and encoded bodies) and requests for a cold visit to `url`."""
    context = browser.new_context()
    page = context.new_page()
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    total = sum(_cost(request) for request in finished)
    context.close()
    return total, len(finished)


def _search(
    browser: Any, base: str, words: str, after: str | None = None
) -> tuple[int, int, dict[str, list[int]], int]:
    """A visit to the search page with a query (requests from Pagefind's worker included), cold
    or `after` visiting another page (whose theme files the browser then has): the cost up to
    the first results, that cost split into Pagefind's parts, and the cost once everything (the
    filter counts too) has loaded."""
    context = browser.new_context()
    context.add_init_script(RESULTS_CLOCK)
    page = context.new_page()
    if after is not None:
        page.goto(base + after)
        page.wait_for_load_state("networkidle")
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"{base}/search/?{urllib.parse.urlencode({'q': words})}")
    deadline = time.monotonic() + 60
    while not page.evaluate("window.__ebFound || 0"):
        if time.monotonic() > deadline:
            raise AssertionError(f"search for {words!r} did not finish")
        page.wait_for_timeout(20)
    found_at = page.evaluate("window.__ebFound")
    page.wait_for_load_state("networkidle")
    first = [r for r in finished if r.timing["startTime"] <= found_at]
    parts: dict[str, list[int]] = {}
    for request in first:
        part = _part(request.url)
        if part:
            parts.setdefault(part, [0, 0])
            parts[part][0] += _cost(request)
            parts[part][1] += 1
    everything = sum(_cost(request) for request in finished)
    total = sum(_cost(request) for request in first)
    context.close()
    return total, len(first), parts, everything


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument(
        "--query", action="append", dest="queries", help="words to search for (repeatable)"
    )
    args = parser.parse_args()
    rows = measure(
        args.site,
        args.queries or ["community", "mental health", "loneliness", "recovery college"],
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'transferred':>12}  requests")
    for what, size, count in rows:
        print(f"{what:<{width}}  {size / 1024:>9.1f} KB  {count:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
