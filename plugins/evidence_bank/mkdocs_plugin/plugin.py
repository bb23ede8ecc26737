"""MkDocs hooks only: each hands its work to `evidence_bank.core` and adds what comes back to the
build. `core/build.py` holds one build's state and tells the path of one case study through it;
`core.build.Mode` makes each choice that differs between `build`, `serve` and a preview."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from ..core import build as build_module
from ..core import catalog as catalog_module
from ..core import csp, search, story, urllock
from ..core import vocabulary as vocabulary_module
from ..core.background import BackgroundError, fork_is_safe
from ..core.build import Bank, BankError, Mode, Stats
from ..core.problems import ProblemsError
from ..core.render import BLOCKS, TEMPLATES, THEME_IDS, GeneratedPage
from ..core.site import Site, SiteUrlError, build_date, check_site_url
from . import THEME
from .config import EvidenceBankConfig
from .preview import PreviewSession

log = get_plugin_logger(__name__)

STYLESHEET = "assets/evidence-bank/evidence-bank.css"
PLAIN_ERRORS = (
    ProblemsError,
    BankError,
    BackgroundError,
    urllock.LockError,
    search.SearchError,
    SiteUrlError,
)
"""The core's refusals: each says, in plain English, what is wrong and where."""


@contextlib.contextmanager
def plain_errors() -> Iterator[None]:
    """The core's refusals as MkDocs build errors: the message alone, no traceback."""
    try:
        yield
    except PLAIN_ERRORS as error:
        raise PluginError(str(error)) from None


