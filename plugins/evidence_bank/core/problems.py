"""Problems found in a contributor's file, worded so a non-programmer can act on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with one file, at one line, in one field."""

    path: str
    """The file, relative to the project root (for example `case_studies/daisy-hill.md`)."""

    line: int
    """The 1-based line number in the file where the problem is."""

    field: str
    """The field the problem is in (`principles`, `pathway.co-design-the-solution.done`), or
    `file` / `front matter` for problems with the file as a whole."""

    found: str
    """What was found, in plain words."""

    expected: str
    """What was expected instead, in plain words."""

    hint: str = ""
    """An optional suggestion, such as a did-you-mean."""

    warning: bool = False
    """A warning, not an error: the case study is valid, but should be improved before it is
    published (`./scripts/validate` still passes; the site build, which is strict, refuses it).
    Last, so that problems still sort by file, line and field."""

    def __str__(self) -> str:
        mark = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {mark}{self.message()}"

    def message(self) -> str:
        """The problem without its file and line: `field: found; expected (hint)`."""
        text = f"{self.field}: {self.found}; expected {self.expected}"
        return f"{text} ({self.hint})" if self.hint else text


class Refusal(Exception):
    """Why a build or a check cannot go on, in plain English: the message is all a person needs
    (the MkDocs adapter shows it with no traceback)."""


class ProblemsError(Refusal):
    """Raised with every problem found in one run, so that they can be fixed together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the case studies:"
        super().__init__("\n".join([header, *map(str, self.problems)]))


def shown(path: Path, root: Path) -> str:
    """A file as problems name it: below the project `root` if it is, else as given. (Not
    resolved: a case study in a folder of links is named by its link.)"""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
