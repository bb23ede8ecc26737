"""The plugin in someone else's MkDocs site: installed from its wheel into a fresh Material
site with one case study and no configuration of ours; and on a system without `resource` or
`os.fork` (Windows), where it builds in one process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import rispy

from tests.helpers import MINIMAL, ROOT, build_alone, make_project

pytestmark = pytest.mark.build

SITE_NAME = "Anytown's evidence: co-production"
SITE_URL = "https://evidence.anytown.gov.uk/bank/"


def _pip(*args: str | Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--quiet", *map(str, args)], check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin's wheel, built from this checkout and installed into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # setuptools builds in the source folder: not in this checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "plugins",
        source / "plugins",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    _pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", work / "dist", source)
    (wheel,) = (work / "dist").glob("evidence_bank-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [
            line for line in archive.read(metadata).decode().splitlines() if "Requires-Dist" in line
        ]
    # What the default configuration needs comes with the package.
    assert any("pagefind[bin]" in line.replace(" ", "") for line in requires), requires
    _pip("install", "--no-deps", "--target", work / "lib", wheel)
    return work / "lib"


def test_a_fresh_material_site_gets_every_page_asset_and_citation(
    installed: Path, tmp_path: Path
) -> None:
    project = tmp_path / "their-site"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Our evidence\n", encoding="utf-8")
    (project / "case_studies").mkdir()
    (project / "case_studies" / "one.md").write_text(MINIMAL, encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        json.dumps(
            {
                "site_name": SITE_NAME,
                "site_url": SITE_URL,
                "theme": {"name": "material"},
                "plugins": ["evidence-bank"],
            }
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(installed), "NO_MKDOCS_2_WARNING": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import evidence_bank; print(evidence_bank.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(installed))  # the wheel's copy, not this checkout
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = (site / "case-studies" / "one" / "index.html").read_text("utf-8")
    assert "A minimal case study" in page
    assert "assets/evidence-bank/evidence-bank.css" in page  # the bank's styles
    assert 'class="md-skip eb-skip"' in page  # the theme additions
    search = (site / "search" / "index.html").read_text("utf-8")
    assert "assets/evidence-bank/search.js" in search
    assert (site / "assets" / "evidence-bank" / "search.js").stat().st_size > 1000
    assert (site / "pagefind" / "pagefind.js").is_file()
    ris = rispy.loads((site / "case-studies" / "one" / "cite.ris").read_text("utf-8"))[0]
    assert ris["urls"] == [f"{SITE_URL}id/cs-0100/"]
    assert ris["authors"] == [SITE_NAME] and ris["publisher"] == SITE_NAME
    assert "Co-production Evidence Bank" not in page


HIDE_UNIX = """
import os, sys
sys.modules["resource"] = None  # `import resource` now fails, as on Windows
for name in ("fork", "wait4", "register_at_fork"):
    if hasattr(os, name):
        delattr(os, name)
"""
MAC = """
import sys
import evidence_bank.mkdocs_plugin.plugin  # imported as on Linux: the standard library's modules
import mkdocs.commands.build  # choose what to import by platform
sys.platform = "darwin"  # fork exists, but is not safe to use
"""


@pytest.mark.parametrize("system", [HIDE_UNIX, MAC], ids=["windows", "macos"])
def test_it_builds_in_one_process_where_forking_is_unsafe(tmp_path: Path, system: str) -> None:
    project = make_project(tmp_path, {"one.md": MINIMAL})
    stats = tmp_path / "stats.json"
    # The second process would be used from one case study, where forking is safe.
    before = (
        f"import os\nos.environ.update(EB_BACKGROUND_FROM='1', EB_BUILD_STATS={str(stats)!r})\n"
    )
    status, log = build_alone(project, tmp_path / "site", before=before + system)
    assert status == 0, log
    figures = json.loads(stats.read_text(encoding="utf-8"))
    assert figures["case_studies"] == 1
    assert figures["background"] is None  # everything made in the build's process
    if system == HIDE_UNIX:
        assert figures["peak_mb"] is None and figures["search_peak_mb"] is None
    assert (tmp_path / "site" / "case-studies" / "one" / "cite.bib").is_file()
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()
