"""Identifiers, links and hidden characters: decided before anything touches the file system,
and shown so a reader can see them."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.core import catalog, scaffold, text, vocabulary

from tests.helpers import MINIMAL, VOCABULARY


@pytest.fixture(scope="module")
def vocab() -> vocabulary.Vocabulary:
    return vocabulary.load(VOCABULARY)


def test_a_link_is_refused_without_reading_or_naming_its_target(
    tmp_path: Path, vocab: vocabulary.Vocabulary
) -> None:
    secret = tmp_path / "outside" / "private.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:secret first line\n", encoding="utf-8")
    folder = tmp_path / "project" / "case_studies"
    folder.mkdir(parents=True)
    (folder / "a.md").symlink_to(secret)
    _, problems = catalog.check_folder(folder, vocab, root=tmp_path / "project")
    shown = "\n".join(str(problem) for problem in problems)
    assert shown.startswith("case_studies/a.md:1: file: a link to another file")
    assert "secret" not in shown and "private" not in shown and "outside" not in shown
    with pytest.raises(catalog.ProblemsError) as raised:
        catalog.load(folder, vocab, root=tmp_path / "project")
    assert "secret" not in str(raised.value)


def test_a_preview_folder_of_links_is_read_when_asked(
    tmp_path: Path, vocab: vocabulary.Vocabulary
) -> None:
    real = tmp_path / "drafts" / "draft.md"
    real.parent.mkdir()
    real.write_text(MINIMAL, encoding="utf-8")
    folder = tmp_path / "preview" / "case_studies"
    folder.mkdir(parents=True)
    (folder / "draft.md").symlink_to(real)
    bank = catalog.load(folder, vocab, root=tmp_path, follow_links=True)
    assert [study.slug for study in bank.case_studies] == ["draft"]


def test_a_huge_id_in_the_folder_does_not_stop_the_next_id(tmp_path: Path) -> None:
    (tmp_path / "huge.md").write_text(MINIMAL.replace("cs-0100", "cs-" + "9" * 5000))
    (tmp_path / "ok.md").write_text(MINIMAL.replace("cs-0100", "cs-0041"))
    (tmp_path / "linked.md").symlink_to(tmp_path / "ok.md")  # counted once, as a file
    assert scaffold.next_free_id(tmp_path, reserved=["cs-" + "8" * 400, "cs-0050"]) == "cs-0051"


def test_an_unexpected_failure_names_the_file_not_a_traceback(
    tmp_path: Path, vocab: vocabulary.Vocabulary, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(catalog, "validate", broken)
    (tmp_path / "a.md").write_text(MINIMAL, encoding="utf-8")
    result = catalog.read_one(tmp_path / "a.md", "case_studies/a.md", vocab)
    assert isinstance(result, list)
    assert str(result[0]).startswith(
        "case_studies/a.md:1: file: something the checks could not handle (RecursionError: "
    )
    assert "report this message to the maintainers" in str(result[0])


@pytest.mark.parametrize(
    ("value", "shown", "first"),
    [
        ("title", "title", None),
        ("ti\u200btle", "ti<U+200B>tle", "U+200B ZERO WIDTH SPACE"),
        ("evil\u202eexe.txt", "evil<U+202E>exe.txt", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("tab\tand\nnewline", "tab\tand\nnewline", None),
        ("bell\x07", "bell<U+0007>", "U+0007"),
        ("Café “quoted” – fine", "Café “quoted” – fine", None),
    ],
)
def test_hidden_characters_are_named_and_shown(value: str, shown: str, first: str | None) -> None:
    assert text.visible(value) == shown
    found = text.first_hidden(value)
    assert (text.describe(found) if found else None) == first
