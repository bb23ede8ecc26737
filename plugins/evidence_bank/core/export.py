"""Open data, feeds, citations and structured data: bytes out, deterministic.

Everything here is derived from the catalogue only, sorted explicitly, and written with fixed
formatting, so two builds give byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from . import references as refs
from .catalog import Catalog
from .model import CaseStudy, Source
from .site import Site, page_url
from .vocabulary import Vocabulary

DATA = "data/v1/"
"""Where the open data lives, below the site root. `v1` is a contract: a change that would break
a reader gets `v2`, beside it."""

# -- records ---------------------------------------------------------------------------------


def record(study: CaseStudy, site: Site) -> dict[str, Any]:
    """One case study as open data: its front matter, typed, plus where it lives and every
    reference mark in it (`references`)."""
    return {
        "id": study.id,
        "slug": study.slug,
        "url": site.case_study_url(study.slug),
        "permanent_url": site.permanent_url(study.id),
        **{key: value for key, value in study.front_matter.items() if key not in ("id",)},
        "references": references(study),
    }


def references(study: CaseStudy) -> list[dict[str, Any]]:
    """Every reference mark in the case study, as {field, source, locator}
    (`references.cited`). The text keeps the marks as written; this list is for a reader who
    wants them as data."""
    return [
        {"field": field, "source": mark.source, "locator": mark.locator}
        for field, mark in refs.cited(study.front_matter, study.body)
    ]


def json_text(catalog: Catalog, site: Site) -> str:
    """`case-studies.json`: a list of records, newest first, keys sorted, one record a line.
    (Python writes indented JSON with its slow pure-Python encoder: at 10,000 case studies,
    seconds.)"""
    lines = ",\n".join(
        json.dumps(record(study, site), ensure_ascii=False, sort_keys=True)
        for study in catalog.case_studies
    )
    return f"[\n{lines}\n]\n" if lines else "[]\n"


CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "The permanent identifier."),
    ("slug", "The file name: the case study's address is /case-studies/<slug>/."),
    ("url", "The case study's page."),
    ("permanent_url", "The permanent address, /id/<id>/, which always leads to the page."),
    ("title", "The name of the scheme."),
    ("summary", "One to three plain-English sentences."),
    ("rung", "The rung of the ladder of co-production reached (a slug)."),
    ("principles", "The principles demonstrated (slugs, separated by ';')."),
    ("organisations", "Organisations involved (separated by ';')."),
    ("place", "The area the work covered."),
    ("nation", "The UK nation (a slug)."),
    ("service_area", "The kind of service (a slug)."),
    ("period_start", "When the work started (YYYY, YYYY-MM or YYYY-MM-DD)."),
    ("period_end", "When it ended."),
    ("status", "completed or in-progress."),
    ("pathway_steps", "Pathway steps the case study describes (slugs, separated by ';')."),
    ("checklist_items", "Checklist items it answers (slugs, separated by ';')."),
    ("how_much", "Outcomes: how much was done."),
    ("how_well", "Outcomes: how well."),
    ("better_off", "Outcomes: is anyone better off."),
    ("evaluation", "How it was, or will be, evaluated."),
    ("what_was_hard", "What was difficult."),
    ("reasoning", "Why this rung and these principles."),
    ("sources", "Source titles (separated by ' | ')."),
    ("source_urls", "Source web addresses (separated by ' ')."),
    ("licence", "The licence (a slug)."),
    ("published", "When first published (YYYY-MM-DD)."),
    ("last_reviewed", "When last checked against its sources (YYYY-MM-DD)."),
    # Added for issue #15: new columns only ever go at the end, so v1 readers keep working.
    (
        "evidence_strength",
        "The strength of the evidence behind the case study (a slug, weakest first: "
        "described, independently-reviewed, outcomes-measured, compared).",
    ),
    ("evidence_reason", "Why the evidence has that strength."),
    (
        "rung_basis",
        "stated if the source itself places the work on its rung; judged if the editors did.",
    ),
    ("status_date", "When the status was last known to be true (YYYY, YYYY-MM or YYYY-MM-DD)."),
    ("evidence_oldest_year", "The year of the oldest dated source."),
    ("evidence_newest_year", "The year of the newest dated source."),
    ("draft_source", "true if any source calls itself, or the part used, a draft."),
    ("undated_source", "true if any source gives no date of publication."),
    (
        "judged_step_principles",
        "Pathway steps whose principles are the editors' judgement rather than named by the "
        "source (slugs, separated by ';').",
    ),
)
"""Fixed CSV columns, in order, with their meaning (the data page's codebook). `v1` is a
contract: a column keeps its name, place and meaning; new ones are added at the end."""

_CSV_TYPES = {
    "published": "date",
    "last_reviewed": "date",
    "evidence_oldest_year": "integer",
    "evidence_newest_year": "integer",
    "draft_source": "boolean",
    "undated_source": "boolean",
}
"""Table Schema types of the columns that are not plain strings."""

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell that no spreadsheet will run as a formula (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_row(study: CaseStudy, site: Site) -> list[str]:
    years = study.evidence_years
    row: dict[str, object] = {
        "id": study.id,
        "slug": study.slug,
        "url": site.case_study_url(study.slug),
        "permanent_url": site.permanent_url(study.id),
        "title": study.title,
        "summary": study.summary,
        "rung": study.rung,
        "principles": ";".join(study.principles),
        "organisations": ";".join(study.organisations),
        "place": study.place,
        "nation": study.nation,
        "service_area": study.service_area,
        "period_start": study.period_start,
        "period_end": study.period_end,
        "status": study.status,
        "pathway_steps": ";".join(step.step for step in study.pathway),
        "checklist_items": ";".join(answer.item for answer in study.checklist),
        "how_much": study.outcomes.how_much,
        "how_well": study.outcomes.how_well,
        "better_off": study.outcomes.better_off,
        "evaluation": study.evaluation,
        "what_was_hard": study.what_was_hard,
        "reasoning": study.reasoning,
        "sources": " | ".join(source.title for source in study.sources),
        "source_urls": " ".join(source.url for source in study.sources if source.url),
        "licence": study.licence,
        "published": study.published,
        "last_reviewed": study.last_reviewed,
        "evidence_strength": study.evidence_strength,
        "evidence_reason": study.evidence_reason,
        "rung_basis": study.rung_basis,
        "status_date": study.status_date,
        "evidence_oldest_year": years[0] if years else None,
        "evidence_newest_year": years[1] if years else None,
        "draft_source": _flag(any(source.draft for source in study.sources)),
        "undated_source": _flag(any(source.undated for source in study.sources)),
        "judged_step_principles": ";".join(
            step.step for step in study.pathway if step.principles and step.basis == "judged"
        ),
    }
    return [_cell(row[name]) for name, _ in CSV_COLUMNS]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def csv_text(studies: Iterable[CaseStudy], site: Site) -> str:
    """RFC 4180 CSV (CRLF line ends, UTF-8 with no byte order mark), one header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for study in studies:
        writer.writerow(csv_row(study, site))
    return out.getvalue()


def datapackage(catalog: Catalog, site: Site) -> dict[str, Any]:
    """A Frictionless Data Package describing the CSV (with its table schema) and the JSON."""
    return {
        "name": "co-production-evidence-bank",
        "title": f"{site.name}: case studies",
        "description": "Case studies of co-production and co-design in UK health and social "
        "care, with the rung of the ladder of co-production reached and the principles shown.",
        "homepage": site.url,
        "version": "1.0.0",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "title": "Open Government Licence v3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/"
                "version/3/",
            }
        ],
        "resources": [
            {
                "name": "case-studies",
                "path": "case-studies.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "fields": [
                        {
                            "name": name,
                            "type": _CSV_TYPES.get(name, "string"),
                            "description": meaning,
                        }
                        for name, meaning in CSV_COLUMNS
                    ],
                    "primaryKey": ["id"],
                },
            },
            {
                "name": "case-studies-json",
                "path": "case-studies.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": "The same case studies with every field, nested as in the "
                "case-study format; described by case-study.schema.json (JSON Schema).",
            },
        ],
    }


