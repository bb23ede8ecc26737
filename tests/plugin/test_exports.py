"""Open data, feeds, citations and structured data, read back by independent real parsers."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import bibtexparser
import feedparser
import pytest
import rispy
from evidence_bank.core import catalog, export, vocabulary
from evidence_bank.core.site import Site
from jsonschema import Draft202012Validator

from tests.helpers import MINIMAL, ROOT, VOCABULARY

SITE_URL = "https://evidence-bank.example.org/"


@pytest.fixture(scope="module")
def bank() -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT)


@pytest.fixture(scope="module")
def site(real_site: Path) -> Path:
    return real_site


def test_json_records_hold_every_field_and_match_the_schema(
    site: Path, bank: catalog.Catalog
) -> None:
    records = json.loads((site / "data/v1/case-studies.json").read_text("utf-8"))
    schema = json.loads((site / "data/v1/case-study.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema)
    assert len(records) == len(bank.case_studies) >= 5
    for record in records:
        for key in ("id", "slug", "url", "title", "summary", "rung", "principles"):
            assert record[key], key
        assert record["url"] == f"{SITE_URL}case-studies/{record['slug']}/"
        made = ("slug", "url", "permanent_url", "references")  # Added to the front matter.
        front = {k: v for k, v in record.items() if k not in made}
        assert list(validator.iter_errors(front)) == []
    daisy = next(r for r in records if r["id"] == "cs-0001")
    assert daisy["pathway"]["build-the-team"]["principles"]  # nested fields kept
    assert daisy["sources"][1]["year"] == 2017  # typed


def test_csv_is_rfc4180_utf8_and_matches_the_json(site: Path, bank: catalog.Catalog) -> None:
    raw = (site / "data/v1/case-studies.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF records...
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert list(rows[0]) == [name for name, _ in export.CSV_COLUMNS]
    assert [r["id"] for r in rows] == [s.id for s in bank.case_studies]
    assert rows[0]["principles"].split(";") == list(bank.case_studies[0].principles)


def test_no_csv_cell_starts_a_formula() -> None:
    study = dataclasses.replace(
        catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT).case_studies[0],
        title='=HYPERLINK("http://evil.example","click")',
        place="+44 attack",
        summary="@SUM(A1)",
        what_was_hard="-2+3",
    )
    header, row = list(
        csv.reader(io.StringIO(export.csv_text([study], Site(url=SITE_URL)), newline=""))
    )
    cells = dict(zip(header, row, strict=True))
    for name in ("title", "place", "summary", "what_was_hard"):
        assert cells[name].startswith("'"), name
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_subsets_per_principle_and_rung(site: Path, bank: catalog.Catalog) -> None:
    for slug, studies in bank.by_principle.items():
        rows = list(
            csv.DictReader(
                io.StringIO(
                    (site / f"data/v1/principles/{slug}.csv").read_text("utf-8"), newline=""
                )
            )
        )
        assert [r["id"] for r in rows] == [s.id for s in studies]
    page = (site / "principles/valuing-people/index.html").read_text("utf-8")
    assert 'href="../../data/v1/principles/valuing-people.csv"' in page


def test_frictionless_accepts_the_data_package(site: Path) -> None:
    from frictionless import validate

    report = validate(str(site / "data/v1/datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert report.stats["tasks"] >= 1


def test_feeds_parse_and_are_valid_xml(site: Path, bank: catalog.Catalog) -> None:
    feeds = sorted((site / "feeds").rglob("*.xml"))
    assert len(feeds) == 1 + 6 + 7
    for path in feeds:
        ET.parse(path)  # well-formed XML
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    whole = feedparser.parse((site / "feeds/case-studies.xml").read_bytes())
    assert len(whole.entries) == len(bank.case_studies)
    entry = whole.entries[0]
    assert entry.id.startswith(f"{SITE_URL}id/cs-")
    assert entry.link.startswith(f"{SITE_URL}case-studies/")
    assert {t.term for t in entry.tags} >= set(bank.by_id[entry.id.rsplit("/", 2)[1]].principles)


def test_feeds_stay_valid_with_control_characters(bank: catalog.Catalog) -> None:
    hostile = dataclasses.replace(
        bank.case_studies[0],
        title="Bell\x07 & <tag> \x1b[31m",
        summary="Form feed\x0c and NUL\x00 ]]> end",
    )
    text = export.atom_feed(
        [hostile],
        site=Site(url=SITE_URL),
        path="feeds/x.xml",
        title="T\x01",
        vocabulary=bank.vocabulary,
    )
    ET.fromstring(text.encode("utf-8"))
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo
    assert parsed.entries[0].title == "Bell & <tag> [31m"


def _latex_text(value: str) -> str:
    """A BibTeX value as the text it stands for: decoded as LaTeX by pylatexenc (the decoder
    bibtexparser's own middleware uses), with three standard LaTeX commands its table lacks or
    reads otherwise (it gives U+02C6 for a circumflex)."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db()
    context.add_context_category(
        "standard-latex",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    decoder = LatexNodes2Text(latex_context=context, strict_latex_spaces=True)
    return str(decoder.latex_to_text(value))


def _bibtex_fields(text: str) -> dict[str, str]:
    """The one entry in `text`, read by bibtexparser (v2) and by pybtex in strict mode, which
    must agree: its fields as bibtexparser gives them, and its key as `key`."""
    import pybtex.errors
    from pybtex.database import parse_string

    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, library.failed_blocks[0].error
    assert len(library.blocks) == len(library.entries) == 1, library.blocks
    entry = library.entries[0]
    assert entry.entry_type == "misc"
    pybtex.errors.set_strict_mode(True)  # a problem is an exception, not a warning
    strict = parse_string(text, "bibtex")
    assert list(strict.entries) == [entry.key]
    fields = {field.key: field.value for field in entry.fields}
    assert dict(strict.entries[entry.key].fields) == {
        name: value for name, value in fields.items() if name != "author"
    }
    assert len(strict.entries[entry.key].persons["author"]) == 1  # one corporate author
    return {"key": entry.key, **fields}


def test_citations_read_back(site: Path, bank: catalog.Catalog) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    for study in bank.case_studies:
        base = site / "case-studies" / study.slug
        fields = _bibtex_fields((base / "cite.bib").read_text("utf-8"))
        assert fields["url"] == f"{SITE_URL}id/{study.id}/"
        assert _latex_text(fields["title"]) == study.title

        records = rispy.loads((base / "cite.ris").read_text("utf-8"))
        assert records[0]["type_of_reference"] == "ELEC"
        assert records[0]["urls"] == [f"{SITE_URL}id/{study.id}/"]
        assert records[0]["title"] == study.title

        items = json.loads((base / "cite.json").read_text("utf-8"))
        source = CiteProcJSON(items)
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = CitationStylesBibliography(style, source, formatter.plain)
        bibliography.register(Citation([CitationItem(study.id)]))
        rendered = str(bibliography.bibliography()[0])
        assert "Co-production Evidence Bank" in rendered
        assert study.title.split(":")[0][:20] in rendered


HOSTILE = (
    # The outside review's title: it closed the value and the entry, then opened another.
    'a}} @misc(pwned, title="Injected entry") @comment(',
    "}",
    "{",
    "Ends with a backslash \\",
    "\\}\\{ escaped braces, as a naive escaper writes them",
    "100% of it, % a comment to the end of the line",
    "@comment{ everything after",
    "First line\n@misc{second,\n  title = {Injected}\n}",
    'Quotes " and # concatenation, = and , too',
    "Specials ~ ^ _ $ & and \\textbf{command}",
    "Line\rER  - \r\nTY  - JOUR",
    "Unicode line separator\u2028TI  - Injected\u2029AB  - too\x85NEL",
    "Control\x00characters\x1b[31m\x7f",
    "Caerdydd – “Ŷ” and 👩‍🔬",
)
"""Titles, summaries, ids and site names that try to end a value, a field, a line or an entry
in a citation file."""


def _one_line(text: str) -> str:
    return " ".join(re.sub("[\x00-\x1f\x7f-\x9f]", " ", text).split())


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_inside_every_citation_format(
    value: str, bank: catalog.Catalog
) -> None:
    study = dataclasses.replace(
        bank.case_studies[0], title=value, summary=value, id=f"cs-0001{value}"
    )
    site = Site(url=SITE_URL, name=f"Bank {value}")
    expected = _one_line(value)

    fields = _bibtex_fields(export.bibtex(study, site))
    assert re.fullmatch("[A-Za-z0-9]+", fields["key"])
    assert _latex_text(fields["title"]) == expected
    assert _latex_text(fields["organization"]) == f"Bank {expected}"
    assert _latex_text(fields["note"]).startswith(f"Case study cs-0001{expected}")
    assert fields["url"].startswith(f"{SITE_URL}id/cs-0001")

    text = export.ris(study, site)
    lines = text.split("\r\n")
    assert lines[-1] == "" and lines[-2] == "ER  - "
    assert all(re.match("[A-Z][A-Z0-9]  - ", line) for line in lines[:-1]), lines
    assert [line[:2] for line in lines[:-1]] == [
        "TY", "TI", "AU", "PY", "UR", "ID", "AB", "PB", "N1", "ER"
    ]  # fmt: skip
    (record,) = rispy.loads(text)
    assert record["title"] == record["abstract"] == expected
    assert record["authors"] == [f"Bank {expected}"]

    (item,) = json.loads(export.csl_json(study, site))
    assert item["title"] == item["abstract"] == value
    assert item["author"] == [{"literal": f"Bank {value}"}]


def test_harvard_reference_on_the_page(site: Path) -> None:
    page = (site / "case-studies/daisy-hill-hospital-pathfinder/index.html").read_text("utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert (
        "Co-production Evidence Bank (2026) Daisy Hill Hospital Pathfinder. Case study "
        "cs-0001. Last reviewed 28 November 2026. Available at: "
        f"{SITE_URL}id/cs-0001/ (Accessed: [date you read it])."
    ) in text
    for anchor in (
        "outcomes",
        "what-was-hard",
        "pathway",
        "group",
        "checklist",
        "sources",
        "cite",
        "evaluation",
        "related",
        "about",
    ):
        assert f'id="{anchor}"' in page, anchor


def _json_ld(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match
    return dict(json.loads(match.group(1)))


def test_structured_data(site: Path) -> None:
    article = _json_ld(
        (site / "case-studies/daisy-hill-hospital-pathfinder/index.html").read_text("utf-8")
    )
    assert article["@type"] == "Article" and article["identifier"] == "cs-0001"
    assert article["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert article["spatialCoverage"]["name"] == "Newry and Mourne"
    assert article["spatialCoverage"]["containedInPlace"]["name"] == "Northern Ireland"
    assert {"Co-design", "Valuing people"} <= {term["name"] for term in article["about"]}
    dataset = _json_ld((site / "data/index.html").read_text("utf-8"))
    assert dataset["@type"] == "Dataset"
    assert {d["contentUrl"] for d in dataset["distribution"]} == {
        f"{SITE_URL}data/v1/case-studies.csv",
        f"{SITE_URL}data/v1/case-studies.json",
    }


def test_due_for_review_follows_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import build, make_project

    reviewed = MINIMAL.replace(
        "---\n\n",
        "last_reviewed: 2024-01-01\npublished: 2023-06-01\n"
        "sources:\n  - title: A recent report\n    year: 2025\n---\n\n",
    )
    project = make_project(tmp_path, {"old.md": reviewed})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: within two years
    site = build(project)
    page = (site / "due-for-review/index.html").read_text("utf-8")
    assert "No case studies are due for review on 1 January 2026." in page
    assert "<table" not in page and "0 case studies" not in page
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01: over two years
    site = build(project)
    page = (site / "due-for-review/index.html").read_text("utf-8")
    assert "A minimal case study" in page and ">1096 <strong>(over two years)</strong><" in page
    assert "One case study is due for review on 1 January 2027. Nobody has checked it " in page
    assert "It is still published." in page
    other = reviewed.replace("cs-0100", "cs-0101").replace("A minimal", "Another")
    two = make_project(tmp_path / "two", {"old.md": reviewed, "older.md": other})
    page = (build(two) / "due-for-review/index.html").read_text("utf-8")
    assert "2 case studies are due for review on 1 January 2027. Nobody has checked them " in page


def test_citation_file_for_the_bank(site: Path) -> None:
    import yaml

    cff = yaml.safe_load((site / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "url", "license", "date-released"} <= set(cff)
    assert cff["authors"] == [{"name": "Co-production Evidence Bank"}]


def test_a_case_study_without_dates_is_dated_by_its_build(bank: catalog.Catalog) -> None:
    """Never "n.d." or 2000-01-01 for a published case study; no access date but the reader's."""
    undated = dataclasses.replace(bank.case_studies[0], published=None, last_reviewed=None)
    site = Site(url=SITE_URL, name="Our bank", built="2027-03-04")
    harvard = export.harvard(undated, site)
    assert harvard.startswith("Our bank (2027) ") and "n.d." not in harvard
    bib = bibtexparser.parse_string(export.bibtex(undated, site)).entries[0]
    assert bib["year"] == "2027" and "urldate" not in bib.fields_dict
    assert bib["author"] == "{Our bank}"
    ris = rispy.loads(export.ris(undated, site))[0]
    assert ris["year"] == "2027" and "access_date" not in ris and ris["authors"] == ["Our bank"]
    csl = json.loads(export.csl_json(undated, site))[0]
    assert csl["issued"] == {"date-parts": [[2027, 3, 4]]} and "accessed" not in csl
    feed = feedparser.parse(
        export.atom_feed([undated], site=site, path="f.xml", title="T", vocabulary=bank.vocabulary)
    )
    assert feed.entries[0].published.startswith("2027-03-04")
    assert feed.entries[0].updated.startswith("2027-03-04")
    assert "2000-01-01" not in feed.feed.updated


def test_downloaded_citations_leave_the_access_date_to_the_reader(site: Path) -> None:
    base = site / "case-studies" / "daisy-hill-hospital-pathfinder"
    assert "urldate" not in (base / "cite.bib").read_text("utf-8")
    assert "\nY2  -" not in (base / "cite.ris").read_text("utf-8")
    assert "accessed" not in json.loads((base / "cite.json").read_text("utf-8"))[0]


def test_the_bank_is_named_as_its_site_is(tmp_path: Path) -> None:
    from tests.helpers import build, make_project

    project = make_project(tmp_path, config={"site_name": 'Bolton\'s "bank": care'})
    site = build(project)
    import yaml

    cff = yaml.safe_load((site / "CITATION.cff").read_text("utf-8"))
    assert cff["title"] == 'Bolton\'s "bank": care'
    assert cff["authors"] == [{"name": 'Bolton\'s "bank": care'}]
    ris = rispy.loads((site / "case-studies" / "minimal" / "cite.ris").read_text("utf-8"))[0]
    assert ris["authors"] == ['Bolton\'s "bank": care']
    feed = feedparser.parse((site / "feeds" / "case-studies.xml").read_bytes())
    assert feed.feed.author == 'Bolton\'s "bank": care'
    for output in site.rglob("*"):
        if output.is_file() and output.suffix in (".html", ".xml", ".json", ".bib", ".ris"):
            assert "Co-production Evidence Bank" not in output.read_text("utf-8"), output


def test_a_withdrawn_case_study_leaves_no_words_of_its_own(tmp_path: Path) -> None:
    """Its title, summary and story (each carrying a word found nowhere else) are in no file
    of the built site, gzipped ones (Pagefind's index, the sitemap) read unzipped; its
    addresses answer with its id alone, and its citation files cite the notice."""
    import gzip

    from tests.helpers import build, case_study, make_project

    mark = "Quillwort"
    withdrawn = case_study(
        "aliases: [former-name]\nwithdrawn:\n  date: 2027-03-01\n  reason: The scheme asked us.\n",
        body=f"## {mark} heading\n\nThe {mark} story.\n",
    ).replace("id: cs-0100", "id: cs-0102")
    withdrawn = withdrawn.replace("A minimal case study", f"The {mark} scheme")
    withdrawn = withdrawn.replace("Only the required fields.", f"What the {mark} group did.")
    assert withdrawn.count(mark) == 4
    site = build(make_project(tmp_path, {"gone.md": withdrawn, "minimal.md": MINIMAL}))

    files = [path for path in site.rglob("*") if path.is_file()]
    assert any(path.parent.name == "pagefind" for path in files)  # the index was built
    found = []
    for path in files:
        data = path.read_bytes()
        if data.startswith(b"\x1f\x8b"):
            data = gzip.decompress(data)
        if mark.lower().encode() in data.lower():
            found.append(path.relative_to(site).as_posix())
    assert found == []

    notice = (site / "case-studies/gone/index.html").read_text("utf-8")
    assert "<title>Withdrawn case study cs-0102 - Test bank</title>" in notice
    assert '<meta name="description" content="This case study was withdrawn on 2027-03-01.">' in (
        notice
    )
    assert "The scheme asked us." in notice and "application/ld+json" not in notice
    for redirect in ("id/cs-0102", "case-studies/former-name"):
        assert "Withdrawn case study cs-0102" in (site / redirect / "index.html").read_text()
    for name in ("gone", "former-name"):
        base = site / "case-studies" / name
        fields = _bibtex_fields((base / "cite.bib").read_text("utf-8"))
        assert fields["title"] == "{Withdrawn case study cs-0102}"
        assert fields["note"] == "Withdrawn on 2027-03-01"
        (record,) = rispy.loads((base / "cite.ris").read_text("utf-8"))
        assert record["title"] == "Withdrawn case study cs-0102" and "abstract" not in record
        (item,) = json.loads((base / "cite.json").read_text("utf-8"))
        assert item["title"] == "Withdrawn case study cs-0102" and "abstract" not in item


def test_every_exported_address_resolves_without_directory_urls(tmp_path: Path) -> None:
    """One convention for a page's address: with `use_directory_urls: false` the data, feeds
    and structured data point at `case-studies/<slug>.html`, which the build wrote."""
    from tests.helpers import build, make_project

    site = build(make_project(tmp_path, config={"use_directory_urls": False}))
    base = "https://bank.example.org/"
    found: list[str] = []
    records = json.loads((site / "data/v1/case-studies.json").read_text("utf-8"))
    found += [record["url"] for record in records]
    rows = list(csv.DictReader(io.StringIO((site / "data/v1/case-studies.csv").read_text("utf-8"))))
    found += [row["url"] for row in rows]
    feed = feedparser.parse((site / "feeds/case-studies.xml").read_bytes())
    found += [entry.link for entry in feed.entries]
    found.append(_json_ld((site / "case-studies/minimal.html").read_text("utf-8"))["url"])
    assert found and all(url == f"{base}case-studies/minimal.html" for url in found), found
    for url in {*found, f"{base}id/cs-0100/"}:
        path = site / url.removeprefix(base)
        assert (path / "index.html" if url.endswith("/") else path).is_file(), url
