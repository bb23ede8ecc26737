"""The evidence bank's core: parsing, validation, indexing and rendering in plain Python.

Nothing below this package imports MkDocs (a test proves it), so the core can be tested alone and
can move to another site generator (ProperDocs, Zensical) unchanged.
"""