def term_csv_files(catalog: Catalog, site: Site) -> list[tuple[str, Callable[[], str]]]:
    """Each principle's and each rung's own subset, as (path below the site root, make)."""
    files: list[tuple[str, Callable[[], str]]] = []
    for folder, index in (("principles", catalog.by_principle), ("ladder", catalog.by_rung)):
        for slug, studies in index.items():
            files.append((f"{DATA}{folder}/{slug}.csv", partial(csv_text, studies, site)))
    return files


def data_files(catalog: Catalog, site: Site) -> list[tuple[str, Callable[[], str]]]:
    """Every open-data file, as (path below the site root, make): each file's text is made only
    when `make()` is called, so that its path is known first and the text need not be kept."""
    return [
        (f"{DATA}case-studies.json", partial(json_text, catalog, site)),
        (f"{DATA}case-studies.csv", partial(csv_text, catalog.case_studies, site)),
        (f"{DATA}datapackage.json", partial(_datapackage_text, catalog, site)),
        *term_csv_files(catalog, site),
    ]


def _datapackage_text(catalog: Catalog, site: Site) -> str:
    return json.dumps(datapackage(catalog, site), indent=2, sort_keys=True) + "\n"


# -- feeds -----------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text safe in XML 1.0: escaped, with characters XML cannot carry removed."""
    return xml_escape(_XML_INVALID.sub("", text))


