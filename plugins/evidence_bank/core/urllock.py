"""The URL lock: every address the site has ever published must keep working.

The lock is a committed text file, one address a line, that only ever grows. The check reads the
built site folder alone (not MkDocs), so it keeps protecting the addresses if the site generator
changes. It fails when:

- a locked address no longer resolves to a page, a file, or a redirect whose target exists;
- a redirect leads to another redirect (a chain) or to itself (a loop);
- `use_directory_urls`, which moves every path, differs from the lock's.

Addresses are paths from the site's root, so moving the site to a new address (`site_url`) keeps
every one of them. New addresses are not problems: `check` returns them, and the deploy on main
appends them (`write_lock`), so a contributor never touches the lock.

Pages 2 and beyond of a paginated list are not locked: they shift as the bank grows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .problems import Refusal
from .search import SEARCH_INDEXES

LOCKED_SUFFIXES = (".html", ".json", ".csv", ".xml", ".bib", ".ris", ".md", ".cff")
"""Kinds of file whose address is locked (pages, data, feeds, citations, downloads)."""

UNLOCKED_PREFIXES = (
    "assets/",
    "search/search_index",
    *(f"{index.folder}/" for index in SEARCH_INDEXES.values()),
)
"""Theme assets and the search index: their names carry content hashes and change freely."""

UNLOCKED_FILES = ("404.html", "sitemap.xml", "sitemap.xml.gz")

_PAGINATED = re.compile(r"/page/(?:[2-9]|[1-9][0-9]+)/$")
_REFRESH = re.compile(
    r"<meta\s+http-equiv=[\"']refresh[\"']\s+content=[\"']\s*0\s*;\s*url=([^\"']+)[\"']", re.I
)

HEADER = (
    "# Every address the evidence bank has published, as a path from the site's root (so a\n"
    "# new site_url keeps them all). Commissioners cite them, so each must keep working: as a\n"
    "# page, a file, or a redirect. Append only: never delete or change a line. The deploy on\n"
    "# main appends new addresses; ./scripts/lock-urls does the same by hand.\n"
)


@dataclass(frozen=True)
class Lock:
    """The lock file's setting and addresses."""

    use_directory_urls: bool | None
    urls: tuple[str, ...]


def read_lock(path: Path) -> Lock:
    directory_urls: bool | None = None
    urls: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("# use_directory_urls:"):
                directory_urls = line.split(":", 1)[1].strip() == "true"
            elif line and not line.startswith("#"):
                urls.append(line)
    return Lock(directory_urls, tuple(urls))


def write_lock(path: Path, lock: Lock, new: list[str]) -> None:
    """Append `new` addresses; write the setting once. Nothing is ever removed."""
    if not path.exists():
        text = HEADER
        text += f"# use_directory_urls: {'true' if lock.use_directory_urls else 'false'}\n"
        path.write_text(text, encoding="utf-8")
    if new:
        with path.open("a", encoding="utf-8") as out:
            out.writelines(f"{url}\n" for url in new)


def published_urls(site: Path) -> list[str]:
    """Every address the built site publishes, as a path from the site root."""
    urls = []
    for file in site.rglob("*"):
        if not file.is_file():
            continue
        relative = file.relative_to(site).as_posix()
        if (
            relative in UNLOCKED_FILES
            or relative.startswith(UNLOCKED_PREFIXES)
            or not relative.endswith(LOCKED_SUFFIXES)
        ):
            continue
        if relative == "index.html":
            url = "/"
        elif relative.endswith("/index.html"):
            url = "/" + relative[: -len("index.html")]
        else:
            url = "/" + relative
        if not _PAGINATED.search(url):
            urls.append(url)
    return sorted(urls)


def _file_for(site: Path, url: str) -> Path | None:
    path = site / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return path if path.is_file() else None


def _redirect_target(file: Path) -> str | None:
    if file.suffix != ".html":
        return None
    head = file.read_text(encoding="utf-8", errors="replace")[:4000]
    match = _REFRESH.search(head)
    return match.group(1) if match else None


def _join(url: str, link: str) -> str:
    base = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
    parts = [p for p in (base + link).split("/")]
    out: list[str] = []
    for part in parts:
        if part == "..":
            if len(out) > 1:
                out.pop()
        elif part != ".":
            out.append(part)
    return "/".join(out) if out and out[0] == "" else "/" + "/".join(out)


def check(
    site: Path, lock: Lock, *, use_directory_urls: bool | None = None
) -> tuple[list[str], list[str]]:
    """(problems, new addresses) for the built `site` against `lock`."""
    problems: list[str] = []
    if (
        lock.use_directory_urls is not None
        and use_directory_urls is not None
        and lock.use_directory_urls != use_directory_urls
    ):
        problems.append(
            f"use_directory_urls is {str(use_directory_urls).lower()} but the lock "
            f"was made with {str(lock.use_directory_urls).lower()}: changing it moves "
            "every published address"
        )
    published = published_urls(site)
    for url in published:
        file = _file_for(site, url)
        target = _redirect_target(file) if file else None
        if target is None:
            continue
        final = _join(url, target)
        if final == url:
            problems.append(f"{url} redirects to itself")
            continue
        target_file = _file_for(site, final)
        if target_file is None:
            problems.append(f"{url} redirects to {final}, which does not exist")
        elif _redirect_target(target_file) is not None:
            problems.append(f"{url} redirects to {final}, which is itself a redirect (a chain)")
    present = set(published)
    for url in lock.urls:
        if url not in present and not _PAGINATED.search(url):
            problems.append(
                f"{url} was published (it is in the URL lock) but this build no longer has "
                "it: keep the page, or list its old name under `aliases` in the renamed case "
                "study, or mark it `withdrawn` rather than deleting the file"
            )
    locked = set(lock.urls)
    new = [url for url in published if url not in locked]
    return problems, new


class LockError(Refusal):
    """Published addresses that stopped working, one a line."""


def enforce(site: Path, path: Path, shown: str, *, use_directory_urls: bool, update: bool) -> str:
    """Check the built `site` against the lock at `path` (`shown` as the log names it); with
    `update`, append the new addresses to it. Returns what to log; LockError if a published
    address stopped working."""
    lock = read_lock(path)
    problems, new = check(site, lock, use_directory_urls=use_directory_urls)
    if problems:
        raise LockError("Published addresses must keep working:\n" + "\n".join(problems))
    if update:
        write_lock(path, Lock(use_directory_urls, lock.urls), new)
        return f"{len(new)} new addresses added to {shown}"
    if not new:
        return f"every address is in {shown}"
    # New addresses are welcome: the deploy on main records them (README: the URL lock).
    listed = ", ".join(new[:5]) + (", ..." if len(new) > 5 else "")
    return f"{len(new)} new addresses, recorded in {shown} when the site is deployed: {listed}"
