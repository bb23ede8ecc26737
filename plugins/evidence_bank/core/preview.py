"""What a preview keeps between its rebuilds, so that after an edit only what the edit changed
is made again, and everything else stays as it was made, up to date.

A preview is `mkdocs serve --dirty`, as `./scripts/preview` runs it: MkDocs keeps the site
folder between rebuilds and renders again only the pages it is told changed. The adapter asks
`Preview.changed` for each generated page, keyed on what the page is made from:

- a case study's page: its file's stamp (inode, size, modification time, as read), its story,
  its related case studies, and the settings (vocabulary, templates);
- a list page: its markdown, made again only when a case study in it changed (the `Renderer`
  memo), or the settings did;
- every download (open data, feeds, citations, redirects): its bytes, written after the page is
  served (`Preview.write_later`), only the files that changed.

`mkdocs build` makes everything afresh: it is the source of truth.

A draft kept outside `case_studies/` is previewed through a folder of links (`cli/preview.py`);
the operating system reports no change in a folder when a file a link in it points to changes,
so the folder each linked file really is in is watched too, for that file only
(`Preview.linked`, `changes_observer`). When a rebuild fails (a draft saved with a mistake),
MkDocs keeps every request waiting until a rebuild succeeds, saying why only in the terminal;
instead each page answers with the problems (`Preview.showing_failures`, `Preview.app`).

MkDocs is not imported here: the adapter (`mkdocs_plugin/preview.py`) tells MkDocs which pages
changed and hands its server to these pieces. The log filters a preview adds to MkDocs' loggers
(by name) are removed when it closes.
"""

from __future__ import annotations

import contextlib
import gc
import html
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from .catalog import Catalog, ReadCache
from .problems import shown
from .render import GeneratedPage, Memo


