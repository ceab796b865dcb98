"""Shape transfer functions of numpy's splitting (split, array_split, h/v/dsplit), covariance,
convolution, searching, histograms, index arrays and chained products, with the same contract
as ``ops``: None where the shape cannot be known, a ShapeError only where numpy refuses for
every value of the declared dims."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from . import dim as D
from .dim import Dim, MaybeDim, ONE
from .errors import ConcatError, MatmulError, OperandError
from .ops import concatenate, dot, matmul, normalize_axis
from .shape import MaybeShape, SCALAR, Shape

Sections = Union[int, Sequence[int]]


def split(shape: MaybeShape, sections: Sections, axis: int = 0, equal: bool = True) -> Optional[list[MaybeShape]]:
    """np.split (``equal``) / np.array_split(a, k or indices, axis): the pieces.  k pieces of
    an axis of size n: n / k each (split refuses a remainder), or the first n % k one longer
    (array_split); indices cut where Python slices would.  A symbolic size gives pieces of
    unknown length, but their number is known."""
    if shape is None or not shape.fixed:
        return None
    k = normalize_axis(axis, len(shape.dims), shape)
    n = shape.dims[k]
    total = n.value if n is not None else None
    if isinstance(sections, int):
        if sections <= 0:
            raise OperandError(shape, "split", "size", "number sections must be larger than 0")
        if total is None:
            sizes: list[MaybeDim] = [None] * sections
        else:
            each, extra = divmod(total, sections)
            if equal and extra:
                raise OperandError(shape, "split", "size", f"{total} does not split into {sections} equal sections")
            sizes = [Dim.lit(each + 1)] * extra + [Dim.lit(each)] * (sections - extra)
    else:
        bounds = [0, *sections, total]
        sizes = [None if total is None else Dim.lit(len(range(total)[lo:hi]))
                 for lo, hi in zip(bounds, bounds[1:])]
    return [shape.with_dim(k, s) for s in sizes]


def directional_split(shape: MaybeShape, sections: Sections, direction: str) -> Optional[list[MaybeShape]]:
    """np.hsplit (axis 1, axis 0 of a 1-D array), vsplit (axis 0, at least 2-D), dsplit (axis
    2, at least 3-D): np.split along that axis."""
    if shape is None or not shape.fixed:
        return None
    rank = len(shape.dims)
    need, axis = {"h": (1, 1 if rank > 1 else 0), "v": (2, 0), "d": (3, 2)}[direction]
    if rank < need:
        raise OperandError(shape, direction + "split", "rank", f"{direction}split needs an array of at least {need} dimensions")
    return split(shape, sections, axis, equal=True)


def _same(a: Shape, b: Shape, distinct: bool) -> Optional[bool]:
    """Are two fixed shapes the same tuple of sizes: True, False, or None (not decided)."""
    if len(a.dims) != len(b.dims):
        return False
    verdicts = [D.equal(x, y, distinct) for x, y in zip(a.dims, b.dims)]
    return False if False in verdicts else True if all(verdicts) else None


def average_weights(a: MaybeShape, weights: MaybeShape, axis, distinct: bool = True) -> None:
    """np.average(a, axis, weights): weights of a's shape, or of the sizes of a along ``axis``
    (in its order); numpy refuses other weights, and weights of another shape without an axis."""
    if a is None or weights is None or not a.fixed or not weights.fixed:
        return
    same = _same(a, weights, distinct)
    if same is not False:
        return
    if axis is None:
        raise OperandError(weights, "average", "args", "axis must be specified when the shapes of a and weights differ")
    axes = [normalize_axis(k, len(a.dims), a) for k in ((axis,) if isinstance(axis, int) else axis)]
    along = Shape(tuple(a.dims[k] for k in axes))
    if _same(along, weights, distinct) is False:
        where = f"axis {axes[0]}" if len(axes) == 1 else f"axes {tuple(axes)}"
        raise OperandError(weights, "average", "weights", f"weights {weights} fit neither a {a} nor its sizes "
                           f"along {where}, {along}")


def cov(m: MaybeShape, y: MaybeShape = None, rowvar: bool = True, with_y: bool = False,
        distinct: bool = True) -> MaybeShape:
    """np.cov / np.corrcoef(m, y=None, rowvar=True): one row and column per variable, squeezed
    (one variable gives a 0-d result).  Variables are m's rows (a 1-D m is one), its columns
    with rowvar=False; y adds its own (its columns with rowvar=False, unless it has one row)."""
    if m is None or not m.fixed or (with_y and (y is None or not y.fixed)):
        return None
    for s in (m, y) if with_y else (m,):
        assert s is not None
        if len(s.dims) > 2:
            raise OperandError(s, "cov", "rank", "an operand of cov has more than 2 dimensions")
    v, obs = _rows(m)
    if not rowvar and len(m.dims) != 1:
        v, obs = obs, v
    if v is not None and v.value == 0:
        return Shape.of(0, 0)  # numpy returns an empty (0, 0) array before it reads y
    if with_y:
        assert y is not None
        vy, obs_y = _rows(y)
        if not rowvar:
            one = D.is_one(vy)
            if one is None:
                return None  # one row or many: y is transposed or not
            if not one:
                vy, obs_y = obs_y, vy
        try:
            concatenate([Shape((v, obs)), Shape((vy, obs_y))], 0, distinct)
        except ConcatError as exc:  # numpy's cov refuses in its concatenate: say cov
            raise OperandError(m, "cov", "size", "m and y have different numbers of observations") from exc
        v = v + vy if v is not None and vy is not None else None
    one = D.is_one(v)
    if one is None:
        return None
    return SCALAR if one else Shape((v, v))


def _rows(s: Shape) -> tuple[MaybeDim, MaybeDim]:
    """A shape of at most 2 dims as np.array(..., ndmin=2) makes it: (rows, columns)."""
    if len(s.dims) == 2:
        return s.dims[0], s.dims[1]
    return ONE, (s.dims[0] if s.dims else ONE)


def convolve(a: MaybeShape, v: MaybeShape, mode: str = "full", func: str = "convolve") -> MaybeShape:
    """np.convolve (default "full") / np.correlate (default "valid") of 1-D arrays of sizes n
    and m: n + m - 1, max(n, m) ("same"), max - min + 1 ("valid").  Both must be 1-D (a 0-d
    operand counts as one element for convolve) and not empty."""
    if a is None or v is None or not a.fixed or not v.fixed:
        return None
    for s in (a, v):
        if len(s.dims) > 1 or (func == "correlate" and not s.dims):
            raise OperandError(s, func, "rank", f"{func} needs 1-D arrays")  # convolve takes a 0-d one as 1-D
    n, m = (s.dims[0] if s.dims else ONE for s in (a, v))
    for d, s in ((n, a), (m, v)):
        if d is not None and d.value == 0:
            raise OperandError(s, "convolve", "size", "an empty array cannot be convolved")
    if n is None or m is None:
        return Shape((None,))
    if mode == "full":
        return Shape((n + m - 1,))
    if n.value is not None and m.value is not None:
        big, small = max(n.value, m.value), min(n.value, m.value)
        return Shape.of(big if mode == "same" else big - small + 1)
    if n == m:
        return Shape((n if mode == "same" else ONE,))
    return Shape((None,))


def searchsorted(a: MaybeShape, v: MaybeShape) -> MaybeShape:
    """np.searchsorted(a, v): one index per element of v; a must be 1-D."""
    if a is not None and a.fixed and len(a.dims) != 1:
        raise OperandError(a, "searchsorted", "rank", "a must be 1-D")
    return v if a is not None else None


def _literal(d: MaybeDim) -> Optional[int]:
    return d.value if d is not None else None


def interp(x: MaybeShape, xp: MaybeShape, fp: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.interp(x, xp, fp): one value per element of x, from the 1-D sample points xp and their
    values fp, as many and at least one."""
    for s, name in ((xp, "xp"), (fp, "fp")):
        if s is not None and s.fixed and len(s.dims) != 1:
            raise OperandError(s, "interp", "rank", f"{name} must be 1-D")
    if xp is not None and xp.fixed and _literal(xp.dims[0]) == 0:
        raise OperandError(xp, "interp", "size", "xp, the array of sample points, is empty")
    if xp is not None and fp is not None and xp.fixed and fp.fixed \
            and D.equal(xp.dims[0], fp.dims[0], distinct) is False:
        raise OperandError(fp, "interp", "size", "fp and xp are not of the same length")
    return x


