"""`./scripts/validate`: the build's rules, three output formats, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from evidence_bank.cli.validate import main

from tests.helpers import MINIMAL, ROOT, build_error, case_study, make_project

BAD = MINIMAL.replace("rung: co-design", "rung: codesign").replace(
    "principles: [valuing-people]", "principles: [valueing-people]"
)


def _run(
    project: Path, *args: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    monkeypatch.setenv("EB_ROOT", str(project))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path)
    assert _run(project, capsys=capsys, monkeypatch=monkeypatch) == (
        0,
        "",
        "All 1 case study valid.\n",
    )


def test_text_output_is_the_build_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": BAD, "b.md": MINIMAL.replace("0100", "0101")})
    code, out, err = _run(project, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert out.splitlines() == build_error(project).splitlines()[1:]
    assert out.startswith("case_studies/a.md:5: rung: an unknown rung")
    assert err == "2 problems in 1 file.\n"


def test_json_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": BAD})
    code, out, _ = _run(project, "--format", "json", capsys=capsys, monkeypatch=monkeypatch)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["checked"] == 1
    first = report["problems"][0]
    assert {k: first[k] for k in ("path", "line", "field", "hint")} == {
        "path": "case_studies/a.md",
        "line": 5,
        "field": "rung",
        "hint": "did you mean 'co-design'?",
    }
    assert first["message"].startswith("case_studies/a.md:5: rung: ")


def test_github_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": BAD})
    code, out, _ = _run(project, "--format", "github", capsys=capsys, monkeypatch=monkeypatch)
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("::error file=case_studies/a.md,line=5,title=rung::an unknown")
    assert lines[1].startswith("::error file=case_studies/a.md,line=6,title=principles[1]::")


def test_github_annotation_escaping() -> None:
    from evidence_bank.cli.validate import github_annotation
    from evidence_bank.core.problems import Problem

    line = github_annotation(Problem("a,b:c.md", 3, "x:y", "100%\nnew", "z"))
    assert line == "::error file=a%2Cb%3Ac.md,line=3,title=x%3Ay::100%25%0Anew; expected z"


def test_one_file_still_checks_ids_against_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": MINIMAL, "b.md": MINIMAL})
    code, out, _ = _run(project, "case_studies/b.md", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert out == (
        "case_studies/b.md:2: id: the id 'cs-0100', which case_studies/a.md also "
        "uses; expected an id no other case study has ever used (ids are permanent)\n"
    )


def test_one_valid_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(
        tmp_path,
        {"a.md": MINIMAL, "b.md": case_study("place: Bolton\n").replace("cs-0100", "cs-0101")},
    )
    assert _run(project, "case_studies/b.md", capsys=capsys, monkeypatch=monkeypatch)[0] == 0


def test_usage_error_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path)
    with pytest.raises(SystemExit) as caught:
        _run(project, "missing.md", capsys=capsys, monkeypatch=monkeypatch)
    assert caught.value.code == 2


def test_the_script_from_another_folder(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [str(ROOT / "scripts" / "validate")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.strip().startswith("All ")


def test_without_mkdocs_yml_stories_are_read_with_the_default_extensions(tmp_path: Path) -> None:
    from evidence_bank.cli import site_extensions

    assert site_extensions(tmp_path) is None


HARD = case_study(
    """\
    pathway:
      co-delivery:
        done: >-
          Staff met. Word """
    + " ".join(["word"] * 29)
    + """.
    """
).replace(
    "summary: Only the required fields.",
    "summary: Multidisciplinary stakeholder engagement facilitated organisational transformation.",
)
"""A valid case study with a summary above grade 9 (line 4) and a pathway sentence of 30 words
(line 11)."""


def test_warnings_in_text_pass_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": HARD})
    code, out, err = _run(project, capsys=capsys, monkeypatch=monkeypatch)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("case_studies/a.md:4: warning: summary: a reading grade of ")
    assert "the hardest sentence is “Multidisciplinary stakeholder engagement" in lines[0]
    assert lines[0].endswith(
        "a reading grade of 9 or less (GOV.UK advises sentences of 25 words or fewer)"
    )
    assert lines[1].startswith(
        "case_studies/a.md:11: warning: pathway.co-delivery.done: "
        "a sentence of 30 words: “Word word"
    )
    assert err == (
        "All 1 case study valid; 2 warnings (the site build, which is strict, refuses them).\n"
    )
    assert _run(project, "--strict", capsys=capsys, monkeypatch=monkeypatch)[0] == 1
    assert _run(project, "case_studies/a.md", capsys=capsys, monkeypatch=monkeypatch)[:2] == (
        0,
        out,
    )


def test_warnings_with_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": HARD, "b.md": BAD})
    code, _, err = _run(project, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert err == (
        "2 problems in 1 file; 2 warnings (the site build, which is strict, refuses them).\n"
    )


def test_warnings_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": HARD})
    code, out, _ = _run(project, "--format", "json", capsys=capsys, monkeypatch=monkeypatch)
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["problems"] == []
    assert [(w["line"], w["field"]) for w in report["warnings"]] == [
        (4, "summary"),
        (11, "pathway.co-delivery.done"),
    ]
    assert report["warnings"][1]["found"].startswith("a sentence of 30 words: “Word word")
    assert report["warnings"][1]["message"].startswith("case_studies/a.md:11: warning: ")


def test_warnings_as_github_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.md": HARD})
    code, out, _ = _run(project, "--format", "github", capsys=capsys, monkeypatch=monkeypatch)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("::warning file=case_studies/a.md,line=4,title=summary::a reading")
    assert lines[1].startswith(
        "::warning file=case_studies/a.md,line=11,title=pathway.co-delivery.done::a sentence of 30"
    )
