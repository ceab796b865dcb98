"""SL005 broadcast-error, SL006 broadcast-outer, SL012 inplace-broadcast."""

from __future__ import annotations

from ..shapes import fmt_dim, fmt_shape
from ..shapes.errors import BroadcastError
from ..shapes import dim as D
from ..values import Array, shape_of
from . import reduction
from .base import Rule


def _dims_text(err) -> str:
    dims = [fmt_dim(d) for d in err.dims if d is not None] if err.dims else []
    return f" ({' vs '.join(dims)} on axis {err.axis})" if len(dims) >= 2 else ""


def check_elementwise(event, ctx) -> None:
    d = event.data
    operands = d["operands"]
    err = d["error"]
    if ctx.documentation_only([v for _, v in operands]) or ctx.documented_against_itself([n for n, _ in operands]):
        return
    if err is not None:
        values = [v for _, v in operands]
        found = reduction.blame(values, reduction.fits_elementwise([shape_of(v) for v in values],
                                                                   ctx.settings.distinct_symbols))
        if found is not None:
            others = ", ".join(f"{ctx.code(n)} {fmt_shape(shape_of(v))}" for k, (n, v) in enumerate(operands)
                               if k != found[0])
            notes = [ctx.describe(n, v) for k, (n, v) in enumerate(operands) if k != found[0]]
            if reduction.report(ctx, found, event.node, f"broadcast with {others}", notes):
                return
        shapes = ", ".join(f"{ctx.code(n)} is {fmt_shape(shape_of(v))}" for n, v in operands)
        msg = f"{ctx.code(event.node)}: operands cannot broadcast: {shapes}{_dims_text(err)}"
        notes = [ctx.describe(n, v) for n, v in operands]
        ctx.report(ERROR, event.node, msg, notes)
        return
    if reduction.check_misaligned(ctx, event.node, operands):
        return
    if len(operands) != 2:
        return
    for (cn, cv), (vn, vv) in (operands, operands[::-1]):
        col, vec = shape_of(cv), shape_of(vv)
        if col is None or vec is None or not col.fixed or not vec.fixed:
            continue
        if len(col.dims) < 2 or len(vec.dims) != 1:
            continue
        n, one = col.dims[-2], col.dims[-1]
        if D.is_one(one) is not True or D.is_one(n) is not False or D.equal(n, vec.dims[0]) is not True:
            continue
        if (isinstance(cv, Array) and cv.expanded) or (isinstance(vv, Array) and vv.expanded):
            continue  # x[:, None] - y: the code asks for the outer shape on purpose
        c, v = ctx.code(cn), ctx.code(vn)
        msg = (f"{ctx.code(event.node)}: the column {c} {fmt_shape(col)} meets the 1-D {v} {fmt_shape(vec)}: "
               f"broadcasting silently builds {fmt_shape(d['result'])}")
        help_ = f"make both the same: {c}[:, 0] (or {c}.ravel()) against {v}, or {c} against {v}[:, None]"
        ctx.report(OUTER, event.node, msg, [ctx.describe(cn, cv), ctx.describe(vn, vv)], help_)
        return


def check_inplace(event, ctx) -> None:
    if event.kind == "inplace-rank":
        check_inplace_rank(event, ctx)
        return
    d = event.data
    err = d["error"]
    if ctx.documentation_only([d["tval"], d["vval"]]):
        return
    if err is None:
        if event.kind == "inplace" and d["value"] is not None:
            reduction.check_misaligned(ctx, event.node, [(d["target"], d["tval"]), (d["value"], d["vval"])])
        return
    # a value unpacked from a call's result (a, x[i] = f()) has no node of its own
    t, v = ctx.code(d["target"]), ctx.code(d["value"]) if d["value"] is not None else "the unpacked value"
    tshape, vshape = shape_of(d["tval"]), shape_of(d["vval"])
    found = reduction.blame([d["vval"]], reduction.fits_store(tshape, event.kind, ctx.settings.distinct_symbols))
    if found is not None and reduction.report(ctx, found, event.node, f"be stored in {t} {fmt_shape(tshape)}",
                                              [ctx.describe(d["target"], d["tval"])]):
        return
    if event.kind == "setitem":
        msg = (f"{t} = {v}: a {fmt_shape(vshape)} value cannot be stored in {t} {fmt_shape(tshape)} "
               f"(numpy: could not broadcast input array from shape {fmt_shape(vshape)} into shape "
               f"{fmt_shape(tshape)})")
    elif err.output is not None:
        msg = (f"{ctx.code(event.node)}: the result of broadcasting {fmt_shape(tshape)} with {fmt_shape(vshape)} "
               f"cannot be stored in {t} {fmt_shape(tshape)} (numpy: non-broadcastable output operand)")
    else:
        msg = f"{ctx.code(event.node)}: {t} {fmt_shape(tshape)} and {v} {fmt_shape(vshape)} cannot broadcast"
    ctx.report(INPLACE, event.node, msg, [ctx.describe(d["target"], d["tval"]), ctx.describe(d["value"], d["vval"], v)])


def _failure_text(failure, ctx) -> str:
    """What numpy refuses when B is evaluated without the leading axes."""
    if isinstance(failure, BroadcastError):
        return f"its result {fmt_shape(failure.shapes[-1])} cannot be stored"
    d = failure.data
    if failure.kind == "matmul":
        err = d["error"]
        inner = f" ({fmt_dim(err.left_dim)} != {fmt_dim(err.right_dim)})" if err.reason == "inner" else ""
        return f"{ctx.code(failure.node)} is {fmt_shape(err.left)} @ {fmt_shape(err.right)}{inner}"
    if failure.kind == "elementwise":
        return f"{ctx.code(failure.node)} cannot broadcast " + " with ".join(fmt_shape(shape_of(v)) for _, v in d["operands"])
    return f"{ctx.code(failure.node)} fails"


