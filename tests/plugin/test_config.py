"""The plugin's typed options, as MkDocs loads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.mkdocs_plugin.config import EvidenceBankConfig
from mkdocs.config import load_config
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import Abort

from tests.helpers import make_project


def test_defaults() -> None:
    config = EvidenceBankConfig()
    config.load_dict({})
    failed, warnings = config.validate()
    assert (failed, warnings) == ([], [])
    assert config.case_studies == "case_studies"
    assert config.vocabulary is None
    assert config.templates is None
    assert config.allow_synthetic is False


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("case_studies", 5, "Expected type: <class 'str'> but received: <class 'int'>"),
        ("allow_synthetic", "yes", "Expected type: <class 'bool'>"),
        ("vocabulary", ["a"], "Expected type: <class 'str'>"),
    ],
)
def test_wrong_types_are_errors(option: str, value: object, words: str) -> None:
    config = EvidenceBankConfig()
    config.load_dict({option: value})
    failed, _ = config.validate()
    assert [name for name, _ in failed] == [option]
    assert isinstance(failed[0][1], ValidationError)
    assert words in str(failed[0][1])


def test_unknown_option_is_a_warning_that_strict_mode_refuses(tmp_path: Path) -> None:
    project = make_project(tmp_path, plugin={"case_study_dir": "x"})
    with pytest.raises(Abort, match="Aborted with 1 configuration warnings"):
        load_config(str(project / "mkdocs.yml"), strict=True)


def test_a_missing_site_url_is_a_warning_naming_what_it_breaks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.helpers import build

    project = make_project(tmp_path)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("site_url: https://bank.example.org/\n", ""), encoding="utf-8"
    )
    with pytest.raises(Abort, match="Aborted with 1 warnings in strict mode"):
        build(project)
    message = caplog.text
    assert "site_url is not set in mkdocs.yml, so citations, permanent addresses" in message
    assert "CITATION.cff has no url" in message


@pytest.mark.parametrize("url", ["https://bank.example.org/", None])
def test_publishing_refuses_a_placeholder_address(tmp_path: Path, url: str | None) -> None:
    from tests.helpers import build_error

    project = make_project(tmp_path, plugin={"require_site_url": True})
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    replacement = f"site_url: {url}\n" if url else ""
    (project / "mkdocs.yml").write_text(
        config.replace("site_url: https://bank.example.org/\n", replacement), encoding="utf-8"
    )
    message = build_error(project)
    assert "The site cannot be published with it" in message
    assert "Set site_url in mkdocs.yml" in message


def test_publishing_with_a_real_address_builds(tmp_path: Path) -> None:
    from tests.helpers import build

    project = make_project(tmp_path, plugin={"require_site_url": True})
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("https://bank.example.org/", "https://myorg.github.io/bank/"),
        encoding="utf-8",
    )
    site = build(project)
    assert "https://myorg.github.io/bank/id/cs-0100/" in (site / "CITATION.cff").parent.joinpath(
        "case-studies", "minimal", "cite.ris"
    ).read_text(encoding="utf-8")


def test_the_readme_lists_every_option_with_its_default() -> None:
    from tests.helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The plugin in your own MkDocs site", 1)[1].split("\n## ", 1)[0]
    rows = {
        cells[1].strip("` "): cells
        for line in table.splitlines()
        if line.startswith("| `") and (cells := line.split("|"))
    }
    config = EvidenceBankConfig()
    assert sorted(rows) == sorted(name for name, _ in config._schema)
    for name, option in config._schema:
        default = getattr(option, "default", None)
        if isinstance(default, bool | str):
            shown = str(default).lower() if isinstance(default, bool) else default
            assert f"`{shown}`" in rows[name][3], name
