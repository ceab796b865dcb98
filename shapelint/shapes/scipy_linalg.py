"""Shape transfer functions of scipy.linalg, with the same contract as ``ops``: None where the
shape cannot be known, a ShapeError only where scipy refuses for every value of the declared
dims, in every release the checked code may run on (checked against 1.10, 1.15 and 1.17).

The releases disagree on much that is not one non-empty matrix, so only that has a result:

* a stack (3-D or more): refused up to 1.15, mapped over its leading axes from 1.16 (and a list
  where several arrays are returned); 1.10's ``solve`` checks its first two sizes, not its last
  two.  Unknown, never refused;
* a 0-d or 1-D array: ``inv``, ``det``, ``eigh``, ``svd``, ``qr`` ... refuse it in every release,
  but ``cholesky``, ``cho_factor``, ``expm``, ``sqrtm``, ``lu_factor`` and ``solve`` read it as
  one row (``ATLEAST_2D``), so that its length decides: unknown for those;
* an empty array (a size of 0): 1.10 refuses most, later releases return empty factors of their
  own shapes, and before 1.16 an empty array is returned before its shape is checked.  Unknown,
  and a refusal needs every size known to be at least 1.
"""

from __future__ import annotations

from typing import Optional, Sequence

from . import dim as D
from .dim import Dim, MaybeDim, ONE, ZERO
from .errors import MatmulError, OperandError
from .ops import _min_dim, svd as _np_svd
from .shape import MaybeShape, SCALAR, Shape, fmt_shape

PREFIX = "scipy.linalg."  # an OperandError's func: SL018's help is keyed by it

# functions that read a 1-D (or 0-d) array as a matrix of one row (np.atleast_2d) in some
# release, so that their refusal depends on its length, or on the release
ATLEAST_2D = frozenset({"cholesky", "cho_factor", "expm", "sqrtm", "lu_factor", "solve"})


def matrix(shape: MaybeShape, func: str, square: bool = False, distinct: bool = True) -> Optional[Shape]:
    """The 2-D operand of ``scipy.linalg.<func>``, checked; None when it is not known, not 2-D
    or empty."""
    if shape is None or not shape.fixed:
        return None
    rank = len(shape.dims)
    refusable = _nonempty(shape, distinct)  # an empty array: releases before 1.16 return early
    if rank < 2:
        if func in ATLEAST_2D or not refusable:
            return None
        raise OperandError(shape, PREFIX + func, "rank", f"scipy.linalg.{func} takes a 2-D array, not a "
                           f"{rank}-dimensional one")
    if rank != 2:
        return None
    if square and refusable and D.equal(shape.dims[0], shape.dims[1], distinct) is False:
        raise OperandError(shape, PREFIX + func, "square", f"scipy.linalg.{func} takes a square matrix")
    return None if _empty(shape) else shape


def _nonempty(shape: Shape, distinct: bool) -> bool:
    """Is every size provably at least 1 (a literal, or a declared or documented size)?"""
    return all(D.equal(d, ZERO, distinct) is False for d in shape.dims)


def _empty(shape: Shape) -> bool:
    """An axis of literal size 0: each release makes (or refuses) empty factors its own way."""
    return any(d is not None and d.value == 0 for d in shape.dims)


def square(shape: MaybeShape, func: str, distinct: bool = True) -> MaybeShape:
    """inv, pinvh, cholesky, expm, sqrtm, logm: (m, m) -> (m, m)."""
    return matrix(shape, func, True, distinct)


def pinv(shape: MaybeShape, distinct: bool = True) -> MaybeShape:
    s = matrix(shape, "pinv", False, distinct)
    return None if s is None else Shape((s.dims[1], s.dims[0]))


def det(shape: MaybeShape, distinct: bool = True) -> MaybeShape:
    s = matrix(shape, "det", True, distinct)
    return None if s is None else SCALAR


def eigvals(shape: MaybeShape, func: str = "eigvals", distinct: bool = True) -> MaybeShape:
    """eigvals / eigvalsh: (m, m) -> (m,)."""
    s = matrix(shape, func, True, distinct)
    return None if s is None else Shape(s.dims[:1])