def issued(study: CaseStudy, site: Site) -> str:
    """When the case study was first published: its `published` date, or else when it was last
    reviewed, or else the build that publishes it (the scaffolder and the issue route always
    set `published`). Never "no date": a published case study has one."""
    return study.published or study.last_reviewed or site.built


def _updated(study: CaseStudy, site: Site) -> str:
    return study.last_reviewed or issued(study, site)


def atom_feed(
    studies: Iterable[CaseStudy], *, site: Site, path: str, title: str, vocabulary: Vocabulary
) -> str:
    """An Atom (RFC 4287) feed of new and updated case studies, most recently changed first."""
    entries = sorted(studies, key=lambda s: (_updated(s, site), s.id), reverse=True)
    feed_url = f"{site.url}{path}"
    updated = max((_updated(s, site) for s in entries), default=site.built)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{_xml(feed_url)}</id>",
        f"  <title>{_xml(title)}</title>",
        f"  <updated>{updated}T00:00:00Z</updated>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(site.url)}/>',
        f"  <author><name>{_xml(site.name)}</name></author>",
    ]
    for study in entries:
        lines += [
            "  <entry>",
            f"    <id>{_xml(site.permanent_url(study.id))}</id>",
            f"    <title>{_xml(study.title)}</title>",
            f'    <link rel="alternate" type="text/html" '
            f"href={quoteattr(site.case_study_url(study.slug))}/>",
            f"    <updated>{_updated(study, site)}T00:00:00Z</updated>",
            f"    <published>{issued(study, site)}T00:00:00Z</published>",
        ]
        lines.append(f"    <summary>{_xml(study.summary)}</summary>")
        standing = evidence_words(study, vocabulary)
        if standing:
            content = f"{study.summary}\n\n{standing}"
            lines.append(f'    <content type="text">{_xml(content)}</content>')
        lines.append(
            f'    <category term="{study.rung}" label='
            f"{quoteattr(_XML_INVALID.sub('', vocabulary.label('ladder', study.rung)))}"
            f" scheme={quoteattr(site.url + 'ladder/')}/>"
        )
        for slug in study.principles:
            label = _XML_INVALID.sub("", vocabulary.label("principles", slug))
            lines.append(
                f'    <category term="{slug}" label={quoteattr(label)} '
                f"scheme={quoteattr(site.url + 'principles/')}/>"
            )
        if study.evidence_strength:
            label = _XML_INVALID.sub("", vocabulary.label(STRENGTHS, study.evidence_strength))
            lines.append(
                f'    <category term="{study.evidence_strength}" label={quoteattr(label)} '
                f"scheme={quoteattr(strength_scheme(site))}/>"
            )
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


