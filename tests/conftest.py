import os

# Material prints an end-of-life banner on every build; it is noise in test output.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
