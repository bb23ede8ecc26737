"""Characters a reader cannot see: found, named by code point, and shown in messages.

A title with a zero-width space, or a right-to-left override that makes `evil.exe` read as
`exe.live`, looks like ordinary text on every page and in every export; a key with one reads as
`title` in a message while YAML sees another word. So free text refuses them, and messages show
them as `<U+200B>`.
"""

from __future__ import annotations

import unicodedata

_HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp", "Co", "Cs", "Cn"})
"""Format characters (zero-width, direction controls, soft hyphen, byte order mark), control
characters, line and paragraph separators, private-use, surrogate and unassigned code points."""


def hidden(char: str) -> bool:
    """Whether `char` shows nothing of itself (newlines and tabs are ordinary)."""
    return char not in "\n\t" and unicodedata.category(char) in _HIDDEN_CATEGORIES


def first_hidden(text: str) -> str | None:
    """The first hidden character in `text`, if any (a fast test first: most text is plain)."""
    if text.isprintable() or (text.isascii() and "\r" not in text and not _ascii_control(text)):
        return None
    return next((char for char in text if hidden(char)), None)


def _ascii_control(text: str) -> bool:
    return any((ord(char) < 32 and char not in "\n\t") or ord(char) == 127 for char in text)


DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: they reorder what a reader sees ("Trojan source"). A
story may hold the joiners and marks that some languages need, but not these."""


def direction_controls(text: str) -> list[tuple[int, str]]:
    """(line within `text`, character) of every direction control, first on each line."""
    if text.isascii():
        return []
    found = []
    for number, line in enumerate(text.split("\n")):
        char = next((char for char in line if char in DIRECTION_CONTROLS), None)
        if char is not None:
            found.append((number, char))
    return found


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def visible(text: str) -> str:
    """`text` with every hidden character written as `<U+200B>`, so a message shows it."""
    if first_hidden(text) is None:
        return text
    return "".join(f"<U+{ord(char):04X}>" if hidden(char) else char for char in text)
