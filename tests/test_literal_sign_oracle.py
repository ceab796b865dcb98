"""Signed literals through the interpreter, against numpy: ``np.arange(-27.0, 0.0)`` has 27
items, and ``~n`` is ``-n - 1``.  The shape algebra's own oracle tests start from numbers; these
start from source text, where a sign is an operator of its own (astropy's tests had
``np.arange(-27.0, 0.0).reshape(3, 3, 3)``, reported as a reshape of an empty array)."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import given, settings, strategies as st  # noqa: E402

from shapelint.config import Settings  # noqa: E402
from shapelint.engine import RECURSION_LIMIT, check_source  # noqa: E402

sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))  # as check_source sets it

SETTINGS = settings(max_examples=150, deadline=None, database=None)


def revealed(source: str) -> str:
    """The shape ``reveal_shape(x)`` prints for the source, as text: "(27,)", or "unknown"."""
    notes = [d.message for d in check_source("t.py", source, Settings()) if d.code == "SL000"]
    assert len(notes) == 1, notes
    return re.match(r"x: (\([^)]*\)|unknown)", notes[0]).group(1)


def spelled(value) -> str:
    """A number as code writes it: a negative one is the operator minus on its size."""
    text = repr(abs(value))
    return f"-{text}" if value < 0 else text


numbers = st.one_of(st.integers(-20, 20), st.integers(-40, 40).map(lambda k: k / 4))


@SETTINGS
@given(args=st.lists(numbers, min_size=1, max_size=3))
def test_arange_with_signed_literals_counts_as_numpy_does(args):
    if len(args) == 3 and args[2] == 0:
        args[2] = 1
    source = f"import numpy as np\nx = np.arange({', '.join(spelled(a) for a in args)})\nreveal_shape(x)\n"
    assert revealed(source) == f"({np.arange(*args).shape[0]},)", source


@SETTINGS
@given(n=st.integers(-5, 5), extra=st.integers(0, 12), plus=st.booleans())
def test_inverted_and_negated_ints_size_an_array(n, extra, plus):
    size = ~n + extra
    source = f"import numpy as np\nn = {spelled(n)}\nx = np.zeros({'+' if plus else ''}(~n + {extra}))\nreveal_shape(x)\n"
    theirs = np.zeros(size).shape if size >= 0 else None
    ours = revealed(source)
    if theirs is None:
        assert ours in ("unknown", f"({size},)"), source  # numpy refuses a negative size
    else:
        assert ours == f"({theirs[0]},)", source
