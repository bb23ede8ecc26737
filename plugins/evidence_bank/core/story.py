"""The story: what a case study's markdown (the text after its front matter) may hold.

A story may not carry raw HTML, script or data addresses (`javascript:`, `vbscript:`, `data:`, in
any case, with entities, or with spaces and control characters that browsers ignore) or
attributes other than `id` and `class` set with `attr_list`. Its links to the site's own pages
must reach a page (and an anchor) that exists.

The story is checked on the document Python-Markdown parses with the site's extensions
(`MarkdownExtensions`: the build passes MkDocs' own, `./scripts/validate` reads the same from
mkdocs.yml), not by patterns over the text: an address is found wherever markdown makes one
(inline links, reference definitions inside quotes and list items, images by reference,
footnotes, autolinks), and code (where `<b>` is just text) is never mistaken for HTML. Markdown
keeps no line numbers, so each problem names the first line that holds the address or the HTML
as written, else as a browser reads it (entities decoded, ignored characters removed), else the
story's first line.

`limits.check` runs first: a story it refuses is not parsed, so the parse is linear in the
story's size.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from . import limits
from .model import CaseStudy
from .problems import Problem


@dataclass(frozen=True)
class MarkdownExtensions:
    """The markdown extensions a site renders stories with, as plain data: the check parses a
    story with them, so that it finds what the site will make of it. Python-Markdown's
    `extensions` and `extension_configs`; MkDocs' `markdown_extensions` and `mdx_configs`."""

    names: tuple[str, ...]
    """Each extension's name (`attr_list`) or import path (`pymdownx.tilde`,
    `package.module:Class`), in the order they are loaded."""
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The settings of those that have any, by name."""


DEFAULT_EXTENSIONS = MarkdownExtensions(
    ("toc", "tables", "fenced_code", "attr_list", "admonition", "footnotes"),
    {"toc": {"permalink": False}},
)
"""What a caller that knows no site checks stories with (tests, scripts): what MkDocs makes of
this project's mkdocs.yml (its three built-in extensions first). The build and
`./scripts/validate` pass the site's own; a test keeps this in step with mkdocs.yml."""


def extensions_from(
    extensions: Iterable[Any], configs: Mapping[str, Mapping[str, Any]] | None = None
) -> MarkdownExtensions:
    """Extensions as Python-Markdown takes them (and MkDocs holds them once its configuration
    is read): names, with settings by name in `configs`, or extension objects (a plugin may add
    one to MkDocs' list), each named here by its class's import path, with its settings."""
    names: list[str] = []
    settings: dict[str, dict[str, Any]] = {}
    for extension in extensions:
        if isinstance(extension, str):
            name, config = extension, (configs or {}).get(extension)
        else:
            kind = type(extension)
            name, config = f"{kind.__module__}:{kind.__qualname__}", extension.getConfigs()
        names.append(name)
        if config:
            settings[name] = dict(config)
    return MarkdownExtensions(tuple(names), settings)


BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
"""Addresses that run a script or carry a document of their own."""

_IGNORED = re.compile("[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200d\u2028\u2029\u2060\ufeff]")
"""Characters a browser ignores in an address (tabs, line breaks, controls), or that cannot be
seen: removed before an address is compared with `BAD_SCHEMES`."""

_ENTITY = re.compile(r"^&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);$")
_ALIGN = re.compile(r"^text-align: (?:left|right|center);?$")
_MARKDOWN_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"style"}),
    "td": frozenset({"style"}),
}
"""Attributes markdown itself writes, beyond `id` and `class` (allowed on every element)."""

MAX_REPORTED = 20
"""At most this many problems of one kind are reported for one story: each is traced to its line
by a pass over the story, and a hostile story could otherwise hold thousands."""

SAFE_EXPECTED = (
    "addresses starting https:// (or http:// or mailto:); script and data addresses are not allowed"
)


@dataclass(frozen=True, slots=True)
class StoryCheck:
    """What checking a story found."""

    problems: list[Problem]
    """Everything unsafe in it, or too large or too deeply nested to read."""
    links: tuple[str, ...]
    """The relative addresses it links to (pages, files and anchors of the site), each once, in
    the order they first appear: what `check_links` checks against the built site."""


