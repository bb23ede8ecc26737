"""Read every case study in a folder, validate it, and index the lot in one pass.

Nothing lost, nothing silent: every file in the folder becomes exactly one case study, or the
whole load fails with a `ProblemsError` listing every problem in every file.
"""

from __future__ import annotations

import contextlib
import gc
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, cast

from . import frontmatter
from .fields import valid_file_name
from .model import CaseStudy
from .problems import Problem, ProblemsError
from .problems import shown as _shown
from .processes import fork_is_safe
from .story import MarkdownExtensions
from .text import visible
from .validate import check, identity, validate, warnings_of
from .vocabulary import Vocabulary

RESERVED_SLUGS = frozenset({"index", "page", "feed", "data"})
"""File names a case study may not take: they are, or will be, the list pages' own URLs."""

RELATED_MAX = 5
"""How many related case studies a page lists."""


@dataclass(frozen=True)
class Catalog:
    """All case studies and their indexes. Lists are ordered newest first."""

    vocabulary: Vocabulary
    case_studies: tuple[CaseStudy, ...]
    """Published case studies: every index, export and search lists these, and only these."""
    withdrawn: tuple[CaseStudy, ...]
    """Withdrawn case studies: each keeps its page as a notice, and its id, and nothing else."""
    by_slug: dict[str, CaseStudy]
    """Every case study by slug, withdrawn ones included."""
    by_id: dict[str, CaseStudy]
    """Every case study by id, withdrawn ones included (ids are never reused)."""
    by_principle: dict[str, tuple[CaseStudy, ...]]
    """Every principle slug, in vocabulary order, even when no case study shows it."""
    by_rung: dict[str, tuple[CaseStudy, ...]]
    """Every rung slug, bottom to top, even when empty."""
    matrix: dict[tuple[str, str], tuple[CaseStudy, ...]]
    """(principle, rung) -> case studies that show the principle and reached the rung."""
    by_step_principle: dict[tuple[str, str], tuple[CaseStudy, ...]]
    """(pathway step, principle) -> case studies showing the principle at that step."""
    related: dict[str, tuple[CaseStudy, ...]]
    """slug -> up to `RELATED_MAX` case studies sharing principles or rung, most alike first."""
    warnings: tuple[Problem, ...] = ()
    """Every case study's warnings (`CaseStudy.warnings`), sorted: the build logs each one."""


def load(
    directory: Path,
    vocabulary: Vocabulary,
    *,
    root: Path | None = None,
    allow_synthetic: bool = False,
    cache: ReadCache | None = None,
    forking: bool = False,
    follow_links: bool = False,
    extensions: MarkdownExtensions | None = None,
) -> Catalog:
    """Read, validate and index every file in `directory`; raise `ProblemsError` on any problem.

    `root` is the folder paths in messages are relative to (the project root). `extensions`: the
    site's markdown extensions, which stories are parsed with (None: the core's default,
    `story.DEFAULT_EXTENSIONS`). With a `cache`
    (kept by the caller between loads, as a live preview does), a file whose size and
    modification time have not changed since the last load is not read again. `forking`: see
    `read_all`. `follow_links`: read files that are symbolic links (a preview's folder of
    links); otherwise each is refused unread (`link_problems`).
    """
    base = root or directory.parent
    problems: list[Problem] = []
    studies: list[CaseStudy] = []
    if not directory.is_dir():
        raise ProblemsError(
            [
                Problem(
                    _shown(directory, base),
                    1,
                    "folder",
                    "no case-studies folder",
                    "an existing folder",
                )
            ]
        )
    listed = _listing(directory, base)
    if not follow_links:
        problems += [_link_problem(entry.shown) for entry in listed if entry.link]
        listed = [entry for entry in listed if not entry.link]
    if cache is None:
        jobs = [(entry.path, entry.shown) for entry in listed]
        results = read_all(
            jobs,
            vocabulary,
            allow_synthetic=allow_synthetic,
            forking=forking,
            extensions=extensions,
        )
    else:
        entries = [Path(entry.path) for entry in listed]
        results = _read_changed(entries, base, vocabulary, allow_synthetic, extensions, cache)
    for result in results:
        if isinstance(result, list):
            problems.extend(result)
        else:
            studies.append(result)
    problems.extend(_collisions([claim(s) for s in studies]))
    if problems:
        raise ProblemsError(problems)
    return build(studies, vocabulary)