STRENGTHS = "evidence_strengths"
"""The vocabulary list of strengths of evidence."""


def strength_scheme(site: Site) -> str:
    """Where the strengths of evidence are defined: the format page's row for the field."""
    return (
        f"{site.url}{page_url('case-study-format.md', site.directory_urls)}#field-evidence-strength"
    )


def month_date(partial_date: str) -> str:
    """2018 -> 2018; 2018-05 -> May 2018; 2018-05-04 -> 4 May 2018."""
    parts = partial_date.split("-")
    if len(parts) == 3:
        return long_date(partial_date)
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return partial_date


def evidence_words(study: CaseStudy, vocabulary: Vocabulary) -> str:
    """The strength of evidence and the status with its date, in words, as a feed entry says
    them: "Strength of evidence: Described by the people who did the work. Status: In progress
    as of 2018." Empty when the case study has neither."""
    said = []
    if study.evidence_strength:
        said.append(
            f"Strength of evidence: {vocabulary.label(STRENGTHS, study.evidence_strength)}."
        )
    if study.status:
        status = vocabulary.label("statuses", study.status)
        when = f" as of {month_date(study.status_date)}" if study.status_date else ""
        said.append(f"Status: {status}{when}.")
    return " ".join(said)


def feed_files(catalog: Catalog, site: Site) -> list[tuple[str, Callable[[], str]]]:
    """The bank's feed, and one per principle and per rung, as (path, make) like `data_files`."""
    vocabulary = catalog.vocabulary
    files: list[tuple[str, Callable[[], str]]] = [
        (
            "feeds/case-studies.xml",
            partial(
                atom_feed,
                catalog.case_studies,
                site=site,
                path="feeds/case-studies.xml",
                title=f"{site.name}: new and updated case studies",
                vocabulary=vocabulary,
            ),
        )
    ]
    for folder, index in (("principles", catalog.by_principle), ("ladder", catalog.by_rung)):
        for slug, studies in index.items():
            path = f"feeds/{folder}/{slug}.xml"
            label = vocabulary.label(folder, slug)
            files.append(
                (
                    path,
                    partial(
                        atom_feed,
                        studies,
                        site=site,
                        path=path,
                        vocabulary=vocabulary,
                        title=f"{site.name}: {label}",
                    ),
                )
            )
    return files


# -- citations -------------------------------------------------------------------------------

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(iso: str) -> str:
    """2026-11-26 -> 26 November 2026 (the form Cite Them Right uses)."""
    date = dt.date.fromisoformat(iso)
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def _year(study: CaseStudy, site: Site) -> str:
    return issued(study, site)[:4]


def harvard(study: CaseStudy, site: Site) -> str:
    """A Harvard reference in the Cite Them Right style for a web page (plain text)."""
    reviewed = f" Last reviewed {long_date(study.last_reviewed)}." if study.last_reviewed else ""
    return (
        f"{site.name} ({_year(study, site)}) {study.title}. Case study {study.id}.{reviewed} "
        f"Available at: {site.permanent_url(study.id)} (Accessed: [date you read it])."
    )


def withdrawn_title(study: CaseStudy) -> str:
    """What a withdrawn case study is called wherever its address still answers (its notice,
    its redirects, its citation files): its id alone, none of its own words."""
    return f"Withdrawn case study {study.id}"


def _cited(study: CaseStudy) -> tuple[str, str | None, str]:
    """(title, abstract, note) of a case study's reference. A withdrawn case study's citation
    files cite its notice: no title or summary of its own."""
    if study.withdrawn:
        return withdrawn_title(study), None, f"Withdrawn on {study.withdrawn_date}"
    note = f"Case study {study.id}"
    if study.last_reviewed:
        note += f", last reviewed {study.last_reviewed}"
    return study.title, study.summary, note


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _one_line(text: str) -> str:
    """`text` on one line: every run of white space (line breaks of any kind included) one
    space, and control characters removed, so that no value can end its line in a citation
    file and start another field or entry."""
    return " ".join(_CONTROL.sub(" ", text).split())


