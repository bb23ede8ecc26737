"""Content safety: legitimate markdown and text pass; the checks are not over-eager."""

from __future__ import annotations

import pytest
from evidence_bank.core import safety, story

LEGITIMATE_BODIES = {
    "code span": "Write `<b>bold</b>` in code.",
    "code block": "Example:\n\n    <script>alert(1)</script>\n",
    "fenced-like indented HTML": "    <div>not HTML, code</div>\n",
    "entity": "Health &amp; care, and &copy; Crown.",
    "autolink": "See <https://www.nice.org.uk/guidance/qs148>.",
    "id and class": "## Outcomes {#outcomes .important}\n",
    "aligned table": "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
    "footnote": "A claim.[^1]\n\n[^1]: The source.\n",
    "admonition": '!!! note "Note"\n    Text.\n',
    "mailto": "[Write to us](mailto:enquiries@example.org)",
    "word data:": "The data: collected by the trust.",
    "word script": "The script: a play about care.",
}


@pytest.mark.parametrize("body", LEGITIMATE_BODIES.values(), ids=LEGITIMATE_BODIES.keys())
def test_legitimate_markdown_passes(body: str) -> None:
    assert story.check_body(body, 9, "a.md") == []


@pytest.mark.parametrize(
    "text",
    [
        "Email enquiries@bolton.gov.uk or info@healthwatchyork.co.uk.",
        "Contact the PPI team: ppi.team@hscni.net.",
        "In 2017, 100 staff and 5 people took part; 24/7 care; 0.5 posts.",
        "Phase 2 ran 2016-2018 with 1,200 people.",
        "Reference 1234567890 is not an NHS number (bad checksum).",
        "The BL1 area.",
    ],
)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert list(safety.find_personal_data(text)) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("jane.smith@nhs.net", "a personal email address"),
        ("07700 900123", "a UK phone number"),
        ("(01204) 333444", "a UK phone number"),
        ("+44 7700 900123", "a UK phone number"),
        ("943-476-5919", "an NHS number"),
        ("AB123456C", "a National Insurance number"),
        ("SW1A 2AA", "a full postcode"),
    ],
)
def test_personal_data_is_found(text: str, kind: str) -> None:
    assert [f.kind for f in safety.find_personal_data(f"Note: {text}.")] == [kind]


def test_consent_allows_personal_data(tmp_path: object) -> None:
    from evidence_bank.core import frontmatter, validate, vocabulary

    from tests.helpers import VOCABULARY, case_study

    text = case_study(
        "consent:\n  status: obtained\n  date: 2026-01-01\n  reference: Consent log 4\n",
        body="Contact jane.smith@nhs.net.\n",
    )
    front = frontmatter.read(text.encode(), "a.md")
    assert isinstance(front, frontmatter.FrontMatter)
    study = validate.validate(front, "a.md", "a", vocabulary.load(VOCABULARY))
    assert not isinstance(study, list), study
    assert study.consent == "obtained"
