"""SL014 against Python and numpy: unpacking ``x.shape`` of a declared rank into a number of
names (with or without a starred one) is reported exactly when doing it raises."""

from __future__ import annotations

import numpy as np
from conftest import codes_on_declared
from hypothesis import given, settings, strategies as st


def _targets(names: int, star: int) -> str:
    """``a0, a1, *rest`` (the starred name at position ``star``; -1: none)."""
    out = [f"a{i}" for i in range(names)]
    if star >= 0:
        out[star] = "*rest"
    return ", ".join(out) + ("," if names == 1 else "")


@settings(max_examples=150, deadline=None)
@given(sizes=st.lists(st.integers(0, 3), max_size=4), names=st.integers(1, 5), star=st.integers(-1, 4))
def test_reported_exactly_when_unpacking_raises(sizes, names, star):
    star = star if star < names else -1
    if star >= 0 and names == 1:
        star = -1  # "*rest, = x.shape" is legal but says nothing
    targets = _targets(names, star)
    found = codes_on_declared(sizes, f"{targets} = x.shape", "SL014")
    try:
        exec(f"{targets} = np.zeros({tuple(sizes)!r}).shape", {"np": np})  # the oracle, in the test only
        raises = False
    except ValueError:
        raises = True
    assert found == (["SL014"] if raises else []), (sizes, targets)
