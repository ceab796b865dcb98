"""SL018 against numpy: a call on an array of declared literal sizes is reported (by SL018, or
by a rule that knows the refusal better) exactly when numpy refuses that operand (the shape algebra's refusals are tested one by one in the
test_shapes_oracle files; this runs them through the whole engine and the rule)."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings, strategies as st

from shapelint.config import Settings
from shapelint.engine import check_source

# calls of one array x; {k} and {i} are drawn small ints, {counts} a list of k ones.  Random values, not zeros, so that
# numpy refuses only for the shape (inv of a singular matrix raises too)
CALLS = [
    "np.linalg.inv(x)", "np.linalg.det(x)", "np.linalg.eigvals(x)", "np.linalg.solve(x, x)",
    "np.linalg.matrix_power(x, 2)", "np.linalg.lstsq(x, x, rcond=None)", "np.linalg.norm(x, 'fro')",
    "np.linalg.norm(x, 2)", "np.diag(x)", "np.triu(x)", "np.tril(x)", "np.cross(x, x)",
    "np.split(x, {k})", "np.take(x, {i})", "np.searchsorted(x, 0.5)", "np.convolve(x, x)",
    "np.diff(x)", "np.sort(x)", "np.fft.fft(x)", "np.fft.rfft(x)", "np.repeat(x, {counts})",
    "np.roll(x, 1, axis=None)", "np.cov(x)", "np.hsplit(x, 1)", "np.vsplit(x, 1)",
    "np.tensordot(x, x, axes={k})", "np.linalg.multi_dot([x, x])", "np.linalg.norm(x, 'nuc')",
    "np.linalg.norm(x, 0)", "np.linalg.norm(x, {k})", "np.linalg.qr(x, mode='full')",
    "np.linalg.qr(x, mode='raw')", "np.fft.fft(x, n={i})", "np.diff(x, n={i})", "np.tile(x, {i})",
    "np.repeat(x, {i})", "np.roll(x, {counts}, axis=(0, 1))",
]


def _source(sizes, call: str) -> str:
    if not sizes:
        return f"import numpy as np\n\n\ndef f():\n    x = np.zeros(())\n    return {call}\n"
    dims = " ".join(str(s) for s in sizes)
    return (f"import numpy as np\nfrom jaxtyping import Float\n\n\n"
            f"def f(x: Float[np.ndarray, \"{dims}\"]):\n    return {call}\n")


@settings(max_examples=1000, deadline=None)
@given(sizes=st.lists(st.integers(0, 4), max_size=3), template=st.sampled_from(CALLS),
       k=st.integers(1, 3), i=st.integers(-5, 5))
def test_reported_exactly_when_numpy_refuses_the_operand(sizes, template, k, i):
    call = template.format(k=k, i=i, counts=[1] * k)
    found = [d.code for d in check_source("t.py", _source(sizes, call), Settings())]
    x = np.random.default_rng(0).random(tuple(sizes))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # the cov of one observation, qr's deprecated modes
            eval(call, {"np": np, "x": x})  # the oracle, in the test only
        refused = False
    except (ValueError, IndexError, TypeError, np.linalg.LinAlgError):
        refused = True
    assert refused or not found, (sizes, call, found)
    if not sizes:
        assert "SL018" not in found  # a 0-d array: to shapelint an item of an object array is one
        return
    # a refusal another rule knows better (an axis out of range: SL009) is reported by that rule
    assert len(found) == (1 if refused else 0), (sizes, call, found)
