"""`mkdocs serve` watches case_studies/, which lives outside docs_dir."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.helpers import MINIMAL, make_project


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


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
        server.terminate()
        server.wait(timeout=10)


def _preview(project: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "evidence_bank.cli.preview",
                "case_studies/" + sorted(p.name for p in (project / "case_studies").iterdir())[0],
                "--dev-addr",
                f"127.0.0.1:{port}",
            ],
            cwd=project,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "EB_ROOT": str(project)},
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
        server.terminate()
        server.wait(timeout=10)


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
    log = tmp_path / "serve.log"
    server = _preview(project, port, log)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/case-studies/first/", "The first case study")
        time.sleep(0.5)
        (project / "case_studies" / "first.md").write_text(
            studies["first.md"].replace("The first case study", "The edited case study"),
            encoding="utf-8",
        )
        _wait_for(f"{base}/case-studies/first/", "The edited case study")
        _wait_for(f"{base}/case-studies/", "The edited case study")
        assert "The second case study" in _get(f"{base}/case-studies/second/")
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text(encoding="utf-8")
    made = [line for line in text.splitlines() if "pages made again" in line]
    assert len(made) >= 2, text
    again, total = (int(n) for n in made[-1].split("evidence_bank: ")[1].split()[0:3:2])
    assert 1 <= again < total, made[-1]
    assert "Aborted" not in text and "dirty" not in text, text
