"""The published content: sourced, written in our own words, complete."""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence_bank.core import catalog, frontmatter, vocabulary
from evidence_bank.core.render import Renderer

from tests.helpers import ROOT, VOCABULARY

SEEDS = Path(os.environ.get("EB_SEEDS", ROOT.parent / "shared" / "seeds"))
RUN = 12
"""No run of this many consecutive words may be shared with a seed document."""

QUOTED = re.compile(r"\"(?:[^\"\n]|\n(?![ \t]*\n))*\"|“[^”]*”")
"""A quotation: double quotes around text that may wrap onto the next line, not past a blank."""
WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'").replace("'", ""))


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


URL = re.compile(r"\]\([^)\s]*\)|<?https?://[^\s)>\]]+>?")


SOURCES_SECTION = re.compile(r"^## Sources.*?(?=^## |\Z)", re.M | re.S)


def _unquoted(text: str) -> str:
    """Our prose only: without marked quotations (blockquote lines, double-quoted spans), web
    addresses, and the Sources section (its titles are citations of the seeds)."""
    text = SOURCES_SECTION.sub(" ", text)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    return QUOTED.sub(" ", URL.sub(" ", "\n".join(lines)))


def _strings(value: frontmatter.Value, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, skip)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _strings(item, skip)


@functools.cache
def _our_texts() -> dict[str, str]:
    """Everything we wrote that the site publishes, by file (read once a run)."""
    texts = {}
    for path in sorted((ROOT / "content").rglob("*.md")):
        texts[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "case_studies").glob("*.md")):
        front = frontmatter.read(path.read_bytes(), path.name)
        assert isinstance(front, frontmatter.FrontMatter), front
        # The sources field is the bibliography: titles of the seeds, cited on purpose.
        prose = _strings(front.data, frozenset({"sources"}))
        texts[f"case_studies/{path.name}"] = "\n\n".join([*prose, front.body])
    parsed = frontmatter.read_yaml(VOCABULARY.read_text(encoding="utf-8"), "vocabulary.yml")
    assert not isinstance(parsed, list), parsed
    # Checklist questions are Bolton's own words, quoted on purpose (and shown as quotations).
    texts["vocabulary.yml"] = "\n\n".join(_strings(parsed[0], frozenset({"question", "sources"})))
    return texts


@pytest.fixture(scope="module")
def seed_runs() -> dict[str, set[tuple[str, ...]]]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (set EB_SEEDS to their folder)")
    runs = {p.name: _runs(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}
    assert len(runs) >= 5
    return runs


def test_nothing_is_copied_at_length_from_a_seed(
    seed_runs: dict[str, set[tuple[str, ...]]],
) -> None:
    copied = []
    for name, text in _our_texts().items():
        ours = _runs(_unquoted(text))
        for seed, theirs in seed_runs.items():
            for run in sorted(ours & theirs)[:3]:
                copied.append(f"{name} ~ {seed}: {' '.join(run)}")
    assert copied == []


def test_the_copy_check_finds_a_copied_sentence(seed_runs: dict[str, set[tuple[str, ...]]]) -> None:
    seed = next(iter(seed_runs))
    sentence = " ".join(next(iter(seed_runs[seed])))
    assert _runs(sentence) & seed_runs[seed]
    assert not _runs(_unquoted(f'As the guide says, "{sentence}".')) & seed_runs[seed]
    assert not _runs(_unquoted(f"> {sentence}")) & seed_runs[seed]


@pytest.fixture(scope="module")
def bank() -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT)


def test_every_case_study_cites_a_source_with_a_url_or_a_seed_title(bank: catalog.Catalog) -> None:
    seed_titles = [_words(s.title) for s in bank.vocabulary.sources.values()]

    def names_a_seed(title: str) -> bool:
        words = " ".join(_words(title))
        return any(" ".join(seed[:4]) in words for seed in seed_titles)

    uncited = [
        s.path
        for s in bank.case_studies
        if not any(src.url or names_a_seed(src.title) for src in s.sources)
    ]
    assert uncited == []
    assert len(bank.case_studies) >= 5


NO_SOURCES = {
    "content/about/privacy.md": "describes how this website itself handles data; no source",
}
"""Pages that draw on no document, with the reason. (contributing.md says so in its Sources.)"""
"""Pages that draw on no document, with the reason."""


def test_every_guidance_page_names_its_sources() -> None:
    missing = [
        p.relative_to(ROOT).as_posix()
        for p in sorted((ROOT / "content").rglob("*.md"))
        if "\n## Sources" not in p.read_text(encoding="utf-8")
    ]
    assert missing == sorted(NO_SOURCES)


def test_checklist_downloads_are_blank_templates(bank: catalog.Catalog) -> None:
    files = dict(Renderer(bank).downloads())
    rows = list(csv.reader(io.StringIO(files["downloads/co-design-checklist.csv"].decode())))
    assert rows[0] == [
        "Number",
        "Checklist question",
        "Who and how many?",
        "What did you do and how did you do it?",
        "Outcomes?",
    ]
    assert len(rows) == 11
    assert all(row[2:] == ["", "", ""] for row in rows[1:])
    assert "publicly available and shared it with partners" in rows[6][1]
    markdown = files["downloads/co-design-checklist.md"].decode()
    assert len(re.findall(r"^## \d+\. ", markdown, re.M)) == 10
