"""Real builds in temporary folders: the pages, escaping, clashes and reproducibility."""

from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from evidence_bank.core.search import SEARCH_INDEXES

from tests.core.test_vocabulary import CONTRACT
from tests.helpers import (
    MINIMAL,
    ROOT,
    VOCABULARY,
    build,
    build_error,
    case_study,
    cli_build,
    make_project,
)

HOSTILE = "<script>alert(1)</script></title><img src=x onerror=alert(2)>"


class _Injected(HTMLParser):
    """Collects any element or attribute the hostile text would create if it were not escaped."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = self.in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        # Structured data carries the hostile text as JSON, which is safe while no "<" in it
        # could close the element.
        self.in_data = ("type", "application/ld+json") in attrs
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("img")
        self.found += [name for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data: str) -> None:
        if self.in_script and self.in_data and "<" in data:
            self.found.append("script (structured data)")
        elif self.in_script and not self.in_data and "alert(" in data:
            self.found.append("script")


def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_a_case_study_with_only_required_fields_builds(tmp_path: Path) -> None:
    site = build(make_project(tmp_path))
    page = _page(site, "case-studies/minimal")
    assert "A minimal case study" in page
    assert "Not reported in the source." in page
    assert "<p>The story.</p>" in page


def test_every_generated_page_exists(tmp_path: Path) -> None:
    site = build(make_project(tmp_path))
    expected = ["case-studies", "case-studies/minimal", "principles", "ladder", "evidence-map"]
    expected += [f"principles/{slug}" for slug in CONTRACT["principles"]]
    expected += [f"ladder/{slug}" for slug in CONTRACT["ladder"]]
    missing = [url for url in expected if not (site / url / "index.html").is_file()]
    assert missing == []
    assert not (tmp_path / "project" / "content" / "case-studies").exists()  # nothing written


def test_indexes_list_the_case_study_where_it_belongs(tmp_path: Path) -> None:
    site = build(make_project(tmp_path))
    link = 'href="../case-studies/minimal/"'
    assert link.replace("../", "../../") in _page(site, "principles/valuing-people")
    assert link.replace("../", "../../") in _page(site, "ladder/co-design")
    assert "No case study in the bank reached this rung yet." in _page(site, "ladder/coercion")
    assert "demonstrates this principle yet" in _page(site, "principles/reciprocal-recognition")
    evidence = _page(site, "evidence-map")
    assert 'href="../principles/valuing-people/#rung-co-design"' in evidence
    # Gaps: principles by rung (one filled), the same for stated rungs only (its rung is
    # judged: none filled), strength by rung (one filled), and steps by principle.
    assert evidence.count('class="eb-map__gap"') == (6 * 7 - 1) + 6 * 7 + (4 * 7 - 1) + 6 * 6
    # The same tables as a list per row for phones: each count and each gap named.
    phone = evidence[evidence.index('class="eb-map-rows"') :]
    assert (
        '<span class="eb-map-rows__column">Co-design</span> <span class="eb-map-rows__count'
        in phone
    )
    assert (
        "Gaps, with no case studies yet at: Coercion, Educating, Informing, Consultation, "
        "Engagement, Co-production." in phone
    )


def test_hostile_front_matter_is_text_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Titles and names refuse '<' and '>' (tested in the bad-input table); switch that off so
    # the templates themselves are tested with a hostile title as well as a hostile summary.
    monkeypatch.setattr("evidence_bank.core.validate.MARKUP", re.compile(r"(?!)"))
    # Markup reads as very long words: the plain-English warnings would stop this strict build.
    monkeypatch.setattr("evidence_bank.core.readability.CHECKED", ())
    hostile = (
        MINIMAL.replace("A minimal case study", f"'{HOSTILE}'")
        .replace("Only the required fields.", f"'{HOSTILE} \" onmouseover=alert(3)'")
        .replace(
            "---\n\nThe",
            f"place: '{HOSTILE}'\norganisations: ['{HOSTILE}']\nreasoning: '{HOSTILE}'\n---\n\nThe",
        )
    )
    other = MINIMAL.replace("cs-0100", "cs-0101")
    site = build(make_project(tmp_path, {"hostile.md": hostile, "other.md": other}))
    pages = {
        url: _page(site, url)
        for url in (
            "case-studies/hostile",
            "case-studies/other",  # lists the hostile one as related
            "case-studies",
            "principles/valuing-people",
            "ladder/co-design",
        )
    }
    for url, page in pages.items():
        injected = _Injected()
        injected.feed(page)
        assert injected.found == [], url
        assert html.escape("<script>alert(1)</script>", quote=False) in page, url
    title = re.search(r"<title>(.*?)</title>", pages["case-studies/hostile"], re.S)
    assert title and "<" not in title.group(1)
    description = re.search(
        r'<meta name="description" content="([^"]*)"', pages["case-studies/hostile"]
    )
    assert description and "&lt;script&gt;" in description.group(1)


def test_a_generated_page_never_overwrites_an_authored_one(tmp_path: Path) -> None:
    project = make_project(tmp_path, content={"case-studies/minimal.md": "# Mine\n"})
    message = build_error(project)
    assert "content/case-studies/minimal.md would be overwritten by the generated page" in message


def test_an_empty_folder_builds_and_says_so(tmp_path: Path) -> None:
    site = build(make_project(tmp_path, {}))
    assert "There are no case studies in the bank yet." in _page(site, "case-studies")
    assert not (site / "pagefind").exists(), "Pagefind cannot index nothing"


def test_file_urls_work_without_directory_urls(tmp_path: Path) -> None:
    site = build(make_project(tmp_path, config={"use_directory_urls": False}))
    page = (site / "principles" / "valuing-people.html").read_text(encoding="utf-8")
    assert 'href="../case-studies/minimal.html"' in page


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    project = make_project(tmp_path, plugin={"templates": "overrides"})
    (project / "overrides").mkdir()
    (project / "overrides" / "rung.md").write_text("<h1>Custom {{ term.label }}</h1>\n")
    site = build(project)
    assert "Custom Co-design" in _page(site, "ladder/co-design")


def test_synthetic_case_studies_only_with_the_option(tmp_path: Path) -> None:
    synthetic = case_study("synthetic: true\n")
    message = build_error(make_project(tmp_path / "a", {"s.md": synthetic}))
    assert "case_studies/s.md:9: synthetic:" in message
    site = build(
        make_project(tmp_path / "b", {"s.md": synthetic}, plugin={"allow_synthetic": True})
    )
    assert (site / "case-studies" / "s" / "index.html").is_file()


UNSTABLE = re.compile(
    rf"^({'|'.join(re.escape(i.folder) for i in SEARCH_INDEXES.values())})/"
    r"(filter/|pagefind\.|pagefind-entry\.json)"
)
"""Pagefind's filter and metadata indexes differ between identical runs: its own ordering, not
ours (upstream Pagefind/pagefind#638: fragments were made stable in 1.3, these were not). The
pages, and Pagefind's fragments and word index, are compared byte for byte."""


def _digest(site: Path, ignore: re.Pattern[bytes] | None = None) -> dict[str, str]:
    """Every file's SHA-256, optionally with `ignore` removed from its bytes first."""
    result = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and not UNSTABLE.match(path.relative_to(site).as_posix()):
            data = path.read_bytes()
            if ignore is not None:
                data = ignore.sub(b"", data)
            result[path.relative_to(site).as_posix()] = hashlib.sha256(data).hexdigest()
    return result


def test_the_injection_detector_detects() -> None:
    injected = _Injected()
    injected.feed(f"<title>{HOSTILE}</title><p title='' onmouseover=alert(3)>")
    assert injected.found == ["script", "img", "onerror", "onmouseover"]


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_two_builds_are_byte_identical(tmp_path: Path, tool: str) -> None:
    project = make_project(
        tmp_path,
        {
            "minimal.md": MINIMAL,
            "other.md": case_study("place: Bolton\n", base=True).replace("cs-0100", "cs-0101"),
        },
    )
    cli_build(tool, project, tmp_path / "one")
    cli_build(tool, project, tmp_path / "two")
    one, two = _digest(tmp_path / "one"), _digest(tmp_path / "two")
    assert len(one) > 20
    assert any(name.startswith("pagefind/fragment/") for name in one)
    assert one == two


GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def test_mkdocs_and_properdocs_build_the_same_site(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    cli_build("mkdocs", project, tmp_path / "mkdocs")
    cli_build("properdocs", project, tmp_path / "properdocs")
    one = _digest(tmp_path / "mkdocs", GENERATOR)
    two = _digest(tmp_path / "properdocs", GENERATOR)
    assert one == two
    # The only difference is the generator line Material writes.
    page = (tmp_path / "properdocs" / "index.html").read_bytes()
    assert b"ProperDocs" in GENERATOR.search(page).group(0)  # type: ignore[union-attr]
    assert ROOT.is_dir()


def test_format_page_documents_every_field(tmp_path: Path) -> None:
    from evidence_bank.core.fields import CASE_STUDY_FIELDS

    page = _page(build(make_project(tmp_path)), "case-study-format")
    for field in CASE_STUDY_FIELDS:
        assert f'id="field-{field.name}"' in page, field.name
    assert 'id="field-pathway-step-principles"' in page
    assert "<code>valuing-people</code> (Valuing people)" in page


def test_authored_pages_include_vocabulary_blocks(tmp_path: Path) -> None:
    page = "# Guide\n\n<!-- evidence-bank: ladder -->\n\n<!-- evidence-bank: checklist -->\n"
    site = build(
        make_project(
            tmp_path, content={"guide/page.md": page}, config={"nav": ["index.md", "guide/page.md"]}
        )
    )
    html_text = _page(site, "guide/page")
    assert html_text.count('<li class="eb-ladder__rung') == 7
    assert 'href="../../ladder/co-design/"' in html_text
    assert "(1 case study)" in html_text
    assert html_text.count('<tr><th scope="row" id="item-') == 10
    assert 'href="../../downloads/co-design-checklist.csv"' in html_text
    assert (site / "downloads" / "co-design-checklist.csv").is_file()
    assert (site / "downloads" / "co-design-checklist.md").is_file()


def test_an_unknown_block_fails_a_strict_build(tmp_path: Path) -> None:
    page = "# Guide\n\ntext\n<!-- evidence-bank: ladders -->\n"
    project = make_project(tmp_path, content={"guide.md": page})
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort, match="Aborted with 1 warnings in strict mode"):
        build(project)


def test_a_withdrawn_case_study_keeps_its_page_as_a_notice_and_leaves_every_list(
    tmp_path: Path,
) -> None:
    withdrawn = case_study("withdrawn:\n  date: 2027-03-01\n  reason: The scheme asked us to.\n")
    other = MINIMAL.replace("cs-0100", "cs-0101").replace("A minimal", "Another")
    plugins = ["search", {"evidence-bank": {"vocabulary": str(VOCABULARY)}}]
    site = build(
        make_project(
            tmp_path, {"gone.md": withdrawn, "other.md": other}, config={"plugins": plugins}
        )
    )
    notice = _page(site, "case-studies/gone")
    assert "This case study has been withdrawn" in notice
    assert "The scheme asked us to." in notice
    assert "search:" not in notice
    for url in (
        "case-studies",
        "principles/valuing-people",
        "ladder/co-design",
        "evidence-map",
        "case-studies/other",
    ):
        assert "case-studies/gone/" not in _page(site, url), url
    assert 'href="../../principles/valuing-people/#rung-co-design" ' not in _page(
        site, "evidence-map"
    )
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "A minimal case study" not in index
    assert "Another case study" in index


def test_a_story_heading_keeps_its_own_id_and_the_contents(tmp_path: Path) -> None:
    """The story is rendered by MkDocs and the page around it by the template: a story heading
    named like a section of the template gets another id, and both are in the contents."""
    body = "## Outcomes\n\nWhat the story says.\n\n## Context\n\nMore.\n"
    site = build(make_project(tmp_path, {"minimal.md": case_study(body=body)}))
    page = _page(site, "case-studies/minimal")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    assert '<h2 id="outcomes-1">Outcomes</h2>' in page
    assert '<h2 id="outcomes" data-pagefind-ignore="index">Outcomes</h2>' in page
    contents = list(dict.fromkeys(re.findall(r'<a href="#([^"]+)" class="md-nav__link"', page)))
    assert contents[:3] == ["outcomes-1", "context", "rung"]
    assert "outcomes" in contents and contents.index("outcomes") > contents.index("rung")


def test_plain_english_warnings_fail_a_strict_build_and_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The validator's warnings reach the build's log, so a strict build refuses them, naming
    the file, line and field."""
    from mkdocs.exceptions import Abort

    from tests.cli.test_validate import HARD

    project = make_project(tmp_path, {"a.md": HARD})
    with caplog.at_level("WARNING"), pytest.raises(Abort, match="Aborted with 2 warnings"):
        build(project)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert logged[0].startswith("evidence_bank: case_studies/a.md:4: summary: a reading grade of ")
    assert logged[1].startswith("evidence_bank: case_studies/a.md:11: pathway.co-delivery.done: ")
    assert len(logged) == 2


def test_plain_english_warnings_do_not_stop_a_build_that_is_not_strict(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from tests.cli.test_validate import HARD

    project = make_project(tmp_path, {"a.md": HARD})
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "s"), strict=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    assert (tmp_path / "s" / "case-studies" / "a" / "index.html").is_file()
