"""The plugin runs in one of three named modes (`core.build.Mode`), and leaves nothing global
changed when a build or a preview ends."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
from evidence_bank.core.build import Mode
from evidence_bank.core.preview import Preview
from evidence_bank.core.render import Lists

from tests.helpers import built_plugin, make_project


@pytest.mark.parametrize(
    ("command", "dirty", "mode"),
    [
        ("build", False, Mode.BUILD),
        ("gh-deploy", False, Mode.BUILD),
        ("build", True, Mode.BUILD),  # `mkdocs build --dirty` still makes everything
        ("serve", False, Mode.SERVE),
        ("serve", True, Mode.PREVIEW),
    ],
)
def test_each_command_has_one_mode(command: str, dirty: bool, mode: Mode) -> None:
    assert Mode.of(command, dirty) is mode


def test_what_each_mode_does() -> None:
    assert [m.lists for m in Mode] == [Lists.SET_ASIDE, Lists.SET_ASIDE, Lists.IN_MARKDOWN]
    assert [m.secures_pages for m in Mode] == [True, False, False]
    assert [m.checks_url_lock for m in Mode] == [True, False, False]
    assert Mode.BUILD.indexes_search(100_000, False)
    assert Mode.SERVE.indexes_search(300, None) and not Mode.SERVE.indexes_search(301, None)
    assert Mode.PREVIEW.indexes_search(5_000, True) and not Mode.PREVIEW.indexes_search(1, False)


def _filters() -> list[object]:
    return list(logging.getLogger("mkdocs.commands.build").filters)


def test_a_build_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    before = (gc.isenabled(), gc.get_freeze_count(), _filters())
    plugin = built_plugin(make_project(tmp_path))
    assert plugin.session.stats.case_studies == 1
    assert (gc.isenabled(), gc.get_freeze_count(), _filters()) == before


def test_a_preview_puts_back_what_it_changes() -> None:
    before = (gc.isenabled(), _filters())
    preview = Preview()
    assert len(_filters()) == len(before[1]) + 1  # MkDocs' warning on every dirty rebuild
    preview.begin()
    assert not gc.isenabled()  # no automatic collection during a rebuild
    preview.end()
    assert gc.isenabled() == before[0]
    preview.close()
    assert (gc.isenabled(), _filters()) == before


def test_a_preview_does_not_count_the_browsers_requests_as_build_warnings() -> None:
    # A strict rebuild counts every warning MkDocs logs while it runs; the server logs each
    # request not answered 200 (such as the failure page, which the browser keeps asking for)
    # as one, from its own threads.
    from mkdocs.livereload import log as server
    from mkdocs.utils import CountHandler

    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        preview = Preview()
        server.warning('"GET /case-studies/draft/ HTTP/1.1" code 500')
        assert counter.get_counts() == []
        preview.close()
        server.warning('"GET /case-studies/draft/ HTTP/1.1" code 500')
        assert counter.get_counts() == [("WARNING", 1)]
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
