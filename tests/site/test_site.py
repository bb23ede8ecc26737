"""This repository's own site, built for real with MkDocs and ProperDocs, then inspected."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import pytest
from evidence_bank.core import catalog, vocabulary

from tests.helpers import ROOT, VOCABULARY, cli_build
from tests.plugin.test_build import UNSTABLE

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
SITE_URL = "https://evidence-bank.example.org/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, real_site: Path) -> dict[str, Path]:
    properdocs = tmp_path_factory.mktemp("site") / "properdocs"
    cli_build("properdocs", ROOT, properdocs)
    return {"mkdocs": real_site, "properdocs": properdocs}


@pytest.fixture(scope="module")
def site(built: dict[str, Path]) -> Path:
    return built["mkdocs"]


@pytest.fixture(scope="module")
def bank() -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT)


def test_properdocs_builds_the_same_site(built: dict[str, Path]) -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): GENERATOR.sub(b"", p.read_bytes())
            for p in sorted(root.rglob("*"))
            if p.is_file() and not UNSTABLE.match(p.relative_to(root).as_posix())
        }

    one, two = files(built["mkdocs"]), files(built["properdocs"])
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_every_case_study_is_published_and_indexed(site: Path, bank: catalog.Catalog) -> None:
    files = sorted(p.name for p in (ROOT / "case_studies").iterdir())
    assert len(bank.case_studies) == len(files) >= 2  # nothing lost
    listing = (site / "case-studies" / "index.html").read_text(encoding="utf-8")
    evidence = (site / "evidence-map" / "index.html").read_text(encoding="utf-8")
    for study in bank.case_studies:
        assert (site / "case-studies" / study.slug / "index.html").is_file()
        assert f'href="{study.slug}/"' in listing
        rung = (site / "ladder" / study.rung / "index.html").read_text(encoding="utf-8")
        assert f'href="../../case-studies/{study.slug}/"' in rung
        for principle in study.principles:
            page = (site / "principles" / principle / "index.html").read_text(encoding="utf-8")
            assert f'href="../../case-studies/{study.slug}/"' in page
            assert f"../principles/{principle}/#rung-{study.rung}" in evidence


class _Refs(HTMLParser):
    """Every URL a page would fetch by itself (not links a reader may follow), and all links."""

    FETCHING_RELS: ClassVar[frozenset[str]] = frozenset(
        {
            "stylesheet",
            "preconnect",
            "preload",
            "prefetch",
            "dns-prefetch",
            "icon",
            "modulepreload",
            "manifest",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and a.get("src"):
            self.fetched.append(a["src"])
        if tag == "link" and set(a.get("rel", "").split()) & self.FETCHING_RELS:
            self.fetched.append(a.get("href", ""))
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if "style" in a:
            self.fetched += re.findall(r"url\(['\"]?([^'\")]+)", a["style"])


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_request_to_any_other_host(site: Path) -> None:
    offsite = []
    for page in _pages(site):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        offsite += [
            f"{page.relative_to(site)}: {u}"
            for u in refs.fetched
            if urlsplit(u).netloc or u.startswith("//")
        ]
    for sheet in site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        offsite += [
            f"{sheet.name}: {u}"
            for u in re.findall(r"(?:url\(|@import)\s*['\"]?(https?:|//)", text)
        ]
    assert offsite == []
    assert len(_pages(site)) > 15  # the scan saw the whole site


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    for page in _pages(site):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        here = "/" + page.relative_to(site).as_posix()
        for link in refs.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = urlsplit(urljoin(here, parts.path)).path.lstrip("/")
            path = site / target
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{here} -> {link}")
    assert broken == []


def test_case_studies_stay_out_of_the_sidebar(site: Path, bank: catalog.Catalog) -> None:
    page = (site / "case-studies" / bank.case_studies[0].slug / "index.html").read_text("utf-8")
    sidebar = page.split('class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert "Evidence map" in sidebar  # this is the sidebar
    assert all(f"case-studies/{s.slug}/" not in sidebar for s in bank.case_studies)
