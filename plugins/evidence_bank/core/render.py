"""Turn a `Catalog` into generated markdown pages, from Jinja templates users can override.

Every value from a case study's front matter reaches the page through Jinja's autoescaping, inside
HTML blocks, so a title of `<script>alert(1)</script>` renders as text. Links inside those HTML
blocks are written relative to the page here, because MkDocs does not rewrite links in raw HTML.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape

from . import export, fields, references, sanitise
from .catalog import Catalog
from .model import CaseStudy
from .schema import SCHEMA_PATH, json_schema_text
from .search import PARTS_FILE, SEARCH_INDEXES
from .site import DEFAULT_NAME, Site, page_url
from .vocabulary import Vocabulary

NOT_REPORTED = "Not reported in the source."
"""What a page says where a case study leaves an optional field out."""

BLOCKS = (
    "ladder",
    "principles",
    "gm-principles",
    "pathway-steps",
    "are-in-roles",
    "checklist",
    "front-search",
    "bank-numbers",
    "newest",
)
"""Blocks an authored page can include with a line `<!-- evidence-bank: NAME -->`, so that
guidance pages show the vocabulary from its one source instead of retyping it."""

BLOCK_MARKER = re.compile(r"^<!-- evidence-bank: ([a-z-]+) -->[ \t]*$", re.MULTILINE)

TEMPLATES = Path(__file__).parent / "templates"


PAGE_SIZE = 50
"""Case studies per page of a generated list: keeps every page small at any size of bank."""


@dataclass(frozen=True, slots=True)
class Pager:
    """Where one page sits in a paginated list."""

    number: int
    count: int
    total: int
    offset: int
    uris: tuple[str, ...]
    """The src_uri of every page of the list, page 1 first."""

    @property
    def last(self) -> int:
        """The position of this page's last case study in the whole list."""
        return min(self.offset + PAGE_SIZE, self.total)

    @property
    def window(self) -> list[int | None]:
        """Page numbers to link: the first, the last, and two either side of this one; None
        stands for a gap."""
        keep = {1, self.count, *range(self.number - 2, self.number + 3)}
        shown: list[int | None] = []
        for n in range(1, self.count + 1):
            if n in keep:
                shown.append(n)
            elif shown and shown[-1] is not None:
                shown.append(None)
        return shown


