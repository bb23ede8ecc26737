"""Shared test helpers: file-tree fixtures and real builds in temporary folders."""

from __future__ import annotations

import signal
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = ROOT / "plugins" / "evidence_bank" / "vocabulary.yml"

MINIMAL = """\
---
id: cs-0100
title: A minimal case study
summary: Only the required fields.
rung: co-design
principles: [valuing-people]
evidence: {strength: described, reason: Told by the people who did the work.}
rung_basis: judged
---

The story.
"""
"""A case study with only the required fields; line 2 is `id`, line 3 `title`, ..., line 7
`evidence`, line 8 `rung_basis`."""


def case_study(front: str = "", body: str = "The story.\n", *, base: bool = True) -> str:
    """A case-study file: the minimal required fields (unless `base=False`) plus `front`."""
    lines = MINIMAL.split("---")[1].strip("\n") + "\n" if base else ""
    return f"---\n{lines}{textwrap.dedent(front)}---\n\n{body}"


def make_project(
    tmp_path: Path,
    case_studies: dict[str, str | bytes] | None = None,
    *,
    content: dict[str, str] | None = None,
    plugin: dict[str, object] | None = None,
    config: dict[str, object] | None = None,
) -> Path:
    """Write a small site (mkdocs.yml, content/, case_studies/) and return its folder."""
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    studies = project / "case_studies"
    studies.mkdir()
    for name, text in (
        case_studies if case_studies is not None else {"minimal.md": MINIMAL}
    ).items():
        target = studies / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    for name, text in {"index.md": "# Home\n", **(content or {})}.items():
        target = project / "content" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    settings: dict[str, object] = {
        "site_name": "Test bank",
        "site_url": "https://bank.example.org/",
        "docs_dir": "content",
        "theme": {"name": "material", "font": False},
        "plugins": [{"evidence-bank": {"vocabulary": str(VOCABULARY), **(plugin or {})}}],
        **(config or {}),
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return project


def build(project: Path, *, site_dir: Path | None = None) -> Path:
    """Build `project` in this process with MkDocs, strict; return the site folder."""
    site = site_dir or project / "site"
    built_plugin(project, site_dir=site)
    return site


def built_plugin(project: Path, *, site_dir: Path | None = None) -> Any:
    """Build `project` in this process with MkDocs, strict; return the evidence-bank plugin,
    whose `session.stats` are the build's figures."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = site_dir or project / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return config.plugins["evidence-bank"]


def build_error(project: Path) -> str:
    """Build `project`, expecting it to fail; return what MkDocs logged as errors."""
    import logging

    from mkdocs.exceptions import Abort

    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                records.append(record)

    handler = Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build(project)
    except Abort:
        pass
    else:
        raise AssertionError("the build succeeded; it should have failed")
    finally:
        logger.removeHandler(handler)
    return "\n".join(record.getMessage() for record in records)


def cli_build(tool: str, project: Path, site: Path, *, strict: bool = True) -> None:
    """Build with the `mkdocs` or `properdocs` command, as a contributor would, reproducibly."""
    import os
    import shutil
    import subprocess
    import sys

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764000000", "NO_MKDOCS_2_WARNING": "1"}
    executable = shutil.which(tool, path=str(Path(sys.executable).parent))
    assert executable, tool
    # Compat: not -q, under which a strict build stops counting warnings and passes (mkdocs
    # issue 4126); the output is kept, and shown if the build fails.
    result = subprocess.run(
        [
            executable,
            "build",
            *(["--strict"] if strict else []),
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        check=False,
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"{tool} build failed:\n{result.stdout}{result.stderr}"


def build_alone(project: Path, site: Path, *, before: str = "") -> tuple[int, str]:
    """Build `project` with MkDocs in a Python process of its own, as `mkdocs build` runs it:
    with no other thread, so the plugin may fork its worker (a test process may run a server
    thread for the browser tests). `before` is Python run first, to change something on
    purpose. Returns the exit status and what was logged."""
    import os
    import subprocess
    import sys

    code = before + textwrap.dedent(
        f"""
        import logging
        from pathlib import Path
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
        from tests.helpers import build
        build(Path({str(project)!r}), site_dir=Path({str(site)!r}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stderr


def _cbor(data: bytes, at: int = 0) -> tuple[object, int]:
    """The CBOR item at `at` in `data` and where it ends: the kinds Pagefind's index uses."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    else:
        width = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        value, at = int.from_bytes(data[at : at + width], "big"), at + width
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        raw = data[at : at + value]
        return (raw.decode("utf-8") if major == 3 else raw), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, at = _cbor(data, at)
            mapping[key], at = _cbor(data, at)
        return mapping, at
    raise ValueError(f"CBOR major type {major} is not expected in a Pagefind index")


def read_pagefind(read: Callable[[str], bytes]) -> dict[str, Any]:
    """What a Pagefind bundle holds for a search, from `read(path in the bundle)`, by the pages'
    addresses rather than Pagefind's page numbers (which follow the order it found the files
    in) and with the orders Pagefind makes at random put in order (upstream
    Pagefind/pagefind#638): each page's word count and fragment (JSON), each word's pages and
    positions, each filter value's pages, each sort's order."""
    import gzip
    import json

    def unpack(path: str) -> Any:
        data = gzip.decompress(read(path))
        assert data.startswith(b"pagefind_dcd"), path
        data = data[len(b"pagefind_dcd") :]
        return json.loads(data) if path.endswith(".pf_fragment") else _cbor(data)[0]

    entry = json.loads(read("pagefind-entry.json"))
    (language,) = entry["languages"].values()
    _, pages, chunks, filters, sorts, meta_keys = unpack(f"pagefind.{language['hash']}.pf_meta")
    fragments = [unpack(f"fragment/{name}.pf_fragment") for name, _ in pages]
    urls = [fragment["url"] for fragment in fragments]
    words = {}
    for _, _, name in chunks:
        for word, *found in unpack(f"index/{name}.pf_index")[0]:
            number, on_pages = 0, []
            for step, *positions in found[0]:  # page numbers, each as a step from the last
                number += step
                on_pages.append((urls[number], positions))
            words[word] = (sorted(on_pages), found[1:])
    filter_values = {}
    for _, name in filters:
        filter_name, values = unpack(f"filter/{name}.pf_filter")
        filter_values[filter_name] = {
            value: sorted(urls[number] for number in numbers) for value, numbers in values
        }
    return {
        "page_count": language["page_count"],
        "pages": {
            url: (count, f) for url, (_, count), f in zip(urls, pages, fragments, strict=True)
        },
        "words": words,
        "filters": filter_values,
        "sorts": {name: [urls[number] for number in order] for name, order in sorts},
        "meta": meta_keys,
    }


def interruptible() -> None:
    """For `subprocess.Popen(preexec_fn=...)`: Ctrl+C (SIGINT) stops the child as a terminal
    delivers it. A program started from a background job (CI, or `./scripts/test &`) would
    otherwise inherit an ignored SIGINT, and Python leaves an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