def eig(shape: MaybeShape, left: bool = False, right: bool = True, distinct: bool = True) -> Optional[tuple]:
    """eig: w, then vl when ``left``, then vr when ``right``; w alone when neither."""
    s = matrix(shape, "eig", True, distinct)
    if s is None:
        return None
    return (Shape(s.dims[:1]),) + (s,) * (int(left) + int(right))


def eigh(shape: MaybeShape, distinct: bool = True) -> Optional[tuple[Shape, Shape]]:
    """eigh: (w (m,), v (m, m))."""
    s = matrix(shape, "eigh", True, distinct)
    return None if s is None else (Shape(s.dims[:1]), s)


def svd(shape: MaybeShape, full_matrices: bool = True, compute_uv: bool = True, distinct: bool = True):
    """(u, s, vh) as numpy's for a 2-D array, or s alone (also ``svdvals``)."""
    s = matrix(shape, "svd", False, distinct)
    if s is None:
        return None
    return _np_svd(s, full_matrices, compute_uv, False, distinct)


def qr(shape: MaybeShape, mode: str = "full", pivoting: bool = False, distinct: bool = True) -> Optional[tuple]:
    """(q, r) with q (m, m) ("full") or (m, k) ("economic"); (r,) alone for "r", of a's shape;
    ((h, tau), r) for "raw"; then the pivots (n,) when ``pivoting``."""
    if mode not in ("full", "economic", "r", "raw"):
        raise OperandError(shape, PREFIX + "qr", "args",
                           f"mode argument must be 'full', 'economic', 'r' or 'raw', not {mode!r}")
    s = matrix(shape, "qr", False, distinct)
    if s is None:
        return None
    m, n = s.dims
    k = _min_dim(m, n, distinct)
    out: tuple
    if mode == "full":
        out = (Shape((m, m)), s)
    elif mode == "economic":
        out = (Shape((m, k)), Shape((k, n)))
    elif mode == "r":
        out = (s,)
    else:
        out = ((s, Shape((k,))), Shape((k, n)))
    return out + (Shape((n,)),) if pivoting else out


def lu(shape: MaybeShape, permute_l: bool = False, p_indices: bool = False, distinct: bool = True) -> Optional[tuple]:
    """(p, l, u): p (m, m), or (m,) with ``p_indices``; l (m, k); u (k, n); (p @ l, u) with ``permute_l``."""
    s = matrix(shape, "lu", False, distinct)
    if s is None:
        return None
    m, n = s.dims
    k = _min_dim(m, n, distinct)
    lower, upper = Shape((m, k)), Shape((k, n))
    if permute_l:
        return lower, upper
    return Shape((m,)) if p_indices else Shape((m, m)), lower, upper


def lu_factor(shape: MaybeShape, distinct: bool = True) -> Optional[tuple[Shape, Shape]]:
    """(lu of a's shape, pivots (k,))."""
    s = matrix(shape, "lu_factor", False, distinct)
    return None if s is None else (s, Shape((_min_dim(s.dims[0], s.dims[1], distinct),)))


def solve(a: MaybeShape, b: MaybeShape, func: str = "solve", distinct: bool = True) -> MaybeShape:
    """solve / solve_triangular: b's shape, for a square a and a b of a's rows (1-D or 2-D)."""
    sa = matrix(a, func, True, distinct)
    if sa is None or b is None or not b.fixed or len(b.dims) not in (1, 2) or _empty(b):
        return None
    if D.equal(sa.dims[0], b.dims[0], distinct) is False:
        if func == "solve" and D.is_one(sa.dims[0]) is not False:
            return None  # solve divides by a (1, 1) a: any b since 1.15, a b of one row before
        raise MatmulError(sa, b, -1, -len(b.dims), sa.dims[0], b.dims[0])
    return b


