"""Bad case studies: each one fails a real build with a message naming its file, line and field.

Categories: encoding and delimiters, YAML syntax, fields and types, vocabulary, YAML 1.1
surprises and dates, sources and links, unsafe content, markup in names, personal data, consent
and withdrawal, files, names and collisions.

Each row is (case name, files in case_studies/, the file named, line, field, words in the
message). Lines of `case_study(front)` files: 1 `---`, 2 id, 3 title, 4 summary, 5 rung,
6 principles, then `front` from line 7.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MINIMAL, build_error, case_study, make_project

NEST = "extra:\n" + "".join("  " * i + "- \n" for i in range(1, 9))


def _required(**changes: str | None) -> str:
    """MINIMAL with required fields replaced (value text) or removed (None)."""
    lines = []
    for line in MINIMAL.splitlines(keepends=True):
        key = line.split(":", 1)[0]
        if key in changes:
            if changes[key] is None:
                continue
            line = f"{key}: {changes[key]}\n"
        lines.append(line)
    return "".join(lines)


BIG_FRONT = "---\n" + "".join(f"k{i}: {'x' * 60}\n" for i in range(2500)) + "---\n"

CASES: list[tuple[str, dict[str, str | bytes], str, int, str, str]] = [
    # -- encoding and delimiters -----------------------------------------------------------
    (
        "invalid UTF-8",
        {"a.md": MINIMAL.encode().replace(b"Only", b"Onl\xff")},
        "a.md",
        4,
        "file",
        "not valid UTF-8",
    ),
    ("UTF-16", {"a.md": MINIMAL.encode("utf-16")}, "a.md", 1, "file", "UTF-16"),
    ("NUL byte", {"a.md": MINIMAL.replace("The story", "The\x00story")}, "a.md", 9, "file", "NUL"),
    ("no opening delimiter", {"a.md": MINIMAL[4:]}, "a.md", 1, "front matter", "'---'"),
    (
        "no closing delimiter",
        {"a.md": MINIMAL.replace("---\n\nThe", "\nThe")},
        "a.md",
        1,
        "front matter",
        "no closing",
    ),
    ("empty file", {"a.md": ""}, "a.md", 1, "file", "empty file"),
    ("empty front matter", {"a.md": "---\n---\nStory\n"}, "a.md", 2, "front matter", "empty"),
    (
        "front matter is a list",
        {"a.md": "---\n- a\n- b\n---\n"},
        "a.md",
        2,
        "front matter",
        "a list at the top",
    ),
    ("too large", {"a.md": "---\n" + "x" * (1024 * 1024 + 1)}, "a.md", 1, "file", "bytes"),
    ("front matter too large", {"a.md": BIG_FRONT}, "a.md", 2, "front matter", "bytes"),
    ("YAML directive", {"a.md": "---\n%YAML 1.1\n---\n"}, "a.md", 2, "front matter", "'%'"),
    # -- YAML syntax ------------------------------------------------------------------------
    (
        "colon in value",
        {"a.md": _required(title="Recovery: a new start")},
        "a.md",
        3,
        "title",
        "': ' inside a value",
    ),
    (
        "tab indentation",
        {"a.md": case_study("period:\n\tstart: 2017\n")},
        "a.md",
        8,
        "start",
        "tab",
    ),
    ("unclosed quote", {"a.md": _required(title='"Recovery')}, "a.md", 3, "title", "quotation"),
    (
        "curly quotes around a title with a colon",
        {"a.md": _required(title="“Recovery: a new start”")},
        "a.md",
        3,
        "title",
        "the text in curly quotes “ ”, which are not quotes to YAML",
    ),
    (
        "curly quotes around a title",
        {"a.md": _required(title="“Recovery”")},
        "a.md",
        3,
        "title",
        'not quotes to YAML; expected straight quotes ("...") or none',
    ),
    (
        "curly quotes around a source's publisher",
        {"a.md": case_study("sources:\n  - title: Report\n    publisher: ‘NHS’\n")},
        "a.md",
        9,
        "sources[1].publisher",
        "curly quotes ‘ ’",
    ),
    (
        "bad indentation",
        {"a.md": case_study("organisations:\n  - A\n - B\n")},
        "a.md",
        9,
        "front matter",
        "line up",
    ),
    (
        "duplicate key",
        {"a.md": case_study("title: Again\n")},
        "a.md",
        7,
        "title",
        "second 'title' field (the first is at line 3)",
    ),
    (
        "nested duplicate key",
        {"a.md": case_study("period:\n  start: 2016\n  start: 2017\n")},
        "a.md",
        9,
        "period.start",
        "second 'start'",
    ),
    ("anchor", {"a.md": case_study("place: &here Newry\n")}, "a.md", 7, "place", "anchor"),
    (
        "alias bomb",
        {
            "a.md": case_study(
                "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            )
        },
        "a.md",
        7,
        "a",
        "anchor",
    ),
    (
        "python tag",
        {"a.md": case_study("place: !!python/object/apply:os.system [ls]\n")},
        "a.md",
        7,
        "place",
        "tag",
    ),
    ("str tag", {"a.md": case_study("place: !!str 5\n")}, "a.md", 7, "place", "tag"),
    (
        "complex key",
        {"a.md": case_study("? [a, b]\n: c\n")},
        "a.md",
        7,
        "front matter",
        "used as a field name",
    ),
    (
        "deep nesting",
        {"a.md": case_study(NEST)},
        "a.md",
        13,
        "extra[1][1][1][1][1]",
        "nested more than",
    ),
    # -- fields and types -------------------------------------------------------------------
    (
        "missing required",
        {"a.md": _required(summary=None)},
        "a.md",
        2,
        "summary",
        "no value for the required field 'summary'",
    ),
    ("empty required", {"a.md": _required(title="")}, "a.md", 3, "title", "an empty value"),
    (
        "unknown field",
        {"a.md": case_study("titel: X\n")},
        "a.md",
        7,
        "titel",
        "did you mean 'title'?",
    ),
    ("title is a list", {"a.md": _required(title="[a, b]")}, "a.md", 3, "title", "a list"),
    (
        "principles is text",
        {"a.md": _required(principles="valuing-people")},
        "a.md",
        6,
        "principles",
        "for example [valuing-people]",
    ),
    (
        "principles is a mapping",
        {"a.md": _required(principles="{a: b}")},
        "a.md",
        6,
        "principles",
        "a group of fields",
    ),
    (
        "empty principles",
        {"a.md": _required(principles="[]")},
        "a.md",
        6,
        "principles",
        "an empty list",
    ),
    (
        "title over two lines",
        {"a.md": _required(title='"One\\nTwo"')},
        "a.md",
        3,
        "title",
        "several lines",
    ),
    ("title too long", {"a.md": _required(title="x" * 151)}, "a.md", 3, "title", "at most 150"),
    (
        "control character",
        {"a.md": _required(title='"Bell\\a"')},
        "a.md",
        3,
        "title",
        "control character",
    ),
    (
        "period is text",
        {"a.md": case_study("period: 2017\n")},
        "a.md",
        7,
        "period",
        "a group of fields",
    ),
    # -- vocabulary -------------------------------------------------------------------------
    (
        "principle typo",
        {"a.md": _required(principles="[valueing-people]")},
        "a.md",
        6,
        "principles[1]",
        "did you mean 'valuing-people'?",
    ),
    (
        "principle by label",
        {"a.md": _required(principles="[Valuing People]")},
        "a.md",
        6,
        "principles[1]",
        "did you mean 'valuing-people'?",
    ),
    (
        "duplicate principle",
        {"a.md": _required(principles="[valuing-people, valuing-people]")},
        "a.md",
        6,
        "principles[2]",
        "a second time",
    ),
    (
        "rung typo",
        {"a.md": _required(rung="codesign")},
        "a.md",
        5,
        "rung",
        "did you mean 'co-design'?",
    ),
    (
        "nation NO (YAML 1.1 false)",
        {"a.md": case_study("nation: NO\n")},
        "a.md",
        7,
        "nation",
        "unknown UK nation 'NO'",
    ),
    (
        "unknown service area",
        {"a.md": case_study("service_area: mental health\n")},
        "a.md",
        7,
        "service_area",
        "did you mean 'mental-health'?",
    ),
    (
        "unknown status",
        {"a.md": case_study("status: done\n")},
        "a.md",
        7,
        "status",
        "completed, in-progress",
    ),
    (
        "unknown pathway step",
        {"a.md": case_study("pathway:\n  co-desing-the-solution:\n    done: Things.\n")},
        "a.md",
        8,
        "pathway.co-desing-the-solution",
        "did you mean 'co-design-the-solution'?",
    ),
    (
        "step principle not listed",
        {
            "a.md": case_study(
                "pathway:\n  co-delivery:\n    done: Things.\n"
                "    principles: [reciprocal-recognition]\n"
            )
        },
        "a.md",
        10,
        "pathway.co-delivery.principles[1]",
        "top-level principles do not list",
    ),
    (
        "unknown ARE IN role",
        {"a.md": case_study("group:\n  authorty: [Trust directors]\n")},
        "a.md",
        8,
        "group.authorty",
        "did you mean 'authority'?",
    ),
    (
        "unknown checklist item",
        {"a.md": case_study("checklist:\n  evidence:\n    who: Us\n")},
        "a.md",
        8,
        "checklist.evidence",
        "unknown checklist item",
    ),
    ("unknown licence", {"a.md": case_study("licence: MIT\n")}, "a.md", 7, "licence", "OGL-UK-3.0"),
    # -- YAML 1.1 surprises and dates -------------------------------------------------------
    (
        "id 0755 (YAML 1.1 octal)",
        {"a.md": _required(id="0755")},
        "a.md",
        2,
        "id",
        "'cs-' followed by at least four digits",
    ),
    (
        "time 12:30 as a date",
        {"a.md": case_study("period:\n  start: 12:30\n")},
        "a.md",
        8,
        "period.start",
        "YYYY-MM-DD",
    ),
    (
        "impossible date",
        {"a.md": case_study("published: 2017-02-30\n")},
        "a.md",
        7,
        "published",
        "not a date in the calendar",
    ),
    (
        "impossible month",
        {"a.md": case_study("last_reviewed: 2017-13-01\n")},
        "a.md",
        7,
        "last_reviewed",
        "not a date in the calendar",
    ),
    (
        "partial date where a full one is needed",
        {"a.md": case_study("published: 2017-05\n")},
        "a.md",
        7,
        "published",
        "YYYY-MM-DD",
    ),
    (
        "yes as a flag",
        {"a.md": case_study("synthetic: yes\n")},
        "a.md",
        7,
        "synthetic",
        "yes/no/on/off are not accepted",
    ),
    (
        "year 0755",
        {"a.md": case_study("sources:\n  - title: A report\n    year: 0755\n")},
        "a.md",
        9,
        "sources[1].year",
        "four-digit year",
    ),
    (
        "end before start",
        {"a.md": case_study("period:\n  start: 2017-05\n  end: 2016\n")},
        "a.md",
        9,
        "period.end",
        "before the start",
    ),
    (
        "reviewed before published",
        {"a.md": case_study("published: 2020-01-01\nlast_reviewed: 2019-12-31\n")},
        "a.md",
        8,
        "last_reviewed",
        "before it was published",
    ),
    # -- sources and links ------------------------------------------------------------------
    (
        "source without title",
        {"a.md": case_study("sources:\n  - url: https://x.org/\n")},
        "a.md",
        8,
        "sources[1].title",
        "required field 'title'",
    ),
    (
        "no sources in list",
        {"a.md": case_study("sources: []\n")},
        "a.md",
        7,
        "sources",
        "an empty list",
    ),
    (
        "javascript URL",
        {"a.md": case_study("sources:\n  - title: X\n    url: javascript:alert(1)\n")},
        "a.md",
        9,
        "sources[1].url",
        "https://",
    ),
    # -- files, names, collisions -----------------------------------------------------------
    (
        "upper-case file name",
        {"Daisy-Hill.md": MINIMAL},
        "Daisy-Hill.md",
        1,
        "file name",
        "for example 'daisy-hill.md'",
    ),
    (
        "underscore in file name",
        {"daisy_hill.md": MINIMAL},
        "daisy_hill.md",
        1,
        "file name",
        "lower-case words",
    ),
    ("not markdown", {"notes.txt": "hello"}, "notes.txt", 1, "file name", "ending '.md'"),
    ("reserved name", {"index.md": MINIMAL}, "index.md", 1, "file name", "reserved"),
    ("folder inside", {"sub/a.md": MINIMAL}, "sub", 1, "file", "a folder"),
    (
        "two files, one id",
        {"a.md": MINIMAL, "b.md": MINIMAL},
        "b.md",
        2,
        "id",
        "case_studies/a.md also uses",
    ),
    (
        "synthetic in the published folder",
        {"a.md": case_study("synthetic: true\n")},
        "a.md",
        7,
        "synthetic",
        "synthetic (generated test) case study",
    ),
    # -- unsafe content in the story (body starts at line 9) --------------------------------
    (
        "raw HTML block",
        {"a.md": case_study(body="Intro.\n\n<div>x</div>\n")},
        "a.md",
        11,
        "body",
        "raw HTML ('<div>x</div>')",
    ),
    (
        "inline HTML",
        {"a.md": case_study(body="Some <b>bold</b> text.\n")},
        "a.md",
        9,
        "body",
        "raw HTML ('<b>')",
    ),
    (
        "script element",
        {"a.md": case_study(body="<script>alert(1)</script>\n")},
        "a.md",
        9,
        "body",
        "raw HTML",
    ),
    (
        "iframe",
        {"a.md": case_study(body="Text\n\n<iframe src=x></iframe>\n")},
        "a.md",
        11,
        "body",
        "raw HTML",
    ),
    (
        "HTML comment",
        {"a.md": case_study(body="Text <!-- hidden -->\n")},
        "a.md",
        9,
        "body",
        "raw HTML ('<!-- hidden -->')",
    ),
    (
        "javascript link",
        {"a.md": case_study(body="[a](javascript:alert(1))\n")},
        "a.md",
        9,
        "body",
        "starting 'javascript:'",
    ),
    (
        "JAVASCRIPT in capitals",
        {"a.md": case_study(body="Text\n[a](JavaScript:alert(1))\n")},
        "a.md",
        10,
        "body",
        "starting 'javascript:'",
    ),
    (
        "entity-encoded javascript",
        {"a.md": case_study(body="[a](&#106;avascript:alert(1))\n")},
        "a.md",
        9,
        "body",
        "starting 'javascript:'",
    ),
    (
        "javascript with a tab",
        {"a.md": case_study(body="[a](<java\tscript:alert(1)>)\n")},
        "a.md",
        9,
        "body",
        "starting 'javascript:'",
    ),
    (
        "vbscript link",
        {"a.md": case_study(body="[a](vbscript:msgbox)\n")},
        "a.md",
        9,
        "body",
        "starting 'vbscript:'",
    ),
    (
        "data image",
        {"a.md": case_study(body="![i](data:image/svg+xml;base64,PHN2Zz4=)\n")},
        "a.md",
        9,
        "body",
        "starting 'data:'",
    ),
    (
        "onclick with attr_list",
        {"a.md": case_study(body='## Heading {: onclick="x()" }\n')},
        "a.md",
        9,
        "body",
        "the attribute 'onclick'",
    ),
    (
        "style with attr_list",
        {"a.md": case_study(body='Para\n{: style="color:red" }\n')},
        "a.md",
        10,
        "body",
        "the attribute 'style'",
    ),
    # -- markup in titles and names ---------------------------------------------------------
    (
        "markup in title",
        {"a.md": _required(title="'<b>Bold</b> title'")},
        "a.md",
        3,
        "title",
        "the markup character '<'",
    ),
    (
        "markup in an organisation",
        {"a.md": case_study("organisations: ['A > B']\n")},
        "a.md",
        7,
        "organisations[1]",
        "the markup character '>'",
    ),
    (
        "markup in a contributor name",
        {"a.md": case_study("contributors:\n  - name: <script>x</script>\n")},
        "a.md",
        8,
        "contributors[1].name",
        "markup character",
    ),
    # -- personal data ----------------------------------------------------------------------
    (
        "personal email in the story",
        {"a.md": case_study(body="Ask\njane.smith@nhs.net\n")},
        "a.md",
        10,
        "body",
        "a personal email address ('jane.smith@nhs.net')",
    ),
    (
        "personal email in the summary",
        {"a.md": _required(summary="Mail j.bloggs@example.org")},
        "a.md",
        4,
        "summary",
        "personal email",
    ),
    (
        "UK mobile number",
        {"a.md": case_study("place: Call 07700 900123\n")},
        "a.md",
        7,
        "place",
        "a UK phone number",
    ),
    (
        "UK landline in +44 form",
        {"a.md": case_study(body="Ring +44 20 7946 0958 today.\n")},
        "a.md",
        9,
        "body",
        "a UK phone number",
    ),
    (
        "NHS number",
        {"a.md": case_study(body="Patient 943 476 5919 said so.\n")},
        "a.md",
        9,
        "body",
        "an NHS number",
    ),
    (
        "National Insurance number",
        {"a.md": case_study(body="NI: AB 12 34 56 C.\n")},
        "a.md",
        9,
        "body",
        "a National Insurance number",
    ),
    (
        "full postcode",
        {"a.md": case_study("place: 1 High Street, BL1 1RU\n")},
        "a.md",
        7,
        "place",
        "a full postcode ('BL1 1RU')",
    ),
    (
        "anonymised does not allow personal data",
        {
            "a.md": case_study(
                "consent:\n  status: anonymised\n  date: 2026-01-01\n  reference: Log 1\n",
                body="jane.smith@nhs.net\n",
            )
        },
        "a.md",
        13,
        "body",
        "personal email",
    ),
    # -- consent and withdrawal -------------------------------------------------------------
    (
        "consent without reference",
        {"a.md": case_study("consent:\n  status: obtained\n  date: 2026-01-01\n")},
        "a.md",
        7,
        "consent.reference",
        "required field 'reference'",
    ),
    (
        "unknown consent status",
        {"a.md": case_study("consent:\n  status: yes\n  date: 2026-01-01\n  reference: Log 1\n")},
        "a.md",
        8,
        "consent.status",
        "unknown consent status",
    ),
    (
        "withdrawn without reason",
        {"a.md": case_study("withdrawn:\n  date: 2027-01-01\n")},
        "a.md",
        7,
        "withdrawn.reason",
        "required field 'reason'",
    ),
    (
        "reserved first character",
        {"a.md": _required(title="@home care")},
        "a.md",
        3,
        "title",
        "a character YAML reserves",
    ),
    (
        "control character in the YAML",
        {"a.md": case_study("place: Bol\x01ton\n")},
        "a.md",
        7,
        "front matter",
        "control character (U+0001)",
    ),
    (
        "a line break YAML sees and editors do not",
        {"a.md": case_study("place: Bol\u2028ton\nnation: england\n")},
        "a.md",
        7,
        "front matter",
        "U+2028 LINE SEPARATOR",
    ),
    (
        "next-line character in a key",
        {"a.md": case_study("summary2\x85: x\n")},
        "a.md",
        7,
        "front matter",
        "U+0085 NEXT LINE",
    ),
]


@pytest.mark.parametrize(
    ("files", "name", "line", "field", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_fails_the_build_naming_file_line_and_field(
    tmp_path: Path, files: dict[str, str | bytes], name: str, line: int, field: str, words: str
) -> None:
    project = make_project(tmp_path, files)
    message = build_error(project)
    prefix = f"case_studies/{name}:{line}: {field}: "
    matching = [row for row in message.splitlines() if row.startswith(prefix)]
    assert matching, f"no line starting {prefix!r} in:\n{message}"
    assert any(words in row for row in matching), f"{words!r} not in {matching}"
    assert not (project / "site" / "index.html").exists()


def test_at_least_eighty_distinct_bad_inputs() -> None:
    assert len({case[0] for case in CASES}) == len(CASES) >= 80


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            "a.md": _required(rung="codesign", principles="[valueing-people]"),
            "b.md": _required(id="cs-0101", title=None),
            "c.md": MINIMAL.replace("cs-0100", "cs-0102"),
        },
    )
    message = build_error(project)
    rows = [r for r in message.splitlines() if r.startswith("case_studies/")]
    assert [r.split(": ")[0] for r in rows] == [
        "case_studies/a.md:5",
        "case_studies/a.md:6",
        "case_studies/b.md:2",
    ]
    assert message.startswith("3 problems in the case studies:")
