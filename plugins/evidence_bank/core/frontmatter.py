"""Read a case-study file's bytes into front matter (with line numbers) and a markdown body.

We never rely on MkDocs' own front-matter reader: it catches every exception and carries on with
empty metadata, even under `--strict`. This module reads the YAML itself from the parser's event
stream, which lets it refuse what a hardened loader must refuse before anything is built:

- anchors, aliases and tags (so no alias bomb can expand, and no object is ever constructed);
- duplicate keys (PyYAML silently keeps the last one);
- nesting deeper than `MAX_DEPTH`, more than `MAX_NODES` values, or a front matter over
  `MAX_FRONT_MATTER_BYTES`;
- anything but one mapping of plain keys at the top.

Scalars are kept as the text the author wrote (`str`), or `None` for an empty value, `~` or
`null`. Types (whole numbers, true/false, dates) are decided later by the field's definition, not
by YAML 1.1's guesses, so `NO` stays the text "NO", `0755` is never octal, `12:30` is never a
number of minutes and `2017-02-30` is checked against the calendar rather than crashing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NoReturn, TypeAlias

import yaml

# libyaml's C parser and composer (in every PyYAML wheel we pin) are about ten times faster than
# the pure-Python ones, with the same events and nodes.
from yaml import CSafeLoader as _Loader
from yaml import MappingNode, ScalarNode, SequenceNode
from yaml._yaml import CParser as _CParser

from .problems import Problem
from .text import visible

MAX_FILE_BYTES = 1024 * 1024
"""A case-study file larger than this is refused (a real one is well under 100 KB)."""

MAX_FRONT_MATTER_BYTES = 128 * 1024
"""A front matter larger than this is refused."""

MAX_DEPTH = 6
"""How deeply lists and mappings may nest (the format needs 4)."""

MAX_NODES = 20_000
"""How many values (keys, scalars, lists, mappings) one front matter may hold."""

Value: TypeAlias = "str | list[Value] | dict[str, Value] | None"
KeyPath: TypeAlias = tuple[str | int, ...]
"""Where a value stands in the front matter: its keys and list indexes from the top, such as
`("pathway", "co-delivery", "principles", 0)` (`field_name` writes it as contributors read it)."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_CURLY_OPEN = "“‘„«»"
"""Quotes a word processor puts where straight quotes were typed (not ’ or ”: `’Twas`)."""
_CURLY_CLOSE = "”“’«»"
_KEY_LINE = re.compile(r"^\s*-?\s*([^\s:#][^:#]*?)\s*:(\s|$)")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A parsed case-study file: its front matter, where each value stands, and its body."""

    data: dict[str, Value]
    """The front matter mapping: text, `None`, lists and mappings only."""

    value_lines: dict[KeyPath, int] = field(repr=False)
    """The 1-based file line of every value, by its key path (`("pathway", "co-delivery")`)."""

    body: str
    """The markdown after the closing `---`, with line endings normalised to `\\n`."""

    body_line: int
    """The file line the body starts on."""

    texts: list[tuple[KeyPath, str]] | None = field(default=None, repr=False, compare=False)
    """Every text in `data` (each value that is not `None`, lists and mappings), with its key
    path, in the order written: gathered while reading, for the personal-data check (None when
    not gathered, as for a front matter made in code: the check then walks `data` itself)."""

    def all_texts(self) -> list[tuple[KeyPath, str]]:
        """Every text in `data` with its key path, in the order written: `texts`, or, for a
        front matter made in code, a walk of `data` (the personal-data check and the
        reference-mark check read them)."""
        if self.texts is not None:
            return self.texts
        found: list[tuple[KeyPath, str]] = []
        _add_texts(self.data, (), found)
        return found

    def line(self, path: KeyPath) -> int:
        """The line of `path`, or of its nearest parent that has one."""
        while path:
            if path in self.value_lines:
                return self.value_lines[path]
            path = path[:-1]
        return 2


def field_name(path: KeyPath) -> str:
    """A path as contributors read it: `pathway.co-delivery.principles[2]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            shown = visible(part)
            text += f".{shown}" if text else shown
    return text or "front matter"


OTHER_LINE_BREAKS = {
    "\x85": "U+0085 NEXT LINE",
    "\u2028": "U+2028 LINE SEPARATOR",
    "\u2029": "U+2029 PARAGRAPH SEPARATOR",
}
"""Characters YAML reads as the end of a line, besides the newline itself."""

_OTHER_LINE_BREAK = re.compile("[\x85\u2028\u2029]")

_ODD_SPACE_AFTER_KEY = re.compile(
    r"[ \t]*(?:-[ \t]+)?([^\s:#'\"\[\]{},&*!|>%@`-][^:#\n]{0,60}?)"
    r":([\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff])"
)
"""A key followed by a colon and a space YAML does not count as one (a no-break space, as
word processors and some keyboards type)."""


