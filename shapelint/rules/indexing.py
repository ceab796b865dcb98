"""SL016 too-many-indices."""

from __future__ import annotations

import libcst as cst

from ..numpy_api import SHAPED_BY_FIRST_ARGUMENT
from ..shapes import fmt_shape
from ..values import Array, from_docstring
from .base import Rule


def _count(k: int, one: str, many: str) -> str:
    return f"{k} {one}" if k == 1 else f"{k} {many}"


def _documented_shape(ctx, value) -> bool:
    """Whether ``value``'s shape is a docstring's: the documented value itself, or an array made
    with its shape (pykoopman's ``y = np.zeros(x.shape)`` for ``x`` documented ``(2,)``)."""
    if from_docstring(value.origin):
        return True
    node = value.origin.node if value.origin is not None and value.origin.kind == "call" else None
    if not isinstance(node, cst.Call) or not node.args or type(node.func) is not cst.Attribute \
            or node.func.attr.value not in SHAPED_BY_FIRST_ARGUMENT:
        return False
    arg = node.args[0].value
    if type(arg) is cst.Attribute and arg.attr.value == "shape":
        arg = arg.value
    source = ctx.value_of(arg)
    return isinstance(source, Array) and from_docstring(source.origin)


def check(event, ctx) -> None:
    d = event.data
    value = d["bval"]
    if not ctx.settings.trust_docstrings and _documented_shape(ctx, value):
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
    whose shape comes only from its docstring (or an array made with it, `np.zeros(x.shape)`) is
    not reported: docstrings are hints, and the index states the rank outright;
    `--trust-docstrings` reports it. Nor is a 0-d array (an
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