def multivariate_normal(mean: MaybeShape, cov: MaybeShape, size: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.random.multivariate_normal(mean, cov, size): ``size`` draws of the 1-D mean's length;
    cov is square, of that length."""
    func = "multivariate_normal"
    if mean is not None and mean.fixed and len(mean.dims) != 1:
        raise OperandError(mean, func, "rank", "mean must be 1-dimensional")
    if cov is not None and cov.fixed and (len(cov.dims) != 2 or D.equal(cov.dims[0], cov.dims[1], distinct) is False):
        raise OperandError(cov, func, "square", "cov must be 2-dimensional and square")
    d = mean.dims[0] if mean is not None and mean.fixed else cov.dims[0] if cov is not None and cov.fixed else None
    if mean is not None and cov is not None and mean.fixed and cov.fixed \
            and D.equal(mean.dims[0], cov.dims[0], distinct) is False:
        raise OperandError(cov, func, "size", "mean and cov must have the same length")
    if d is None or _literal(d) == 0 or size is None or not size.fixed:
        return None  # numpy's Generator fails on an empty mean, the legacy function does not
    return Shape(size.dims + (d,))


def polyfit(x: MaybeShape, y: MaybeShape, deg: Optional[int], w: MaybeShape = None, plain: bool = True,
            distinct: bool = True) -> MaybeShape:
    """np.polyfit(x, y, deg, w=): deg + 1 coefficients per column of y; x 1-D and not empty, y 1-
    or 2-D, both (and w, 1-D) as long.  ``plain``: neither ``full`` nor ``cov``, which give more."""
    if deg is not None and deg < 0:
        raise OperandError(x, "polyfit", "negative", "expected deg >= 0")
    if x is not None and x.fixed and len(x.dims) != 1:
        raise OperandError(x, "polyfit", "rank", "expected a 1-D vector for x")
    if x is not None and x.fixed and _literal(x.dims[0]) == 0:
        raise OperandError(x, "polyfit", "size", "expected a non-empty vector for x")
    if y is not None and y.fixed and len(y.dims) not in (1, 2):
        raise OperandError(y, "polyfit", "rank", "expected a 1-D or 2-D array for y")
    n = y.dims[0] if y is not None and y.fixed else None
    if x is not None and x.fixed and D.equal(x.dims[0], n, distinct) is False:
        raise OperandError(y, "polyfit", "size", "expected x and y to have the same length")
    if w is not None and w.fixed:
        if len(w.dims) != 1:
            raise OperandError(w, "polyfit", "rank", "expected a 1-D array for weights")
        if D.equal(w.dims[0], n, distinct) is False:
            raise OperandError(w, "polyfit", "size", "expected w and y to have the same length")
    if not plain or deg is None or y is None or not y.fixed:
        return None
    order = Dim.lit(deg + 1)
    return Shape((order,)) if len(y.dims) == 1 else Shape((order, y.dims[1]))


def histogram(bins: MaybeDim) -> tuple[MaybeShape, MaybeShape]:
    """np.histogram(a, bins=int): (counts, edges) of bins and bins + 1 entries."""
    return Shape((bins,)), Shape((bins + 1 if bins is not None else None,))


def indices(dims: MaybeShape) -> MaybeShape:
    """np.indices(dimensions): one grid of the dimensions per dimension."""
    if dims is None or not dims.fixed:
        return None
    return Shape((Dim.lit(len(dims.dims)),) + dims.dims)


def unravel_index(index: MaybeShape, shape: MaybeShape) -> Optional[list[MaybeShape]]:
    """np.unravel_index(indices, shape): one array of the indices' shape per dimension."""
    if index is None or shape is None or not shape.fixed:
        return None
    return [index for _ in shape.dims]


def multi_dot(shapes: Sequence[MaybeShape], distinct: bool = True) -> MaybeShape:
    """np.linalg.multi_dot([A, B, ..., Z]): the product of the chain; the first may be 1-D (a
    row), the last 1-D (a column), the others must be 2-D."""
    if len(shapes) < 2:
        raise OperandError(shapes[0] if shapes else None, "multi_dot", "args", "multi_dot needs at least two arrays")
    if len(shapes) == 2:
        return dot(shapes[0], shapes[1], distinct=distinct)  # numpy's multi_dot of two is np.dot
    known = [s for s in shapes if s is not None]
    for k, s in enumerate(shapes):
        if s is None or not s.fixed:
            continue
        allowed = (1, 2) if k in (0, len(shapes) - 1) else (2,)
        if len(s.dims) not in allowed:
            raise OperandError(s, "multi_dot", "rank", f"array {k} of multi_dot must be {' or '.join(map(str, allowed))}-D")
    if len(known) != len(shapes) or not all(s.fixed for s in known):
        return None
    out = shapes[0]
    for k, s in enumerate(shapes[1:], start=1):
        try:
            out = matmul(out, s, distinct=distinct)
        except MatmulError as exc:
            exc.step = k  # the rule names the product so far and the array it meets
            raise
    return out


__all__ = ["split", "directional_split", "average_weights", "cov", "convolve", "searchsorted", "interp",
           "multivariate_normal", "polyfit", "histogram", "indices",
           "unravel_index", "multi_dot", "SCALAR"]
