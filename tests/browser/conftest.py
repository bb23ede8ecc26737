"""Browser tests: this site, built for real (with its Pagefind index and security policy), served
on 127.0.0.1 and driven in Debian's Chromium by Playwright (no browser download)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts" / "lib"))
from chromium import CHROMIUM, CHROMIUM_ARGS, MEDIA_TYPES

ARTIFACTS = ROOT / "test-artifacts"

PAGE_TYPES = {
    "home": "/",
    "guidance": "/guidance/ladder/",
    "case-study": "/case-studies/daisy-hill-hospital-pathfinder/",
    "principle": "/principles/valuing-people/",
    "rung": "/ladder/co-design/",
    "evidence-map": "/evidence-map/",
    "search": "/search/?q=community&principle=valuing-people&rung=co-design",
    "glossary": "/glossary/",
    "not-found": "/no-such-page/",
}
"""Every kind of page the site has, by a real example."""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site like a static host: the site's 404 page for a missing path."""

    extensions_map: ClassVar[dict[str, str]] = MEDIA_TYPES

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def built_site(real_site: Path) -> Path:
    return real_site


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a connection mid-download (it moved to the next page) is
        # ordinary; anything else is still reported.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """`site` served as a static host serves it, on 127.0.0.1; yields its address."""
    handler = functools.partial(_Handler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).is_file(), (
        f"Chromium not found at {CHROMIUM}: ./scripts/test installs Debian's chromium"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """One page loaded in a fresh browser context, with everything it did recorded."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))


@pytest.fixture
def visit(browser: Browser, base_url: str) -> Iterator[Any]:
    contexts = []

    def open_page(
        path: str, *, width: int = 1280, height: int = 900, wait_for: str | None = None
    ) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.add_init_script(
            "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page = context.new_page()
        record = Visit(page)
        page.on("request", lambda request: record.requests.append(request.url))
        page.on("pageerror", lambda error: record.errors.append(str(error)))
        page.goto(path if "://" in path else base_url + path)
        page.wait_for_load_state("networkidle")
        if wait_for:
            wait_until(page, wait_for)
        return record

    yield open_page
    for context in contexts:
        context.close()


SEARCH_DONE = "document.getElementById('eb-search').dataset.state === 'done'"
"""The search page has finished its search: the full text too, when there are words to find."""


def wait_until(page: Page, expression: str, seconds: float = 15) -> None:
    """Poll `expression` in the page until it is true. (Playwright's wait_for_function compiles
    its predicate with eval, which the site's security policy rightly refuses.)"""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {seconds} s: {expression}")
        page.wait_for_timeout(50)


def wait_for(path: str) -> str | None:
    return SEARCH_DONE if path.startswith("/search/") else None
