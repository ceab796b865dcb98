"""SL016 too-many-indices."""

from __future__ import annotations

from ..shapes import fmt_shape
from ..values import from_docstring
from .base import Rule


def _count(k: int, one: str, many: str) -> str:
    return f"{k} {one}" if k == 1 else f"{k} {many}"


def check(event, ctx) -> None:
    d = event.data
    value = d["bval"]
    if from_docstring(value.origin) and not ctx.settings.trust_docstrings:
        return  # the code's index states the rank; a docstring's shape is a hint (as for SL014)
    shape = value.shape
    rank, given = len(shape.dims), d["count"]
    base = ctx.code(d["base"])
    msg = (f"{ctx.code(event.node)}: {_count(given, 'index', 'indices')} for {base}, which has "
           f"{_count(rank, 'dimension', 'dimensions')} {fmt_shape(shape)} (IndexError: too many indices for array)")
    help_ = (f"index {base} with at most {_count(rank, 'index', 'indices')}, or find where it lost "
             f"{'a dimension' if given - rank == 1 else _count(given - rank, 'dimension', 'dimensions')}")
    ctx.report(RULE, event.node, msg, [ctx.describe(d["base"], value)], help_)


RULE = Rule(
    code="SL016",
    name="too-many-indices",
    severity="error",
    summary="An array indexed (or assigned into) with more indices than it has dimensions.",
    events=("index",),
    check=check,
    doc="""
    ## What it does
    Reports `x[i, j]`, `x[:, 0]`, `x[0, :] = v` and the like where `x` is known to have fewer
    dimensions than the index has entries (`None`/`np.newaxis` and `...` take none). An array
    whose shape comes only from its docstring is not reported (docstrings are hints, and the
    index states the rank outright); `--trust-docstrings` reports it. Nor is a 0-d array (an
    item of an object array is 0-d to shapelint, and holds whatever was stored in it), an index
    with an array in it, or an index out of bounds (jax clamps it where numpy raises).

    ## Why is this bad?
    numpy raises `IndexError: too many indices for array: array is 1-dimensional, but 2 were
    indexed`. It usually means the array is not what the code expects: `np.array((3, 3))` is
    the 1-D array `[3, 3]`, not a 3 x 3 one, and a reduction or a row taken earlier dropped an
    axis the index still counts on.

    ## Example
    ```python
    H = np.array((3, 3))
    H[0, :] = inertia[0:3]
    ```

    ## Use instead
    ```python
    H = np.zeros((3, 3))
    H[0, :] = inertia[0:3]
    ```
    """,
)
