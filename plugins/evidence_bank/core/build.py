"""One build of the bank, as the MkDocs adapter drives it: the mode it runs in, what it adds to
the site, and its figures. No MkDocs here: the adapter hands in paths and HTML, and adds to the
build the pages and files it gets back.

The path of one case study, `case_studies/daisy-hill.md`, through a build:

1. `catalog.load` reads, checks and indexes every file (in several processes on a big bank).
2. `Bank.generated` gives MkDocs its page `case-studies/daisy-hill.md`: the story alone, so that
   MkDocs renders its markdown (links checked, headings in the table of contents) and no more.
3. When MkDocs has rendered the story, `Bank.study_page` puts the page's HTML around it (the
   case study's "shell": card, facts, pathway, sources, citations; made ahead in the second
   process on a big bank, `background.py`), sanitised.
4. The search index is made from the page's searchable parts (`search.py`).
5. Its open data, feeds, citations and `/id/` redirect are written by `Bank.finish` (or by the
   second process): the files every case study is in, and its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import gc
import json
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import background as background_module
from . import catalog as catalog_module
from . import csp, minify, sanitise, search, story, urllock
from . import vocabulary as vocabulary_module
from .background import Background, Report, clash, fork_is_safe, write_downloads
from .catalog import Catalog, ReadCache
from .model import CaseStudy
from .preview import Preview
from .problems import ProblemsError, Refusal, shown
from .render import (
    BLOCKS,
    TEMPLATES,
    GeneratedPage,
    Lists,
    Renderer,
    StudyPage,
    StudyShell,
    find_ids,
    restore_html,
)
from .search import SearchStats
from .site import Site, check_site_url

SERVE_INDEX_LIMIT = 300
"""Up to this many case studies, `mkdocs serve` rebuilds the search index too (under 0.5 s)."""


class Mode(enum.Enum):
    """How MkDocs runs this build: each mode's choices are made here, in one place."""

    BUILD = "build"
    """`mkdocs build` (and `gh-deploy`): everything made afresh; a big bank's lists, shells and
    downloads made in a second process; security policy, search index and URL lock."""
    SERVE = "serve"
    """`mkdocs serve`: everything made afresh at every rebuild, in the server's process."""
    PREVIEW = "preview"
    """`mkdocs serve --dirty` (`./scripts/preview`): after an edit, the pages, lists and files
    it changed are made again, and only those; the rest stays as it was made."""

    @classmethod
    def of(cls, command: str, dirty: bool) -> Mode:
        if command == "serve":
            return cls.PREVIEW if dirty else cls.SERVE
        return cls.BUILD

    @property
    def lists(self) -> Lists:
        # A preview makes a page again only when its markdown changes: the lists stay in it.
        return Lists.IN_MARKDOWN if self is Mode.PREVIEW else Lists.SET_ASIDE

    @property
    def secures_pages(self) -> bool:
        """A security policy on every page: not under `mkdocs serve`, whose live-reload script
        is added after the plugin's last hook, and which a policy would block."""
        return self is Mode.BUILD

    @property
    def checks_url_lock(self) -> bool:
        return self is Mode.BUILD

    @property
    def indexes_ahead(self) -> bool:
        """Whether parts of the search index are made while the site is built: in a build,
        which makes each page once (`search.SearchSource.index_ahead`)."""
        return self is Mode.BUILD

    def indexes_search(self, case_studies: int, chosen: bool | None) -> bool:
        """Whether the build makes the search index: always for a build; while serving, as
        `chosen`, or else while the bank is small (`SERVE_INDEX_LIMIT`)."""
        if self is Mode.BUILD:
            return True
        return chosen if chosen is not None else case_studies <= SERVE_INDEX_LIMIT


