"""Templates are formatted (issue 25): no line over 110 columns that `bin/wrap-templates` could
break without changing the output. What is left over 110 is text or an HTML tag a test reads
byte for byte; the formatter leaves those alone."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_templates_are_wrapped():
    wrapper = runpy.run_path(str(ROOT / "bin" / "wrap-templates"))
    unwrapped = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if wrapper["wrap"](line) != [line]
    ]
    assert unwrapped == [], "run bin/wrap-templates"


def _tokens(source: str) -> list[tuple[str, str]]:
    """Jinja's tokens without the whitespace inside tags, adjacent string literals joined."""
    import ast

    from jinja2 import Environment

    tokens: list[tuple[str, str]] = []
    for _line, kind, value in Environment().lex(source):
        if kind == "whitespace":
            continue
        if kind == "string":
            value = ast.literal_eval(value)
            if tokens and tokens[-1][0] == "string":
                tokens[-1] = ("string", tokens[-1][1] + value)
                continue
        tokens.append((kind, value))
    return tokens


def test_the_wrapper_breaks_only_where_nothing_renders_differently():
    wrap = runpy.run_path(str(ROOT / "bin" / "wrap-templates"))["wrap"]
    line = '  <p class="lead">{{ _("' + "word " * 30 + '") }} ' + "text " * 10 + "</p>"
    lines = wrap(line)
    assert len(lines) > 2 and all(len(part) <= 110 for part in lines[:-1])
    assert _tokens("\n".join(lines)) == _tokens(line)
    text = "  <p>" + "plain text " * 15 + "</p>"
    assert wrap(text) == [text]
