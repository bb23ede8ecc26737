"""What the bank does to the theme's own templates (Material for MkDocs), through Jinja alone."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

import jinja2


def share_navigation(env: Any) -> None:
    """Hack: Material renders the whole navigation into every page (`partials/nav.html`, in
    MkDocs' Jinja environment `env`). For a page outside the navigation (every case study) no
    item in it is marked, and its links are relative to the page's folder, so it is the same for
    every such page in one folder: it is rendered once a folder (at 2,000 case studies, 12% of
    the build's time). This wraps the compiled template's render function, which `{% include %}`
    calls; a test builds a site with and without it, byte-identical."""
    try:
        template = env.get_template("partials/nav.html")
    except jinja2.TemplateNotFound:  # Not Material: nothing to share.
        return
    render, shared = template.root_render_func, {}

    def once_a_folder(context: Any) -> Iterator[str]:
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or page in nav.pages:
            yield from render(context)
            return
        key = (posixpath.dirname(page.url.rstrip("/")), context.get("base_url"))
        if key not in shared:
            shared[key] = "".join(render(context))
        yield shared[key]

    template.root_render_func = once_a_folder
