"""SL009 axis-range."""

from __future__ import annotations

import libcst as cst

from ..shapes import fmt_shape
from .base import Rule

AXIS_KEYWORDS = ("axis", "axes")


def _where(node):
    """The ``axis=`` argument when the call has one: the finding points at what is wrong (on its
    line when the call spans several), else the whole call."""
    if isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in AXIS_KEYWORDS:
                return arg
    return node


def check(event, ctx) -> None:
    err = event.data["error"]
    expr = ctx.code(event.node)
    x = ctx.code(event.data["operand"])
    s = fmt_shape(err.shape)
    if err.reason == "range":
        rank = len(err.shape.dims) if err.shape.fixed else None
        within = "" if rank == err.ndim else f" (the result would have rank {err.ndim})"
        msg = f"{expr}: axis {err.axis} is out of range for {x} of shape {s}{within}"
    elif err.reason == "duplicate":
        msg = f"{expr}: axis {err.axis} repeats an axis"
    elif err.reason == "squeeze":
        msg = f"{expr}: cannot squeeze axis {err.axis} of {x} {s}: its size is not 1"
    elif err.reason == "tuple":
        msg = f"{expr}: this reduction takes a single axis, not {err.axis}"
    elif err.reason == "matrix":
        axes = "1 axis" if err.ndim == 1 else f"{err.ndim} axes"
        msg = f"{expr}: {x} {s} has {axes}; a matrix transpose (.mT) needs at least 2"
    else:
        msg = f"{expr}: axes {err.axis} are not a permutation of the {err.ndim} axes of {x} {s}"
    ctx.report(RULE, _where(event.node), msg, [ctx.describe(event.data["operand"])])


RULE = Rule(
    code="SL009",
    name="axis-range",
    severity="error",
    summary="An axis argument out of range for the array's rank (or repeated, or not squeezable).",
    events=("axis",),
    check=check,
    doc="""
    ## What it does
    Checks `axis=` of reductions (`sum`, `mean`, `argmax` ...), `expand_dims`, `squeeze`,
    `swapaxes`, `moveaxis`, `cumsum` and the axes of `transpose` against the array's rank, and
    that `x.mT` (numpy 2's matrix transpose) has the two axes it swaps. Also scikit-learn's
    `_safe_indexing(X, idx, axis=...)`, which takes rows or columns only. The finding points at
    the `axis=` argument when there is one.

    ## Why is this bad?
    numpy raises `AxisError: axis 2 is out of bounds for array of dimension 2` (for `.mT` of a
    1-D array, `ValueError: matrix transpose with ndim < 2 is undefined`). It often means the
    array has one axis fewer than the code assumes (a reduction earlier dropped it).

    ## Example
    ```python
    X = np.zeros((n, d))
    col_means = X.mean(axis=2)
    ```

    ## Use instead
    ```python
    col_means = X.mean(axis=0)
    ```
    """,
)
