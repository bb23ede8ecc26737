"""The issue route: a "Propose a case study" issue becomes a pull request's branch.

The converter's wording (the form's labels, never the personal data refused), then
`./scripts/issue-to-pull-request` against a bare repository standing in for GitHub.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from evidence_bank.cli import proposal as proposal_cli
from evidence_bank.core import catalog, frontmatter, issue_form, validate
from evidence_bank.core import vocabulary as vocabulary_module
from evidence_bank.core.model import CaseStudy

from tests.helpers import MINIMAL, ROOT, VOCABULARY

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "issue-valid.md").read_text(encoding="utf-8")
PUBLISHED = dt.date(2026, 5, 1)
PHONE = "07700 900123"
EMAIL = "jo.bloggs@example.com"


@pytest.fixture(scope="module")
def vocab() -> vocabulary_module.Vocabulary:
    return vocabulary_module.load(VOCABULARY)


def answer(body: str, label: str, text: str) -> str:
    """`body` with the answer to the question `label` replaced by `text`."""
    pattern = re.compile(rf"(^### {re.escape(label)}\n\n)(.*?)(?=\n\n### |\Z)", re.S | re.M)
    assert pattern.search(body), label
    return pattern.sub(lambda m: m.group(1) + text, body, count=1)


def convert(body: str, vocab: vocabulary_module.Vocabulary) -> issue_form.Proposal:
    return issue_form.to_case_study(body, vocab, new_id="cs-0099", published=PUBLISHED)


def study_of(result: issue_form.Proposal, vocab: vocabulary_module.Vocabulary) -> CaseStudy:
    assert result.text is not None, result.problems
    front = frontmatter.read(result.text.encode(), "x.md")
    assert isinstance(front, frontmatter.FrontMatter), front
    study = validate.validate(front, "x.md", result.slug, vocab)
    assert not isinstance(study, list), study
    return study


# -- the converter: dates, the form's wording, no personal data repeated ---------------------


def test_the_published_date_is_the_one_given(vocab: vocabulary_module.Vocabulary) -> None:
    study = study_of(convert(VALID, vocab), vocab)
    assert study.published == "2026-05-01"
    later = issue_form.to_case_study(VALID, vocab, new_id="cs-0099", published=dt.date(2027, 1, 2))
    assert "\npublished: '2027-01-02'\n" in (later.text or "")


def test_the_valid_half_of_a_period_is_kept(vocab: vocabulary_module.Vocabulary) -> None:
    body = answer(answer(VALID, "When it started", "2019-04"), "When it ended", "March 2021")
    result = convert(body, vocab)
    study = study_of(result, vocab)
    assert (study.period_start, study.period_end) == ("2019-04", None)
    assert result.problems == [
        "When it ended: 'March 2021'; expected a date written YYYY-MM-DD, YYYY-MM or YYYY (for "
        "example 2017-12), so this answer was left out."
    ]


def test_problems_are_named_as_the_form_names_them(vocab: vocabulary_module.Vocabulary) -> None:
    body = answer(
        VALID,
        "Sources",
        "Café review | Example Town Council | 2025\n\nMinutes | Example Mind | 2024 | not-a-url",
    )
    body = answer(body, "When it ended", "2019-13")
    result = convert(body, vocab)
    study = study_of(result, vocab)
    assert [s.title for s in study.sources] == ["Café review", "Minutes"]
    assert study.sources[1].url is None
    joined = "\n".join(result.problems)
    assert "\nSources, line 3 (web address): 'not-a-url'; expected a web address" in joined
    assert "When it ended: '2019-13', which is not a date in the calendar" in joined
    for internal in ("period.", "sources[", "place:", "'period'"):
        assert internal not in joined


@pytest.mark.parametrize(
    ("label", "text", "named"),
    [
        ("Place", f"Example Town, call {PHONE}", "Place: contains a UK phone number"),
        ("Place", f"Example Town, write to {EMAIL}", "Place: contains a personal email address"),
        ("When it started", PHONE, "When it started: contains a UK phone number"),
        # Too long to be quoted whole: the start of the number must not be shown either.
        ("When it started", "A" * 52 + " " + PHONE, "When it started: contains a UK phone"),
        ("The story", f"Call <b>Jo</b> on {PHONE}.", "The story: contains a UK phone number"),
        (
            "Checklist 2: Have you undertaken any pre-engagement with partners or people "
            "impacted by your scheme?",
            f"Who and how many: 40, ask {EMAIL}\nOutcomes: Evening opening.",
            "Checklist 2: Have you undertaken any pre-engagement with partners or people "
            "impacted by your scheme? (Who and how many): contains a personal email address",
        ),
        (
            "UK nation",
            f"England {PHONE}",
            "UK nation: 'England [a UK phone number, not repeated here]' is not one",
        ),
    ],
)
def test_refused_personal_data_is_named_never_repeated(
    vocab: vocabulary_module.Vocabulary, label: str, text: str, named: str
) -> None:
    result = convert(answer(VALID, label, text), vocab)
    study_of(result, vocab)  # still a valid case study, without that answer
    reply = issue_form.reply(result, issue_form.Outcome.OPENED, branch="proposal/issue-1")
    assert any(problem.startswith(named) for problem in result.problems), result.problems
    for shown in (*result.problems, reply):
        assert PHONE not in shown and EMAIL not in shown
        assert "07700" not in shown and "bloggs" not in shown


def test_personal_data_in_a_required_answer_makes_no_file(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    body = answer(VALID, "Title", f"Café run by {EMAIL}")
    body = answer(body, "Organisations involved", f"Example Town Council\nCall {PHONE}\nMind")
    result = convert(body, vocab)
    assert result.text is None
    reply = issue_form.reply(result, issue_form.Outcome.NOT_CONVERTED)
    assert "- Title: contains a personal email address, which cannot be published" in reply
    assert "- Organisations involved, line 2: contains a UK phone number" in reply
    assert EMAIL not in reply and "07700" not in reply


def test_several_lines_of_one_list_are_left_out_together(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    body = answer(VALID, "Organisations involved", f"Council\nCall {PHONE}\nMind\nWrite to {EMAIL}")
    result = convert(body, vocab)
    assert study_of(result, vocab).organisations == ("Council", "Mind")
    assert [p.split(":")[0] for p in result.problems] == [
        "Organisations involved, line 2",
        "Organisations involved, line 4",
    ]


def test_a_file_name_never_takes_a_list_pages_address(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    assert convert(answer(VALID, "Title", "Data"), vocab).slug == "data-2"


def test_the_reply_shows_answers_as_text(vocab: vocabulary_module.Vocabulary) -> None:
    result = convert(answer(VALID, "UK nation", "[Atlantis](https://example.org) <b>"), vocab)
    reply = issue_form.reply(result, issue_form.Outcome.CONVERTED)
    assert "'\\[Atlantis\\](https://example.org) \\<b\\>' is not one of the options" in reply
    assert reply.startswith(issue_form.MARKER + "\n")


# -- ./scripts/issue-to-pull-request against a bare repository --------------------------------


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Maintainer", "-c", "user.email=m@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small bank pushed to a bare repository, `remote.git`, beside it. Its URL lock holds the
    address of a case study whose file has gone (cs-0150)."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    work = tmp_path / "work"
    (work / "case_studies").mkdir(parents=True)
    (work / "case_studies" / "minimal.md").write_text(MINIMAL, encoding="utf-8")
    (work / "mkdocs.yml").write_text(
        "plugins:\n  - evidence-bank:\n      url_lock: urls.lock\n", encoding="utf-8"
    )
    (work / "urls.lock").write_text("/id/cs-0100/\n/id/cs-0150/\n", encoding="utf-8")
    git(work, "init", "--quiet", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "A small bank")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "--quiet", "origin", "main")
    return work


def propose(
    project: Path, monkeypatch: pytest.MonkeyPatch, body: str, issue: int = 7
) -> tuple[int, Path]:
    """Run the tool as the workflow does; return its exit status and its output folder."""
    monkeypatch.setenv("EB_ROOT", str(project))
    monkeypatch.setenv("ISSUE_BODY", body)
    out = project.parent / f"out-{issue}"
    status = proposal_cli.main(
        ["--issue", str(issue), "--out", str(out), "--published", PUBLISHED.isoformat()]
    )
    return status, out


def remote_branches(project: Path) -> list[str]:
    return git(project.parent / "remote.git", "for-each-ref", "--format=%(refname:short)").split()


def branch_files(project: Path, branch: str) -> list[str]:
    """The files the branch's commits change against main."""
    return git(project.parent / "remote.git", "diff", "--name-only", "main", branch).split()


