"""Pagefind reads the searchable part of each case-study page, written as the page is made: the
indexes are those Pagefind made from the whole built site, and the scratch folder goes away."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from evidence_bank.core.search import SEARCH_INDEXES

from tests.helpers import (
    MINIMAL,
    build,
    build_error,
    case_study,
    make_project,
    read_pagefind,
)
from tests.plugin.test_serve import _free_port, _preview, _stop

STUDIES = {
    "minimal.md": MINIMAL,
    "other.md": case_study("place: Bolton\nnation: england\n", body="## Context\n\nA tale.\n")
    .replace("cs-0100", "cs-0101")
    .replace("A minimal case study", "Another case study"),
    "gone.md": case_study(
        "withdrawn:\n  date: 2027-03-01\n  reason: The scheme asked us to.\n"
    ).replace("cs-0100", "cs-0102"),
}


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the build's scratch folders are made."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _bundle(folder: Path) -> dict[str, object]:
    return read_pagefind(lambda path: (folder / path).read_bytes())


@pytest.mark.parametrize("directory_urls", [True, False])
def test_the_indexes_are_those_of_the_whole_site(
    tmp_path: Path, scratch: Path, directory_urls: bool
) -> None:
    project = make_project(
        tmp_path,
        STUDIES,
        config={"use_directory_urls": directory_urls},
        content={"about.md": "# About\n\nAbout the bank.\n"},
    )
    site = build(project)
    assert not [p for p in scratch.iterdir() if p.name.startswith("evidence-bank-search-")]
    whole = tmp_path / "whole"
    for chosen in SEARCH_INDEXES.values():
        # As the plugin ran Pagefind before: over every page of the built site.
        command = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
        command += ["--output-path", str(whole / chosen.folder)]
        command += ["--root-selector", chosen.root_selector] if chosen.root_selector else []
        subprocess.run(command, check=True, capture_output=True)
        built, expected = _bundle(site / chosen.folder), _bundle(whole / chosen.folder)
        assert built == expected, chosen.folder
    urls = sorted(_bundle(site / "pagefind")["pages"])  # type: ignore[call-overload]
    if directory_urls:
        assert urls == ["/case-studies/minimal/", "/case-studies/other/"]
    else:
        assert urls == ["/case-studies/minimal.html", "/case-studies/other.html"]


def test_a_failed_build_leaves_no_scratch_folder(tmp_path: Path, scratch: Path) -> None:
    """The build fails after every page was made (and handed to the search source)."""
    page = "# Guide\n\n<script>document.title = 'injected'</script>\n"
    errors = build_error(make_project(tmp_path, STUDIES, content={"guide.md": page}))
    assert "These pages hold inline scripts" in errors
    assert list(scratch.iterdir()) == []


def test_no_search_index_no_scratch_folder(tmp_path: Path, scratch: Path) -> None:
    site = build(make_project(tmp_path, STUDIES, plugin={"search_index": False}))
    assert (site / "case-studies" / "minimal" / "index.html").is_file()
    assert not (site / "pagefind").exists()
    assert list(scratch.iterdir()) == []


def _titles(base: str) -> set[str]:
    """The titles of the pages the served full-text index holds (none while it is missing)."""
    try:
        bundle = read_pagefind(lambda path: urllib.request.urlopen(f"{base}{path}").read())
    except OSError:
        return set()
    return {fragment["meta"]["title"] for _, fragment in bundle["pages"].values()}


def _wait_for_titles(base: str, titles: set[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while _titles(base) != titles:
        assert time.monotonic() < deadline, f"{_titles(base)} != {titles}"
        time.sleep(0.2)


def test_a_preview_keeps_the_searchable_text_of_pages_it_does_not_make_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`./scripts/preview` makes again only the page an edit changed; the index still holds every
    case study, the edited one as edited. The scratch folder lasts until the preview stops."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    names = ["first", "second", "third"]
    studies = {
        f"{name}.md": MINIMAL.replace("cs-0100", f"cs-010{n}").replace(
            "A minimal case study", f"The {name} case study"
        )
        for n, name in enumerate(names, 1)
    }
    project = make_project(tmp_path, studies)
    port = _free_port()
    log, stats = tmp_path / "serve.log", tmp_path / "stats.json"
    server = _preview(project, port, log, stats=stats)
    base = f"http://127.0.0.1:{port}/{SEARCH_INDEXES['full'].folder}/"
    try:
        _wait_for_titles(base, {f"The {name} case study" for name in names})
        time.sleep(0.5)
        (project / "case_studies" / "first.md").write_text(
            studies["first.md"].replace("The first case study", "The edited case study"),
            encoding="utf-8",
        )
        _wait_for_titles(
            base, {"The edited case study", *(f"The {n} case study" for n in names[1:])}
        )
        assert (
            len([p for p in scratch.iterdir() if p.name.startswith("evidence-bank-search-")]) == 1
        )
    finally:
        _stop(server)
    text = log.read_text(encoding="utf-8")
    figures = json.loads(stats.read_text(encoding="utf-8"))
    assert 1 <= figures["pages_made"] < figures["pages"], figures
    assert not [p for p in scratch.iterdir() if p.name.startswith("evidence-bank-search-")], text


def test_a_dirty_build_indexes_the_pages_it_did_not_make_again(tmp_path: Path) -> None:
    """`mkdocs build --dirty` makes again only the pages whose source changed; the others are
    in the site folder from the build before, and in the index."""
    project = make_project(tmp_path, STUDIES)
    site = tmp_path / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")]
    command += ["-d", str(site)]
    subprocess.run(command, check=True, cwd=project)
    study = project / "case_studies" / "other.md"
    study.write_text(
        study.read_text("utf-8").replace("Another case study", "The edited case study"),
        encoding="utf-8",
    )
    subprocess.run([*command, "--dirty"], check=True, cwd=project, capture_output=True)
    bundle = _bundle(site / SEARCH_INDEXES["full"].folder)
    titles = {fragment["meta"]["title"] for _, fragment in bundle["pages"].values()}  # type: ignore[attr-defined]
    assert titles == {"A minimal case study", "The edited case study"}
