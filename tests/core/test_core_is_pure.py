"""The core never imports MkDocs, Material or ProperDocs: it must outlive them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT, VOCABULARY

CORE = ROOT / "plugins" / "evidence_bank" / "core"
FORBIDDEN = ("mkdocs", "material", "properdocs")


def test_no_core_module_imports_mkdocs_in_its_source() -> None:
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(CORE.glob("*.py"))) >= 8  # the check looked at the real modules


def test_importing_and_using_the_core_loads_no_mkdocs() -> None:
    code = (
        "import sys, pathlib\n"
        "from evidence_bank.core import catalog, vocabulary, render\n"
        f"v = vocabulary.load(pathlib.Path({str(VOCABULARY)!r}))\n"
        f"c = catalog.load(pathlib.Path({str(ROOT / 'case_studies')!r}), v)\n"
        "pages = list(render.Renderer(c).pages())\n"
        "assert len(pages) > 10\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{FORBIDDEN!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_check_would_catch_an_import(tmp_path: Path) -> None:
    # The subprocess check is not vacuous: the plugin module does load MkDocs.
    code = "import sys; import evidence_bank.mkdocs_plugin.plugin; print('mkdocs' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
