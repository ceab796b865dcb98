"""SL004 transpose-1d."""

from __future__ import annotations

from ..shapes import fmt_shape
from .base import Rule


def check(event, ctx) -> None:
    v = ctx.code(event.data["operand"])
    msg = (f"{ctx.code(event.node)}: transposing the 1-D array {v} {fmt_shape(event.data['shape'])} does nothing; "
           f"numpy has no row or column vectors")
    help_ = f"for a column use {v}[:, None] or {v}.reshape(-1, 1); for an outer product with a vector a, np.outer(a, {v})"
    ctx.report(RULE, event.node, msg, [ctx.describe(event.data["operand"])], help_)


RULE = Rule(
    code="SL004",
    name="transpose-1d",
    severity="warning",
    summary="`.T`, `.transpose()` or `np.transpose` on a 1-D array, where it does nothing.",
    events=("transpose-1d",),
    check=check,
    doc="""
    ## What it does
    Reports transposing an array known to be 1-D.

    ## Why is this bad?
    A 1-D array is neither a row nor a column: `np.zeros(3).T.shape == (3,)`. Code that writes
    `u @ h.T` hoping for an outer product gets a scalar; code that transposes to make a column
    keeps a 1-D array that later broadcasts in surprising ways.

    ## Example
    ```python
    h = np.zeros(n)
    outer = u @ h.T  # a scalar, not (n, n)
    ```

    ## Use instead
    ```python
    col = h[:, None]        # (n, 1)
    outer = np.outer(u, h)  # (n, n)
    ```
    """,
)
