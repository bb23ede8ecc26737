"""No contributor-facing command ends in a traceback, whatever the folder holds: every row of
the bad-input table through `./scripts/validate` (as text, JSON and annotations) and through
the scaffolder, which reads the same folder for the next id. In this process, so that an
exception fails the test with its traceback; 280-odd processes would take minutes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from evidence_bank.cli import new_case_study
from evidence_bank.cli import validate as validate_cli

from tests.core.test_bad_inputs import ROWS, write_files

FLAGS = ["--title", "A cafe for all", "--summary", "People ran a cafe together, all year."]
FLAGS += ["--rung", "co-design", "--principles", "valuing-people", "--rung-basis", "judged"]
FLAGS += ["--evidence-strength", "described", "--evidence-reason", "Told by the people who ran it."]


@pytest.mark.parametrize("row", ROWS, ids=[row["case"] for row in ROWS])
def test_every_bad_folder_is_answered_in_words(
    tmp_path: Path,
    row: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "case_studies"
    write_files(folder, row["files"], tmp_path / "outside")
    monkeypatch.chdir(tmp_path)
    for style in ("text", "json", "github"):
        assert validate_cli.main(["--dir", str(folder), "--format", style]) == 1
        out = capsys.readouterr().out
        if style == "json":
            assert json.loads(out)["problems"], row["case"]
        assert "Traceback" not in out
    monkeypatch.setenv("EB_ROOT", str(tmp_path))
    status = new_case_study.main(
        [*FLAGS, "--dir", str(folder)], ask=_no_questions, today=lambda: dt.date(2026, 11, 28)
    )
    said = capsys.readouterr()
    assert status == 0, said.err  # the next id is found whatever the other files hold
    assert "Traceback" not in said.out + said.err


def _no_questions(prompt: str) -> str:
    raise AssertionError(f"asked {prompt!r} although every answer was given")