def test_a_valid_proposal_becomes_one_commit_on_its_own_branch(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    vocab: vocabulary_module.Vocabulary,
) -> None:
    status, out = propose(project, monkeypatch, VALID)
    assert status == 0
    remote = project.parent / "remote.git"
    assert remote_branches(project) == ["main", "proposal/issue-7"]
    assert git(remote, "rev-list", "--count", "main..proposal/issue-7") == "1"
    assert branch_files(project, "proposal/issue-7") == [
        "case_studies/example-town-peer-support-cafe.md"
    ]
    assert git(remote, "log", "-1", "--format=%an <%ae>", "proposal/issue-7") == (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    )
    # The file validates with the build's own checks, among the bank's other case studies.
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", "--branch", "proposal/issue-7", str(remote), str(checkout))
    checked, problems = catalog.check_folder(checkout / "case_studies", vocab, root=checkout)
    assert (checked, problems) == (2, [])
    text = (checkout / "case_studies" / "example-town-peer-support-cafe.md").read_text("utf-8")
    assert text.startswith("---\nid: cs-0151\n")  # after cs-0150, known only from the lock
    assert "\npublished: '2026-05-01'\n" in text
    # What the workflow posts.
    assert (out / "branch.txt").read_text() == "proposal/issue-7\n"
    assert (out / "pull-request-title.txt").read_text() == (
        "Case study: Example Town peer support café\n"
    )
    assert (out / "pull-request-body.md").read_text().startswith("Closes #7.\n")
    reply = (out / "reply.md").read_text()
    assert reply.startswith(issue_form.MARKER + "\nThank you. This proposal makes a valid case")
    assert "It is now a pull request, from the branch `proposal/issue-7`" in reply
    # The project's own checkout is untouched.
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "branch", "--show-current") == "main"


