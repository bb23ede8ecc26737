"""Synthetic case studies: deterministic, valid, marked, and kept out of the published folder."""

from __future__ import annotations

import gc
import multiprocessing
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from evidence_bank.core import catalog, synthetic, vocabulary
from evidence_bank.core.problems import ProblemsError

from tests.helpers import VOCABULARY

VOCAB = vocabulary.load(VOCABULARY)


def test_deterministic_and_varied() -> None:
    assert synthetic.case_study(7, VOCAB) == synthetic.case_study(7, VOCAB)
    assert synthetic.case_study(7, VOCAB) != synthetic.case_study(8, VOCAB)
    assert synthetic.case_study(7, VOCAB, seed=1) != synthetic.case_study(7, VOCAB)


def test_valid_complete_and_marked(tmp_path: Path) -> None:
    synthetic.write_bank(30, tmp_path, VOCAB)
    bank = catalog.load(tmp_path, VOCAB, allow_synthetic=True)
    assert len(bank.case_studies) == 30
    for study in bank.case_studies:
        assert study.synthetic
        assert len(study.pathway) == 6 and len(study.checklist) == 10
        assert 600 <= len(study.body.split()) <= 1000
    with pytest.raises(ProblemsError, match="synthetic"):
        catalog.load(tmp_path, VOCAB)


def test_never_written_into_the_published_folder(tmp_path: Path) -> None:
    published = tmp_path / "case_studies"
    published.mkdir()
    for target in (published, published / "sub"):
        with pytest.raises(ValueError, match="refusing"):
            synthetic.write_bank(1, target, VOCAB, published_folder=published)
    assert list(published.iterdir()) == []


def test_parallel_and_serial_reading_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synthetic.write_bank(40, tmp_path, VOCAB)
    (tmp_path / "broken.md").write_text("---\nid: x\n---\n")
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 10)
    monkeypatch.setattr(catalog, "CHUNK", 3)
    parallel = catalog.check_folder(tmp_path, VOCAB, root=tmp_path, allow_synthetic=True)
    forked = catalog.check_folder(
        tmp_path, VOCAB, root=tmp_path, allow_synthetic=True, forking=True
    )
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 10**9)
    serial = catalog.check_folder(tmp_path, VOCAB, root=tmp_path, allow_synthetic=True)
    assert parallel == serial == forked
    assert parallel[0] == 41 and parallel[1]


def test_a_claim_read_alone_is_the_claim_of_the_case_study(tmp_path: Path) -> None:
    """`read_claim` (what ./scripts/validate keeps) never makes the case study: what it returns
    is what `claim` takes from the case study `read_one` makes, problems included."""
    synthetic.write_bank(6, tmp_path, VOCAB)
    first = sorted(tmp_path.iterdir())[0]
    text = first.read_text(encoding="utf-8").replace("\nsynthetic: true\n", "\n")
    (tmp_path / "renamed.md").write_text(
        text.replace("\nid: ", "\naliases:\n- old-name\n- older-name\nid: ", 1), encoding="utf-8"
    )
    (tmp_path / "broken.md").write_text("---\nid: x\n---\n")
    for allow in (True, False):
        for path in sorted(tmp_path.iterdir()):
            study = catalog.read_one(path, path.name, VOCAB, allow_synthetic=allow)
            found = catalog.read_claim(path, path.name, VOCAB, allow_synthetic=allow)
            expected = study if isinstance(study, list) else catalog.claim(study)
            assert found == expected
    renamed = catalog.read_claim(tmp_path / "renamed.md", "renamed.md", VOCAB)
    assert not isinstance(renamed, list) and renamed[4] == ("old-name", "older-name")


def test_forked_and_serial_loading_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synthetic.write_bank(40, tmp_path, VOCAB)
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 10)
    monkeypatch.setattr(catalog, "CHUNK", 3)
    forked = catalog.load(tmp_path, VOCAB, allow_synthetic=True, forking=True).case_studies
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 10**9)
    serial = catalog.load(tmp_path, VOCAB, allow_synthetic=True).case_studies
    assert len(forked) == 40 and forked == serial


@pytest.mark.parametrize("forking", [True, False])
def test_reading_in_parallel_keeps_the_files_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: bool
) -> None:
    """The other processes read chunks from the first on, this one (forking) from the last."""
    synthetic.write_bank(40, tmp_path, VOCAB)
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 10)
    monkeypatch.setattr(catalog, "CHUNK", 3)
    jobs = [(str(path), path.name) for path in sorted(tmp_path.iterdir())]
    read = catalog.read_all(jobs, VOCAB, allow_synthetic=True, forking=forking)
    assert [study.path for study in read] == [name for _, name in jobs]


def test_forking_falls_back_to_spawning_where_python_spawns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on macOS, where the system libraries are not safe in a forked process."""
    synthetic.write_bank(12, tmp_path, VOCAB)
    monkeypatch.setattr(catalog, "PARALLEL_FROM", 10)
    monkeypatch.setattr(catalog, "CHUNK", 3)
    serial = catalog.check_folder(tmp_path, VOCAB, root=tmp_path, allow_synthetic=True)
    started: list[str] = []
    context = multiprocessing.get_context
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method: started.append(method) or context(method)
    )
    forked = catalog.check_folder(
        tmp_path, VOCAB, root=tmp_path, allow_synthetic=True, forking=True
    )
    assert started == ["spawn"] and forked == serial


def test_reading_leaves_no_cyclic_garbage(tmp_path: Path) -> None:
    """Reading pauses the garbage collector (`catalog.read_all`): what it drops must be freed
    as it goes, by reference counting (a nested function calling itself is a cycle)."""
    synthetic.write_bank(20, tmp_path, VOCAB)
    jobs = [(str(path), path.name) for path in sorted(tmp_path.iterdir())]
    gc.collect()
    gc.disable()
    try:
        catalog.read_all(jobs, VOCAB, allow_synthetic=True)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_stories_read_like_many_different_texts() -> None:
    """Index and page sizes measured on a synthetic bank should be close to a real one's: a story
    uses hundreds of different words, a few words are everywhere and most are rare, and names of
    places and programmes keep adding new words as the bank grows."""
    stories = []
    for number in range(1, 201):
        text = synthetic.case_study(number, VOCAB)[1].split("\n---\n", 1)[1]
        stories.append(re.findall(r"[a-z]+", text.lower()))
    distinct = [len(set(words)) for words in stories]
    assert min(distinct) >= 150
    in_stories = Counter(word for words in stories for word in set(words))
    everywhere = [word for word, n in in_stories.items() if n >= 190]
    rare = [word for word, n in in_stories.items() if n <= 10]
    assert everywhere and len(rare) > 2 * len(everywhere) and len(rare) > len(in_stories) / 3
    first_half = {word for words in stories[:100] for word in words}
    assert len({word for words in stories[100:] for word in words} - first_half) >= 50
