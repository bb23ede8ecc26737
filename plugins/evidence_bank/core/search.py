"""The search indexes Pagefind builds from the published case studies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchIndex:
    """One Pagefind index of the case studies: where it is written in the site and what it reads."""

    folder: str
    root_selector: str | None
    """The element Pagefind reads instead of the page's `data-pagefind-body`, if any."""


SEARCH_INDEXES = {
    # Titles, summaries and key facts only (the `.eb-card` at the top of each case study): small,
    # so the first results of any search cost little even in a bank of thousands.
    "summary": SearchIndex("pagefind-summary", ".eb-card"),
    # Every word of every case study: loaded after the first results are on the screen.
    "full": SearchIndex("pagefind", None),
}
"""The search indexes the build writes, and the search page reads."""