class Preview:
    """The state of one preview, across its rebuilds."""

    def __init__(self) -> None:
        self.memo: Memo = {}
        """What the last rebuild's Renderer made (`Renderer.memo`)."""
        self.real_names: dict[str, str] = {}
        """Each linked case study as problems name it, and the file it links to."""
        self.failure: bytes | None = None
        """The page served instead of the site's while the last rebuild has failed."""
        self._written: dict[str, Any] = {}
        self._stamps: dict[str, tuple[int, int, int]] = {}
        self._settings = ""
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
        self.templates = TemplateCache()
        """The theme's templates, compiled once for the preview's life."""
        self.building = False
        self._collector = True
        self._cancelled = False
        self.kept: dict[str, Any] = {}
        """What the adapter keeps of the pages not made again (MkDocs' page files), by src_uri."""
        self._kept_with: tuple[Any, ...] = ()
        # MkDocs warns on every dirty rebuild that links may be stale, which would stop a
        # strict preview; the plugin makes again every page an edit changes.
        logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)
        logging.getLogger("mkdocs.livereload").addFilter(_requests_not_warnings)

    def close(self) -> None:
        """The preview ends: its last downloads written, MkDocs' loggers as they were."""
        try:
            self.wait()
        finally:
            logging.getLogger("mkdocs.commands.build").removeFilter(_not_dirty_warning)
            logging.getLogger("mkdocs.livereload").removeFilter(_requests_not_warnings)

    def begin(self) -> None:
        """A rebuild starts: the last one's downloads, if still being written, stopped at the
        next file (this rebuild writes every one that differs from what was written); no
        automatic garbage collection meanwhile (it would stop the rebuild for half a second at
        a time to scan the pages held from the first build)."""
        self._cancelled = True
        self.building = True
        try:
            self.wait()
        finally:
            self._cancelled = False
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

    def read(self, reads: ReadCache, settings: Iterable[Path | None]) -> Memo:
        """After the case studies are read: note their files' stamps; forget every page made
        before if anything in `settings` (the vocabulary, folders of templates) changed.
        Returns what the last rebuild made, for this one (`Renderer.memo`)."""
        self._stamps = {path.name: key for path, (key, _) in reads.files.items()}
        files = []
        for path in (path for path in settings if path is not None):
            files += sorted(path.rglob("*.*")) if path.is_dir() else [path]
        stamp = " ".join(_stamp(path) for path in files)
        if stamp != self._settings:
            self._settings = stamp
            self.memo = {}
            self._written = {}
        return self.memo

    def page_changed(self, page: GeneratedPage, catalog: Catalog) -> bool:
        """Whether a generated page must be made again (noting what it is made from)."""
        study = page.study
        if study is None:
            return self.changed(page.src_uri, page.content)
        stamp = self._stamps.get(study.path.rsplit("/", 1)[-1])
        related = catalog.related.get(study.slug, ())
        return self.changed(page.src_uri, (stamp, study.body, related))

    def kept_with(self, settings: tuple[Any, ...]) -> dict[str, Any]:
        """`kept`, forgotten first if any of the `settings` its pages were made with changed."""
        if settings != self._kept_with:
            self.kept, self._kept_with = {}, settings
        return self.kept

    def linked(self, case_studies: Path, root: Path) -> dict[str, set[str]]:
        """For a draft previewed through a folder of links (`cli/preview.py`): the folders the
        linked files really are in, outside `case_studies`, with those files' names. Problems
        name a linked file by its place in the folder of links; the failure page names the file
        the contributor edits."""
        links = {entry: entry.resolve() for entry in case_studies.iterdir() if entry.is_symlink()}
        self.real_names = {shown(entry, root): str(real) for entry, real in links.items()}
        outside: dict[str, set[str]] = {}
        for real in links.values():
            if real.parent != case_studies.resolve():
                outside.setdefault(str(real.parent), set()).add(real.name)
        return outside

    def changed(self, key: str, value: Any) -> bool:
        """Whether `value` differs from what was noted under `key` last time (noting it)."""
        before = self._written.get(key)
        if before is value or before == value:
            return False
        self._written[key] = value
        return True

    def write_later(self, write: Callable[[Callable[[str, bytes], bool]], None]) -> None:
        """Run `write(changed)` in a thread, once this rebuild's pages are served: the downloads
        (at 5,000 case studies, the open data and feeds take 2 to 3 s to make). `wait` joins it;
        `begin` stops it first, so that a save made while it runs is previewed at once rather
        than after it (a download is noted as written only as it is written)."""
        self.wait()

        def changed(key: str, value: Any) -> bool:
            if self._cancelled:
                raise _Cancelled
            return self.changed(key, value)

        def run() -> None:
            try:
                write(changed)
            except _Cancelled:
                pass
            except BaseException as error:  # Reported by the next rebuild (`wait`).
                self._error = error

        self._writer = threading.Thread(target=run, name="evidence-bank-downloads", daemon=True)
        self._writer.start()

    def wait(self) -> None:
        """Wait for the downloads of the last rebuild; raise what stopped them, if anything."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        error, self._error = self._error, None
        if error is not None:
            raise error

    def failure_page(self, messages: list[str]) -> bytes:
        """The page served while the preview cannot be built: every problem (each file named as
        the contributor knows it), escaped, and a script that reloads the page once the preview
        builds again."""
        lines = []
        for message in dict.fromkeys(messages):  # Once each, in order.
            for line in message.splitlines():
                shown, colon, rest = line.partition(":")
                lines.append(self.real_names.get(shown, shown) + colon + rest)
        problems = html.escape("\n".join(lines))
        return FAILURE_PAGE.format(problems=problems, header=FAILED_HEADER).encode("utf-8")

    @contextlib.contextmanager
    def showing_failures(self, logged: Callable[[Exception], bool]) -> Iterator[None]:
        """Run a rebuild: if it fails, `failure` becomes the page showing why (what it logged
        as warnings and errors, and the error unless `logged(error)`: the error only says that
        the problems logged stopped the build); else there is no failure."""
        said = _Said()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(said)
        try:
            yield
        except Exception as error:
            problems = said.messages
            if not (logged(error) and problems):
                known = type(error).__module__.startswith("mkdocs")
                reason = str(error) if known else f"{type(error).__name__}: {error}"
                problems = [
                    *problems,
                    reason if known else f"An unexpected error stopped the build ({reason})",
                ]
            self.failure = self.failure_page(problems)
            logger.error(
                "The preview could not be built; its pages show why until a save fixes it."
            )
        else:
            self.failure = None
        finally:
            logger.removeHandler(said)

    def app(self, site: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """The server's WSGI application `site`, answering each page with the failure page
        while there is one."""

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = str(environ.get("PATH_INFO", ""))
            failure = self.failure
            if failure is None or not path.endswith(("/", ".html")) or "/livereload/" in path:
                return site(environ, start_response)
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
            headers += [("Content-Length", str(len(failure))), (FAILED_HEADER, "1")]
            start_response("500 Internal Server Error", headers)
            return [failure]

        return app


class _Cancelled(Exception):
    """Stops the writing of a rebuild's downloads when the next rebuild starts."""


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


