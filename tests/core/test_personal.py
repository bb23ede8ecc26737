"""Personal data: every everyday spelling is found, ordinary text is not, and no message
repeats what was found. The false-positive corpora (the real case studies, the guidance pages,
1,000 synthetic case studies) are checked whole."""

from __future__ import annotations

import pytest
from evidence_bank.core import frontmatter, personal, synthetic, validate, vocabulary
from evidence_bank.core.problems import Problem

from tests.helpers import ROOT, VOCABULARY, case_study

PHONE, EMAIL, NHS, POSTCODE = (
    personal.PHONE,
    personal.EMAIL,
    personal.NHS_NUMBER,
    personal.POSTCODE,
)
NINO, LIKE_NINO = personal.NATIONAL_INSURANCE, personal.LIKE_NATIONAL_INSURANCE

SPELLINGS = {
    # emails
    "jane.smith@nhs.net": EMAIL,
    "jane.smith&#64;nhs.net": EMAIL,
    "jane.smith&commat;nhs.net": EMAIL,
    "jane.smith&#x40;nhs.net": EMAIL,
    "jane.smith\uff20nhs.net": EMAIL,
    "jane.smith(at)nhs.net": EMAIL,
    "jane.smith [at] nhs [dot] net": EMAIL,
    "jane.smith (at) nhs (dot) net": EMAIL,
    "jane.smith at nhs.net": EMAIL,
    "Jane.Smith AT NHS.NET": EMAIL,
    "j_smith@nhs.net": EMAIL,
    "jane\u200b.smith@nhs.net": EMAIL,
    # phones
    "07700 900123": PHONE,
    "07700900123": PHONE,
    "(01204) 333444": PHONE,
    "020 7946 0958": PHONE,
    "0161 496\n0958": PHONE,
    "0300 123 4567": PHONE,
    "+44 7700 900123": PHONE,
    "+44 (0)20 7946 0958": PHONE,
    "+44 07700 900123": PHONE,
    "0044 7700 900123": PHONE,
    "00 44 7700 900123": PHONE,
    "07700.900.123": PHONE,
    "07700/900123": PHONE,
    "07700-900123": PHONE,
    "0770\u200b0 900123": PHONE,
    "07700\u2060900123": PHONE,
    "07700\u00ad900123": PHONE,
    "07700\u00a0900123": PHONE,
    "07700 *900123*": PHONE,
    "07700 **900123**": PHONE,
    "`07700 900123`": PHONE,
    "07700\\-900123": PHONE,
    "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13": PHONE,
    # NHS numbers
    "943 476 5919": NHS,
    "9434765919": NHS,
    "943-476-5919": NHS,
    "943.476.5919": NHS,
    "943/476/5919": NHS,
    "943&nbsp;476&nbsp;5919": NHS,
    # National Insurance numbers
    "AB123456C": NINO,
    "AB 12 34 56 C": NINO,
    "ab 12 34 56 c": NINO,
    "ab123456c": NINO,
    "AB  12  34  56  C": NINO,
    "QQ 12 34 56 C": LIKE_NINO,
    "DA123456A": LIKE_NINO,
    "GB123456A": LIKE_NINO,
    # postcodes
    "SW1A 2AA": POSTCODE,
    "sw1a 2aa": POSTCODE,
    "SW1A2AA": POSTCODE,
    "SW1A  2AA": POSTCODE,
    "SW1A\u00a02AA": POSTCODE,
    "BL1 1RU": POSTCODE,
    "m1 1ae": POSTCODE,
}


@pytest.mark.parametrize(("text", "kind"), SPELLINGS.items(), ids=list(SPELLINGS))
def test_every_spelling_is_found_and_traced_back(text: str, kind: str) -> None:
    found = list(personal.find_personal_data(f"Note: {text}."))
    assert [finding.kind for finding in found] == [kind]
    # The finding's text and start are the original's, so it can be hidden where it stands.
    assert f"Note: {text}."[found[0].start :].startswith(found[0].text)
    assert found[0].text.strip("`*") in text


