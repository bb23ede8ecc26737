"""Benchmark the bank against the site a user would otherwise build, on the same synthetic files.

For each N (case studies), on one synthetic bank written to a temporary folder:
  ours    ./scripts/serve --build's build: the plugin, Material, and the Pagefind index;
  before  (with --before CHECKOUT) the same build from another checkout of this project, with
          its own .venv: an earlier commit, measured in the same run on the same machine;
  anchor  plain Material: the same case-study files as pages (their principles and rung given to
          Material's tags plugin), Material's own search, case studies out of the navigation.
Measured: wall time and peak memory of each build process, the plugin's own time (from the
figures it writes where EB_BUILD_STATS says: its hooks and the build's waits for its second
process), the second process's own time and memory (it runs beside the build, on another core),
site size, the largest page gzipped, what a first search transfers, and (with --preview)
edit-to-preview: the time from saving one edited case study to the refreshed page being served.

    python scripts/lib/benchmark.py [--quick] [--sizes 1000 5000 10000] [--before CHECKOUT]
    python scripts/lib/benchmark.py --preview-alone FOLDER [--edits 7]

`--preview-alone` measures edit-to-preview only, on a copy of a folder of case studies (such as
one `python -m evidence_bank.cli.synthetic N FOLDER` wrote), without the builds: each edit's time
and their median.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EB_ROOT": str(ROOT)}
FIELDS = (
    "system",
    "n",
    "build_s",
    "peak_mb",
    "build_process_mb",
    "pagefind_mb",
    "pagefind_at_once_mb",
    "pagefind_s",
    "plugin_s",
    "background_s",
    "background_mb",
    "site_mb",
    "largest_page_kb",
    "first_search_kb",
    "edit_to_preview_s",
)


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak memory in MB, output) of one command, via GNU time."""
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "PEAK %M", *command],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    peak = int(re.findall(r"PEAK (\d+)", result.stderr)[-1]) / 1024
    return wall, peak, result.stderr


def site_stats(site: Path) -> tuple[float, float]:
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1024 / 1024
    largest = max(len(gzip.compress(p.read_bytes(), 6)) for p in site.rglob("*.html")) / 1024
    return size, largest


