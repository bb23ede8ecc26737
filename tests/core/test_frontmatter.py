"""The hardened front-matter reader: what it accepts, and the values and lines it gives."""

from __future__ import annotations

import pytest
from evidence_bank.core import frontmatter, validate
from evidence_bank.core.problems import Problem
from evidence_bank.core.vocabulary import default_path, load

from tests.helpers import MINIMAL


def read(text: str | bytes) -> frontmatter.FrontMatter:
    data = text.encode() if isinstance(text, str) else text
    result = frontmatter.read(data, "case_studies/x.md")
    assert isinstance(result, frontmatter.FrontMatter), result
    return result


def test_values_and_lines() -> None:
    front = read(MINIMAL)
    assert front.data == {
        "id": "cs-0100",
        "title": "A minimal case study",
        "summary": "Only the required fields.",
        "rung": "co-design",
        "principles": ["valuing-people"],
        "evidence": {"strength": "described", "reason": "Told by the people who did the work."},
        "rung_basis": "judged",
    }
    assert front.value_lines[("title",)] == 3
    assert front.value_lines[("principles", 0)] == 6
    assert front.value_lines[("rung_basis",)] == 8
    assert front.body == "\nThe story.\n"
    assert front.body_line == 10


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + MINIMAL.encode(), id="UTF-8 BOM"),
        pytest.param(MINIMAL.replace("\n", "\r\n").encode(), id="CRLF"),
        pytest.param(MINIMAL.replace("\n", "\r").encode(), id="CR"),
        pytest.param(MINIMAL.replace("---\n\n", "---   \n\n").encode(), id="trailing spaces"),
    ],
)
def test_accepted_variants_read_the_same(data: bytes) -> None:
    front = read(data)
    assert front.data == read(MINIMAL).data
    assert front.value_lines == read(MINIMAL).value_lines


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("NO", "NO"),  # YAML 1.1: false
        ("yes", "yes"),  # YAML 1.1: true
        ("0755", "0755"),  # YAML 1.1: octal 493
        ("12:30", "12:30"),  # YAML 1.1: sexagesimal 750
        ("2017-02-30", "2017-02-30"),  # YAML 1.1: a date (this one crashes PyYAML)
        ("1e3", "1e3"),  # a float
        (".inf", ".inf"),
        ("'quoted'", "quoted"),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_scalars_stay_as_written(written: str, value: str | None) -> None:
    front = read(f"---\nplace: {written}\n---\n")
    assert front.data == {"place": value}


def test_every_duplicate_key_is_reported() -> None:
    result = frontmatter.read(b"---\na: 1\na: 2\nb: 1\nb: 2\n---\n", "x.md")
    assert result == [
        Problem(
            "x.md",
            3,
            "a",
            "a second 'a' field (the first is at line 2)",
            "each field once; delete or merge one of them",
        ),
        Problem(
            "x.md",
            5,
            "b",
            "a second 'b' field (the first is at line 4)",
            "each field once; delete or merge one of them",
        ),
    ]


def test_alias_bomb_is_refused_without_expanding() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        levels.append(f"a{i}: &a{i} [{refs}]")
    text = "---\n" + "\n".join(levels) + "\n---\n"
    result = frontmatter.read(text.encode(), "x.md")
    assert isinstance(result, list)
    assert result[0].line == 2
    assert "anchor" in result[0].found


def test_field_name_paths() -> None:
    assert frontmatter.field_name(("pathway", "co-delivery", "principles", 1)) == (
        "pathway.co-delivery.principles[2]"
    )
    assert frontmatter.field_name(()) == "front matter"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        # YAML cannot read it: the ': ' inside needs real quotes.
        (
            "title: “Recovery: a new start”",
            "title",
            "title: the text in curly quotes “ ”, which are not quotes to YAML; expected "
            'straight quotes ("..."), for example title: "Recovery: a new start"',
        ),
        # YAML reads it as text with the quotes in it.
        (
            "title: “Recovery”",
            "title",
            "title: the text in curly quotes “ ”, which are not quotes to YAML; expected "
            'straight quotes ("...") or none, for example title: "Recovery"',
        ),
        ("title: ‘Recovery’", "title", "curly quotes ‘ ’"),
        ("title: „Recovery“", "title", "curly quotes „ “"),
        ("title: «Recovery»", "title", "curly quotes « »"),
        ("summary: “It worked.”", "summary", "not quotes to YAML"),
        ("rung: “co-design”", "rung", "not quotes to YAML"),
        ("published: “2024-05-01”", "published", 'for example published: "2024-05-01"'),
        ("place: “Bolton”", "place", "not quotes to YAML"),
        ("organisations: [“Bolton Council”]", "organisations[1]", 'for example - "Bolton'),
        ("principles: [valuing-people, “cross-boundary-working”]", "principles[2]", "curly"),
        ("sources:\n  - title: “Report: 2020”", "title", "not quotes to YAML"),
        ("sources:\n  - title: “Report”", "sources[1].title", "or none"),
    ],
)
def test_curly_quotes_around_a_value_are_explained(line: str, field: str, message: str) -> None:
    lines = MINIMAL.splitlines(keepends=True)
    key = line.split(":")[0]
    lines = [old for old in lines if not old.startswith(f"{key}:")]
    text = "".join(lines).replace("\n---\n", f"\n{line}\n---\n", 1)
    result = frontmatter.read(text.encode(), "x.md")
    if isinstance(result, frontmatter.FrontMatter):
        result = validate.validate(result, "x.md", "x", load(default_path()))
    assert isinstance(result, list), result
    shown = [problem.message() for problem in result]
    assert any(m.startswith(f"{field}: ") and message in m for m in shown), shown


@pytest.mark.parametrize(
    "title",
    ["The “Ask Me” project", "‘Ask Me’, a project", "’Twas a project", 'A "quoted" word'],
)
def test_curly_quotes_inside_a_value_are_text(title: str) -> None:
    front = read(MINIMAL.replace("title: A minimal case study", f"title: {title}"))
    study = validate.validate(front, "x.md", "x", load(default_path()))
    assert not isinstance(study, list), study
    assert study.title == title
