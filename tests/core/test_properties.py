"""Property-based tests: whatever a file holds, the reader and validator answer with a case study
or with named problems; never a traceback, never a hang (hypothesis' deadline)."""

from __future__ import annotations

from typing import Any

import yaml
from evidence_bank.core import frontmatter, story, validate, vocabulary
from evidence_bank.core.model import CaseStudy
from evidence_bank.core.problems import Problem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import MINIMAL, VOCABULARY

VOCAB = vocabulary.load(VOCABULARY)
SETTINGS = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def _check(data: bytes) -> CaseStudy | list[Problem]:
    front = frontmatter.read(data, "case_studies/x.md")
    if isinstance(front, list):
        return front
    return validate.validate(front, "case_studies/x.md", "x", VOCAB)


def _assert_answer(result: object, data: bytes) -> None:
    if isinstance(result, CaseStudy):
        return
    assert isinstance(result, list) and result, "no case study and no problem"
    lines = data.count(b"\n") + 2
    for problem in result:
        assert isinstance(problem, Problem)
        assert problem.path == "case_studies/x.md"
        assert 1 <= problem.line <= lines, (problem, lines)
        assert problem.field and problem.found and problem.expected


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _assert_answer(_check(data), data)


@SETTINGS
@given(st.binary(max_size=500))
def test_arbitrary_bytes_inside_delimiters(data: bytes) -> None:
    wrapped = b"---\n" + data + b"\n---\nStory\n"
    _assert_answer(_check(wrapped), wrapped)


YAMLISH = st.text(
    alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@`,?\n\t 0123-_.~\\")), max_size=300
)


@SETTINGS
@given(YAMLISH)
def test_yaml_punctuation_soup(text: str) -> None:
    data = f"---\n{text}\n---\n".encode()
    _assert_answer(_check(data), data)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.dates().map(str),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "summary",
        "rung",
        "principles",
        "period",
        "pathway",
        "group",
        "checklist",
        "sources",
        "consent",
        "withdrawn",
        "published",
        "synthetic",
        "place",
        "nation",
        "other",
    ]
)


@SETTINGS
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_arbitrary_front_matter_mappings(extra: dict[str, Any]) -> None:
    base = yaml.safe_load(MINIMAL.split("---")[1])
    base.update(extra)
    data = ("---\n" + yaml.safe_dump(base, allow_unicode=True) + "---\nStory\n").encode()
    _assert_answer(_check(data), data)


@SETTINGS
@given(st.text(max_size=500))
def test_arbitrary_story(body: str) -> None:
    problems = story.check_body(body, 9, "case_studies/x.md")
    assert all(p.field == "body" and p.line >= 9 for p in problems)


MARKER_FREE = st.text(alphabet=st.sampled_from(list("abc:-[]{}'\"|>#,?\n 012_.~\\")), max_size=300)


@SETTINGS
@given(MARKER_FREE)
def test_fast_and_event_readers_agree(text: str) -> None:
    """The fast path (libyaml composes nodes) and the event reader give the same answer."""
    source = text + "\n"
    fast_reader = frontmatter._NodeReader("x.md", source, 2)
    slow_reader = frontmatter._EventReader("x.md", source, 2)
    fast, slow = fast_reader.run(), slow_reader.run()
    if isinstance(slow, list):
        # Both refuse it. (Which problem comes first can differ: the event reader can stop at a
        # scalar at the top before the parser reaches a later syntax error.)
        assert isinstance(fast, list) and fast
    else:
        assert fast == slow
        assert fast_reader.value_lines == slow_reader.value_lines
        # The texts each gathers while reading are those a walk of the values finds, in order.
        assert (
            fast_reader.texts
            == slow_reader.texts
            == frontmatter.FrontMatter(fast, {}, "", 1).all_texts()
        )


WORDS = st.sampled_from(["a", "word", "x y", "1.", "#", "|", "\\[", "&amp;", "&#106;", ":", ""])
ADDRESSES = st.sampled_from(
    ["https://nhs.uk", "other.md", "#top", "javascript:x", "JaVa&#x09;script:x", "data:x", ""]
)


def _nested(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One markdown construct around `inner`."""
    return st.one_of(
        inner.map(lambda text: "- " + text.replace("\n", "\n  ")),
        inner.map(lambda text: "1. " + text.replace("\n", "\n    ")),
        inner.map(lambda text: "> " + text.replace("\n", "\n> ")),
        inner.map(lambda text: "    " + text.replace("\n", "\n    ")),
        inner.map(lambda text: "!!! note\n    " + text.replace("\n", "\n    ")),
        st.tuples(st.sampled_from(["*", "_", "**", "`", "["]), inner).map(
            lambda pair: pair[0] + pair[1] + {"[": "]"}.get(pair[0], pair[0])
        ),
        st.tuples(inner, ADDRESSES).map(lambda pair: f"[{pair[0]}]({pair[1]})"),
        st.tuples(inner, ADDRESSES).map(lambda pair: f"![{pair[0]}][r]\n\n[r]: {pair[1]}"),
        inner.map(lambda text: f"Claim[^1]\n\n[^1]: {text}"),
        inner.map(lambda text: f"| a | b |\n|---|:-:|\n| {text} | c |"),
        inner.map(lambda text: f"<span title='{text}'>x</span>"),
        inner.map(lambda text: text + " {: .c #i }"),
        st.tuples(inner, inner).map("\n\n".join),
        st.tuples(inner, inner).map("\n".join),
    )


MARKDOWN = st.recursive(st.lists(WORDS, max_size=4).map(" ".join), _nested, max_leaves=30)


@SETTINGS
@given(MARKDOWN)
def test_nested_markdown_story(body: str) -> None:
    """Nested lists, quotes, emphasis, links, footnotes, tables, code and raw HTML: the story
    check answers with problems or nothing, never raises, and finishes in time."""
    problems = story.check_body(body + "\n", 9, "case_studies/x.md")
    lines = 9 + body.count("\n") + 1
    assert all(p.field == "body" and 9 <= p.line <= lines for p in problems), problems