@dataclass
class ReadCache:
    """What earlier loads read, for a caller that loads the same folder again and again (a live
    preview): each file's (inode, size, modification time) and the result of reading it, valid
    for one vocabulary, setting and set of markdown extensions."""

    settings: tuple[Vocabulary, bool, MarkdownExtensions | None] | None = None
    files: dict[Path, tuple[tuple[int, int, int], Any]] = field(default_factory=dict)


def _read_changed(
    entries: list[Path],
    base: Path,
    vocabulary: Vocabulary,
    allow_synthetic: bool,
    extensions: MarkdownExtensions | None,
    cache: ReadCache,
) -> list[Any]:
    """`read_one` for the files that changed since they were last read; the cache for the rest.
    The cache is left holding exactly the files read now."""
    if cache.settings != (vocabulary, allow_synthetic, extensions):
        cache.settings = (vocabulary, allow_synthetic, extensions)
        cache.files.clear()
    files = cache.files
    keys = {}
    for entry in entries:
        try:
            stat = entry.stat()
            keys[entry] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except OSError:
            keys[entry] = (0, -1, 0)  # Gone or unreadable: read_one says what is wrong.
    changed = [e for e in entries if e not in files or files[e][0] != keys[e]]
    fresh = read_all(
        [(entry, _shown(entry, base)) for entry in changed],
        vocabulary,
        allow_synthetic=allow_synthetic,
        extensions=extensions,
    )
    kept = {entry: files[entry] for entry in entries if entry in files}
    kept.update(
        {entry: (keys[entry], result) for entry, result in zip(changed, fresh, strict=True)}
    )
    files.clear()
    files.update(kept)
    return [files[entry][1] for entry in entries]


def check_files(
    paths: Iterable[Path],
    vocabulary: Vocabulary,
    *,
    directory: Path,
    root: Path,
    allow_synthetic: bool = False,
    extensions: MarkdownExtensions | None = None,
) -> tuple[int, list[Problem]]:
    """Check only `paths` (a contributor's own files), with the rules `load` applies.

    Ids must still be unique across the whole folder: other files' ids are found by a quick
    scan of their `id:` lines rather than a full parse, so checking one file stays fast.
    Returns how many files were checked and every problem, warnings (`Problem.warning`)
    included.
    """
    paths = list(paths)
    problems: list[Problem] = link_problems(paths, root)
    studies: list[CaseStudy] = []
    checked = {p.resolve() for p in paths}
    for path in paths:
        if path.is_symlink():
            continue
        result = read_one(
            path,
            _shown(path, root),
            vocabulary,
            allow_synthetic=allow_synthetic,
            extensions=extensions,
        )
        if isinstance(result, list):
            problems.extend(result)
        else:
            studies.append(result)
            problems.extend(result.warnings)
    others: dict[str, list[str]] = defaultdict(list)
    for found, entry in scan_ids(directory):
        if entry.resolve() not in checked:
            others[found].append(_shown(entry, root))
    for study in studies:
        if study.id in others:
            problems.append(
                Problem(
                    study.path,
                    study.id_line,
                    "id",
                    f"the id '{study.id}', which {', '.join(others[study.id])} also uses",
                    "an id no other case study has ever used (ids are permanent)",
                )
            )
    problems.extend(_collisions([claim(s) for s in studies]))
    return len(checked), sorted(problems)


ID_LINE = re.compile(rb"(?m)^id:[ \t]*[\"']?(cs-[0-9]{4,6})(?![0-9])")
"""An `id:` line, read without parsing; an id of more digits than any valid one is not an id
(and could not be read as a number: Python refuses integers of over 4,300 digits)."""
MAX_ID_SCAN = 64 * 1024


