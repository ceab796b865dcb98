"""SL016 against numpy: indexing an array of a declared shape with ints, slices, ``None`` and
``...`` is reported exactly when numpy refuses it for having too many indices, but for a 0-d
array, which is not reported (an item of an object array is 0-d to shapelint)."""

from __future__ import annotations

import numpy as np
from conftest import codes_on_declared
from hypothesis import given, settings, strategies as st

# entries of an index, as source text; ints are 0 so that no index is out of bounds
ENTRY = st.sampled_from(["0", ":", "1:", "None", "..."])


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(1, 3), max_size=4), entries=st.lists(ENTRY, min_size=1, max_size=5))
def test_reported_exactly_when_numpy_has_too_many_indices(sizes, entries):
    index = ", ".join(entries)
    found = codes_on_declared(sizes, f"return x[{index}]", "SL016")
    x = np.zeros(tuple(sizes))
    try:
        eval(f"x[{index}]", {"x": x})  # the oracle, in the test only: numpy on the same index
        refused = False
    except IndexError as exc:
        refused = "too many indices" in str(exc)
        if not refused:
            return  # another refusal (two ellipses): not this rule's
    assert found == (["SL016"] if refused and sizes else []), (sizes, index)
