"""Shape transfer functions of scipy.spatial.distance's cdist, pdist and squareform, with the
same contract as ``ops``: None where the shape cannot be known, a ShapeError only where scipy
refuses for every value of the declared dims (the same in scipy 1.10, 1.15 and 1.17)."""

from __future__ import annotations

import math
from typing import Optional

from . import dim as D
from .dim import Dim, MaybeDim
from .errors import OperandError
from .shape import MaybeShape, Shape


def _points(shape: MaybeShape, func: str, name: str) -> Optional[Shape]:
    """A 2-D array of points (one per row), checked; None when its rank is not known."""
    if shape is None or not shape.fixed:
        return None
    if len(shape.dims) != 2:
        raise OperandError(shape, func, "rank", f"{func} takes {name} as a 2-D array of points (one per row), "
                           f"not a {len(shape.dims)}-dimensional one")
    return shape


def cdist(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """cdist(XA, XB): (mA, mB), for points of as many coordinates."""
    sa, sb = _points(a, "cdist", "XA"), _points(b, "cdist", "XB")
    if sa is None or sb is None:
        return None
    if D.equal(sa.dims[1], sb.dims[1], distinct) is False:
        raise OperandError(sb, "cdist", "size", f"XA and XB need as many columns: {sa.dims[1]} and {sb.dims[1]}")
    return Shape((sa.dims[0], sb.dims[0]))


def _pairs(m: MaybeDim) -> MaybeDim:
    """m * (m - 1) / 2, where m is a literal."""
    if m is None or m.value is None:
        return None
    return Dim.lit(m.value * (m.value - 1) // 2)


def pdist(shape: MaybeShape) -> MaybeShape:
    """pdist(X): the condensed distances, one per pair of rows."""
    s = _points(shape, "pdist", "X")
    return None if s is None else Shape((_pairs(s.dims[0]),))


def squareform(shape: MaybeShape, distinct: bool = True) -> MaybeShape:
    """squareform(X): condensed (k,) to the (n, n) matrix with n * (n - 1) / 2 = k, and a square
    matrix back to its condensed (n * (n - 1) / 2,).  A 0-d X is unknown (scipy reads it as one
    distance)."""
    if shape is None or not shape.fixed or not shape.dims:
        return None
    if len(shape.dims) > 2:
        raise OperandError(shape, "squareform", "rank", "squareform takes a 1-D condensed vector or a 2-D square "
                           f"matrix, not a {len(shape.dims)}-dimensional array")
    if len(shape.dims) == 2:
        if D.equal(shape.dims[0], shape.dims[1], distinct) is False:
            raise OperandError(shape, "squareform", "square", "squareform takes a square matrix")
        return Shape((_pairs(shape.dims[0]),))
    k = shape.dims[0]
    if k is None or k.value is None:
        return Shape((None, None))
    n = (1 + math.isqrt(1 + 8 * k.value)) // 2
    if n * (n - 1) // 2 != k.value:
        raise OperandError(shape, "squareform", "size", f"a condensed distance vector has n * (n - 1) / 2 entries; "
                           f"{k.value} is none of those")
    return Shape((Dim.lit(n), Dim.lit(n)))


__all__ = ["cdist", "pdist", "squareform"]