def check_inplace_rank(event, ctx) -> None:
    d = event.data
    stripped = d["stripped"]
    if ctx.documentation_only([d["tval"]] + [v for _, v in stripped]):
        return
    t, tshape = ctx.code(d["target"]), shape_of(d["tval"])
    names = ", ".join(f"{ctx.code(n)} {fmt_shape(shape_of(v))}" for n, v in stripped)
    msg = (f"{ctx.code(event.node)}: cannot work whatever leading axes {names} has: with none, "
           f"{_failure_text(d['failure'], ctx)}; with any, the result has more than {len(tshape.dims)} axes and "
           f"cannot be stored in {t} {fmt_shape(tshape)}")
    notes = [ctx.describe(d["target"], d["tval"])] + [ctx.describe(n, v) for n, v in stripped]
    ctx.report(INPLACE, event.node, msg, notes)


ERROR = Rule(
    code="SL005",
    name="broadcast-error",
    severity="error",
    summary="Operands of an elementwise operation cannot broadcast together.",
    events=("elementwise",),
    check=check_elementwise,
    doc="""
    ## What it does
    Checks arithmetic, comparisons and ufuncs (`np.maximum`, `np.where`, ...) against numpy's
    broadcasting rule: aligned from the right, each pair of sizes must be equal or one of them 1.

    When one operand is a reduction that dropped an axis (`X - X.mean(axis=1)`) and keeping
    it would fit, the finding is SL013 at the reduction instead.

    ## Why is this bad?
    numpy raises `ValueError: operands could not be broadcast together`.

    ## Example
    ```python
    X = np.random.randn(n, d)
    b = np.random.randn(n)   # one bias per row
    shifted = X + b          # (n, d) + (n,)
    ```

    ## Use instead
    ```python
    shifted = X + b[:, None]  # (n, d) + (n, 1)
    ```
    """,
)

OUTER = Rule(
    code="SL006",
    name="broadcast-outer",
    severity="warning",
    summary="A column `(n, 1)` meets a 1-D `(n,)` and broadcasting silently builds `(n, n)`.",
    events=(),  # reported by SL005's check, which sees every elementwise operation
    doc="""
    ## What it does
    Reports elementwise operations between a column of shape `(..., n, 1)` and a 1-D array of
    the same length `(n,)`. Not reported when the code visibly expands a side on purpose
    (`x[:, None] - y`, `np.expand_dims`, `.reshape(-1, 1)`, `x[None, :].T`), also where such a
    column went through elementwise functions first (`np.sin(X * 0.3)`).

    ## Why is this bad?
    Nothing raises: the result is an `(n, n)` matrix of all pairwise differences, and a loss
    computed from it is silently wrong. This is the classic regression bug `pred - y` with
    `pred = X @ w` of shape `(n, 1)` and `y` of shape `(n,)`.

    ## Example
    ```python
    pred = X @ w          # (n, 1)
    loss = np.mean((pred - y) ** 2)  # y is (n,): (n, n)
    ```

    ## Use instead
    ```python
    pred = X @ w[:, 0]    # or y[:, None]
    loss = np.mean((pred - y) ** 2)
    ```
    """,
)

INPLACE = Rule(
    code="SL012",
    name="inplace-broadcast",
    severity="error",
    summary="`A op= B` or `A[i] = B` whose result or value cannot be stored in `A` (or `A[i]`).",
    events=("inplace", "setitem", "inplace-rank"),
    check=check_inplace,
    doc="""
    ## What it does
    Checks augmented assignments on arrays (`A += B`, `A -= lr * G`): the broadcast of `A` and
    `B` must have exactly `A`'s shape, because the result is written into `A`. Also checks
    assignments into part of an array (`grad[:, -1] = g`, `out[i] = row`): the value must
    stretch to the shape of that part (numpy first drops the value's leading size-1 dims). A
    single element (`a[i, j] = v`) is not checked: an array of objects holds anything there.

    `B` may mix in a value of unknown shape (`dZ = dA * act.grad(Z)`, with `act` not known, is
    `(..., n, k)`: its leading axes are unknown). An in-place result cannot have more axes than
    `A`, so where every step from `dZ` to `B` keeps the number of axes (arithmetic, `@`
    between matrices, `.T`, a reduction with `keepdims=True`) and `dZ` already has as many
    known axes as `A`, the update can only work if `dZ` has no leading axes; if it fails even
    then, it is reported. If it works then, and every run of `dZ`'s assignment reaches the
    update (the same block, nothing between them that returns, raises, breaks or continues),
    the function is checked once more with `dZ` bound without leading axes: a line that fails
    then (`dZ.T @ W`, `b += dZ.sum(axis=0).T`) is reported by its own rule, since it fails
    whatever `dZ` is, either there or at the update. The notes say so.

    ## Why is this bad?
    numpy raises `ValueError: non-broadcastable output operand with shape ... doesn't match the
    broadcast shape ...` (or `could not broadcast input array from shape ... into shape ...`).
    In an update step it usually means the gradient has the wrong shape; in a preallocated
    result, that a reduction ran over the wrong axis.

    ## Example
    ```python
    b = np.zeros(h)
    db = np.sum(dz, axis=0, keepdims=True)  # (1, h)
    b -= lr * db  # (h,) cannot hold (1, h)
    ```

    ```python
    grad = np.empty((k, d + 1))
    grad[:, -1] = G.sum(axis=1)  # G is (n, k): (n,) does not fit (k,)
    ```

    ## Use instead
    ```python
    db = np.sum(dz, axis=0)  # (h,)
    b -= lr * db
    grad[:, -1] = G.sum(axis=0)  # (k,)
    ```
    """,
)
