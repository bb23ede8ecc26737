"""The search page's filters: AND across filters, OR within one, counts that say what ticking an
option would give, and a state that lives in the address."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evidence_bank.core import catalog, render, search, vocabulary
from evidence_bank.core.search import SEARCH_INDEXES

from tests.browser.conftest import SEARCH_DONE, serving, wait_until
from tests.helpers import ROOT, VOCABULARY

COUNTS_READY = "document.getElementById('eb-search').dataset.counts === 'ready'"


@pytest.fixture(scope="module")
def bank() -> catalog.Catalog:
    return catalog.load(ROOT / "case_studies", vocabulary.load(VOCABULARY), root=ROOT)


def _counts(page: Any, facet: str) -> dict[str, int]:
    pairs = page.evaluate(
        'f => [...document.querySelectorAll(`[data-facet="${f}"] [data-count-for]`)]'
        ".map(s => [s.dataset.countFor, s.textContent])",
        facet,
    )
    return {value: int(text.strip("()")) for value, text in pairs}


PAGE = 10
"""Results shown at first; "More results" shows the next ones (search.js)."""


def _all_results(page: Any) -> list[str]:
    """The titles of every result the status counts, "More results" pressed until all are shown
    (each press adds up to a page, one result at a time); then the button is gone."""
    status = page.locator(".eb-search__status").text_content() or ""
    found = re.match(r"(\d+) case stud", status)
    total = int(found.group(1)) if found else 0
    results = "document.querySelectorAll('.eb-search__result').length"
    shown = page.locator(".eb-search__result").count()
    assert shown == min(total, PAGE), (shown, status)
    while shown < total:
        page.locator(".eb-search__more").click()
        wait_until(page, f"{results} >= {min(shown + PAGE, total)}")
        shown = page.locator(".eb-search__result").count()
    assert shown == total and not page.locator(".eb-search__more").is_visible()
    return page.locator(".eb-search__result h3").all_text_contents()


def test_and_across_or_within_with_counts(visit: Any, bank: catalog.Catalog) -> None:
    page = visit(
        "/search/?principle=valuing-people&principle=reciprocal-recognition"
        "&rung=co-design&rung=co-production"
    ).page
    wait_until(page, SEARCH_DONE)
    wait_until(page, COUNTS_READY)
    principles, rungs = {"valuing-people", "reciprocal-recognition"}, {"co-design", "co-production"}
    expected = [s for s in bank.case_studies if principles & set(s.principles) and s.rung in rungs]
    shown = _all_results(page)
    assert sorted(shown) == sorted(s.title for s in expected) and shown
    # A rung's count ignores the rung ticks: studies with either principle, at that rung.
    want_rungs = Counter(s.rung for s in bank.case_studies if principles & set(s.principles))
    assert {k: v for k, v in _counts(page, "rung").items() if v} == dict(want_rungs)
    # A principle's count ignores the principle ticks: studies at either rung, with it.
    want_principles = Counter(p for s in bank.case_studies if s.rung in rungs for p in s.principles)
    assert {k: v for k, v in _counts(page, "principle").items() if v} == dict(want_principles)
    # An untouched filter counts within the current results.
    want_nations = Counter(s.nation for s in expected if s.nation)
    assert {k: v for k, v in _counts(page, "nation").items() if v} == dict(want_nations)


def test_the_address_holds_the_state(visit: Any) -> None:
    page = visit("/search/").page
    wait_until(page, SEARCH_DONE)
    page.fill("#eb-q", "mental health")
    page.check("#eb-nation-northern-ireland")
    # The search for both the words and the filter has finished when its status names both.
    wait_until(
        page,
        "/found for “mental health”, filtered by Northern Ireland\\./.test("
        "document.querySelector('.eb-search__status').textContent)",
    )
    assert "nation=northern-ireland" in page.url and "q=mental+health" in page.url
    results = page.locator(".eb-search__result h3").all_text_contents()
    assert results
    again = visit("/search/" + page.evaluate("location.search")).page
    wait_until(again, SEARCH_DONE)
    assert again.input_value("#eb-q") == "mental health"
    assert again.is_checked("#eb-nation-northern-ireland")
    assert again.locator(".eb-search__result h3").all_text_contents() == results


def test_the_strength_of_evidence_filters_and_counts(visit: Any, bank: catalog.Catalog) -> None:
    page = visit("/search/?evidence=described&rung=co-design&rung=engagement").page
    wait_until(page, SEARCH_DONE)
    wait_until(page, COUNTS_READY)
    expected = [
        s
        for s in bank.case_studies
        if s.evidence_strength == "described" and s.rung in ("co-design", "engagement")
    ]
    shown = _all_results(page)
    assert sorted(shown) == sorted(s.title for s in expected) and shown
    assert page.is_checked("#eb-evidence-described")
    # The strength's counts ignore its own tick: every strength among the studies at those rungs.
    rungs = ("co-design", "engagement")
    want = Counter(s.evidence_strength for s in bank.case_studies if s.rung in rungs)
    assert {k: v for k, v in _counts(page, "evidence").items() if v} == dict(want)
    status = page.locator(".eb-search__status").text_content() or ""
    assert "Described by the people who did the work" in status
    # Each result says its strength, and whether its rung is our judgement.
    facts = page.locator(".eb-search__facts").all_text_contents()
    assert all(
        "Strength of evidence: Described by the people who did the work." in f for f in facts
    )
    judged = sum(s.rung_basis == "judged" for s in expected)
    assert sum("(our judgement)" in f for f in facts) == judged > 0


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_first_results_from_summaries_then_the_full_text(visit: Any, bank: catalog.Catalog) -> None:
    """The small summary index gives the first results; the full text adds the case studies that
    use the words only in their story, each shown once."""
    cards = set().union(
        *(
            _words(" ".join([s.title, s.summary, s.place or "", *s.organisations]))
            for s in bank.case_studies
        )
    )
    texts = [_words(json.dumps(s.front_matter, default=str) + s.body) for s in bank.case_studies]
    # A word of one story alone, whose stem (Pagefind stems words) no card and no other case
    # study shares.
    prefixes = Counter(word[:6] for text in texts for word in {w[:6]: w for w in text}.values())
    story_only = sorted(
        word
        for study, text in zip(bank.case_studies, texts, strict=True)
        for word in _words(study.body)
        if len(word) > 7
        and prefixes[word[:6]] == 1
        and not any(card.startswith(word[:6]) for card in cards)
    )
    assert story_only, "no word of a story is missing from every card"
    word = story_only[0]
    summary_word = max(_words(bank.case_studies[0].summary), key=len)
    page = visit(f"/search/?q={word}").page
    wait_until(page, SEARCH_DONE)
    expected = [s.title for s, text in zip(bank.case_studies, texts, strict=True) if word in text]
    assert len(expected) == 1
    shown = page.locator(".eb-search__result h3").all_text_contents()
    assert sorted(shown) == sorted(expected)
    # The summary index alone holds the summary's word, not the story's (Pagefind answers a word
    # it lacks with other pages, so the test reads what the results hold).
    holding = page.evaluate(
        """async ([folder, words]) => {
            const pagefind = await import(`/${folder}/pagefind.js`);
            await pagefind.init();
            return Promise.all(words.map(async (w) => {
                const pages = await Promise.all(
                    (await pagefind.search(w)).results.map((r) => r.data()));
                return pages.filter((p) => p.content.toLowerCase().includes(w)).length;
            }));
        }""",
        [SEARCH_INDEXES["summary"].folder, [word, summary_word]],
    )
    assert holding[0] == 0 and holding[1] >= 1


def test_show_more_only_when_there_are_more(visit: Any) -> None:
    """With every result on the screen, the "Show more results" button is not shown."""
    page = visit("/search/?q=recovery").page
    wait_until(page, SEARCH_DONE)
    shown = page.locator(".eb-search__result").count()
    assert 0 < shown < 10
    assert not page.locator(".eb-search__more").is_visible()


def test_a_word_no_case_study_holds_finds_nothing(visit: Any, bank: catalog.Catalog) -> None:
    """Not the pages holding the longest start of the word Pagefind knows ("or" for "orchids")."""
    word = "orchids"
    assert not any(word[:5] in json.dumps(s.front_matter) + s.body for s in bank.case_studies)
    page = visit(f"/search/?q={word}").page
    wait_until(page, SEARCH_DONE)
    wait_until(page, COUNTS_READY)
    assert page.locator(".eb-search__result").count() == 0
    assert page.locator(".eb-search__status").text_content() == (
        "No case studies found for “orchids”. Try fewer words, or check the spelling."
    )
    assert not any(_counts(page, "rung").values())


def test_without_javascript_the_page_points_to_the_lists(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/search/?q=care")
    links = page.locator(".eb-search__browse a").evaluate_all("a => a.map(e => e.href)")
    assert [link.removeprefix(base_url) for link in links] == [
        "/case-studies/",
        "/principles/",
        "/ladder/",
        "/evidence-map/",
    ]
    note = page.locator(".eb-search__nojs")
    assert note.is_visible() and "needs JavaScript" in (note.text_content() or "")
    assert page.locator(".eb-search__status").text_content() == ""
    assert not page.is_visible(".eb-search__filters")  # only JavaScript could apply them
    # Every principle's page and every rung's page, in the first screen's worth of the page.
    ways = [
        link.removeprefix(base_url)
        for link in page.locator(".eb-search__ways a").evaluate_all("a => a.map(e => e.href)")
    ]
    principles = [o["value"] for o in _options(page, "principle")]
    rungs = [o["value"] for o in _options(page, "rung")]
    assert ways == [
        "/principles/",
        *(f"/principles/{slug}/" for slug in principles),
        "/ladder/",
        *(f"/ladder/{slug}/" for slug in rungs),
    ]
    assert len(principles) == 6 and len(rungs) == 7
    # The form still submits (a GET to this page); the page cannot read the address without
    # JavaScript, and says so.
    page.fill("#eb-q", "recovery")
    page.click(".eb-search__query button")
    page.wait_for_url("**/search/?q=recovery**")
    assert "cannot read the words you typed" in (note.text_content() or "")
    context.close()


def _options(page: Any, facet: str) -> list[dict[str, str]]:
    return list(
        page.locator(f'[data-facet="{facet}"] input').evaluate_all(
            "boxes => boxes.map(b => ({value: b.value}))"
        )
    )


STATUS = "document.querySelector('.eb-search__status').textContent"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (
            "?q=orchids&rung=co-design",
            "No case studies found for “orchids”, filtered by Co-design. "
            "Try fewer words, check the spelling, or remove a filter.",
        ),
        ("?q=community", r"\d+ case studies found for “community”\."),
        (
            "?rung=co-design&rung=engagement&principle=valuing-people",
            r"\d+ case studies found, filtered by Valuing people, and by Engagement or Co-design\.",
        ),
    ],
)
def test_the_status_says_one_clear_thing(visit: Any, address: str, expected: str) -> None:
    page = visit(f"/search/{address}").page
    wait_until(page, SEARCH_DONE)
    status = page.evaluate(STATUS)
    assert re.fullmatch(expected, status) or status == expected, status
    count = re.match(r"\d+", status)
    if count:
        assert int(count.group()) == len(_all_results(page)) > 1


def test_one_case_study_found(visit: Any, bank: catalog.Catalog) -> None:
    facet, option = next(
        (f["name"], o) for f in render.search_facets(bank) for o in f["options"] if o["count"] == 1
    )
    page = visit(f"/search/?{facet}={option['value']}").page
    wait_until(page, SEARCH_DONE)
    assert page.evaluate(STATUS) == f"1 case study found, filtered by {option['label']}."
    assert page.locator(".eb-search__result").count() == 1
    page = visit(f"/search/?{facet}={option['value']}&q=zzzqqq").page
    wait_until(page, SEARCH_DONE)
    assert page.evaluate(STATUS).startswith("No case studies found for “zzzqqq”, filtered by")


def test_the_status_speaks_once_per_settled_search(visit: Any) -> None:
    """Typed quickly or slowly (each key after the last search began), the live region changes
    once, when the typing has paused: not once per key."""
    page = visit("/search/").page
    wait_until(page, SEARCH_DONE)
    page.evaluate(
        """() => {
            window.__statusChanges = [];
            new MutationObserver(() => window.__statusChanges.push(
                document.querySelector('.eb-search__status').textContent))
                .observe(document.querySelector('.eb-search__status'),
                         {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.focus("#eb-q")
    for word, delay in (("community", 30), (" health", 450)):
        page.evaluate("window.__statusChanges.length = 0")
        page.keyboard.type(word, delay=delay)
        wait_until(page, SEARCH_DONE)
        page.wait_for_load_state("networkidle")
        changes = page.evaluate("window.__statusChanges")
        assert len(changes) == 1, changes
        assert changes[0] == page.evaluate(STATUS)
        assert page.input_value("#eb-q").strip() in changes[0]


def test_counts_come_back_when_the_box_is_cleared(visit: Any) -> None:
    page = visit("/search/").page
    wait_until(page, SEARCH_DONE)
    before = {facet: _counts(page, facet) for facet in ("principle", "rung", "nation")}
    assert any(before["rung"].values())
    page.fill("#eb-q", "orchids")
    wait_until(page, SEARCH_DONE + " && " + COUNTS_READY)
    assert not any(_counts(page, "rung").values())
    page.fill("#eb-q", "")
    wait_until(page, SEARCH_DONE + " && " + COUNTS_READY)
    assert {facet: _counts(page, facet) for facet in before} == before
    assert page.evaluate(STATUS) == "Type words to search for, or tick a filter."


def test_one_pagefind_script_for_both_indexes(visit: Any) -> None:
    record = visit("/search/?q=community")
    wait_until(record.page, SEARCH_DONE)
    scripts = [url for url in record.requests if url.endswith("/pagefind.js")]
    assert len(scripts) == 1 and "/pagefind-summary/" in scripts[0]
    # Both indexes were searched, each from its own folder.
    assert any("/pagefind/index/" in url for url in record.requests)
    assert any("/pagefind-summary/index/" in url for url in record.requests)
    assert not record.errors


@pytest.fixture(scope="module")
def parted_url(real_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This site with its full-text index made in parts of at most 2 case studies (as a bank of
    thousands has it), served."""
    site = tmp_path_factory.mktemp("parted") / "site"
    shutil.copytree(real_site, site, ignore=shutil.ignore_patterns("pagefind*"))
    with pytest.MonkeyPatch.context() as patch, search.SearchSource() as source:
        patch.setenv(search.PAGES_PER_PART_VARIABLE, "2")
        for built in sorted(site.rglob("*.html")):
            source.add(built.relative_to(site).as_posix(), built.read_text("utf-8"))
        # The summary index in one part, the full text in parts of 2 case studies.
        studies = len(list((ROOT / "case_studies").glob("*.md")))
        assert search.index(source, site).parts == 1 + -(-studies // 2)
    with serving(site) as url:
        yield url


def _seen(page: Any) -> dict[str, Any]:
    """A finished search as the visitor sees it, with every result shown ("More results" pressed
    until there are no more: the indexes rank alike, not the same, so a first page of results
    can differ), its status and every filter's counts."""
    wait_until(page, SEARCH_DONE)
    wait_until(page, COUNTS_READY)
    _all_results(page)
    return {
        "results": sorted(page.locator(".eb-search__result h3").all_text_contents()),
        "status": page.locator(".eb-search__status").text_content(),
        "counts": {facet: _counts(page, facet) for facet in ("rung", "principle", "nation")},
    }


@pytest.mark.parametrize(
    "address",
    [
        "?q=recovery",
        "?q=community",
        "?q=mental+health&nation=england",
        # A word some parts lack beside one they all hold; a plural that pages hold singular.
        "?q=homelessness+health",
        "?q=studies",
        "?principle=valuing-people&rung=co-design&rung=co-production",
        "?q=orchids",
    ],
)
def test_an_index_in_parts_finds_and_counts_what_one_index_does(
    visit: Any, parted_url: str, address: str
) -> None:
    one = _seen(visit(f"/search/{address}").page)
    parted = visit(f"{parted_url}/search/{address}")
    assert _seen(parted.page) == one
    assert not parted.errors
    # The last part of the full-text index was read too, when there were words to find.
    assert any("/pagefind/part-3/" in url for url in parted.requests) == ("q=" in address)
