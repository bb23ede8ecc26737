"""MkDocs hooks only: hand the work to `evidence_bank.core`, add its pages to the build."""

from __future__ import annotations

import datetime as dt
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from ..core import catalog as catalog_module
from ..core import csp, sanitise, search, story, urllock
from ..core import vocabulary as vocabulary_module
from ..core.catalog import Catalog
from ..core.model import CaseStudy
from ..core.problems import Problem, ProblemsError
from ..core.render import ANY_ID, BLOCKS, TEMPLATES, THEME_IDS, Renderer, StudyShell, restore_html
from ..core.site import MISSING_SITE_URL, Site, placeholder_reason
from . import THEME
from .config import EvidenceBankConfig
from .preview import Preview
from .worker import Worker, clash, write_downloads

log = get_plugin_logger(__name__)

T = TypeVar("T")

try:  # Compat: `resource` exists only on Unix; elsewhere the build does not report its memory.
    import resource
except ImportError:  # pragma: no cover - exercised by hiding the module in a test
    resource = None  # type: ignore[assignment]

STYLESHEET = "assets/evidence-bank/evidence-bank.css"

SERVE_INDEX_LIMIT = 300
"""Up to this many case studies, `mkdocs serve` rebuilds the search index too (under 0.5 s)."""


class EvidenceBankPlugin(BasePlugin[EvidenceBankConfig]):  # type: ignore[no-untyped-call]
    """Publishes `case_studies/` as case-study pages and indexes them."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.renderer: Renderer | None = None
        self.sanitised: set[str] = set()
        self.stories: dict[str, CaseStudy] = {}
        self.deferred: dict[str, tuple[str, ...]] = {}
        self.page_seconds = 0.0
        self.root = Path.cwd()
        self.command = "build"
        # A preview (`mkdocs serve --dirty`): what the plugin keeps between its rebuilds.
        self.preview: Preview | None = None
        # Kept across `mkdocs serve` rebuilds (this object lives as long as the server).
        self.reads = catalog_module.ReadCache()
        self.pages = 0
        self.worker: Worker | None = None
        self.frozen = False
        self.authored: dict[str, str] = {}
        self.search = search.SearchSource()  # Per build, or for a preview's life (`_index`).

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        if command == "serve" and dirty:
            self.preview = Preview()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Reset per-build state: the plugin object lives across `mkdocs serve` rebuilds.
        self.catalog = None
        self.renderer = None
        self.sanitised = set()
        self.stories = {}
        self.shells: dict[str, StudyShell] = {}
        self.deferred = {}
        self.lists: dict[str, tuple[str, ...]] | None = None
        self.made = 0
        self.downloads: list[tuple[str, bytes]] = []
        self.page_seconds = 0.0
        # The security policy's inline scripts: the theme's, by (template, base_url); those of
        # the page being written; and the pages holding any other.
        self.theme_scripts: dict[tuple[str, str], frozenset[str]] = {}
        self.scripts: frozenset[str] = frozenset()
        self.unknown_scripts: list[str] = []
        self._stop_worker()
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self._check_site_url(config)
        self._add_theme(config)
        return config

    @staticmethod
    def _add_theme(config: MkDocsConfig) -> None:
        """The plugin's templates and assets, after the site's own `custom_dir` (which may
        override them) and before Material's."""
        if config.theme.name != "material":
            log.warning(
                "theme is %r: the evidence bank's pages are made for Material for MkDocs "
                "(theme: name: material)",
                config.theme.name,
            )
            return
        dirs = config.theme.dirs
        if str(THEME) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)

    def _check_site_url(self, config: MkDocsConfig) -> None:
        """Every absolute address the bank publishes is made from `site_url`: warn when it is
        missing (a strict build fails), and refuse a placeholder when publishing."""
        reason = placeholder_reason(config.site_url)
        if reason is None:
            return
        if self.config.require_site_url:
            raise PluginError(
                f"{reason}. The site cannot be published with it: every citation, permanent "
                "address, feed and download would point there. Set site_url in mkdocs.yml to "
                "the address the site is published at (for example "
                "https://your-organisation.github.io/evidence-bank/)."
            )
        if not config.site_url:
            log.warning(MISSING_SITE_URL)

    def _may_fork(self) -> bool:
        """Whether this process may fork: not beside other threads (`mkdocs serve`'s server,
        or a program that runs the build in a thread), where a forked child can deadlock."""
        return self.command == "build" and hasattr(os, "fork") and threading.active_count() == 1

    @property
    def case_studies_dir(self) -> Path:
        return self.root / self.config.case_studies

    @property
    def vocabulary_file(self) -> Path:
        chosen = self.config.vocabulary
        return self.root / chosen if chosen else vocabulary_module.default_path()

    @property
    def templates_dir(self) -> Path | None:
        return self.root / self.config.templates if self.config.templates else None

    @event_priority(-50)  # Late: after other plugins have added or removed authored files.
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        started = time.perf_counter()
        try:
            vocabulary = vocabulary_module.load(
                self.vocabulary_file, _relative(self.vocabulary_file, self.root)
            )
            self.catalog = catalog_module.load(
                self.case_studies_dir,
                vocabulary,
                root=self.root,
                allow_synthetic=self.config.allow_synthetic,
                cache=self.reads if self.command == "serve" else None,
                forking=self._may_fork(),
                follow_links=self.config.follow_links,
            )
        except ProblemsError as error:
            raise PluginError(str(error)) from None
        read = time.perf_counter()
        preview = self.preview
        if preview is not None:
            # What every generated page is made from besides the case studies.
            settings = [self.vocabulary_file, *sorted(TEMPLATES.rglob("*.*"))]
            if self.templates_dir is not None and self.templates_dir.is_dir():
                settings += sorted(self.templates_dir.rglob("*.*"))
            preview.read(self.reads, settings)
        # The worker makes what needs no MkDocs on the other core (see worker.py).
        use_worker = preview is None and self._may_fork()
        self.renderer = renderer = Renderer(
            self.catalog,
            templates_dir=self.templates_dir,
            site=Site(
                url=config.site_url or "",
                name=config.site_name,
                built=build_date(),
                directory_urls=config.use_directory_urls,
            ),
            memo=preview.memo if preview is not None else None,
            # Not in a preview, which rebuilds a page only when its markdown changes.
            defer=preview is None,
            # Lists of case studies are left to the worker.
            cards=not use_worker,
        )
        # The files already there, by their path below docs_dir and below the site root, as they
        # are shown: what the plugin generates may not replace them.
        self.authored = authored = {}
        for file in files:
            shown = _relative(Path(file.abs_src_path), self.root) if file.abs_src_path else None
            authored[file.src_uri] = authored[file.dest_uri] = shown or file.src_uri
        clashes = []
        for page in renderer.pages():
            if page.src_uri in authored:
                clashes.append(clash(authored, page.src_uri, "page"))
                continue
            if page.study is not None:
                self.stories[page.src_uri] = page.study
            elif (
                page.src_uri.startswith("case-studies/") and page.src_uri != "case-studies/index.md"
            ):
                self.sanitised.add(page.src_uri)
            if page.html:
                self.deferred[page.src_uri] = page.html
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            if preview is None:
                files.append(
                    File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)
                )
            else:
                content = page.content
                if page.study is not None:
                    content += preview.edition(page.study)
                files.append(preview.page_file(config, page.src_uri, content, inclusion))
        # Outside a preview, downloads are made and written at the end of the build (or by the
        # worker while the build runs), not held in memory meanwhile. Those pages may link to
        # are declared to MkDocs now, as files written in the site folder directly (MkDocs
        # leaves alone a file whose source is its destination); a page (.md) would be rendered.
        declared = []
        if preview is None:
            declared = [path for path, _ in renderer.bank_files() if not path.endswith(".md")]
        else:
            self.downloads = preview.downloads(renderer)
        paths = [*declared, *(path for path, _ in self.downloads)]
        clashes += [clash(authored, path) for path in paths if path in authored]
        self._raise_clashes(clashes)
        for path in declared:
            target = Path(config.site_dir) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
            files.append(File.generated(config, path, abs_src_path=str(target)))
        # Before MkDocs reads a story: a broken link is named in its case-study file.
        self._raise_problems(story.check_links(self.catalog.case_studies, files.src_uris))
        if preview is not None:
            preview.memo = renderer.fresh
        if self.command == "build":
            # What was read and made so far lives until the build ends: until then, garbage
            # collections (and the worker's) leave it alone rather than go through it each
            # time. Not under `mkdocs serve`, whose rebuilds replace it.
            gc.freeze()
            self.frozen = True
        if use_worker:
            self.worker = Worker(
                renderer, list(self.stories.values()), Path(config.site_dir), authored
            )
        self.pages = len(files.documentation_pages())
        log.info(
            "%d case studies published; read, checked and indexed in %.2f s, pages and files "
            "generated in %.2f s",
            len(self.catalog.case_studies),
            read - started,
            time.perf_counter() - read,
        )
        return files

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        self.env = env
        # Every page's markdown is read, and its anchors known: the stories' links to anchors,
        # before MkDocs checks them and names only the generated page.
        if self.catalog is not None and self.renderer is not None:
            self._raise_problems(
                story.check_links(self.catalog.case_studies, files.src_uris, self._anchors(files))
            )
        return self.preview.theme(env, config) if self.preview is not None else None

    def on_shutdown(self) -> None:
        self._stop_worker()
        self.search.close()
        if self.preview is not None:
            self.preview.close()

    def _stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self._thaw()

    def _thaw(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self.made += 1
        if self.renderer is None:
            return None
        study = self.stories.get(page.file.src_uri)
        if study is not None:
            page.meta = self.renderer.case_study_meta(study)
            return self.preview.without_edition(markdown) if self.preview is not None else None
        # Authored pages may include vocabulary blocks; one substring test per page.
        if "<!-- evidence-bank:" not in markdown:
            return None
        expanded, unknown = self.renderer.expand_blocks(markdown, page.file.src_uri)
        for line, name in unknown:
            log.warning(
                "%s:%d: unknown block '%s'; expected one of: %s",
                _relative(Path(page.file.abs_src_path or page.file.src_uri), self.root),
                line,
                name,
                ", ".join(BLOCKS),
            )
        return expanded

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        src_uri = page.file.src_uri
        if src_uri in self.stories:
            # Rendered, and not needed again: without this, MkDocs holds a copy of every story
            # until the build ends.
            page.markdown = None
        return None

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        # Here rather than as each page's markdown is rendered: only one page's whole HTML is
        # held at a time, and the worker has had time to make its part.
        src_uri = page.file.src_uri
        self._allow_scripts(page.meta.get("template", "main.html"), context)
        if page.content is None or self.renderer is None:
            return None
        study = self.stories.get(src_uri)
        started = time.perf_counter()
        if study is not None:
            page.content = self._case_study_page(study, page.content, page)
        elif src_uri in self.deferred or src_uri in self.sanitised:
            page.content = self._generated_page(src_uri, page.content, page)
        self.page_seconds += time.perf_counter() - started
        return None

    def _generated_page(self, src_uri: str, html: str, page: Page) -> str:
        """A generated page with the HTML set aside from its markdown back in its place (made
        by the worker, if there is one), and sanitised if it lists case studies."""
        pieces = self.deferred.get(src_uri)
        if pieces is not None:
            if self.worker is not None:
                if self.lists is None:
                    self.lists = self._from_worker(self.worker.lists)
                pieces = self.lists.pop(src_uri, None)
                if pieces is None:
                    raise PluginError(f"The worker process made no lists for {src_uri}")
            html = restore_html(html, pieces)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids |= {i for piece in pieces for i in ANY_ID.findall(piece)}
        if src_uri in self.sanitised:
            # Defence in depth for contributed content. A case study's page is sanitised as it
            # is made (`_case_study_page`).
            html = sanitise.clean(html)
        return html

    @staticmethod
    def _from_worker(call: Callable[[], T]) -> T:
        """`call()`, a wait for the worker; its failure fails the build."""
        try:
            return call()
        except RuntimeError as error:
            raise PluginError(f"The worker process failed:\n{error}") from None

    def _case_study_page(self, study: CaseStudy, story: str, page: Page) -> str:
        """The case study's page around its story; its sections join the story's headings in
        the table of contents."""
        assert self.renderer is not None
        shell = self.shells.pop(page.file.src_uri, None)
        if shell is None and self.worker is not None:
            shell = self.worker.shell(study)
        made = self.renderer.case_study_page(study, story, shell)
        items = list(page.toc.items)
        for item in _walk(items):
            item.id = made.renamed.get(item.id, item.id)
        items += [AnchorLink(title, anchor, 2) for anchor, title in made.shell.sections]
        page.toc = TableOfContents(items)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids = (
                {made.renamed.get(anchor, anchor) for anchor in page.present_anchor_ids}
                | made.shell.ids
                | THEME_IDS
            )
        return made.html

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if page.file.src_uri in self.stories:
            # Written once this hook returns, and not needed again: without this, MkDocs holds
            # every case study's HTML until the build ends.
            page.content = None
        if self.config.search_index and (self.command != "serve" or self._index_in_serve()):
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
        if not template_name.endswith(".html"):
            return None
        return self._secure(output_content, template_name)

    def _policy_wanted(self) -> bool:
        # Not under `mkdocs serve`: its live-reload script is added after this hook runs, and a
        # policy would block it.
        return bool(self.config.content_security_policy) and self.command != "serve"

    def _allow_scripts(self, template: str, context: TemplateContext) -> None:
        """The inline scripts the next page's policy may allow: those of its template rendered
        with no page and an empty navigation, once per template and depth (Material writes
        the page's relative `base_url` into one), so none can come from any page's text."""
        if not self._policy_wanted():
            return
        key = (template, context["base_url"])
        scripts = self.theme_scripts.get(key)
        if scripts is None:
            bare = {**context, "page": None, "nav": Navigation([], [])}
            scripts = csp.script_hashes(self.env.get_template(template).render(bare))
            self.theme_scripts[key] = scripts
        self.scripts = scripts

    def _secure(self, html: str, name: str) -> str | None:
        if not self._policy_wanted():
            return None
        started = time.perf_counter()
        secured, unknown = csp.add_policy(html, self.scripts)
        self.unknown_scripts += [f"{name}: <script>{script}..." for script in unknown]
        self.page_seconds += time.perf_counter() - started
        return secured

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.preview is not None:
            self.preview.building = True

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_worker()
        if self.preview is not None:
            self.preview.building = False
        else:
            self.search.close()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.unknown_scripts:
            raise PluginError(
                "These pages hold inline scripts that are not the theme's own, so their "
                "security policy leaves them out and a browser would not run them. A script "
                "of the site's own belongs in a file listed under extra_javascript:\n  "
                + "\n  ".join(self.unknown_scripts)
            )
        if self.preview is not None:
            self.preview.building = False
            log.info("%d of %d pages made again", self.made, self.pages)
            self.preview.collect_later()
        if self.renderer is None:
            return
        log.info(
            "per-page work (case-study pages, sanitiser, security policy) took %.2f s",
            self.page_seconds,
        )
        site = Path(config.site_dir)
        if self.preview is not None:
            changed = [
                (path, data) for path, data in self.downloads if self.preview.changed(path, data)
            ]
            write_downloads(changed, site, {})  # The rest is in the preview's site already.
        elif self.worker is not None:
            worker, self.worker = self.worker, None
            done = self._from_worker(worker.finish)
            log.info(
                "worker process: %d case-study shells and %d files made in %.2f s, peak memory "
                "%.0f MB; the build waited %.2f s for it",
                done.shells,
                done.files,
                done.seconds,
                done.peak_mb,
                done.waited,
            )
            self._raise_clashes(done.clashes)
        else:
            started = time.perf_counter()
            _, clashes = write_downloads(self.renderer.downloads(), site, self.authored)
            log.info("downloads written in %.2f s", time.perf_counter() - started)
            self._raise_clashes(clashes)
        if self.catalog is not None and not self.catalog.case_studies:
            # Pagefind cannot build an index of nothing; the search page says it cannot start
            # and points to the lists.
            log.info("no case studies: no search index")
        elif self.config.search_index and (self.command != "serve" or self._index_in_serve()):
            log.info("search index %s", self._index(site))
        if self.config.url_lock and self.command != "serve":
            self._check_urls(site, config)
        self._thaw()
        if resource is not None:
            log.info(
                "peak memory of the build process: %.0f MB",
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            )

    def _anchors(self, files: Files) -> Callable[[str], set[str] | None]:
        """The ids of a page, by its path: a case-study page's shell's too."""

        def anchors(src_uri: str) -> set[str] | None:
            file = files.get_file_from_path(src_uri)
            page = file.page if file is not None else None
            if page is None or page.present_anchor_ids is None:
                return None
            study = self.stories.get(src_uri)
            if study is None or self.renderer is None:
                return page.present_anchor_ids
            # Made once: the page is built around this same shell (`_case_study_page`).
            shell = self.shells.get(src_uri)
            if shell is None:
                shell = self.shells[src_uri] = self.renderer.case_study_shell(study)
            return page.present_anchor_ids | shell.ids

        return anchors

    @staticmethod
    def _raise_problems(problems: list[Problem]) -> None:
        if problems:
            raise PluginError(str(ProblemsError(problems)))

    @staticmethod
    def _raise_clashes(clashes: list[str]) -> None:
        if clashes:
            raise PluginError(
                "Generated pages clash with authored files; rename or move the "
                "authored file:\n" + "\n".join(clashes)
            )

    def _check_urls(self, site: Path, config: MkDocsConfig) -> None:
        assert self.config.url_lock is not None
        path = self.root / self.config.url_lock
        lock = urllock.read_lock(path)
        problems, new = urllock.check(site, lock, use_directory_urls=config.use_directory_urls)
        if problems:
            raise PluginError("Published addresses must keep working:\n" + "\n".join(problems))
        shown = _relative(path, self.root)
        if os.environ.get("EB_URL_LOCK") == "update":
            urllock.write_lock(path, urllock.Lock(config.use_directory_urls, lock.urls), new)
            log.info("%d new addresses added to %s", len(new), shown)
        elif new:
            # New addresses are welcome: the deploy on main records them (README: the URL lock).
            log.info(
                "%d new addresses, recorded in %s when the site is deployed: %s",
                len(new),
                shown,
                ", ".join(new[:5]) + (", ..." if len(new) > 5 else ""),
            )

    def _index_in_serve(self) -> bool:
        chosen = self.config.search_index_in_serve
        if chosen is not None:
            return bool(chosen)
        return self.catalog is not None and len(self.catalog.case_studies) <= SERVE_INDEX_LIMIT

    def _index(self, site: Path) -> search.SearchStats:
        """Pagefind indexes the searchable text of the pages as they were written (`on_post_page`).
        A preview keeps that text for the pages it does not make again; a build starts afresh."""
        try:
            return search.index(self.search, site)
        except search.PagefindError as error:
            raise PluginError(str(error)) from None
        finally:
            if self.preview is None:
                self.search.close()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.preview is not None:
            self.preview.serve(server, self.case_studies_dir, self.root)
        # These live outside docs_dir, so live reload does not watch them by itself.
        for path in (self.case_studies_dir, self.vocabulary_file, self.templates_dir):
            if path is not None and path.exists():
                server.watch(str(path))
        return server


def _walk(items: list[AnchorLink]) -> Iterator[AnchorLink]:
    for item in items:
        yield item
        yield from _walk(item.children)


def build_date() -> str:
    """The build's date: from SOURCE_DATE_EPOCH when set, so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
