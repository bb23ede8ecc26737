"""Measure, in Debian's Chromium, what each page type and a first search cost a visitor.

Serves a built site on 127.0.0.1 with gzip (as static hosts do) and reads the bytes that crossed
the network (Chrome DevTools Protocol `encodedDataLength`, headers included) for:
  - every page type, loaded cold;
  - the first search: from arriving at /search/ with a query until its results are shown.

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
from pathlib import Path
from typing import Any, ClassVar

from chromium import CHROMIUM, CHROMIUM_ARGS, MEDIA_TYPES
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
                rows.append((name, *_load(browser, base + path, None)))
            done = (
                "document.querySelector('.eb-search__status') && /found/.test("
                "document.querySelector('.eb-search__status').textContent)"
            )
            for words in queries:
                total, count, search_only, search_count, everything = _load(
                    browser, f"{base}/search/?q={words}", done, split_after="/pagefind/"
                )
                rows.append((f"search page + first results for '{words}'", total, count))
                rows.append(("  of which the search itself (Pagefind)", search_only, search_count))
                rows.append(("  everything, once the filter counts load too", everything, 0))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def _load(browser: Any, url: str, done: str | None, split_after: str | None = None) -> Any:
    """Bytes transferred (headers and encoded bodies) by a cold visit to `url`, including
    requests made by workers (Pagefind searches in a Web Worker)."""
    context = browser.new_context()
    page = context.new_page()
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    at_results: list[Any] = []
    if done:
        deadline = time.monotonic() + 60
        while not page.evaluate(done):
            if time.monotonic() > deadline:
                raise AssertionError(f"search did not finish at {url}")
            page.wait_for_timeout(20)
        # The first results are on the screen: what has crossed the network so far is their
        # cost. (The filter counts load afterwards.)
        at_results = list(finished)
    page.wait_for_load_state("networkidle")

    def cost(request: Any) -> int:
        sizes = request.sizes()
        return int(
            sizes["responseBodySize"] + sizes["responseHeadersSize"] + sizes["requestHeadersSize"]
        )

    rows = [(request.url, cost(request)) for request in (at_results if done else finished)]
    everything = sum(cost(request) for request in finished)
    context.close()
    total = sum(size for _, size in rows)
    if split_after is None:
        return total, len(rows)
    part = [size for address, size in rows if split_after in address]
    return total, len(rows), sum(part), len(part), everything


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument(
        "--query", action="append", dest="queries", help="words to search for (repeatable)"
    )
    args = parser.parse_args()
    rows = measure(args.site, args.queries or ["community", "Northtown", "recovery college"])
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'transferred':>12}  requests")
    for what, size, count in rows:
        print(f"{what:<{width}}  {size / 1024:>9.1f} KB  {count:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
