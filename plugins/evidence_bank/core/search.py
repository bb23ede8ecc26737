"""The search indexes Pagefind builds from the published case studies."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .problems import Refusal


@dataclass(frozen=True)
class SearchIndex:
    """One Pagefind index of the case studies: where it is written in the site and what it reads."""

    folder: str
    root_selector: str | None
    """The element Pagefind reads instead of the page's `data-pagefind-body`, if any."""


SEARCH_INDEXES = {
    # Titles, summaries and key facts only (the `.eb-card` at the top of each case study): small,
    # so the first results of any search cost little even in a bank of thousands.
    "summary": SearchIndex("pagefind-summary", ".eb-card"),
    # Every word of every case study: loaded after the first results are on the screen.
    "full": SearchIndex("pagefind", None),
}
"""The search indexes the build writes, and the search page reads."""


class SearchError(Refusal):
    """Pagefind could not index the site; the message holds what it said."""


def index(site: Path) -> float | None:
    """Pagefind reads the built pages and writes each search index (`SEARCH_INDEXES`) into the
    site; the indexes are built side by side, one Pagefind process each. Returns the highest
    peak memory of those processes, in MB (from their own resource use), where the platform
    says."""
    running = []
    failures = []
    peak = None
    with contextlib.ExitStack() as stack:
        for index in SEARCH_INDEXES.values():
            command = [sys.executable, "-m", "pagefind", "--site", str(site)]
            command += ["--output-subdir", index.folder, "--silent"]
            if index.root_selector:
                command += ["--root-selector", index.root_selector]
            errors = stack.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
            running.append((process, errors))
        for process, errors in running:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                peak = max(peak or 0.0, usage.ru_maxrss / 1024)
            else:  # Compat: no wait4 (Windows): no peak memory to report.
                process.wait()
            if process.returncode != 0:
                errors.seek(0)
                failures.append(errors.read().decode("utf-8", "replace"))
    if failures:
        raise SearchError("Pagefind could not index the site:\n" + "\n".join(failures))
    return peak
