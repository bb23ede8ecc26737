"""What the plugin keeps between the rebuilds of one preview, so that after an edit only what
the edit changed is made again.

A preview is `mkdocs serve --dirty`, as `./scripts/preview` runs it: MkDocs keeps the site folder
between rebuilds and renders again only the pages whose file is newer than their output. The
plugin object lives as long as the server, with what it read (`catalog.ReadCache`: unchanged
case-study files are not read again), and with it a `Preview`, which keeps:

- the list pages, citations and redirects made (the `Renderer` memo): remade only when a case
  study in them changed, or a template or the vocabulary did;
- the generated pages as files on disk, rewritten only when they change;
- the open data and feeds (every case study is in them: the slowest files to make), as the
  first build made them;
- the theme's compiled templates.

Other case studies' "related" lists also stay as they were. `mkdocs build` makes everything
afresh: it is the source of truth.

`Preview.serve` adapts MkDocs' server to a preview. A draft kept outside `case_studies/` is
previewed through a folder of links (see `cli/preview.py`), and the operating system reports no
change in a folder when a file a link in it points to changes, so the folder each linked file
really is in is watched too, for changes to that file only. And when a rebuild fails (a draft
saved with a mistake), MkDocs keeps every request to the site waiting until a rebuild succeeds,
saying why only in the terminal; instead the preview answers each page with the problems, until
the next good build.
"""

from __future__ import annotations

import gc
import hashlib
import html
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from ..core.catalog import ReadCache
from ..core.model import CaseStudy
from ..core.render import Memo, Renderer
from . import THEME

log = get_plugin_logger(__name__)

EDITION = "\n<!-- evidence-bank edition: "
"""Starts the line a case study's page file ends with in a preview (see `Preview.edition`)."""


