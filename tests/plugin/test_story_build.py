"""Full builds: a story the reader refuses, or one linking to a page or anchor that does not
exist, stops the build with the case-study file and line, before MkDocs reads the story."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import build_error, case_study, make_project


def test_build_refuses_a_story_nested_700_deep(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"deep.md": case_study(body="- " * 700 + "x\n")})
    error = build_error(project)
    assert "case_studies/deep.md:11: body: lists nested 700 deep" in error
    assert "RecursionError" not in error


def test_build_names_a_broken_link_in_the_case_study_file(tmp_path: Path) -> None:
    body = "Intro.\n\nSee [the ladder](../ladder/) and [why](other.md#nowhere).\n"
    project = make_project(
        tmp_path,
        {
            "here.md": case_study(body=body),
            "other.md": case_study(body="## Why\n\nText.\n").replace("cs-0100", "cs-0101"),
        },
    )
    error = build_error(project)
    assert "case_studies/here.md:13: body: a link to '../ladder/'" in error
    assert "did you mean '../ladder/index.md'?" in error
    assert "Doc file" not in error
    # Fixed page link: the anchor is what is wrong, named the same way.
    (project / "case_studies" / "here.md").write_text(
        case_study(body=body.replace("../ladder/", "../ladder/index.md")), encoding="utf-8"
    )
    error = build_error(project)
    assert "case_studies/here.md:13: body: a link to 'other.md#nowhere'" in error
