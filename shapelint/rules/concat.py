"""SL010 concat-mismatch."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ..shapes import MaybeShape, Shape, fmt_dim, fmt_shape, ops
from ..shapes import dim as D
from ..shapes.dim import ONE
from ..shapes.errors import ShapeError
from ..values import Tup, shape_of
from .base import Rule

# how each function treats 1-D (and 0-d) arrays before joining them
_PROMOTED = {
    "vstack": "turns a 1-D (n,) into the row (1, n)",
    "row_stack": "turns a 1-D (n,) into the row (1, n)",
    "hstack": "joins 1-D arrays along axis 0 and all others along axis 1",
    "column_stack": "turns a 1-D (n,) into the column (n, 1)",
    "dstack": "turns (n,) into (1, n, 1) and (m, n) into (m, n, 1)",
}


def _elements(node) -> Optional[list]:
    if isinstance(node, (cst.List, cst.Tuple)) and not any(isinstance(e, cst.StarredElement) for e in node.elements):
        return [e.value for e in node.elements]
    return None


def _provably_joins(shapes: list[MaybeShape], axis: int, distinct: bool) -> bool:
    """Every shape known, one rank, and every axis but ``axis`` provably equal."""
    if not shapes or any(s is None or not s.fixed for s in shapes):
        return False
    rank = len(shapes[0].dims)  # type: ignore[union-attr]
    if rank == 0 or not 0 <= axis < rank or any(len(s.dims) != rank for s in shapes):  # type: ignore[union-attr]
        return False
    for k in range(rank):
        if k != axis and not all(D.equal(shapes[0].dims[k], s.dims[k], distinct) is True  # type: ignore[union-attr]
                                 for s in shapes[1:]):
            return False
    return True


def _promote(func: str, shapes: list[MaybeShape]) -> tuple[list[MaybeShape], Optional[int]]:
    """The shapes as ``func`` joins them, and the axis it joins along."""
    if func in ("vstack", "row_stack"):
        return [ops.atleast_nd(s, 2) for s in shapes], 0
    if func == "hstack":
        p = [ops.atleast_nd(s, 1) for s in shapes]
        first = p[0] if p else None
        return p, (None if first is None or not first.fixed else 0 if len(first.dims) == 1 else 1)
    if func == "column_stack":
        return [None if s is None or not s.fixed else s if len(s.dims) >= 2 else
                Shape((s.dims[0] if s.dims else ONE, ONE)) for s in shapes], 1
    if func == "dstack":
        return [ops.atleast_nd(s, 3) for s in shapes], 2
    return shapes, None


def _alternatives(err, originals: list[MaybeShape], distinct: bool) -> list[str]:
    """What would join these arrays, provably: another axis, or another of the *stack functions."""
    out = []
    if err.func == "concatenate" and err.shapes and err.shapes[0] is not None and err.shapes[0].fixed:
        for ax in range(len(err.shapes[0].dims)):
            if ax != err.join_axis and _provably_joins(list(err.shapes), ax, distinct):
                result = ops.concatenate(list(err.shapes), ax, distinct)
                out.append(f"axis={ax} joins them into {fmt_shape(result)}")
    elif err.func in _PROMOTED:
        for other in ("vstack", "hstack", "column_stack"):
            if other == err.func or (err.func == "row_stack" and other == "vstack"):
                continue
            shapes, ax = _promote(other, originals)
            if ax is not None and _provably_joins(shapes, ax, distinct):
                try:
                    result = ops.concatenate(shapes, ax, distinct)
                except ShapeError:
                    continue
                out.append(f"np.{other} joins them into {fmt_shape(result)}")
    return out[:2]


def check(event, ctx) -> None:
    d = event.data
    err = d["error"]
    expr = ctx.code(event.node)
    seq_node = d["operands"][0] if d["operands"] else None
    seq_val = d["values"][0] if d["values"] else None
    nodes = _elements(seq_node) if seq_node is not None else None
    values = list(seq_val.items) if isinstance(seq_val, Tup) else []
    originals = [shape_of(v) for v in values]
    func = err.func

    def name(i: int) -> str:
        return ctx.code(nodes[i]) if nodes is not None and i < len(nodes) else f"array {i}"

    def shape(i: int) -> str:
        orig = originals[i] if i < len(originals) else None
        joined = err.shapes[i] if i < len(err.shapes) else None
        text = fmt_shape(orig if orig is not None else joined)
        if joined is not None and orig is not None and joined != orig:
            text += f" (joined as {fmt_shape(joined)})"
        return text

    pair = f"{name(err.ref)} is {shape(err.ref)}, {name(err.operand)} is {shape(err.operand)}"
    if err.reason == "empty":
        msg = f"{expr}: np.{func} needs at least one array"
    elif err.reason == "zero-d":
        msg = f"{expr}: {name(err.operand)} is 0-d, and np.{func} cannot join 0-d arrays along an axis"
    elif func == "stack":
        where = (f" ({fmt_dim(err.dims[0])} != {fmt_dim(err.dims[1])} on axis {err.axis})"
                 if err.reason == "dim" else "")
        msg = f"{expr}: np.stack needs arrays of one shape: {pair}{where}"
    elif err.reason == "rank":
        msg = f"{expr}: np.{func} needs arrays with the same number of dimensions: {pair}"
    else:
        msg = (f"{expr}: np.{func} joins along axis {err.join_axis}, so every other axis must match, but "
               f"axis {err.axis} differs: {pair} ({fmt_dim(err.dims[0])} != {fmt_dim(err.dims[1])})")
    promoted = any(i < len(originals) and i < len(err.shapes) and originals[i] is not None
                   and err.shapes[i] != originals[i] for i in (err.ref, err.operand))
    if func in _PROMOTED and err.reason in ("rank", "dim") and (promoted or (func == "hstack" and err.reason == "rank")):
        msg += f"; np.{func} {_PROMOTED[func]}"
    notes = []
    if nodes is not None and err.reason not in ("empty",):
        for i in dict.fromkeys((err.ref, err.operand)):
            if i < len(nodes):
                notes.append(ctx.describe(nodes[i], values[i] if i < len(values) else None))
    if err.reason == "zero-d":
        help_ = "np.stack makes a new axis for 0-d arrays; or pass axis=None to join them flattened"
    else:
        help_ = "; or ".join(_alternatives(err, originals, ctx.settings.distinct_symbols)) or None
    ctx.report(RULE, event.node, msg, notes, help_)


RULE = Rule(
    code="SL010",
    name="concat-mismatch",
    severity="error",
    summary="Arrays joined by `np.concatenate`, `np.stack`, `np.vstack`, `np.hstack`, `np.column_stack` or "
            "`np.dstack` whose shapes do not fit together.",
    events=("concat",),
    check=check,
    doc="""
    ## What it does
    Checks the arrays given to `np.concatenate` (every axis but `axis` must match, and all must
    have the same number of dimensions), `np.stack` (all of one shape), and `np.vstack`,
    `np.hstack`, `np.column_stack`, `np.dstack` (the same, after numpy has turned 1-D arrays into
    rows, columns or 3-D blocks, as each function does). `np.row_stack` is checked as `np.vstack`.

    ## Why is this bad?
    numpy raises `ValueError: all the input array dimensions except for the concatenation axis
    must match exactly` (or `all input arrays must have the same shape`, or `... must have same
    number of dimensions`). It often means a bias column was built with the wrong length, or that
    a 1-D array was joined where a column `(n, 1)` was meant.

    ## Example
    ```python
    X = np.random.randn(n, d)
    X_b = np.hstack([np.ones((n, 1)), X.T])      # (n, 1) with (d, n)
    ```

    ## Use instead
    ```python
    X_b = np.hstack([np.ones((n, 1)), X])        # (n, 1 + d)
    X_b = np.column_stack([np.ones(n), X])       # the same: column_stack makes (n,) a column
    ```
    """,
)
