"""Shape transfer functions of the array API standard's names that numpy 2 added (vecdot,
matvec, vecmat, cumulative_sum, unstack, and np.linalg's vector_norm, matrix_norm, matrix_rank,
cond, svdvals, outer, cross, diagonal, trace), with the same contract as ``ops``: None where the
shape cannot be known, a ShapeError only where numpy refuses for every value of the declared
dims.  scikit-learn's ``xp`` namespace (``get_namespace``) spells numpy's functions this way."""

from __future__ import annotations

from typing import Optional

from . import dim as D
from .dim import Dim, MaybeDim, ONE, ZERO
from .errors import MatmulError, OperandError
from .ops import Axis, _diag_len, broadcast, normalize_axis, reduce
from .shape import MaybeShape, SCALAR, Shape

THREE = Dim.lit(3)


def _at_least(shape: MaybeShape, rank: int, func: str) -> Optional[Shape]:
    """A fixed shape of at least ``rank`` dimensions, checked; None when not known."""
    if shape is None or not shape.fixed:
        return None
    if len(shape.dims) < rank:
        raise OperandError(shape, func, "rank", f"{func} needs an array of at least {rank} dimension"
                           f"{'s' if rank > 1 else ''}, not {len(shape.dims)}")
    return shape


def _lead(shape: Shape, drop: int) -> Shape:
    return Shape(shape.dims[: len(shape.dims) - drop])


def _core(a: Shape, b: Shape, ia: int, ib: int, distinct: bool, func: str) -> None:
    """The contracted sizes of a gufunc: equal, or numpy refuses."""
    if D.equal(a.dims[ia], b.dims[ib], distinct) is False:
        raise MatmulError(a, b, ia - len(a.dims), ib - len(b.dims), a.dims[ia], b.dims[ib])


def vecdot(a: MaybeShape, b: MaybeShape, axis: int = -1, distinct: bool = True) -> MaybeShape:
    """np.vecdot / np.linalg.vecdot: the dot product along ``axis`` of each; the rest broadcast."""
    sa, sb = _at_least(a, 1, "vecdot"), _at_least(b, 1, "vecdot")
    if sa is None or sb is None:
        return None
    ia, ib = normalize_axis(axis, len(sa.dims), sa), normalize_axis(axis, len(sb.dims), sb)
    _core(sa, sb, ia, ib, distinct, "vecdot")
    rest_a = Shape(sa.dims[:ia] + sa.dims[ia + 1:])
    rest_b = Shape(sb.dims[:ib] + sb.dims[ib + 1:])
    return broadcast(rest_a, rest_b, distinct=distinct)


