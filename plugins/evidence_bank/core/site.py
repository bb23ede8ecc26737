"""The site the bank is published in: its name, its address and the day it was built.

Every absolute address in the bank's outputs (citations, permanent addresses, canonical links,
feeds, open data, structured data) is made from `Site.url`, which is MkDocs' `site_url` and
nothing else: moving the bank to a new address is a change of that one setting. The URL lock
records paths from the site's root, so they survive the move.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from .problems import Refusal

DEFAULT_NAME = "Co-production Evidence Bank"
"""The name the bank goes by when the site has none."""

RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
"""Domains reserved for documentation (RFC 2606): no site is ever published there."""

RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
"""Top-level names reserved for testing and documentation (RFC 2606, RFC 6761)."""


@dataclass(frozen=True)
class Site:
    """Where and as what the bank is published."""

    url: str = ""
    """The site's address, ending in `/` (MkDocs' `site_url`); empty when it is not set, and
    then every address in the outputs is a path from the site's root."""

    name: str = DEFAULT_NAME
    """The site's name (MkDocs' `site_name`): the author of every citation and feed."""

    built: str = "2000-01-01"
    """The day of the build (YYYY-MM-DD), from SOURCE_DATE_EPOCH when it is set."""

    directory_urls: bool = True
    """MkDocs' `use_directory_urls`: whether a page's address is a folder (`slug/`) or a file
    (`slug.html`)."""

    def case_study_url(self, slug: str) -> str:
        """A case study's page, absolute (`page_url` gives any page's, relative to the site)."""
        return self.url + page_url(f"case-studies/{slug}.md", self.directory_urls)

    def permanent_url(self, study_id: str) -> str:
        """A case study's permanent address, which always leads to its page."""
        return f"{self.url}id/{study_id}/"


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives a page at `src_uri`: the one place
    the bank's pages, links and exports get their addresses from."""
    stem = src_uri[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/" if directory_urls else f"{stem}.html"


MISSING_SITE_URL = (
    "site_url is not set in mkdocs.yml, so citations, permanent addresses, canonical links, "
    "feeds and the open data carry paths without the site's address (a citation would read "
    "'id/cs-0001/'), and CITATION.cff has no url. Set site_url to the address the site is "
    "published at, for example https://your-organisation.github.io/evidence-bank/"
)


def placeholder_reason(url: str | None) -> str | None:
    """Why `url` cannot be a published site's address (missing, or a reserved example or test
    domain), or None if it can."""
    if not url:
        return "site_url is not set"
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return f"site_url {url!r} has no host name"
    if host in RESERVED_DOMAINS or host.endswith(tuple(f".{d}" for d in RESERVED_DOMAINS)):
        return f"site_url {url} is a placeholder: {host} is reserved for examples"
    if host == "localhost" or host.endswith(RESERVED_SUFFIXES) or host.startswith("127."):
        return f"site_url {url} is a placeholder: {host} is not a public address"
    return None


class SiteUrlError(Refusal):
    """A site that cannot be published at the address it has."""


def check_site_url(url: str | None, *, required: bool) -> str | None:
    """What to warn of about `url` (every absolute address the bank publishes is made from
    it), or None; SiteUrlError when `required` (publishing) and it is missing or a
    placeholder."""
    reason = placeholder_reason(url)
    if reason is None:
        return None
    if required:
        raise SiteUrlError(
            f"{reason}. The site cannot be published with it: every citation, permanent "
            "address, feed and download would point there. Set site_url in mkdocs.yml to "
            "the address the site is published at (for example "
            "https://your-organisation.github.io/evidence-bank/)."
        )
    return None if url else MISSING_SITE_URL


def build_date() -> str:
    """The build's date: from SOURCE_DATE_EPOCH when set, so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()
