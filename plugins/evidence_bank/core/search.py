"""The search indexes Pagefind builds from the published case studies, and what it reads for them.

Pagefind used to read the whole built site, once for each index: every page of it (list pages,
redirects and all), 827 MB at 10,000 case studies, to keep only the case-study pages. Now, while
the site is built, each page that has a `data-pagefind-body` is handed to a `SearchSource`,
which writes its searchable part (a "lean page": about half of it) into a scratch folder, at the
same path as the page in the site, so that Pagefind gives it the same address. Both indexes then
read that folder (`index`); each part of an index in parts reads a folder of its own pages, linked
to the same files.

Measured on synthetic banks (Pagefind 1.5.2, 2 cores shared with other work, so wall times
vary by half; CPU time varies less), both indexes side by side, the old way and the new
alternately on the same built site:

    case studies   Pagefind over the whole site        over lean pages
     2,000         10-14 s, CPU 15 s, 829 MB            7-11 s, CPU 11 s, 771 MB
    10,000         48-117 s, CPU 68-76 s, 4.1 GB        34-74 s, CPU 51-56 s, 3.9 GB

In whole builds, alternately: the index took 10.1 s on average, then 7.9 s, at 2,000 case
studies; 48.5 and 57.0 s, then 36.1 and 46.1 s, at 10,000. Keeping the lean pages costs the
build's own thread 0.3 s at 2,000 case studies and 2 to 5 s at 10,000 (cutting them, and waiting
when the thread that writes them falls behind a busy disk). The first search downloads the same
files as before (the indexes are the same).

Pagefind's memory is nearly all the index's own data, not what it reads: while it reads the
pages it keeps every word's positions (1.2 GB at 10,000 case studies), copies them all to group
the pages by language (2.1 GB) and again to build the index (3.7 GB). It grows with the pages
indexed, about 390 KB a case study for the full text and 60 KB for the summary (`--force-language`
and cards alone change neither), so 100,000 case studies in one index would need about 40 GB.
Its time is mostly in that indexing (stemming every word, writing a compressed fragment per page
per index): lean pages with their ignored parts (`data-pagefind-ignore`) cut out as well saved
nothing more.

So the full-text index is made in parts (`parts`): each part is a Pagefind index of its own, of
at most 1,000 case studies (394 MB of memory), run two at a time, and the search page merges
them (Pagefind's `mergeIndex`). A search then runs over every part and ranks the results of all
of them together; each part weighs a word by how rare it is in that part, not in the whole bank,
which shifts the order of results a little where parts differ (the parts are consecutive in the
order of the pages' paths, so each is a broad mix). The summary index stays in one part, so a
first search still loads one list of pages; it is the largest Pagefind process up to about
15,000 case studies (610 MB at 10,000).

In a build (`SearchSource.index_ahead`), each part is made as soon as its pages are written
(the parts are then the pages in the order the build made them), one at a time, at a low
priority, so it uses what the build leaves of the machine; the build then waits only for the
parts not begun and the summary. Measured with `./scripts/benchmark --before` at 10,000 case
studies, on 2 cores: the build waited 17.5 s for Pagefind (47.7 s before the parts, when
Pagefind read the whole site twice); the largest Pagefind process took 610 MB and all of them
at most 997 MB at once (3.9 GB before). The search page's first search downloads the same
195 KB; the full-text stage makes one more request for each part (its list of pages, 11 KB, and
the word's chunk).

One folder serves both indexes: the summary index reads only the card (`--root-selector`) of
the same lean pages. A second folder of cards alone saved the summary index 1 s of its 6 s at
10,000 case studies, on the other core, beside the full-text index's 35 s or more: not worth a
second file per page.

A lean page is cut so that Pagefind reads from it exactly what it read from the whole page (the
indexes' files are byte-identical but for those Pagefind orders at random, upstream
Pagefind/pagefind#638): the `<html>` start tag (its language), the `<title>`, and the page from
its first `data-pagefind-body` element to its end. What comes before that body is left out:
Pagefind ignores text outside the body, and the only things it would take from there are a
`data-pagefind-*` attribute or the first `<h1>` (the title); a page with either there is copied
whole instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .problems import Refusal


@dataclass(frozen=True)
class SearchIndex:
    """One Pagefind index of the case studies: where it is written in the site, what it reads,
    and how many pages one Pagefind process indexes for it at most (see `parts`)."""

    folder: str
    root_selector: str | None
    """The element Pagefind reads instead of the page's `data-pagefind-body`, if any."""
    pages_per_part: int | None
    """The most pages one part of the index holds (a bank with more is indexed in parts, and
    `PARTS_FILE` lists them), or None for an index always in one part."""