def scan_ids(directory: Path) -> list[tuple[str, Path]]:
    """Every (id, file) in `directory`, read quickly from `id:` lines without a full parse."""
    found: list[tuple[str, Path]] = []
    if directory.is_dir():
        for entry in sorted(directory.iterdir()):
            if entry.is_file() and not entry.is_symlink():
                found += [
                    (m.decode(), entry) for m in ID_LINE.findall(entry.read_bytes()[:MAX_ID_SCAN])
                ]
    return found


StrPath = str | os.PathLike[str]
"""A file's path (the folder's listing keeps them as strings)."""

PARALLEL_FROM = 400
"""From this many files, reading is shared between processes, one per core."""

CHUNK = 50
"""How many files a process reads at a time (about 0.05 s): small, because the pool gives each
of the other processes up to three chunks ahead, and a process left reading alone at the end
reads those."""


def read_all(
    jobs: Sequence[tuple[StrPath, str]],
    vocabulary: Vocabulary,
    *,
    allow_synthetic: bool = False,
    claims_only: bool = False,
    forking: bool = False,
    extensions: MarkdownExtensions | None = None,
) -> list[Any]:
    """`read_one` for every (file, shown path), in order; in parallel for large folders.

    The other processes are started afresh ('spawn') unless `forking`, which a caller may ask
    for only when it runs no other thread (`mkdocs serve` runs its server's), and which is
    granted only where Python forks by default (not on Windows or macOS): then they are forked
    from this one, and this process reads too: whatever they have not started, which it need
    not receive."""
    settings = _Settings(vocabulary, allow_synthetic, extensions, claims_only)
    with _no_collection():
        return _read_all(jobs, settings, forking)


class _Settings(NamedTuple):
    """What every file is read with: `read_one`'s settings, and whether only its claim is kept
    (`check_folder`)."""

    vocabulary: Vocabulary
    allow_synthetic: bool
    extensions: MarkdownExtensions | None
    claims_only: bool


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused: reading makes many objects that live on and
    little cyclic garbage (collected once it resumes), and each collection would go through
    every object made so far: a third of the reading time at 10,000 files."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_all(jobs: Sequence[tuple[StrPath, str]], settings: _Settings, forking: bool) -> list[Any]:
    processes = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_FROM or processes < 2:
        return _read_chunk(jobs, settings)
    import multiprocessing  # Here, not at the top: they cost a one-file check 10 ms.
    from concurrent.futures import ProcessPoolExecutor

    # Only where forking is safe (`processes.fork_is_safe`); elsewhere they start afresh.
    forking = forking and fork_is_safe()
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    context = multiprocessing.get_context("fork" if forking else "spawn")
    others = processes - 1 if forking else processes
    with ProcessPoolExecutor(
        others, mp_context=context, initializer=_start_worker, initargs=(settings,)
    ) as pool:
        futures = [pool.submit(_read_chunk, chunk) for chunk in chunks]
        mine: dict[int, list[Any]] = {}
        if forking:
            # This process reads too: each chunk, from the last back, that no other process has
            # started (a future not yet started can be cancelled). They read from the first on.
            for index in reversed(range(len(chunks))):
                if futures[index].cancel():
                    mine[index] = _read_chunk(chunks[index], settings)
        return [
            result
            for index, future in enumerate(futures)
            for result in (mine[index] if index in mine else future.result())
        ]


_worker: _Settings | None = None


def _start_worker(settings: _Settings) -> None:
    global _worker
    _worker = settings


def _read_chunk(
    jobs: Sequence[tuple[StrPath, str]], settings: _Settings | None = None
) -> list[Any]:
    vocabulary, allow_synthetic, extensions, claims_only = settings or _worker  # type: ignore[misc]
    # Only what the cross-file checks need, when that is all that is kept: sending whole case
    # studies back costs more than reading them, and making them costs a tenth of reading.
    read = read_claim if claims_only else read_one
    return [
        read(entry, shown, vocabulary, allow_synthetic=allow_synthetic, extensions=extensions)
        for entry, shown in jobs
    ]