class EvidenceBankPlugin(BasePlugin[EvidenceBankConfig]):  # type: ignore[no-untyped-call]
    """Publishes `case_studies/` as case-study pages and indexes them."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.mode = Mode.BUILD
        self.bank: Bank | None = None
        """This build's state: set by `on_files`, for the hooks after it."""
        self.stats = Stats()
        """The last build's figures."""
        self.root = Path.cwd()
        # Kept across `mkdocs serve` rebuilds (this object lives as long as the server).
        self.reads = catalog_module.ReadCache()
        self.preview: PreviewSession | None = None
        self.frozen = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.mode = Mode.of(command, dirty)
        if self.mode is Mode.PREVIEW:
            self.preview = PreviewSession()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Reset per-build state: the plugin object lives across `mkdocs serve` rebuilds.
        self._end_build()
        self.stats = Stats()
        # The security policy's inline scripts: the theme's, by (template, base_url); those of
        # the page being written; and the pages holding any other.
        self.theme_scripts: dict[tuple[str, str], frozenset[str]] = {}
        self.scripts: frozenset[str] = frozenset()
        self.unknown_scripts: list[str] = []
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        if self.preview is not None:
            self.preview.begin()
        with plain_errors():
            warning = check_site_url(config.site_url, required=self.config.require_site_url)
        if warning:
            log.warning(warning)
        _add_theme(config)
        return config

    @event_priority(-50)  # Late: after other plugins have added or removed authored files.
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        with self._timed("read_seconds"), plain_errors():
            vocabulary_file = self._path(self.config.vocabulary) or vocabulary_module.default_path()
            vocabulary = vocabulary_module.load(vocabulary_file, _shown(vocabulary_file, self.root))
            catalog = catalog_module.load(
                self.root / self.config.case_studies,
                vocabulary,
                root=self.root,
                allow_synthetic=self.config.allow_synthetic,
                cache=None if self.mode is Mode.BUILD else self.reads,
                forking=self.mode is Mode.BUILD and fork_is_safe(),
                follow_links=self.config.follow_links,
            )
        templates = self._path(self.config.templates)
        if self.preview is not None:
            settings = [vocabulary_file, *TEMPLATES.rglob("*.*")]
            settings += templates.rglob("*.*") if templates and templates.is_dir() else []
            self.preview.state.read(self.reads, sorted(settings))
        # The files already there, by their path below docs_dir and below the site root, as
        # they are shown: what the plugin generates may not replace them.
        authored: dict[str, str] = {}
        for file in files:
            shown = _shown(Path(file.abs_src_path), self.root) if file.abs_src_path else None
            authored[file.src_uri] = authored[file.dest_uri] = shown or file.src_uri
        site = Site(
            config.site_url or "", config.site_name, build_date(), config.use_directory_urls
        )
        memo = self.preview.state.memo if self.preview is not None else None
        self.bank = bank = build_module.start(
            self.mode, catalog, site, templates, authored, memo, self.stats
        )
        if self.preview is not None:
            self.preview.state.memo = bank.renderer.fresh
        with plain_errors():
            for page in bank.generated():
                files.append(self._page_file(config, page))
            declared = bank.declared()
        for path in declared:  # Written in the site folder directly, later (`Bank.finish`).
            target = Path(config.site_dir) / path
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            files.append(File.generated(config, path, abs_src_path=str(target)))
        # Before MkDocs reads a story: a broken link is named in its case-study file.
        _raise_problems(story.check_links(catalog.case_studies, files.src_uris))
        if self.mode is Mode.BUILD:
            # What was read and made lives until the build ends: until then, garbage
            # collections (the second process's too) leave it alone rather than scan it.
            gc.freeze()
            self.frozen = True
        bank.start_background(Path(config.site_dir))
        self.stats.pages = len(files.documentation_pages())
        return files

    def _page_file(self, config: MkDocsConfig, page: GeneratedPage) -> File:
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        if self.preview is None:
            return File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)
        assert self.bank is not None
        return self.preview.page_file(config, page, self.bank.catalog, inclusion)

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        self.env = env
        if self.preview is not None:
            self.preview.cache_templates(env)
        if self.bank is not None:
            # Every page's markdown is read, and its anchors known: the stories' links to
            # anchors, before MkDocs checks them and names only the generated page.
            stories = self.bank.catalog.case_studies
            _raise_problems(story.check_links(stories, files.src_uris, self._anchors(files)))
        return env

    def _anchors(self, files: Files) -> Callable[[str], set[str] | None]:
        """The ids of a page, by its path: a case-study page's shell's too."""
        bank = self.bank
        assert bank is not None

        def anchors(src_uri: str) -> set[str] | None:
            file = files.get_file_from_path(src_uri)
            page = file.page if file is not None else None
            if page is None or page.present_anchor_ids is None:
                return None
            if src_uri in bank.stories:
                return bank.study_ids(src_uri, page.present_anchor_ids)
            return page.present_anchor_ids

        return anchors

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self.stats.pages_made += 1
        if self.bank is None:
            return None
        study = self.bank.stories.get(page.file.src_uri)
        if study is not None:
            page.meta = self.bank.renderer.case_study_meta(study)
            return None
        # Authored pages may include vocabulary blocks; one substring test per page.
        if "<!-- evidence-bank:" not in markdown:
            return None
        expanded, unknown = self.bank.renderer.expand_blocks(markdown, page.file.src_uri)
        shown = _shown(Path(page.file.abs_src_path or page.file.src_uri), self.root)
        for line, name in unknown:
            blocks = ", ".join(BLOCKS)
            log.warning("%s:%d: unknown block '%s'; expected one of: %s", shown, line, name, blocks)
        return expanded

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.bank is not None and page.file.src_uri in self.bank.stories:
            page.markdown = None  # Rendered; else MkDocs holds every story until the end.
        return None

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        # Here rather than as the markdown is rendered: one page's whole HTML is held at a
        # time, and the second process has had time to make its part.
        self._allow_scripts(page.meta.get("template", "main.html"), context)
        bank, src_uri = self.bank, page.file.src_uri
        if page.content is None or bank is None:
            return None
        with self._timed("page_seconds"), plain_errors():
            if src_uri in bank.stories:
                page.content = self._study_page(bank, page)
            elif src_uri in bank.set_aside or src_uri in bank.sanitised:
                page.content, ids = bank.page_html(src_uri, page.content)
                if page.present_anchor_ids is not None:
                    page.present_anchor_ids |= ids
        return None

    @staticmethod
    def _study_page(bank: Bank, page: Page) -> str:
        """The case study's page around its story; its sections join the story's headings in
        the table of contents."""
        assert page.content is not None
        made = bank.study_page(page.file.src_uri, page.content)
        items = list(page.toc.items)
        for item in _walk(items):
            item.id = made.renamed.get(item.id, item.id)
        items += [AnchorLink(title, anchor, 2) for anchor, title in made.shell.sections]
        page.toc = TableOfContents(items)
        if page.present_anchor_ids is not None:
            ids = {made.renamed.get(anchor, anchor) for anchor in page.present_anchor_ids}
            page.present_anchor_ids = ids | made.shell.ids | THEME_IDS
        return made.html

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.bank is not None and page.file.src_uri in self.bank.stories:
            page.content = None  # Written once this returns; else held until the build ends.
        return self._secure(output, page.file.src_uri)

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        self._allow_scripts(template_name, context)
        return None

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        return (
            self._secure(output_content, template_name) if template_name.endswith(".html") else None
        )

    def _policy_wanted(self) -> bool:
        return bool(self.config.content_security_policy) and self.mode.secures_pages

    def _allow_scripts(self, template: str, context: TemplateContext) -> None:
        """The inline scripts the next page's policy may allow: those of its template rendered
        with no page and an empty navigation, once per template and depth (Material writes
        the page's relative `base_url` into one), so none can come from any page's text."""
        if not self._policy_wanted():
            return
        key = (template, context["base_url"])
        if key not in self.theme_scripts:
            bare = {**context, "page": None, "nav": Navigation([], [])}
            self.theme_scripts[key] = csp.script_hashes(
                self.env.get_template(template).render(bare)
            )
        self.scripts = self.theme_scripts[key]

    def _secure(self, html: str, name: str) -> str | None:
        if not self._policy_wanted():
            return None
        with self._timed("page_seconds"):
            secured, unknown = csp.add_policy(html, self.scripts)
        self.unknown_scripts += [f"{name}: <script>{script}..." for script in unknown]
        return secured

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.unknown_scripts:
            raise PluginError(
                "These pages hold inline scripts that are not the theme's own, so their "
                "security policy leaves them out and a browser would not run them. A script "
                "of the site's own belongs in a file listed under extra_javascript:\n  "
                + "\n  ".join(self.unknown_scripts)
            )
        bank, site = self.bank, Path(config.site_dir)
        if bank is None:
            return
        with plain_errors():
            if self.preview is not None:  # The downloads are written once the page is served.
                self.preview.state.write_later(lambda changed: bank.finish(site, changed))
            else:
                bank.finish(site)
            self._index(site, len(bank.catalog.case_studies))
            if self.config.url_lock and self.mode.checks_url_lock:
                path = self.root / self.config.url_lock
                update = os.environ.get("EB_URL_LOCK") == "update"
                shown = _shown(path, self.root)
                directory_urls = config.use_directory_urls
                log.info(
                    urllock.enforce(
                        site, path, shown, use_directory_urls=directory_urls, update=update
                    )
                )
        self._end_build()
        self._report()

    def _index(self, site: Path, case_studies: int) -> None:
        if not case_studies:
            # Pagefind cannot index nothing; the search page says so and points to the lists.
            log.info("no case studies: no search index")
        elif self.config.search_index and self.mode.indexes_search(
            case_studies, self.config.search_index_in_serve
        ):
            with self._timed("search_seconds"):
                self.stats.search_peak_mb = search.index(site)

    def _report(self) -> None:
        """The build's figures, in the log and (for `./scripts/benchmark`) in the file the
        environment variable EB_BUILD_STATS names."""
        stats = self.stats
        with contextlib.suppress(ImportError):  # Compat: `resource` is Unix only.
            import resource

            stats.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        log.info(
            "%d case studies published; %d of %d pages made; the plugin's own work took %.2f s "
            "(reading %.2f s, generating %.2f s, pages %.2f s, downloads %.2f s)",
            *(stats.case_studies, stats.pages_made, stats.pages, stats.plugin_seconds),
            *(stats.read_seconds, stats.generate_seconds, stats.page_seconds),
            stats.download_seconds,
        )
        if stats.background is not None:
            log.info("second process: %s", stats.background)
        if os.environ.get("EB_BUILD_STATS"):
            figures = {**dataclasses.asdict(stats), "plugin_seconds": stats.plugin_seconds}
            Path(os.environ["EB_BUILD_STATS"]).write_text(json.dumps(figures), encoding="utf-8")

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()

    def on_shutdown(self) -> None:
        self._end_build()
        if self.preview is not None:
            self.preview.close()

    def _end_build(self) -> None:
        """Put back what a build changed: the second process stopped if it still runs, the
        garbage collector as it was."""
        if self.bank is not None:
            self.bank.cancel()
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
        if self.preview is not None:
            self.preview.end()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        case_studies = self.root / self.config.case_studies
        if self.preview is not None:
            self.preview.serve(server, case_studies, self.root)
        # These live outside docs_dir, so live reload does not watch them by itself.
        vocabulary = self._path(self.config.vocabulary) or vocabulary_module.default_path()
        for path in (case_studies, vocabulary, self._path(self.config.templates)):
            if path is not None and path.exists():
                server.watch(str(path))
        return server

    def _path(self, option: str | None) -> Path | None:
        return self.root / option if option else None

    @contextlib.contextmanager
    def _timed(self, figure: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self.stats, figure, getattr(self.stats, figure) + time.perf_counter() - started)


def _add_theme(config: MkDocsConfig) -> None:
    """The plugin's templates and assets, after the site's own `custom_dir` (which may override
    them) and before Material's."""
    if config.theme.name != "material":
        log.warning(
            "theme is %r: the evidence bank's pages are made for Material for MkDocs "
            "(theme: name: material)",
            config.theme.name,
        )
        return
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
    if STYLESHEET not in config.extra_css:
        config.extra_css.insert(0, STYLESHEET)


def _raise_problems(problems: list[Any]) -> None:
    if problems:
        raise PluginError(str(ProblemsError(problems)))


def _walk(items: list[AnchorLink]) -> Iterator[AnchorLink]:
    for item in items:
        yield item
        yield from _walk(item.children)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