def script_scheme(address: str) -> str | None:
    """'javascript', 'vbscript' or 'data' if a browser would read `address` (an attribute's value
    as written in HTML) as such an address; otherwise None."""
    bare = _IGNORED.sub("", html.unescape(address)).lower()
    for scheme in BAD_SCHEMES:
        if bare.startswith(scheme):
            return scheme[:-1]
    return None


def check_body(
    body: str, body_line: int, path: str, extensions: MarkdownExtensions | None = None
) -> list[Problem]:
    """Every problem with a case study's story (`body`, which starts at file line `body_line`)."""
    return read(body, body_line, path, extensions).problems


def read(
    body: str, body_line: int, path: str, extensions: MarkdownExtensions | None = None
) -> StoryCheck:
    """Check a story, parsed with `extensions` (None: `DEFAULT_EXTENSIONS`): its problems and
    the links `check_links` will check."""
    problems = limits.check(body, body_line, path)
    if problems:
        return StoryCheck(problems, ())
    # Without '[' or '<' there is no link, image, footnote, autolink or HTML, and without '{' no
    # attribute list: nothing to parse (most stories).
    if not any(char in body for char in "[<{"):
        return StoryCheck([], ())
    root, raw = _parse(body, extensions or DEFAULT_EXTENSIONS)
    lines = _Lines(body, body_line)
    found = _Found(path, lines)
    links: dict[str, None] = {}
    for element in root.iter():
        allowed = _MARKDOWN_ATTRIBUTES.get(str(element.tag), frozenset())
        for name, value in element.attrib.items():
            if name in ("href", "src"):
                scheme = script_scheme(value)
                if scheme is not None:
                    found.address(scheme, value)
                elif not _parses(value):
                    found.add(
                        f"a link or image address that cannot be read: '{value}'",
                        "a web address starting https:// with a site's name after it "
                        "(https://www.nhs.uk/...), or a link to another page of this site",
                        value,
                    )
                elif _is_relative(value):
                    links.setdefault(value, None)
            if name in ("id", "class") or (name in allowed and name != "style"):
                continue
            if name == "style" and name in allowed and _ALIGN.match(value):
                continue
            found.add(
                f"the attribute '{name}' set with {{: ...}}",
                "only #id and .class in attribute lists",
                f"{name}=",
                name,
            )
    for block in raw:
        snippet = block.strip().split("\n", 1)[0]
        shown = snippet if len(snippet) <= 40 else snippet[:39] + "…"
        found.add(
            f"raw HTML ({shown!r})",
            "markdown only: write **bold**, *italic*, [links](https://...) and lists in "
            "markdown; HTML is not allowed in case studies",
            snippet,
        )
        for value in _RawAttributes.values(block):
            scheme = script_scheme(value)
            if scheme is not None:
                found.address(scheme, value)
    return StoryCheck(found.problems, tuple(links))


class _Converter(NamedTuple):
    extensions: MarkdownExtensions
    markdown: Any
    """A Python-Markdown converter with `extensions`."""
    html_block: Any
    """Its block HTML reader (the `html_block` preprocessor), if it has one."""
    inline_html: list[Any]
    """What its inline HTML reader sets aside, since the last story."""


_converter: _Converter | None = None
"""The last converter made: made on first use (importing markdown costs ~30 ms at start-up),
and again only for other extensions."""