class Preview:
    """The state of one preview server, across its rebuilds."""

    def __init__(self) -> None:
        self.memo: Memo = {}
        self.building = False
        self._stash: str | None = None
        self._written: dict[str, str | bytes] = {}
        self._bank_wide: list[tuple[str, bytes]] = []
        self._theme: tuple[Any, Any] | None = None
        self._stamps: dict[str, str] = {}
        self._settings = ""
        self._digest = ""
        self.failure: bytes | None = None
        """The page served instead of the site's while the last rebuild has failed."""
        self.real_names: dict[str, str] = {}
        """Each linked case study as problems name it, and the file it links to."""
        # MkDocs warns on every dirty rebuild that links may be stale, which would stop a
        # strict preview; the plugin makes the pages an edit changes, and says what it leaves.
        logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)

    def read(self, reads: ReadCache, settings: list[Path]) -> None:
        """After the case studies are read: note their files' stamps, and forget the pages
        made before if anything in `settings` (vocabulary, templates) changed."""
        self._stamps = {
            path.name: "{}.{}.{}".format(*key) for path, (key, _) in reads.files.items()
        }
        stamp = " ".join(_stamp(path) for path in settings)
        if stamp != self._settings:
            self._settings = stamp
            self._digest = hashlib.blake2b(stamp.encode(), digest_size=8).hexdigest()
            self.memo = {}

    def edition(self, study: CaseStudy) -> str:
        """A line for the end of a case study's page file that changes whenever its source file
        or the settings do, so that the page is made again when its front matter changes, not
        only its story. The plugin removes it before MkDocs renders the story."""
        stamp = self._stamps.get(study.path.rsplit("/", 1)[-1], "-")
        return f"{EDITION}{self._digest} {stamp} -->\n"

    @staticmethod
    def without_edition(markdown: str) -> str | None:
        """A case study's page file as MkDocs read it, without the `edition` line (None if it
        has none)."""
        edition = markdown.rfind(EDITION)
        return markdown[:edition] if edition >= 0 else None

    def page_file(
        self, config: MkDocsConfig, src_uri: str, content: str, inclusion: InclusionLevel
    ) -> File:
        """A generated page, kept on disk and rewritten only when it changes: MkDocs compares
        the file's time with its output's."""
        if self._stash is None:
            self._stash = tempfile.mkdtemp(prefix="evidence-bank-preview-")
        path = os.path.join(self._stash, src_uri)
        if self.changed(path, content):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write(content)
        return File.generated(config, src_uri, abs_src_path=path, inclusion=inclusion)

    def downloads(self, renderer: Renderer) -> list[tuple[str, bytes]]:
        """The files to publish as they are, the open data and feeds as the first build made
        them."""
        if self._bank_wide:
            log.info("open data and feeds are as the preview's first build made them")
        else:
            self._bank_wide = renderer.bank_wide_downloads()
        return [*renderer.downloads(bank_wide=False), *self._bank_wide]

    def changed(self, key: str, content: str | bytes) -> bool:
        """Whether `content` differs from what was last written under `key` (noting it)."""
        before = self._written.get(key)
        if before is content or before == content:
            return False
        self._written[key] = content
        return True

    def theme(self, env: Any, config: MkDocsConfig) -> Any:
        """The theme's templates as compiled for an earlier rebuild (MkDocs compiles them anew
        each time), until a file in the theme's custom folder changes; None for `env`."""
        folders = [config.theme.custom_dir, str(THEME)]  # the site's and the plugin's
        files = sorted(path for folder in folders if folder for path in Path(folder).rglob("*"))
        stamp = (tuple(config.theme.dirs), tuple(_stamp(path) for path in files))
        if self._theme is not None and self._theme[0] == stamp:
            return self._theme[1]
        self._theme = (stamp, env)
        return None

    def collect_later(self) -> None:
        """Rebuilds run without Python's automatic garbage collection, which would stop one for
        half a second at a time to scan the thousands of pages held from the first build; it
        runs instead a moment after each build, unless another has started."""
        gc.disable()

        def collect() -> None:
            if not self.building:
                started = time.perf_counter()
                gc.collect()
                log.debug("garbage collected in %.2f s", time.perf_counter() - started)

        timer = threading.Timer(2.0, collect)
        timer.daemon = True
        timer.start()

    def serve(self, server: Any, case_studies: Path, root: Path) -> None:
        """Adapt MkDocs' server (see the module's notes): watch through the operating system's
        change notices, also the real folder of each linked case study, and show a failed
        rebuild's problems in the browser."""
        folder = case_studies.resolve()
        links = {entry: entry.resolve() for entry in case_studies.iterdir() if entry.is_symlink()}
        # Problems name a linked file by its place in the folder of links; the page names the
        # file the contributor edits.
        self.real_names = {_shown(entry, root): str(real) for entry, real in links.items()}
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
        serves again), and serve `failure` for every page while there is one. Uses the server's
        public `builder` and WSGI application; if they are not there, MkDocs' own behaviour
        stays."""
        builder: Callable[[], None] | None = getattr(server, "builder", None)
        get_app = getattr(server, "get_app", None)
        set_app = getattr(server, "set_app", None)
        if builder is None or get_app is None or set_app is None:
            return
        site = get_app()

        def build() -> None:
            said = _Said()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(said)
            try:
                builder()
            except Exception as error:
                log.debug("the rebuild failed", exc_info=True)
                self.failure = self.failure_page(_reasons(error, said.messages))
                log.error(
                    "The preview could not be built; its pages show why until a save fixes it."
                )
            else:
                self.failure = None
            finally:
                logger.removeHandler(said)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = str(environ.get("PATH_INFO", ""))
            failure = self.failure
            if failure is None or not path.endswith(("/", ".html")) or "/livereload/" in path:
                return site(environ, start_response)  # type: ignore[no-any-return]
            start_response(
                "500 Internal Server Error",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(failure))),
                    ("Cache-Control", "no-store"),
                    (FAILED_HEADER, "1"),
                ],
            )
            return [failure]

        server.builder = build
        set_app(app)

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

    def close(self) -> None:
        if self._stash is not None:
            shutil.rmtree(self._stash, ignore_errors=True)
            self._stash = None


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
    """A file as the case-study reader names it in problems: relative to the project root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "-"
    return f"{stat.st_size}.{stat.st_mtime_ns}"


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("A 'dirty' build is being performed")


def notice_changes_at_once(server: Any, only: dict[str, set[str]] | None = None) -> None:
    """MkDocs' live reload looks for changed files every half second, reading every file of
    the folders it watches each time (thousands of case studies). The operating system's own
    notices (inotify on Linux) say at once what changed. MkDocs has no setting for this, so the
    server's observer is swapped before it starts; if MkDocs' inner workings are not as
    expected, polling stays (it follows links, so it sees every change, only later).

    `only` maps folders to the names of the only files in them whose changes count (a draft in
    a folder of other files): a change to one is a change to it, or a file renamed to it, as an
    editor saves by writing a new file and renaming it over the old one."""
    counted = only or {}
    from watchdog import events
    from watchdog.observers import Observer

    watched = getattr(server, "_watched_paths", None)
    refs = getattr(server, "_watch_refs", None)
    watch: Callable[[str], None] | None = getattr(server, "watch", None)
    if not isinstance(watched, dict) or not isinstance(refs, dict) or watch is None:
        return
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
        watch(path)


class _OnlyFiles:
    """An event handler passing on only the events that touch files of the given names."""

    def __init__(self, handler: Any, names: set[str]) -> None:
        self.handler = handler
        self.names = names

    def dispatch(self, event: Any) -> None:
        touched = {os.path.basename(event.src_path), os.path.basename(event.dest_path or "")}
        if touched & self.names:
            self.handler.dispatch(event)