def _encoded(texts: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
    return [(path, text.encode("utf-8")) for path, text in texts]


def _meta(title: str, description: str, extra: dict[str, Any] | None) -> dict[str, Any]:
    # Compat: Material prints `page.meta.title` and `page.meta.description` unescaped
    # (base.html, header.html), so the metadata carries them HTML-escaped.
    return {
        **(extra or {}),
        "title": str(escape(title)),
        "description": str(escape(_one_line(description))),
    }


_STORY = "<!-- evidence-bank: the story -->"
ANY_ID = re.compile(r'\sid="([^"]+)"')
_ID = re.compile(r'id="([^"]+)"')
_ID_SUB = re.compile(r'(\sid=")([^"]+)(")')


def find_ids(html: str) -> list[str]:
    """`ANY_ID.findall(html)`, six times faster: `id="` is looked for as a fixed string and the
    space before it checked after (a pattern starting with `\\s` tries every character, and
    one with a look-behind cannot look for its fixed string first)."""
    found = []
    at = 0
    while (match := _ID.search(html, at)) is not None:
        start = match.start()
        if start and html[start - 1].isspace():  # What `\s` matches, in a str pattern.
            found.append(match[1])
            at = match.end()
        else:
            at = start + 1
    return found


THEME_IDS = frozenset({"main-content", "eb-header-q"})
"""Ids the bank's theme gives elements around every page's content (`theme/main.html`: the
skip link's target; `theme/partials/eb-search-form.html`: the header's search box)."""
THEME_ID_PREFIX = "__"
"""Material's own ids all start with this (`__drawer`, `__search`, `__nav_2`, `__config`...)."""
_SECTION = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>')


@dataclass(frozen=True, slots=True)
class StudyShell:
    """A case study's page without its story: the template's HTML before and after the story,
    sanitised, and what its table of contents needs to know. It can be made ahead of the page."""

    before: str
    after: str
    sections: tuple[tuple[str, str], ...]
    """(id, title) of each section the template adds after the story, in order."""
    ids: frozenset[str]
    """Every id the template gives an element."""


@dataclass(frozen=True, slots=True)
class StudyPage:
    """A case study's page as HTML, and what its table of contents needs to know."""

    html: str
    renamed: dict[str, str]
    """Ids of the story's headings that were changed, old to new."""
    shell: StudyShell
    """The page around the story: its sections and ids."""


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page the plugin adds to the site: where it goes and its markdown."""

    src_uri: str
    """Path below `docs_dir` as if it were authored, such as `case-studies/daisy-hill.md`."""
    content: str
    in_nav: bool = True
    """False for the many pages that only their index page links to (case studies, principle
    and rung pages): a sidebar listing every case study is quadratic in the number of pages."""
    study: CaseStudy | None = None
    """For a case study's page: the case study (`content` is then its story alone)."""
    html: tuple[str, ...] = ()
    """HTML set aside from `content` (see `defer_html`), to put back with `restore_html`."""


def _root(here: str) -> str:
    """The site root, relative to the page at `here` (a URL relative to the site root)."""
    return "../" * here.count("/")


_HTML = re.compile(r"<!-- evidence-bank: html -->(.*?)<!-- /evidence-bank: html -->", re.S)
_HTML_PLACE = re.compile(r"<!-- evidence-bank: html (\d+) -->")


def defer_html(markdown: str) -> tuple[str, tuple[str, ...]]:
    """`markdown` with each piece of HTML its templates mark for it (a list of case studies)
    replaced by a numbered comment, and those pieces: Markdown passes raw HTML through as it is,
    so it need not read it (at 10,000 case studies, reading the lists took MkDocs 11 s)."""
    pieces: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        pieces.append(match.group(1))
        return f"<!-- evidence-bank: html {len(pieces) - 1} -->"

    return _HTML.sub(set_aside, markdown), tuple(pieces)


def restore_html(html: str, pieces: tuple[str, ...]) -> str:
    """The page's HTML with the pieces `defer_html` set aside put back."""

    def put_back(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return pieces[number] if number < len(pieces) else match.group(0)

    return _HTML_PLACE.sub(put_back, html)


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both relative to the site root (a folder
    ends with "/"; the root is ""). Plain string work: every generated link goes through here,
    and `posixpath.relpath` made up a quarter of a case-study page's making."""
    here = from_url.split("/")[:-1]
    there = to_url.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) or "./"


@functools.cache
def _environment(templates_dir: str | None) -> jinja2.Environment:
    """The templates, compiled once per process (a live preview renders again and again; a
    template changed on disk is compiled again, as Jinja checks its time)."""
    search = [templates_dir] if templates_dir else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*search, str(TEMPLATES)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown's heading ids `{#id}` look like Jinja comments; comments are `{#- -#}`.
        comment_start_string="{#-",
        comment_end_string="-#}",
    )
    env.filters["marked"] = marked
    return env


def marked(text: str | None) -> Markup:
    """Text from a field that may hold reference marks, escaped, with each mark a link to its
    source in the page's Sources (`references.linked`; the sources are `#source-1`, ...)."""
    escaped = str(escape(text or ""))
    return Markup(references.linked(escaped, lambda mark: f"#source-{mark.source}"))


