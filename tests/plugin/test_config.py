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