@dataclass
class Stats:
    """A build's figures, for the log, the tests and the benchmark."""

    case_studies: int = 0
    read_seconds: float = 0.0
    """Reading, checking and indexing the case studies."""
    generate_seconds: float = 0.0
    """Making the generated pages' markdown."""
    page_seconds: float = 0.0
    """Per-page work: case-study pages, lists put back, sanitiser, security policy."""
    download_seconds: float = 0.0
    """Writing downloads in the build's own process, or waiting for the second process."""
    pages: int = 0
    pages_made: int = 0
    """Pages MkDocs rendered: all of them, except in a preview."""
    background: Report | None = None
    """The second process's figures, when there was one."""
    search_seconds: float = 0.0
    """What the build waited for Pagefind, once the site was made."""
    search_peak_mb: float | None = None
    """The largest Pagefind process's peak memory."""
    search_at_once_mb: float | None = None
    """The most Pagefind's processes held at once (the sum of the peaks of those that ran
    together)."""
    search_parts: int = 0
    """Pagefind processes run (one per part of each index), and how many began ahead."""
    search_ahead: int = 0
    peak_mb: float | None = None
    """The build process's peak memory, where the platform says."""

    @contextlib.contextmanager
    def timing(self, figure: str) -> Iterator[None]:
        """Adds the time the block takes to `figure` (one of the `..._seconds`)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, figure, getattr(self, figure) + time.perf_counter() - started)

    def searched(self, stats: SearchStats) -> None:
        """Keeps the search index's figures."""
        self.search_seconds, self.search_peak_mb = stats.seconds, stats.peak_mb
        self.search_at_once_mb, self.search_parts = stats.at_once_mb, stats.parts
        self.search_ahead = stats.ahead

    def summary(self) -> str:
        """The figures in a line, for the build's log."""
        line = (
            f"{self.case_studies} case studies published; {self.pages_made} of {self.pages} "
            f"pages made; the plugin's own work took {self.plugin_seconds:.2f} s (reading "
            f"{self.read_seconds:.2f} s, generating {self.generate_seconds:.2f} s, pages "
            f"{self.page_seconds:.2f} s, downloads {self.download_seconds:.2f} s)"
        )
        if self.background is not None:
            line += f"; second process: {self.background}"
        return line

    def finished(self) -> str:
        """The build's line for the log, once it ends; the figures written as JSON too where
        the environment variable `EB_BUILD_STATS` says."""
        self.peak_mb = peak_memory()
        if os.environ.get("EB_BUILD_STATS"):
            self.write(Path(os.environ["EB_BUILD_STATS"]))
        return self.summary()

    def write(self, path: Path) -> None:
        """The figures as JSON, for a script (`./scripts/benchmark`)."""
        figures = {**dataclasses.asdict(self), "plugin_seconds": self.plugin_seconds}
        path.write_text(json.dumps(figures, sort_keys=True), encoding="utf-8")

    @property
    def plugin_seconds(self) -> float:
        """The plugin's own share of the build (not the search index's, made by Pagefind)."""
        return self.read_seconds + self.generate_seconds + self.page_seconds + self.download_seconds


class BankError(Refusal):
    """A build that cannot go on, with why in plain English."""