def changes_observer(only: dict[str, set[str]]) -> Any:
    """A watchdog observer of the operating system's change notices (inotify on Linux), for
    MkDocs' live reload, which otherwise looks for changed files every half second, reading
    every file of the folders it watches each time (thousands of case studies): the notices say
    at once what changed. Only changes count: the operating system also reports files being
    opened and read.

    `only` maps folders to the names of the only files in them whose changes count (a draft in
    a folder of other files): a change to one is a change to it, or a file renamed to it, as an
    editor saves by writing a new file and renaming it over the old one."""
    from watchdog import events
    from watchdog.observers import Observer

    changes = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent]
    changes += [events.FileMovedEvent, events.FileClosedEvent, events.DirCreatedEvent]
    changes += [events.DirDeletedEvent, events.DirMovedEvent]

    class ChangesOnly(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: Any, path: Any, **options: Any) -> Any:
            names = only.get(os.path.abspath(path))
            if names is not None:
                handler = _OnlyFiles(handler, names)
            return super().schedule(handler, path, event_filter=changes, **options)

    return ChangesOnly()


class _OnlyFiles:
    """An event handler passing on only the events that touch files of the given names."""

    def __init__(self, handler: Any, names: set[str]) -> None:
        self.handler = handler
        self.names = names

    def dispatch(self, event: Any) -> None:
        touched = {os.path.basename(event.src_path), os.path.basename(event.dest_path or "")}
        if touched & self.names:
            self.handler.dispatch(event)


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


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept across rebuilds (MkDocs makes a new Jinja environment for each);
    Jinja checks each template's source against its checksum before it uses the code."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "-"
    return f"{path}:{stat.st_size}.{stat.st_mtime_ns}"


FAILED_HEADER = "X-Evidence-Bank-Preview-Failed"
"""Marks the page served while the preview cannot be built, so that the page can tell when the
preview builds again."""

FAILURE_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The preview could not be built</title>
<style>
body {{ font-family: system-ui, sans-serif; line-height: 1.5; margin: 2rem auto;
  max-width: 60rem; padding: 0 1rem; }}
pre {{ background: #fdf0ef; border-left: 4px solid #b3261e; padding: 1rem;
  white-space: pre-wrap; }}
</style>
</head>
<body>
<main>
<h1>The preview could not be built</h1>
<p>The site cannot be built from the files as they are now saved:</p>
<pre>{problems}</pre>
<p>Each line names the file and line, the field, what is there and what is expected.
Fix the file and save it: this page reloads by itself once the preview builds again.
<code>./scripts/validate</code> lists the same problems.</p>
</main>
<script>
(function wait() {{
  setTimeout(function () {{
    fetch(location.href, {{ cache: "no-store" }}).then(function (response) {{
      if (response.headers.get("{header}")) {{ wait(); }} else {{ location.reload(); }}
    }}, wait);
  }}, 1000);
}})();
</script>
</body>
</html>
"""
