"""A contributor's first case study, played end to end in a scratch copy of the project, with
the repository's own scripts and the commands its GitHub workflows run: scaffold, fill in,
validate, the pull request's strict build, the deploy on main (which records the new
addresses), then a removal that must fail naming every address it would break."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT

pytestmark = pytest.mark.slow

LOCK = Path("plugins") / "evidence_bank" / "urls.lock"
REAL_ADDRESS = "https://myorg.github.io/evidence-bank/"


def _step(workflow: str, name: str) -> dict[str, Any]:
    """The step called `name` in `.github/workflows/<workflow>`."""
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text("utf-8"))["jobs"]
    for job in jobs.values():
        for step in job.get("steps", []):
            if step.get("name") == name:
                return dict(step)
    raise AssertionError(f"{workflow} has no step {name!r}")


def _run_step(
    project: Path, workflow: str, name: str, **github: str
) -> subprocess.CompletedProcess[str]:
    """Run a workflow step's script in `project` as the runner would: with its `env:`, where
    each `${{ ... }}` expression takes the value given in `github` (or is left empty)."""
    step = _step(workflow, name)
    env = _environment()
    for key, value in (step.get("env") or {}).items():
        expression = re.fullmatch(r"\$\{\{\s*(.+?)\s*\}\}", str(value))
        env[key] = github.get(key, "") if expression else str(value)
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EB_", "PYTEST", "SOURCE_DATE"))
    }
    env["EB_VENV"] = str(Path(sys.executable).parent.parent)
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def _script(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(project / "scripts" / command[0]), *command[1:]],
        cwd=project,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project as a contributor's fork holds it."""
    copy = tmp_path / "fork"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "site", "test-artifacts", "node_modules", "*_cache", "__pycache__"
        ),
    )
    return copy


def test_a_first_case_study_needs_no_step_beyond_the_format(project: Path) -> None:
    lock_before = (project / LOCK).read_text("utf-8")

    # 1. Scaffold, as the README and the "Add a case study" page say.
    made = _script(
        project,
        "new-case-study",
        "--title",
        "Community transport designed with its passengers",
        "--summary",
        "Passengers and drivers planned the new routes together with the council.",
        "--rung",
        "co-design",
        "--principles",
        "valuing-people",
        "--rung-basis",
        "judged",
        "--evidence-strength",
        "described",
        "--evidence-reason",
        "The council's own account of the work; nobody else has checked it.",
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "lock-urls" not in made.stdout + made.stderr  # nothing to do about the lock
    path = project / "case_studies" / "community-transport-designed-with-its-passengers.md"
    new_id = re.search(r"with id (cs-\d+)", made.stdout)
    assert path.is_file() and new_id, made.stdout
    slug, ident = path.stem, new_id.group(1)

    # 2. Fill in the story, as a contributor would in any editor.
    text = path.read_text("utf-8")
    path.write_text(
        text.rstrip("\n")
        + "\n\n## What happened\n\nPassengers met the drivers and the council each month.\n",
        encoding="utf-8",
    )

    # 3. Validate, then the pull request's strict build, exactly as its workflow runs them.
    checked = _script(project, "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = _run_step(project, "pull-request.yml", "Build the site (strict)")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (project / "site" / "case-studies" / slug / "index.html").is_file()
    assert (project / LOCK).read_text("utf-8") == lock_before  # the contributor's lock: untouched
    assert f"/case-studies/{slug}/" in built.stderr  # the log says what is new

    # 4. Merged: the deploy on main builds with the real address and records the addresses.
    deployed = _run_step(
        project,
        "deploy.yml",
        "Build the site (strict) and add its new addresses to the URL lock",
        PAGES_URL=REAL_ADDRESS.rstrip("/"),
    )
    assert deployed.returncode == 1, "the placeholder address must not be published"
    assert "site_url" in deployed.stdout + deployed.stderr
    assert REAL_ADDRESS in deployed.stdout  # the hint names this repository's Pages address
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text("utf-8").replace("https://evidence-bank.example.org/", REAL_ADDRESS),
        encoding="utf-8",
    )
    deployed = _run_step(
        project,
        "deploy.yml",
        "Build the site (strict) and add its new addresses to the URL lock",
        PAGES_URL=REAL_ADDRESS.rstrip("/"),
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    locked = (project / LOCK).read_text("utf-8")
    assert locked.startswith(lock_before)  # appended, nothing changed
    assert f"/case-studies/{slug}/\n" in locked and f"/id/{ident}/\n" in locked
    cite = (project / "site" / "case-studies" / slug / "cite.ris").read_text("utf-8")
    assert f"UR  - {REAL_ADDRESS}id/{ident}/" in cite

    # 5. A later pull request deletes the file: its build fails naming every lost address.
    path.unlink()
    broken = _run_step(project, "pull-request.yml", "Build the site (strict)")
    assert broken.returncode != 0
    for url in (f"/case-studies/{slug}/", f"/id/{ident}/", f"/case-studies/{slug}/cite.bib"):
        assert f"{url} was published (it is in the URL lock)" in broken.stderr, url
    assert "Traceback" not in broken.stdout + broken.stderr
