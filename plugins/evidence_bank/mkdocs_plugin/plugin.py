"""MkDocs hooks only: each hands its work to `evidence_bank.core` and adds what comes back to the
build. `core/build.py` holds one build's state and tells the path of one case study through it;
`core.build.Mode` makes each choice that differs between `build`, `serve` and a preview."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
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
from ..core import csp, search, story, theme, urllock
from ..core import vocabulary as vocabulary_module
from ..core.build import Bank, Mode, Stats
from ..core.catalog import Catalog
from ..core.problems import Problem, ProblemsError, Refusal, shown
from ..core.render import BLOCKS, TEMPLATES, THEME_IDS, GeneratedPage
from ..core.site import Site, build_date, check_site_url
from . import THEME
from .config import EvidenceBankConfig
from .preview import PreviewSession

log = get_plugin_logger(__name__)

STYLESHEET = "assets/evidence-bank/evidence-bank.css"


@contextlib.contextmanager
def plain_errors() -> Iterator[None]:
    """The core's refusals as MkDocs build errors: the message alone, no traceback."""
    try:
        yield
    except Refusal as error:
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
        self.reads = catalog_module.ReadCache()  # Kept across `mkdocs serve` rebuilds.
        self.preview: PreviewSession | None = None
        self.policies: csp.Policies | None = None
        self.indexing = False
        self.search = search.SearchSource()  # Per build, or for a preview's life.

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.mode = Mode.of(command, dirty)
        self.preview = PreviewSession() if self.mode is Mode.PREVIEW else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Per-build state starts afresh: the plugin object lives across `mkdocs serve` rebuilds.
        self._end_build()
        self.bank, self.stats, self.indexing = None, Stats(), False
        wanted = self.config.content_security_policy and self.mode.secures_pages
        self.policies = csp.Policies() if wanted else None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        if self.preview is not None:
            self.preview.state.begin()
        with plain_errors():
            warning = check_site_url(config.site_url, required=self.config.require_site_url)
        if warning:
            log.warning(warning)
        _add_theme(config)
        return config

    def _read(self, vocabulary_file: Path, config: MkDocsConfig) -> Catalog:
        """Every case study, read, checked and indexed (stories as the site's markdown
        extensions read them)."""
        with self.stats.timing("read_seconds"), plain_errors():
            named = shown(vocabulary_file.resolve(), self.root)
            return catalog_module.load(
                self.root / self.config.case_studies,
                vocabulary_module.load(vocabulary_file, named),
                root=self.root,
                allow_synthetic=self.config.allow_synthetic,
                cache=None if self.mode is Mode.BUILD else self.reads,
                forking=self.mode is Mode.BUILD,
                follow_links=self.config.follow_links,
                extensions=story.extensions_from(config.markdown_extensions, config.mdx_configs),
            )

    @event_priority(-50)  # Late: after other plugins have added or removed authored files.
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        vocabulary_file = self._path(self.config.vocabulary) or vocabulary_module.default_path()
        templates = self._path(self.config.templates)
        catalog = self._read(vocabulary_file, config)
        entries = [(file.src_uri, file.dest_uri, file.abs_src_path) for file in files]
        authored = build_module.authored_files(entries, self.root)
        urls = config.use_directory_urls
        site = Site(config.site_url or "", config.site_name, build_date(), urls)
        settings = [vocabulary_file, TEMPLATES, templates]
        memo = self.preview.state.read(self.reads, settings) if self.preview is not None else None
        bank = build_module.start(self.mode, catalog, site, templates, authored, memo, self.stats)
        self.bank = bank
        # Whether this build makes the search index: decided once, asked of every page.
        studies, in_serve = len(catalog.case_studies), self.config.search_index_in_serve
        wanted = self.config.search_index and studies > 0
        self.indexing = wanted and self.mode.indexes_search(studies, in_serve)
        if self.indexing and self.mode.indexes_ahead:
            self.search.index_ahead(Path(config.site_dir))
        if self.preview is not None:
            self.preview.state.memo = bank.renderer.fresh  # For the next rebuild.
        with plain_errors():
            for page in bank.generated():
                files.append(self._page_file(config, page, catalog))
            for path in bank.declared():  # Written in the site folder directly (`Bank.finish`).
                files.append(File.generated(config, path, abs_src_path=_touch(config, path)))
        # Before MkDocs reads a story: a broken link is named in its case-study file.
        _raise_problems(bank.link_problems(files.src_uris))
        bank.start_background(Path(config.site_dir))
        self.stats.pages = len(files.documentation_pages())
        return files

    def _page_file(self, config: MkDocsConfig, page: GeneratedPage, catalog: Catalog) -> File:
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        if self.preview is not None:
            return self.preview.page_file(config, page, catalog, inclusion)
        return File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        self.env = env
        theme.share_navigation(env)
        if self.preview is not None:
            env.bytecode_cache = self.preview.state.templates
        if self.bank is not None:  # Every page's markdown is read now, and its anchors known.

            def ids_of(src_uri: str) -> set[str] | None:
                file = files.get_file_from_path(src_uri)
                return file.page.present_anchor_ids if file and file.page else None

            _raise_problems(self.bank.link_problems(files.src_uris, ids_of))
        return env

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self.stats.pages_made += 1
        study = self.bank.stories.get(page.file.src_uri) if self.bank else None
        if study is not None:
            page.meta = self.bank.renderer.case_study_meta(study)  # type: ignore[union-attr]
        # Authored pages may include vocabulary blocks; one substring test per page.
        if self.bank is None or study is not None or "<!-- evidence-bank:" not in markdown:
            return None
        expanded, unknown = self.bank.renderer.expand_blocks(markdown, page.file.src_uri)
        named = shown(Path(page.file.abs_src_path or page.file.src_uri).resolve(), self.root)
        for line, name in unknown:
            blocks = ", ".join(BLOCKS)
            log.warning("%s:%d: unknown block '%s'; expected one of: %s", named, line, name, blocks)
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
        with self.stats.timing("page_seconds"), plain_errors():
            if src_uri in bank.stories:
                page.content = _study_page(bank, page)
            elif src_uri in bank.set_aside or src_uri in bank.sanitised:
                page.content, ids = bank.page_html(src_uri, page.content)
                if page.present_anchor_ids is not None:
                    page.present_anchor_ids |= ids
        return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.bank is not None and page.file.src_uri in self.bank.stories:
            page.content = None  # Written once this returns; else held until the build ends.
        if self.indexing:
            with self.stats.timing("page_seconds"):  # Its searchable part, for Pagefind.
                self.search.add(page.file.dest_uri, output)
        return self._secure(output, page.file.src_uri)

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        self._allow_scripts(template_name, context)
        return None

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        is_html = template_name.endswith(".html")
        return self._secure(output_content, template_name) if is_html else None

    def _allow_scripts(self, template: str, context: TemplateContext) -> None:
        if self.policies is not None:  # Rendered bare only once a template and depth.

            def render() -> str:
                bare = {**context, "page": None, "nav": Navigation([], [])}
                return str(self.env.get_template(template).render(bare))

            self.policies.allow(template, context["base_url"], render)

    def _secure(self, html: str, name: str) -> str | None:
        if self.policies is None:
            return None
        with self.stats.timing("page_seconds"):
            return self.policies.secure(html, name)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        problem = self.policies.problem() if self.policies is not None else None
        if problem:
            raise PluginError(problem)
        bank, site = self.bank, Path(config.site_dir)
        if bank is None:
            return
        with plain_errors():
            if self.preview is not None:  # The downloads are written once the page is served.
                self.preview.state.write_later(lambda changed: bank.finish(site, changed))
            else:
                bank.finish(site)
            if not bank.catalog.case_studies:  # Pagefind cannot index nothing: the page says so.
                log.info("no case studies: no search index")
            elif self.indexing:
                self.stats.searched(search.index(self.search, site))
            if self.config.url_lock and self.mode.checks_url_lock:
                lock, directory_urls = self.root / self.config.url_lock, config.use_directory_urls
                update = os.environ.get("EB_URL_LOCK") == "update"
                named = shown(lock.resolve(), self.root)
                log.info(
                    urllock.enforce(
                        site, lock, named, use_directory_urls=directory_urls, update=update
                    )
                )
        self._end_build()
        self.stats.peak_mb = build_module.peak_memory()
        log.info(self.stats.summary())
        if os.environ.get("EB_BUILD_STATS"):
            self.stats.write(Path(os.environ["EB_BUILD_STATS"]))

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()

    def on_shutdown(self) -> None:
        self._end_build()
        self.search.close()
        if self.preview is not None:
            self.preview.close()

    def _end_build(self) -> None:
        """Put back what a build changed: the second process stopped if it still runs, the
        garbage collector as it was."""
        if self.bank is not None:
            self.bank.close()
        if self.preview is not None:
            self.preview.state.end()
        else:  # A preview keeps the pages Pagefind reads until it ends.
            self.search.close()

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


