"""A number in a story needs a reference mark in its paragraph, so a reader can check it: the
validator warns of each paragraph without one (and the strict build refuses it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from evidence_bank.core import references

from tests.helpers import MINIMAL, ROOT


@pytest.mark.parametrize(
    ("story", "found"),
    [
        ("Attendance rose to 40 people.", [(0, "40")]),
        ("Attendance rose to 40 people [source 1, page 3].", []),
        ("It grew by 12% in a year.", [(0, "12%")]),
        ("It cost £4.1 million, more than the 1,000 planned.", [(0, "4.1")]),
        # A list with no blank lines in it is one paragraph: one mark covers it.
        ("- 40 came\n- 12 groups took part [source 2]", []),
        # Headings, list numbers, link addresses, tags and code are not numbers in the prose.
        ("## Step 2 of 6", []),
        # The text right under a heading is a paragraph of its own.
        ("## Step 2\nIn 2020 we met.", [(1, "2020")]),
        ("## Step 2\nIn 2020 we met [source 1].", []),
        ("1. First step\n2. Second step", []),
        ("Read [the report](https://example.org/2020/report-3) here.", []),
        ("Read [it](https://example.org/a_(2020)) or [x](javascript:alert(1)).", []),
        ("See <https://example.org/2020/> and <!-- write 2 paragraphs -->.", []),
        ("Run `step 2` and then:\n\n```\ncount = 3\n```", []),
        # Names with digits are not numbers.
        ("It carried on through Covid-19.", []),
        # The line is the paragraph's first, within the story.
        ("## Context\n\nNo numbers here.\n\nBut 3 here,\nover two lines.", [(4, "3")]),
        ("Some words.\n\n\n\nThen 2017.", [(4, "2017")]),
    ],
)
def test_paragraphs_with_a_number_and_no_mark(story: str, found: list[tuple[int, str]]) -> None:
    assert list(references.unmarked_numbers(story)) == found


def test_work_is_bounded_for_a_long_story() -> None:
    story = "\n\n".join(f"Paragraph {n} [source 1]." for n in range(20_000))
    assert list(references.unmarked_numbers(story + "\n\nLast 1.")) == [(40_000, "1")]


@pytest.mark.parametrize(
    "hostile",
    # Each would take a minute if a pattern scanned ahead from every opening it met.
    ["<!--" * 50_000, "<" * 200_000, "](" * 100_000, "](((" * 50_000, "[source " * 25_000],
)
def test_work_is_bounded_for_a_hostile_paragraph(hostile: str) -> None:
    found = list(references.unmarked_numbers(hostile + " 12"))
    assert found == ([] if hostile.startswith("<!--") else [(0, "12")])


def test_a_long_number_is_shortened() -> None:
    assert list(references.unmarked_numbers("9" * 1000)) == [(0, "9" * 20 + "…")]


def _scratch(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "case_studies"
    folder.mkdir()
    (folder / "a.md").write_text(MINIMAL.split("\n---\n")[0] + "\n---\n\n" + body, "utf-8")
    return folder


def test_validate_warns_naming_the_line_and_the_number(tmp_path: Path) -> None:
    folder = _scratch(tmp_path, "## Context\n\nThe group met 12 times.\n")
    env = {"EB_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "evidence_bank.cli.validate", "--dir", str(folder)]
    lenient = subprocess.run(run, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    strict = subprocess.run(
        [*run, "--strict"], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    line = (folder / "a.md").read_text("utf-8").splitlines().index("The group met 12 times.") + 1
    expected = (
        f"a.md:{line}: warning: body: a number (12) in a paragraph with no reference mark; "
        "expected a reference mark in the same paragraph, such as [source 1, page 12], so that "
        "a reader can check the number in its source"
    )
    assert lenient.returncode == 0 and expected in lenient.stdout + lenient.stderr
    assert strict.returncode == 1 and expected in strict.stdout + strict.stderr
