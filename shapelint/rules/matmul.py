"""SL001 matmul-mismatch."""

from __future__ import annotations

from ..shapes import fmt_dim, fmt_shape
from ..values import shape_of
from .base import Rule
from .rearrange import chain, rearrangements


def check(event, ctx) -> None:
    d = event.data
    err = d["error"]
    left, right = d["left"], d["right"]
    if ctx.documentation_only(d.get("chain_values") or [d["lval"], d["rval"]]) \
            or ctx.documented_against_itself([left, right]):
        return
    chained = d.get("left_chain") or [left]  # multi_dot: the product of these meets right
    lname, rname = " @ ".join(ctx.code(n) for n in chained), ctx.code(right)
    expr = ctx.code(event.node)
    if err.reason == "inner":
        msg = (f"{expr}: inner dimensions differ: {lname} is {fmt_shape(err.left)}, {rname} is "
               f"{fmt_shape(err.right)} ({fmt_dim(err.left_dim)} != {fmt_dim(err.right_dim)})")
    elif err.reason.startswith("scalar"):
        which = lname if err.reason == "scalar" else rname
        msg = f"{expr}: matmul needs arrays of at least one dimension, but {which} is 0-d; use * for a scalar"
    else:
        msg = (f"{expr}: the leading (batch) dimensions cannot broadcast: {lname} is {fmt_shape(err.left)}, "
               f"{rname} is {fmt_shape(err.right)}")
    notes = [ctx.describe(left, d["lval"], lname if len(chained) > 1 else None), ctx.describe(right, d["rval"])]
    operands = chain(event.node)
    shapes = [ctx.shape_of(n) for n in operands]
    if len(operands) == 2:
        shapes = [shape_of(d["lval"]), shape_of(d["rval"])]
    found = rearrangements(operands, shapes, ctx.code, lambda s: True, ctx.settings.distinct_symbols)
    help_ = "; or ".join(f"{text} has shape {fmt_shape(s)}" for text, s in found) or None
    # fixable only when one rearrangement works and nothing else depends on the old shape
    fix = None
    if len(found) == 1 and len(operands) == 2:
        exact = rearrangements(operands, shapes, ctx.source, lambda s: True, ctx.settings.distinct_symbols)
        fix = (event.node, exact[0][0]) if len(exact) == 1 else None
    ctx.report(RULE, event.node, msg, notes, help_, fix=fix)


RULE = Rule(
    code="SL001",
    name="matmul-mismatch",
    severity="error",
    summary="The inner dimensions of a matrix product (`@`, `np.matmul`, `np.dot`, `.dot`) do not match.",
    events=("matmul",),
    check=check,
    doc="""
    ## What it does
    Checks that in `a @ b` (and `np.matmul`, `np.dot`, `a.dot(b)`, scikit-learn's
    `safe_sparse_dot(a, b)`) the last axis of `a` has the size of the contracted axis of `b`,
    from the shapes the code declares. In `np.linalg.multi_dot([A, B, C])` each product of the
    chain so far meets the next array; the message names that product (`A @ B is (n, k)`).
    The same contraction is checked in `np.vecdot`, `np.matvec`, `np.vecmat` and
    `np.linalg.vecdot`, and between a system and its right-hand side in `np.linalg.solve`,
    `np.linalg.lstsq`, `scipy.linalg.solve`, `solve_triangular` and `lstsq`.

    ## Why is this bad?
    numpy raises `ValueError: matmul: Input operand 1 has a mismatch in its core dimension` at
    run time, often deep in a training loop. In hand-derived gradients it usually means a factor
    of the chain rule is missing, transposed or in the wrong order.

    ## Example
    ```python
    w0 = np.random.randn(5, 3)
    w1 = np.random.randn(4, 5)
    L0 = np.random.randn(3, 1)
    dL2_dw0 = w1 @ L0  # (4, 5) @ (3, 1): 5 != 3
    ```

    ## Use instead
    ```python
    G = np.random.randn(4, 1)      # dE/dL2
    dE_dw0 = w1.T @ G @ L0.T       # (5, 4) @ (4, 1) @ (1, 3) = (5, 3), the shape of w0
    ```
    """,
)