def check_folder(
    directory: Path,
    vocabulary: Vocabulary,
    *,
    root: Path,
    allow_synthetic: bool = False,
    forking: bool = False,
    extensions: MarkdownExtensions | None = None,
) -> tuple[int, list[Problem]]:
    """Every problem in every file of `directory`, with `load`'s rules, warnings
    (`Problem.warning`) included, without keeping the case studies (what `./scripts/validate`
    needs). `forking`: see `read_all`; `extensions`:
    see `load`."""
    if not directory.is_dir():
        return 0, [
            Problem(
                _shown(directory, root), 1, "folder", "no case-studies folder", "an existing folder"
            )
        ]
    listed = _listing(directory, root)
    problems = [_link_problem(entry.shown) for entry in listed if entry.link]
    jobs = [(entry.path, entry.shown) for entry in listed if not entry.link]
    claims: list[Claim] = []
    read = read_all(
        jobs,
        vocabulary,
        allow_synthetic=allow_synthetic,
        claims_only=True,
        forking=forking,
        extensions=extensions,
    )
    for result in read:
        if isinstance(result, list):
            problems.extend(result)
        else:
            claims.append(result)
            problems.extend(result[6])
    problems.extend(_collisions(claims))
    return len(jobs), sorted(problems)


class _Listed(NamedTuple):
    """One entry of a case-studies folder."""

    path: str
    shown: str
    """The path as messages show it (relative to the project root)."""
    link: bool
    """Whether it is a symbolic link."""


def _listing(directory: Path, base: Path) -> list[_Listed]:
    """Every entry of `directory`, by name, from one `os.scandir`: it knows which are links
    without asking the file system again, and paths stay strings (10,000 `Path`s, each made,
    asked whether it is a link twice and made relative, took 0.1 s before any file was read)."""
    folder = _shown(directory, base)
    with os.scandir(directory) as found:
        named = sorted((entry.name, entry.path, entry.is_symlink()) for entry in found)
    return [
        _Listed(path, name if folder == "." else posixpath.join(folder, name), link)
        for name, path, link in named
    ]


def link_problems(entries: Iterable[Path], root: Path) -> list[Problem]:
    """A problem for each entry that is a symbolic link. Its target is never read or shown: it
    could be any file on the machine, and the message may land in a public annotation."""
    return [_link_problem(_shown(entry, root)) for entry in entries if entry.is_symlink()]


def _link_problem(shown: str) -> Problem:
    return Problem(
        shown,
        1,
        "file",
        "a link to another file (a symbolic link)",
        "the case study itself, saved as an ordinary file in the case-studies folder",
    )


def read_one(
    entry: StrPath,
    shown: str,
    vocabulary: Vocabulary,
    *,
    allow_synthetic: bool = False,
    extensions: MarkdownExtensions | None = None,
) -> CaseStudy | list[Problem]:
    """Read and validate one file (its story parsed with `extensions`: see `load`); return the
    case study, or its problems."""
    return cast(
        CaseStudy | list[Problem], _read(entry, shown, vocabulary, allow_synthetic, extensions)
    )


def read_claim(
    entry: StrPath,
    shown: str,
    vocabulary: Vocabulary,
    *,
    allow_synthetic: bool = False,
    extensions: MarkdownExtensions | None = None,
) -> Claim | list[Problem]:
    """`read_one`, with the same checks, keeping only the case study's `Claim`: the case study
    itself is never made (what `check_folder` needs)."""
    found = _read(entry, shown, vocabulary, allow_synthetic, extensions, claim_only=True)
    return cast(Claim | list[Problem], found)


