"""The smaller things of #16 in the built site: a rung page's ladder, places printed once,
whole field names, the 404 page's title, and our own CSS and JavaScript minified."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import ROOT

ASSETS = ROOT / "plugins" / "evidence_bank" / "theme" / "assets" / "evidence-bank"


def _read(site: Path, path: str) -> str:
    return (site / path).read_text("utf-8")


def test_a_rung_page_marks_this_rung_and_a_case_study_the_rung_reached(real_site: Path) -> None:
    rung = _read(real_site, "ladder/co-design/index.html")
    assert re.findall(r'class="eb-ladder__marker">([^<]*)<', rung) == ["this rung"]
    study = _read(real_site, "case-studies/daisy-hill-hospital-pathfinder/index.html")
    assert re.findall(r'class="eb-ladder__marker">([^<]*)<', study) == ["reached"]


def test_case_study_lists_print_a_place_once(real_site: Path) -> None:
    lists = [real_site / "case-studies/index.html", *real_site.glob("principles/*/index.html")]
    places = [
        p
        for page in lists
        for p in re.findall(
            r"<span>Place: ([^<]*)</span>", _read(real_site, str(page.relative_to(real_site)))
        )
    ]
    assert len(places) >= 5
    assert "Northern Ireland" in places  # a place that is the nation itself, once
    assert [p for p in places if len(set(p.split(", "))) < len(p.split(", "))] == []


def test_field_names_break_only_after_a_dot(real_site: Path) -> None:
    page = _read(real_site, "case-study-format/index.html")
    names = re.findall(r'<th scope="row"><code>(.*?)</code></th>', page)
    assert "pathway.<wbr>&lt;step&gt;.<wbr>principles_basis" in names
    assert [n for n in names if n.replace(".<wbr>", ".").count("<wbr>")] == []


def test_the_404_page_says_page_not_found(real_site: Path) -> None:
    page = _read(real_site, "404.html")
    assert "<title>Page not found - Co-production Evidence Bank</title>" in page
    assert "<h1>Page not found</h1>" in page


def test_our_css_and_javascript_are_minified(real_site: Path) -> None:
    for name in ("evidence-bank.css", "search.js"):
        source = (ASSETS / name).read_text("utf-8")
        built = _read(real_site, f"assets/evidence-bank/{name}")
        assert len(built) < 0.8 * len(source), name
        assert "/*" not in built and "\n  " not in built, name
