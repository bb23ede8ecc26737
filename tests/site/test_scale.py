"""A synthetic bank of 2,000 case studies, built for real in a temporary folder: every list is
paginated, page 1 keeps the list's address, and no page is over 60 KB gzipped."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from evidence_bank.cli import variant
from evidence_bank.core import synthetic, vocabulary
from evidence_bank.core.render import PAGE_SIZE

from tests.helpers import ROOT, VOCABULARY, cli_build

COUNT = 2000
LIMIT = 60 * 1024


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("scale")
    synthetic.write_bank(COUNT, work / "case_studies", vocabulary.load(VOCABULARY))
    config = variant.write_variant(
        ROOT, work / "case_studies", work / "mkdocs.yml", allow_synthetic=True
    )
    site = work / "site"
    cli_build("mkdocs", config.parent, site, strict=False)
    return site


def test_no_page_is_over_60_kb_gzipped(big_site: Path) -> None:
    sizes = {
        page.relative_to(big_site).as_posix(): len(gzip.compress(page.read_bytes(), 6))
        for page in big_site.rglob("*.html")
    }
    assert len(sizes) > COUNT
    largest = max(sizes, key=sizes.__getitem__)
    assert sizes[largest] <= LIMIT, f"{largest} is {sizes[largest] / 1024:.1f} KB gzipped"


def test_lists_are_paginated_and_reach_every_case_study(big_site: Path) -> None:
    pages = [
        big_site / "case-studies" / "index.html",
        *sorted(
            (big_site / "case-studies" / "page").glob("*/index.html"),
            key=lambda p: int(p.parent.name),
        ),
    ]
    assert len(pages) == -(-COUNT // PAGE_SIZE)
    linked: set[str] = set()
    for page in pages:
        html = page.read_text("utf-8")
        found = re.findall(r'class="eb-case__title"><a href="(?:\.\./\.\./)?([a-z0-9-]+)/"', html)
        assert 0 < len(found) <= PAGE_SIZE
        linked.update(found)
    assert len(linked) == COUNT
    first = pages[0].read_text("utf-8")
    assert '<a href="page/2/" rel="next">Next page</a>' in first
    assert "Page 1 of 40" in first and 'aria-current="page"' in first
    last = pages[-1].read_text("utf-8")
    assert 'rel="prev"' in last and "Next page" not in last


def test_term_pages_are_paginated(big_site: Path) -> None:
    principle = big_site / "principles" / "valuing-people"
    assert (principle / "index.html").is_file()
    assert (principle / "page" / "2" / "index.html").is_file()
    text = (principle / "page" / "2" / "index.html").read_text("utf-8")
    assert "(page 2 of" in text