def _read(
    entry: StrPath,
    shown: str,
    vocabulary: Vocabulary,
    allow_synthetic: bool,
    extensions: MarkdownExtensions | None,
    *,
    claim_only: bool = False,
) -> Any:
    """`read_one`, or `read_claim` if `claim_only`."""
    if os.path.isdir(entry):
        return [
            Problem(
                shown,
                1,
                "file",
                "a folder inside the case-studies folder",
                "only case-study files (.md), one per case study",
            )
        ]
    name = os.path.basename(entry)
    wrong = file_name_problem(name, shown)
    if wrong is not None:
        return [wrong]
    slug = name[:-3]
    try:
        with open(entry, "rb") as file:
            data = file.read()
    except OSError as error:
        return [
            Problem(
                shown,
                1,
                "file",
                f"a file that cannot be read ({error.strerror})",
                "a readable file",
            )
        ]
    try:
        front = frontmatter.read(data, shown)
        if isinstance(front, list):
            return front
        if claim_only:
            checked = check(front, shown, slug, vocabulary, extensions)
            if isinstance(checked, list):
                return checked
            clean = checked[0]
            synthetic = bool(clean.get("synthetic", False))
            id_, id_line, aliases, alias_lines = identity(clean, front)
            warned = warnings_of(clean, front, shown)
            result: Any = (id_, shown, id_line, slug, aliases, alias_lines, warned)
        else:
            result = validate(front, shown, slug, vocabulary, extensions)
            if isinstance(result, list):
                return result
            synthetic = result.synthetic
    except Exception as error:
        # Every check is meant to return problems, never to raise; if one raises all the same,
        # the contributor is told which file, and no traceback reaches them.
        return [
            Problem(
                shown,
                1,
                "file",
                f"something the checks could not handle ({type(error).__name__}: "
                f"{visible(str(error))[:200]})",
                "a file the checks can read; please report this message to the maintainers",
            )
        ]
    if synthetic and not allow_synthetic:
        return [
            Problem(
                shown,
                front.line(("synthetic",)),
                "synthetic",
                "a synthetic (generated test) case study in the published folder",
                "real case studies only; keep synthetic ones in a test folder",
            )
        ]
    return result


def file_name_problem(name: str, shown: str) -> Problem | None:
    """What is wrong with a case-study file's name (it becomes the web address), if anything."""
    if not valid_file_name(name):
        return Problem(
            shown,
            1,
            "file name",
            f"the name '{name}'",
            "lower-case words and digits joined by '-', ending '.md' "
            "(the name becomes the web address)",
            f"for example '{_suggest_name(name)}'",
        )
    if name[:-3] in RESERVED_SLUGS:
        return Problem(
            shown,
            1,
            "file name",
            f"the reserved name '{name}'",
            "a name that describes the case study",
        )
    return None


Claim = tuple[str, str, int, str, tuple[str, ...], tuple[int, ...], tuple[Problem, ...]]
"""(id, file, id line, slug, aliases, alias lines, warnings): what the cross-file checks need,
and the case study's warnings (`CaseStudy.warnings`)."""


def claim(study: CaseStudy) -> Claim:
    return (
        study.id,
        study.path,
        study.id_line,
        study.slug,
        study.aliases,
        study.alias_lines,
        study.warnings,
    )


def _collisions(claims: list[Claim]) -> Iterable[Problem]:
    """Ids used twice; aliases that are another case study's address, or claimed twice."""
    by_id: dict[str, list[Claim]] = defaultdict(list)
    for item in claims:
        by_id[item[0]].append(item)
    for same in by_id.values():
        if len(same) > 1:
            for id_, path, line, *_ in same:
                others = ", ".join(other[1] for other in same if other[1] != path)
                yield Problem(
                    path,
                    line,
                    "id",
                    f"the id '{id_}', which {others} also uses",
                    "an id no other case study has ever used (ids are permanent)",
                )
    slugs = {item[3]: item[1] for item in claims}
    aliases: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for _, path, _, slug, names, lines, _ in claims:
        for index, (alias, line) in enumerate(zip(names, lines, strict=True)):
            where = f"aliases[{index + 1}]"
            if alias == slug:
                yield Problem(
                    path,
                    line,
                    where,
                    f"'{alias}', this case study's own name",
                    "only former names: the current name needs no alias",
                )
            elif alias in slugs:
                yield Problem(
                    path,
                    line,
                    where,
                    f"'{alias}', which is the address of {slugs[alias]}",
                    "a former name of this case study that no other case study has",
                )
            else:
                aliases[alias].append((path, line))
    for alias, holders in aliases.items():
        if len(holders) > 1:
            for path, line in holders:
                others = ", ".join(other for other, _ in holders if other != path)
                yield Problem(
                    path,
                    line,
                    "aliases",
                    f"the alias '{alias}', which {others} also claims",
                    "an alias only one case study claims",
                )


