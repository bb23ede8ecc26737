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
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
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

    def close(self) -> None:
        if self._stash is not None:
            shutil.rmtree(self._stash, ignore_errors=True)
            self._stash = None


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "-"
    return f"{stat.st_size}.{stat.st_mtime_ns}"


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("A 'dirty' build is being performed")


def notice_changes_at_once(server: Any) -> None:
    """MkDocs' live reload looks for changed files every half second, reading every file of
    the folders it watches each time (thousands of case studies). The operating system's own
    notices (inotify on Linux) say at once what changed. MkDocs has no setting for this, so the
    server's observer is swapped before it starts; if MkDocs' inner workings are not as
    expected, polling stays."""
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
            return super().schedule(handler, path, event_filter=changes, **options)

    paths = list(watched)
    watched.clear()
    refs.clear()
    server.observer = ChangesOnly()
    for path in paths:
        watch(path)