def factor_solve(factor: MaybeShape, b: MaybeShape, func: str, distinct: bool = True) -> MaybeShape:
    """cho_solve((c, lower), b) / lu_solve((lu, piv), b): b's shape, for a b of the factor's rows.
    An empty b is returned before the factor is looked at: only a b of no empty axis proves that
    a factor that is not square is refused."""
    if factor is None or not factor.fixed or len(factor.dims) != 2 or _empty(factor) or b is None \
            or not b.fixed or len(b.dims) not in (1, 2) or _empty(b):
        return None
    m = factor.dims[0]
    if D.equal(m, factor.dims[1], distinct) is False and all(D.equal(d, ZERO, distinct) is False for d in b.dims):
        raise OperandError(factor, PREFIX + func, "square", f"scipy.linalg.{func} takes the factor of a square matrix")
    if D.equal(m, b.dims[0], distinct) is False:
        raise OperandError(b, PREFIX + func, "size", f"the factor is {fmt_shape(factor)}, so b needs "
                           f"{D.fmt_dim(m)} rows, not {D.fmt_dim(b.dims[0])}")
    return b


def lstsq(a: MaybeShape, b: MaybeShape, distinct: bool = True):
    """(x, residues, rank, s): x is (n,) + b.shape[1:] for a (m, n) and b (m,) or (m, k); the
    residues' shape depends on a's rank (data); s is (min(m, n),)."""
    if a is not None and a.fixed and len(a.dims) < 2:
        raise OperandError(a, PREFIX + "lstsq", "rank", f"scipy.linalg.lstsq takes a 2-D array a, not a "
                           f"{len(a.dims)}-dimensional one")
    if a is None or not a.fixed or len(a.dims) != 2 or _empty(a):
        return None, None, SCALAR, None
    m, n = a.dims
    sv = Shape((_min_dim(m, n, distinct),))
    if b is None or not b.fixed or len(b.dims) not in (1, 2) or _empty(b):
        return None, None, SCALAR, sv
    if D.equal(m, b.dims[0], distinct) is False:
        raise MatmulError(a, b, -2, -len(b.dims), m, b.dims[0])
    return Shape((n,) + b.dims[1:]), None, SCALAR, sv


def null_space(shape: MaybeShape, func: str = "null_space", distinct: bool = True) -> MaybeShape:
    """null_space: (n, r); orth: (m, r), r the rank (data)."""
    s = matrix(shape, func, False, distinct)
    if s is None:
        return None
    return Shape((s.dims[1] if func == "null_space" else s.dims[0], None))


def block_diag(shapes: Sequence[MaybeShape]) -> MaybeShape:
    """block_diag(*arrs): each 0-d or 1-D array a block of one row; rows and columns add up.
    No arrays at all make (1, 0).  A 3-D array: refused before 1.16, a stack since."""
    rows: MaybeDim = Dim.lit(0)
    cols: MaybeDim = Dim.lit(0)
    if not shapes:
        return Shape((ONE, Dim.lit(0)))
    for s in shapes:
        if s is None or not s.fixed or len(s.dims) > 2:
            return None
        r, c = (ONE, ONE) if not s.dims else (ONE, s.dims[0]) if len(s.dims) == 1 else s.dims
        rows = None if rows is None or r is None else rows + r
        cols = None if cols is None or c is None else cols + c
    return Shape((rows, cols))


def toeplitz(c: MaybeShape, r: MaybeShape = None, one: bool = True) -> MaybeShape:
    """toeplitz(c, r) / hankel(c, r): (len(c), len(r)), r defaulting to c (``one``); circulant(c):
    (n, n).  1-D only: before 1.16 a 2-D c was flattened, since it is a stack."""
    if c is None or not c.fixed or len(c.dims) != 1:
        return None
    if one:
        return Shape((c.dims[0], c.dims[0]))
    if r is None or not r.fixed or len(r.dims) != 1:
        return None
    return Shape((c.dims[0], r.dims[0]))


__all__ = ["ATLEAST_2D", "matrix", "square", "pinv", "det", "eigvals", "eig", "eigh", "svd", "qr", "lu",
           "lu_factor", "solve", "factor_solve", "lstsq", "null_space", "block_diag", "toeplitz"]
