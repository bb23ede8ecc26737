"""The story's check: the site's markdown extensions (code is not raw HTML), legitimate links
kept, broken ones named in the case-study file, and the adversarial benchmark prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from evidence_bank.cli import site_extensions
from evidence_bank.core import story
from evidence_bank.core.model import CaseStudy

from tests.helpers import ROOT


def test_the_default_extensions_are_what_this_sites_mkdocs_yml_gives() -> None:
    assert site_extensions(ROOT) == story.DEFAULT_EXTENSIONS


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("```\n<b>bold</b>\n```\n", []),
        ("~~~html\n<div onclick='x'>\n\nText.\n</div>\n~~~\n", []),
        ("Some `<b>` in code.\n", []),
        ("```\ncode\n```\n\n<div>Text.</div>\n", ["raw HTML ('<div>Text.</div>')"]),
        ("Some <b>bold</b>.\n", ["raw HTML ('<b>')", "raw HTML ('</b>')"]),
    ],
)
def test_code_is_not_raw_html(body: str, found: list[str]) -> None:
    """`fenced_code` (which MkDocs always loads) sets a code block's HTML aside where raw HTML
    goes: only what the author wrote as HTML is refused."""
    problems = story.read(body, 9, "a.md").problems
    assert [problem.found for problem in problems] == found


def test_extensions_from_names_settings_and_objects() -> None:
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.toc import TocExtension

    extensions = story.extensions_from(
        ["tables", "toc", TocExtension(permalink=True), AttrListExtension()],
        {"toc": {"permalink": False}, "tables": {}},
    )
    assert extensions.names == (
        "tables",
        "toc",
        "markdown.extensions.toc:TocExtension",
        "markdown.extensions.attr_list:AttrListExtension",
    )
    assert extensions.configs["toc"] == {"permalink": False}
    assert extensions.configs["markdown.extensions.toc:TocExtension"]["permalink"] is True
    assert "tables" not in extensions.configs
    # The object, named by its import path, is loaded: attribute lists are read.
    body = 'Text.\n{: onclick="x" }\n'
    assert [p.found for p in story.read(body, 9, "a.md", extensions).problems] == [
        "the attribute 'onclick' set with {: ...}"
    ]
    without = story.extensions_from(["tables", "toc"])
    assert story.read(body, 9, "a.md", without).problems == []


def _study(body: str, links: tuple[str, ...]) -> CaseStudy:
    return CaseStudy(
        id="cs-0100",
        slug="here",
        path="case_studies/here.md",
        title="T",
        summary="S",
        rung="co-design",
        principles=("valuing-people",),
        body=body,
        body_line=8,
        links=links,
    )


def test_links_are_read_from_the_parsed_story() -> None:
    body = "\nSee [a](other.md#why) and [b][r].\n\n> [r]: ../guidance/ladder.md\n"
    assert story.read(body, 8, "a.md").links == ("other.md#why", "../guidance/ladder.md")


def test_broken_links_are_named_in_the_case_study_file() -> None:
    body = "\nIntro.\n\nSee [a](missing.md) and [b](../ladder/) and [c](other.md#nowhere).\n"
    links = story.read(body, 8, "case_studies/here.md").links
    files = {"case-studies/here.md", "case-studies/other.md", "ladder/index.md"}
    anchors = {"case-studies/other.md": {"why", "outcomes"}}
    problems = story.check_links([_study(body, links)], files, anchors.get)
    shown = [str(problem) for problem in problems]
    assert shown[0].startswith(
        "case_studies/here.md:11: body: a link to 'missing.md', which is no page or file"
    )
    assert "did you mean '../ladder/index.md'?" in shown[1]
    assert "has no anchor '#nowhere'" in shown[2] and shown[2].startswith("case_studies/here.md:11")
    # Without anchors, only pages are checked; a link that reaches a file passes.
    assert len(story.check_links([_study(body, links)], files)) == 2


@pytest.mark.slow  # runs the benchmark script (--quick): 16 s
def test_adversarial_benchmark_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lib" / "adversarial.py"), "--quick"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "kind" in result.stdout and "peak MB" in result.stdout
    assert "lists nested (refused)" in result.stdout and "slope" in result.stdout
    assert Path(ROOT / "scripts" / "adversarial").exists()


@pytest.mark.parametrize(
    ("body", "address", "line"),
    [
        ("Read [the plan](https://[nhs.uk]/plan).\n", "https://[nhs.uk]/plan", 9),
        # Found by Hypothesis: a reference inside an image inside a link.
        (
            "- [![][r]\n  \n  [r]: https://nhs.uk](https://nhs.uk)\n",
            "https://nhs.uk](https://nhs.uk)",
            11,
        ),
    ],
    ids=["bracketed host", "nested reference"],
)
def test_an_address_that_cannot_be_read_is_a_problem_not_a_crash(
    body: str, address: str, line: int
) -> None:
    """Python cannot split such an address (MkDocs would stop with its error on it): the story
    check names it, on its line."""
    (problem,) = story.read(body, 9, "a.md").problems
    assert problem.found == f"a link or image address that cannot be read: '{address}'"
    assert problem.line == line and problem.field == "body"
    assert "https://" in problem.expected
