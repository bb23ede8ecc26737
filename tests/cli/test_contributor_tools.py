"""The contributor tools: the scaffolder, the issue form and its converter, preview."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest
from evidence_bank.cli import new_case_study
from evidence_bank.core import catalog, fields, frontmatter, issue_form, scaffold, validate
from evidence_bank.core import vocabulary as vocabulary_module

from tests.helpers import MINIMAL, ROOT, VOCABULARY, interruptible

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def vocab() -> vocabulary_module.Vocabulary:
    return vocabulary_module.load(VOCABULARY)


def _valid(text: str, slug: str, vocab: vocabulary_module.Vocabulary) -> object:
    front = frontmatter.read(text.encode(), f"{slug}.md")
    assert isinstance(front, frontmatter.FrontMatter), front
    return validate.validate(front, f"{slug}.md", slug, vocab)


# -- ids and the scaffolder -------------------------------------------------------------------


def test_next_free_id_never_reuses_one(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(MINIMAL.replace("cs-0100", "cs-0007"))
    withdrawn = MINIMAL.replace("cs-0100", "cs-0012").replace(
        "---\n\nThe", "withdrawn:\n  date: 2026-01-01\n  reason: Asked.\n---\n\nThe"
    )
    (tmp_path / "gone.md").write_text(withdrawn)
    assert scaffold.next_free_id(tmp_path) == "cs-0013"
    assert scaffold.next_free_id(tmp_path, reserved=["cs-0040"]) == "cs-0041"
    assert scaffold.next_free_id(tmp_path / "empty") == "cs-0001"


def _uncomment(text: str, name: str) -> str:
    """`text` with the commented guidance for the field `name` made a field."""
    lines = text.split("\n")
    start = lines.index(f"# {name}:")
    end = lines.index("", start)
    return "\n".join([*lines[:start], *(line[2:] for line in lines[start:end]), *lines[end:]])


def test_scaffold_is_valid_and_documents_every_optional_field(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    text = scaffold.scaffold(
        vocab,
        id="cs-0042",
        title="Recovery: a new start",
        summary="People in the area ran it together.",
        rung="co-design",
        principles=["valuing-people"],
        published="2026-03-04",
        rung_basis="stated",
        evidence_strength="independently-reviewed",
        evidence_reason="An independent review looked at the work.",
    )
    study = _valid(text, "recovery", vocab)
    assert not isinstance(study, list), study
    assert study.published == "2026-03-04"  # so that a citation has a year
    assert (study.rung_basis, study.evidence_strength) == ("stated", "independently-reviewed")
    assert study.evidence_reason == "An independent review looked at the work."
    # Uncommented, the guidance for sources and facts_from (marks, not words) is valid.
    uncommented = _uncomment(_uncomment(text, "sources"), "facts_from")
    assert "facts_from:\n  organisations: '[source 1, page 12]'" in uncommented
    assert "sources:\n- title: Co-production Guide" in uncommented
    study = _valid(uncommented, "recovery", vocab)
    assert not isinstance(study, list), study
    assert study.sources[0].year == 2018 and dict(study.facts_from)["place"]
    for field in fields.CASE_STUDY_FIELDS:
        if field.name != "synthetic":
            assert f"\n{field.name}:" in text or f"\n# {field.name}:" in text, field.name
    assert "#   Allowed: england, northern-ireland" in text


def test_new_case_study_writes_a_valid_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    vocab: vocabulary_module.Vocabulary,
) -> None:
    monkeypatch.setenv("EB_ROOT", str(ROOT))
    answers = iter(
        [
            "Café for all",
            "",  # a required answer left empty: asked again
            "People ran a café together.",
            "co design",  # a typo: explained, with the suggestion, and asked again
            "co-design",
            "judgd",  # a typo: explained and asked again
            "judged",
            "valuing-people, cross-boundary-working",
            "outcomes measured",
            "outcomes-measured",
            "",  # a required reason left empty: asked again
            "Attendance was counted before and after the change.",
        ]
    )
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    status = new_case_study.main(
        ["--dir", str(tmp_path)], ask=ask, today=lambda: dt.date(2026, 3, 4)
    )
    assert status == 0
    assert [p.split(" ")[0] for p in prompts] == [
        "Title:",
        "Summary",
        "Summary",
        "Rung",
        "Rung",
        "Does",
        "Does",
        "Principles",
        "Strength",
        "Strength",
        "Why",
        "Why",
    ]
    said = capsys.readouterr()
    assert "rung: an unknown rung of the ladder of co-production 'co design'" in said.err
    assert "(did you mean 'co-design'?)\nPlease try again." in said.err
    assert "lock-urls" not in said.out
    assert f"Next: fill in what your sources report, then run ./scripts/validate {tmp_path}" in (
        said.out
    )
    written = tmp_path / "cafe-for-all.md"
    study = _valid(written.read_text(), "cafe-for-all", vocab)
    assert not isinstance(study, list), study
    published = {found for found, _ in catalog.scan_ids(ROOT / "case_studies")}
    assert study.id not in published  # a draft elsewhere still gets a fresh id
    assert study.principles == ("valuing-people", "cross-boundary-working")
    assert study.published == "2026-03-04"
    assert "[described, independently-reviewed, outcomes-measured, compared]" in prompts[9]
    assert "evidence.strength: an unknown strength of evidence 'outcomes measured'" in said.err
    assert (study.rung_basis, study.evidence_strength) == ("judged", "outcomes-measured")
    assert study.evidence_reason == "Attendance was counted before and after the change."


NEW_CASE_STUDY = str(ROOT / "scripts" / "new-case-study")
FLAGS = [
    "--title",
    "A cafe for all",
    "--summary",
    "People ran a cafe together, all year.",
    "--rung",
    "co-design",
    "--principles",
    "valuing-people",
    "--rung-basis",
    "judged",
    "--evidence-strength",
    "described",
    "--evidence-reason",
    "Told by the people who did the work.",
]


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--rung", "co design", "rung: an unknown rung of the ladder of co-production 'co design'"),
        ("--principles", "valuing-people,valueing", "(did you mean 'valuing-people'?)"),
        ("--title", "“Café for all”", "not quotes to YAML"),
        ("--summary", " ", "summary: an empty value"),
        ("--slug", "Café", "file name: the name 'Café.md'"),
        ("--rung-basis", "guessed", "rung_basis: an unknown basis (stated or judged) 'guessed'"),
        ("--evidence-strength", "strong", "evidence.strength: an unknown strength of evidence"),
        ("--evidence-reason", "Yes.", "evidence.reason:"),
    ],
)
def test_a_wrong_flag_stops_the_scaffolder_with_a_message(
    tmp_path: Path, flag: str, value: str, words: str
) -> None:
    flags = [*FLAGS, "--dir", str(tmp_path), flag, value]
    result = subprocess.run(
        [NEW_CASE_STUDY, *flags], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_scaffolder_asks_again_reading_a_pipe(
    tmp_path: Path, vocab: vocabulary_module.Vocabulary
) -> None:
    answers = (
        "Café for “all”\nPeople ran a café together.\ncodesign\nco-design\njudged\n"
        "valuing-people\ndescribed\nThe café's own newsletter tells the story.\n"
    )
    result = subprocess.run(
        [NEW_CASE_STUDY, "--dir", str(tmp_path)],
        input=answers,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "(did you mean 'co-design'?)" in result.stderr
    study = _valid((tmp_path / "cafe-for-all.md").read_text(), "cafe-for-all", vocab)
    assert not isinstance(study, list), study
    assert study.title == "Café for “all”" and study.rung == "co-design"
    assert study.published is not None  # today, wherever the test runs


def test_the_scaffolder_stops_cleanly_at_the_end_of_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [NEW_CASE_STUDY, "--dir", str(tmp_path)],
        input="Café for all\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("No more answers (end of input); nothing was written.")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def _terminal(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The scaffolder on a pseudo-terminal, as a contributor runs it."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [NEW_CASE_STUDY, "--dir", str(tmp_path)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
        preexec_fn=interruptible,  # Ctrl-C as a terminal delivers it
    )
    os.close(terminal)
    return process, controller


def _until(controller: int, words: bytes, seconds: float = 60) -> bytes:
    said = b""
    deadline = time.monotonic() + seconds
    while words not in said:
        left = deadline - time.monotonic()
        assert left > 0, said
        ready, _, _ = select.select([controller], [], [], left)  # never wait past the deadline
        if not ready:
            continue
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        said += chunk
    return said


def test_the_scaffolder_asks_again_at_a_terminal(
    tmp_path: Path, vocab: vocabulary_module.Vocabulary
) -> None:
    process, controller = _terminal(tmp_path)
    try:
        for answer, then in [
            (b"Cafe for all", b"Summary"),
            (b"People ran a cafe together.", b"Rung reached"),
            (b"co design", b"Please try again."),
            (b"co-design", b"Does the source"),
            (b"stated", b"Principles"),
            (b"valuing-people", b"Strength of evidence"),
            (b"described", b"Why that strength"),
            (b"The cafe's own newsletter tells it.", b"Next:"),
        ]:
            os.write(controller, answer + b"\n")
            said = _until(controller, then)
        assert b"Traceback" not in said
        assert process.wait(timeout=30) == 0
    finally:
        os.close(controller)
    study = _valid((tmp_path / "cafe-for-all.md").read_text(), "cafe-for-all", vocab)
    assert not isinstance(study, list), study


@pytest.mark.parametrize("stop", ["Ctrl-D", "Ctrl-C"])
def test_the_scaffolder_stops_cleanly_at_a_terminal(tmp_path: Path, stop: str) -> None:
    process, controller = _terminal(tmp_path)
    try:
        _until(controller, b"Title:")
        os.write(controller, b"Cafe for all\n")
        _until(controller, b"Summary")
        # A person reads the question first. (A signal in the microseconds between the prompt
        # and the read it waits in is noted but does not end the read: Python's own race.)
        time.sleep(0.5)
        if stop == "Ctrl-D":
            os.write(controller, b"\x04")
        else:  # what the terminal does on Ctrl-C
            process.send_signal(signal.SIGINT)
        said = _until(controller, b"nothing was written.")
        assert process.wait(timeout=30) == (2 if stop == "Ctrl-D" else 130)
    finally:
        os.close(controller)
    assert b"Traceback" not in said
    assert list(tmp_path.iterdir()) == []


# -- the issue form ---------------------------------------------------------------------------


def test_committed_issue_form_is_generated_from_the_format(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    committed = ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-a-case-study.yml"
    assert committed.read_text(encoding="utf-8") == issue_form.form_yaml(vocab), (
        "run ./scripts/issue-form"
    )


def test_issue_form_passes_githubs_schema() -> None:
    result = subprocess.run(
        [
            str(Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-issue-forms",
            str(ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-a-case-study.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_submitted_form_becomes_a_valid_case_study(vocab: vocabulary_module.Vocabulary) -> None:
    body = (FIXTURES / "issue-valid.md").read_text(encoding="utf-8")
    proposal = issue_form.to_case_study(body, vocab, new_id="cs-0099")
    assert proposal.problems == []
    assert proposal.slug == "example-town-peer-support-cafe"
    assert proposal.text is not None
    study = _valid(proposal.text, proposal.slug, vocab)
    assert not isinstance(study, list), study
    assert study.id == "cs-0099"
    assert study.rung == "co-design"
    assert study.principles == (
        "valuing-people",
        "reciprocal-recognition",
        "cross-boundary-working",
    )
    assert study.organisations == ("Example Town Council", "Example Mind")
    assert study.period_start == "2024-03" and study.period_end is None
    assert [s.step for s in study.pathway] == ["build-the-team", "co-design-the-solution"]
    assert [(r.role, r.members) for r in study.group][1] == (
        "expertise",
        ("Peer hosts", "Mental health nurse"),
    )
    assert [(a.item, a.who, a.outcomes) for a in study.checklist] == [
        ("pre-engagement", "40 café users", "Evening opening was added.")
    ]
    assert study.sources[0].year == 2025 and study.sources[1].url is None
    assert "## What happened" in study.body
    # The fields of #15: who places it on the rung, the strength of evidence, the status's
    # date, and a source's place in it and whether it is a draft.
    assert study.rung_basis == "judged"
    assert study.evidence_strength == "described"
    assert study.evidence_reason is not None
    assert study.evidence_reason.startswith("The sources are the council's own review")
    assert (study.status, study.status_date) == ("in-progress", "2025-06")
    assert (study.sources[0].draft, study.sources[0].locator) == (False, None)
    assert (study.sources[1].draft, study.sources[1].locator) == (True, "Annex A, page 3")


def test_answers_that_cannot_be_used_are_listed_and_left_out(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    body = (FIXTURES / "issue-problems.md").read_text(encoding="utf-8")
    proposal = issue_form.to_case_study(
        body, vocab, new_id="cs-0099", taken_slugs={"example-town-peer-support-cafe"}
    )
    assert proposal.slug == "example-town-peer-support-cafe-2"
    assert proposal.text is not None
    study = _valid(proposal.text, proposal.slug, vocab)
    assert not isinstance(study, list), study
    joined = "\n".join(proposal.problems)
    assert "UK nation: 'Atlantis' is not one of the options." in joined
    assert "Sources, line 1: the year 'last year'" in joined
    assert "Sources, line 2: no title" in joined
    assert "Sources, line 4: no year, so the line was left out. Write the year" in joined
    assert [(s.title, s.year, s.undated) for s in study.sources] == [
        ("Minutes of the design group", None, True)
    ]
    assert (
        "When it ended: an end (2023-01) before the start (2024-03); expected an end on or "
        "after the start, so this answer was left out." in joined
    )
    assert "Place: contains a UK phone number, which cannot be published" in joined
    assert "07700" not in joined
    assert "The story: raw HTML ('<script>')" in joined
    assert study.nation is None and study.place is None and study.body.strip() == ""
    assert study.period_start == "2024-03" and study.period_end is None


def test_a_form_missing_required_answers_makes_no_file(vocab: vocabulary_module.Vocabulary) -> None:
    proposal = issue_form.to_case_study("### Title\n\nOnly a title", vocab, new_id="cs-0099")
    assert proposal.text is None
    assert proposal.problems == [
        "Summary: this question needs an answer.",
        "Rung of the ladder reached: this question needs an answer.",
        "Who places the work on that rung: this question needs an answer.",
        "Principles demonstrated: this question needs an answer.",
        "Strength of evidence: this question needs an answer.",
        "Why this strength of evidence: this question needs an answer.",
    ]


def test_the_form_asks_for_the_fields_of_issue_15(vocab: vocabulary_module.Vocabulary) -> None:
    questions = {q.target: q for q in issue_form.form_fields(vocab)}
    strength = questions["evidence.strength"]
    assert (strength.type, strength.vocabulary, strength.required) == (
        "dropdown",
        "evidence_strengths",
        True,
    )
    assert questions["evidence.reason"].required
    assert questions["rung_basis"].vocabulary == "bases" and questions["rung_basis"].required
    assert questions["status_date"].type == "input"
    assert "'undated'" in questions["sources"].description
    assert "draft" in questions["sources"].description
    form = issue_form.form_yaml(vocab)
    assert "\n    - Described by the people who did the work\n    - Reviewed" in form


def test_a_form_with_only_one_half_of_the_evidence_names_the_other(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    body = (FIXTURES / "issue-valid.md").read_text(encoding="utf-8")
    body = body.replace("### Why this strength of evidence\n\nThe sources", "### X\n\nThe")
    proposal = issue_form.to_case_study(body, vocab, new_id="cs-0099")
    assert proposal.text is None
    assert proposal.problems == ["Why this strength of evidence: this question needs an answer."]


def test_a_status_without_its_date_is_left_out_and_said(
    vocab: vocabulary_module.Vocabulary,
) -> None:
    body = (FIXTURES / "issue-valid.md").read_text(encoding="utf-8")
    body = body.replace("2025-06", "_No response_")
    proposal = issue_form.to_case_study(body, vocab, new_id="cs-0099")
    assert proposal.text is not None
    study = _valid(proposal.text, proposal.slug, vocab)
    assert not isinstance(study, list), study
    assert (study.status, study.status_date) == (None, None)
    assert proposal.problems == [
        "Status: a status with no date; expected 'status_date' too: when the status was last "
        "known to be true, such as the newest source's year (status_date: 2018); only a case "
        "study whose every source is undated may leave it out, so this answer was left out."
    ]


def test_the_script_writes_the_file_and_replies_in_markdown(tmp_path: Path) -> None:
    env = {**os.environ, "ISSUE_BODY": (FIXTURES / "issue-problems.md").read_text("utf-8")}
    result = subprocess.run(
        [
            str(ROOT / "scripts" / "issue-to-case-study"),
            "--dir",
            str(tmp_path),
            "--write",
            "--format",
            "markdown",
            "--published",
            "2026-05-01",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"{issue_form.MARKER}\nThank you. This proposal makes a valid case study, "
        "`example-town-peer-support-cafe.md` (cs-"
    )
    assert "- UK nation: 'Atlantis' is not one of the options." in result.stdout
    assert "07700" not in result.stdout
    written = (tmp_path / "example-town-peer-support-cafe.md").read_text(encoding="utf-8")
    assert "\npublished: '2026-05-01'\n" in written


def test_preview_checks_the_file_first(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(MINIMAL.replace("rung: co-design", "rung: codesign"))
    result = subprocess.run(
        [str(ROOT / "scripts" / "preview"), str(draft)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "rung: an unknown rung" in result.stderr
    draft.write_text(MINIMAL.replace("cs-0100", "cs-9999"))
    result = subprocess.run(
        [str(ROOT / "scripts" / "preview"), str(draft), "--check-only"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Your case study: http://127.0.0.1:8000/case-studies/draft/\n"


def test_a_variant_configuration_builds_another_folder(tmp_path: Path) -> None:
    from evidence_bank.cli import variant
    from evidence_bank.core import synthetic

    from tests.helpers import cli_build

    folder = tmp_path / "bank"
    synthetic.write_bank(3, folder, vocabulary_module.load(VOCABULARY))
    config = variant.write_variant(
        ROOT, folder, tmp_path / "work" / "mkdocs.yml", allow_synthetic=True
    )
    site = tmp_path / "site"
    cli_build("mkdocs", config.parent, site, strict=False)
    assert (site / "case-studies" / "synthetic-scheme-2" / "index.html").is_file()
    assert (site / "guidance" / "ladder" / "index.html").is_file()  # the site's own pages
    assert (site / "assets" / "evidence-bank" / "search.js").is_file()  # its theme


def test_ids_the_url_lock_remembers_are_never_given_again(tmp_path: Path) -> None:
    from evidence_bank.cli import urls

    project = tmp_path / "project"
    (project / "case_studies").mkdir(parents=True)
    (project / "case_studies" / "a.md").write_text(MINIMAL.replace("cs-0100", "cs-0003"))
    (project / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - evidence-bank:\n      url_lock: urls.lock\n"
    )
    (project / "urls.lock").write_text("# site_url: https://x.org/\n/\n/id/cs-0050/\n")
    assert sorted(urls.reserved_ids(project)) == ["cs-0003", "cs-0050"]
    assert scaffold.next_free_id(project / "case_studies", urls.reserved_ids(project)) == "cs-0051"
