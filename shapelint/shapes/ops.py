"""Shape transfer functions, each matching what numpy does for concrete shapes.

Each takes shapes (``None`` = unknown) and returns the result shape, ``None``
when it cannot be known, or raises a ShapeError when numpy would refuse.  A
refusal is only raised when it is certain for the declared dims.
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

from . import dim as D
from .dim import Dim, MaybeDim, ONE
from .errors import AxisError, BroadcastError, IndexError_, MatmulError, ReshapeError, ShapeError
from .shape import MaybeShape, SCALAR, Shape

Axis = Union[int, Sequence[int], None]


# --- broadcasting ---------------------------------------------------------

def broadcast_dim(a: MaybeDim, b: MaybeDim, distinct: bool = True) -> tuple[bool, MaybeDim]:
    """(ok, result) for one axis; ok is False when the sizes can never meet."""
    if a is None and b is None:
        return True, None
    eq = D.equal(a, b, distinct)
    if eq:
        return True, a
    a1, b1 = D.is_one(a), D.is_one(b)
    if a1:
        return True, b
    if b1:
        return True, a
    if eq is False and a1 is False and b1 is False:
        return False, None
    # one side unknown or undecided: if the result exists, it is the side known not to be 1
    if a1 is False and (b is None or b1 is None or eq is None):
        if a is not None and a.value is None and b is not None and b.value is not None and b1 is False:
            return True, b  # n against 5: if it works, it is 5
        return True, a
    if b1 is False:
        return True, b
    return True, None


def broadcast(*shapes: MaybeShape, distinct: bool = True) -> MaybeShape:
    if any(s is None for s in shapes):
        return None
    if len(shapes) == 1:
        return shapes[0]
    batch = None
    for s in shapes:
        if s.batch is not None:
            batch = s.batch if batch in (None, s.batch) else ""
    # default: np.broadcast_shapes() of no shapes is (), not a crash
    width = max((len(s.dims) for s in shapes), default=0)
    out: list[MaybeDim] = []
    for k in range(1, width + 1):
        acc: MaybeDim = ONE
        have = False
        for s in shapes:
            if k <= len(s.dims):
                d = s.dims[-k]
            elif s.batch is not None:
                d = None  # lies in the unknown leading dims
            else:
                continue
            if not have:
                acc, have = d, True
                continue
            ok, acc2 = broadcast_dim(acc, d, distinct)
            if not ok:
                raise BroadcastError(tuple(shapes), -k, tuple(x.dims[-k] if k <= len(x.dims) else None for x in shapes))
            acc = acc2
        out.append(acc)
    return Shape(tuple(reversed(out)), batch)


def broadcast_to_output(out: MaybeShape, value: MaybeShape, distinct: bool = True) -> None:
    """``out op= value``: the broadcast result must have ``out``'s shape."""
    if out is None or value is None or out.batch is not None or value.batch is not None:
        return
    result = broadcast(out, value, distinct=distinct)  # may raise
    if result is None:
        return
    if len(result.dims) > len(out.dims):
        raise BroadcastError((out, value), -len(result.dims), (), output=out)
    for k, (o, r) in enumerate(zip(reversed(out.dims), reversed(result.dims)), start=1):
        if D.equal(o, r, distinct) is False or (D.is_one(o) is True and D.is_one(r) is False):
            raise BroadcastError((out, value), -k, (o, r), output=out)


# --- products -------------------------------------------------------------

def _check_inner(a: Shape, b: Shape, ai: int, bi: int, distinct: bool) -> None:
    da, db = a.dims[ai], b.dims[bi]
    if D.equal(da, db, distinct) is False:
        raise MatmulError(a, b, ai, bi, da, db)