@dataclass
class Bank:
    """What one build holds between its hooks."""

    mode: Mode
    catalog: Catalog
    renderer: Renderer
    root: Path
    """The project's folder, which problems name files from."""
    authored: Mapping[str, str]
    """Every file already in the site, by its path below docs_dir and below the site root, as
    it is shown: what the plugin generates may not replace them."""
    stats: Stats = field(default_factory=Stats)
    stories: dict[str, CaseStudy] = field(default_factory=dict)
    """Case studies by their page's src_uri."""
    set_aside: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The HTML each generated page set aside from its markdown (`Lists.SET_ASIDE`)."""
    sanitised: set[str] = field(default_factory=set)
    """Generated pages that list contributed text, sanitised as a whole."""
    shells: dict[str, StudyShell] = field(default_factory=dict)
    """Shells made early, to learn a page's ids (`study_ids`), for its page to use."""
    background: Background | None = None
    frozen: bool = False
    """Whether the garbage collector leaves alone what the build holds (`start_background`)."""
    indexing: bool = False
    """Whether this build makes the search index (`Mode.indexes_search`): decided once, in
    `start`, and asked of every page."""

    def generated(self) -> Iterator[GeneratedPage]:
        """Every generated page, noted for the hooks that follow; BankError on a clash with
        an authored file."""
        clashes = []
        with self.stats.timing("generate_seconds"):
            pages = list(self.renderer.pages())
        for page in pages:
            if page.src_uri in self.authored:
                clashes.append(clash(self.authored, page.src_uri, "page"))
                continue
            if page.study is not None:
                self.stories[page.src_uri] = page.study
            elif (
                page.src_uri.startswith("case-studies/") and page.src_uri != "case-studies/index.md"
            ):
                self.sanitised.add(page.src_uri)
            if page.html:
                self.set_aside[page.src_uri] = page.html
            yield page
        self.stats.case_studies = len(self.catalog.case_studies)
        raise_clashes(clashes)

    def declared(self, site: Path) -> list[tuple[str, Path]]:
        """The downloads pages may link to (not `.md`, which MkDocs would render), by their path
        below the site root, and their file in `site`: declared to MkDocs before they are
        written (`finish`). Each file is there, empty until written: MkDocs leaves alone a file
        whose source is its destination."""
        paths = [path for path, _ in self.renderer.bank_files() if not path.endswith(".md")]
        raise_clashes([clash(self.authored, path) for path in paths if path in self.authored])
        declared = []
        for path in paths:
            target = site / path
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            declared.append((path, target))
        return declared

    def expand_blocks(
        self, markdown: str, src_uri: str, source: Path
    ) -> tuple[str | None, list[str]]:
        """An authored page's markdown with the vocabulary blocks it includes expanded
        (`<!-- evidence-bank: ... -->`; None: it includes none, found by one substring test),
        and a warning for each unknown one, naming the page's file (`source`) and line."""
        if "<!-- evidence-bank:" not in markdown:
            return None, []
        expanded, unknown = self.renderer.expand_blocks(markdown, src_uri)
        named = shown(source.resolve(), self.root) if unknown else ""
        blocks = ", ".join(BLOCKS)
        return expanded, [
            f"{named}:{line}: unknown block '{name}'; expected one of: {blocks}"
            for line, name in unknown
        ]

    def start_background(self, site: Path) -> None:
        """Once the pages are added: in a build, what was read and made lives until the build
        ends, so garbage collections (the second process's too) leave it alone rather than scan
        it again and again (`close` puts the collector back); the second process starts, if
        `start` left the lists to it, and this one lets go of what only that one needs."""
        if self.mode is Mode.BUILD:
            gc.freeze()
            self.frozen = True
        if self.renderer.lists is Lists.LATER:
            self.background = Background(
                self.renderer, list(self.stories.values()), site, self.authored
            )
            # Only the downloads read a case study's front matter, and the second process,
            # which has its own copy, writes them: here it would be held to the end for
            # nothing (70 MB at 10,000 case studies).
            for study in (*self.catalog.case_studies, *self.catalog.withdrawn):
                study.front_matter.clear()

    def page_html(self, src_uri: str, html: str) -> tuple[str, set[str]]:
        """A generated page's HTML with what it set aside back in place, sanitised if it lists
        contributed text; and the ids the lists put back bring."""
        ids: set[str] = set()
        pieces = self.set_aside.get(src_uri)
        if pieces is not None:
            if self.background is not None:  # The lists it made (waited for once).
                # Each page is made once in a build: its lists need not be kept after.
                pieces = self.background.lists().pop(src_uri)
            html = restore_html(html, pieces)
            ids = {i for piece in pieces for i in find_ids(piece)}
        if src_uri in self.sanitised:
            # Defence in depth for contributed content. A case study's page is sanitised as it
            # is made (`study_page`).
            html = sanitise.clean(html)
        return html, ids

    def made_here(self, src_uri: str) -> bool:
        """Whether the page at `src_uri` is one the bank made (a case study's, or one that
        lists case studies): once it is written, nothing reads its HTML again, which MkDocs
        would otherwise keep until the build ends (about 130 MB at 10,000 case studies)."""
        return src_uri in self.stories or src_uri in self.set_aside or src_uri in self.sanitised

    def check_links(
        self, src_uris: Collection[str], ids_of: Callable[[str], set[str] | None] | None = None
    ) -> None:
        """Every story's links to pages and (given `ids_of` a page, None if unknown) their
        anchors, checked; a `ProblemsError` names each broken one in its case-study file:
        before MkDocs checks them and names only the generated page."""

        def anchors(src_uri: str) -> set[str] | None:
            ids = ids_of(src_uri) if ids_of is not None else None
            if ids is None or src_uri not in self.stories:
                return ids
            return self.study_ids(src_uri, ids)

        studies = self.catalog.case_studies
        problems = story.check_links(studies, src_uris, anchors if ids_of else None)
        if problems:
            raise ProblemsError(problems)

    def study_ids(self, src_uri: str, ids: set[str]) -> set[str]:
        """The ids of a case study's page (`ids`: its story's), the shell's too."""
        study = self.stories[src_uri]
        shell = self.shells.get(src_uri)
        if shell is None:
            shell = self.shells[src_uri] = self.renderer.case_study_shell(study)
        return ids | shell.ids

    def study_page(self, src_uri: str, story: str) -> StudyPage:
        """A case study's page around its story's HTML (its shell made once: `study_ids`
        may have made it already, or the second process)."""
        study = self.stories[src_uri]
        shell = self.shells.pop(src_uri, None)
        if shell is None and self.background is not None:
            shell = self.background.shell(study)
        return self.renderer.case_study_page(study, story, shell)

    def finish(
        self, site: Path, preview_writes: Callable[[str, bytes], bool] | None = None
    ) -> None:
        """The downloads written (or the second process waited for); BankError on a clash."""
        with self.stats.timing("download_seconds"):
            if self.background is not None:
                background, self.background = self.background, None
                self.stats.background = report = background.finish()
                clashes = report.clashes
            else:
                downloads = self.renderer.downloads()
                if preview_writes is not None:
                    downloads = ((p, data) for p, data in downloads if preview_writes(p, data))
                _, clashes = write_downloads(downloads, site, self.authored)
        raise_clashes(clashes)

    def end(
        self,
        site: Path,
        source: search.SearchSource,
        preview: Preview | None,
        lock: tuple[Path, str, bool] | None,
    ) -> list[str]:
        """After every page is written: the downloads (in a preview, in a thread once the page
        is served: `Preview.write_later`), the search index from `source` (Pagefind cannot
        index nothing: the search page says so), and the URL lock (`lock`: its file, as shown,
        and the site's `use_directory_urls`) checked, or updated where the environment
        variable `EB_URL_LOCK=update` says. Returns what to log; a `Refusal` on a problem."""
        said = []
        if preview is not None:
            preview.write_later(lambda changed: self.finish(site, changed))
        else:
            self.finish(site)
        if not self.catalog.case_studies:
            said.append("no case studies: no search index")
        elif self.indexing:
            self.stats.searched(search.index(source, site))
        if lock is not None and self.mode.checks_url_lock:
            path, named, directory_urls = lock
            update = os.environ.get("EB_URL_LOCK") == "update"
            said.append(
                urllock.enforce(site, path, named, use_directory_urls=directory_urls, update=update)
            )
        return said

    def close(self) -> None:
        """Put back what the build changed: the second process stopped if it still runs, the
        garbage collector as it was."""
        if self.background is not None:
            self.background.cancel()
            self.background = None
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


