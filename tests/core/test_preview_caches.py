"""What a live preview keeps between rebuilds: files read before, and list pages made before.
Each must give exactly what a fresh load and render give."""

from __future__ import annotations

import os
from pathlib import Path

from evidence_bank.core import catalog, render, synthetic, vocabulary

from tests.helpers import VOCABULARY

VOCAB = vocabulary.load(VOCABULARY)


def _bank(tmp_path: Path, count: int = 120) -> Path:
    folder = tmp_path / "bank"
    synthetic.write_bank(count, folder, VOCAB)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()  # a new modification time, even within the file system's resolution
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_a_read_cache_rereads_only_changed_files(tmp_path: Path) -> None:
    folder = _bank(tmp_path)
    cache = catalog.ReadCache()
    first = catalog.load(folder, VOCAB, allow_synthetic=True, cache=cache)
    again = catalog.load(folder, VOCAB, allow_synthetic=True, cache=cache)
    assert all(a is b for a, b in zip(first.case_studies, again.case_studies, strict=True))
    edited = folder / "synthetic-scheme-7.md"
    _edit(edited, "title: Synthetic scheme 7", "title: Edited scheme 7")
    (folder / "synthetic-scheme-9.md").unlink()
    after = catalog.load(folder, VOCAB, allow_synthetic=True, cache=cache)
    fresh = catalog.load(folder, VOCAB, allow_synthetic=True)
    assert after.case_studies == fresh.case_studies
    assert after.by_slug["synthetic-scheme-7"].title.startswith("Edited scheme 7")
    assert "synthetic-scheme-9" not in after.by_slug and len(cache.files) == 119
    unchanged = [s for s in after.case_studies if s.slug != "synthetic-scheme-7"]
    assert all(s is first.by_slug[s.slug] for s in unchanged)
    # Another vocabulary: everything is read again.
    changed = tmp_path / "vocabulary.yml"
    text = VOCABULARY.read_text(encoding="utf-8")
    changed.write_text(text.replace("label: Co-design", "label: Designing together", 1))
    other = vocabulary.load(changed)
    assert other != VOCAB
    reread = catalog.load(folder, other, allow_synthetic=True, cache=cache)
    assert not any(s is after.by_slug[s.slug] for s in reread.case_studies)


def test_a_memo_remakes_only_the_lists_an_edit_changes(tmp_path: Path) -> None:
    folder = _bank(tmp_path)
    cache = catalog.ReadCache()
    memo: render.Memo = {}
    before = render.Renderer(
        catalog.load(folder, VOCAB, allow_synthetic=True, cache=cache), memo=memo
    )
    first = {page.src_uri: page for page in before.pages()}
    _edit(folder / "synthetic-scheme-7.md", "title: Synthetic scheme 7", "title: Edited scheme 7")
    bank = catalog.load(folder, VOCAB, allow_synthetic=True, cache=cache)
    renderer = render.Renderer(bank, memo=before.fresh)
    made = {page.src_uri: page for page in renderer.pages()}
    fresh = {page.src_uri: page for page in render.Renderer(bank).pages()}
    assert {uri: page.content for uri, page in made.items()} == {
        uri: page.content for uri, page in fresh.items()
    }
    remade = {uri for uri, page in made.items() if page is not first.get(uri)}
    lists = {uri for uri in made if made[uri].study is None}
    showing = {uri for uri in lists if "Edited scheme 7" in made[uri].content}
    assert showing and showing <= remade
    reused = lists - remade
    assert reused, "lists without the edited case study are reused"
    assert not any("Edited scheme 7" in made[uri].content for uri in reused)