ORDINARY = [
    "Email enquiries@bolton.gov.uk or info@healthwatchyork.co.uk.",
    "Contact the PPI team: ppi.team@hscni.net or ppi_team@hscni.net.",
    "In 2017, 100 staff and 5 people took part; 24/7 care; 0.5 posts.",
    "Phase 2 ran 2016-2018 with 1,200 people, then 2017-2019 and 2019/20.",
    "1,000 people; 10,000,000 visits; 1 000 000 pounds.",
    "Reference 1234567890 is not an NHS number (bad checksum).",
    "ISBN 978-0-19-852663-6, ISBN 0-19-852663-6, ISBN 0198526636, ISSN 1472-6963.",
    "Version 1.2.3 and 10.4.22.1; release 2.0.",
    "Held on 01.02.2019, 01/02/2019, 1-2-2019 and 07.03.2019; 123 people came.",
    "doi:10.1136/bmj.m1234 and https://doi.org/10.3310/hsdr07010.",
    "See pages 123-145 and pp. 1203-1219.",
    "It cost £1,234.56, then £12,345,678.90.",
    "Up 45% to 97.5%.",
    "From 10.30 to 16.45, or 9:30 to 17:00.",
    "Registered charity 1234567 (SC012345); company 01234567 (NI012345).",
    "ODS codes RBV, Y01234, RW3, 00Q and J82132.",
    "The BL1 area, M1 and SW1A.",
    "Cohort B2 2nd wave; E1 1st year.",
    "Freephone 0800 123 4567 and 0845 600 1234.",
    "Available at gov.uk and at www.england.nhs.uk.",
    "The meeting at St. Mary's; look at nhs.uk.",
    "Scores of 12 34 56 and more.",
    "Tables 1.1-1.12; section 3.4.5.6.",
    "Coordinates 53.5769, -2.4282.",
    "PMID 31234567; UKPRN 10007792; NCT01234567.",
    "COVID-19 in 2020/21; ICS 2022-23; Q3 2023.",
    "A1 A2 B12 Y1 year 2.",
    "**2019**: *1,200* people and `v1.2`.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert list(personal.find_personal_data(text)) == []


PROSE = "Carers and staff planned the new service together over several months. " * 30
"""Ordinary prose with no digit or bracket: in a text this long, digits are rare, and the
searches that start with one are tried only where `str.find` found one."""


@pytest.mark.parametrize(("text", "kind"), SPELLINGS.items(), ids=list(SPELLINGS))
def test_every_spelling_is_found_inside_a_long_story(text: str, kind: str) -> None:
    story = f"{PROSE}Note: {text}.\n\n{PROSE}"
    found = list(personal.find_personal_data(story))
    assert [finding.kind for finding in found] == [kind]
    assert story[found[0].start :].startswith(found[0].text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_inside_a_long_story_is_not_personal_data(text: str) -> None:
    assert list(personal.find_personal_data(f"{PROSE}{text}\n\n{PROSE}")) == []


def _check(front: str = "", body: str = "The story.\n", slug: str = "a") -> list[Problem]:
    text = case_study(front, body)
    read = frontmatter.read(text.encode(), "a.md")
    assert isinstance(read, frontmatter.FrontMatter)
    result = validate.validate(read, "a.md", slug, vocabulary.load(VOCABULARY))
    return result if isinstance(result, list) else []


CONSENT = "consent:\n  status: obtained\n  date: 2026-01-01\n  reference: {}\n"


def test_consent_allows_personal_data_in_the_story_and_fields() -> None:
    assert _check(CONSENT.format("Consent log 4"), body="Contact jane.smith@nhs.net.\n") == []


def test_consent_never_covers_the_consent_reference_or_the_file_name() -> None:
    problems = _check(CONSENT.format("Call 07700 900123"), slug="patient-9434765919")
    assert [(p.line, p.field, p.found) for p in problems] == [
        (1, "file name", "an NHS number (ending '19')"),
        (12, "consent.reference", "a UK phone number (ending '23')"),
    ]
    assert all(p.expected == personal.PERSONAL_DATA_EXPECTED for p in problems)
    assert "web address" in problems[0].hint and "open data" in problems[1].hint


def test_a_message_names_field_line_and_kind_never_the_value() -> None:
    body = "First line.\n\nCall 07700 *900123* or write to jane.smith&#64;nhs.net.\n"
    problems = _check("place: SW1A 2AA\n", body=body)
    shown = "\n".join(map(str, problems))
    assert [(p.line, p.field) for p in problems] == [(9, "place"), (14, "body"), (14, "body")]
    for value in ("900123", "jane.smith", "2AA"):
        assert value not in shown


def test_an_unissued_prefix_is_asked_about() -> None:
    (problem,) = _check(body="Ref QQ 12 34 56 C.\n")
    assert str(problem).startswith(
        "a.md:11: body: something that looks like a National Insurance number"
    )
    assert "(if it is not one, reword it" in str(problem)


def test_redaction_hides_every_spelling() -> None:
    from evidence_bank.core import issue_form

    text = "Ring 07700 *900123*, mail jane.smith&#64;nhs.net, at SW1A\u00a02AA."
    redacted = issue_form.redact(text)
    assert "900123" not in redacted and "jane" not in redacted and "2AA" not in redacted
    assert redacted.count("not repeated here") == 3


HOSTILE = {
    "digits": "1" * (1 << 20),
    "spaced digits": "1 " * (1 << 19),
    "number-like groups": "07700 " * ((1 << 20) // 6),
    "one long word": "a" * (1 << 20),
    "at signs": "a@" * (1 << 19),
    "at words": "x.y at " * ((1 << 20) // 7),
    "a long domain": "a@" + "b." * (1 << 19),
    "entities": "&#64;" * ((1 << 20) // 5),
    "emphasis": "*_" * (1 << 19),
    "invisible": "\u200b1" * (1 << 19),
    "full-width": "\uff10" * (1 << 20),
    "letters and digits": "AB12 1AA " * ((1 << 20) // 9),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_a_megabyte_of_hostile_text_is_read_in_one_pass(text: str) -> None:
    """No timing: a quadratic pattern would not finish (each takes under a second)."""
    list(personal.find_personal_data(text))


def test_no_false_positives_in_the_real_bank_guidance_and_synthetic_bank() -> None:
    vocab = vocabulary.load(VOCABULARY)
    found: dict[str, list[str]] = {}
    real = sorted((ROOT / "case_studies").glob("*.md"))
    guidance = sorted((ROOT / "content").rglob("*.md"))
    for path in real:
        read = frontmatter.read(path.read_bytes(), path.name)
        assert isinstance(read, frontmatter.FrontMatter)
        problems = personal.check_case_study(read, path.name, path.stem, consented=False)
        found.setdefault("real", []).extend(map(str, problems))
    for path in guidance:
        findings = personal.find_personal_data(path.read_text(encoding="utf-8"))
        found.setdefault("guidance", []).extend(f"{path.name}: {f.kind}" for f in findings)
    for number in range(1, 1001):
        slug, text = synthetic.case_study(number, vocab)
        read = frontmatter.read(text.encode(), f"{slug}.md")
        assert isinstance(read, frontmatter.FrontMatter)
        problems = personal.check_case_study(read, f"{slug}.md", slug, consented=False)
        found.setdefault("synthetic", []).extend(map(str, problems))
    assert len(real) >= 5 and len(guidance) >= 10
    assert found == {"real": [], "guidance": [], "synthetic": []}