def _parse(body: str, extensions: MarkdownExtensions) -> tuple[Element, list[str]]:
    """The element tree Python-Markdown makes of `body` with the site's extensions (every block,
    inline and tree step: references resolved, footnotes placed, attribute lists applied), and
    the raw HTML the author wrote (entities excluded). The steps `Markdown.convert` runs, short
    of writing HTML out.

    Raw HTML is what Python-Markdown's own HTML readers set aside: the block reader and the
    inline one. Extensions set their own output aside in the same place (`fenced_code` a code
    block's HTML), and that is not the author's HTML."""
    converter = _converter_for(extensions)
    md = converter.markdown
    md.reset()
    converter.inline_html.clear()
    stash = md.htmlStash.rawHtmlBlocks
    written: list[Any] = []
    lines = body.split("\n")
    for preprocessor in md.preprocessors:
        before = len(stash)
        lines = preprocessor.run(lines)
        if preprocessor is converter.html_block:
            written += stash[before:]
    root: Element = md.parser.parseDocument(lines).getroot()
    for treeprocessor in md.treeprocessors:
        replaced = treeprocessor.run(root)
        if replaced is not None:
            root = replaced
    raw = [
        block
        for block in written + converter.inline_html
        if isinstance(block, str) and not _ENTITY.match(block.strip())
    ]
    return root, raw


def _converter_for(extensions: MarkdownExtensions) -> _Converter:
    global _converter
    if _converter is None or _converter.extensions != extensions:
        import markdown
        from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor

        found: list[Any] = []

        class InlineHtml(HtmlInlineProcessor):
            """Python-Markdown's inline HTML reader, noting what it sets aside."""

            def handleMatch(self, m: re.Match[str], data: str) -> Any:  # type: ignore[override]
                placeholder, start, end = super().handleMatch(m, data)
                found.append(self.md.htmlStash.rawHtmlBlocks[-1])
                return placeholder, start, end

        md = markdown.Markdown(
            extensions=list(extensions.names), extension_configs=extensions.configs
        )
        # Compat: Python-Markdown registers its inline HTML reader as 'html', at priority 90.
        md.inlinePatterns.register(InlineHtml(HTML_RE, md), "html", 90)
        readers = md.preprocessors
        html_block = readers["html_block"] if "html_block" in readers else None  # noqa: SIM401 (no .get)
        _converter = _Converter(extensions, md, html_block, found)
    return _converter


class _RawAttributes(HTMLParser):
    """The attribute values of raw HTML (which is refused anyway; this says when it also holds a
    script address)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for _, value in attrs if value]

    @classmethod
    def values(cls, block: str) -> list[str]:
        reader = cls()
        reader.feed(block)
        reader.close()
        return reader.found


class _Lines:
    """Finds the story line that holds a piece of text."""

    def __init__(self, body: str, body_line: int) -> None:
        self.lines = body.split("\n")
        self.first = body_line
        self._plain: list[str] | None = None

    def of(self, *needles: str) -> int:
        """The line of the first needle found: as written, else as a browser reads it (entities
        decoded, ignored characters removed, in any case); else the story's first line."""
        for needle in needles:
            written = needle.strip().split("\n", 1)[0]
            if written:
                for index, line in enumerate(self.lines):
                    if written in line:
                        return self.first + index
        if self._plain is None:
            self._plain = [_plain(line) for line in self.lines]
        for needle in needles:
            plain = _plain(needle)
            if plain:
                for index, line in enumerate(self._plain):
                    if plain in line:
                        return self.first + index
        return self.first


def _plain(text: str) -> str:
    return _IGNORED.sub("", html.unescape(text)).lower()


class _Found:
    """Problems of one story, each traced to its line; at most `MAX_REPORTED` of one kind."""

    def __init__(self, path: str, lines: _Lines) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []
        self.kinds: dict[str, int] = {}
        self.seen: set[tuple[str, tuple[str, ...]]] = set()

    def add(self, found: str, expected: str, *needles: str) -> None:
        key = (found, needles)
        kind = found.split("(", 1)[0]
        if key in self.seen or self.kinds.get(kind, 0) >= MAX_REPORTED:
            return
        self.seen.add(key)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        problem = Problem(self.path, self.lines.of(*needles), "body", found, expected)
        if problem not in self.problems:
            self.problems.append(problem)

    def address(self, scheme: str, value: str) -> None:
        self.add(
            f"a link or image address starting '{scheme}:'",
            SAFE_EXPECTED,
            value,
            f"{scheme}:",
        )


# -- links to the site's own pages -------------------------------------------------------------


