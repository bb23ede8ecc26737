"""What makes a large build faster changes nothing in the site: the second process of `mkdocs
build` (core/background.py) makes what the build makes without it, and its failures fail the
build with its traceback; lists of case studies set aside from the markdown MkDocs reads come
back unchanged."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from evidence_bank.core import background, render
from evidence_bank.core import catalog as catalog_module
from evidence_bank.core import vocabulary as vocabulary_module
from evidence_bank.core.background import Background
from evidence_bank.core.render import Renderer
from evidence_bank.core.site import Site
from evidence_bank.core.synthetic import write_bank

from tests.helpers import build_alone, built_plugin, case_study, make_project


def _project(tmp_path: Path, count: int = 30) -> Path:
    project = make_project(tmp_path, {}, plugin={"allow_synthetic": True, "search_index": False})
    write_bank(
        count,
        project / "case_studies",
        vocabulary_module.load(vocabulary_module.default_path(), "v"),
    )
    return project


def _tree(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _from(count: int) -> str:
    """Python for `build_alone`: the second process used from `count` case studies."""
    return f"import os\nos.environ['EB_BACKGROUND_FROM'] = '{count}'\n"


def _built(tmp_path: Path, project: Path, name: str, before: str) -> dict[str, object]:
    """Build `project` alone into `tmp_path/name`; the plugin's figures (`Stats`)."""
    stats = tmp_path / f"{name}.json"
    before = f"import os\nos.environ['EB_BUILD_STATS'] = {str(stats)!r}\n" + before
    status, log = build_alone(project, tmp_path / name, before=before)
    assert status == 0, log
    figures: dict[str, object] = json.loads(stats.read_text(encoding="utf-8"))
    return figures


def _same_site(tmp_path: Path, project: Path, one: str, other: str) -> dict[str, bytes]:
    """Build `project` twice, with Python `one` and `other` run first; assert the two sites are
    byte-identical, and return the files of the first."""
    _built(tmp_path, project, "one", one)
    _built(tmp_path, project, "other", other)
    first, second = _tree(tmp_path / "one"), _tree(tmp_path / "other")
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []
    return first


def test_the_second_process_makes_what_the_build_makes_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    project = _project(tmp_path)
    # Every shell from the second process, however busy the machine (a late one is otherwise
    # made by the build itself, and the comparison below would test nothing).
    waiting = f"os.environ[{background.WAIT_VARIABLE!r}] = '1'\n"
    beside = _built(tmp_path, project, "with", _from(1) + waiting)
    assert isinstance(beside["background"], dict)
    assert beside["background"]["shells"] == 30 and beside["background"]["clashes"] == []
    alone = _built(tmp_path, project, "without", _from(31))
    assert alone["background"] is None
    with_it, without = _tree(tmp_path / "with"), _tree(tmp_path / "without")
    assert with_it.keys() == without.keys()
    assert [path for path in with_it if with_it[path] != without[path]] == []
    # The downloads are all there, and none is left empty.
    assert len([path for path in with_it if path.endswith("cite.bib")]) == 30
    assert b"" not in with_it.values()


def test_a_small_bank_is_built_in_one_process(tmp_path: Path) -> None:
    # The real bank has a handful of case studies: a second process would cost more than
    # it saves (`background.THRESHOLD`).
    figures = _built(tmp_path, _project(tmp_path, count=5), "site", "")
    assert background.THRESHOLD > 5 and figures["background"] is None
    assert figures["case_studies"] == 5 and figures["pages_made"] == figures["pages"]


