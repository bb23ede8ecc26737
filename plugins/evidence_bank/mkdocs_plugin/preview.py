"""A preview (`mkdocs serve --dirty`, as `./scripts/preview` runs it) in MkDocs' terms: what a
rebuild makes again is decided in `core/preview.py` (which explains the preview); here MkDocs is
told it (`page_file`), and its live-reload server is adapted (`serve`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import DuplicateFilter

from ..core.catalog import Catalog
from ..core.preview import Preview, changes_observer
from ..core.render import GeneratedPage

NOTICES_FOR = ("1.5.", "1.6.")
"""MkDocs versions whose live-reload server `notice_changes_at_once` knows the inside of."""


class PreviewPage(File):
    """A generated page that MkDocs renders again only when `modified` (`page_file`)."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


def page_file(
    state: Preview,
    config: MkDocsConfig,
    page: GeneratedPage,
    catalog: Catalog,
    inclusion: InclusionLevel,
) -> File:
    """A generated page's file, `modified` if it changed or its output is gone (looked for once,
    here, not each time MkDocs asks). One unchanged and out of the navigation is the same file
    and page as in the last rebuild: MkDocs makes a `Page` only for a file without one (5,000
    case studies: 0.1 s a rebuild). Its anchors are forgotten, as none are known for a page not
    rendered (else `Bank.check_links` would make its shell to know them)."""
    changed = state.page_changed(page, catalog)
    made_with = (config.site_dir, config.use_directory_urls, config.site_url, config.repo_url)
    kept = state.kept_with((*made_with, config.edit_uri, config.edit_uri_template))
    file = kept.get(page.src_uri)
    if file is None or changed or file.page is None or not os.path.isfile(file.abs_dest_path):
        file = PreviewPage.generated(
            config, page.src_uri, content=page.content, inclusion=inclusion
        )
        assert isinstance(file, PreviewPage)
        file.modified = changed or not os.path.isfile(file.abs_dest_path)
        if inclusion is InclusionLevel.NOT_IN_NAV:
            kept[page.src_uri] = file
    else:
        file.modified, file.page.present_anchor_ids = False, None
    return file


def serve(state: Preview, server: Any, case_studies: Path, root: Path) -> None:
    """Watch through the operating system's change notices, also the real folder of each
    linked case study; show a failed rebuild's problems in the browser, through the server's
    public `builder` and WSGI application."""
    outside = state.linked(case_studies, root)
    notice_changes_at_once(server, outside)
    for parent in outside:
        server.watch(parent, recursive=False)
    builder = server.builder

    def build() -> None:
        # MkDocs' command line logs a message only the first time it is logged in the process
        # (`DuplicateFilter`): a mistake saved a second time would show as "Aborted with a
        # BuildError!". Each rebuild of a preview says all it found.
        for said in logging.getLogger("mkdocs.commands.build").filters:
            if isinstance(said, DuplicateFilter):
                said.msgs.clear()
        with state.showing_failures(_only_logged):
            builder()

    server.builder = build
    server.set_app(state.app(server.get_app()))


def _only_logged(error: Exception) -> bool:
    """Whether `error` only says that the errors already logged stopped the build."""
    return isinstance(error, Abort) and isinstance(error.__context__, BuildError)


def notice_changes_at_once(server: Any, only: dict[str, set[str]] | None = None) -> bool:
    """The server's polling observer swapped for one of change notices (`changes_observer`),
    before it starts: MkDocs has no setting for this. Returns whether it was.

    Hack: this reaches into the server's private `_watched_paths` and `_watch_refs`, so only on
    the MkDocs versions it is tested with (`NOTICES_FOR`; MkDocs 1.x is frozen); elsewhere
    polling stays (it follows links, so it sees every change, only later)."""
    watched, refs = getattr(server, "_watched_paths", None), getattr(server, "_watch_refs", None)
    known = mkdocs.__version__.startswith(NOTICES_FOR)
    if not (known and isinstance(watched, dict) and isinstance(refs, dict)):
        return False
    paths = list(watched)
    watched.clear()
    refs.clear()
    server.observer = changes_observer(only or {})
    for path in paths:
        server.watch(path)
    return True