_CODE = re.compile(r"(<(pre|code)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)


def judged_steps(catalog: Catalog) -> dict[tuple[str, str], int]:
    """How many case studies show each (pathway step, principle) by the editors' judgement
    rather than their source's word."""
    counts: dict[tuple[str, str], int] = {}
    for study in catalog.case_studies:
        for step in study.pathway:
            if step.basis == "judged":
                for principle in step.principles:
                    key = (step.step, principle)
                    counts[key] = counts.get(key, 0) + 1
    return counts


def evidence_map(catalog: Catalog) -> list[dict[str, Any]]:
    """The evidence map's four tables, each once: the template draws each as a table (from
    1024 px up) and again as a list per row (on a phone), from this one source. A cell is its
    column's label, its count, how many of those are our judgement, and where its number leads:
    a page at an anchor, or a search (or nowhere)."""
    vocabulary = catalog.vocabulary
    rungs = vocabulary.terms("ladder")
    principles = vocabulary.terms("principles")
    steps = judged_steps(catalog)

    def studies(n: int) -> str:
        return f"{n} case study" if n == 1 else f"{n} case studies"

    def cell(column: str, n: int, judged: int = 0, **lead: str) -> dict[str, Any]:
        base = {"column": column, "n": n, "judged": judged, "query": None, "page": None}
        return {**base, "label": None, **lead}

    by_rung = [{"label": r.label, "page": f"ladder/{r.slug}.md"} for r in rungs]
    plain_rungs = [{"label": r.label, "page": None} for r in rungs]
    rows = []
    for p in principles:
        # A count leads to the principle's page, under the rung: a page that works without
        # JavaScript, and keeps its address (the search needs a script).
        page, cells = f"principles/{p.slug}.md", []
        for r in rungs:
            found = catalog.matrix[(p.slug, r.slug)]
            n, j = len(found), sum(1 for s in found if s.rung_basis == "judged")
            note = f"; the rung is our judgement for {j}" if j else ""
            label = f"{studies(n)}: {p.label} at {r.label}{note}"
            cells.append(cell(r.label, n, j, page=page, anchor=f"rung-{r.slug}", label=label))
        total = len(catalog.by_principle[p.slug])
        rows.append({"label": p.label, "page": page, "cells": cells, "total": total})
    everything = [{"corner": "Principle", "columns": by_rung, "rows": rows, "total": True}]
    rows = []
    for p in principles:
        cells = [
            cell(
                r.label,
                sum(1 for s in catalog.matrix[(p.slug, r.slug)] if s.rung_basis == "stated"),
            )
            for r in rungs
        ]
        rows.append({"label": p.label, "page": None, "cells": cells, "total": None})
    everything.append({"corner": "Principle", "columns": plain_rungs, "rows": rows, "total": False})
    rows = []
    for level in vocabulary.terms("evidence_strengths"):
        cells = []
        for r in rungs:
            n = sum(1 for s in catalog.by_rung[r.slug] if s.evidence_strength == level.slug)
            query = f"evidence={level.slug}&rung={r.slug}"
            label = f"{studies(n)}: {level.label}, at {r.label}"
            cells.append(cell(r.label, n, query=query, label=label))
        total = sum(1 for s in catalog.case_studies if s.evidence_strength == level.slug)
        rows.append({"label": level.label, "page": None, "cells": cells, "total": total})
    everything.append(
        {"corner": "Strength of evidence", "columns": plain_rungs, "rows": rows, "total": True}
    )
    rows = []
    for number, step in enumerate(vocabulary.terms("pathway_steps"), start=1):
        cells = [
            cell(
                p.label,
                len(catalog.by_step_principle[(step.slug, p.slug)]),
                steps.get((step.slug, p.slug), 0),
            )
            for p in principles
        ]
        rows.append({"label": f"{number}. {step.label}", "page": None, "cells": cells})
    columns = [{"label": p.label, "page": None} for p in principles]
    everything.append({"corner": "Pathway step", "columns": columns, "rows": rows, "total": False})
    return everything


def places_cited(study: CaseStudy) -> dict[int, list[str]]:
    """The locators its reference marks give for each source (by number), in order, once each:
    the Sources section lists them, so a reader on a phone sees them without a tooltip. Read
    from the case study's own fields (`references.MARKED_FIELDS`, in that order, then the story
    outside its code), not its front matter, which a build lets go of before the pages are made
    (`Bank.start_background`)."""
    texts = [
        study.reasoning,
        *(step.done for step in study.pathway),
        *(
            text
            for answer in study.checklist
            for text in (answer.who, answer.what, answer.outcomes)
        ),
        study.outcomes.how_much,
        study.outcomes.how_well,
        study.outcomes.better_off,
        study.evaluation,
        study.what_was_hard,
        study.evidence_reason,
        *(marks for _, marks in study.facts_from),
        references.outside_code(study.body),
    ]
    cited: dict[int, list[str]] = {}
    for text in texts:
        for mark in references.found(text or ""):
            if mark.locator and mark.locator not in cited.setdefault(mark.source, []):
                cited[mark.source].append(mark.locator)
    return cited


def marked_html(story: str) -> str:
    """A story's HTML with its reference marks made links, except inside code."""
    if "[source" not in story:
        return story
    pieces = _CODE.split(story)
    # `split` gives text, then each code element and its tag name, in turn.
    return "".join(
        piece if index % 3 else references.linked(piece, lambda mark: f"#source-{mark.source}")
        for index, piece in enumerate(pieces)
        if index % 3 != 2
    )


Memo = dict[Any, tuple[Any, tuple[CaseStudy, ...]]]
"""What a Renderer made, by what it was made from, with the case studies it was made from."""


class Lists(enum.Enum):
    """Where a generated page's lists of case studies go (the HTML its templates mark)."""

    IN_MARKDOWN = "in the markdown"
    """Left in the page's markdown, marks removed: a preview, which makes a page again only
    when its markdown changes, so the markdown must hold everything the page shows."""
    SET_ASIDE = "set aside"
    """Made, and set aside from the markdown (`defer_html`), for `restore_html` to put back
    into the page's HTML: Markdown need not read them (at 10,000 case studies, reading the
    lists took MkDocs 11 s)."""
    LATER = "later"
    """Set aside empty: made by `list_html` in another process (`background.py`)."""


class Renderer:
    """Renders every generated page of the bank."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        templates_dir: Path | None = None,
        site: Site | None = None,
        lists: Lists = Lists.IN_MARKDOWN,
        memo: Memo | None = None,
    ) -> None:
        self.catalog = catalog
        self.templates_dir = templates_dir
        self.lists = lists
        self.memo = memo
        """List pages made by an earlier Renderer, for a caller that renders the same bank
        again and again (a live preview): a page whose case studies are the very same objects
        (a catalog read with a `ReadCache` keeps unchanged ones) and whose counts have not
        changed is not rendered again. `fresh` holds what this Renderer made or reused: the
        memo for the next one."""
        self.fresh: Memo = {}
        self.vocabulary = catalog.vocabulary
        self.site = site = site or Site()
        self.directory_urls = site.directory_urls
        """The site's name and address, and the build's date (from SOURCE_DATE_EPOCH when
        set), for citations, exports and what is due for review."""
        self.env = _environment(str(templates_dir) if templates_dir else None)

    # -- the pages ---------------------------------------------------------------------------

    def pages(self) -> Iterator[GeneratedPage]:
        """Every generated page, in a fixed order."""
        catalog = self.catalog
        yield from self.paged(
            "case-studies/index.md",
            "case_studies.md",
            items=catalog.case_studies,
            title="Case studies",
            description=(
                f"All {len(catalog.case_studies)} case studies in the evidence bank, newest first."
            ),
        )
        for study in catalog.case_studies:
            yield self.case_study(study)
        for study in catalog.withdrawn:
            # None of the case study's own words: it names the id alone (README: Content
            # safety). Search (Pagefind) reads case-study pages only.
            yield self.render(
                f"case-studies/{study.slug}.md",
                "withdrawn.md",
                title=export.withdrawn_title(study),
                description=f"This case study was withdrawn on {study.withdrawn_date}.",
                study=study,
                meta={"search": {"exclude": True}},
            )
        yield self.render(
            "principles/index.md",
            "principles.md",
            title="Principles of co-production",
            description="The six principles of co-production, with the case "
            "studies that demonstrate each.",
        )
        for term in self.vocabulary.terms("principles"):
            rungs = self.vocabulary.slugs("ladder")
            # Grouped by rung, top rung first; newest first within a rung (a stable sort).
            studies = sorted(catalog.by_principle[term.slug], key=lambda s: -rungs.index(s.rung))
            yield from self.paged(
                f"principles/{term.slug}.md",
                "principle.md",
                items=tuple(studies),
                title=term.label,
                description=term.description,
                term=term,
            )
        yield self.render(
            "ladder/index.md",
            "ladder.md",
            title="The ladder of co-production",
            description="The seven rungs of the ladder of co-production, with the "
            "case studies that reached each.",
        )
        for term in self.vocabulary.terms("ladder"):
            yield from self.paged(
                f"ladder/{term.slug}.md",
                "rung.md",
                items=catalog.by_rung[term.slug],
                title=term.label,
                description=term.description,
                term=term,
            )
        cells = [len(v) for v in (*catalog.matrix.values(), *catalog.by_step_principle.values())]
        yield self.render(
            "evidence-map.md",
            "evidence_map.md",
            max_cell=max(cells, default=0),
            tables=evidence_map(catalog),
            title="Evidence map",
            description="How many case studies show each principle at each rung "
            "of the ladder, and where the evidence gaps are.",
        )
        facets = search_facets(catalog)
        yield self.render(
            "search/index.md",
            "search.md",
            title="Search case studies",
            description="Search the case studies, and filter them by principle, rung, service "
            "area, nation, status and year.",
            facets=facets,
            indexes=SEARCH_INDEXES,
            parts_file=PARTS_FILE,
            labels_json=Markup(
                export.script_json(
                    {f["name"]: {o["value"]: o["label"] for o in f["options"]} for f in facets}
                )
            ),
        )
        yield self.render(
            "data/index.md",
            "data.md",
            title="Open data",
            description="Every case study as open data: CSV, JSON, a JSON Schema, a data "
            "package, feeds and citations.",
            columns=export.CSV_COLUMNS,
            meta={"eb_jsonld": export.script_json(export.dataset_ld(catalog, self.site))},
            data_path=export.DATA,
        )
        due = due_for_review(catalog, self.site.built)
        yield from self.paged(
            "due-for-review.md",
            "due_for_review.md",
            items=tuple(study for study, _ in due),
            title="Due for review",
            description="Case studies not checked against their sources for more than two "
            f"years, or whose newest source is more than {EVIDENCE_OLD_AFTER_YEARS} years old.",
            days={study.id: days for study, days in due},
            ages={study.id: evidence_age(study, self.site.built) for study, _ in due},
            old_after=EVIDENCE_OLD_AFTER_YEARS,
            review_after_days=REVIEW_AFTER_DAYS,
            today_long=export.long_date(self.site.built),
        )
        yield self.render(
            "case-study-format.md",
            "case_study_format.md",
            title="Case study format",
            description="Every field a case study can have: what it means, what to write, "
            "and an example.",
            rows=format_rows(self.vocabulary),
            schema_path=SCHEMA_PATH,
        )

    def list_html(self) -> dict[str, tuple[str, ...]]:
        """The HTML each generated page sets aside (`defer_html`), by the page's `src_uri`, with
        every list of case studies made: what a Renderer with `Lists.LATER` leaves empty."""
        made = Renderer(
            self.catalog, templates_dir=self.templates_dir, site=self.site, lists=Lists.SET_ASIDE
        )
        return {page.src_uri: page.html for page in made.pages() if page.html}

    def block(self, name: str, src_uri: str) -> str:
        """The HTML of block `name` (one of `BLOCKS`) for the authored page at `src_uri`."""
        html = self._template(f"blocks/{name}.html", page_url(src_uri, self.directory_urls))
        # Blank lines would end the HTML block early in Python-Markdown.
        return "\n".join(line for line in html.splitlines() if line.strip())

    def expand_blocks(self, markdown: str, src_uri: str) -> tuple[str, list[tuple[int, str]]]:
        """Replace every block marker line in an authored page.

        Returns the new markdown and the (line, name) of every unknown marker.
        """
        unknown: list[tuple[int, str]] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in BLOCKS:
                unknown.append((markdown.count("\n", 0, match.start()) + 1, name))
                return match.group(0)
            return self.block(name, src_uri)

        return BLOCK_MARKER.sub(replace, markdown), unknown

    def bank_files(self) -> list[tuple[str, Callable[[], str]]]:
        """The downloads that are not one case study's own, as (path below the site root,
        make), in a fixed order: templates, schema, open data, feeds, CITATION.cff. Their paths
        are known before their text is made, so that pages may link to them."""
        vocabulary, site = self.vocabulary, self.site
        files: list[tuple[str, Callable[[], str]]] = [
            (
                "downloads/co-design-checklist.md",
                functools.partial(checklist_markdown, vocabulary, site.name),
            ),
            ("downloads/co-design-checklist.csv", functools.partial(checklist_csv, vocabulary)),
            (SCHEMA_PATH, functools.partial(json_schema_text, vocabulary, site.url)),
        ]
        files += [*export.data_files(self.catalog, site), *export.feed_files(self.catalog, site)]
        files.append(("CITATION.cff", functools.partial(export.citation_cff, site)))
        return files

    def downloads(self) -> Iterator[tuple[str, bytes]]:
        """Files to publish as they are: (path below the site root, bytes), in a fixed order:
        `bank_files`, then every case study's citations, then every case study's redirects.

        Each file is made as it is reached, so that they need not all be held at once."""
        for path, make in self.bank_files():
            yield path, make().encode("utf-8")
        studies = sorted(self.catalog.by_id.values(), key=lambda s: s.id)
        for make_study in (self.study_citations, self.study_redirects):
            for study in studies:
                yield from self._study_files(make_study, study)

    def _study_files(
        self, make: Callable[[CaseStudy], list[tuple[str, str]]], study: CaseStudy
    ) -> list[tuple[str, bytes]]:
        """`make(study)`, encoded; from the memo when the study is the very same object."""
        key = (make.__name__, id(study))
        if self.memo is not None and key in self.memo:
            self.fresh[key] = self.memo[key]
            made: list[tuple[str, bytes]] = self.memo[key][0]
            return made
        files = _encoded(make(study))
        if self.memo is not None:
            self.fresh[key] = (files, (study,))
        return files

    def study_citations(self, study: CaseStudy) -> list[tuple[str, str]]:
        """One case study's BibTeX, RIS and CSL-JSON files."""
        return export.study_citation_files(study, self.site)

    def study_redirects(self, study: CaseStudy) -> list[tuple[str, str]]:
        """One case study's redirect pages: from /id/<id>/ and from each former name."""
        target = f"case-studies/{study.slug}.md"
        sources = [f"id/{study.id}/index.html"]
        sources += [f"case-studies/{alias}/index.html" for alias in study.aliases]
        title = export.withdrawn_title(study) if study.withdrawn else study.title
        return [(source, self.redirect_page(source, target, title)) for source in sources]

    def redirect_page(self, source: str, target_src: str, title: str) -> str:
        here = source.rsplit("/", 1)[0] + "/"
        target = page_url(target_src, self.directory_urls)
        link = relative(here, target)
        return self.env.get_template("redirect.html").render(
            title=title,
            link=link,
            canonical=f"{self.site.url}{target}" if self.site.url else link,
            site_name=self.site.name,
        )

    def paged(
        self,
        src_uri: str,
        template: str,
        *,
        items: tuple[CaseStudy, ...],
        title: str,
        description: str,
        **context: Any,
    ) -> Iterator[GeneratedPage]:
        """A list page, split into pages of `PAGE_SIZE`. Page 1 keeps the list's permanent
        address; pages 2 and beyond are `<address>page/<n>/` and are not permanent (they shift
        as the bank grows)."""
        chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [()]
        stem = src_uri[: -len(".md")]
        folder = stem[: -len("/index")] if stem.endswith("/index") else stem
        uris = [src_uri, *(f"{folder}/page/{n}.md" for n in range(2, len(chunks) + 1))]
        for number, chunk in enumerate(chunks, 1):
            pager = Pager(number, len(chunks), len(items), (number - 1) * PAGE_SIZE, tuple(uris))
            key = None
            if self.memo is not None:
                key = (
                    template,
                    uris[number - 1],
                    tuple(map(id, chunk)),
                    pager,
                    title,
                    description,
                    self._counts,
                    tuple(
                        (name, tuple(value.get(s.id) for s in chunk))
                        if isinstance(value, dict)
                        else (name, value)
                        for name, value in sorted(context.items())
                    ),
                )
                if key in self.memo:
                    self.fresh[key] = self.memo[key]
                    reused: GeneratedPage = self.memo[key][0]
                    yield reused
                    continue
            page = self.render(
                uris[number - 1],
                template,
                title=title if number == 1 else f"{title} (page {number} of {len(chunks)})",
                description=description,
                case_studies=chunk,
                total=len(items),
                pager=pager,
                **context,
            )
            if key is not None:
                # The case studies are kept with the page: while the memo holds them, no other
                # object can take their ids.
                self.fresh[key] = (page, chunk)
            yield page

    @functools.cached_property
    def _counts(self) -> tuple[Any, ...]:
        """What a list page may show of the whole bank besides its own case studies."""
        catalog = self.catalog
        return (
            len(catalog.case_studies),
            tuple(len(v) for v in catalog.by_rung.values()),
            tuple(len(v) for v in catalog.matrix.values()),
            tuple(len(v) for v in catalog.by_step_principle.values()),
        )

    def case_study(self, study: CaseStudy) -> GeneratedPage:
        """The page MkDocs reads for a case study: its story alone, so that MkDocs renders the
        markdown (its links checked, its headings in the table of contents) and no more; the
        rest of the page is HTML from `case_study_page`, made when MkDocs reaches the page.

        The story starts with a blank line: MkDocs reads no front matter from it then. It
        usually does already, and is then not copied (a copy is 55 MB at 10,000 case studies)."""
        story = study.body if study.body.startswith("\n") else "\n" + study.body
        return GeneratedPage(f"case-studies/{study.slug}.md", story, False, study)

    def case_study_meta(self, study: CaseStudy) -> dict[str, Any]:
        """The page metadata of a case study's page (other pages carry it as front matter)."""
        return _meta(
            study.title,
            study.summary,
            # Only case-study pages carry data-pagefind-body, so search finds case studies.
            {
                "eb_search": True,
                "eb_jsonld": export.script_json(
                    export.article_ld(study, self.site, self.vocabulary)
                ),
            },
        )

    def case_study_shell(self, study: CaseStudy) -> StudyShell:
        """The HTML of a case study's page around its story, sanitised (`sanitise.clean`)."""
        shell = self._template(
            "case_study.html",
            page_url(f"case-studies/{study.slug}.md", self.directory_urls),
            title=study.title,
            study=study,
            harvard=export.harvard(study, self.site),
            related=self.catalog.related.get(study.slug, ()),
            cited=places_cited(study),
            story=Markup(_STORY),
        )
        before, after = sanitise.clean_around(shell, _STORY)
        sections = tuple(
            (anchor, html.unescape(re.sub(r"<[^>]+>", "", title)))
            for anchor, title in _SECTION.findall(after)
        )
        return StudyShell(before, after, sections, frozenset(find_ids(before + after)))

    def case_study_page(
        self, study: CaseStudy, story: str, shell: StudyShell | None = None
    ) -> StudyPage:
        """A case study's page: its `shell` (made now if not given) around `story`, the story's
        HTML, which is sanitised on its own, so that it cannot reach outside its place.

        An id in the story that the page has already (a story may have its own "Outcomes", or
        write `{#main-content}`) is given another, so that every id on the page is unique and
        the page's own links (the skip link, the sections people cite) reach what they name.
        Renamed rather than refused: a heading called "Outcomes" is a fair thing to write."""
        if shell is None:
            shell = self.case_study_shell(study)
        story = marked_html(sanitise.clean(story))
        template_ids = shell.ids

        def reserved(anchor: str) -> bool:
            return (
                anchor in template_ids or anchor in THEME_IDS or anchor.startswith(THEME_ID_PREFIX)
            )

        found = find_ids(story)
        renamed: dict[str, str] = {}
        if not any(reserved(anchor) for anchor in found):  # Almost every story: none to rename.
            return StudyPage(shell.before + story + shell.after, renamed, shell)
        taken = {*template_ids, *found}

        def rename(match: re.Match[str]) -> str:
            old = match.group(2)
            if not reserved(old):
                return match.group(0)
            new = renamed.get(old)
            if new is None:
                stem, number = old.lstrip("_") or "section", 1
                while f"{stem}-{number}" in taken:
                    number += 1
                renamed[old] = new = f"{stem}-{number}"
                taken.add(new)
            return f"{match.group(1)}{new}{match.group(3)}"

        story = _ID_SUB.sub(rename, story)
        return StudyPage(shell.before + story + shell.after, renamed, shell)

    def render(
        self,
        src_uri: str,
        template: str,
        *,
        title: str,
        description: str,
        meta: dict[str, Any] | None = None,
        **context: Any,
    ) -> GeneratedPage:
        body = self._template(
            template, page_url(src_uri, self.directory_urls), title=title, **context
        )
        front = yaml.safe_dump(
            _meta(title, description, meta), allow_unicode=True, sort_keys=True, width=10_000
        )
        in_nav = src_uri.endswith("index.md") or "/" not in src_uri
        pieces: tuple[str, ...] = ()
        if self.lists is Lists.IN_MARKDOWN:
            body = _HTML.sub(r"\1", body)  # The marks alone removed.
        else:
            body, pieces = defer_html(body)
        return GeneratedPage(src_uri, f"---\n{front}---\n\n{body}", in_nav, html=pieces)

    def _template(self, name: str, here: str, **context: Any) -> str:
        """Template `name` rendered for the page at `here`, with what every template may use."""
        return self.env.get_template(name).render(
            catalog=self.catalog,
            vocabulary=self.vocabulary,
            not_reported=NOT_REPORTED,
            url=self._linker(here),
            root=_root(here),
            site_url=self.site.url,
            site_name=self.site.name,
            built=self.site.built,
            lists_now=self.lists is not Lists.LATER,
            **context,
        )

    def _linker(self, here: str) -> Callable[[str], str]:
        def url(target: str) -> str:
            """`target` is a page's src_uri (`principles/valuing-people.md`)."""
            return relative(here, page_url(target, self.directory_urls))

        return url


