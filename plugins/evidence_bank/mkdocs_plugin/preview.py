"""A preview (`mkdocs serve --dirty`, as `./scripts/preview` runs it) in MkDocs' terms: what a
rebuild makes again is decided in `core/preview.py`; here MkDocs is told it, and its server is
adapted. The log filter added here is removed when the server stops.

A draft kept outside `case_studies/` is previewed through a folder of links (`cli/preview.py`);
the operating system reports no change in a folder when a file a link in it points to changes,
so the folder each linked file really is in is watched too, for that file only. When a rebuild
fails (a draft saved with a mistake), MkDocs keeps every request waiting until a rebuild
succeeds, saying why only in the terminal; instead each page answers with the problems.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import DuplicateFilter

from ..core.catalog import Catalog
from ..core.preview import Preview
from ..core.render import GeneratedPage

NOTICES_FOR = ("1.5.", "1.6.")
"""MkDocs versions whose live-reload server `notice_changes_at_once` knows the inside of."""


class PreviewPage(File):
    """A generated page that MkDocs renders again only when `modified` (or its output is gone)."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified or not os.path.isfile(self.abs_dest_path)


class PreviewSession:
    """One preview server's life: the core's `Preview`, and MkDocs' side of it."""

    def __init__(self) -> None:
        self.state = Preview()
        # MkDocs warns on every dirty rebuild that links may be stale, which would stop a
        # strict preview; the plugin makes again every page an edit changes.
        logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)
        logging.getLogger("mkdocs.livereload").addFilter(_requests_not_warnings)

    def page_file(
        self, config: MkDocsConfig, page: GeneratedPage, catalog: Catalog, inclusion: InclusionLevel
    ) -> File:
        file = PreviewPage.generated(
            config, page.src_uri, content=page.content, inclusion=inclusion
        )
        assert isinstance(file, PreviewPage)
        file.modified = self.state.page_changed(page, catalog)
        return file

    def close(self) -> None:
        self.state.wait()
        logging.getLogger("mkdocs.commands.build").removeFilter(_not_dirty_warning)
        logging.getLogger("mkdocs.livereload").removeFilter(_requests_not_warnings)

    def serve(self, server: Any, case_studies: Path, root: Path) -> None:
        """Watch through the operating system's change notices, also the real folder of each
        linked case study; show a failed rebuild's problems in the browser, through the
        server's public `builder` and WSGI application."""
        outside = self.state.linked(case_studies, root)
        notice_changes_at_once(server, outside)
        for parent in outside:
            server.watch(parent, recursive=False)
        builder, state = server.builder, self.state

        def build() -> None:
            # MkDocs' command line logs a message only the first time it is logged in the
            # process (`DuplicateFilter`): a mistake saved a second time would show as "Aborted
            # with a BuildError!". Each rebuild of a preview says all it found.
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


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("A 'dirty' build is being performed")


_REQUEST = re.compile(r'(?:\[[0-9:]+\] )?"[A-Z]+ ')
"""A request's log line: `[12:00:00] "GET /page/ HTTP/1.1" code 500`."""


def _requests_not_warnings(record: logging.LogRecord) -> bool:
    """The server logs each request not answered 200 as a warning, from its own threads, and a
    strict build counts every warning logged while it runs: a browser waiting on the failure
    page (500) would stop each later rebuild of a strict site. They are about the browser's
    requests, not the build: logged as information."""
    if record.levelno == logging.WARNING and _REQUEST.match(str(record.msg)):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


def notice_changes_at_once(server: Any, only: dict[str, set[str]] | None = None) -> bool:
    """MkDocs' live reload looks for changed files every half second, reading every file of
    the folders it watches each time (thousands of case studies); the operating system's own
    notices (inotify on Linux) say at once what changed. MkDocs has no setting for this, so
    the server's observer is swapped before it starts. Returns whether it was.

    Hack: this reaches into the server's private `_watched_paths` and `_watch_refs`, so only on
    the MkDocs versions it is tested with (`NOTICES_FOR`; MkDocs 1.x is frozen); elsewhere
    polling stays (it follows links, so it sees every change, only later).

    `only` maps folders to the names of the only files in them whose changes count (a draft in
    a folder of other files): a change to one is a change to it, or a file renamed to it, as an
    editor saves by writing a new file and renaming it over the old one."""
    from watchdog import events
    from watchdog.observers import Observer

    counted = only or {}
    watched, refs = getattr(server, "_watched_paths", None), getattr(server, "_watch_refs", None)
    known = mkdocs.__version__.startswith(NOTICES_FOR)
    if not (known and isinstance(watched, dict) and isinstance(refs, dict)):
        return False
    # Only changes: the operating system also reports files being opened and read.
    changes = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent]
    changes += [events.FileMovedEvent, events.FileClosedEvent, events.DirCreatedEvent]
    changes += [events.DirDeletedEvent, events.DirMovedEvent]

    class ChangesOnly(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: Any, path: Any, **options: Any) -> Any:
            names = counted.get(os.path.abspath(path))
            if names is not None:
                handler = _OnlyFiles(handler, names)
            return super().schedule(handler, path, event_filter=changes, **options)

    paths = list(watched)
    watched.clear()
    refs.clear()
    server.observer = ChangesOnly()
    for path in paths:
        server.watch(path)
    return True


class _OnlyFiles:
    """An event handler passing on only the events that touch files of the given names."""

    def __init__(self, handler: Any, names: set[str]) -> None:
        self.handler = handler
        self.names = names

    def dispatch(self, event: Any) -> None:
        touched = {os.path.basename(event.src_path), os.path.basename(event.dest_path or "")}
        if touched & self.names:
            self.handler.dispatch(event)
