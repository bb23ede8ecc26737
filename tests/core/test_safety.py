"""Content safety: legitimate markdown and text pass; the checks are not over-eager."""

from __future__ import annotations

import pytest
from evidence_bank.core import story

LEGITIMATE_BODIES = {
    "code span": "Write `<b>bold</b>` in code.",
    "code block": "Example:\n\n    <script>alert(1)</script>\n",
    "fenced-like indented HTML": "    <div>not HTML, code</div>\n",
    "entity": "Health &amp; care, and &copy; Crown.",
    "autolink": "See <https://www.nice.org.uk/guidance/qs148>.",
    "id and class": "## Outcomes {#outcomes .important}\n",
    "aligned table": "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
    "footnote": "A claim.[^1]\n\n[^1]: The source.\n",
    "admonition": '!!! note "Note"\n    Text.\n',
    "mailto": "[Write to us](mailto:enquiries@example.org)",
    "word data:": "The data: collected by the trust.",
    "word script": "The script: a play about care.",
}


@pytest.mark.parametrize("body", LEGITIMATE_BODIES.values(), ids=LEGITIMATE_BODIES.keys())
def test_legitimate_markdown_passes(body: str) -> None:
    assert story.check_body(body, 9, "a.md") == []
