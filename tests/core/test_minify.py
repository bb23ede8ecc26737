"""core/minify.py: our CSS and JavaScript lose only what a browser ignores."""

from __future__ import annotations

from pathlib import Path

from evidence_bank.core.minify import minified, minify_assets


def test_css_loses_comments_and_spaces_only() -> None:
    css = '/* a note */\n.a,\n.b {\n  content: "a  /* kept */  b";\n  margin: 0 auto;\n}\n'
    assert minified("x.css", css) == '.a,.b{content:"a  /* kept */  b";margin:0 auto}'


def test_javascript_keeps_strings_template_literals_and_regular_expressions() -> None:
    js = (
        "// a note\n"
        "const x = `a  ${1 + 2}  b`; /* gone */\n"
        "const y = 'c  // d';\n"
        "const z = /\\s+\\/ */g;\n"
    )
    out = minified("x.js", js)
    assert "a note" not in out and "gone" not in out
    for kept in ("`a  ${1 + 2}  b`", "'c  // d'", "/\\s+\\/ */g"):
        assert kept in out


def test_other_files_are_left_alone() -> None:
    assert minified("x.svg", "<svg>  </svg>\n") == "<svg>  </svg>\n"


def test_assets_are_rewritten_once(tmp_path: Path) -> None:
    folder = tmp_path / "assets" / "evidence-bank"
    folder.mkdir(parents=True)
    (folder / "a.css").write_text("/* c */\n.a {\n  color: red;\n}\n", "utf-8")
    before, after = minify_assets(tmp_path)
    assert (folder / "a.css").read_text("utf-8") == ".a{color:red}"
    assert (before, after) == (29, 13)
    assert minify_assets(tmp_path) == (13, 13)
    assert minify_assets(tmp_path / "nothing") == (0, 0)
