"""SL018 invalid-operand."""

from __future__ import annotations

import libcst as cst

from ..shapes import dim as D
from ..shapes import fmt_shape
from ..values import Array, Tup, shape_of
from .base import Rule

# refusals about the operand's own shape: the message says what that shape is
SHAPE_REASONS = ("rank", "square", "size")
# what usually does what was meant, by (function, reason); {x} is the refused operand
HELP = {
    ("inv", "square"): "np.linalg.pinv gives a pseudo-inverse of any matrix",
    ("solve", "square"): "np.linalg.lstsq solves a system that is not square in the least-squares sense",
    ("eig", "square"): "np.linalg.svd factors a matrix that is not square",
    ("eigvals", "square"): "np.linalg.svd factors a matrix that is not square",
    ("diag", "rank"): "np.diagonal({x}, axis1=-2, axis2=-1) takes the diagonal of each matrix of a stack",
    ("convolve", "rank"): "np.convolve takes 1-D arrays: convolve one column at a time, or use scipy.signal.convolve",
    ("interp", "rank"): "np.interp takes one 1-D series: interpolate one column at a time",
    ("take_along_axis", "rank"): "the indices need an axis per axis of the array: {x}[:, None] takes one per row",
    ("scipy.linalg.inv", "square"): "scipy.linalg.pinv gives a pseudo-inverse of any matrix",
    ("scipy.linalg.solve", "square"): "scipy.linalg.lstsq solves a system that is not square in the least-squares sense",
    **{("scipy.linalg." + f, "square"): "scipy.linalg.svd factors a matrix that is not square"
       for f in ("eig", "eigh", "eigvals", "eigvalsh")},
    ("cdist", "rank"): "one point is a row of one: {x}[None, :] (or {x}.reshape(1, -1))",
    ("multivariate_normal", "square"): "for independent components, np.diag({x}) is the covariance with {x} as variances",
}


def _offending(pairs, err):
    """The argument (node, value) whose shape numpy refuses: the one whose shape is the error's
    own object, else the first of an equal shape (``multivariate_normal(mu, sigma)`` with both
    (d,): sigma), looking into list displays (``multi_dot([A, B])``); None when none is."""
    candidates = []
    for node, value in pairs:
        if isinstance(value, Tup) and type(node) in (cst.List, cst.Tuple) and len(node.elements) == len(value.items):
            candidates += [(el.value, item) for el, item in zip(node.elements, value.items)]
        else:
            candidates.append((node, value))
    arrays = [(n, v) for n, v in candidates if isinstance(v, Array)]
    for same in (lambda s: s is err.shape, lambda s: s == err.shape):
        for node, value in arrays:
            if same(value.shape):
                return node, value
    return None


def _axis_fix(ctx, event, pairs, found):
    """np.average(a, axis=k, weights=w) whose 1-D weights have the size of exactly one other axis
    of a: that axis, the one change that makes the weights fit; (fix, help) or (None, None)."""
    node = event.node
    kws = [arg for arg in node.args if arg.keyword is not None and arg.keyword.value == "axis"] \
        if type(node) is cst.Call else []
    a = pairs[0][1] if pairs else None
    w = found[1].shape if found is not None else None
    if len(kws) != 1 or type(kws[0].value) is not cst.Integer or not isinstance(a, Array) or a.shape is None \
            or not a.shape.fixed or w is None or len(w.dims) != 1:
        return None, None
    fits = [k for k, d in enumerate(a.shape.dims) if D.equal(d, w.dims[0], ctx.settings.distinct_symbols) is True]
    if len(fits) != 1:
        return None, None
    changed = node.with_changes(args=[arg.with_changes(value=cst.Integer(str(fits[0]))) if arg is kws[0] else arg
                                      for arg in node.args])
    return (node, ctx.module.code_for_node(changed).strip()), f"the weights have the size of axis {fits[0]}: axis={fits[0]}"


def check(event, ctx) -> None:
    d = event.data
    err = d["error"]
    if err.func == "take" and d["op"] != "numpy.take":
        return  # jax.numpy and the array API clamp or fill an index out of bounds; numpy raises
    pairs = d["operands"]
    if err.shape is not None and err.shape.fixed and not err.shape.dims:
        return  # 0-d: to shapelint an item of an object array is one, and holds any value (GPy's Kds[d])
    found = _offending(pairs, err)
    arrays = [v for _, v in pairs if isinstance(v, Array)]
    if ctx.documentation_only(arrays) or (
            found is not None and not ctx.settings.trust_docstrings and ctx.shaped_by_docstring(found[1])):
        return  # the code states what it takes; a docstring's shape is a hint (as for SL016)
    msg = f"{ctx.code(event.node)}: {err.detail}"
    notes = []
    if found is not None:
        node, value = found
        if err.reason in SHAPE_REASONS:
            msg += f"; {ctx.code(node)} is {fmt_shape(shape_of(value))}"
        notes.append(ctx.describe(node, value))
    # the other arrays of the call, with where each came from (np.average's a beside its weights)
    notes += [ctx.describe(n, v) for n, v in pairs if isinstance(v, Array) and v.shape is not None
              and (found is None or n is not found[0])][:2]
    help_ = HELP.get((err.func, err.reason))
    if help_ is not None and "{x}" in help_:
        help_ = help_.format(x=ctx.code(found[0])) if found is not None else None
    fix = None
    if err.func == "average" and err.reason == "weights":
        fix, help_ = _axis_fix(ctx, event, pairs, found)
    ctx.report(RULE, event.node, msg, notes, help_, fix=fix)


