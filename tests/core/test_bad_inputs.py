"""The bad-input table, run where each decision is made: the reader and validator of the core,
with no MkDocs. Each row (a line of `bad_inputs/*.jsonl`) is the text of one or more files in
`case_studies/` and what the contributor must be told: the file, the line, the field and words
of the message. `tests/plugin/test_bad_inputs.py` keeps a few full builds that show the build
stops on such a problem.

A row: {"case": name, "files": {name: text}, "file": name, "line": n, "field": f, "words": w}.
A file's text is a string, or {"base64": ...} for bytes that are not text, {"expr": ...} for a
large text made by a Python expression, or {"symlink": target} for a link (the target relative
to the folder of case studies; "@outside/..." for a path outside the project).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from evidence_bank.core import catalog, vocabulary
from evidence_bank.core.problems import Problem

from tests.helpers import VOCABULARY

TABLE = Path(__file__).parent / "bad_inputs"


def _rows() -> list[dict[str, Any]]:
    rows = []
    for table in sorted(TABLE.glob("*.jsonl")):
        # "\n" alone ends a row: a row may hold other line breaks, escaped or not.
        for number, line in enumerate(table.read_text(encoding="utf-8").split("\n"), 1):
            if line.strip():
                row = json.loads(line)
                row["where"] = f"{table.name}:{number}"
                rows.append(row)
    return rows


ROWS = _rows()


def write_files(folder: Path, files: dict[str, Any], outside: Path) -> None:
    """The row's files in `folder` (the case studies), and anything outside it in `outside`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            target.write_bytes(text.encode("utf-8"))
        elif "base64" in text:
            target.write_bytes(base64.b64decode(text["base64"]))
        elif "expr" in text:
            target.write_bytes(str(eval(text["expr"], {"__builtins__": {"range": range}})).encode())
        elif "symlink" in text:
            link = str(text["symlink"])
            if link.startswith("@outside/"):
                real = outside / link.removeprefix("@outside/")
                real.parent.mkdir(parents=True, exist_ok=True)
                real.write_text(text.get("content", "secret first line\n"), encoding="utf-8")
                target.symlink_to(real)
            else:
                target.symlink_to(link)
        else:
            raise ValueError(f"unknown kind of file: {text!r}")


@pytest.fixture(scope="module")
def vocab() -> vocabulary.Vocabulary:
    return vocabulary.load(VOCABULARY)


def check(tmp_path: Path, files: dict[str, Any], vocab: vocabulary.Vocabulary) -> list[Problem]:
    project = tmp_path / "project"
    write_files(project / "case_studies", files, tmp_path / "outside")
    _, problems = catalog.check_folder(project / "case_studies", vocab, root=project)
    return problems


@pytest.mark.parametrize("row", ROWS, ids=[row["case"] for row in ROWS])
def test_bad_input_is_named_by_file_line_and_field(
    tmp_path: Path, row: dict[str, Any], vocab: vocabulary.Vocabulary
) -> None:
    problems = check(tmp_path, row["files"], vocab)
    shown = [str(problem) for problem in problems]
    prefix = f"case_studies/{row['file']}:{row['line']}: {row['field']}: "
    matching = [text for text in shown if text.startswith(prefix)]
    assert matching, f"{row['where']}: no problem starting {prefix!r} in {shown}"
    assert any(row["words"] in text for text in matching), f"{row['where']}: {matching}"


def test_the_table_is_large_and_every_case_is_named_once() -> None:
    names = [row["case"] for row in ROWS]
    assert len(names) == len(set(names)) >= 250, len(names)
