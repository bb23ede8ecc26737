"""Adversarial stories through the reader and validator: is the work linear in the input?

Each kind of story is made at each size (10 KB to 1 MB), written as one case-study file and read
by `catalog.read_one`, what `./scripts/validate` and the build run for every file. Kinds are
either refused by `core/limits.py` (too large or too deeply nested) or the worst the limits
accept, repeated to the size asked for (deepest lists and quotes, most brackets and emphasis,
largest tables, paragraphs and footnote counts): both must take time in proportion to size.
Printed: for each kind and size, the time (best of three), the peak memory Python allocated
(tracemalloc, a separate run) and whether the story was accepted or refused; for each kind the
slope of log time against log size (1.0 is linear, 2.0 the square). The goal: every input under
2 s, every slope at most 1.1.

    python scripts/lib/adversarial.py [--quick] [--sizes 10 100 1000]   (sizes in KB)
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from evidence_bank.core import catalog, limits, vocabulary

HEAD = (
    "---\nid: cs-0100\ntitle: An adversarial story\nsummary: Made to be slow.\nrung: co-design\n"
    "principles: [valuing-people]\n---\n\n"
)
N = limits.MAX_NESTING
BLOCK = limits.MAX_BLOCK_CHARS - 200


def _fill(unit: str, size: int) -> str:
    """`unit` repeated to `size` characters (at least once)."""
    return unit * max(1, size // len(unit))


def _paragraphs(line: str, size: int) -> str:
    """Blocks of `line` repeated up to the block limit, separated by blank lines."""
    return _fill(_fill(line, BLOCK) + "\n\n", size)


KINDS: dict[str, Callable[[int], str]] = {
    # Refused before markdown runs.
    "lists nested (refused)": lambda size: _fill("- ", size) + "x\n",
    "quotes nested (refused)": lambda size: _fill(">", size) + " x\n",
    "brackets nested (refused)": lambda size: "<" + _fill("[", size // 2) + _fill("]", size // 2),
    "emphasis nested (refused)": lambda size: _fill("*_", size // 2) + "x" + _fill("_*", size // 2),
    "one long line (refused)": lambda size: "[a](b.md) " + _fill("word ", size),
    # The worst the limits accept, repeated.
    "lists 20 deep": lambda size: _fill(
        "".join("    " * i + f"- [item](#x{i})\n" for i in range(N)) + "\n", size
    ),
    "quotes 20 deep": lambda size: _fill(">" * N + " quoted [text](#a)\n\n", size),
    "brackets 20 deep": lambda size: _paragraphs("[" * N + "x" + "]" * N + "(#a) ", size),
    "brackets unclosed": lambda size: _fill("[" * N + " words " * 500 + "\n\n", size),
    "parentheses unclosed": lambda size: _fill("[a](" * N + " words " * 500 + "\n\n", size),
    "emphasis 20 deep": lambda size: _paragraphs(
        "*_" * (N // 2) + "[x](#a)" + "_*" * (N // 2) + " ", size
    ),
    "tables": lambda size: _fill(
        "| a | [b](#b) |\n|---|---|\n" + _fill("| x *y* | [z](#z) |\n", BLOCK) + "\n", size
    ),
    "links": lambda size: _paragraphs("[a](https://example.org/a) ", size),
    "footnotes": lambda size: (
        "".join(f"Claim[^{i}] " for i in range(limits.MAX_FOOTNOTES // 2))
        + "\n\n"
        + "".join(f"[^{i}]: Note {i}.\n" for i in range(limits.MAX_FOOTNOTES // 2))
        + "\n"
        + _paragraphs("plain words [a](#b) ", size)
    ),
    "possible tags": lambda size: "<a " * limits.MAX_TAGS + "\n\n" + _paragraphs("text ", size),
}


def measure(text: str, folder: Path, vocab: vocabulary.Vocabulary) -> tuple[float, float, int]:
    """(best of three seconds, peak MB allocated, problems) for one file read and checked."""
    path = folder / "story.md"
    path.write_text(text, encoding="utf-8")
    best = math.inf
    result = None
    for _ in range(3):
        started = time.perf_counter()
        result = catalog.read_one(path, "case_studies/story.md", vocab)
        best = min(best, time.perf_counter() - started)
        if best > 2:
            break
    tracemalloc.start()
    catalog.read_one(path, "case_studies/story.md", vocab)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 1e6, len(result) if isinstance(result, list) else 0


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log time against log size."""
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(max(seconds, 1e-6)) for _, seconds in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./scripts/adversarial", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two small sizes only")
    parser.add_argument("--sizes", nargs="+", type=int, help="sizes in KB (default 10 to 1000)")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10, 30] if args.quick else [10, 30, 100, 190, 300, 1000])
    vocab = vocabulary.load(vocabulary.default_path())
    print(f"{'kind':28} {'size KB':>8} {'time ms':>9} {'peak MB':>8}  verdict")
    worst_time, worst_slope = 0.0, 0.0
    with tempfile.TemporaryDirectory() as scratch:
        for kind, make in KINDS.items():
            points: list[tuple[int, float, bool]] = []
            for kb in sizes:
                text = HEAD + make(kb * 1000 - len(HEAD))
                seconds, peak, problems = measure(text, Path(scratch), vocab)
                size = len(text.encode("utf-8"))
                points.append((size, seconds, bool(problems)))
                worst_time = max(worst_time, seconds)
                verdict = f"refused ({problems} problems)" if problems else "accepted"
                print(f"{kind:28} {size / 1000:8.0f} {seconds * 1000:9.1f} {peak:8.1f}  {verdict}")
            # Accepted and refused inputs apart: a refusal is quicker than a parse.
            for refused, label in ((False, "accepted"), (True, "refused")):
                some = [(size, seconds) for size, seconds, r in points if r == refused]
                if len(some) > 1 and some[-1][0] > some[0][0] * 2:
                    kind_slope = slope(some)
                    worst_slope = max(worst_slope, kind_slope)
                    print(f"{kind:28} {'slope':>8} {kind_slope:9.2f}  ({label} sizes)")
    print(
        f"slowest input {worst_time:.2f} s (goal < 2 s); "
        f"steepest slope {worst_slope:.2f} (goal <= 1.1)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