RULE = Rule(
    code="SL018",
    name="invalid-operand",
    severity="error",
    summary="An operand numpy refuses for its rank or sizes (`inv` of a non-square matrix, `diag` of a 3-D array, ...).",
    events=("operand",),
    check=check,
    doc="""
    ## What it does
    Reports a numpy call that refuses its operand's shape for every value it could hold, where
    no more specific rule applies:
    - `np.linalg.inv`, `det`, `eig`, `cholesky`, `solve`, `matrix_power` of a matrix that is
      not square, or of an array with fewer than two dimensions; `lstsq` of arrays that are not
      two-dimensional; `norm` of an array with more than two dimensions without `axis`, or an
      order the array's rank does not have;
    - `np.diag` of a 3-D array, `np.triu`/`tril` or `np.sort` of a 0-d one, `np.cross` of
      vectors that are not 2 or 3 long, `np.convolve` of arrays that are not 1-D,
      `np.searchsorted` into an array that is not 1-D, `np.cov` of a 3-D array or of two
      arrays with different numbers of observations;
    - `np.interp` with sample points `xp` and values `fp` that are not 1-D, not as many, or
      none; `np.polyfit` of an `x` that is not 1-D, a `y` that is not 1- or 2-D, or the two (or
      the weights `w`) of different lengths; `np.random.multivariate_normal` (and a
      Generator's) of a mean that is not 1-D, a covariance that is not square, or the two of
      different lengths;
    - `np.take_along_axis` with indices of another rank than the array (or not 1-D with
      `axis=None`), or that do not broadcast against its other axes;
    - numpy 2's array API functions: `np.linalg.outer` of arrays that are not 1-D,
      `np.linalg.cross` of vectors that are not 3 long, `np.matrix_transpose`,
      `np.linalg.matrix_norm`, `svdvals`, `diagonal`, `trace` or `cond` of an array with fewer
      than two dimensions (`cond` with an order other than None, 2 or -2 of a matrix that is not
      square), `np.cumulative_sum` of a 2-D array without `axis`, `np.vecdot`, `np.matvec` or
      `np.vecmat` of an array with too few dimensions;
    - `scipy.spatial.distance.cdist` of arrays that are not 2-D (one point is a row of one) or
      of points with different numbers of coordinates, `pdist` of an array that is not 2-D,
      `squareform` of a matrix that is not square or of a vector whose length is no
      `n * (n - 1) / 2`;
    - `scipy.linalg`'s `inv`, `pinvh`, `det`, `eigh`, `eig`, `eigvals`, `logm` ... of a matrix
      that is not square, `inv`, `det`, `svd`, `qr`, `lu`, `eigh` ... of an array that is not
      2-D, and `cho_solve`/`lu_solve` of a right-hand side whose rows are not the factor's
      (only for 2-D matrices with no empty axis: scipy's releases differ on the rest);
    - `np.average` with weights that have neither the array's shape nor its sizes along `axis`
      (or no `axis` for weights of another shape);
    - `np.split` into sections that do not divide the axis, `np.hsplit`/`vsplit`/`dsplit` of
      arrays with too few dimensions, `np.take` of an index out of bounds, `np.repeat` with a
      number of counts other than that of the elements, `np.tensordot` with axes the operands do not have,
      `np.linalg.multi_dot` of an array that is not 1- or 2-D, `np.fft` transforms of 0-d
      arrays or of no points, negative repetitions or orders (`np.tile`, `np.repeat`, `np.diff`).

    `np.average(X, axis=1, weights=w)` whose 1-D weights have the size of exactly one other
    axis of `X` gets a fix: that axis (`axis=0`).

    Every refusal is checked against numpy on random concrete shapes. An operand whose shape
    comes only from its docstring (or an array made with it) is not reported, since the call
    states what it takes and a docstring's shape is a hint; `--trust-docstrings` reports it.
    Nor is a 0-d operand (an item of an object array is 0-d to shapelint, and holds whatever
    was stored in it), a call inside a `try` whose handlers catch the refusal (`ValueError`,
    `LinAlgError`, `IndexError`, `TypeError`, `Exception`, a bare `except`), where failing may be
    what the code wants, or `take` outside numpy: `jax.numpy.take` fills an index out of bounds
    where numpy raises.

    ## Why is this bad?
    numpy raises (`LinAlgError: Last 2 dimensions of the array must be square`, `ValueError:
    Input must be 1- or 2-d.`, `IndexError: index 5 is out of bounds`), but only when that
    line runs. A matrix that is not square where the code inverts it usually means the wrong
    product was formed earlier (`X.T @ Z` where `X.T @ X` was meant), or that a data matrix is
    inverted where its pseudo-inverse was meant.

    ## Example
    ```python
    X = np.zeros((n_samples, n_features))
    w = np.linalg.inv(X) @ y
    ```

    ## Use instead
    ```python
    w = np.linalg.pinv(X) @ y
    ```
    """,
)
