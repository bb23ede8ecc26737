"""A second process for a large `mkdocs build`: while MkDocs renders the pages on one core, it
makes on another what needs no MkDocs: the lists of case studies on generated pages
(`Renderer.list_html`), each case study's page shell (`Renderer.case_study_shell`), and the
downloads (`Renderer.downloads`), which it writes into the site itself.

Why it earns its place (measured on 2 cores, `./scripts/benchmark`): it takes 15-18% off the
build from about 500 case studies up (2,000: 25.2 s to 20.7 s; 10,000: 134 s to 110 s). Below
`THRESHOLD` the process costs more than it saves, and the build does the same work itself.

It is a standard `concurrent.futures.ProcessPoolExecutor` of one process, forked once the
plugin has read the case studies, so that it shares what was read rather than receiving it
(the plugin freezes the garbage collector's view of those objects first, so that the child's
collections do not touch, and so copy, them). The work is queued in the order the build needs
it: the lists, then the shells in chunks in page order, then the downloads. A shell whose chunk
is not done yet is made by the build itself, so the site does not depend on which process is
faster. Failures reach the build with the child's traceback; every wait has a timeout.

Only where forking is safe (`fork_is_safe`): Linux, and no other thread in the process (a
forked child of a threaded process can deadlock; `mkdocs serve` runs a server thread). macOS
has fork but its system libraries are not safe to use after it; Windows has none. Elsewhere
the plugin does everything in its own process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .model import CaseStudy
from .problems import Refusal
from .processes import fork_is_safe as fork_is_safe
from .render import Renderer, StudyShell

THRESHOLD = 500
"""Case studies from which a build makes its lists, shells and downloads in a second process."""

TIMEOUT = 1800.0
"""Seconds the build waits for any one piece of the second process's work."""

CHUNK = 100
"""Case-study shells per piece of work handed back to the build."""

AHEAD = 10
"""Chunks of shells asked for beyond the one whose pages are being made: enough to make pages
with while the second process writes the downloads (at 10,000 case studies, 5 were not: the
build made 400 shells itself), few enough to hold (1,000 shells, about 16 MB; 20 chunks
held 24 MB more, and so did the build's peak)."""

WAIT_VARIABLE = "EB_BACKGROUND_WAIT"
"""An environment variable that makes the build wait for each chunk of shells the second
process was asked for, instead of making a late chunk itself: for tests, which compare a site
made from the second process's shells with one made without it, however busy the machine."""

_T = TypeVar("_T")


def clash(authored: Mapping[str, str], path: str, kind: str = "file") -> str:
    """The problem of a generated file (or page) at `path`, where `authored` has a file."""
    return f"{authored[path]} would be overwritten by the generated {kind} {path}"


def write_downloads(
    downloads: Iterable[tuple[str, bytes]], site: Path, authored: Mapping[str, str]
) -> tuple[int, list[str]]:
    """Write each (path below the site root, bytes) into `site`, except over an authored file
    (`authored` maps its path below the site root to how it is shown). Returns the number of
    files written and a problem for each authored file that was in the way."""
    written, clashes, folders = 0, [], set()
    for path, data in downloads:
        if path in authored:
            clashes.append(clash(authored, path))
            continue
        target = site / path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(data)
        written += 1
    return written, clashes


@dataclass(frozen=True, slots=True)
class Report:
    """What the second process did, for the build's figures."""

    shells: int
    files: int
    seconds: float
    """The second process's own working time."""
    peak_mb: float | None
    """Its peak memory (None where the platform does not say)."""
    waited: float
    """How long the build waited for it: for its lists and for it to end."""
    clashes: list[str]


class BackgroundError(Refusal):
    """The second process failed; the message holds its traceback."""


@dataclass(frozen=True, slots=True)
class _Job:
    renderer: Renderer
    studies: list[CaseStudy]
    site: Path
    authored: Mapping[str, str]


_job: _Job | None = None
"""The work of the process about to be forked: set in the parent, inherited by the child."""


