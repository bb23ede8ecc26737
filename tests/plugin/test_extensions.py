"""Stories are checked with the site's own markdown extensions: the build passes MkDocs', and
`./scripts/validate` reads the same from mkdocs.yml, so the two agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.cli import site_extensions
from evidence_bank.cli.validate import main
from evidence_bank.core import story
from mkdocs.config import load_config

from tests.helpers import ROOT, build, build_error, case_study, make_project

LISTS = {
    "none": None,
    "empty": [],
    "names and settings": ["footnotes", {"toc": {"permalink": True}}, "tables", {"abbr": None}],
    "a mapping": {"attr_list": {}, "toc": {"baselevel": 2}},
    "this site": "ROOT",
}


@pytest.mark.parametrize("listed", LISTS.values(), ids=list(LISTS))
def test_validate_reads_the_extensions_mkdocs_builds_with(tmp_path: Path, listed: object) -> None:
    if listed == "ROOT":
        project = ROOT
    else:
        config = {} if listed is None else {"markdown_extensions": listed}
        project = make_project(tmp_path, config=config)
    built = load_config(str(project / "mkdocs.yml"))
    assert site_extensions(project) == story.extensions_from(
        built.markdown_extensions, built.mdx_configs
    )


# With attr_list, `{: ...}` sets attributes and only #id and .class are allowed; without it,
# the braces are text, shown as they are.
STORY = 'The story.\n{: onclick="alert(document.cookie)" }\n'


def _validate(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    monkeypatch.setenv("EB_ROOT", str(project))
    code = main([])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_site_with_attr_list_refuses_the_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(
        tmp_path,
        {"a.md": case_study(body=STORY)},
        config={"markdown_extensions": ["attr_list"]},
    )
    error = build_error(project)
    assert "case_studies/a.md:12: body: the attribute 'onclick' set with {: ...}" in error
    code, out, _ = _validate(project, monkeypatch, capsys)
    assert code == 1
    assert out.splitlines() == error.splitlines()[1:]


def test_a_site_without_attr_list_shows_the_braces_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {"a.md": case_study(body=STORY)})
    page = (build(project) / "case-studies" / "a" / "index.html").read_text(encoding="utf-8")
    assert '{: onclick="alert(document.cookie)" }' in page
    assert _validate(project, monkeypatch, capsys) == (0, "", "All 1 case study valid.\n")