def _study_page(bank: Bank, page: Page) -> str:
    """The case study's page around its story; its sections join the story's headings in the
    table of contents."""
    made = bank.study_page(page.file.src_uri, page.content or "")
    items = list(page.toc.items)
    for item in _walk(items):
        item.id = made.renamed.get(item.id, item.id)
    items += [AnchorLink(title, anchor, 2) for anchor, title in made.shell.sections]
    page.toc = TableOfContents(items)
    if page.present_anchor_ids is not None:
        ids = {made.renamed.get(anchor, anchor) for anchor in page.present_anchor_ids}
        page.present_anchor_ids = ids | made.shell.ids | THEME_IDS
    return made.html


def _add_theme(config: MkDocsConfig) -> None:
    """The plugin's templates and assets, after the site's own `custom_dir` (which may override
    them) and before Material's."""
    if config.theme.name != "material":
        message = "theme is %r: the evidence bank's pages are made for Material for MkDocs"
        log.warning(message + " (theme: name: material)", config.theme.name)
        return
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
    if STYLESHEET not in config.extra_css:
        config.extra_css.insert(0, STYLESHEET)


def _touch(config: MkDocsConfig, path: str) -> str:
    """A file in the site folder, empty until written: MkDocs leaves alone a file whose source
    is its destination."""
    target = Path(config.site_dir) / path
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    return str(target)


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise PluginError(str(ProblemsError(problems)))


def _walk(items: list[AnchorLink]) -> Iterator[AnchorLink]:
    for item in items:
        yield item
        yield from _walk(item.children)
