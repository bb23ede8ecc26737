"""The plugin's options, as written under `plugins: - evidence-bank:` in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class EvidenceBankConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the `evidence-bank` plugin."""

    case_studies = c.Type(str, default="case_studies")
    """Folder of case-study files, relative to mkdocs.yml. It lives outside `docs_dir`: every
    file in it must become one published case study, or the build fails."""

    vocabulary = c.Optional(c.Type(str))
    """The vocabulary YAML file, relative to mkdocs.yml. Default: the one shipped with the
    plugin (`plugins/evidence_bank/vocabulary.yml`)."""

    templates = c.Optional(c.Type(str))
    """A folder of Jinja templates, relative to mkdocs.yml, that override the plugin's own
    (`case_study.html`, `principle.md`, ...) file by file."""

    allow_synthetic = c.Type(bool, default=False)
    """Accept case studies marked `synthetic: true`. Only for tests and benchmarks: the
    published site refuses them."""

    follow_links = c.Type(bool, default=False)
    """Read case-study files that are symbolic links. Only for `./scripts/preview` of a draft
    kept elsewhere, whose folder links to it: the published site refuses links unread."""

    search_index = c.Type(bool, default=True)
    """Index the built site with Pagefind after `mkdocs build`, for the search page. `mkdocs
    serve` skips it (it would slow every rebuild) unless `search_index_in_serve` is true."""

    search_index_in_serve = c.Optional(c.Type(bool))
    """Also index after every rebuild under `mkdocs serve`. Default: only while the bank is
    small enough (up to `core.build.SERVE_INDEX_LIMIT` case studies) for it to take well under
    a second."""

    content_security_policy = c.Type(bool, default=True)
    """Add a Content-Security-Policy `<meta>` to every page (not under `mkdocs serve`, whose
    live-reload script it would block): only the site's own files, and the page's own inline
    scripts and styles by hash."""

    url_lock = c.Optional(c.Type(str))
    """The URL lock file, relative to mkdocs.yml: every address the site has published, as a
    path from the site's root, one a line, append only. When set, `mkdocs build` fails if a
    locked address stops working (naming each one). New addresses are listed in the log; with
    the environment variable `EB_URL_LOCK=update` (the deploy workflow, or
    `./scripts/lock-urls`) they are appended to the lock."""

    require_site_url = c.Type(bool, default=False)
    """Fail the build when `site_url` is missing or a placeholder (an example or test domain,
    such as example.org): for the build that publishes the site, whose citations, permanent
    addresses and feeds are made from it. Without it, a missing `site_url` is a warning (so a
    strict build fails) and a placeholder is accepted, for local builds."""