SEARCH_INDEXES = {
    # Titles, summaries and key facts only (the `.eb-card` at the top of each case study): small,
    # so the first results of any search cost little even in a bank of thousands. Always in one
    # part, so a first search loads one list of pages and nothing else. Pagefind's memory for it
    # grows by about 60 KB a case study (610 MB at 10,000).
    "summary": SearchIndex("pagefind-summary", ".eb-card", None),
    # Every word of every case study: loaded after the first results are on the screen. In parts
    # of 1,000 case studies at most, about 400 MB of Pagefind's memory each.
    "full": SearchIndex("pagefind", None, 1_000),
}
"""The search indexes the build writes, and the search page reads."""

PARTS_FILE = "parts.json"
"""In the folder of an index that may have parts: the folders of its other parts, relative to it
(`["part-2/", ...]`, `[]` for an index in one part), which the search page merges into the first
part (Pagefind's `mergeIndex`)."""

PAGES_PER_PART_VARIABLE = "EB_SEARCH_PART_PAGES"
"""An environment variable that sets the most pages per part of every index that may have parts
(for tests and measuring: parts show in a bank of a few case studies with a small number)."""


def parts(pages: Sequence[str], most: int) -> list[list[str]]:
    """`pages` (paths below the site root) split in order into the fewest parts of at most
    `most` pages, as even as can be (1,001 pages in parts of 1,000 are parts of 501 and 500)."""
    ordered = sorted(pages)
    count = max(1, -(-len(ordered) // max(1, most)))
    size, extra = divmod(len(ordered), count)
    split, start = [], 0
    for number in range(count):
        end = start + size + (1 if number < extra else 0)
        split.append(ordered[start:end])
        start = end
    return split


PAGEFIND = (sys.executable, "-m", "pagefind")
"""The command that runs Pagefind (the `pagefind` package's own binary)."""

_BODY = "data-pagefind-body"
_HTML = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
# A start tag and its attributes, quoted values included (a `>` may be inside one).
_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ATTRIBUTE_NAMES = re.compile(r"""\s([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
# What Pagefind takes from outside the body: its attributes anywhere, the first h1 as the title.
_READ_OUTSIDE_BODY = ("data-pagefind-", "<h1")


def _body_start(page: str) -> int | None:
    """Where the first element with a `data-pagefind-body` attribute starts, if there is one
    (the words alone in text or in another attribute's value do not count). The attribute is
    looked for in lower case, as every template here writes it."""
    found = page.find(_BODY)
    while found >= 0:
        start = page.rfind("<", 0, found)
        tag = _TAG.match(page, start) if start >= 0 else None
        if tag is not None and tag.end() > found:
            names = _ATTRIBUTE_NAMES.findall(page, start, tag.end())
            if any(name.lower() == _BODY for name in names):
                return start
        found = page.find(_BODY, found + len(_BODY))
    return None


def lean_page(page: str) -> str | None:
    """What Pagefind needs of a built page (see the module's notes), or None if the page is not
    searchable (it has no `data-pagefind-body`)."""
    start = _body_start(page)
    if start is None:
        return None
    before = page[:start]
    html = _HTML.search(before)
    if html is None:
        return page
    # Lowered once, then searched for plain strings: 30 times faster than a regular expression
    # that ignores case.
    rest = before[html.end() :].lower()
    if any(read in rest for read in _READ_OUTSIDE_BODY):
        return page
    title = _TITLE.search(before, html.end())
    head = f"<head>{title.group()}</head>" if title else "<head></head>"
    return f"<!doctype html>\n{html.group()}{head}<body>{page[start:]}"


class SearchSource:
    """The lean pages Pagefind reads, in a scratch folder made when the first one is added.

    Each page is cut as it is added, and written by a thread beside the build (so the build does
    not wait for the disk: making a folder and a file per page took it 2 to 5 s at 10,000 case
    studies), with at most `IN_FLIGHT` pages waiting, so memory does not grow with the bank.
    The folder lasts until `close()`: for a preview (`mkdocs serve --dirty`, which renders again
    only the pages that changed) that is the preview's end, so a page not rendered again keeps
    its lean page; otherwise, the end of each build. After `close()` the source can be used
    again, with a new folder. It is removed at the latest when the source is collected or
    Python exits.
    """

    IN_FLIGHT = 32
    """Lean pages handed to the writing thread and not written yet, at most (about 1 MB)."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._folders: set[Path] = set()
        self._cleanup: Callable[[], object] | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._room = threading.BoundedSemaphore(self.IN_FLIGHT)
        self._failure: BaseException | None = None
        self._pages: set[str] = set()
        self._ahead: _Ahead | None = None
        self.seconds = 0.0
        """Time `add` took the build (not the writing thread) since the last index was built."""

    def index_ahead(
        self,
        site: Path,
        chosen: SearchIndex = SEARCH_INDEXES["full"],
        pagefind: Sequence[str] = PAGEFIND,
    ) -> None:
        """Make the parts of the index `chosen` (one with `pages_per_part`) while the site is
        still being built: each part (the next `pages_per_part` searchable pages added) as soon
        as its pages are written, one at a time and at a low priority, so Pagefind uses what the
        build leaves of the machine. For a build, which adds each page once; `index` waits for
        them, and makes the rest. Until `close()`."""
        if chosen.pages_per_part is None:
            raise ValueError(f"{chosen.folder}: an index in one part cannot be made ahead")
        _forget_parts(site / chosen.folder)
        self._ahead = _Ahead(site, chosen, list(pagefind), _pages_per_part(chosen))

    @property
    def folder(self) -> Path | None:
        """The scratch folder, once a page has been added."""
        return self._folder

    @property
    def pages(self) -> list[str]:
        """The paths (below the folder) of the searchable pages kept, in order."""
        return sorted(self._pages)

    def add(self, path: str, page: str) -> bool:
        """Keep what Pagefind needs of `page` (HTML), built at `path` below the site root (as
        `case-studies/<slug>/index.html`), in place of anything kept for that path before.
        Returns whether the page is searchable; a page that is not is left out. `flush` waits
        until it is written."""
        started = time.perf_counter()
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"{path}: a page's path must be below the site root")
        lean = lean_page(page)
        key = relative.as_posix()
        if lean is None:
            self._pages.discard(key)
        else:
            self._pages.add(key)
        folder = self._folder
        if folder is None and lean is not None:
            folder = self._folder = Path(tempfile.mkdtemp(prefix="evidence-bank-search-"))
            self._cleanup = weakref.finalize(self, shutil.rmtree, folder, True)
        if folder is not None:
            self._room.acquire()
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="evidence-bank-search")
            written = self._writer.submit(self._write, folder / relative, lean)
            written.add_done_callback(self._written)
            if self._ahead is not None:
                self._ahead.added(key, lean is not None, folder, written)
        self.seconds += time.perf_counter() - started
        return lean is not None

    def _write(self, target: Path, lean: str | None) -> None:
        """In the writing thread: the page's lean page, or none if it is not searchable."""
        if lean is None:
            target.unlink(missing_ok=True)
            return
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_text(lean, encoding="utf-8")

    def _written(self, done: Future[None]) -> None:
        self._room.release()
        if not done.cancelled() and done.exception() is not None and self._failure is None:
            self._failure = done.exception()

    def flush(self) -> None:
        """Wait until every page added is written; raise the first error in writing one."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Stop any Pagefind process still making a part ahead; remove the scratch folder and
        everything in it."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None
        if self._writer is not None:
            self._writer.shutdown(wait=True, cancel_futures=True)
            self._writer = None
        if self._cleanup is not None:
            self._cleanup()
        self._folder, self._cleanup, self._failure = None, None, None
        self._folders = set()
        self._pages = set()
        self.seconds = 0.0

    def __enter__(self) -> SearchSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Ahead:
    """The parts of one index made while the site is built (`SearchSource.index_ahead`)."""

    def __init__(self, site: Path, chosen: SearchIndex, pagefind: list[str], most: int) -> None:
        self.site, self.chosen, self.pagefind, self.most = site, chosen, pagefind, most
        self.waiting: dict[str, None] = {}
        """Searchable pages in no part yet, in the order they were added."""
        self.parts: list[tuple[list[str], Future[_Run]]] = []
        self.part_of: dict[str, int] = {}
        self.changed: set[int] = set()
        """Parts a page of which was added again, or withdrawn, after the part was begun."""
        self.live: set[subprocess.Popen[bytes]] = set()
        self.folders: list[tempfile.TemporaryDirectory[str]] = []
        self.runner = ThreadPoolExecutor(1, thread_name_prefix="evidence-bank-pagefind-ahead")
        self.slots = threading.BoundedSemaphore(_running_at_once())
        """Shared with `index`'s runs, so that no more Pagefind processes run at once."""

    def added(self, page: str, searchable: bool, source: Path, written: Future[None]) -> None:
        """In the build's thread: `page` was added (its lean page is written by `written`)."""
        if page in self.part_of:
            self.changed.add(self.part_of[page])
        elif not searchable:
            self.waiting.pop(page, None)
        else:
            self.waiting[page] = None
            if len(self.waiting) >= self.most:
                pages, self.waiting = list(self.waiting), {}
                for each in pages:
                    self.part_of[each] = len(self.parts)
                number = len(self.parts) + 1
                run = self.runner.submit(self._make, number, pages, source, written)
                self.parts.append((pages, run))

    def _make(self, number: int, pages: list[str], source: Path, written: Future[None]) -> _Run:
        """In the runner's thread: once the part's last page is written (the writing thread
        writes in order), its pages linked into a folder of their own, indexed."""
        written.result()
        read = self.folder(source, pages)
        command = _command(self.pagefind, self.chosen, read, self.site, number)
        return _run(command, nice=True, live=self.live, slots=self.slots)

    def folder(self, source: Path, pages: Sequence[str]) -> Path:
        folder = tempfile.TemporaryDirectory(prefix="evidence-bank-search-part-")
        self.folders.append(folder)
        _link(source, Path(folder.name), pages)
        return Path(folder.name)

    def close(self) -> None:
        self.runner.shutdown(wait=False, cancel_futures=True)
        for process in list(self.live):
            _end(process)
        self.runner.shutdown(wait=True)
        for folder in self.folders:
            folder.cleanup()


class PagefindError(Refusal):
    """Pagefind could not build an index; the message holds what it said."""


@dataclass(frozen=True)
class SearchStats:
    """What building the search indexes took."""

    seconds: float
    """The time the build waited for Pagefind, once the site was made: from `index` starting
    its processes (or waiting for those making parts ahead) to the last one ending."""
    peak_mb: float | None
    """The highest peak memory of one of Pagefind's processes (None where Python cannot tell:
    Windows)."""
    at_once_mb: float | None
    """The most memory Pagefind's processes could have held at once: the largest sum of the peaks
    of processes that ran at the same time."""
    writing_seconds: float
    """What making the lean pages Pagefind read took the build, as it made the pages."""
    parts: int = 1
    """Pagefind processes run: one for each part of each index."""
    ahead: int = 0
    """Of those, the parts begun ahead, while the site was built (`SearchSource.index_ahead`)."""

    def __str__(self) -> str:
        memory = (
            "not measured here"
            if self.peak_mb is None or self.at_once_mb is None
            else f"{self.peak_mb:.0f} MB, at most {self.at_once_mb:.0f} MB at once"
        )
        return (
            f"built in {self.seconds:.2f} s by {self.parts} Pagefind "
            f"{'run' if self.parts == 1 else 'runs'} (and {self.writing_seconds:.2f} s keeping "
            f"the searchable text of the pages as they were made); Pagefind's peak memory {memory}"
        )


@dataclass(frozen=True)
class _Run:
    """One Pagefind process, as it ended."""

    command: list[str]
    returncode: int
    said: str
    peak_kb: int | None
    started: float
    ended: float


RUNNING_AT_ONCE = 2
"""Pagefind processes run at the same time, at most (fewer on a machine with fewer cores): two
use both cores of a small runner, and with parts of `pages_per_part` bound Pagefind's memory."""


def index(
    source: SearchSource,
    site: Path,
    indexes: Sequence[SearchIndex] = tuple(SEARCH_INDEXES.values()),
    pagefind: Sequence[str] = PAGEFIND,
) -> SearchStats:
    """Pagefind reads the lean pages of `source` and writes each of `indexes` into its folder in
    `site`. An index of more pages than its `pages_per_part` is made in parts, one Pagefind
    process each, each part reading its own pages (linked, not copied, into a folder of their
    own); the first part is written to the index's folder, the others below it, and
    `PARTS_FILE` lists them. Parts made ahead (`SearchSource.index_ahead`) are waited for; the
    rest run side by side, `RUNNING_AT_ONCE` at most. Raises PagefindError with Pagefind's
    messages if one fails, or if there is no searchable page."""
    source.flush()
    pages = source.pages
    if source.folder is None or not pages:
        raise PagefindError("No page of the site is searchable (none has data-pagefind-body).")
    started = time.perf_counter()
    ahead, source._ahead = source._ahead, None
    runs: list[_Run] = []
    begun: list[Future[_Run]] = []
    at_once = _running_at_once()
    slots = ahead.slots if ahead is not None else threading.BoundedSemaphore(at_once)
    with contextlib.ExitStack() as stack:
        if ahead is not None:
            stack.callback(ahead.close)
        commands: list[list[str]] = []
        listed: dict[Path, list[str]] = {}
        for chosen in indexes:
            output = site / chosen.folder
            made = None
            if ahead is not None and (chosen, output) == (ahead.chosen, ahead.site / chosen.folder):
                made = _made_ahead(ahead, pages)
            if made is not None:
                begun, numbered = made
                count = max([len(begun), *(number for number, _ in numbered)])
            else:
                _forget_parts(output)
                split = (
                    [pages]
                    if chosen.pages_per_part is None
                    else parts(pages, _pages_per_part(chosen))
                )
                numbered, count = list(enumerate(split, 1)), len(split)
            for number, part in numbered:
                if number == 1 == count:
                    read = source.folder
                else:
                    folder = tempfile.TemporaryDirectory(prefix="evidence-bank-search-part-")
                    read = Path(stack.enter_context(folder))
                    _link(source.folder, read, part)
                commands.append(_command(pagefind, chosen, read, site, number))
            if chosen.pages_per_part is not None:
                listed[output] = [_part(number) + "/" for number in range(2, count + 1)]
        with ThreadPoolExecutor(at_once, thread_name_prefix="evidence-bank-pagefind") as runner:
            ended = list(runner.map(lambda command: _run(command, slots=slots), commands))
        runs = [run.result() for run in begun] + ended
    failures = [
        f"{' '.join(run.command[len(pagefind) :])}:\n{run.said}" for run in runs if run.returncode
    ]
    if failures:
        raise PagefindError("Pagefind could not index the site:\n" + "\n".join(failures))
    for output, others in listed.items():
        (output / PARTS_FILE).write_text(json.dumps(others), encoding="utf-8")
    writing, source.seconds = source.seconds, 0.0
    measured = all(run.peak_kb is not None for run in runs)
    return SearchStats(
        seconds=time.perf_counter() - started,
        peak_mb=max(run.peak_kb or 0 for run in runs) / 1024 if measured else None,
        at_once_mb=_at_once(runs) / 1024 if measured else None,
        writing_seconds=writing,
        parts=len(runs),
        ahead=len(begun),
    )


def _made_ahead(
    ahead: _Ahead, pages: list[str]
) -> tuple[list[Future[_Run]], list[tuple[int, list[str]]]] | None:
    """The parts made ahead that have begun (to wait for), and the parts to make now, numbered:
    those made ahead that had not begun (they run now at full speed, beside the rest), and the
    pages in no part yet, in parts. None if a page of a part was added again or withdrawn after
    the part was formed (not in a build, which makes each page once): what was made ahead is
    then thrown away."""
    later = [(n, part) for n, (part, run) in enumerate(ahead.parts, 1) if run.cancel()]
    begun = [run for _, run in ahead.parts if not run.cancelled()]
    if ahead.changed:  # What failed for it too (a withdrawn page's file gone) is beside the point.
        futures.wait(begun)
        shutil.rmtree(ahead.site / ahead.chosen.folder, ignore_errors=True)
        return None
    searchable = set(pages)
    rest = [page for page in ahead.waiting if page in searchable]
    split = parts(rest, ahead.most) if rest else []
    return begun, later + list(enumerate(split, len(ahead.parts) + 1))


def _running_at_once() -> int:
    """`RUNNING_AT_ONCE`, or fewer on a machine with fewer cores."""
    return max(1, min(RUNNING_AT_ONCE, os.cpu_count() or 1))


def _pages_per_part(chosen: SearchIndex) -> int:
    """The most pages a part of `chosen` holds (an index with `pages_per_part`): its own, or
    the environment's `PAGES_PER_PART_VARIABLE`."""
    chosen_most = os.environ.get(PAGES_PER_PART_VARIABLE, "")
    most = int(chosen_most) if chosen_most.isdigit() else chosen.pages_per_part
    assert most is not None
    return max(1, most)


def _command(
    pagefind: Sequence[str], chosen: SearchIndex, read: Path, site: Path, number: int
) -> list[str]:
    """Pagefind's command for part `number` of `chosen`, reading the lean pages in `read`."""
    output = site / chosen.folder
    command = [*pagefind, "--site", str(read), "--silent"]
    command += ["--output-path", str(output if number == 1 else output / _part(number))]
    if chosen.root_selector:
        command += ["--root-selector", chosen.root_selector]
    return command


def _part(number: int) -> str:
    return f"part-{number}"


def _forget_parts(output: Path) -> None:
    """Removes the parts an earlier build (a preview's) wrote below an index's folder."""
    (output / PARTS_FILE).unlink(missing_ok=True)
    if output.is_dir():
        for old in output.glob("part-*"):
            if old.is_dir() and old.name[len("part-") :].isdigit():
                shutil.rmtree(old)


def _link(source: Path, target: Path, pages: Sequence[str]) -> None:
    """The lean pages `pages` of `source`, at the same paths in `target` (hard links; copies
    where the file system has none)."""
    for page in pages:
        to = target / page
        to.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / page, to)
        except OSError:  # Compat: a file system without hard links.
            shutil.copyfile(source / page, to)


def _run(
    command: list[str],
    *,
    nice: bool = False,
    live: set[subprocess.Popen[bytes]] | None = None,
    slots: threading.BoundedSemaphore | None = None,
) -> _Run:
    """Runs one Pagefind process to its end (in a thread of `index`'s), at a low priority if
    `nice` (where the platform has priorities), kept in `live` while it runs, and holding one
    of `slots` (waiting for one first)."""
    with (
        slots if slots is not None else contextlib.nullcontext(),
        tempfile.TemporaryFile() as errors,
    ):
        started = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors) as process:
            if live is not None:
                live.add(process)
            try:
                if nice and hasattr(os, "setpriority"):
                    with contextlib.suppress(OSError):  # it may have ended already
                        os.setpriority(os.PRIO_PROCESS, process.pid, 10)
                peak = None
                if hasattr(os, "wait4"):
                    peak = _wait_measuring(process)
                else:  # Compat: no wait4 (Windows): no peak memory to report.
                    process.wait()
            finally:
                _end(process)
                if live is not None:
                    live.discard(process)
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace").strip()
    return _Run(command, process.returncode, said, peak, started, time.perf_counter())


def _wait_measuring(process: subprocess.Popen[bytes]) -> int:
    """Waits for `process` to end, and returns its peak memory in KB. Its own high-water mark,
    read while it runs where Linux shows it (`/proc`): the peak `wait4` reports is at least the
    parent's memory when the process began (the kernel keeps the larger across fork and exec),
    so a small Pagefind beside a large build would read as large as the build. Elsewhere, that
    peak."""
    highest, status_file = 0, Path(f"/proc/{process.pid}/status")
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return highest or usage.ru_maxrss
        with contextlib.suppress(OSError, ValueError):
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    highest = max(highest, int(line.split()[1]))
        time.sleep(0.05)


def _at_once(runs: Sequence[_Run]) -> int:
    """The largest sum of the peaks of runs that overlapped in time."""
    return max(
        sum(other.peak_kb or 0 for other in runs if other.started <= run.started < other.ended)
        for run in runs
    )


def _end(process: subprocess.Popen[bytes]) -> None:
    """Stop a Pagefind process not waited for (when waiting was interrupted)."""
    if process.returncode is None:
        process.kill()
