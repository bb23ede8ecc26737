"""Printing a case study on A4, read back from the PDF; the built HTML through the Nu HTML
Checker (vnu.jar, the W3C's validator) with a short, justified baseline for the theme."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.helpers import ROOT


def test_a_case_study_prints_on_a4_without_navigation_with_its_address(visit: Any) -> None:
    page = visit("/case-studies/daisy-hill-hospital-pathfinder/").page
    pdf_bytes = page.pdf(format="A4", print_background=True)
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "case-study-print.pdf").write_bytes(pdf_bytes)
    pdf = PdfReader(io.BytesIO(pdf_bytes))
    box = pdf.pages[0].mediabox
    # A4 is 595.3 x 841.9 points (210 x 297 mm); Chromium rounds to whole CSS pixels.
    assert abs(float(box.width) - 595.3) < 1.5 and abs(float(box.height) - 841.9) < 1.5
    # NFKC: the fonts a machine has decide whether "fi" comes back as the ligature U+FB01.
    pages = [unicodedata.normalize("NFKC", p.extract_text()) for p in pdf.pages]
    flat = " ".join(" ".join(pages).split())
    assert "Daisy Hill Hospital Pathfinder" in flat
    # The permanent address, never the page's own, and whole on one line each time it prints.
    lines = [line for text in pages for line in text.splitlines()]
    address = "https://evidence-bank.example.org/id/cs-0001/"
    assert sum(address in line for line in lines) >= 3, [x for x in lines if "cs-0001" in x]
    assert not [
        line for line in lines if "evidence-bank.example.org/" in line and address not in line
    ]
    for navigation in (
        "Guidance for your role",
        "Skip to main content",
        "Table of contents",
        "Search case studies",
        "Copy reference",
        "Show",
    ):
        assert navigation not in flat, navigation
    # Every section prints, folded on screen or not.
    for section in ("Pathway steps", "Sources", "What the role brings", "Checklist question"):
        assert section in flat, section
    assert "Licence" in flat and "Contributors" in flat  # "About this case study"
    # No page ends with a heading, away from what it heads.
    headings = page.evaluate(
        "[...document.querySelectorAll('.md-content h2')].map(h => h.innerText)"
    )
    assert "Rung on the ladder of co-production" in headings
    for number, text in enumerate(pages[:-1], 1):
        last = " ".join(text.split()[-8:])
        stranded = [h for h in headings if last.endswith(" ".join(h.split()))]
        assert not stranded, f"page {number} ends with the heading {stranded}"


VNU = ROOT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

BASELINE = {
    # Material's navigation writes tabindex="" on section labels (partials/nav-item.html).
    "Bad value “” for attribute “tabindex” on element “label”": "theme",
    # Material's drawer, search and navigation toggles are hidden checkboxes with
    # autocomplete="off" (base.html, partials/nav-item.html).
    "Attribute “autocomplete” is only allowed when the input type is": "theme",
    # Material's table-of-contents title is a label for its hidden toggle (partials/toc.html).
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden": (
        "theme"
    ),
}
"""Errors that come from the theme itself, each with where it comes from. Nothing of ours."""


def test_built_html_is_valid(built_site: Path) -> None:
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker (./scripts/test installs it)"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            "--skip-non-html",
            str(built_site),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m["type"] == "error"]
    unexplained = [
        f"{m['url'].split(str(built_site))[-1]}: {m['message']}"
        for m in errors
        if not any(m["message"].startswith(known) for known in BASELINE)
    ]
    assert unexplained == []
    pages = len(list(built_site.rglob("*.html")))
    assert pages > 30  # the checker saw the whole site
