"""`mkdocs serve` watches case_studies/, which lives outside docs_dir; `./scripts/preview` shows
each save of a case study, kept anywhere, and a saved mistake in the browser."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from evidence_bank.core.preview import Preview

from tests.helpers import MINIMAL, interruptible, make_project


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server as Ctrl+C does, so that it removes its scratch folders (a SIGTERM ends it
    at once)."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise


def _get(url: str) -> str:
    """The page at `url` (an error page too), within 5 s."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return str(error.read().decode("utf-8"))


def _wait_for(url: str, words: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if words in last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{words!r} not served at {url} within {seconds} s")


def test_an_edited_case_study_is_rebuilt_and_served(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    port = _free_port()
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    assert mkdocs
    server = subprocess.Popen(
        [mkdocs, "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        preexec_fn=interruptible,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/case-studies/minimal/"
        _wait_for(url, "A minimal case study")
        time.sleep(0.5)  # let the watcher settle before the edit
        (project / "case_studies" / "minimal.md").write_text(
            MINIMAL.replace("A minimal case study", "An edited case study"), encoding="utf-8"
        )
        _wait_for(url, "An edited case study")
    finally:
        _stop(server)


def _preview(
    project: Path, port: int, log: Path, draft: Path | None = None, stats: Path | None = None
) -> subprocess.Popen[bytes]:
    """`./scripts/preview` of `draft` (or the first case study); with `stats`, the plugin
    writes each rebuild's figures there."""
    first = sorted(p.name for p in (project / "case_studies").iterdir())[0]
    with log.open("w") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "evidence_bank.cli.preview",
                str(draft or f"case_studies/{first}"),
                "--dev-addr",
                f"127.0.0.1:{port}",
            ],
            cwd=project,
            preexec_fn=interruptible,
            env={
                **os.environ,
                "NO_MKDOCS_2_WARNING": "1",
                "EB_ROOT": str(project),
                "EB_BUILD_STATS": str(stats or ""),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_the_preview_makes_pages_again_when_a_template_changes(tmp_path: Path) -> None:
    """What the preview keeps between rebuilds is made again when a template changes."""
    project = make_project(tmp_path, plugin={"templates": "overrides"})
    (project / "overrides").mkdir()
    rung = project / "overrides" / "rung.md"
    rung.write_text("<h1>Custom {{ term.label }} one</h1>\n", encoding="utf-8")
    port = _free_port()
    server = _preview(project, port, tmp_path / "serve.log")
    try:
        url = f"http://127.0.0.1:{port}/ladder/co-design/"
        _wait_for(url, "Custom Co-design one")
        time.sleep(0.5)
        rung.write_text("<h1>Custom {{ term.label }} two</h1>\n", encoding="utf-8")
        _wait_for(url, "Custom Co-design two")
    finally:
        _stop(server)


def test_the_preview_makes_again_only_what_an_edit_changes(tmp_path: Path) -> None:
    """`./scripts/preview` serves with `--dirty`: after an edit, the case study's page and the
    lists showing it are made again, and not the other pages; a strict site stays strict."""
    studies = {
        f"{name}.md": MINIMAL.replace("cs-0100", f"cs-010{n}").replace(
            "A minimal case study", f"The {name} case study"
        )
        for n, name in enumerate(["first", "second", "third"], 1)
    }
    project = make_project(tmp_path, studies, config={"strict": True})
    port = _free_port()
    log, stats = tmp_path / "serve.log", tmp_path / "stats.json"
    server = _preview(project, port, log, stats=stats)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/case-studies/first/", "The first case study")
        first = json.loads(stats.read_text(encoding="utf-8"))
        assert first["pages_made"] == first["pages"]
        # The second case study lists the first among related ones.
        assert "The first case study" in _get(f"{base}/case-studies/second/")
        time.sleep(0.5)
        (project / "case_studies" / "first.md").write_text(
            studies["first.md"].replace("The first case study", "The edited case study"),
            encoding="utf-8",
        )
        _wait_for(f"{base}/case-studies/first/", "The edited case study")
        again = json.loads(stats.read_text(encoding="utf-8"))
        # Everything that shows the edit is up to date: lists, related case studies, data.
        _wait_for(f"{base}/case-studies/", "The edited case study")
        _wait_for(f"{base}/case-studies/second/", "The edited case study")
        _wait_for(f"{base}/data/v1/case-studies.json", "The edited case study")
        _wait_for(f"{base}/feeds/case-studies.xml", "The edited case study")
        _wait_for(f"{base}/case-studies/first/cite.bib", "The edited case study")
        assert "The third case study" in _get(f"{base}/case-studies/third/")
    finally:
        _stop(server)
    text = log.read_text(encoding="utf-8")
    assert 3 <= again["pages_made"] < again["pages"] == first["pages"], again
    assert "Aborted" not in text and "dirty" not in text, text


def test_a_draft_kept_anywhere_shows_each_save_and_each_mistake(tmp_path: Path) -> None:
    """A draft outside case_studies/: an edit saved in place, and one saved as editors do (a new
    file renamed over the draft), each show within seconds; a saved mistake shows in the page,
    naming the file, line and field, and the page is answered, not kept waiting; the same
    mistake saved again shows again, and a strict site builds once it is fixed, however often
    the browser asked for the failure page meanwhile."""
    project = make_project(tmp_path, config={"strict": True})
    draft = tmp_path / "drafts" / "draft.md"
    draft.parent.mkdir()
    (draft.parent / "notes.txt").write_text("Another file in the same folder.\n")

    def save(title: str) -> None:
        draft.write_text(
            MINIMAL.replace("cs-0100", "cs-0200").replace("A minimal case study", title),
            encoding="utf-8",
        )

    save("The first draft")
    port = _free_port()
    log = tmp_path / "serve.log"
    server = _preview(project, port, log, draft)
    url = f"http://127.0.0.1:{port}/case-studies/draft/"
    seconds = {}
    try:
        _wait_for(url, "The first draft")
        time.sleep(0.5)  # let the watcher settle before the edit
        started = time.monotonic()
        save("The draft edited in place")
        _wait_for(url, "The draft edited in place", 5)
        seconds["in place"] = time.monotonic() - started

        time.sleep(0.5)
        started = time.monotonic()
        saved = draft.with_name(".draft.md.tmp")
        saved.write_text(
            MINIMAL.replace("cs-0100", "cs-0200").replace("A minimal case study", "Renamed draft"),
            encoding="utf-8",
        )
        os.replace(saved, draft)
        _wait_for(url, "Renamed draft", 5)
        seconds["renamed over"] = time.monotonic() - started

        time.sleep(0.5)
        (draft.parent / "notes.txt").write_text("Changed.\n")  # not the draft: no rebuild
        save("“Broken: a draft”")
        page = _wait_for(url, "could not be built", 10)
        assert f"{draft}:3: title: the text in curly quotes" in page, page
        assert "not quotes to YAML" in page
        # Answered at once, as every page is, until a save fixes the draft.
        started = time.monotonic()
        assert "could not be built" in _get(f"http://127.0.0.1:{port}/case-studies/")
        assert time.monotonic() - started < 2
        save("The draft fixed")
        _wait_for(url, "The draft fixed", 5)

        time.sleep(0.5)
        save("“Broken: a draft”")  # The same mistake again: named again.
        page = _wait_for(url, "could not be built", 10)
        assert f"{draft}:3: title: the text in curly quotes" in page, page
        save("The draft fixed again")
        _wait_for(url, "The draft fixed again", 5)
    finally:
        _stop(server)
    print("edit to preview:", ", ".join(f"{how} {s:.2f} s" for how, s in seconds.items()))
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text, text
    assert text.count("Detected file changes") == 6, text


def test_the_failure_page_escapes_problems_and_names_the_file_edited() -> None:
    preview = Preview()
    preview.real_names = {"case_studies/draft.md": "/home/me/draft.md"}
    page = preview.failure_page(
        ["2 problems:\ncase_studies/draft.md:3: title: the markup character '<'", "x <script>"]
    ).decode()
    preview.close()
    assert "/home/me/draft.md:3: title: the markup character &#x27;&lt;&#x27;" in page
    assert "<script>" not in page.split("<pre>")[1].split("</pre>")[0]


def test_a_preview_rebuild_keeps_the_pages_of_the_case_studies_it_does_not_make_again(
    tmp_path: Path,
) -> None:
    # MkDocs makes a `Page` only for a file without one: a case study the edit did not change
    # keeps its file and page from the last rebuild (not rendered again); the one edited gets
    # new ones, and its page says what was saved.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    other = (  # Shares neither rung nor principle with the edited one: not related to it.
        MINIMAL.replace("cs-0100", "cs-0101")
        .replace("A minimal case study", "Another case study")
        .replace("co-design", "informing")
        .replace("valuing-people", "reciprocal-recognition")
    )
    project = make_project(tmp_path, {"minimal.md": MINIMAL, "other.md": other})
    site = tmp_path / "site"

    def rebuild() -> dict[str, Any]:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
        return {uri: (file, file.page) for uri, file in plugin.session.preview.kept.items()}

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    plugin = config.plugins["evidence-bank"]
    try:
        first = rebuild()
        study = project / "case_studies" / "minimal.md"
        study.write_text(
            MINIMAL.replace("A minimal case study", "An edited case study"), encoding="utf-8"
        )
        second = rebuild()
    finally:
        config.plugins.on_shutdown()
    assert second["case-studies/other.md"] == first["case-studies/other.md"]
    assert second["case-studies/other.md"][0] is first["case-studies/other.md"][0]
    assert second["case-studies/minimal.md"][0] is not first["case-studies/minimal.md"][0]
    assert second["case-studies/minimal.md"][0].modified
    assert not second["case-studies/other.md"][0].modified
    page = (site / "case-studies" / "minimal" / "index.html").read_text(encoding="utf-8")
    assert "An edited case study" in page


def test_a_rebuild_stops_the_last_ones_downloads_and_writes_what_they_had_not() -> None:
    # A save made while the last rebuild's downloads are still being written is previewed at
    # once: the writing stops at the next file, and the new rebuild writes what it missed.
    preview = Preview()
    written: list[str] = []
    first_written, go_on = threading.Event(), threading.Event()

    def write(changed: Any) -> None:
        for name in ("open-data.json", "feed.xml", "cite.bib"):
            if changed(name, b"made"):
                written.append(name)
            first_written.set()
            assert go_on.wait(10)

    preview.write_later(write)
    assert first_written.wait(10)
    rebuild = threading.Thread(target=preview.begin)
    rebuild.start()
    while not preview.building:
        time.sleep(0.01)
    go_on.set()
    rebuild.join(10)
    assert written == ["open-data.json"]
    preview.end()
    preview.write_later(write)
    preview.close()
    assert written == ["open-data.json", "feed.xml", "cite.bib"]


@pytest.mark.parametrize("version", ["installed", "2.0.0"])
def test_change_notices_replace_polling_only_on_known_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    # The preview reaches into MkDocs' live-reload server (its private watch records) on the
    # versions it knows; on any other it leaves the server polling, as MkDocs made it.
    import mkdocs
    from evidence_bank.mkdocs_plugin.preview import notice_changes_at_once
    from mkdocs.livereload import LiveReloadServer

    if version != "installed":
        monkeypatch.setattr(mkdocs, "__version__", version)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        server.watch(str(tmp_path))
        polling = server.observer
        swapped = notice_changes_at_once(server)
        assert swapped is (version == "installed")
        if swapped:
            assert server.observer is not polling
            assert "polling" not in type(server.observer).__mro__[1].__module__
            # The paths watched before are watched by the new observer.
            assert [watch.path for watch in server.observer._watches] == [str(tmp_path)]
        else:
            assert server.observer is polling
    finally:
        server.server_close()
