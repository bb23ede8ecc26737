"""Permanent addresses: /id/ redirects, aliases, the URL lock through rename, withdrawal, addition
and removal, and the lock check on a built folder alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_bank.core import urllock

from tests.helpers import MINIMAL, build, build_error, case_study, make_project

SECOND = MINIMAL.replace("cs-0100", "cs-0101").replace("A minimal", "A second")


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a URL lock, locked after its first build."""
    project = make_project(
        tmp_path, {"first.md": MINIMAL, "second.md": SECOND}, plugin={"url_lock": "urls.lock"}
    )
    monkeypatch.setenv("EB_URL_LOCK", "update")
    build(project)
    monkeypatch.delenv("EB_URL_LOCK")
    assert (project / "urls.lock").is_file()
    return project


def _lock(project: Path) -> urllock.Lock:
    return urllock.read_lock(project / "urls.lock")


def _update(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EB_URL_LOCK", "update")
    try:
        return build(project)
    finally:
        monkeypatch.delenv("EB_URL_LOCK")


def _all_locked_resolve(project: Path, site: Path) -> None:
    problems, new = urllock.check(site, _lock(project))
    assert problems == [] and new == []


def test_the_lock_lists_every_kind_of_address(locked: Path) -> None:
    urls = set(_lock(locked).urls)
    for url in (
        "/",
        "/case-studies/",
        "/case-studies/first/",
        "/id/cs-0100/",
        "/principles/valuing-people/",
        "/ladder/co-design/",
        "/evidence-map/",
        "/data/v1/case-studies.json",
        "/data/v1/case-studies.csv",
        "/data/v1/datapackage.json",
        "/data/v1/case-study.schema.json",
        "/data/v1/principles/valuing-people.csv",
        "/feeds/case-studies.xml",
        "/feeds/ladder/co-design.xml",
        "/case-studies/first/cite.bib",
        "/search/",
        "/due-for-review/",
    ):
        assert url in urls, url
    assert not any(url.startswith(("/assets/", "/pagefind/")) for url in urls)
    text = (locked / "urls.lock").read_text()
    assert "# use_directory_urls: true" in text
    assert "bank.example.org" not in text  # paths from the site's root, not addresses
    assert all(url.startswith("/") for url in urls)


def test_a_plain_build_checks_the_lock(locked: Path) -> None:
    site = build(locked)
    _all_locked_resolve(locked, site)


def test_rename_with_an_alias_keeps_the_old_address(
    locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _lock(locked).urls
    (locked / "case_studies" / "first.md").unlink()
    renamed = case_study("aliases: [first]\n").replace("A minimal", "A renamed")
    (locked / "case_studies" / "renamed.md").write_text(renamed)
    build(locked)  # new addresses are welcome; the old one is kept by the alias
    assert "/case-studies/renamed/" not in _lock(locked).urls  # recorded by the deploy
    site = _update(locked, monkeypatch)
    assert set(before) <= set(_lock(locked).urls)  # append only
    _all_locked_resolve(locked, site)
    old = (site / "case-studies" / "first" / "index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=../renamed/"' in old
    ident = (site / "id" / "cs-0100" / "index.html").read_text()
    assert "url=../../case-studies/renamed/" in ident


def test_withdrawal_keeps_every_address(locked: Path) -> None:
    withdrawn = case_study("withdrawn:\n  date: 2027-01-01\n  reason: Asked to.\n")
    (locked / "case_studies" / "first.md").write_text(withdrawn)
    site = build(locked)  # nothing new, nothing lost
    _all_locked_resolve(locked, site)
    assert "has been withdrawn" in (site / "case-studies" / "first" / "index.html").read_text()
    assert "cs-0100" not in (site / "data" / "v1" / "case-studies.json").read_text()


def test_adding_needs_nothing_from_the_contributor(
    locked: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    third = MINIMAL.replace("cs-0100", "cs-0102")
    (locked / "case_studies" / "third.md").write_text(third)
    with caplog.at_level("INFO"):
        build(locked)  # strict, as a pull request is built: passes with the lock untouched
    assert "/case-studies/third/" not in _lock(locked).urls
    assert "new addresses, recorded in urls.lock when the site is deployed" in caplog.text
    site = _update(locked, monkeypatch)  # what the deploy on main does
    _all_locked_resolve(locked, site)
    assert "/case-studies/third/" in _lock(locked).urls


def test_removal_without_a_redirect_fails_naming_the_address(
    locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (locked / "case_studies" / "second.md").unlink()
    message = build_error(locked)
    assert (
        "/case-studies/second/ was published (it is in the URL lock) but this build no "
        "longer has it"
    ) in message
    assert "/id/cs-0101/ was published" in message
    # Updating the lock cannot paper over it: lines are never removed.
    monkeypatch.setenv("EB_URL_LOCK", "update")
    assert "/case-studies/second/ was published" in build_error(locked)


def test_moving_the_site_is_one_line_and_keeps_every_path(locked: Path) -> None:
    before = (locked / "urls.lock").read_text()
    config = (locked / "mkdocs.yml").read_text()
    new = "https://myorg.github.io/evidence-bank/"
    (locked / "mkdocs.yml").write_text(config.replace("https://bank.example.org/", new))
    site = build(locked)
    _all_locked_resolve(locked, site)
    assert (locked / "urls.lock").read_text() == before
    # Every absolute address comes from the one setting.
    outputs = [
        site / "case-studies" / "first" / "index.html",
        site / "case-studies" / "first" / "cite.ris",
        site / "case-studies" / "first" / "cite.bib",
        site / "case-studies" / "first" / "cite.json",
        site / "data" / "v1" / "case-studies.json",
        site / "data" / "v1" / "case-studies.csv",
        site / "feeds" / "case-studies.xml",
        site / "id" / "cs-0100" / "index.html",
        site / "CITATION.cff",
        site / "sitemap.xml",
    ]
    for output in outputs:
        text = output.read_text(encoding="utf-8")
        assert "bank.example.org" not in text, output
        assert new in text, output
    assert f"UR  - {new}id/cs-0100/" in (outputs[1]).read_text(encoding="utf-8")


def test_a_setting_that_moves_every_path_is_locked(locked: Path) -> None:
    config = (locked / "mkdocs.yml").read_text()
    (locked / "mkdocs.yml").write_text(config + "use_directory_urls: false\n")
    assert "use_directory_urls is false but the lock was made with true" in build_error(locked)


def test_an_alias_may_not_take_a_live_address(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"first.md": MINIMAL, "second.md": SECOND.replace("---\n\n", "aliases: [first]\n---\n\n")},
    )
    message = build_error(project)
    assert (
        "case_studies/second.md:9: aliases[1]: 'first', which is the address of "
        "case_studies/first.md"
    ) in message


def test_an_alias_may_not_overwrite_an_authored_page(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"first.md": case_study("aliases: [old-name]\n")},
        content={"case-studies/old-name/index.html": "<p>mine</p>"},
    )
    assert (
        "content/case-studies/old-name/index.html would be overwritten by the generated "
        "file case-studies/old-name/index.html"
    ) in build_error(project)


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    site = tmp_path / "site"
    for path, html in pages.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)
    return site


def _redirect(to: str) -> str:
    return f'<html><head><meta http-equiv="refresh" content="0; url={to}"></head></html>'


def test_the_check_needs_only_the_built_folder(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "index.html": "<p>home</p>",
            "a/index.html": _redirect("../b/"),
            "b/index.html": _redirect("../c/"),
            "c/index.html": "<p>c</p>",
            "loop/index.html": _redirect("./"),
            "gone/index.html": _redirect("../nowhere/"),
            "list/page/2/index.html": "<p>page two</p>",
        },
    )
    lock = urllock.Lock(None, ("/", "/a/", "/b/", "/c/", "/d/", "/list/page/3/"))
    problems, new = urllock.check(site, lock)
    assert "/a/ redirects to /b/, which is itself a redirect (a chain)" in problems
    assert "/loop/ redirects to itself" in problems
    assert "/gone/ redirects to /nowhere/, which does not exist" in problems
    assert any(p.startswith("/d/ was published") for p in problems)
    assert not any("/list/page/" in p for p in problems)  # later pages are not permanent
    assert new == ["/gone/", "/loop/"]


def test_the_real_lock_matches_the_real_site(real_site: Path) -> None:
    from tests.helpers import ROOT

    # The strict build already failed if any locked address broke; the check again, alone.
    problems, new = urllock.check(
        real_site, urllock.read_lock(ROOT / "plugins" / "evidence_bank" / "urls.lock")
    )
    assert problems == []
    # A pull request may add addresses (the deploy records them); each is a case study's.
    assert all(url.startswith(("/case-studies/", "/id/", "/feeds/", "/data/")) for url in new)
