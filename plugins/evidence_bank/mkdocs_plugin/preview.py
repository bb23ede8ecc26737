"""A preview (`mkdocs serve --dirty`, as `./scripts/preview` runs it) in MkDocs' terms: what a
rebuild makes again is decided in `core/preview.py`; here MkDocs is told it, and its server is
adapted. Everything changed here is put back: the garbage collector when a rebuild ends, the
log filter when the server stops.

A draft kept outside `case_studies/` is previewed through a folder of links (`cli/preview.py`);
the operating system reports no change in a folder when a file a link in it points to changes,
so the folder each linked file really is in is watched too, for that file only. When a rebuild
fails (a draft saved with a mistake), MkDocs keeps every request waiting until a rebuild
succeeds, saying why only in the terminal; instead each page answers with the problems.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from ..core.catalog import Catalog
from ..core.preview import FAILED_HEADER, Preview
from ..core.render import GeneratedPage

log = get_plugin_logger(__name__)

NOTICES_FOR = ("1.5.", "1.6.")
"""MkDocs versions whose live-reload server `notice_changes_at_once` knows the inside of."""


class PreviewPage(File):
    """A generated page that MkDocs renders again only when `modified` (or its output is gone)."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified or not os.path.isfile(self.abs_dest_path)


class TemplateCache(jinja2.BytecodeCache):
    """The theme's templates compiled once for the preview's life (MkDocs makes a new Jinja
    environment every rebuild); Jinja checks each template's source against its checksum."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class PreviewSession:
    """One preview server's life: the core's `Preview` and MkDocs' side of it."""

    def __init__(self) -> None:
        self.state = Preview()
        self.templates = TemplateCache()
        self.building = False
        self._collector = True
        # MkDocs warns on every dirty rebuild that links may be stale, which would stop a
        # strict preview; the plugin makes again every page an edit changes.
        logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)

    def begin(self) -> None:
        """A rebuild starts: the last one's downloads written first; no automatic garbage
        collection meanwhile (it would stop the rebuild for half a second at a time to scan the
        pages held from the first build)."""
        self.building = True
        self.state.wait()
        self._collector = gc.isenabled()
        gc.disable()

    def end(self) -> None:
        """A rebuild ended: the collector as it was, and a collection once the page is served,
        unless another rebuild has started."""
        if not self.building:
            return
        self.building = False
        if self._collector:
            gc.enable()
        timer = threading.Timer(2.0, lambda: None if self.building else gc.collect())
        timer.daemon = True
        timer.start()

    def page_file(
        self, config: MkDocsConfig, page: GeneratedPage, catalog: Catalog, inclusion: InclusionLevel
    ) -> File:
        file = PreviewPage.generated(
            config, page.src_uri, content=page.content, inclusion=inclusion
        )
        assert isinstance(file, PreviewPage)
        study = page.study
        if study is None:
            file.modified = self.state.changed(page.src_uri, page.content)
        else:
            related = catalog.related.get(study.slug, ())
            file.modified = self.state.study_changed(page.src_uri, study, related)
        return file

    def cache_templates(self, env: jinja2.Environment) -> None:
        env.bytecode_cache = self.templates

    def close(self) -> None:
        self.state.wait()
        logging.getLogger("mkdocs.commands.build").removeFilter(_not_dirty_warning)

    def serve(self, server: Any, case_studies: Path, root: Path) -> None:
        """Watch through the operating system's change notices, also the real folder of each
        linked case study, and show a failed rebuild's problems in the browser."""
        folder = case_studies.resolve()
        links = {entry: entry.resolve() for entry in case_studies.iterdir() if entry.is_symlink()}
        # Problems name a linked file by its place in the folder of links; the page names the
        # file the contributor edits.
        self.state.real_names = {_shown(entry, root): str(real) for entry, real in links.items()}
        outside: dict[str, set[str]] = {}
        for real in links.values():
            if real.parent != folder:
                outside.setdefault(str(real.parent), set()).add(real.name)
        notice_changes_at_once(server, outside)
        for parent in outside:
            server.watch(parent, recursive=False)
        self._show_failures(server)

    def _show_failures(self, server: Any) -> None:
        """Rebuild through `build`, which notes a failure instead of raising it (so that MkDocs
        serves again), and serve the failure page for every page while there is one. Uses the
        server's public `builder` and WSGI application."""
        builder: Callable[[], None] = server.builder
        site = server.get_app()
        state = self.state

        def build() -> None:
            said = _Said()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(said)
            try:
                builder()
            except Exception as error:
                log.debug("the rebuild failed", exc_info=True)
                state.failure = state.failure_page(_reasons(error, said.messages))
                log.error(
                    "The preview could not be built; its pages show why until a save fixes it."
                )
            else:
                state.failure = None
            finally:
                logger.removeHandler(said)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = str(environ.get("PATH_INFO", ""))
            failure = state.failure
            if failure is None or not path.endswith(("/", ".html")) or "/livereload/" in path:
                return site(environ, start_response)  # type: ignore[no-any-return]
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
            headers += [("Content-Length", str(len(failure))), (FAILED_HEADER, "1")]
            start_response("500 Internal Server Error", headers)
            return [failure]

        server.builder = build
        server.set_app(app)


class _Said(logging.Handler):
    """Keeps what a build warns of and refuses, to show it in the failure page: only what the
    thread building logs (the server's threads log requests for missing files meanwhile)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def _reasons(error: Exception, said: list[str]) -> list[str]:
    """Why a build failed: what it logged, and the error that stopped it unless that only says
    a build error (already logged) stopped it."""
    if isinstance(error, Abort) and isinstance(error.__context__, BuildError) and said:
        return said
    if type(error).__module__.startswith("mkdocs"):
        return [*said, str(error)]
    return [*said, f"An unexpected error stopped the build ({type(error).__name__}: {error})"]


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("A 'dirty' build is being performed")


def notice_changes_at_once(server: Any, only: dict[str, set[str]] | None = None) -> bool:
    """MkDocs' live reload looks for changed files every half second, reading every file of
    the folders it watches each time (thousands of case studies). The operating system's own
    notices (inotify on Linux) say at once what changed. MkDocs has no setting for this, so
    the server's observer is swapped before it starts.

    Hack: this reaches into the server's private `_watched_paths` and `_watch_refs`, so only on
    the MkDocs versions it is tested with (`NOTICES_FOR`; MkDocs 1.x is frozen); elsewhere
    polling stays (it follows links, so it sees every change, only later). Returns whether
    the observer was swapped.

    `only` maps folders to the names of the only files in them whose changes count (a draft in
    a folder of other files): a change to one is a change to it, or a file renamed to it, as an
    editor saves by writing a new file and renaming it over the old one."""
    counted = only or {}
    from watchdog import events
    from watchdog.observers import Observer

    watched = getattr(server, "_watched_paths", None)
    refs = getattr(server, "_watch_refs", None)
    if not mkdocs.__version__.startswith(NOTICES_FOR):
        return False
    if not isinstance(watched, dict) or not isinstance(refs, dict):
        return False
    # Only changes: the operating system also reports files being opened and read, as the
    # build itself does.
    changes: list[type[events.FileSystemEvent]] = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,
        events.DirCreatedEvent,
        events.DirDeletedEvent,
        events.DirMovedEvent,
    ]

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