def build(studies: Iterable[CaseStudy], vocabulary: Vocabulary) -> Catalog:
    """Index validated case studies in one pass."""
    everything = tuple(sorted(studies, key=lambda s: s.sort_key, reverse=True))
    ordered = tuple(s for s in everything if not s.withdrawn)
    principles = vocabulary.slugs("principles")
    rungs = vocabulary.slugs("ladder")
    by_principle: dict[str, list[CaseStudy]] = {p: [] for p in principles}
    by_rung: dict[str, list[CaseStudy]] = {r: [] for r in rungs}
    matrix: dict[tuple[str, str], list[CaseStudy]] = {(p, r): [] for p in principles for r in rungs}
    by_step: dict[tuple[str, str], list[CaseStudy]] = {
        (s, p): [] for s in vocabulary.slugs("pathway_steps") for p in principles
    }
    for study in ordered:
        by_rung[study.rung].append(study)
        for principle in study.principles:
            by_principle[principle].append(study)
            matrix[(principle, study.rung)].append(study)
        for step in study.pathway:
            for principle in step.principles:
                by_step[(step.step, principle)].append(study)
    return Catalog(
        vocabulary=vocabulary,
        case_studies=ordered,
        withdrawn=tuple(s for s in everything if s.withdrawn),
        by_slug={s.slug: s for s in everything},
        by_id={s.id: s for s in everything},
        by_principle={k: tuple(v) for k, v in by_principle.items()},
        by_rung={k: tuple(v) for k, v in by_rung.items()},
        matrix={k: tuple(v) for k, v in matrix.items()},
        by_step_principle={k: tuple(v) for k, v in by_step.items()},
        related=_related(ordered),
        warnings=tuple(sorted(warning for study in everything for warning in study.warnings)),
    )


def _related(ordered: tuple[CaseStudy, ...]) -> dict[str, tuple[CaseStudy, ...]]:
    """Most alike first: shared principles, plus one for the same rung; ties newest first.

    Case studies are grouped by their (rung, principles) signature; there are at most
    7 x 63 signatures, so comparing signatures rather than case studies keeps this linear in
    the number of case studies.
    """
    groups: dict[tuple[str, frozenset[str]], list[CaseStudy]] = defaultdict(list)
    for study in ordered:  # newest first within each group
        groups[(study.rung, frozenset(study.principles))].append(study)
    signatures = list(groups)
    order = {study.slug: index for index, study in enumerate(ordered)}
    related: dict[str, tuple[CaseStudy, ...]] = {}
    for signature in signatures:
        rung, principles = signature
        scored = []
        for other in signatures:
            score = len(principles & other[1]) + (1 if other[0] == rung else 0)
            if score:
                scored.append((score, other))
        scored.sort(key=lambda item: (-item[0], order[groups[item[1]][0].slug]))
        for study in groups[signature]:
            picked: list[CaseStudy] = []
            for _score, other in scored:
                for candidate in groups[other]:
                    if candidate is not study:
                        picked.append(candidate)
                        if len(picked) == RELATED_MAX:
                            break
                if len(picked) == RELATED_MAX:
                    break
            related[study.slug] = tuple(picked)
    return related


def _suggest_name(name: str) -> str:
    stem = name[:-3] if name.lower().endswith(".md") else name.rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower().replace("'", "")).strip("-")
    return f"{slug or 'my-case-study'}.md"