@dataclass(frozen=True)
class Options:
    """The plugin's options, as plain values (`mkdocs_plugin/config.py` documents each)."""

    case_studies: str = "case_studies"
    vocabulary: str | None = None
    templates: str | None = None
    allow_synthetic: bool = False
    follow_links: bool = False
    search_index: bool = True
    search_index_in_serve: bool | None = None
    content_security_policy: bool = True
    url_lock: str | None = None
    require_site_url: bool = False

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Options:
        return cls(**{option.name: values[option.name] for option in dataclasses.fields(cls)})


class Session:
    """What the plugin keeps across the builds of one process (`mkdocs serve` rebuilds with the
    same plugin object), and the build under way (`bank`): everything but MkDocs' own objects,
    which the adapter handles."""

    def __init__(self, mode: Mode = Mode.BUILD) -> None:
        self.mode = mode
        self.options = Options()
        self.root = Path.cwd()
        """The project's folder (mkdocs.yml's), which options and problems name files from."""
        self.reads = ReadCache()
        """The case studies read, kept across `mkdocs serve` rebuilds (`read`)."""
        self.preview = Preview() if mode is Mode.PREVIEW else None
        self.search = search.SearchSource()
        """The pages Pagefind reads: per build, or for a preview's life."""
        self.bank: Bank | None = None
        """This build's state: set by `start`, for the hooks after it."""
        self.stats = Stats()
        """The last build's figures."""
        self.policies: csp.Policies | None = None
        """This build's security policies (`Mode.secures_pages`), if it adds them."""

    def begin(self, options: Options, config_file: Path, site_url: str | None) -> str | None:
        """A build starts (MkDocs' `on_config`): its state afresh, as the plugin object lives
        across `mkdocs serve` rebuilds (the last build's put back if it failed); a warning if
        `site_url` is missing, a `Refusal` if it must be there and is not."""
        self.end_build()
        self.options, self.bank, self.stats = options, None, Stats()
        self.root = config_file.resolve().parent
        wanted = options.content_security_policy and self.mode.secures_pages
        self.policies = csp.Policies() if wanted else None
        if self.preview is not None:
            self.preview.begin()
        return check_site_url(site_url, required=options.require_site_url)

    def path(self, option: str | None) -> Path | None:
        """A file or folder an option names, from the project's folder."""
        return self.root / option if option else None

    @property
    def case_studies(self) -> Path:
        return self.root / self.options.case_studies

    @property
    def vocabulary_file(self) -> Path:
        return self.path(self.options.vocabulary) or vocabulary_module.default_path()

    def watched(self) -> list[Path]:
        """What `mkdocs serve` watches besides docs_dir: the case studies, the vocabulary and
        the site's templates, which live outside it, so live reload does not watch them by
        itself."""
        paths = (self.case_studies, self.vocabulary_file, self.path(self.options.templates))
        return [path for path in paths if path is not None and path.exists()]

    def read(self, extensions: story.MarkdownExtensions | None) -> Catalog:
        """Every case study, read, checked and indexed (`catalog.load`), stories as the site's
        markdown `extensions` read them. A build reads every file afresh, in several processes
        on a big bank; `mkdocs serve` reads again only the files changed since the last
        rebuild."""
        with self.stats.timing("read_seconds"):
            named = shown(self.vocabulary_file.resolve(), self.root)
            return catalog_module.load(
                self.case_studies,
                vocabulary_module.load(self.vocabulary_file, named),
                root=self.root,
                allow_synthetic=self.options.allow_synthetic,
                cache=None if self.mode is Mode.BUILD else self.reads,
                forking=self.mode is Mode.BUILD,
                follow_links=self.options.follow_links,
                extensions=extensions,
            )

    def start(
        self,
        catalog: Catalog,
        site: Site,
        files: Iterable[tuple[str, str, str | None]],
        site_dir: Path,
    ) -> Bank:
        """This build of `catalog` into `site_dir`, beside the site's `files` (`authored_files`).
        In a build that makes the search index, its parts are made as the pages are written."""
        self.bank = start(
            self.mode,
            catalog,
            site,
            self.root,
            authored_files(files, self.root),
            settings=(self.vocabulary_file, self.path(self.options.templates)),
            search_index=(self.options.search_index, self.options.search_index_in_serve),
            preview=self.preview,
            reads=self.reads,
            stats=self.stats,
        )
        if self.bank.indexing and self.mode.indexes_ahead:
            self.search.index_ahead(site_dir)
        return self.bank

    def written(self, output: str, dest_uri: str, name: str) -> str | None:
        """A page as it is written: its searchable part kept for Pagefind if this build makes
        the search index; its security policy added, if the build adds them (None: as it is)."""
        if self.bank is not None and self.bank.indexing:
            with self.stats.timing("page_seconds"):
                self.search.add(dest_uri, output)
        return self.secure(output, name)

    def secure(self, html: str, name: str) -> str | None:
        if self.policies is None:
            return None
        with self.stats.timing("page_seconds"):
            return self.policies.secure(html, name)

    def end(self, site: Path, use_directory_urls: bool) -> list[str]:
        """After every page is written: a `Refusal` if a page had a script its template did not
        have, else `Bank.end`; the build's state put back. Returns what to log."""
        problem = self.policies.problem() if self.policies is not None else None
        if problem:
            raise BankError(problem)
        minify.minify_assets(site)
        if self.bank is None:
            return []
        lock = None
        if self.options.url_lock:
            path = self.root / self.options.url_lock
            lock = (path, shown(path.resolve(), self.root), use_directory_urls)
        said = self.bank.end(site, self.search, self.preview, lock)
        self.end_build()
        return [*said, self.stats.finished()]

    def end_build(self) -> None:
        """Put back what a build changed (`Bank.close`, `Preview.end`); a preview keeps the
        pages Pagefind reads until it ends."""
        if self.bank is not None:
            self.bank.close()
        if self.preview is not None:
            self.preview.end()
        else:
            self.search.close()

    def close(self) -> None:
        """The process ends (MkDocs' `on_shutdown`)."""
        self.end_build()
        self.search.close()
        if self.preview is not None:
            self.preview.close()