class Background:
    """The second process of one build, and its work in flight."""

    def __init__(
        self,
        renderer: Renderer,
        studies: list[CaseStudy],
        site: Path,
        authored: Mapping[str, str],
    ) -> None:
        global _job
        _job = _Job(renderer, studies, site, authored)
        self._asked: set[int] = set()
        try:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._lists = self.pool.submit(_lists)
            self._chunks = -(-len(studies) // CHUNK)
            self._shells: dict[int, Future[list[tuple[str, StudyShell]]]] = {}
            self._downloads: Future[tuple[float, int, list[str], float | None]] | None = None
            self._ask(0)
        finally:
            _job = None  # The child has its copy; the parent need not keep it.
        self._chunk = {study.slug: number // CHUNK for number, study in enumerate(studies)}
        self._ready: dict[str, StudyShell] = {}
        self.received = 0
        """Shells handed over so far."""
        self.waited = 0.0

    def lists(self) -> dict[str, tuple[str, ...]]:
        """`Renderer.list_html`, as the second process made it (waiting for it)."""
        return self._wait(self._lists)

    def _ask(self, first: int) -> None:
        """Ask for the chunks of shells from `first` to `AHEAD` beyond it: shells are asked for
        a little ahead of the pages being made, so that few wait in memory."""
        for number in range(first, min(first + AHEAD, self._chunks)):
            if number not in self._shells and number not in self._asked:
                self._asked.add(number)
                self._shells[number] = self.pool.submit(
                    _shells, number * CHUNK, (number + 1) * CHUNK
                )
        if self._downloads is None:
            # After the first shells: while the second process writes them, the build has
            # `AHEAD` chunks of shells to make its pages with.
            self._downloads = self.pool.submit(_downloads)

    def shell(self, study: CaseStudy) -> StudyShell | None:
        """The second process's shell for `study`, or None if it has not made it yet (the
        build then makes it itself). Each is asked for once: a chunk not made by the time its
        first page is reached is dropped, so that the second process does not make shells the
        build has made."""
        slug = study.slug
        shell = self._ready.pop(slug, None)
        if shell is not None:
            return shell
        number = self._chunk.pop(slug, -1)
        if number < 0:
            return None
        self._ask(number + 1)
        future = self._shells.pop(number, None)
        if future is None:
            return None
        if not future.done() and not os.environ.get(WAIT_VARIABLE):
            future.cancel()  # Not started: never made. Started: its shells are dropped.
            return None
        self._receive(future, slug)
        return self._ready.pop(slug, None)

    def _receive(self, future: Future[list[tuple[str, StudyShell]]], asked: str | None) -> None:
        """Keep the shells of a chunk that are still to be asked for (and `asked`'s)."""
        for made_slug, made in self._wait(future):
            self.received += 1
            if made_slug == asked or made_slug in self._chunk:
                self._ready[made_slug] = made

    def finish(self) -> Report:
        """Wait for the second process to end its work (shells asked for and not handed over
        yet are kept for `shell`); BackgroundError if it failed."""
        assert self._downloads is not None
        seconds, files, clashes, peak = self._wait(self._downloads)
        for number in list(self._shells):
            self._receive(self._shells.pop(number), None)
        self.pool.shutdown()
        return Report(self.received, files, seconds, peak, self.waited, clashes)

    def cancel(self) -> None:
        """Drop the work not started (the build failed); what is running ends by itself."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _wait(self, future: Future[_T]) -> _T:
        started = time.perf_counter()
        try:
            return future.result(timeout=TIMEOUT)
        except Exception as error:
            self.cancel()
            remote = error.__cause__  # The child's traceback, as text.
            detail = str(remote).strip() if remote is not None else ""
            raise BackgroundError(
                "The build's second process failed (it makes the lists of case studies, their "
                f"pages' shells and the downloads):\n{type(error).__name__}: {error}"
                + (f"\n{detail}" if detail else "")
            ) from None
        finally:
            self.waited += time.perf_counter() - started


_started = 0.0
"""When the second process began its work (in that process)."""


# -- in the second process ---------------------------------------------------------------------


def _current() -> _Job:  # pragma: no cover - runs in the second process
    assert _job is not None, "the background job is set only in a forked process"
    return _job


def _lists() -> dict[str, tuple[str, ...]]:  # pragma: no cover - runs in the second process
    global _started
    _started = time.perf_counter()
    return _current().renderer.list_html()


def _shells(start: int, stop: int) -> list[tuple[str, StudyShell]]:  # pragma: no cover
    job = _current()
    return [(study.slug, job.renderer.case_study_shell(study)) for study in job.studies[start:stop]]


def _downloads() -> tuple[float, int, list[str], float | None]:  # pragma: no cover
    job = _current()
    files, clashes = write_downloads(job.renderer.downloads(), job.site, job.authored)
    peak = None
    with contextlib.suppress(ImportError):  # Compat: `resource` is Unix only.
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return time.perf_counter() - _started, files, clashes, peak