@dataclass(frozen=True, slots=True)
class FormatRow:
    """One field of the case-study format, as the format page shows it."""

    name: str
    """Dotted path, such as `period.start` or `pathway.<step>.done`."""
    required: bool
    description: str
    accepts: str
    allowed: tuple[tuple[str, str], ...]
    """For vocabulary fields: (slug, label) pairs."""
    example: str
    depth: int

    @property
    def anchor(self) -> str:
        """The row's id on the format page: `field-period-start`."""
        return "field-" + "-".join(re.findall(r"[a-z0-9_]+", self.name))


_PLACEHOLDERS = {"pathway_steps": "step", "checklist": "item", "are_in_roles": "role"}


def format_rows(vocabulary: Vocabulary) -> list[FormatRow]:
    """Flatten `fields.CASE_STUDY_FIELDS` into rows, nested fields after their parent."""
    rows: list[FormatRow] = []

    def allowed(kind: fields.Kind) -> tuple[tuple[str, str], ...]:
        name = getattr(kind, "vocabulary", None)
        if name is None:
            return ()
        return tuple((t.slug, t.label) for t in vocabulary.terms(name))

    def walk(field: fields.Field, prefix: str, depth: int) -> None:
        kind = field.kind
        example = ""
        if field.example is not None:
            example = yaml.safe_dump(
                {field.name: field.example},
                default_flow_style=None,
                allow_unicode=True,
                sort_keys=False,
            ).strip()
        rows.append(
            FormatRow(
                prefix + field.name,
                field.required,
                field.description,
                kind.describe(),
                allowed(kind),
                example,
                depth,
            )
        )
        inner = kind.item if isinstance(kind, fields.ListOf) else kind
        if isinstance(inner, fields.MapOf):
            key = f"{prefix}{field.name}.<{_PLACEHOLDERS.get(inner.vocabulary, 'slug')}>."
            inner_kind = inner.value
            if isinstance(inner_kind, fields.Record):
                for sub in inner_kind.fields:
                    walk(sub, key, depth + 1)
        elif isinstance(inner, fields.Record):
            for sub in inner.fields:
                walk(sub, f"{prefix}{field.name}{'[].' if inner is not kind else '.'}", depth + 1)

    for field in fields.CASE_STUDY_FIELDS:
        walk(field, "", 0)
    return rows


