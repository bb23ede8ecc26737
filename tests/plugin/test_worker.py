"""What makes a large build faster changes nothing in the site: the worker process of `mkdocs
build` (mkdocs_plugin/worker.py) makes what the build makes without it, and its failures fail
the build; lists of case studies set aside from the markdown MkDocs reads come back unchanged."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from evidence_bank.core import catalog as catalog_module
from evidence_bank.core import render
from evidence_bank.core import vocabulary as vocabulary_module
from evidence_bank.core.render import Renderer
from evidence_bank.core.site import Site
from evidence_bank.core.synthetic import write_bank
from evidence_bank.mkdocs_plugin.worker import Worker

from tests.helpers import build, build_alone, case_study, make_project


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


NO_FORK = "import os\ndel os.fork\n"
"""Python for `build_alone`: the build runs without the worker."""


def test_the_worker_makes_what_the_build_makes_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    project = _project(tmp_path)
    status, log = build_alone(project, tmp_path / "with")
    assert status == 0, log
    assert "worker process: 30 case-study shells and " in log
    status, log = build_alone(project, tmp_path / "without", before=NO_FORK)
    assert status == 0, log
    assert "worker process" not in log and "downloads written in" in log
    with_worker, without = _tree(tmp_path / "with"), _tree(tmp_path / "without")
    assert with_worker.keys() == without.keys()
    assert [path for path in with_worker if with_worker[path] != without[path]] == []
    # The downloads are all there, and none is left empty.
    assert len([path for path in with_worker if path.endswith("cite.bib")]) == 30
    assert b"" not in with_worker.values()


def test_the_workers_shells_and_files_are_the_renderers(tmp_path: Path) -> None:
    project = _project(tmp_path, count=12)
    vocabulary = vocabulary_module.load(vocabulary_module.default_path(), "v")
    bank = catalog_module.load(
        project / "case_studies", vocabulary, root=project, allow_synthetic=True
    )
    renderer = Renderer(bank, site=Site(url="https://bank.example.org/"))
    studies = list(bank.case_studies)
    site = tmp_path / "site"
    worker = Worker(renderer, studies, site, {})
    deadline = time.monotonic() + 60
    while not (worker.scratch / "report.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.lists() == renderer.list_html()
    assert any("eb-case" in piece for pieces in worker.lists().values() for piece in pieces)
    for study in studies:
        assert worker.shell(study) == renderer.case_study_shell(study)
    assert worker.shell(studies[0]) is None  # Handed over once; the build makes it if asked.
    expected = dict(renderer.downloads())
    done = worker.finish()
    assert (done.shells, done.files, done.clashes) == (12, len(expected), [])
    assert _tree(site) == expected
    assert not worker.scratch.exists()


@pytest.mark.parametrize("method", ["list_html", "downloads"])
def test_a_failing_worker_fails_the_build_with_its_reason(tmp_path: Path, method: str) -> None:
    # Only the worker makes the lists (first) and the downloads (last), so only it fails.
    broken = (
        "from evidence_bank.core.render import Renderer\n"
        "def broken(self, bank_wide=True):\n"
        "    raise OSError('the disk is full')\n"
        f"Renderer.{method} = broken\n"
    )
    status, log = build_alone(_project(tmp_path, count=3), tmp_path / "site", before=broken)
    assert status != 0
    assert "The worker process failed" in log
    assert "OSError: the disk is full" in log


@pytest.mark.parametrize("worker", [True, False], ids=["worker", "no worker"])
@pytest.mark.parametrize(
    "authored",
    ["id/cs-0100/index.html", "case-studies/minimal/cite.bib", "data/v1/case-studies.json"],
)
def test_a_download_may_not_overwrite_an_authored_file(
    tmp_path: Path, worker: bool, authored: str
) -> None:
    project = make_project(tmp_path, content={authored: "mine"})
    status, log = build_alone(project, tmp_path / "site", before="" if worker else NO_FORK)
    assert status != 0
    assert f"content/{authored} would be overwritten by the generated file {authored}" in log


def test_lists_set_aside_from_markdown_come_back_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 60 case studies: the list of case studies has a second page, which is sanitised.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    project = _project(tmp_path, count=60)
    status, log = build_alone(project, tmp_path / "set-aside")
    assert status == 0 and "worker process" in log, log
    # As a preview makes them: the lists made in the build's own process (no worker) and left
    # in the markdown that MkDocs reads.
    read = NO_FORK + (
        "from evidence_bank.core import render\n"
        "defer = render.defer_html\n"
        "render.defer_html = lambda md: (render.restore_html(*defer(md)), ())\n"
    )
    status, log = build_alone(project, tmp_path / "read", before=read)
    assert status == 0 and "worker process" not in log, log
    set_aside, read_by_markdown = _tree(tmp_path / "set-aside"), _tree(tmp_path / "read")
    assert set_aside.keys() == read_by_markdown.keys()
    assert [path for path in set_aside if set_aside[path] != read_by_markdown[path]] == []
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
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A forked child of a process with other threads can deadlock: such a build does the
    # worker's work itself.
    project = _project(tmp_path, count=5)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            build(project)
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            failures.append(error)

    with caplog.at_level(logging.INFO):
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    assert failures == []
    assert "worker process" not in caplog.text and "downloads written in" in caplog.text
    assert len(list((project / "site").rglob("cite.bib"))) == 5


def test_a_case_study_may_be_called_like_the_workers_own_files(tmp_path: Path) -> None:
    names = ("lists", "report", "error", "0")
    project = make_project(
        tmp_path,
        {
            f"{name}.md": case_study(body=f"The story of {name}.\n").replace(
                "id: cs-0100", f"id: cs-01{number:02d}"
            )
            for number, name in enumerate(names)
        },
    )
    site = tmp_path / "site"
    status, log = build_alone(project, site)
    assert status == 0 and "worker process" in log, log
    for name in names:
        page = (site / "case-studies" / name / "index.html").read_text(encoding="utf-8")
        assert f"The story of {name}." in page
    assert 'class="eb-case"' in (site / "case-studies" / "index.html").read_text(encoding="utf-8")