def anchor_project(bank: Path, work: Path) -> Path:
    """Plain Material over the same files: principles and rung become Material tags."""
    docs = work / "docs"
    (docs / "case-studies").mkdir(parents=True)
    for file in sorted(bank.glob("*.md")):
        text = file.read_text(encoding="utf-8")
        front, body = text[4:].split("\n---\n", 1)
        principles = (
            re.findall(r"^- ([a-z-]+)$", front.split("\nprinciples:\n", 1)[1], re.M)[:6]
            if "\nprinciples:\n" in front
            else []
        )
        rung = re.search(r"^rung: (\S+)$", front, re.M)
        tags = [*principles, f"rung-{rung.group(1) if rung else 'unknown'}"]
        title = re.search(r"^title: (.+)$", front, re.M)
        page = (
            "---\ntags:\n" + "".join(f"  - {t}\n" for t in tags) + "---\n\n"
            f"# {title.group(1) if title else file.stem}\n\n{body}"
        )
        (docs / "case-studies" / file.name).write_text(page, encoding="utf-8")
    (docs / "index.md").write_text("# Anchor\n", encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    (work / "mkdocs.yml").write_text(
        "site_name: Anchor\nsite_url: https://anchor.example.org/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - tags\n"
        "nav:\n  - index.md\n  - tags.md\n"
        "not_in_nav: |\n  /case-studies/*.md\n",
        encoding="utf-8",
    )
    return work


def first_search_kb_ours(site: Path) -> float:
    sys.path.insert(0, str(ROOT / "scripts" / "lib"))
    import transfer_sizes

    rows = transfer_sizes.measure(site, ["community"])
    return next(size for what, size, _ in rows if "search itself" in what) / 1024


def first_search_kb_anchor(site: Path) -> float:
    """Material's search downloads its whole index (and worker) before the first result."""
    files = [
        site / "search" / "search_index.json",
        *(site / "assets" / "javascripts" / "workers").glob("search.*.min.js"),
    ]
    return sum(len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file()) / 1024


WRITE_CONFIG = (
    "import sys; from pathlib import Path; from evidence_bank.cli.variant import write_variant; "
    "write_variant(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), allow_synthetic=True)"
)


def write_config(python: str, checkout: Path, bank: Path, config: Path) -> None:
    """The site's configuration of `checkout` over the synthetic `bank`, written at `config`
    by that checkout's own `write_variant` (`./scripts/preview`'s, for a draft)."""
    command = [python, "-c", WRITE_CONFIG, str(checkout), str(bank), str(config)]
    subprocess.run(command, check=True, env=ENV)


def edit_to_preview(
    bank: Path, work: Path, bin_dir: Path = BIN, checkout: Path = ROOT, edits: int = 3
) -> list[float]:
    """Seconds from saving an edited case study (its title) to `./scripts/preview` serving the
    changed page, for each of `edits` edits in turn."""
    config = work / "preview" / "mkdocs.yml"
    python = str(bin_dir / "python")
    write_config(python, checkout, bank, config)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The command ./scripts/preview runs, on the synthetic folder.
    address = f"127.0.0.1:{port}"
    command = [python, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", address, "-f", str(config)]
    server = subprocess.Popen(
        command,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    target = sorted(bank.glob("*.md"))[0]
    url = f"http://127.0.0.1:{port}/case-studies/{target.stem}/"
    original = target.read_text(encoding="utf-8")
    try:
        _wait(url, "Synthetic scheme", 1800)
        times = []
        for _ in range(edits):  # a few seconds apart, as a person works
            time.sleep(3)
            marker = f"Edited {time.time_ns()}"
            started = time.perf_counter()
            target.write_text(
                original.replace("title: Synthetic scheme", f"title: {marker}", 1),
                encoding="utf-8",
            )
            _wait(url, marker, 1800)
            times.append(time.perf_counter() - started)
        return times
    finally:
        target.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def preview_alone(folder: Path, edits: int) -> int:
    """Edit-to-preview only, on a copy of `folder` (which stays as it is)."""
    with tempfile.TemporaryDirectory(prefix="eb-bench-preview-") as tmp:
        work = Path(tmp)
        bank = work / "case_studies"
        shutil.copytree(folder, bank)
        count = len(list(bank.glob("*.md")))
        print(f"Edit-to-preview, {count} case studies, {edits} edits...", file=sys.stderr)
        times = edit_to_preview(bank, work, edits=edits)
    print("edits (s): " + " ".join(f"{t:.2f}" for t in times))
    print(f"median edit-to-preview at {count} case studies: {median(times):.2f} s")
    return 0


def _wait(url: str, words: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if words in response.read().decode("utf-8", "replace"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{words!r} not served at {url}")


def build_row(
    system: str, checkout: Path, n: int, bank: Path, work: Path, preview: bool
) -> dict[str, Any]:
    """One build of `bank` with the plugin of `checkout` (its own .venv), measured."""
    bin_dir = BIN if checkout == ROOT else checkout / ".venv" / "bin"
    config = work / system / "mkdocs.yml"
    python = str(bin_dir / "python")
    write_config(python, checkout, bank, config)
    stats = work / f"{system}-stats.json"
    ENV["EB_BUILD_STATS"] = str(stats)
    try:
        wall, peak, log = timed(
            [str(bin_dir / "mkdocs"), "build", "-f", str(config), "-d", str(work / "site")]
        )
    finally:
        del ENV["EB_BUILD_STATS"]
    if stats.exists():
        figures = json.loads(stats.read_text(encoding="utf-8"))
        background = figures["background"] or {}
        # The second process runs beside the build, on the other core: only the build's waits
        # for it are the plugin's time in the build; its own time is reported apart.
        plugin, own, pagefind, pagefind_s = (
            figures[k] for k in ("plugin_seconds", "peak_mb", "search_peak_mb", "search_seconds")
        )
        at_once = figures.get("search_at_once_mb")
        extra, extra_mb = background.get("seconds"), background.get("peak_mb")
    else:  # Compat: a checkout from before the plugin wrote its figures (#14) logged them.
        plugin, own, pagefind, pagefind_s, extra, extra_mb = _figures_from_log(log)
        at_once = None
    size, largest = site_stats(work / "site")
    row = {
        "system": system,
        "n": n,
        "build_s": wall,
        "peak_mb": peak,
        "build_process_mb": own,
        "pagefind_mb": pagefind,
        "pagefind_at_once_mb": at_once,
        "pagefind_s": pagefind_s,
        "plugin_s": plugin,
        "background_s": extra,
        "background_mb": extra_mb,
        "site_mb": size,
        "largest_page_kb": largest,
        "first_search_kb": first_search_kb_ours(work / "site"),
        "edit_to_preview_s": median(edit_to_preview(bank, work, bin_dir, checkout))
        if preview
        else None,
    }
    shutil.rmtree(work / "site")
    return row


def _figures_from_log(
    log: str,
) -> tuple[float, float, float, float, float | None, float | None]:
    """(plugin s, build process MB, Pagefind MB, Pagefind s, worker s, worker MB) from an older
    build's log."""
    found = re.findall(r"indexed in ([0-9.]+) s, pages and files generated in ([0-9.]+) s", log)
    plugin = sum(float(x) for x in found[0])
    plugin += float(re.findall(r"per-page work .* took ([0-9.]+) s", log)[0])
    worker = re.findall(
        r"worker process: .* made in ([0-9.]+) s, peak memory ([0-9.]+) MB; "
        r"the build waited ([0-9.]+) s",
        log,
    )
    worker_s, worker_mb, waited = (float(x) for x in worker[0]) if worker else (None, None, 0.0)
    own = float(re.findall(r"peak memory of the build process: ([0-9.]+) MB", log)[0])
    pagefind = float(re.findall(r"Pagefind's peak memory ([0-9.]+) MB", log)[0])
    pagefind_s = float(re.findall(r"search index built in ([0-9.]+) s", log)[0])
    return plugin + waited, own, pagefind, pagefind_s, worker_s, worker_mb


def run(n: int, preview: bool, before: Path | None = None) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"eb-bench-{n}-") as tmp:
        work = Path(tmp)
        bank = work / "case_studies"
        subprocess.run(
            [sys.executable, "-m", "evidence_bank.cli.synthetic", str(n), str(bank)],
            env=ENV,
            check=True,
            capture_output=True,
        )
        for system, checkout in (("ours", ROOT), *((("before", before),) if before else ())):
            rows.append(build_row(system, checkout, n, bank, work, preview))
        anchor = anchor_project(bank, work / "anchor")
        wall, peak, _ = timed(
            [str(BIN / "mkdocs"), "build", "-d", str(work / "anchor-site")], cwd=anchor
        )
        size, largest = site_stats(work / "anchor-site")
        rows.append(
            {
                "system": "anchor",
                "n": n,
                "build_s": wall,
                "peak_mb": peak,
                "build_process_mb": peak,
                "pagefind_mb": None,
                "pagefind_at_once_mb": None,
                "pagefind_s": None,
                "plugin_s": None,
                "background_s": None,
                "background_mb": None,
                "site_mb": size,
                "largest_page_kb": largest,
                "first_search_kb": first_search_kb_anchor(work / "anchor-site"),
                "edit_to_preview_s": None,
            }
        )
    return rows


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for system, style in (("ours", "o-"), ("anchor", "s--")):
        points = [r for r in rows if r["system"] == system]
        left.plot([r["n"] for r in points], [r["build_s"] for r in points], style, label=system)
        right.plot([r["n"] for r in points], [r["peak_mb"] for r in points], style, label=system)
    ours = [r for r in rows if r["system"] == "ours"]
    right.plot(
        [r["n"] for r in ours],
        [r["build_process_mb"] for r in ours],
        "^:",
        label="ours, build process alone (without Pagefind)",
    )
    left.set(title="Build time", xlabel="case studies", ylabel="seconds")
    right.set(title="Peak memory", xlabel="case studies", ylabel="MB")
    for axis in (left, right):
        axis.grid(True, alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N = 500 only, for correctness")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument(
        "--preview",
        type=int,
        nargs="*",
        default=[1000, 5000],
        help="sizes at which to measure edit-to-preview",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout of this project (with its .venv) to measure in the same run",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "benchmark")
    parser.add_argument(
        "--preview-alone",
        type=Path,
        metavar="FOLDER",
        help="measure only edit-to-preview, on a copy of this folder of case studies",
    )
    parser.add_argument("--edits", type=int, default=5, help="edits with --preview-alone")
    args = parser.parse_args()
    if args.preview_alone is not None:
        return preview_alone(args.preview_alone, args.edits)
    sizes = [500] if args.quick else args.sizes
    rows: list[dict[str, Any]] = []
    for n in sizes:
        print(f"Benchmarking {n} case studies...", file=sys.stderr)
        rows += run(n, preview=(n in args.preview) or args.quick, before=args.before)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "benchmark.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    chart(rows, args.out / "benchmark.png")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\n{dt.date.today().isoformat()} on {machine}")
    header = (
        f"{'N':>6} {'system':<7} {'build s':>8} {'peak MB':>8} {'own MB':>7} {'index MB':>8} "
        f"{'at once':>8} {'index s':>8} {'plugin s':>9} {'2nd s':>8} {'2nd MB':>9} "
        f"{'site MB':>8} {'largest KB':>10} {'search KB':>9} {'edit s':>7}"
    )
    print(header)

    def cell(value: Any, width: int) -> str:
        return f"{value:>{width}.1f}" if isinstance(value, float) else f"{'-':>{width}}"

    for row in rows:
        print(
            f"{row['n']:>6} {row['system']:<7} {cell(row['build_s'], 8)} "
            f"{cell(row['peak_mb'], 8)} {cell(row['build_process_mb'], 7)} "
            f"{cell(row['pagefind_mb'], 8)} {cell(row['pagefind_at_once_mb'], 8)} "
            f"{cell(row['pagefind_s'], 8)} {cell(row['plugin_s'], 9)} "
            f"{cell(row['background_s'], 8)} {cell(row['background_mb'], 9)} "
            f"{cell(row['site_mb'], 8)} "
            f"{cell(row['largest_page_kb'], 10)} {cell(row['first_search_kb'], 9)} "
            f"{cell(row['edit_to_preview_s'], 7)}"
        )
    for n in sizes:
        anchor = next(r for r in rows if r["n"] == n and r["system"] == "anchor")
        for system in ("ours", "before"):
            row = next((r for r in rows if r["n"] == n and r["system"] == system), None)
            if row is None:
                continue
            print(
                f"{n:>6} {system}/anchor: time {row['build_s'] / anchor['build_s']:.2f}, memory "
                f"{row['peak_mb'] / anchor['peak_mb']:.2f} (build process alone "
                f"{row['build_process_mb'] / anchor['peak_mb']:.2f}), plugin share of the build "
                f"{row['plugin_s'] / row['build_s']:.0%}"
            )
    if len(sizes) >= 2:
        import math

        ours = sorted((r for r in rows if r["system"] == "ours"), key=lambda r: r["n"])
        slope = (math.log(ours[-1]["build_s"]) - math.log(ours[0]["build_s"])) / (
            math.log(ours[-1]["n"]) - math.log(ours[0]["n"])
        )
        print(
            f"log-log slope of our build time from {ours[0]['n']} to {ours[-1]['n']}: {slope:.2f}"
        )
    print(f"Figures written to {args.out}/benchmark.csv and benchmark.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
