"""SL013 reduction-axis: a reduction whose result cannot meet the array it is then used with,
reported at the reduction (where the fix goes), not where the shapes finally collide.
SL015 reduction-misaligned: one whose result meets the array it was reduced from with its axes
lined up against the wrong ones (``X - X.sum(axis=1)``).

SL005 and SL012 ask ``blame`` first: when exactly one operand is a reduction that dropped axes
and keeping them (``keepdims=True``), or reducing over another single axis, would have fitted,
the reduction is the cause and SL013 reports it instead.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from ..shapes import MaybeShape, fmt_dim, fmt_shape, ops
from ..shapes import dim as D
from ..shapes.errors import ShapeError
from ..values import Array, Reduced, shape_of
from .base import Rule


def _alternatives(red: Reduced) -> list[tuple[str, MaybeShape]]:
    """The reductions the code may have meant: the same one keeping its axes, or (for one axis)
    one over another axis."""
    out = [("keepdims", ops.reduce(red.source, red.axis, keepdims=True))]
    if isinstance(red.axis, int):
        n = len(red.source.dims)
        own = red.axis % n if n else 0
        out += [(f"axis={k}", ops.reduce(red.source, k)) for k in range(n) if k != own]
    return out


def blame(values: list, fits: Callable[[int, MaybeShape], bool]):
    """(index of the reduced operand, its Reduced, fitting alternatives) when exactly one operand
    is a reduction that some alternative would have made fit; else None."""
    found = []
    for i, v in enumerate(values):
        if not isinstance(v, Array) or v.reduced is None or v.reduced.node is None:
            continue
        good = []
        for label, alt in _alternatives(v.reduced):
            try:
                ok = alt is not None and fits(i, alt)
            except ShapeError:
                ok = False
            if ok:
                good.append((label, alt))
        if good:
            found.append((i, v.reduced, good))
    return found[0] if len(found) == 1 else None


def fits_elementwise(shapes: list, distinct: bool) -> Callable[[int, MaybeShape], bool]:
    """An alternative fits an elementwise operation when it broadcasts with the other operands
    into what they make alone: it adds no axis and stretches none of theirs."""
    def fits(i: int, alt: MaybeShape) -> bool:
        others = shapes[:i] + shapes[i + 1:]
        base = ops.broadcast(*others, distinct=distinct)
        return base is not None and ops.broadcast(*others, alt, distinct=distinct) == base
    return fits


def fits_store(target: MaybeShape, kind: str, distinct: bool) -> Callable[[int, MaybeShape], bool]:
    """``T op= alt`` or ``T[...] = alt`` would not raise."""
    def fits(_: int, alt: MaybeShape) -> bool:
        if kind == "setitem":
            ops.store_into(target, alt, distinct=distinct)
        else:
            ops.broadcast_to_output(target, alt, distinct=distinct)
        return True
    return fits


def _with_keepdims(call: cst.Call) -> cst.Call:
    args = list(call.args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    keep = cst.Arg(value=cst.Name("True"), keyword=cst.Name("keepdims"),
                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    return call.with_changes(args=args + [keep])


def _reduced_operand(ctx, call):
    """The array a reduction call reduced: ``X`` in ``X.mean(axis=1)`` or ``np.mean(X, axis=1)``."""
    if isinstance(call, cst.Call):
        if isinstance(call.func, cst.Attribute) and isinstance(ctx.value_of(call.func.value), Array):
            return call.func.value
        if call.args and isinstance(ctx.value_of(call.args[0].value), Array):
            return call.args[0].value
    return None


def _placed(ctx, call):
    """Where a reduction's finding goes: the call, or, for a method call whose receiver starts
    on an earlier line (``np.logaddexp(\n ...\n).sum(axis=0)``), the method's name, on the line
    where the axis is chosen."""
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
        name_line = ctx.line(call.func.attr)
        if name_line is not None and name_line != ctx.line(call):
            return call.func.attr
    return call


def report(ctx, found, use_node, used_with: str, notes=()) -> bool:
    """Report SL013 for ``blame``'s answer; False when it cannot be placed in this file (the
    reduction is in another file, or the rule is off), so the caller reports its own rule."""
    _, red, good = found
    node = red.node
    if not ctx.settings.enabled(RULE.code) or ctx.line(node) is None:
        return False
    if id(node) in ctx.blamed:
        return True  # the same reduction met another use: one finding for one cause
    ctx.blamed.add(id(node))
    expr = ctx.code(node)
    value = ctx.value_of(node)
    reduced = fmt_shape(shape_of(value)) if isinstance(value, Array) else "?"
    line = ctx.line(use_node)
    at = f" at line {line}" if line is not None and line != ctx.line(_placed(ctx, node)) else ""
    msg = (f"{expr} reduces {fmt_shape(red.source)} to {reduced}, which then cannot "
           f"{used_with} in {ctx.code(use_node)}{at}")
    hints = []
    fix = None
    for label, alt in good:
        if label == "keepdims":
            hints.append(f"keepdims=True keeps it as {fmt_shape(alt)}")
        else:
            hints.append(f"reducing over {label} gives {fmt_shape(alt)}")
    if len(good) == 1 and good[0][0] == "keepdims" and isinstance(node, cst.Call):
        fix = (node, ctx.module.code_for_node(_with_keepdims(node)).strip())
    help_ = " or ".join(hints) + ", which fits"
    source = _reduced_operand(ctx, node)
    notes = list(dict.fromkeys(([ctx.describe(source)] if source is not None else []) + list(notes)))
    ctx.report(RULE, _placed(ctx, node), msg, notes, help_, fix=fix)
    return True


def _shifted_axes(red: Reduced) -> list[tuple[int, int]]:
    """(axis of the source, axis it lines up with) for each axis the reduction kept that
    broadcasting against the source puts in another place, leaving out size-1 axes (which
    broadcast anywhere).  Empty when only leading axes were reduced (``X - X.mean(axis=0)``)."""
    source = red.source
    n = len(source.dims)
    axes = red.axis if isinstance(red.axis, tuple) else (red.axis,)
    if not n or any(not isinstance(a, int) or not -n <= a < n for a in axes):
        return []
    gone = {a % n for a in axes}
    kept = [p for p in range(n) if p not in gone]
    start = n - len(kept)
    return [(p, start + j) for j, p in enumerate(kept)
            if p != start + j and D.is_one(source.dims[p]) is not True]


def check_misaligned(ctx, use_node, operands) -> bool:
    """SL015 for an elementwise operation or in-place update (``operands``: (node, value) pairs)
    where one operand is a reduction that dropped axes other than the leading ones and another
    has exactly the shape it was reduced from: broadcasting lines the kept axes up with the
    wrong ones.  True when reported."""
    for i, (node, value) in enumerate(operands):
        if not isinstance(value, Array) or value.reduced is None or value.reduced.node is None or value.expanded:
            continue
        red = value.reduced
        source = red.source
        if not source.fixed or any(d is None for d in source.dims):
            continue
        same = [(n, v) for k, (n, v) in enumerate(operands) if k != i and shape_of(v) == source]
        shifted = _shifted_axes(red)
        if not same or not shifted or ctx.line(red.node) is None or id(red.node) in ctx.blamed:
            continue
        if not ctx.settings.enabled(MISALIGNED.code):
            return False
        ctx.blamed.add(id(red.node))
        other_node, other = same[0]
        expr, other_code = ctx.code(red.node), ctx.code(other_node)
        p, q = shifted[0]
        a, b = source.dims[p], source.dims[q]
        func = red.node.func if isinstance(red.node, cst.Call) else None
        name = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
        row = "row" if len(source.dims) == 2 else "slice"
        wrong = f"each element meets the {name or 'reduction'} of another {row}"
        if D.equal(a, b, False) is True:
            effect = f"nothing raises, but {wrong}"
        else:
            effect = f"numpy raises unless {fmt_dim(a)} == {fmt_dim(b)}, and where they are equal {wrong}"
        line = ctx.line(use_node)
        at = f" at line {line}" if line is not None and line != ctx.line(_placed(ctx, red.node)) else ""
        msg = (f"{expr} reduces {fmt_shape(source)} to {fmt_shape(shape_of(value))}, which then meets "
               f"{other_code} {fmt_shape(source)} in {ctx.code(use_node)}{at}: broadcasting lines its axis {p} "
               f"({fmt_dim(a)}) up with axis {q} ({fmt_dim(b)}), not axis {p}; {effect}")
        keep = ops.reduce(source, red.axis, keepdims=True)
        fix = None
        if isinstance(red.node, cst.Call):
            fix = (red.node, ctx.module.code_for_node(_with_keepdims(red.node)).strip())
        notes = [ctx.describe(other_node, other)]
        src = _reduced_operand(ctx, red.node)
        if src is not None:
            notes.insert(0, ctx.describe(src))
        ctx.report(MISALIGNED, _placed(ctx, red.node), msg, list(dict.fromkeys(notes)),
                   f"keepdims=True keeps it as {fmt_shape(keep)}, which lines up", fix=fix)
        return True
    return False


RULE = Rule(
    code="SL013",
    name="reduction-axis",
    severity="error",
    summary="A reduction drops an axis (no `keepdims=True`, or the wrong `axis`), so its result cannot meet the array it is used with.",
    events=(),  # reported by SL005's and SL012's checks, which see where the result is used
    doc="""
    ## What it does
    When an elementwise operation, an in-place update or an assignment into an array fails
    to broadcast, and one side is the result of a reduction (`sum`, `mean`, `var`, `max`,
    `np.linalg.norm` ... with `axis=` and without `keepdims=True`), shapelint tries the
    reductions the code may have meant: the same one with `keepdims=True`, and one over each
    other axis. When one of them fits, the finding is reported at the reduction, with the
    use it breaks and the alternatives that fit, instead of as SL005/SL012 at the use (for a
    method call ending a chain over several lines, `np.logaddexp(...\n).sum(axis=0)`, at the
    method's name, on the line where the axis is chosen). When `keepdims=True` is the only
    fit, the fix adds it.

    ## Why is this bad?
    numpy raises `ValueError: operands could not be broadcast together`, but only at the
    use, often lines later (`X_mean = X.mean(axis=1)` ... `X - X_mean`). The line to change
    is the reduction. When the sizes happen to be equal (a square batch) nothing raises and
    the result is silently wrong.

    ## Example
    ```python
    X = np.random.randn(n, d)
    X_mean = X.mean(axis=1)          # (n,)
    centered = X - X_mean            # (n, d) - (n,)
    ```

    ## Use instead
    ```python
    X_mean = X.mean(axis=1, keepdims=True)  # (n, 1)
    centered = X - X_mean
    ```
    """,
)

MISALIGNED = Rule(
    code="SL015",
    name="reduction-misaligned",
    severity="warning",
    summary="A reduction over trailing axes without `keepdims=True` meets the array it was reduced from, its axes lined up with the wrong ones.",
    events=(),  # reported by SL005's and SL012's checks, which see where the result is used
    doc="""
    ## What it does
    Reports an elementwise operation or in-place update between the result of a reduction
    (`sum`, `mean`, `max`, `np.linalg.norm` ... with `axis=` and without `keepdims=True`) and
    an array of exactly the shape that was reduced, when the reduction was over some axis other
    than the leading ones: `X - X.sum(axis=1)` with `X` of shape `(n, d)`. Broadcasting lines
    shapes up from the right, so the `(n,)` of row sums meets the `d` axis.

    Reducing the leading axes lines up as meant (`X - X.mean(axis=0)` centres the columns)
    and is not reported; nor is a kept axis of size 1, nor a side expanded on purpose
    (`X.sum(axis=1)[:, None]`).

    ## Why is this bad?
    When the sizes differ (`n != d`), numpy raises, but only for the data that shows it;
    when they are equal (a square matrix, a batch as large as the feature count), nothing
    raises and each element is combined with the reduction of another row: a normalisation
    `P / P.sum(axis=1)` divides column `j` by the sum of row `j`. Where the sizes cannot be
    told apart (`n` against `h*w*c`), this is reported as a warning rather than as SL005.

    ## Example
    ```python
    P = counts / counts.sum(axis=1)   # counts is (n, n)
    ```

    ## Use instead
    ```python
    P = counts / counts.sum(axis=1, keepdims=True)
    ```
    """,
)