# Braces cannot be escaped with a backslash in BibTeX: it counts every brace character, so
# `\}` still closes a group (and can end the entry). Braces are written as LaTeX commands with
# no brace characters of their own; `@` in a group of its own can never begin an entry, in
# BibTeX or in a parser that looks for `@` anywhere; the rest are LaTeX's special characters.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "@": "{@}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIALS = re.compile("[" + re.escape("".join(_BIBTEX_SPECIAL)) + "]")


def bibtex_value(text: str) -> str:
    """`text` as the inside of a braced BibTeX value: on one line, every brace in it one that
    the escaping wrote, balanced, so that no value can close its field or open an entry."""
    return _BIBTEX_SPECIALS.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _one_line(text))


def bibtex_key(study_id: str) -> str:
    """An entry key of ASCII letters and digits only (the id without its hyphens)."""
    return re.sub("[^A-Za-z0-9]", "", study_id) or "casestudy"


def _bibtex_url(url: str) -> str:
    """A URL in a BibTeX field: percent-encoded where it would be read as BibTeX or LaTeX."""
    return quote(_one_line(url), safe=":/?#[]!$&'()*+,;=%-._~")


def bibtex(study: CaseStudy, site: Site) -> str:
    title, _, note = _cited(study)
    fields_ = [
        # Double braces: BibTeX styles keep the case of the title and of a corporate author.
        ("title", "{" + bibtex_value(title) + "}"),
        ("author", "{" + bibtex_value(site.name) + "}"),
        ("year", _year(study, site)),
        ("url", _bibtex_url(site.permanent_url(study.id))),
        ("note", bibtex_value(note)),
        ("organization", bibtex_value(site.name)),
    ]
    # No `urldate`: the date a reader accessed the page is theirs to add, not the review date.
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields_)
    return f"@misc{{{bibtex_key(study.id)},\n{body}\n}}\n"