def _parses(address: str) -> bool:
    """Whether `address` can be read as a web address at all (a host in square brackets that is
    no IPv6 address, `https://[x]/`, cannot: MkDocs would stop with Python's error on it)."""
    try:
        urlsplit(address)
    except ValueError:
        return False
    return True


def _is_relative(address: str) -> bool:
    """Whether MkDocs resolves `address` against the site's files: no scheme, no host, not
    absolute (`/...`), and a path or an anchor."""
    parts = urlsplit(address)
    return not (parts.scheme or parts.netloc or address.startswith(("/", "\\"))) and bool(
        parts.path or parts.fragment
    )


def page_of(study: CaseStudy) -> str:
    """A case study's page as a path below `docs_dir` (`case-studies/<slug>.md`): what the
    story's relative links are resolved from."""
    return f"case-studies/{study.slug}.md"


def check_links(
    studies: Iterable[CaseStudy],
    files: Collection[str],
    anchors: Callable[[str], Collection[str] | None] | None = None,
) -> list[Problem]:
    """Links in the stories to files of the site that do not exist, or (given `anchors`) to
    anchors a page does not have.

    `files`: every file of the site by its path below `docs_dir` (generated pages included);
    `anchors(path)`: the ids of that page, or None if they are not known. A link is resolved as
    MkDocs resolves it, from the case study's own page (`page_of`), so a story links to another
    case study as `other-case-study.md` and to a guidance page as `../guidance/ladder.md`."""
    problems = []
    for study in studies:
        here = page_of(study)
        reported = 0
        for address in study.links:
            if reported == MAX_REPORTED:
                break
            problem = _link_problem(address, here, files, anchors)
            if problem is not None:
                found, expected, hint = problem
                line = _Lines(study.body, study.body_line).of(f"({address}", address)
                problems.append(Problem(study.path, line, "body", found, expected, hint))
                reported += 1
    return problems


def _link_problem(
    address: str,
    here: str,
    files: Collection[str],
    anchors: Callable[[str], Collection[str] | None] | None,
) -> tuple[str, str, str] | None:
    parts = urlsplit(address)
    target = here
    if parts.path:
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(here), unquote(parts.path))
        ).lstrip("/")
        if target not in files:
            guess = _guess(target, here, unquote(parts.path), files)
            return (
                f"a link to '{address}', which is no page or file of the site "
                f"('{target}' below the site's pages)",
                "a link to a page's markdown file, relative to this case study's page "
                "(another-case-study.md, ../guidance/ladder.md), or a full address https://...",
                f"did you mean '{guess}'?" if guess else "",
            )
    if not parts.fragment or anchors is None:
        return None
    ids = anchors(target)
    if ids is None or parts.fragment in ids:
        return None
    close = difflib.get_close_matches(parts.fragment, sorted(ids), n=1, cutoff=0.6)
    page = "this page" if target == here else f"'{target}'"
    return (
        f"a link to '{address}', but {page} has no anchor '#{parts.fragment}'",
        "the id of a heading on that page (a heading's words in lower case, joined by '-')",
        f"did you mean '#{close[0]}'?" if close else "",
    )


def _guess(target: str, here: str, path: str, files: Collection[str]) -> str | None:
    """The file a broken link most likely meant, as a link from `here`: the page's markdown file
    for an address written as a web address (`../ladder/`), else the closest name."""
    stem = target.removesuffix("/").removesuffix(".html").removesuffix("/index")
    # An address relative to the page's web address (case-studies/<slug>/), as a browser reads it.
    from_url = posixpath.normpath(posixpath.join(here[:-3], path)).removesuffix("/")
    for candidate in (
        f"{stem}.md",
        f"{stem}/index.md",
        f"{from_url}.md",
        f"{from_url}/index.md",
    ):
        if candidate in files:
            return posixpath.relpath(candidate, posixpath.dirname(here))
    pages = [name for name in files if name.endswith(".md")]
    close = difflib.get_close_matches(target, pages, n=1, cutoff=0.8)
    return posixpath.relpath(close[0], posixpath.dirname(here)) if close else None
