"""Where the bank is published: one address for every absolute link, and placeholders refused."""

from __future__ import annotations

import pytest
from evidence_bank.core.site import Site, placeholder_reason


@pytest.mark.parametrize(
    "url",
    [
        "https://myorg.github.io/evidence-bank/",
        "https://evidence.bolton.gov.uk/",
        "http://intranet.nhs.uk/bank/",
    ],
)
def test_real_addresses_are_accepted(url: str) -> None:
    assert placeholder_reason(url) is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (None, "site_url is not set"),
        ("", "site_url is not set"),
        ("https://evidence-bank.example.org/", "evidence-bank.example.org is reserved"),
        ("https://EXAMPLE.COM/", "example.com is reserved"),
        ("https://bank.example/", "is not a public address"),
        ("http://localhost:8000/", "localhost is not a public address"),
        ("http://127.0.0.1:8000/", "127.0.0.1 is not a public address"),
        ("https://site.test/", "is not a public address"),
        ("/just/a/path/", "has no host name"),
    ],
)
def test_placeholders_are_named(url: str | None, words: str) -> None:
    reason = placeholder_reason(url)
    assert reason is not None and words in reason


def test_addresses_follow_the_site_settings() -> None:
    site = Site(url="https://x.org/bank/")
    assert site.case_study_url("a-scheme") == "https://x.org/bank/case-studies/a-scheme/"
    assert site.permanent_url("cs-0007") == "https://x.org/bank/id/cs-0007/"
    files = Site(url="https://x.org/", directory_urls=False)
    assert files.case_study_url("a-scheme") == "https://x.org/case-studies/a-scheme.html"
    assert files.permanent_url("cs-0007") == "https://x.org/id/cs-0007/"  # a redirect folder
