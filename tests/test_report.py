"""Reporters (shapelint.report): exact output on hand-built diagnostics."""

from __future__ import annotations

import json

import click

from shapelint.diagnostics import Diagnostic, Fix
from shapelint.report import get_renderer
from shapelint.report import json as json_report
from shapelint.report import text as text_report

D = Diagnostic

DIAGNOSTICS = [
    D("src/train.py", 12, 9, 13, 14, "SL002", "broadcast-mismatch", "warning",
      "shapes (3,) and (4,) do not broadcast"),
    D("src/model.py", 7, 5, 7, 10, "SL001", "matmul-mismatch", "error",
      "cannot multiply (2, 3) by (4, 5)",
      notes=("a has shape (2, 3)", "b has shape (4, 5)"),
      suggestion="transpose b: a @ b.T",
      fix=Fix(7, 9, 7, 10, "b.T")),
    D("src/gone.py", 3, 1, 3, 2, "SL003", "unknown-shape", "note", "no source for this one"),
    D("src/model.py", 2, 6, 2, 8, "SL004", "wide", "error", "after a tab, wide characters"),
]

SOURCES = {
    "src/model.py": ["import numpy as np", "\tz = 漢字 + w", "", "", "", "", "y = a @ b"],
    "src/train.py": [""] * 11 + ["        r = np.add(x,", "                   w)"],
}

EXPECTED_TEXT = """\
src/gone.py:3:1: SL003 [note] no source for this one

src/model.py:2:6: SL004 [error] after a tab, wide characters
  2 |     z = 漢字 + w
    |         ^^^^

src/model.py:7:5: SL001 [error] [*] cannot multiply (2, 3) by (4, 5)
  7 | y = a @ b
    |     ^^^^^
  = note: a has shape (2, 3)
  = note: b has shape (4, 5)
  = help: transpose b: a @ b.T

src/train.py:12:9: SL002 [warning] shapes (3,) and (4,) do not broadcast
  12 |         r = np.add(x,
     |         ^^^^^^^^^^^^^

Found 2 errors, 1 warning, 1 note in 3 files.
[*] 1 fixable with the --fix option.
"""


def test_text_snapshot():
    assert text_report.render(DIAGNOSTICS, SOURCES, False, files_checked=5) == EXPECTED_TEXT


def test_text_sources_may_be_a_callable():
    asked = []

    def load(path):
        asked.append(path)
        if path == "src/gone.py":
            from shapelint.files import SourceError

            raise SourceError("src/gone.py: no such file")
        return SOURCES.get(path)

    assert text_report.render(DIAGNOSTICS, load, False, files_checked=5) == EXPECTED_TEXT
    assert sorted(asked) == ["src/gone.py", "src/model.py", "src/train.py"]  # each read once


def test_text_colour_is_only_decoration():
    coloured = text_report.render(DIAGNOSTICS, SOURCES, True, files_checked=5)
    assert "\x1b[" in coloured
    assert click.unstyle(coloured) == EXPECTED_TEXT
    assert "\x1b[" not in text_report.render(DIAGNOSTICS, SOURCES, False, files_checked=5)


def test_text_quiet_is_first_lines_only():
    assert text_report.render(DIAGNOSTICS, SOURCES, False, quiet=True, files_checked=5) == (
        "src/gone.py:3:1: SL003 [note] no source for this one\n"
        "src/model.py:2:6: SL004 [error] after a tab, wide characters\n"
        "src/model.py:7:5: SL001 [error] [*] cannot multiply (2, 3) by (4, 5)\n"
        "src/train.py:12:9: SL002 [warning] shapes (3,) and (4,) do not broadcast\n"
    )
    assert text_report.render([], SOURCES, False, quiet=True, files_checked=5) == ""


def test_text_no_findings():
    assert text_report.render([], {}, False, files_checked=3) == "All checked: no findings in 3 files.\n"
    assert text_report.render([], {}, False, files_checked=1) == "All checked: no findings in 1 file.\n"