def matvec(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.matvec (numpy >= 2.2): (..., m, n) times (..., n) is (..., m)."""
    sa, sb = _at_least(a, 2, "matvec"), _at_least(b, 1, "matvec")
    if sa is None or sb is None:
        return None
    _core(sa, sb, len(sa.dims) - 1, len(sb.dims) - 1, distinct, "matvec")
    lead = broadcast(_lead(sa, 2), _lead(sb, 1), distinct=distinct)
    return None if lead is None else Shape(lead.dims + (sa.dims[-2],))


def vecmat(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.vecmat (numpy >= 2.2): (..., n) times (..., n, m) is (..., m)."""
    sa, sb = _at_least(a, 1, "vecmat"), _at_least(b, 2, "vecmat")
    if sa is None or sb is None:
        return None
    _core(sa, sb, len(sa.dims) - 1, len(sb.dims) - 2, distinct, "vecmat")
    lead = broadcast(_lead(sa, 1), _lead(sb, 2), distinct=distinct)
    return None if lead is None else Shape(lead.dims + (sb.dims[-1],))


def outer(a: MaybeShape, b: MaybeShape) -> MaybeShape:
    """np.linalg.outer: two 1-D arrays only (np.outer flattens anything)."""
    for s in (a, b):
        if s is not None and s.fixed and len(s.dims) != 1:
            raise OperandError(s, "linalg.outer", "rank", f"np.linalg.outer takes 1-D arrays, not a "
                               f"{len(s.dims)}-dimensional one")
    if a is None or b is None or not a.fixed or not b.fixed:
        return None
    return Shape((a.dims[0], b.dims[0]))


def cross(a: MaybeShape, b: MaybeShape, axis: int = -1, distinct: bool = True) -> MaybeShape:
    """np.linalg.cross: vectors of 3 components only (np.cross takes 2 too), the rest broadcast."""
    sa, sb = _at_least(a, 1, "linalg.cross"), _at_least(b, 1, "linalg.cross")
    if sa is None or sb is None:
        return None
    ia, ib = normalize_axis(axis, len(sa.dims), sa), normalize_axis(axis, len(sb.dims), sb)
    for s, i in ((sa, ia), (sb, ib)):
        if D.equal(s.dims[i], THREE, distinct) is False and s.dims[i] is not None and s.dims[i].value is not None:
            raise OperandError(s, "linalg.cross", "size", f"np.linalg.cross takes vectors of 3 components, "
                               f"not {s.dims[i]}")
    rest = broadcast(Shape(sa.dims[:ia] + sa.dims[ia + 1:]), Shape(sb.dims[:ib] + sb.dims[ib + 1:]),
                     distinct=distinct)
    if rest is None:
        return None
    k = normalize_axis(axis, len(rest.dims) + 1, Shape(rest.dims + (THREE,)))
    return Shape(rest.dims[:k] + (THREE,) + rest.dims[k:])


def matrix_transpose(shape: MaybeShape) -> MaybeShape:
    """np.matrix_transpose / np.linalg.matrix_transpose: the last two axes swapped."""
    s = _at_least(shape, 2, "matrix_transpose")
    return None if s is None else Shape(s.dims[:-2] + (s.dims[-1], s.dims[-2]))


def matrix_axes(shape: MaybeShape, func: str, square: bool = False, distinct: bool = True) -> Optional[Shape]:
    """The stack of matrices np.linalg's ``func`` takes: 2-D at least, square when asked."""
    s = _at_least(shape, 2, "linalg." + func)
    if s is not None and square and D.equal(s.dims[-2], s.dims[-1], distinct) is False:
        raise OperandError(s, "linalg." + func, "square", "the last 2 dimensions of the array must be square")
    return s


def matrix_norm(shape: MaybeShape, keepdims: bool = False) -> MaybeShape:
    """np.linalg.matrix_norm: the last two axes reduced."""
    s = matrix_axes(shape, "matrix_norm")
    if s is None:
        return None
    return Shape(s.dims[:-2] + ((ONE, ONE) if keepdims else ()))


def matrix_rank(shape: MaybeShape) -> MaybeShape:
    """np.linalg.matrix_rank: one number per matrix; a 0-d or 1-D array is one number."""
    if shape is None or not shape.fixed:
        return None
    return SCALAR if len(shape.dims) < 2 else _lead(shape, 2)


def cond(shape: MaybeShape, square: Optional[bool], distinct: bool = True) -> MaybeShape:
    """np.linalg.cond: one number per matrix; square matrices unless p is None, 2 or -2
    (``square`` None: p not known).  numpy refuses an empty matrix."""
    s = matrix_axes(shape, "cond", bool(square), distinct)
    if s is None:
        return None
    if any(D.equal(d, ZERO) is True for d in s.dims[-2:]):
        raise OperandError(s, "linalg.cond", "size", "cond is not defined on empty arrays")
    return None if square is None else _lead(s, 2)


def svdvals(shape: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.linalg.svdvals: (..., min(m, n))."""
    s = matrix_axes(shape, "svdvals")
    if s is None:
        return None
    m, n = s.dims[-2], s.dims[-1]
    if m is not None and n is not None and m.value is not None and n.value is not None:
        k: MaybeDim = Dim.lit(min(m.value, n.value))
    else:
        k = m if D.equal(m, n, distinct) is True else None
    return Shape(s.dims[:-2] + (k,))


def diagonal(shape: MaybeShape, offset: Optional[int] = 0, distinct: bool = True) -> MaybeShape:
    """np.linalg.diagonal: the diagonal of each matrix of the last two axes."""
    s = matrix_axes(shape, "diagonal")
    if s is None:
        return None
    length = None if offset is None else _diag_len(s.dims[-2], s.dims[-1], offset, distinct)
    return Shape(s.dims[:-2] + (length,))


def trace(shape: MaybeShape) -> MaybeShape:
    """np.linalg.trace: one number per matrix of the last two axes."""
    s = matrix_axes(shape, "trace")
    return None if s is None else _lead(s, 2)


def vector_norm(shape: MaybeShape, axis: Axis = None, keepdims: bool = False) -> MaybeShape:
    """np.linalg.vector_norm: over every axis when ``axis`` is None (a 2-D array is flattened,
    not a matrix norm), else over the given ones."""
    if shape is not None and shape.fixed and axis is not None:
        # ops.reduce takes axis 0 of a 0-d array, as np.sum does; vector_norm refuses it
        for k in (axis,) if isinstance(axis, int) else axis:
            normalize_axis(k, len(shape.dims), shape)
    return reduce(shape, axis, keepdims)


def cumulative(shape: MaybeShape, axis: Optional[int], include_initial: bool = False,
               func: str = "cumulative_sum") -> MaybeShape:
    """np.cumulative_sum / cumulative_prod (numpy >= 2.1): the same shape (a 0-d array is one of
    one element), one longer along ``axis`` with ``include_initial``; ``axis`` may be left out
    for an array of at most one dimension only."""
    if shape is None or not shape.fixed:
        return None
    dims = shape.dims if shape.dims else (ONE,)
    if axis is None:
        if len(dims) > 1:
            raise OperandError(shape, func, "args", f"{func} of a {len(dims)}-dimensional array needs an axis")
        k = 0
    else:
        k = normalize_axis(axis, len(dims), Shape(dims))
    if not include_initial:
        return Shape(dims)
    grown = None if dims[k] is None else dims[k] + 1
    return Shape(dims[:k] + (grown,) + dims[k + 1:])


def unstack(shape: MaybeShape, axis: int = 0) -> Optional[list[Shape]]:
    """np.unstack (numpy >= 2.1): one array per index along ``axis``, without it; None when how
    many is not known."""
    s = _at_least(shape, 1, "unstack")
    if s is None:
        return None
    k = normalize_axis(axis, len(s.dims), s)
    n = s.dims[k]
    if n is None or n.value is None:
        return None
    return [Shape(s.dims[:k] + s.dims[k + 1:])] * n.value


__all__ = ["vecdot", "matvec", "vecmat", "outer", "cross", "matrix_transpose", "matrix_norm", "matrix_rank",
           "cond", "svdvals", "diagonal", "trace", "vector_norm", "cumulative", "unstack"]
