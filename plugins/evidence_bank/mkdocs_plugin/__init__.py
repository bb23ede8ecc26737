"""The thin MkDocs adapter: wires `evidence_bank.core` into a MkDocs (or ProperDocs) build."""
