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

from tests.helpers import ROOT


def test_a_case_study_prints_on_a4_without_navigation_with_its_address(visit: Any) -> None:
    page = visit("/case-studies/daisy-hill-hospital-pathfinder/").page
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    box = pdf.pages[0].mediabox
    # A4 is 595.3 x 841.9 points (210 x 297 mm); Chromium rounds to whole CSS pixels.
    assert abs(float(box.width) - 595.3) < 1.5 and abs(float(box.height) - 841.9) < 1.5
    text = "\n".join(p.extract_text() for p in pdf.pages)
    # NFKC: the fonts a machine has decide whether "fi" comes back as the ligature U+FB01.
    flat = " ".join(unicodedata.normalize("NFKC", text).split())
    assert "Daisy Hill Hospital Pathfinder" in flat
    assert "evidence-bank.example.org/case-studies/daisy-hill-hospital-pathfinder/" in flat.replace(
        " ", ""
    )
    for navigation in (
        "Guidance for your role",
        "Skip to main content",
        "Table of contents",
        "Search case studies",
    ):
        assert navigation not in flat, navigation
    assert "Pathway steps" in flat and "Sources" in flat


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
