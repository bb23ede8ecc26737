"""Bad case studies in a real build. The whole table of bad inputs runs in the core, where each
decision is made (`tests/core/test_bad_inputs.py`, rows in `tests/core/bad_inputs/*.jsonl`);
here a few of its rows, one a class, show that the build stops on a problem the core finds,
naming the file, the line and the field, and builds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.core.test_bad_inputs import ROWS, write_files
from tests.helpers import MINIMAL, build_error, make_project

BUILT = (
    "invalid UTF-8",
    "colon in value",
    "principle typo",
    "two files, one id",
    "javascript link",
    "UK mobile number",
    "upper-case file name",
)


@pytest.mark.parametrize("row", [row for row in ROWS if row["case"] in BUILT], ids=BUILT)
def test_bad_input_fails_the_build_naming_file_line_and_field(
    tmp_path: Path, row: dict[str, Any]
) -> None:
    project = make_project(tmp_path, {})
    write_files(project / "case_studies", row["files"], tmp_path / "outside")
    message = build_error(project)
    prefix = f"case_studies/{row['file']}:{row['line']}: {row['field']}: "
    matching = [line for line in message.splitlines() if line.startswith(prefix)]
    assert matching, f"no line starting {prefix!r} in:\n{message}"
    assert any(row["words"] in line for line in matching), f"{row['words']!r} not in {matching}"
    assert not (project / "site" / "index.html").exists()


def test_every_built_case_is_in_the_table() -> None:
    assert sorted(row["case"] for row in ROWS if row["case"] in BUILT) == sorted(BUILT)


def _required(**changes: str | None) -> str:
    """MINIMAL with required fields replaced (value text) or removed (None)."""
    lines = []
    for line in MINIMAL.splitlines(keepends=True):
        key = line.split(":", 1)[0]
        if key in changes:
            if changes[key] is None:
                continue
            line = f"{key}: {changes[key]}\n"
        lines.append(line)
    return "".join(lines)


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "a.md": _required(rung="codesign", principles="[valueing-people]"),
            "b.md": _required(id="cs-0101", title=None),
            "c.md": MINIMAL.replace("cs-0100", "cs-0102"),
        },
    )
    message = build_error(project)
    rows = [r for r in message.splitlines() if r.startswith("case_studies/")]
    assert [r.split(": ")[0] for r in rows] == [
        "case_studies/a.md:5",
        "case_studies/a.md:6",
        "case_studies/b.md:2",
    ]
    assert message.startswith("3 problems in the case studies:")