def test_an_edit_replaces_the_commit_on_the_same_branch(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = project.parent / "remote.git"
    propose(project, monkeypatch, VALID)
    first = git(remote, "rev-parse", "proposal/issue-7")
    edited = answer(VALID, "Title", "Example Town café, run together")
    status, out = propose(project, monkeypatch, edited)
    assert status == 0
    assert remote_branches(project) == ["main", "proposal/issue-7"]
    assert git(remote, "rev-parse", "proposal/issue-7") != first
    assert git(remote, "rev-list", "--count", "main..proposal/issue-7") == "1"
    # The new name replaces the old file; the id stays the one first given.
    assert branch_files(project, "proposal/issue-7") == [
        "case_studies/example-town-cafe-run-together.md"
    ]
    text = git(remote, "show", "proposal/issue-7:case_studies/example-town-cafe-run-together.md")
    assert text.startswith("---\nid: cs-0151\ntitle: Example Town café, run together\n")
    assert "Your edit updated the case study" in (out / "reply.md").read_text()
    assert (out / "branch.txt").is_file()  # the workflow edits the pull request it finds
    # The same answers again change nothing.
    second = git(remote, "rev-parse", "proposal/issue-7")
    status, out = propose(project, monkeypatch, edited)
    assert status == 0
    assert git(remote, "rev-parse", "proposal/issue-7") == second
    assert "already holds this version" in (out / "reply.md").read_text()


def test_a_shallow_checkout_works_as_the_workflows_does(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    remote = project.parent / "remote.git"
    git(project, "commit", "--quiet", "--allow-empty", "-m", "More history")
    git(project, "push", "--quiet", "origin", "main")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth=1", f"file://{remote}", str(shallow))
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "true"
    outcomes = []
    for body in (VALID, VALID, answer(VALID, "Place", "Example Town centre")):
        status, out = propose(shallow, monkeypatch, body)
        assert status == 0
        outcomes.append((out / "reply.md").read_text().split("\n")[1].split(".")[0])
    assert outcomes == [
        "Thank you",  # opened
        "The pull request from the branch `proposal/issue-7` already holds this version of "
        "the case study, `example-town-peer-support-cafe",
        "Thank you",  # updated
    ]
    assert git(remote, "rev-list", "--count", "main..proposal/issue-7") == "1"
    assert "Example Town centre" in git(
        remote, "show", "proposal/issue-7:case_studies/example-town-peer-support-cafe.md"
    )


def test_an_invalid_proposal_pushes_nothing_and_names_field_and_kind_only(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = answer(VALID, "Summary", "_No response_")
    body = answer(body, "Place", f"Example Town, call {PHONE}")
    body = answer(body, "Organisations involved", f"Example Town Council\n{EMAIL}")
    status, out = propose(project, monkeypatch, body)
    assert status == 0
    assert remote_branches(project) == ["main"]
    reply = (out / "reply.md").read_text()
    assert "We could not make a case study from this proposal yet" in reply
    assert "- Summary: this question needs an answer." in reply
    assert "- Place: contains a UK phone number" in reply
    assert "- Organisations involved, line 2: contains a personal email address" in reply
    assert PHONE not in reply and "07700" not in reply and EMAIL not in reply
    assert sorted(p.name for p in out.iterdir()) == ["reply.md"]


def test_an_edit_that_breaks_the_proposal_keeps_the_last_good_branch(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = project.parent / "remote.git"
    propose(project, monkeypatch, VALID)
    good = git(remote, "rev-parse", "proposal/issue-7")
    status, out = propose(project, monkeypatch, answer(VALID, "Title", "_No response_"))
    assert status == 0
    assert git(remote, "rev-parse", "proposal/issue-7") == good
    reply = (out / "reply.md").read_text()
    assert "- Title: this question needs an answer." in reply
    assert "keeps the last version that worked" in reply
    assert not (out / "branch.txt").exists()  # nothing for the workflow to change


def test_ids_and_names_do_not_clash_with_other_open_proposals(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = project.parent / "remote.git"
    propose(project, monkeypatch, VALID, issue=7)
    status, _ = propose(project, monkeypatch, VALID, issue=8)
    assert status == 0
    assert branch_files(project, "proposal/issue-8") == [
        "case_studies/example-town-peer-support-cafe-2.md"
    ]
    text = git(remote, "show", "proposal/issue-8:case_studies/example-town-peer-support-cafe-2.md")
    assert text.startswith("---\nid: cs-0152\n")
    # An edit of the first keeps its own id and name.
    propose(project, monkeypatch, answer(VALID, "Place", "Example Town centre"), issue=7)
    assert git(remote, "show", "proposal/issue-7:case_studies/example-town-peer-support-cafe.md")
    assert "id: cs-0151" in git(
        remote, "show", "proposal/issue-7:case_studies/example-town-peer-support-cafe.md"
    )


def test_a_branch_a_maintainer_committed_to_is_left_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    remote = project.parent / "remote.git"
    propose(project, monkeypatch, VALID)
    theirs = tmp_path / "maintainer"
    git(tmp_path, "clone", "--quiet", "--branch", "proposal/issue-7", str(remote), str(theirs))
    (theirs / "case_studies" / "example-town-peer-support-cafe.md").write_text(
        MINIMAL.replace("cs-0100", "cs-0151"), encoding="utf-8"
    )
    git(theirs, "commit", "--quiet", "-am", "Tidy the proposal")
    git(theirs, "push", "--quiet")
    tip = git(remote, "rev-parse", "proposal/issue-7")
    status, out = propose(project, monkeypatch, answer(VALID, "Place", "Example Town centre"))
    assert status == 0
    assert git(remote, "rev-parse", "proposal/issue-7") == tip
    assert "A maintainer has changed the pull request's branch" in (out / "reply.md").read_text()
    assert not (out / "branch.txt").exists()
    # Its id is still taken: another proposal gets the next.
    propose(project, monkeypatch, answer(VALID, "Title", "Another café"), issue=9)
    text = git(remote, "show", "proposal/issue-9:case_studies/another-cafe.md")
    assert text.startswith("---\nid: cs-0152\n")


def test_a_failure_is_explained_never_a_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(project, "remote", "set-url", "origin", str(project.parent / "no-such-remote.git"))
    status, out = propose(project, monkeypatch, VALID)
    assert status == 1
    error = capsys.readouterr().err
    assert error.startswith("error: git ls-remote failed: ")
    assert "Traceback" not in error
    reply = (out / "reply.md").read_text()
    assert "Something went wrong on our side" in reply
    assert sorted(p.name for p in out.iterdir()) == ["reply.md"]


def test_the_module_runs_as_the_workflow_runs_it(project: Path) -> None:
    env = {
        **os.environ,
        "EB_ROOT": str(project),
        "ISSUE_BODY": answer(VALID, "Place", f"Example Town, call {PHONE}"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "evidence_bank.cli.proposal", "--issue", "3", "--out", "out"],
        cwd=project.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "opened: proposal/issue-3\n"
    assert "Place: contains a UK phone number" in (project.parent / "out" / "reply.md").read_text()
    text = git(
        project.parent / "remote.git",
        "show",
        "proposal/issue-3:" + ("case_studies/example-town-peer-support-cafe.md"),
    )
    # Today's date, whatever the machine's time zone: the tool takes it in UTC.
    assert re.search(r"\npublished: '20[0-9]{2}-[0-9]{2}-[0-9]{2}'\n", text)
    assert PHONE not in text


def test_the_script_wraps_the_module() -> None:
    result = subprocess.run(
        [str(ROOT / "scripts" / "issue-to-pull-request"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--issue" in result.stdout and "--remote" in result.stdout


def test_personal_data_in_the_title_is_never_in_the_file_name_even_with_consent(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    body = answer(VALID, "Title", f"Café line {PHONE}")
    body = answer(body, "Consent for personal data", "Consent obtained")
    body = answer(body, "Date consent was recorded", "2026-01-01")
    body = answer(body, "Where the consent record is kept", "Team records, ref 42")
    result = convert(body, vocab)
    assert result.text is None  # the file name would carry the number into every address
    assert len(result.problems) == 1, result.problems
    assert result.problems[0].startswith("Title: contains a UK phone number")
    assert "07700" not in "\n".join(result.problems)