def start(
    mode: Mode,
    catalog: Catalog,
    site: Site,
    root: Path,
    authored: Mapping[str, str],
    *,
    settings: tuple[Path, Path | None],
    search_index: tuple[bool, bool | None] = (True, None),
    preview: Preview | None = None,
    reads: ReadCache | None = None,
    stats: Stats | None = None,
) -> Bank:
    """A build of `catalog` in `mode`, beside the site's `authored` files, with the
    vocabulary file and folder of templates in `settings`; `search_index`: the options
    `search_index` and `search_index_in_serve`. On a big bank, where forking is safe, `mkdocs
    build` leaves the lists of case studies to the second process (`start_background`). A
    preview's renderer starts from what the last rebuild made, unless a setting changed since,
    and leaves what it makes for the next (`Preview.read`, `Renderer.memo`)."""
    big = len(catalog.case_studies) >= background_threshold()
    later = mode is Mode.BUILD and big and fork_is_safe()
    vocabulary_file, templates_dir = settings
    memo = None
    if preview is not None:
        memo = preview.read(reads or ReadCache(), [vocabulary_file, TEMPLATES, templates_dir])
    renderer = Renderer(
        catalog,
        templates_dir=templates_dir,
        site=site,
        lists=Lists.LATER if later else mode.lists,
        memo=memo,
    )
    if preview is not None:
        preview.memo = renderer.fresh  # For the next rebuild.
    bank = Bank(mode, catalog, renderer, root, authored, stats or Stats())
    wanted, in_serve = search_index
    studies = len(catalog.case_studies)
    bank.indexing = wanted and studies > 0 and mode.indexes_search(studies, in_serve)
    return bank


def authored_files(files: Iterable[tuple[str, str, str | None]], root: Path) -> dict[str, str]:
    """The files already in the site, (path below docs_dir, below the site root, source file),
    by both paths, as problems name them: what the plugin generates may not replace them."""
    authored: dict[str, str] = {}
    for src_uri, dest_uri, source in files:
        named = shown(Path(source).resolve(), root) if source else src_uri
        authored[src_uri] = authored[dest_uri] = named
    return authored


def background_threshold() -> int:
    """Case studies from which the second process is used (`background.THRESHOLD`; the
    environment variable `EB_BACKGROUND_FROM` sets another, for measuring)."""
    chosen = os.environ.get("EB_BACKGROUND_FROM", "")
    return int(chosen) if chosen.isdigit() else background_module.THRESHOLD


def peak_memory() -> float | None:
    """This process's peak memory in MB, where the platform says (`resource` is Unix only)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - exercised by hiding the module in a test
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raise_clashes(clashes: list[str]) -> None:
    if clashes:
        raise BankError(
            "Generated pages clash with authored files; rename or move the authored file:\n"
            + "\n".join(clashes)
        )