def _space_name(space: str) -> str:
    return f"a {unicodedata.name(space, 'special space').lower()} (U+{ord(space):04X})"


def read(data: bytes, path: str) -> FrontMatter | list[Problem]:
    """Parse one case-study file's bytes; return the front matter or every problem found."""

    def problem(line: int, fld: str, found: str, expected: str, hint: str = "") -> list[Problem]:
        return [Problem(path, line, fld, found, expected, hint)]

    if len(data) > MAX_FILE_BYTES:
        return problem(
            1,
            "file",
            f"a file of {len(data):,} bytes",
            f"a case study under {MAX_FILE_BYTES // 1024:,} KB; link to long material instead",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return problem(
            1,
            "file",
            "a file saved as UTF-16",
            "a file saved as UTF-8 (choose 'UTF-8' in your editor's Save As options)",
        )
    if data.startswith(b"\xef\xbb\xbf"):  # A UTF-8 byte order mark: harmless, accepted.
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.start + 1].hex()
        return problem(
            line,
            "file",
            f"a byte (0x{bad}) that is not valid UTF-8 text",
            "a file saved as UTF-8 (choose 'UTF-8' in your editor's Save As options)",
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return problem(
            line, "file", "a NUL character (a binary file?)", "a plain text markdown file"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # CRLF (Windows) and CR accepted.

    if not text.strip():
        return problem(
            1,
            "file",
            "an empty file",
            "front matter between two '---' lines, then the story in markdown",
        )
    first = text.split("\n", 1)[0]
    if first.rstrip() != "---":
        return problem(
            1,
            "front matter",
            f"the file starts with {_quote(first)}",
            "a first line of exactly '---', opening the front matter",
        )
    opened = len(first)  # The line break after the opening '---'.
    closed = _closing_line(text, opened)  # The line break before the closing one.
    if closed is None:
        return problem(
            1,
            "front matter",
            "no closing '---' line",
            "a line of exactly '---' after the last field and before the story",
        )
    close = text.count("\n", 0, closed + 1)  # The closing line's index.
    source = text[opened + 1 : closed] + "\n"
    # Most front matter is plain ASCII and holds none of the characters looked for below: one
    # scan of the whole text, not a Python loop over every character, decides that.
    suspect = [] if source.isascii() else source[:-1].split("\n")
    for number, written in enumerate(suspect, 2):
        if written.isascii():
            continue
        odd_space = _ODD_SPACE_AFTER_KEY.match(written)
        if odd_space:
            # YAML reads `title:<no-break space>x` as text, not as a field, and reports it
            # lines later; say so on the line itself.
            key, space = odd_space.group(1).strip(), odd_space.group(2)
            return problem(
                number,
                visible(key),
                f"{_space_name(space)} after '{visible(key)}:'",
                "an ordinary space after the colon (retype the space)",
            )
        # YAML ends a line at these too, so every line number after one would be wrong.
        breaks = _OTHER_LINE_BREAK.search(written)
        if breaks:
            return problem(
                number,
                "front matter",
                "a line break character that editors do not show "
                f"({OTHER_LINE_BREAKS[breaks.group(0)]})",
                "ordinary text on each line (retype the line, or paste it as plain text)",
            )
    if len(source.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        return problem(
            2,
            "front matter",
            f"a front matter of {len(source.encode('utf-8')):,} bytes",
            f"a front matter under {MAX_FRONT_MATTER_BYTES // 1024} KB; put long text in the story",
        )
    reader = _reader(source, path, first_line=2)
    mapping = reader.run()
    if isinstance(mapping, list):
        return mapping
    after = text.find("\n", closed + 1)
    body = "" if after < 0 else text[after + 1 :]
    return FrontMatter(mapping, reader.value_lines, body, close + 2, reader.texts)


def _closing_line(text: str, start: int) -> int | None:
    """The index of the line break before the first line after `start` that is '---' (and
    spaces), or None. Only lines that start '---' are looked at, found by `str.find`."""
    at = text.find("\n---", start)
    while at >= 0:
        end = text.find("\n", at + 1)
        if text[at + 1 : None if end < 0 else end].rstrip() == "---":
            return at
        at = text.find("\n---", at + 1)
    return None


def read_yaml(
    source: str, path: str, first_line: int = 1
) -> tuple[dict[str, Value], dict[KeyPath, int]] | list[Problem]:
    """Read a YAML mapping with the hardened rules above (also used for the vocabulary file).

    `first_line` is the file line that `source` starts on, so that problems name file lines.
    """
    reader = _reader(source, path, first_line)
    result = reader.run()
    return result if isinstance(result, list) else (result, reader.value_lines)


def _reader(source: str, path: str, first_line: int) -> _EventReader:
    return (_EventReader if _has_markers(source) else _NodeReader)(path, source, first_line)


_MARKERS = re.compile(r"(?:^|[\s\[\{,])[&*!]|^(?:%|---|\.\.\.)", re.MULTILINE)
"""Characters that could start an anchor, alias, tag, directive or document marker. Sources
with none (almost all) take the fast path; the rest are read event by event, which reports each
of these exactly."""


def _has_markers(source: str) -> bool:
    # Substring tests first: they are much faster than the pattern, and usually enough.
    if "&" in source or "*" in source or "!" in source:
        return bool(_MARKERS.search(source))
    text = "\n" + source
    return "\n%" in text or "\n---" in text or "\n..." in text


def _quote(text: str, limit: int = 40) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _Stop(Exception):
    """Raised inside the reader to stop at the first structural problem."""


class _EventReader:
    """Builds plain values from PyYAML's parser events, refusing what a hardened loader must."""

    def __init__(self, path: str, source: str, first_line: int) -> None:
        self.path = path
        self.source = source
        self.first_line = first_line
        self.source_lines = source.split("\n")
        self.value_lines: dict[KeyPath, int] = {}
        self.texts: list[tuple[KeyPath, str]] = []
        """Every text read, with its path (`FrontMatter.texts`): gathered in this one walk
        rather than by another walk of the values for the personal-data check."""
        self.problems: list[Problem] = []
        self.nodes = 0

    def run(self) -> dict[str, Value] | list[Problem]:
        events = yaml.parse(self.source, Loader=_Loader)
        try:
            root = self._document(events)
        except yaml.MarkedYAMLError as error:
            return [self._syntax_problem(error)]
        except yaml.YAMLError as error:
            return [self._unreadable(error)]
        except _Stop:
            return self.problems
        if self.problems:
            return self.problems
        return root

    # -- structure ---------------------------------------------------------------------------

    def _document(self, events: Iterator[yaml.Event]) -> dict[str, Value]:
        next(events)  # StreamStart
        start = next(events)
        if isinstance(start, yaml.StreamEndEvent):
            self._empty()
        assert isinstance(start, yaml.DocumentStartEvent)
        if start.version or start.tags:
            self._stop(
                self._line(start),
                "front matter",
                "a YAML directive (a line starting '%')",
                "plain 'field: value' lines only",
            )
        first = next(events)
        self._top(first, isinstance(first, yaml.MappingStartEvent))
        assert isinstance(first, yaml.MappingStartEvent)
        root = self._mapping(first, events, (), 1)
        next(events)  # DocumentEnd
        extra = next(events)
        if not isinstance(extra, yaml.StreamEndEvent):
            self._stop(
                self._line(extra),
                "front matter",
                "a second YAML document ('---' inside)",
                "one front matter, closed by the first line of '---'",
            )
        return root

    def _value(
        self, event: yaml.Event, events: Iterator[yaml.Event], path: KeyPath, depth: int
    ) -> Value:
        self._count(self._line(event), path, depth)
        if isinstance(event, yaml.AliasEvent):
            self._stop(
                self._line(event),
                field_name(path),
                f"an alias ('*{event.anchor}'), which repeats another value",
                "the value written out in full (anchors and aliases are not allowed)",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._stop(
                self._line(event),
                field_name(path),
                f"an anchor ('&{anchor}')",
                "the value written out in full (anchors and aliases are not allowed)",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            self._stop(
                self._line(event),
                field_name(path),
                f"a YAML tag ('{_short_tag(tag)}')",
                "a plain value without a '!' tag",
            )
        self.value_lines[path] = self._line(event)
        if isinstance(event, yaml.ScalarEvent):
            if event.implicit[0] and event.value in _NULLS:  # plain empty, ~ or null
                return None
            self.texts.append((path, event.value))
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Value] = []
            for index, item in enumerate(_until(events, yaml.SequenceEndEvent)):
                items.append(self._value(item, events, (*path, index), depth + 1))
            return items
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(event, events, path, depth)
        raise AssertionError(f"unexpected YAML event {event!r}")  # pragma: no cover

    def _mapping(
        self, start: yaml.MappingStartEvent, events: Iterator[yaml.Event], path: KeyPath, depth: int
    ) -> dict[str, Value]:
        if path == ():
            self.value_lines[path] = self._line(start)
        result: dict[str, Value] = {}
        first_line: dict[str, int] = {}
        for key_event in _until(events, yaml.MappingEndEvent):
            line = self._line(key_event)
            if not isinstance(key_event, yaml.ScalarEvent) or key_event.tag or key_event.anchor:
                self._stop(
                    line,
                    field_name(path),
                    f"{_describe(key_event)} used as a field name",
                    "a plain field name such as 'title'",
                )
            assert isinstance(key_event, yaml.ScalarEvent)
            key = key_event.value
            value_event = next(events)
            if key in first_line:
                # Skip the value but keep reading, so every duplicate is reported in one run.
                self._value(value_event, events, (*path, f"{key}#dup{line}"), depth + 1)
                self._duplicate(line, path, key, first_line[key])
                continue
            first_line[key] = line
            result[key] = self._value(value_event, events, (*path, key), depth + 1)
            # A value's line is where its key is, which is where contributors look.
            self.value_lines[(*path, key)] = line
        return result

    # -- reporting ---------------------------------------------------------------------------

    def _line(self, event: yaml.Event | yaml.Node) -> int:
        return int(getattr(event.start_mark, "line", 0)) + self.first_line  # marks are 0-based

    def _duplicate(self, line: int, path: KeyPath, key: str, first: int) -> None:
        """Record a key written twice (and carry on, so every duplicate is reported)."""
        self.problems.append(
            Problem(
                self.path,
                line,
                field_name((*path, key)),
                f"a second '{key}' field (the first is at line {first})",
                "each field once; delete or merge one of them",
            )
        )

    def _count(self, line: int, path: KeyPath, depth: int) -> None:
        """One more value: stop at `MAX_NODES` values or `MAX_DEPTH` levels."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self._stop(
                line,
                field_name(path),
                f"more than {MAX_NODES:,} values",
                "a front matter of ordinary size",
            )
        if depth > MAX_DEPTH:
            self._stop(
                line,
                field_name(path),
                f"lists or fields nested more than {MAX_DEPTH} levels deep",
                "the nesting the case-study format describes",
            )

    def _empty(self) -> NoReturn:
        self._stop(
            self.first_line,
            "front matter",
            "an empty front matter",
            "at least the fields id, title, summary, rung and principles",
        )

    def _top(self, item: yaml.Event | yaml.Node, is_mapping: bool) -> None:
        """The top of the front matter (an event or a node) must be a mapping; a bare null
        (`~`, `null`) means the front matter is empty."""
        if is_mapping:
            return
        scalar = isinstance(item, yaml.ScalarEvent | yaml.ScalarNode)
        if scalar and item.value in _NULLS and not item.style:  # type: ignore[union-attr]
            self._empty()
        self._stop(
            self._line(item),
            "front matter",
            f"{_describe(item)} at the top",
            "a list of 'field: value' lines, such as 'title: My case study'",
        )

    def _stop(self, line: int, fld: str, found: str, expected: str) -> NoReturn:
        self.problems.append(Problem(self.path, line, fld, found, expected))
        raise _Stop

    def _unreadable(self, error: yaml.YAMLError) -> Problem:
        """A reader error: a character YAML does not allow (it has a position, not a mark)."""
        position = getattr(error, "position", 0)
        line = self.source.count("\n", 0, position) + self.first_line
        if isinstance(error, yaml.reader.ReaderError):
            return Problem(
                self.path,
                line,
                "front matter",
                f"an invisible control character (U+{error.character:04X})"
                if isinstance(error.character, int)
                else "a character YAML refuses",
                "plain text (retype the line)",
            )
        return Problem(
            self.path,
            line,
            "front matter",  # pragma: no cover - no such error seen
            f"YAML that cannot be read ({error})",
            "valid YAML front matter",
        )

    def _syntax_problem(self, error: yaml.MarkedYAMLError) -> Problem:
        mark = error.problem_mark or error.context_mark
        if error.context and "quoted scalar" in error.context and error.context_mark:
            mark = error.context_mark  # Point at the opening quote, not the end of the file.
        index = min(int(getattr(mark, "line", 0)), len(self.source_lines) - 1)
        # libyaml sometimes marks the start of the next line; point at the last line with text.
        while index > 0 and not self.source_lines[index].strip():
            index -= 1
        text = self.source_lines[index]
        line = index + self.first_line
        key = _KEY_LINE.match(text)
        fld = key.group(1) if key else "front matter"
        problem = (error.problem or "").strip()
        value = text[key.end() :].strip() if key else ""
        if value and value[0] in _CURLY_OPEN:
            found, expected = explain_curly_quotes(fld, value)
        else:
            found, expected = _explain(problem, text)
        return Problem(self.path, line, fld, found, expected)


_IMPLICIT = "!evidence-bank:implicit"


class _ImplicitTags:
    """A resolver that types nothing: every node without an explicit tag gets `_IMPLICIT`."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: object, value: object, implicit: object) -> str:
        return _IMPLICIT


class _Composer(_CParser, _ImplicitTags):
    """libyaml's parser and composer, in C, with no implicit typing."""


class _NodeReader(_EventReader):
    """The fast path: libyaml composes the node tree in C and this walks it with the same rules
    and messages as the event reader. Used only for sources without `_MARKERS`."""

    def run(self) -> dict[str, Value] | list[Problem]:
        try:
            root = _Composer(self.source).get_single_node()
        except yaml.MarkedYAMLError as error:
            return [self._syntax_problem(error)]
        except yaml.YAMLError as error:
            return [self._unreadable(error)]
        try:
            if root is None:
                self._empty()
            self._top(root, isinstance(root, yaml.MappingNode))
            assert isinstance(root, yaml.MappingNode)
            self.value_lines[()] = self._line(root)
            data = self._node_mapping(root, (), 1)
        except _Stop:
            return self.problems
        return self.problems or data

    def _node(self, node: yaml.Node, path: KeyPath, depth: int) -> Value:
        # The hot loop of reading a file: it touches every value, so it keeps to local names
        # and checks the limits inline (`_count` reports them).
        line = node.start_mark.line + self.first_line
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self._count(line, path, depth)
        if node.tag != _IMPLICIT:  # pragma: no cover - `_MARKERS` sends tags to the event reader
            self._stop(
                line,
                field_name(path),
                f"a YAML tag ('{node.tag}')",
                "a plain value without a '!' tag",
            )
        self.value_lines[path] = line
        if isinstance(node, ScalarNode):
            value: str = node.value
            if not node.style and value in _NULLS:
                return None
            self.texts.append((path, value))
            return value
        if isinstance(node, SequenceNode):
            inner = depth + 1
            return [self._node(item, (*path, i), inner) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        return self._node_mapping(node, path, depth)

    def _node_mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[str, Value]:
        result: dict[str, Value] = {}
        first_line: dict[str, int] = {}
        value_lines = self.value_lines
        texts = self.texts
        inner = depth + 1
        plain_depth = inner <= MAX_DEPTH
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + self.first_line
            if not isinstance(key_node, ScalarNode) or key_node.tag != _IMPLICIT:
                self._stop(
                    line,
                    field_name(path),
                    f"{_describe(key_node)} used as a field name",
                    "a plain field name such as 'title'",
                )
            key: str = key_node.value
            if key in first_line:
                self._node(value_node, (*path, f"{key}#dup{line}"), inner)
                self._duplicate(line, path, key, first_line[key])
                continue
            first_line[key] = line
            where = (*path, key)
            if (
                type(value_node) is ScalarNode
                and value_node.tag == _IMPLICIT
                and self.nodes < MAX_NODES
                and plain_depth
            ):
                # Most values: `_node`'s work for a value `_count` lets pass, inline (the call
                # cost 0.15 s per 10,000 files). Its line is its key's, set just below.
                self.nodes += 1
                value: str = value_node.value
                if not value_node.style and value in _NULLS:
                    result[key] = None
                else:
                    texts.append((where, value))
                    result[key] = value
            else:
                result[key] = self._node(value_node, where, inner)
            value_lines[where] = line  # A value's line is where its key is.
        return result


def _until(events: Iterator[yaml.Event], end: type[yaml.Event]) -> Iterator[yaml.Event]:
    for event in events:
        if isinstance(event, end):
            return
        yield event


def _describe(item: yaml.Event | yaml.Node) -> str:
    """An event (event reader) or a node (fast path) in words."""
    if isinstance(item, yaml.SequenceStartEvent | yaml.SequenceNode):
        return "a list"
    if isinstance(item, yaml.MappingStartEvent | yaml.MappingNode):
        return "a group of fields"
    if isinstance(item, yaml.AliasEvent):
        return "an alias"
    if isinstance(item, yaml.ScalarEvent | yaml.ScalarNode):
        return f"the text {_quote(str(item.value))}"
    return "an unexpected value"  # pragma: no cover


def curly_quoted(text: str) -> bool:
    """Whether `text` starts and ends with curly quotes, as text does when a word processor has
    replaced the straight quotes YAML reads (`title: “Foo”` is the text “Foo”, quotes included).
    Curly quotes inside the text (`The “Ask Me” project`) are ordinary characters."""
    if text.isascii():  # (a flag Python keeps: no scan) Curly quotes are not ASCII.
        return False
    text = text.strip()
    return len(text) > 1 and text[0] in _CURLY_OPEN and text[-1] in _CURLY_CLOSE


def explain_curly_quotes(field: str, text: str) -> tuple[str, str]:
    """What was found and what was expected, for a value written in curly quotes: `text` is the
    value as written, starting with a curly quote (its end may be missing, when YAML could not
    read the line)."""
    text = text.strip()
    pair = text[0] + (f" {text[-1]}" if len(text) > 1 and text[-1] in _CURLY_CLOSE else "")
    inner = text[1:-1] if len(pair) > 1 else text[1:]
    example = ""
    if 0 < len(inner) <= 60 and '"' not in inner and "\\" not in inner and "\n" not in inner:
        name = field.rsplit(".", 1)[-1]
        example = f', for example {"- " if name.endswith("]") else name + ": "}"{inner}"'
    return (
        f"the text in curly quotes {pair}, which are not quotes to YAML",
        # Text with ': ' or ' #' in it needs its quotes.
        'straight quotes ("...")'
        + (" or none" if ": " not in inner and " #" not in inner else "")
        + example,
    )


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _explain(problem: str, text: str) -> tuple[str, str]:
    """Turn a YAML parser message into plain words a contributor can act on."""
    if "\t" in text or "'\\t'" in problem:
        return ("a tab character", "spaces for indentation (YAML does not allow tabs)")
    if "mapping values are not allowed" in problem:
        return (
            "a ': ' inside a value",
            "text containing ': ' in quotes, for example title: \"Recovery: a new start\"",
        )
    if "could not find expected ':'" in problem or "simple key" in problem:
        return (
            "a line that is not a 'field: value' pair",
            "each line to be 'field: value', a list item '- value', or indented text "
            "continuing the value above",
        )
    if "did not find expected '-' indicator" in problem or "did not find expected key" in problem:
        return (
            "indentation that does not line up",
            "items of one list, or fields of one group, indented by the same number of spaces",
        )
    if "found unexpected end of stream" in problem or "found unknown escape" in problem:
        return (
            "a quotation mark that is never closed, or a backslash in double quotes",
            "text in matching quotes; use single quotes if the text contains a backslash",
        )
    if "special characters are not allowed" in problem or "control characters" in problem:
        return ("an invisible control character", "plain text (retype the line)")
    if "found character" in problem and "cannot start any token" in problem:
        return (
            "a value starting with a character YAML reserves, such as '@' or '`'",
            "text starting with '@', '`', '%' or '!' to be in quotes",
        )
    if "expected <document start>" in problem:
        return (
            "a line YAML reads as a directive or a second document",
            "plain 'field: value' lines, with no line starting '%' or '---'",
        )
    if "found undefined alias" in problem or "found duplicate anchor" in problem:
        return ("an alias or anchor", "the value written out in full")
    return (
        f"YAML that cannot be read ({problem})",
        "valid YAML; check the quotes and indentation on this line and the one above",
    )


def _add_texts(value: Value, where: KeyPath, found: list[tuple[KeyPath, str]]) -> None:
    # Not a function nested in `all_texts`: calling itself, it would make a reference cycle,
    # which only the garbage collector frees (reading pauses it: `catalog.read_all`).
    if isinstance(value, str):
        found.append((where, value))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _add_texts(item, (*where, index), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _add_texts(item, (*where, key), found)