def ris(study: CaseStudy, site: Site) -> str:
    """RIS: one tag a line; every value on one line (`_one_line`), so none can start a tag."""
    title, abstract, note = _cited(study)
    tags = [
        ("TY", "ELEC"),
        ("TI", title),
        ("AU", site.name),
        ("PY", _year(study, site)),
        ("UR", site.permanent_url(study.id)),
        ("ID", study.id),
        ("AB", abstract),
        ("PB", site.name),
        # No access date (Y2): it is the reader's to add, not the review date.
        ("N1", note),
    ]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value is not None]
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def csl_json(study: CaseStudy, site: Site) -> str:
    title, abstract, note = _cited(study)
    item: dict[str, Any] = {
        "id": study.id,
        "type": "webpage",
        "title": title,
        "author": [{"literal": site.name}],
        "container-title": site.name,
        "URL": site.permanent_url(study.id),
        "note": note,
    }
    if abstract is not None:
        item["abstract"] = abstract
    item["issued"] = {"date-parts": [[int(p) for p in issued(study, site).split("-")]]}
    # No "accessed": the date a reader accessed the page is theirs to add.
    return json.dumps([item], indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def study_citation_files(study: CaseStudy, site: Site) -> list[tuple[str, str]]:
    """One case study's BibTeX, RIS and CSL-JSON files (a withdrawn one's cite its notice)."""
    texts = [
        (".bib", bibtex(study, site)),
        (".ris", ris(study, site)),
        (".json", csl_json(study, site)),
    ]
    # Under former names too: a file cannot redirect, so a renamed case study's old citation
    # addresses keep the same content.
    return [
        (f"case-studies/{name}/cite{suffix}", text)
        for name in (study.slug, *study.aliases)
        for suffix, text in texts
    ]


def citation_cff(site: Site) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the bank as a whole. Strings are written
    as JSON strings, which YAML reads as they are, whatever the site's name holds."""
    name = json.dumps(site.name, ensure_ascii=False)
    message = json.dumps(
        f"If you use the {site.name}, please cite it as below.", ensure_ascii=False
    )
    url = f"url: {json.dumps(site.url)}\n" if site.url else ""
    return (
        "cff-version: 1.2.0\n"
        f"message: {message}\n"
        "type: dataset\n"
        f"title: {name}\n"
        "authors:\n"
        f"  - name: {name}\n"
        "abstract: >-\n"
        "  Case studies of co-production and co-design in UK health and social care,\n"
        "  indexed by principle of co-production and by rung of the ladder of\n"
        "  co-production.\n"
        f"{url}"
        "license: OGL-UK-3.0\n"
        f"date-released: '{site.built}'\n"
        "keywords:\n"
        "  - co-production\n"
        "  - co-design\n"
        "  - health and social care\n"
    )


# -- structured data -------------------------------------------------------------------------


def article_ld(study: CaseStudy, site: Site, vocabulary: Vocabulary) -> dict[str, Any]:
    """schema.org Article for a case-study page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": study.title,
        "name": study.title,
        "description": study.summary,
        "identifier": study.id,
        "url": site.case_study_url(study.slug),
        "sameAs": site.permanent_url(study.id),
        "publisher": {"@type": "Organization", "name": site.name, "url": site.url},
        "about": [
            {
                "@type": "DefinedTerm",
                "name": vocabulary.label("ladder", study.rung),
                "termCode": study.rung,
                "inDefinedTermSet": f"{site.url}ladder/",
            },
            *(
                {
                    "@type": "DefinedTerm",
                    "name": vocabulary.label("principles", slug),
                    "termCode": slug,
                    "inDefinedTermSet": f"{site.url}principles/",
                }
                for slug in study.principles
            ),
        ],
    }
    if study.licence:
        data["license"] = vocabulary.term("licences", study.licence).url or study.licence
    place = study.place or (vocabulary.label("nations", study.nation) if study.nation else None)
    if place:
        data["spatialCoverage"] = {"@type": "Place", "name": place}
        if study.nation and study.place:
            data["spatialCoverage"]["containedInPlace"] = {
                "@type": "Place",
                "name": vocabulary.label("nations", study.nation),
            }
    data["datePublished"] = issued(study, site)
    if study.last_reviewed:
        data["dateModified"] = study.last_reviewed
    urls = [source.url for source in study.sources if source.url]
    if urls:
        data["isBasedOn"] = urls
    if study.sources:
        data["citation"] = [_cited_source(source) for source in study.sources]
    if study.evidence_strength:
        # schema.org has no property for a strength of evidence: it is a keyword, a term of a
        # defined set (the format page's list), so a reader can tell it from free words.
        data["keywords"] = [
            {
                "@type": "DefinedTerm",
                "name": vocabulary.label(STRENGTHS, study.evidence_strength),
                "termCode": study.evidence_strength,
                "inDefinedTermSet": strength_scheme(site),
            }
        ]
    return data


def _cited_source(source: Source) -> dict[str, Any]:
    """A source as a schema.org CreativeWork: its title, publisher, year and address, and
    `creativeWorkStatus: Draft` when it calls itself a draft."""
    work: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.year is not None:
        work["datePublished"] = str(source.year)
    if source.url:
        work["url"] = source.url
    if source.draft:
        work["creativeWorkStatus"] = "Draft"
    return work


def dataset_ld(catalog: Catalog, site: Site) -> dict[str, Any]:
    """schema.org Dataset for the data page."""
    modified = max((_updated(s, site) for s in catalog.case_studies), default=None)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{site.name}: case studies",
        "description": "Case studies of co-production and co-design in UK health and social "
        "care, with the rung of the ladder reached and the principles of co-production shown.",
        "url": f"{site.url}data/",
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "creator": {"@type": "Organization", "name": site.name, "url": site.url},
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": f"{site.url}{DATA}case-studies.csv",
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": f"{site.url}{DATA}case-studies.json",
            },
        ],
        "variableMeasured": [name for name, _ in CSV_COLUMNS],
    }
    if modified:
        data["dateModified"] = modified
    return data


def script_json(data: object) -> str:
    """JSON safe inside a <script> element: '<', '>' and '&' are escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
