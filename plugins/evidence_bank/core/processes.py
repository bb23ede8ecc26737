"""When the core may fork: the one rule for reading in parallel (`catalog.py`) and for a build's
second process (`background.py`)."""

from __future__ import annotations

import os
import sys
import threading


def fork_is_safe() -> bool:
    """Whether this process may fork a child that goes on running Python: only on Linux (Windows
    has no fork; on macOS the system libraries are not safe to use in a forked process, and
    Python spawns there), and only with no other thread in the process (a forked child of a
    threaded process can deadlock: `mkdocs serve` runs a server thread)."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1