def test_the_second_processs_shells_and_files_are_the_renderers(tmp_path: Path) -> None:
    project = _project(tmp_path, count=12)
    vocabulary = vocabulary_module.load(vocabulary_module.default_path(), "v")
    bank = catalog_module.load(
        project / "case_studies", vocabulary, root=project, allow_synthetic=True
    )
    renderer = Renderer(bank, site=Site(url="https://bank.example.org/"))
    studies = list(bank.case_studies)
    site = tmp_path / "site"
    work = Background(renderer, studies, site, {})
    lists = work.lists()
    assert lists == renderer.list_html()
    assert any("eb-case" in piece for pieces in lists.values() for piece in pieces)
    expected = dict(renderer.downloads())
    done = work.finish()  # Every shell is made by now.
    for study in studies:
        assert work.shell(study) == renderer.case_study_shell(study)
    assert work.shell(studies[0]) is None  # Handed over once; the build makes it if asked.
    assert (done.shells, done.files, done.clashes) == (12, len(expected), [])
    assert _tree(site) == expected


@pytest.mark.parametrize("method", ["list_html", "downloads"])
def test_a_failing_second_process_fails_the_build_with_its_traceback(
    tmp_path: Path, method: str
) -> None:
    # Only the second process makes the lists (first) and the downloads (last).
    broken = _from(1) + (
        "from evidence_bank.core.render import Renderer\n"
        "def broken(self):\n"
        "    raise OSError('the disk is full')\n"
        f"Renderer.{method} = broken\n"
    )
    status, log = build_alone(_project(tmp_path, count=3), tmp_path / "site", before=broken)
    assert status != 0
    assert "The build's second process failed" in log
    assert "OSError: the disk is full" in log
    assert f"in {method}" in log or "broken" in log  # the second process's own traceback
    assert "Traceback" in log


@pytest.mark.parametrize("beside", [True, False], ids=["second process", "one process"])
@pytest.mark.parametrize(
    "authored",
    ["id/cs-0100/index.html", "case-studies/minimal/cite.bib", "data/v1/case-studies.json"],
)
def test_a_download_may_not_overwrite_an_authored_file(
    tmp_path: Path, beside: bool, authored: str
) -> None:
    project = make_project(tmp_path, content={authored: "mine"})
    status, log = build_alone(project, tmp_path / "site", before=_from(1 if beside else 99))
    assert status != 0
    assert f"content/{authored} would be overwritten by the generated file {authored}" in log


def test_shells_the_build_makes_itself_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk of shells the second process has not made in time is made by the build, after it
    let go of the case studies' front matter: those pages are the same as the others (they once
    lost the places their reference marks cite)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    project = _project(tmp_path, count=30)
    late = _from(1) + (
        "import time\nimport evidence_bank.core.background as late\n_make = late._shells\n"
        "def _slowly(*chunk):\n    time.sleep(1.0)\n    return _make(*chunk)\n"
        "_slowly.__module__, _slowly.__qualname__ = late.__name__, '_shells'\n"
        "late._shells = _slowly\n"
    )
    _same_site(tmp_path, project, _from(999), late)
    assert _built(tmp_path, project, "late", late)["background"]["shells"] == 0  # type: ignore[index]


def test_lists_set_aside_from_markdown_come_back_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 60 case studies: the list of case studies has a second page, which is sanitised.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    project = _project(tmp_path, count=60)
    # As a preview makes them: the lists made in the build's own process and left in the
    # markdown that MkDocs reads.
    read = _from(999) + (
        "from evidence_bank.core.build import Mode\n"
        "from evidence_bank.core.render import Lists\n"
        "Mode.lists = property(lambda self: Lists.IN_MARKDOWN)\n"
    )
    read_by_markdown = _same_site(tmp_path, project, read, _from(1))
    page = read_by_markdown["case-studies/page/2/index.html"].decode()
    assert "evidence-bank: html" not in page and page.count('class="eb-case"') == 10


