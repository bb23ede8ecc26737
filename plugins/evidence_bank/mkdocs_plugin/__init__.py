"""The thin MkDocs adapter: wires `evidence_bank.core` into a MkDocs (or ProperDocs) build."""

from pathlib import Path

THEME = Path(__file__).resolve().parent.parent / "theme"
"""The plugin's additions to Material's templates (a skip link, the header's search form, the
search page's script, the bank's styles), shipped inside the package."""