SEARCH_FACETS = (
    ("principle", "Principle", "principles"),
    ("rung", "Rung of the ladder", "ladder"),
    ("service_area", "Service area", "service_areas"),
    ("nation", "UK nation", "nations"),
    ("status", "Status", "statuses"),
    ("evidence", "Strength of evidence", "evidence_strengths"),
    ("year", "Year the work started", None),
)
"""The search page's filters: (Pagefind filter name, label, vocabulary list or None)."""


def search_facets(catalog: Catalog) -> list[dict[str, Any]]:
    """Every filter with its options and how many published case studies have each."""
    counts: dict[str, dict[str, int]] = {name: {} for name, _, _ in SEARCH_FACETS}
    for study in catalog.case_studies:
        values = {
            "principle": list(study.principles),
            "rung": [study.rung],
            "service_area": [study.service_area] if study.service_area else [],
            "nation": [study.nation] if study.nation else [],
            "status": [study.status] if study.status else [],
            "evidence": [study.evidence_strength] if study.evidence_strength else [],
            "year": [study.period_start[:4]] if study.period_start else [],
        }
        for name, found in values.items():
            for value in found:
                counts[name][value] = counts[name].get(value, 0) + 1
    facets = []
    for name, label, vocabulary_list in SEARCH_FACETS:
        if vocabulary_list:
            options = [
                {"value": t.slug, "label": t.label, "count": counts[name].get(t.slug, 0)}
                for t in catalog.vocabulary.terms(vocabulary_list)
            ]
        else:
            options = [
                {"value": v, "label": v, "count": n}
                for v, n in sorted(counts[name].items(), reverse=True)
            ]
        facets.append({"name": name, "label": label, "options": options})
    return facets


