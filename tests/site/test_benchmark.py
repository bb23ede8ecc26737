"""`./scripts/benchmark --quick` (500 case studies) runs end to end: for correctness only, the
figures themselves are not judged here (speed belongs in the benchmark, not in unit tests)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def test_quick_benchmark_produces_its_table_csv_and_chart(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "EB_ROOT": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "lib" / "benchmark.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "500 ours/anchor: time" in result.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "benchmark.csv").read_text("utf-8"))))
    assert [(r["system"], r["n"]) for r in rows] == [("ours", "500"), ("anchor", "500")]
    ours = rows[0]
    for row in rows:
        assert float(row["build_s"]) > 0 and float(row["peak_mb"]) > 0
        assert 0 < float(row["largest_page_kb"]) < 60
        assert float(row["first_search_kb"]) > 0
    assert 0 < float(ours["plugin_s"]) < float(ours["build_s"])
    # The peak is the higher of the build process's and Pagefind's, each logged by the plugin.
    own, pagefind = float(ours["build_process_mb"]), float(ours["pagefind_mb"])
    assert 0 < own <= float(ours["peak_mb"]) + 1 and 0 < pagefind <= float(ours["peak_mb"]) + 1
    assert max(own, pagefind) > 0.9 * float(ours["peak_mb"])
    assert float(ours["edit_to_preview_s"]) > 0
    assert (tmp_path / "benchmark.png").read_bytes().startswith(b"\x89PNG")
