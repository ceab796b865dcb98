"""SL016 against numpy: indexing an array of a declared shape with ints, slices, ``None`` and
``...`` is reported exactly when numpy refuses it for having too many indices, but for a 0-d
array, which is not reported (an item of an object array is 0-d to shapelint).  SL017 against
numpy: a boolean mask among them is reported exactly when numpy refuses its sizes."""

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


# --- SL017: a boolean mask against the axes it takes ------------------------------------------

HEAD = st.sampled_from([":", "0", "None"])


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(0, 3), min_size=1, max_size=4), mask=st.lists(st.integers(0, 3), min_size=1,
       max_size=2), head=st.lists(HEAD, max_size=2), ellipsis=st.booleans(), tail=st.lists(HEAD, max_size=1))
def test_mask_reported_exactly_when_numpy_refuses_its_sizes(sizes, mask, head, ellipsis, tail):
    """x of literal sizes, indexed with a mask of literal sizes among ints, slices, ``None`` and
    maybe an ellipsis: SL017 exactly when numpy says the mask does not match."""
    from shapelint.config import Settings
    from shapelint.engine import check_source

    entries = (["..."] if ellipsis else []) + head + ["m"] + tail
    index = ", ".join(entries)
    dims = " ".join(str(s) for s in sizes)
    source = (f"import numpy as np\nfrom jaxtyping import Float\n\n\n"
              f"def f(x: Float[np.ndarray, \"{dims}\"]):\n    m = np.zeros({tuple(mask)}) > 0\n"
              f"    return x[{index}]\n")
    found = [d.code for d in check_source("t.py", source, Settings()) if d.code == "SL017"]
    x, m = np.zeros(tuple(sizes)), np.zeros(tuple(mask)) > 0
    try:
        eval(f"x[{index}]", {"x": x, "m": m})  # the oracle, in the test only
        refused = False
    except IndexError as exc:
        refused = "boolean index did not match" in str(exc)
    assert found == (["SL017"] if refused else []), (sizes, mask, index)