REVIEW_AFTER_DAYS = 2 * 365 + 1
"""A case study is due for review when it was last reviewed more than two years ago."""

EVIDENCE_OLD_AFTER_YEARS = 5
"""A case study's evidence is flagged as old when its newest source is more than this many
years older than the build: what it describes may have changed since (our editorial choice;
the guidance page on the strength of evidence says so)."""


def evidence_age(study: CaseStudy, today: str) -> int | None:
    """How many years before `today` (a build date) its newest dated source was published."""
    years = study.evidence_years
    return int(today[:4]) - years[1] if years else None


def old_evidence(study: CaseStudy, today: str) -> bool:
    """Whether its evidence is old (`EVIDENCE_OLD_AFTER_YEARS`), or none of its sources is dated."""
    age = evidence_age(study, today)
    return age is None or age > EVIDENCE_OLD_AFTER_YEARS


def due_for_review(catalog: Catalog, today: str) -> list[tuple[CaseStudy, int]]:
    """(case study, days since last review), longest first, for every case study not reviewed
    for two years or whose evidence is old (`old_evidence`); never reviewed counts as due."""
    now = dt.date.fromisoformat(today)
    due = []
    for study in catalog.case_studies:
        reviewed = study.last_reviewed or study.published
        # A review dated after the build (a build with an earlier SOURCE_DATE_EPOCH) is today's.
        days = max(0, (now - dt.date.fromisoformat(reviewed)).days) if reviewed else 10**6
        if days > REVIEW_AFTER_DAYS or old_evidence(study, today):
            due.append((study, days))
    return sorted(due, key=lambda item: (-item[1], item[0].id))


