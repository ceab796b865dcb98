"""Inline suppression comments (shapelint.suppress)."""

from __future__ import annotations

import pytest

from shapelint.diagnostics import Diagnostic
from shapelint.suppress import ALL, filter_suppressed, suppressed_codes


def diag(line, code="SL001"):
    return Diagnostic(
        path="m.py", line=line, column=1, end_line=line, end_column=2,
        code=code, name="some-rule", severity="error", message="m",
    )


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        # (comment on the line, set of codes among SL001/SL002/SL010 that are dropped)
        ("", set()),
        ("# a comment", set()),
        ("# shapelint: ignore", {"SL001", "SL002", "SL010"}),
        ("#shapelint:ignore", {"SL001", "SL002", "SL010"}),
        ("# ShapeLint: IGNORE", {"SL001", "SL002", "SL010"}),
        ("# shapelint: ignore[SL001]", {"SL001"}),
        ("# shapelint: ignore[SL001, SL002]", {"SL001", "SL002"}),
        ("# shapelint: ignore[SL001,SL010]", {"SL001", "SL010"}),
        ("# shapelint: ignore[sl002]", {"SL002"}),
        ("# shapelint: ignore[]", {"SL001", "SL002", "SL010"}),
        ("# shapelint: ignored because", set()),
        ("# shapelint: ignore[SL00]", set()),  # codes are exact, not prefixes
        ("# shapelint: ignore[SL]", set()),
        ("# noqa", {"SL001", "SL002", "SL010"}),
        ("#noqa", {"SL001", "SL002", "SL010"}),
        ("# NOQA", {"SL001", "SL002", "SL010"}),
        ("# noqa: SL001", {"SL001"}),
        ("# noqa:SL001,SL002", {"SL001", "SL002"}),
        ("# noqa: SL001, SL010", {"SL001", "SL010"}),
        ("# noqa: SL001 SL002", {"SL001", "SL002"}),
        ("# noqa: E501", set()),  # another tool's code only
        ("# noqa: E501,SL002", {"SL002"}),
        ("# noqa: SL0", set()),
        ("# noqanother", set()),
        ("# type: ignore  # noqa: SL002", {"SL002"}),
        ("# shapelint: ignore[SL001]  # noqa: SL002", {"SL001", "SL002"}),
        ("# shapelint: ignore[SL001]  # noqa", {"SL001", "SL002", "SL010"}),
    ],
)
def test_comment_forms(comment, suppressed):
    line = f"y = a @ b  {comment}".rstrip()
    diags = [diag(1, "SL001"), diag(1, "SL002"), diag(1, "SL010")]
    kept = filter_suppressed(diags, [line])
    assert {d.code for d in diags} - {d.code for d in kept} == suppressed


def test_only_the_diagnostics_own_line_counts():
    lines = ["a = 1  # noqa", "b = 2", "c = 3  # shapelint: ignore[SL002]"]
    diags = [diag(1), diag(2), diag(3, "SL001"), diag(3, "SL002")]
    assert filter_suppressed(diags, lines) == [diag(2), diag(3, "SL001")]


def test_multi_line_span_uses_its_first_line():
    lines = ["y = f(a,", "      b)  # noqa"]
    d = Diagnostic("m.py", 1, 5, 2, 9, "SL001", "r", "error", "m")
    assert filter_suppressed([d], lines) == [d]


def test_out_of_range_lines_are_kept():
    diags = [diag(0), diag(5)]
    assert filter_suppressed(diags, ["# noqa"]) == diags


def test_order_is_preserved():
    diags = [diag(3), diag(1), diag(2)]
    assert filter_suppressed(diags, ["", "", ""]) == diags


def test_suppressed_codes():
    assert suppressed_codes("x = 1") is None
    assert suppressed_codes("x = 1  # noqa") is ALL
    assert suppressed_codes("x = 1  # noqa: SL001,sl002") == frozenset({"SL001", "SL002"})
