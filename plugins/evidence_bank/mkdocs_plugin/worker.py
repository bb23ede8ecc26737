"""A second process for `mkdocs build`: while MkDocs renders the pages on one core, it makes on
another what needs no MkDocs: the lists of case studies on generated pages
(`Renderer.list_html`), each case study's page shell (`Renderer.case_study_shell`), and the
downloads (`Renderer.downloads`), which it writes into the site itself.

The process is forked once the plugin has read the case studies, so it shares what was read
rather than reading or receiving it again (the plugin freezes Python's garbage collector's view
of those objects first, so that the worker's collections do not touch, and so copy, them all).
Lists and shells reach the build through a scratch folder, written whole before they appear.
The lists come first, in one file, which the build waits for when it first needs it (by then it
has rendered every page's markdown). A shell the worker has not made yet is made by the build
itself, so the site does not depend on which process is faster. Downloads are only ever
written by the worker, and the build waits for it before it ends.

Not used where the build's process runs other threads (`mkdocs serve`'s server, or a program
that builds in a thread), beside which a forked child can deadlock: there the build does the
same work in its own process (`Renderer` with its lists, then `write_downloads`).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.model import CaseStudy
from ..core.render import Renderer, StudyShell


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
    shells: int
    files: int
    seconds: float
    """The worker's own time, from fork to exit."""
    peak_mb: float
    waited: float
    """How long the build waited for the worker, for its lists and for it to end."""
    clashes: list[str]


class Worker:
    """The forked process and the scratch folder it hands its work over in."""

    def __init__(
        self,
        renderer: Renderer,
        studies: list[CaseStudy],
        site: Path,
        authored: Mapping[str, str],
    ) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="evidence-bank-worker-"))
        self.ended: tuple[int, Any] | None = None
        """The worker's wait status and resource use, once it has ended."""
        self.waited = 0.0
        """How long the build has waited for the worker."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker; its effects are tested
            _work(renderer, studies, site, authored, self.scratch)
        self.pid: int | None = pid

    def lists(self) -> dict[str, tuple[str, ...]]:
        """`Renderer.list_html`, as the worker made it; waits for it, and raises RuntimeError
        if the worker ended without making it."""
        path = self.scratch / "lists.pickle"
        waiting = time.perf_counter()
        while not path.exists():
            if self._ended():
                raise RuntimeError(self._failure())
            time.sleep(0.01)
        self.waited += time.perf_counter() - waiting
        lists: dict[str, tuple[str, ...]] = pickle.loads(path.read_bytes())
        return lists

    def shell(self, study: CaseStudy) -> StudyShell | None:
        """The worker's shell for `study`, or None if it has not made it yet."""
        path = self.scratch / f"shell-{study.slug}.pickle"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        path.unlink()
        shell: StudyShell = pickle.loads(data)
        return shell

    def finish(self) -> Report:
        """Wait for the worker to end; raise RuntimeError with its traceback if it failed."""
        assert self.pid is not None
        waiting = time.perf_counter()
        if self.ended is None:
            _, status, usage = os.wait4(self.pid, 0)
            self.ended = (status, usage)
        self.waited += time.perf_counter() - waiting
        status, usage = self.ended
        self.pid = None
        try:
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError(self._failure())
            done = json.loads((self.scratch / "report.json").read_text(encoding="utf-8"))
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return Report(
            done["shells"],
            done["files"],
            done["seconds"],
            usage.ru_maxrss / 1024,
            self.waited,
            done["clashes"],
        )

    def stop(self) -> None:
        """End the worker early (the build failed) and remove its scratch folder."""
        if self.pid is not None and self.ended is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        self.pid = None
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _ended(self) -> bool:
        """Whether the worker has ended (noting how, for `finish`), without waiting."""
        if self.ended is None and self.pid is not None:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.ended = (status, usage)
        return self.ended is not None

    def _failure(self) -> str:
        error = self.scratch / "error"
        if error.exists():
            return error.read_text(encoding="utf-8")
        status = self.ended[0] if self.ended is not None else "unknown"
        return f"the worker process ended with status {status}"


def _work(
    renderer: Renderer,
    studies: list[CaseStudy],
    site: Path,
    authored: Mapping[str, str],
    scratch: Path,
) -> None:  # pragma: no cover - runs in the worker
    code = 1
    try:
        started = time.perf_counter()
        lists = scratch / "lists.part"
        lists.write_bytes(pickle.dumps(renderer.list_html(), protocol=5))
        os.replace(lists, scratch / "lists.pickle")
        for number, study in enumerate(studies):
            made = scratch / f"{number}.part"
            made.write_bytes(pickle.dumps(renderer.case_study_shell(study), protocol=5))
            os.replace(made, scratch / f"shell-{study.slug}.pickle")
        files, clashes = write_downloads(renderer.downloads(), site, authored)
        report = {
            "shells": len(studies),
            "files": files,
            "clashes": clashes,
            "seconds": time.perf_counter() - started,
        }
        (scratch / "report.json").write_text(json.dumps(report), encoding="utf-8")
        code = 0
    except BaseException:
        with contextlib.suppress(BaseException):
            (scratch / "error").write_text(traceback.format_exc(), encoding="utf-8")
    finally:
        os._exit(code)
