"""SL008 reshape-size."""

from __future__ import annotations

from ..shapes import fmt_dim, fmt_shape
from ..shapes.shape import Shape
from .base import Rule


def check(event, ctx) -> None:
    err = event.data["error"]
    expr = ctx.code(event.node)
    new = fmt_shape(Shape(err.new))
    if err.reason == "unknowns":
        msg = f"{expr}: more than one -1 in the new shape {new}; numpy can infer only one dimension"
    elif err.reason == "divide":
        msg = (f"{expr}: {fmt_dim(err.old_size)} elements of {fmt_shape(err.shape)} cannot be split into {new} "
               f"(the other dimensions make {fmt_dim(err.new_size)})")
    else:
        msg = (f"{expr}: cannot reshape {fmt_shape(err.shape)} ({fmt_dim(err.old_size)} elements) into {new} "
               f"({fmt_dim(err.new_size)} elements)")
    ctx.report(RULE, event.node, msg, [ctx.describe(event.data["operand"])])


RULE = Rule(
    code="SL008",
    name="reshape-size",
    severity="error",
    summary="A reshape to a different number of elements, or with more than one -1.",
    events=("reshape",),
    check=check,
    doc="""
    ## What it does
    Checks `reshape` (method and `np.reshape`): where both element counts are known they must
    agree, `-1` may appear once, and the inferred `-1` must divide evenly.

    ## Why is this bad?
    numpy raises `ValueError: cannot reshape array of size 12 into shape (4,4)`.

    ## Example
    ```python
    x = np.zeros((n, 3, 4))
    flat = x.reshape(n, 16)
    ```

    ## Use instead
    ```python
    flat = x.reshape(n, 12)  # or x.reshape(n, -1)
    ```
    """,
)
