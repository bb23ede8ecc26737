"""The Co-production Evidence Bank: a pure core (`evidence_bank.core`) and a MkDocs adapter."""