def matmul(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    if a is None or b is None:
        return None
    for s, which in ((a, 0), (b, 1)):
        if s.fixed and not s.dims:
            raise MatmulError(a, b, -1, -2, reason="scalar" if which == 0 else "scalar-right")
    if (not a.fixed and len(a.dims) < 2) or (not b.fixed and len(b.dims) < 2):
        # rank of the operand unknown: it may or may not be 1-D
        if len(a.dims) >= 1 and len(b.dims) >= 2:
            _check_inner(a, b, -1, -2, distinct)
        return None
    if len(a.dims) == 1 and len(b.dims) == 1:
        _check_inner(a, b, -1, -1, distinct)
        return SCALAR
    if len(a.dims) == 1:
        _check_inner(a, b, -1, -2, distinct)
        return Shape(b.dims[:-2] + b.dims[-1:], b.batch)
    if len(b.dims) == 1:
        _check_inner(a, b, -1, -1, distinct)
        return Shape(a.dims[:-1], a.batch)
    _check_inner(a, b, -1, -2, distinct)
    try:
        batch = broadcast(Shape(a.dims[:-2], a.batch), Shape(b.dims[:-2], b.batch), distinct=distinct)
    except BroadcastError:
        raise MatmulError(a, b, -1, -2, reason="batch") from None
    assert batch is not None
    return Shape(batch.dims + (a.dims[-2], b.dims[-1]), batch.batch)


def dot(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.dot: not matmul for N-D (it pairs every stack of a with every stack of b)."""
    if a is None or b is None:
        return None
    if not a.fixed or not b.fixed:
        return None
    if not a.dims:
        return b
    if not b.dims:
        return a
    if len(b.dims) == 1:
        _check_inner(a, b, -1, -1, distinct)
        return Shape(a.dims[:-1])
    _check_inner(a, b, -1, -2, distinct)
    return Shape(a.dims[:-1] + b.dims[:-2] + b.dims[-1:])


def inner(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    if a is None or b is None or not a.fixed or not b.fixed:
        return None
    if not a.dims:
        return b
    if not b.dims:
        return a
    _check_inner(a, b, -1, -1, distinct)
    return Shape(a.dims[:-1] + b.dims[:-1])


def outer(a: MaybeShape, b: MaybeShape) -> MaybeShape:
    sa = a.size() if a is not None else None
    sb = b.size() if b is not None else None
    return Shape((sa, sb))


# --- axes -----------------------------------------------------------------

def normalize_axis(axis: int, ndim: int, shape: Shape) -> int:
    if not -ndim <= axis < ndim:
        raise AxisError(shape, axis, ndim)
    return axis % ndim


def _axes(shape: Shape, axis: Axis) -> Optional[list[int]]:
    """Normalised axes, or None when the rank is unknown and an axis is positive."""
    axes = [axis] if isinstance(axis, int) else list(axis)  # type: ignore[arg-type]
    if shape.batch is not None:
        if any(a >= 0 or -a > len(shape.dims) for a in axes):
            return None
        out = [a + len(shape.dims) for a in axes]
    else:
        out = [normalize_axis(a, len(shape.dims), shape) for a in axes]
    if len(set(out)) != len(out):
        raise AxisError(shape, axis, len(shape.dims), reason="duplicate")
    return out


def _zero_d_int_axis(shape: Shape, axis: Axis) -> bool:
    """numpy's legacy allowance: ufunc reductions (sum, max, ...), argmax and
    squeeze accept an *int* axis of 0 or -1 on a 0-d array and return it as is.
    (np.mean/std/var refuse it, but a refusal here must hold for every function
    this models, so we accept.)  A tuple axis such as (0,) is still refused."""
    return shape.fixed and not shape.dims and isinstance(axis, int) and axis in (0, -1)


def reduce(shape: MaybeShape, axis: Axis = None, keepdims: bool = False, tuple_ok: bool = True) -> MaybeShape:
    """sum/mean/max/...: drop (or keep as 1) the reduced axes."""
    if shape is None:
        return None
    if axis is None:
        if not shape.fixed:
            return None
        return Shape((ONE,) * len(shape.dims)) if keepdims else SCALAR
    if not isinstance(axis, int) and not tuple_ok:
        raise AxisError(shape, axis, len(shape.dims), reason="tuple")
    if _zero_d_int_axis(shape, axis):
        return SCALAR  # np.sum(0-d, axis=0) and axis=-1 are allowed (see _zero_d_int_axis)
    axes = _axes(shape, axis)
    if axes is None:
        return None
    dims = [ONE if k in axes else d for k, d in enumerate(shape.dims)] if keepdims else [
        d for k, d in enumerate(shape.dims) if k not in axes
    ]
    return Shape(tuple(dims), shape.batch)


def transpose(shape: MaybeShape, axes: Optional[Sequence[int]] = None) -> MaybeShape:
    if shape is None:
        return None
    if axes is None:
        return shape.reversed() if shape.fixed else None
    if not shape.fixed:
        return None
    n = len(shape.dims)
    if len(axes) != n:
        raise AxisError(shape, tuple(axes), n, reason="permutation")
    norm = [normalize_axis(a, n, shape) for a in axes]
    if len(set(norm)) != n:
        raise AxisError(shape, tuple(axes), n, reason="permutation")
    return Shape(tuple(shape.dims[k] for k in norm))


def swapaxes(shape: MaybeShape, a: int, b: int) -> MaybeShape:
    if shape is None or not shape.fixed:
        return None
    n = len(shape.dims)
    i, j = normalize_axis(a, n, shape), normalize_axis(b, n, shape)
    dims = list(shape.dims)
    dims[i], dims[j] = dims[j], dims[i]
    return Shape(tuple(dims))


def moveaxis(shape: MaybeShape, source: int, dest: int) -> MaybeShape:
    if shape is None or not shape.fixed:
        return None
    n = len(shape.dims)
    i, j = normalize_axis(source, n, shape), normalize_axis(dest, n, shape)
    dims = list(shape.dims)
    dims.insert(j, dims.pop(i))
    return Shape(tuple(dims))


def expand_dims(shape: MaybeShape, axis: Union[int, Sequence[int]]) -> MaybeShape:
    if shape is None or not shape.fixed:
        return None
    axes = [axis] if isinstance(axis, int) else list(axis)
    out_n = len(shape.dims) + len(axes)
    norm = []
    for a in axes:
        if not -out_n <= a < out_n:
            raise AxisError(shape, a, out_n)  # the rank the result would have
        norm.append(a % out_n)
    if len(set(norm)) != len(norm):
        raise AxisError(shape, axis, out_n, reason="duplicate")
    it = iter(shape.dims)
    return Shape(tuple(ONE if k in norm else next(it) for k in range(out_n)))


def squeeze(shape: MaybeShape, axis: Axis = None) -> MaybeShape:
    if shape is None or not shape.fixed:
        return None
    if axis is None:
        ones = [D.is_one(d) for d in shape.dims]
        if any(o is None for o in ones):
            return None
        return Shape(tuple(d for d, o in zip(shape.dims, ones) if not o))
    if _zero_d_int_axis(shape, axis):
        return SCALAR  # np.squeeze(0-d, axis=0) is allowed (see _zero_d_int_axis)
    axes = _axes(shape, axis)
    assert axes is not None
    for k in axes:
        if D.is_one(shape.dims[k]) is False:
            raise AxisError(shape, k, len(shape.dims), reason="squeeze")
    return Shape(tuple(d for k, d in enumerate(shape.dims) if k not in axes))


def ravel(shape: MaybeShape) -> MaybeShape:
    if shape is None:
        return None
    return Shape((shape.size(),))


def _exact_div(total: Dim, part: Dim) -> MaybeDim:
    """total / part when it divides exactly as polynomials, else None."""
    if part.value is not None:
        return D.floordiv(total, part) if part.value and (
            total.value is None or total.value % part.value == 0) else None
    if len(part.terms) != 1:
        return None
    (mono, coeff), = part.terms
    out = []
    for m, c in total.terms:
        rest = list(m)
        for name in mono:
            if name not in rest:
                return None
            rest.remove(name)
        if c % coeff:
            return None
        out.append((tuple(rest), c // coeff))
    return Dim._from(dict(out))


def reshape(shape: MaybeShape, new: Sequence[MaybeDim]) -> MaybeShape:
    new = tuple(new)
    # numpy takes *any* negative size as the unknown dim, not only -1:
    # np.empty(6).reshape(-2, 3) has shape (2, 3) (numpy/numpy#27024).  So two
    # negatives are "unknowns"; a lone -2 is not an error.
    minus = [k for k, d in enumerate(new) if d is not None and d.value is not None and d.value < 0]
    if len(minus) > 1:
        raise ReshapeError(shape or Shape(()), new, "unknowns")
    total = shape.size() if shape is not None else None
    known = [d for k, d in enumerate(new) if k not in minus]
    part: MaybeDim = ONE
    for d in known:
        part = None if part is None or d is None else part * d
    if not minus:
        if total is not None and part is not None and D.equal(total, part) is False:
            raise ReshapeError(shape, new, "size", total, part)  # type: ignore[arg-type]
        return Shape(new)
    # one -1: it becomes total / product of the others
    if total is None or part is None:
        return Shape(tuple(None if k in minus else d for k, d in enumerate(new)))
    if part.value == 0:
        raise ReshapeError(shape, new, "divide", total, part)  # type: ignore[arg-type]
    if total.value is not None and part.value is not None and total.value % part.value:
        raise ReshapeError(shape, new, "divide", total, part)  # type: ignore[arg-type]
    filled = _exact_div(total, part)
    return Shape(tuple(filled if k in minus else d for k, d in enumerate(new)))


# --- indexing -------------------------------------------------------------

class Slice:
    """A slice with literal-or-dim bounds; None bound = omitted."""

    __slots__ = ("start", "stop", "step", "unknown")

    def __init__(self, start: MaybeDim = None, stop: MaybeDim = None, step: MaybeDim = None, *,
                 unknown: bool = False):
        self.start, self.stop, self.step = start, stop, step
        self.unknown = unknown  # some bound could not be evaluated


NEWAXIS = "newaxis"
ELLIPSIS = "ellipsis"
ARRAY = "array"  # an integer/boolean array index: advanced indexing


def _slice_len(n: MaybeDim, s: Slice) -> MaybeDim:
    if s.unknown:
        return None
    vals = [None if b is None else b.value for b in (s.start, s.stop, s.step)]
    if any(b is not None and v is None for b, v in zip((s.start, s.stop, s.step), vals)):
        return None  # a symbolic bound
    start, stop, step = vals
    if step == 0:
        raise IndexError_(Shape((n,)), "slice step cannot be zero")
    if n is not None and n.value is not None:
        return Dim.lit(len(range(*slice(start, stop, step).indices(n.value))))
    if n is None or step not in (None, 1):
        return None
    # symbolic length, assumed long enough for the literal bounds
    lo = start or 0
    if lo < 0:
        return Dim.lit(-lo) if stop is None else (Dim.lit(stop - lo) if stop < 0 and stop > lo else None)
    if stop is None:
        return n - lo
    if stop < 0:
        return n - lo + stop
    return None


def index(shape: MaybeShape, items: Sequence[object]) -> MaybeShape:
    """x[items]: items are ints (Dim or int), Slice, NEWAXIS, ELLIPSIS, ARRAY or None (unknown scalar)."""
    if shape is None:
        return None
    if any(it is ARRAY for it in items):
        return None
    n_ell = sum(1 for it in items if it is ELLIPSIS)
    if n_ell > 1:
        raise IndexError_(shape, "an index can only have a single ellipsis")
    consuming = [it for it in items if it is not NEWAXIS and it is not ELLIPSIS]
    if not shape.fixed:
        return None
    ndim = len(shape.dims)
    if len(consuming) > ndim:
        raise IndexError_(shape, "too many indices")
    expanded: list[object] = []
    for it in items:
        if it is ELLIPSIS:
            expanded.extend([Slice()] * (ndim - len(consuming)))
        else:
            expanded.append(it)
    out: list[MaybeDim] = []
    k = 0
    for it in expanded:
        if it is NEWAXIS:
            out.append(ONE)
            continue
        d = shape.dims[k] if k < ndim else None
        k += 1
        if isinstance(it, Slice):
            out.append(_slice_len(d, it))
        else:  # an integer index: the axis goes away
            iv = it.value if isinstance(it, Dim) else it if isinstance(it, int) else None
            if iv is not None and d is not None and d.value is not None and not -d.value <= iv < d.value:
                raise IndexError_(shape, "index out of bounds")
    out.extend(shape.dims[k:])
    return Shape(tuple(out))


__all__ = [
    "ShapeError", "broadcast", "broadcast_dim", "broadcast_to_output", "matmul", "dot", "inner", "outer",
    "reduce", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel", "reshape", "index",
    "Slice", "NEWAXIS", "ELLIPSIS", "ARRAY", "normalize_axis",
]
