"""The story's check: one list of markdown extensions, legitimate links kept, broken ones named
in the case-study file, and the adversarial benchmark prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from evidence_bank.core import story
from evidence_bank.core.model import CaseStudy

from tests.helpers import ROOT


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml with its `!ENV` tags read as plain values."""


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)


def test_the_check_uses_the_sites_markdown_extensions() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTag)
    site = {}
    for entry in config["markdown_extensions"]:
        name, settings = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        site[name] = settings or {}
    assert site == story.EXTENSIONS


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
