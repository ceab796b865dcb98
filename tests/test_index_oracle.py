"""SL016 against numpy: indexing an array of a declared shape with ints, slices, ``None`` and
``...`` is reported exactly when numpy refuses it for having too many indices, but for a 0-d
array, which is not reported (an item of an object array is 0-d to shapelint)."""

from __future__ import annotations

import sys

import numpy as np
from hypothesis import given, settings, strategies as st

from shapelint.config import Settings
from shapelint.engine import RECURSION_LIMIT, check_source

sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))  # as check_source will

# entries of an index, as source text; ints are 0 so that no index is out of bounds
ENTRY = st.sampled_from(["0", ":", "1:", "None", "..."])


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(1, 3), max_size=4), entries=st.lists(ENTRY, min_size=1, max_size=5))
def test_reported_exactly_when_numpy_has_too_many_indices(sizes, entries):
    index = ", ".join(entries)
    dims = " ".join(f"d{i}" for i in range(len(sizes)))
    source = (f"import numpy as np\nfrom jaxtyping import Float\n\n\n"
              f"def f(x: Float[np.ndarray, \"{dims}\"]):\n    return x[{index}]\n")
    if not sizes:  # a 0-d array: made, not annotated
        source = f"import numpy as np\n\n\ndef f():\n    x = np.zeros(())\n    return x[{index}]\n"
    found = [d.code for d in check_source("t.py", source, Settings()) if d.code == "SL016"]
    x = np.zeros(tuple(sizes))
    try:
        eval(f"x[{index}]", {"x": x})  # the oracle, in the test only: numpy on the same index
        refused = False
    except IndexError as exc:
        refused = "too many indices" in str(exc)
        if not refused:
            return  # another refusal (two ellipses): not this rule's
    assert found == (["SL016"] if refused and sizes else []), source