def test_text_summary_wording():
    one = D("a.py", 1, 1, 1, 2, "SL001", "r", "error", "m")
    assert text_report.render([one], None, False) == "a.py:1:1: SL001 [error] m\n\nFound 1 error, 0 warnings in 1 file.\n"
    two = [one, D("b.py", 1, 1, 1, 2, "SL002", "r", "warning", "m"), D("b.py", 2, 1, 2, 2, "SL002", "r", "warning", "m")]
    assert text_report.render(two, None, False).endswith("\n\nFound 1 error, 2 warnings in 2 files.\n")


def test_text_span_edge_cases():
    lines = {"a.py": ["x = f()", "\ty"]}

    def snippet(line, col, end_line, end_col):
        d = D("a.py", line, col, end_line, end_col, "SL001", "r", "error", "m")
        return text_report.render([d], lines, False).split("\n")[1:3]

    assert snippet(1, 5, 1, 5) == ["  1 | x = f()", "    |     ^"]  # empty span: one caret
    assert snippet(1, 5, 1, 99) == ["  1 | x = f()", "    |     ^^^"]  # clipped to the line
    assert snippet(1, 50, 1, 60) == ["  1 | x = f()", "    |        ^"]  # past the end: one caret
    assert snippet(2, 2, 2, 3) == ["  2 |     y", "    |     ^"]  # tab expanded to 4 columns
    # A line outside the file: no snippet at all.
    d = D("a.py", 9, 1, 9, 2, "SL001", "r", "error", "m")
    assert text_report.render([d], lines, False) == "a.py:9:1: SL001 [error] m\n\nFound 1 error, 0 warnings in 1 file.\n"


def test_text_multiline_note_is_indented():
    d = D("a.py", 1, 1, 1, 2, "SL001", "r", "error", "m", notes=("first\nsecond",))
    out = text_report.render([d], None, False)
    assert "  = note: first\n          second\n" in out


# --- JSON ------------------------------------------------------------------------------------


KEYS = ["path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "notes", "suggestion"]


def test_json_keys_order_and_sorting():
    out = json_report.render(DIAGNOSTICS, SOURCES, True)
    assert "\x1b[" not in out
    assert out.endswith("]\n")
    data = json.loads(out)
    assert [list(obj) for obj in data] == [KEYS] * 4
    assert [(o["path"], o["line"], o["column"]) for o in data] == [
        ("src/gone.py", 3, 1),
        ("src/model.py", 2, 6),
        ("src/model.py", 7, 5),
        ("src/train.py", 12, 9),
    ]
    assert data[2]["notes"] == ["a has shape (2, 3)", "b has shape (4, 5)"]
    assert data[2]["suggestion"] == "transpose b: a @ b.T"
    assert data[0]["suggestion"] is None and data[0]["notes"] == []


def test_json_snapshot():
    d = D("a.py", 3, 5, 3, 10, "SL001", "matmul-mismatch", "error", "can't multiply", notes=("n",), suggestion="s")
    assert json_report.render([d], None, False) == """\
[
  {
    "path": "a.py",
    "line": 3,
    "column": 5,
    "end_line": 3,
    "end_column": 10,
    "code": "SL001",
    "name": "matmul-mismatch",
    "severity": "error",
    "message": "can't multiply",
    "notes": [
      "n"
    ],
    "suggestion": "s"
  }
]
"""


def test_json_empty():
    assert json_report.render([], {}, False) == "[]\n"


def test_json_is_ascii_and_round_trips_unicode():
    d = D("ü.py", 1, 1, 1, 2, "SL001", "r", "error", "shape (N, 漢)")
    out = json_report.render([d], None, False)
    assert out.isascii()
    assert json.loads(out)[0]["message"] == "shape (N, 漢)"


def test_get_renderer():
    assert get_renderer("text") is text_report.render
    assert get_renderer("json") is json_report.render
