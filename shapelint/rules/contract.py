"""SL007 shape-contract."""

from __future__ import annotations

import libcst as cst

from ..shapes import fmt_dim, fmt_shape
from ..shapes.dim import display_name
from .base import Rule


def _bound_by(ctx, label) -> str:
    node, pname = label if isinstance(label, tuple) else (label, None)
    if node is None:
        return ""
    where = f"argument {ctx.code(node)}" + (f" (parameter {pname})" if pname else "")
    line = ctx.line(node)
    return f" from {where}" + (f", line {line}" if line else "")


def check(event, ctx) -> None:
    d = event.data
    if d.get("documented") and not ctx.awaits_confirmation():
        return  # a hint the body does not bear out
    if d["what"] == "return" and type(d["value"]) is cst.Name and d["value"].value in ctx.reported_keys:
        return  # a gradient SL002/SL003 reported where it was made
    mm, declared, actual = d["mismatch"], d["declared"], d["actual"]
    what = d["what"]
    value = ctx.code(d["value"])
    declared_ = "documented" if d.get("documented") else "declared"
    if mm.reason == "rank":
        detail = f"rank {len(actual.dims) if actual.fixed else '?'} where {len(declared.dims)} is {declared_}"
    elif mm.symbol is not None:
        detail = (f"dimension '{display_name(mm.symbol)}' is bound to {fmt_dim(mm.expected)}{_bound_by(ctx, mm.bound_by)}, "
                  f"but is {fmt_dim(mm.got)} here")
    else:
        detail = f"axis {mm.axis} is {fmt_dim(mm.got)} where {fmt_dim(mm.expected)} is {declared_}"
    if what == "return":
        declares = "documents" if d.get("documented") else "declares"
        msg = f"returned {value} has shape {fmt_shape(actual)}, but {d['function']}() {declares} {fmt_shape(declared)}: {detail}"
    elif what == "argument":
        msg = (f"argument {value} of {d['function']}() has shape {fmt_shape(actual)}, but parameter {d['name']} "
               f"declares {fmt_shape(declared)}: {detail}")
    elif what == "comment":
        msg = (f"{value} has shape {fmt_shape(actual)}, but the shape comment declares {d['name']} "
               f"{fmt_shape(declared)}: {detail}")
    else:
        msg = f"{value} has shape {fmt_shape(actual)}, but {d['name']} is declared {fmt_shape(declared)}: {detail}"
    # a docstring may be the one that is wrong (POT, skglm and scikit-bio document returns they do not give)
    help_ = f"if the code is right, document {fmt_shape(actual)}" if d.get("documented") else None
    ctx.report(RULE, event.node, msg, [ctx.describe(d["value"], d["vval"])], help_)


RULE = Rule(
    code="SL007",
    name="shape-contract",
    severity="error",
    summary="A value contradicts a declared shape: a return annotation, a parameter annotation, an annotated assignment.",
    events=("contract",),
    check=check,
    doc="""
    ## What it does
    Checks values against the shapes the code declares: a returned value against the return
    annotation, or against the documented return where docstrings are trusted
    (`--trust-docstrings`) or the function's body bears its docstring out (a product or
    broadcast of two documented parameters that meet on a documented size: `x @ w` with `x`
    `(N, D)` and `w` `(D, M)`), also item by item for a documented tuple
    (`Returns a tuple of: - out: ... of shape (N, M)`); each argument of a call to a function defined in the same file against that
    parameter's annotation or documented shape, binding the symbols per call as jaxtyping does
    (so `"n d"` then `"d k"` requires the two `d` to agree); an annotated assignment against its
    annotation; an assignment against its `# shape: (n, d)` comment.

    A return annotation that the function's own body refutes (the finding at its `return`) is not
    passed on to callers: they get what the body returns for their arguments, as for a function
    with no annotation, so that one wrong annotation is one finding, not one more at each use.

    ## Why is this bad?
    The annotation is the function's contract. A value that breaks it fails jaxtyping at run
    time, or, without a runtime checker, flows on with a wrong shape until something raises far
    from the cause.

    ## Example
    ```python
    def forward(x: Float[np.ndarray, "n d"], w: Float[np.ndarray, "d k"]) -> Float[np.ndarray, "n k"]:
        return x.T @ w.T  # wrong shape, and cannot multiply
    forward(np.zeros((8, 3)), np.zeros((4, 2)))  # d is 3, then 4
    ```

    ## Use instead
    ```python
    def forward(x: Float[np.ndarray, "n d"], w: Float[np.ndarray, "d k"]) -> Float[np.ndarray, "n k"]:
        return x @ w
    forward(np.zeros((8, 3)), np.zeros((3, 2)))
    ```
    """,
)
