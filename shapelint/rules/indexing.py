"""SL016 too-many-indices, SL017 mask-mismatch."""

from __future__ import annotations

from ..shapes import dim as D
from ..shapes import fmt_dim, fmt_shape
from ..values import shape_of
from .base import Rule


def _count(k: int, one: str, many: str) -> str:
    return f"{k} {one}" if k == 1 else f"{k} {many}"


def check(event, ctx) -> None:
    d = event.data
    value = d["bval"]
    if not ctx.settings.trust_docstrings and ctx.shaped_by_docstring(value):
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


def _fix(ctx, event, shape, mask_shape):
    """``X[mask]`` whose 1-D mask has the size of exactly one other axis of X: ``X[:, mask]``
    (and so on), the one change that makes it index."""
    node = event.node
    if len(node.slice) != 1 or len(mask_shape.dims) != 1:
        return None, None
    m = mask_shape.dims[0]
    fits = [k for k, d in enumerate(shape.dims) if D.equal(m, d, ctx.settings.distinct_symbols) is True]
    if len(fits) != 1 or fits[0] == 0:
        return None, None
    text = f"{ctx.source(node.value)}[{':, ' * fits[0]}{ctx.source(event.data['mask'])}]"
    return (node, text), f"the mask has the size of axis {fits[0]}: index that axis, {text}"


def check_mask(event, ctx) -> None:
    d = event.data
    base, mval = d["bval"], d["mval"]
    if ctx.documentation_only([base, mval]):
        return  # a documented mask on a documented array: the two docstrings disagree, not the code
    err = d["error"]
    if not ctx.settings.trust_docstrings and all(D.is_documented(x) for x in err.dims):
        return  # two docstring names: umap documents data as (n_samples, n_features), square when precomputed
    shape, mask_shape = base.shape, shape_of(mval)
    b, m = ctx.code(d["base"]), ctx.code(d["mask"])
    size, msize = err.dims
    msg = (f"{ctx.code(event.node)}: the boolean mask {m} {fmt_shape(mask_shape)} does not fit {b} "
           f"{fmt_shape(shape)}: axis {err.axis} has size {fmt_dim(size)}, the mask size {fmt_dim(msize)} "
           f"(IndexError: boolean index did not match indexed array along axis {err.axis})")
    fix, help_ = _fix(ctx, event, shape, mask_shape) if mask_shape is not None else (None, None)
    if help_ is None:
        help_ = f"make {m} from an array with {b}'s sizes, or put it at the axes it was made for"
    ctx.report(MASK, event.node, msg, [ctx.describe(d["base"], base), ctx.describe(d["mask"], mval)], help_, fix=fix)


MASK = Rule(
    code="SL017",
    name="mask-mismatch",
    severity="error",
    summary="A boolean mask indexes axes whose sizes are not its own.",
    events=("mask",),
    check=check_mask,
    doc="""
    ## What it does
    Reports `x[mask]`, `x[:, mask]` and `x[mask] = v` where `mask` is known to be boolean (a
    comparison, `~`, `&` or `|` of comparisons) and one of its sizes differs from the size of the
    axis it stands for: a mask of `k` dimensions takes the next `k` axes of `x`, each of exactly
    its size. Sizes are compared as elsewhere: differently named sizes differ (unless
    `distinct-symbols = false`), and a size against a literal is not decided. A mask and an array
    that are both parameters exactly as their docstrings describe them are not compared
    (`--trust-docstrings` does), nor two sizes that are both docstring names (docstrings are hints:
    umap documents `data` as `(n_samples, n_features)`, and it is square when precomputed), nor an
    index whose dtype is not known (`X[idx]`).

    ## Why is this bad?
    numpy raises `IndexError: boolean index did not match indexed array along axis 0; size of
    axis is 13 but size of corresponding boolean axis is 5`. A mask does not broadcast, not even
    from size 1. The usual cause is a mask over columns applied to rows (or the reverse), or a
    mask made from another array than the one it selects from.

    ## Example
    ```python
    def keep_features(X: Float[np.ndarray, "n d"], scores: Float[np.ndarray, "d"]):
        keep = scores > 0.5   # (d,): one entry per feature
        return X[keep]        # selects rows
    ```

    ## Use instead
    ```python
    def keep_features(X: Float[np.ndarray, "n d"], scores: Float[np.ndarray, "d"]):
        keep = scores > 0.5
        return X[:, keep]
    ```
    `shapelint --fix` makes that change when the mask has the size of exactly one other axis.
    """,
)
