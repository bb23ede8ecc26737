"""MkDocs hooks only: each hands its work to `evidence_bank.core` and adds what comes back to the
build. `core/build.py` holds one build's state (`Bank`) and what is kept across builds
(`Session`), and tells the path of one case study through them; `core.build.Mode` makes each
choice that differs between `build`, `serve` and a preview."""

from __future__ import annotations

import contextlib
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

from ..core import story, theme
from ..core.build import Bank, Mode, Options, Session
from ..core.catalog import Catalog
from ..core.problems import Refusal
from ..core.render import THEME_IDS, GeneratedPage
from ..core.site import Site, build_date
from . import preview
from .config import EvidenceBankConfig

log = get_plugin_logger(__name__)

THEME = Path(__file__).resolve().parent.parent / "theme"
"""The plugin's additions to Material's templates and its assets, shipped inside the package."""
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
        self.session = Session()
        """Everything the plugin keeps, but MkDocs' objects (`core.build.Session`)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.session = Session(Mode.of(command, dirty))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        with plain_errors():
            config_file = Path(config.config_file_path or "mkdocs.yml")
            warning = self.session.begin(Options.of(self.config), config_file, config.site_url)
        if warning:
            log.warning(warning)
        _add_theme(config)
        return config

    @event_priority(-50)  # Late: after other plugins have added or removed authored files.
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        extensions = story.extensions_from(config.markdown_extensions, config.mdx_configs)
        urls, site_dir = config.use_directory_urls, Path(config.site_dir)
        with plain_errors():
            for warning in (catalog := self.session.read(extensions)).warnings:
                log.warning(f"{warning.path}:{warning.line}: {warning.message()}")  # Strict: stop.
            site = Site(config.site_url or "", config.site_name, build_date(), urls)
            entries = [(file.src_uri, file.dest_uri, file.abs_src_path) for file in files]
            bank = self.session.start(catalog, site, entries, site_dir)
            for page in bank.generated():
                files.append(self._page_file(config, page, catalog))
            for path, target in bank.declared(site_dir):  # Written by `Bank.end`.
                files.append(File.generated(config, path, abs_src_path=str(target)))
            # Before MkDocs reads a story: a broken link is named in its case-study file.
            bank.check_links(files.src_uris)
        bank.start_background(site_dir)
        self.session.stats.pages = len(files.documentation_pages())
        return files

    def _page_file(self, config: MkDocsConfig, page: GeneratedPage, catalog: Catalog) -> File:
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        if self.session.preview is not None:
            return preview.page_file(self.session.preview, config, page, catalog, inclusion)
        return File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        self.env = env
        theme.share_navigation(env)
        if self.session.preview is not None:
            env.bytecode_cache = self.session.preview.templates
        if self.bank is not None:  # Every page's markdown is read now, and its anchors known.

            def ids_of(src_uri: str) -> set[str] | None:
                file = files.get_file_from_path(src_uri)
                return file.page.present_anchor_ids if file and file.page else None

            with plain_errors():
                self.bank.check_links(files.src_uris, ids_of)
        return env

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self.session.stats.pages_made += 1
        if self.bank is None:  # Authored pages may include vocabulary blocks.
            return None
        study = self.bank.stories.get(page.file.src_uri)
        if study is not None:
            page.meta = self.bank.renderer.case_study_meta(study)
            return None
        source = page.file.abs_src_path or page.file.src_uri
        expanded, warnings = self.bank.expand_blocks(markdown, page.file.src_uri, Path(source))
        for warning in warnings:
            log.warning(warning)
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
        with self.session.stats.timing("page_seconds"), plain_errors():
            if src_uri in bank.stories:
                page.content = _study_page(bank, page)
            elif src_uri in bank.set_aside or src_uri in bank.sanitised:
                page.content, ids = bank.page_html(src_uri, page.content)
                if page.present_anchor_ids is not None:
                    page.present_anchor_ids |= ids
        return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.bank is not None and self.bank.made_here(page.file.src_uri):
            page.content, page.toc = None, TableOfContents([])  # Written: else kept to the end.
        return self.session.written(output, page.file.dest_uri, page.file.src_uri)

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        self._allow_scripts(template_name, context)
        return None

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        is_html = template_name.endswith(".html")
        return self.session.secure(output_content, template_name) if is_html else None

    def _allow_scripts(self, template: str, context: TemplateContext) -> None:
        policies = self.session.policies
        if policies is not None:  # Rendered bare only once a template and depth.

            def render() -> str:
                bare = {**context, "page": None, "nav": Navigation([], [])}
                return str(self.env.get_template(template).render(bare))

            policies.allow(template, context["base_url"], render)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        with plain_errors():
            for line in self.session.end(Path(config.site_dir), config.use_directory_urls):
                log.info(line)

    def on_build_error(self, *, error: Exception) -> None:
        self.session.end_build()

    def on_shutdown(self) -> None:
        self.session.close()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if (state := self.session.preview) is not None:
            preview.serve(state, server, self.session.case_studies, self.session.root)
        for path in self.session.watched():
            server.watch(str(path))
        return server

    @property
    def bank(self) -> Bank | None:
        """This build's state (`core.build.Bank`), from `on_files` on."""
        return self.session.bank


def _study_page(bank: Bank, page: Page) -> str:
    """The case study's page around its story; its sections join the story's headings in the
    table of contents."""
    made = bank.study_page(page.file.src_uri, page.content or "")
    items = _renamed(list(page.toc.items), made.renamed)
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


def _renamed(items: list[AnchorLink], renamed: dict[str, str]) -> list[AnchorLink]:
    for item in items:
        item.id = renamed.get(item.id, item.id)
        _renamed(item.children, renamed)
    return items