def checklist_markdown(vocabulary: Vocabulary, site_name: str = DEFAULT_NAME) -> str:
    """Bolton's co-design checklist as a blank markdown template a scheme can fill in."""
    columns = vocabulary.terms("checklist_columns")
    lines = [
        "# Co-design checklist",
        "",
        "Bolton's co-design checklist, as a blank template. For each question, write who took",
        "part and how many, what you did and how, and what happened as a result.",
        "",
        "Scheme: ",
        "",
        "Completed by and date: ",
        "",
    ]
    for number, item in enumerate(vocabulary.terms("checklist"), 1):
        lines += [f"## {number}. {item.question or item.label}", ""]
        for column in columns:
            lines += [f"**{column.label}**", "", "", ""]
    lines += [
        "---",
        "",
        f"Source: Co-design in Bolton (v1.2, 2017). Template from the {site_name}.",
        "",
    ]
    return "\n".join(lines)


def checklist_csv(vocabulary: Vocabulary) -> str:
    """Bolton's co-design checklist as a blank CSV template (RFC 4180, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["Number", "Checklist question", *(c.label for c in vocabulary.terms("checklist_columns"))]
    )
    for number, item in enumerate(vocabulary.terms("checklist"), 1):
        writer.writerow([number, item.question or item.label, "", "", ""])
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split())