def test_setting_html_aside_and_putting_it_back() -> None:
    markdown = (
        "## Case studies\n\n<!-- evidence-bank: html --><ol>\n<li>a</li>\n</ol>"
        "<!-- /evidence-bank: html -->\n\nText\n<!-- evidence-bank: html --><p>b</p>"
        "<!-- /evidence-bank: html -->\n"
    )
    short, pieces = render.defer_html(markdown)
    assert pieces == ("<ol>\n<li>a</li>\n</ol>", "<p>b</p>")
    assert short == (
        "## Case studies\n\n<!-- evidence-bank: html 0 -->\n\n"
        "Text\n<!-- evidence-bank: html 1 -->\n"
    )
    assert render.restore_html(short, pieces) == markdown.replace(
        "<!-- evidence-bank: html -->", ""
    ).replace("<!-- /evidence-bank: html -->", "")
    # A comment that only looks like a place is left as it is.
    assert render.restore_html("<!-- evidence-bank: html 7 -->", pieces).endswith("7 -->")


def test_a_build_beside_other_threads_does_not_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked child of a process with other threads can deadlock: such a build does the
    # second process's work itself.
    monkeypatch.setenv("EB_BACKGROUND_FROM", "1")
    project = _project(tmp_path, count=5)
    failures: list[BaseException] = []
    plugins = []

    def run() -> None:
        try:
            plugins.append(built_plugin(project))
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert failures == []
    stats = plugins[0].session.stats
    assert stats.background is None and stats.case_studies == 5
    assert len(list((project / "site").rglob("cite.bib"))) == 5


def test_a_case_study_may_be_called_like_the_second_processs_work(tmp_path: Path) -> None:
    names = ("lists", "report", "error", "0")
    project = make_project(
        tmp_path,
        {
            f"{name}.md": case_study(body=f"The story of `{name}`.\n").replace(
                "id: cs-0100", f"id: cs-01{number:02d}"
            )
            for number, name in enumerate(names)
        },
    )
    figures = _built(tmp_path, project, "site", _from(1))
    assert figures["background"] is not None
    site = tmp_path / "site"
    for name in names:
        page = (site / "case-studies" / name / "index.html").read_text(encoding="utf-8")
        assert f"The story of <code>{name}</code>." in page
    assert 'class="eb-case"' in (site / "case-studies" / "index.html").read_text(encoding="utf-8")


def test_the_navigation_rendered_once_a_folder_is_the_same_as_rendered_for_each_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Material renders the whole navigation into every page; the plugin renders it once a
    # folder for pages outside the navigation (`core.theme.share_navigation`). Nothing changes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    project = _project(tmp_path, count=60)
    each = "import evidence_bank.core.theme as t\nt.share_navigation = lambda env: None\n"
    shared = _same_site(tmp_path, project, _from(999), _from(999) + each)
    page = shared["case-studies/page/2/index.html"].decode()
    assert page.count('class="md-nav__link"') > 5  # the navigation is there


@pytest.mark.parametrize("beside", [True, False])
def test_a_page_of_the_bank_lets_go_of_its_html_and_contents_once_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, beside: bool
) -> None:
    # MkDocs keeps every page until the build ends; a big bank's pages (a case study's, and
    # those that list case studies) are read no more once written, so they are let go of.
    from evidence_bank.mkdocs_plugin.plugin import EvidenceBankPlugin

    monkeypatch.setenv("EB_BACKGROUND_FROM", "1" if beside else "999")
    project = _project(tmp_path, count=60)
    seen = []
    on_env = EvidenceBankPlugin.on_env

    def spy(self: EvidenceBankPlugin, env: object, /, **kwargs: Any) -> object:
        seen.append(kwargs["files"])
        return on_env(self, env, **kwargs)

    monkeypatch.setattr(EvidenceBankPlugin, "on_env", spy)
    plugin = built_plugin(project)
    assert (plugin.session.stats.background is not None) is beside
    pages = {file.src_uri: file.page for file in seen[0].documentation_pages()}
    made = [src_uri for src_uri in pages if src_uri.startswith("case-studies/")]
    assert len(made) == 62  # 60 case studies and the list's two pages.
    assert all(pages[uri].content is None and not pages[uri].toc.items for uri in made)
    assert pages["index.md"].content  # An authored page as MkDocs leaves it.
