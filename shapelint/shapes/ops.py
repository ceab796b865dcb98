"""Shape transfer functions, each matching what numpy does for concrete shapes.

Each takes shapes (``None`` = unknown) and returns the result shape, ``None``
when it cannot be known, or raises a ShapeError when numpy would refuse.  A
refusal is only raised when it is certain for the declared dims.
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

from . import dim as D
from .dim import Dim, MaybeDim, ONE
from .errors import (
    AxisError, BroadcastError, ConcatError, EinsumError, IndexError_, MatmulError, OperandError, ReshapeError,
    ShapeError,
)
from .shape import ANY_RANK, MaybeShape, SCALAR, Shape

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


def unknowns_as_any_rank(shapes: Sequence[MaybeShape]) -> list[MaybeShape]:
    """Operands of a broadcast: where another has dims, one of unknown shape is an array of some
    rank, so the broadcast keeps every known dim that is not 1, behind leading dims nobody knows
    (``x * f(x)`` is ``(..., n, d)``)."""
    if any(s is not None and s.dims for s in shapes):
        return [ANY_RANK if s is None else s for s in shapes]
    return list(shapes)


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
    """``out op= value``: the broadcast result must have ``out``'s shape.  A value with unknown
    leading dims (``(..., n)``) is checked on the dims it has: they fail whatever comes before."""
    if out is None or value is None or out.batch is not None:
        return
    result = broadcast(out, value, distinct=distinct)  # may raise
    if result is None:
        return
    if value.batch is None and len(result.dims) > len(out.dims):
        raise BroadcastError((out, value), -len(result.dims), (), output=out)
    for k, (o, r) in enumerate(zip(reversed(out.dims), reversed(result.dims)), start=1):
        if D.equal(o, r, distinct) is False or (D.is_one(o) is True and D.is_one(r) is False):
            raise BroadcastError((out, value), -k, (o, r), output=out)


def store_into(target: MaybeShape, value: MaybeShape, distinct: bool = True) -> None:
    """``a[index] = value``, ``target`` the shape of ``a[index]``: numpy drops the value's leading
    size-1 dims (a (1, 4) row fits a (4,) row), then stretches it to the target's shape."""
    if target is None or value is None or target.batch is not None or value.batch is not None:
        return
    dims = list(value.dims)
    while len(dims) > len(target.dims) and D.is_one(dims[0]) is True:
        dims.pop(0)
    extra = len(dims) - len(target.dims)
    if extra > 0:
        if any(D.is_one(d) is False for d in dims[:extra]):  # a dim the target has no room for
            raise BroadcastError((target, value), -len(dims), (None, dims[0]), output=target)
        return  # they might all be 1
    broadcast_to(Shape(tuple(dims)), target, distinct)  # raises when a dim cannot stretch


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
        if not a.fixed and len(b.dims) >= 2:
            # a 1-D a gives b's stacks then b's last axis, a stack of matrices its rows then b's
            # last axis: either way the product ends with b's last axis
            return Shape(b.dims[-1:], "")
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
    if not a.fixed and b.fixed and len(b.dims) >= 2:
        # whatever a's rank, np.dot gives a's leading axes, b's stacks, then b's last axis
        if a.dims:
            _check_inner(a, b, -1, -2, distinct)
        return Shape(b.dims[-1:], "")
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


def matmul_then_dot(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """A product that is ``a @ b`` while both operands have at most 2 dims and np.dot's
    contraction beyond (a's last axis with b's second-to-last, or its only one): scikit-learn's
    ``safe_sparse_dot``.  A 0-d operand is refused either way.  Where a rank is unknown only what
    both forms share is known: a's last axis meets b's second-to-last, and a vector or matrix b
    gives a's leading axes followed by b's last."""
    if a is None or b is None:
        return None
    if a.fixed and b.fixed:
        if (len(a.dims) <= 2 and len(b.dims) <= 2) or not a.dims or not b.dims:
            return matmul(a, b, distinct)
        return dot(a, b, distinct)
    if a.dims and len(b.dims) >= 2:
        _check_inner(a, b, -1, -2, distinct)
    if a.dims and b.fixed and len(b.dims) in (1, 2):
        # a's rank unknown, b a vector or a matrix: both forms give a's leading axes, then b's last
        if len(b.dims) == 1:
            _check_inner(a, b, -1, -1, distinct)
            return Shape(a.dims[:-1], a.batch)
        return Shape(a.dims[:-1] + b.dims[-1:], a.batch)
    if not a.fixed and not a.dims and b.fixed and len(b.dims) >= 2:
        return Shape(b.dims[-1:], "")  # a of any rank: either form ends with b's last axis
    return None


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


def reduce_kept(shape: MaybeShape) -> MaybeShape:
    """A reduction with ``keepdims=True`` over axes that are not known (``axis=self.dim``): the
    rank stays; each size is its own or 1, so only the sizes that are 1 already are known."""
    if shape is None or not shape.fixed:
        return None
    return Shape(tuple(ONE if D.is_one(d) is True else None for d in shape.dims))


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


def _trailing(shape: Shape, *axes: int) -> Optional[list[int]]:
    """Axes counted from the end that fall on the known trailing dims of a shape with unknown
    leading ones ((..., n, d): -1 and -2), as positions in those dims; else None."""
    known = len(shape.dims)
    return [known + a for a in axes] if all(-known <= a < 0 for a in axes) else None


def swapaxes(shape: MaybeShape, a: int, b: int) -> MaybeShape:
    if shape is not None and not shape.fixed:
        at = _trailing(shape, a, b)
        if at is None:
            return None
        dims = list(shape.dims)
        dims[at[0]], dims[at[1]] = dims[at[1]], dims[at[0]]
        return Shape(tuple(dims), shape.batch)
    if shape is None:
        return None
    n = len(shape.dims)
    i, j = normalize_axis(a, n, shape), normalize_axis(b, n, shape)
    dims = list(shape.dims)
    dims[i], dims[j] = dims[j], dims[i]
    return Shape(tuple(dims))


def matrix_transpose(shape: MaybeShape) -> MaybeShape:
    """``x.mT`` (numpy 2): the last two axes swapped; numpy refuses fewer than two."""
    if shape is not None and shape.fixed and len(shape.dims) < 2:
        raise AxisError(shape, "mT", len(shape.dims), reason="matrix")
    if shape is None or len(shape.dims) < 2:
        return None
    return swapaxes(shape, -2, -1)


def moveaxis(shape: MaybeShape, source: int, dest: int) -> MaybeShape:
    if shape is not None and not shape.fixed:
        at = _trailing(shape, source, dest)
        if at is None:
            return None
        dims = list(shape.dims)
        dims.insert(at[1], dims.pop(at[0]))
        return Shape(tuple(dims), shape.batch)
    if shape is None:
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
        # squeezing a documented size says the code knows it is 1 here ("(n_samples, n_outputs)"
        # with n_outputs == 1 in this branch): only a literal or a declared size refuses
        if D.is_one(shape.dims[k]) is False and not D.is_documented(shape.dims[k]):
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
ARRAY = "array"  # an integer/boolean array index of which nothing is known: advanced indexing


class Advanced:
    """An array index (advanced indexing): its shape (None when not known) and whether it is a
    boolean mask (True), integers (False) or not known (None)."""

    def __init__(self, shape: MaybeShape, boolean: Optional[bool]):
        self.shape, self.boolean = shape, boolean

    def effect(self) -> Optional[tuple[int, tuple]]:
        """(axes it consumes, dims it puts in their place); None when that is not known.  A
        1-D index consumes one axis whatever its dtype: integers give their length, a mask the
        count of its true entries, which is data."""
        s = self.shape
        if s is None or not s.fixed or not s.dims:
            return None
        if self.boolean is True:
            return len(s.dims), (None,)
        if self.boolean is False:
            return 1, s.dims
        return (1, (None,)) if len(s.dims) == 1 else None


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
        if n.value < 0:
            return None  # no array has a negative size: nothing to index
        return Dim.lit(len(range(*slice(start, stop, step).indices(n.value))))
    if n is not None and step == -1 and start is None and stop is None:
        return n  # x[::-1], a reversal
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


def _consumes(it: object) -> Optional[int]:
    """How many axes an index item takes (None: not known; an ellipsis is counted apart)."""
    if it is NEWAXIS or it is ELLIPSIS:
        return 0
    if isinstance(it, Advanced):
        if it.boolean is True:
            return len(it.shape.dims) if it.shape is not None and it.shape.fixed else None
        return 1 if it.boolean is False else None
    return None if it is ARRAY else 1


def check_masks(shape: Shape, items: Sequence[object], distinct: bool = True) -> None:
    """A boolean mask must have the very sizes of the axes it takes (no broadcasting, not even
    from 1): ``X[mask]`` with ``mask`` of ``(n_features,)`` on ``X`` of ``(n_samples, n_features)``
    raises "boolean index did not match indexed array along axis 0"."""
    if not shape.fixed:
        return
    counts = [_consumes(it) for it in items]
    if any(c is None for c in counts) and any(it is ELLIPSIS for it in items):
        return
    ellipsis = len(shape.dims) - sum(c for c in counts if c is not None)
    if ellipsis < 0:
        return  # too many indices: numpy says that first
    at: Optional[int] = 0
    for pos, (it, c) in enumerate(zip(items, counts)):
        if at is None:
            return
        if it is ELLIPSIS:
            at += ellipsis
            continue
        if isinstance(it, Advanced) and it.boolean is True and c is not None:
            for j, m in enumerate(it.shape.dims):
                k = at + j
                if m is not None and m.value == 0:
                    continue  # numpy lets a mask's axis of size 0 stand for any axis
                if k < len(shape.dims) and D.equal(m, shape.dims[k], distinct) is False:
                    raise IndexError_(shape, "boolean index did not match", axis=k, dims=(shape.dims[k], m), item=pos)
        at = None if c is None else at + c


def index(shape: MaybeShape, items: Sequence[object], distinct: bool = True) -> MaybeShape:
    """x[items]: items are ints (Dim or int), Slice, NEWAXIS, ELLIPSIS, ARRAY or None (unknown
    scalar).  ``distinct``: sizes named apart differ, for a boolean mask against its axes."""
    if shape is None:
        return None
    if any(isinstance(it, Advanced) and it.boolean is True for it in items):
        check_masks(shape, items, distinct)
    if any(it is ARRAY for it in items):
        return None
    arrays = [k for k, it in enumerate(items) if isinstance(it, Advanced)]
    if arrays:
        return _advanced(shape, items, arrays)
    n_ell = sum(1 for it in items if it is ELLIPSIS)
    if n_ell > 1:
        raise IndexError_(shape, "an index can only have a single ellipsis")
    consuming = [it for it in items if it is not NEWAXIS and it is not ELLIPSIS]
    if not shape.fixed:
        # x[..., i] of (..., n, d): what follows the ellipsis indexes the known trailing dims
        if not items or items[0] is not ELLIPSIS or n_ell != 1 or len(consuming) > len(shape.dims):
            return None
        cut = len(shape.dims) - len(consuming)
        tail = index(Shape(shape.dims[cut:]), items[1:])
        return None if tail is None else Shape(shape.dims[:cut] + tail.dims, shape.batch)
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


def _advanced(shape: Shape, items: Sequence[object], arrays: list[int]) -> MaybeShape:
    """x[..., idx, ...] with one array index among ints, slices, newaxis and an ellipsis: the
    basic index without it, with the index's dims where it stood (numpy puts them there when
    there is a single array index).  Several array indices broadcast together: not modelled."""
    if len(arrays) != 1 or not shape.fixed:
        return None
    p = arrays[0]
    effect = items[p].effect()  # type: ignore[union-attr]
    if effect is None:
        return None
    consumed, dims = effect
    basic = list(items[:p]) + [None] * consumed + list(items[p + 1:])  # unknown ints: the axes go
    out = index(shape, basic)
    if out is None:
        return None
    # ints index alongside the array (numpy broadcasts them together): when a slice, newaxis or
    # ellipsis separates them, the index's dims go first, else where the first of them stood
    together = sorted([p] + [k for k, it in enumerate(items) if _is_int_item(it)])
    first = together[0]
    if together != list(range(first, together[-1] + 1)):
        first = 0
        at = 0
    else:
        n_consuming = sum(1 for it in basic if it is not NEWAXIS and it is not ELLIPSIS)
        at = 0  # how many result axes the items before them make
        for it in items[:first]:
            if it is NEWAXIS or isinstance(it, Slice):
                at += 1
            elif it is ELLIPSIS:
                at += len(shape.dims) - n_consuming
    return Shape(out.dims[:at] + tuple(dims) + out.dims[at:])


def _is_int_item(it: object) -> bool:
    return it is None or isinstance(it, (Dim, int))


# --- joining --------------------------------------------------------------

def _dim_at(s: MaybeShape, k: int) -> MaybeDim:
    """The dim ``k`` places from the end (k >= 1), None where it is not known."""
    if s is None or k > len(s.dims):
        return None
    return s.dims[-k]


def _sum_dims(dims: Sequence[MaybeDim]) -> MaybeDim:
    total: MaybeDim = Dim.lit(0)
    for d in dims:
        total = None if total is None or d is None else total + d
    return total


def concatenate(shapes: Sequence[MaybeShape], axis: Optional[int] = 0, distinct: bool = True,
                func: str = "concatenate") -> MaybeShape:
    """np.concatenate: every axis but ``axis`` must match; ``axis=None`` joins the flattened arrays."""
    shapes = tuple(shapes)
    if not shapes:
        raise ConcatError(shapes, "empty", func)
    if axis is None:
        return Shape((_sum_dims([s.size() if s is not None else None for s in shapes]),))
    fixed = [(i, s) for i, s in enumerate(shapes) if s is not None and s.fixed]
    for i, s in fixed:
        if not s.dims:
            raise ConcatError(shapes, "zero-d", func, operand=i)
    ndim: Optional[int] = None
    if fixed:
        ref, rs = fixed[0]
        ndim = len(rs.dims)
        for i, s in fixed[1:]:
            if len(s.dims) != ndim:
                raise ConcatError(shapes, "rank", func, operand=i, ref=ref)
        for i, s in enumerate(shapes):
            if s is not None and not s.fixed and len(s.dims) > ndim:  # "*b n d" has at least 2 dims
                raise ConcatError(shapes, "rank", func, operand=i, ref=ref)
        join = normalize_axis(axis, ndim, rs) - ndim  # from the end
    elif axis < 0:
        join = axis
    else:
        return None  # no rank known: a positive axis cannot be placed
    width = ndim if ndim is not None else max((len(s.dims) for s in shapes if s is not None), default=0)
    out: list[MaybeDim] = []
    for k in range(1, width + 1):
        if -k == join:
            out.append(_sum_dims([_dim_at(s, k) for s in shapes]))
            continue
        seen: Optional[tuple[int, Dim]] = None
        for i, s in enumerate(shapes):
            d = _dim_at(s, k)
            if d is None:
                continue
            if seen is None:
                seen = (i, d)
            elif D.equal(seen[1], d, distinct) is False:
                at = ndim - k if ndim is not None else -k
                raise ConcatError(shapes, "dim", func, operand=i, ref=seen[0], axis=at, dims=(seen[1], d),
                                  join_axis=(ndim + join) if ndim is not None else join)
        out.append(seen[1] if seen is not None else None)
    if ndim is None:
        return None
    return Shape(tuple(reversed(out)))


def stack(shapes: Sequence[MaybeShape], axis: int = 0, distinct: bool = True) -> MaybeShape:
    """np.stack: arrays of one shape, joined along a new axis."""
    shapes = tuple(shapes)
    if not shapes:
        raise ConcatError(shapes, "empty", "stack")
    fixed = [(i, s) for i, s in enumerate(shapes) if s is not None and s.fixed]
    ndim: Optional[int] = None
    if fixed:
        ref, rs = fixed[0]
        ndim = len(rs.dims)
        for i, s in fixed[1:]:
            if len(s.dims) != ndim:
                raise ConcatError(shapes, "rank", "stack", operand=i, ref=ref)
        for i, s in enumerate(shapes):
            if s is not None and not s.fixed and len(s.dims) > ndim:
                raise ConcatError(shapes, "rank", "stack", operand=i, ref=ref)
        if not -(ndim + 1) <= axis < ndim + 1:
            raise AxisError(rs, axis, ndim + 1)
    width = ndim if ndim is not None else max((len(s.dims) for s in shapes if s is not None), default=0)
    out: list[MaybeDim] = []
    for k in range(1, width + 1):
        seen: Optional[tuple[int, Dim]] = None
        for i, s in enumerate(shapes):
            d = _dim_at(s, k)
            if d is None:
                continue
            if seen is None:
                seen = (i, d)
            elif D.equal(seen[1], d, distinct) is False:
                raise ConcatError(shapes, "dim", "stack", operand=i, ref=seen[0],
                                  axis=ndim - k if ndim is not None else -k, dims=(seen[1], d),
                                  join_axis=axis % (ndim + 1) if ndim is not None else None)
        out.append(seen[1] if seen is not None else None)
    if ndim is None:
        return None
    dims = list(reversed(out))
    dims.insert(axis % (ndim + 1), Dim.lit(len(shapes)))
    return Shape(tuple(dims))


def atleast_nd(shape: MaybeShape, n: int) -> MaybeShape:
    """np.atleast_1d / 2d / 3d: 0-d -> (1,), (1, 1), (1, 1, 1); 1-D (k,) -> (1, k), (1, k, 1); 2-D (m, k) -> (m, k, 1)."""
    if shape is None:
        return None
    if not shape.fixed:
        return shape if len(shape.dims) >= n else None
    dims = shape.dims
    if len(dims) >= n:
        return shape
    if n == 1:
        return Shape((ONE,))
    if n == 2:
        return Shape((ONE,) * (2 - len(dims)) + dims)
    if not dims:
        return Shape((ONE, ONE, ONE))
    if len(dims) == 1:
        return Shape((ONE, dims[0], ONE))
    return Shape(dims + (ONE,))


def vstack(shapes: Sequence[MaybeShape], distinct: bool = True, func: str = "vstack") -> MaybeShape:
    """np.vstack (np.row_stack): 1-D arrays become rows (1, n); then joined along axis 0."""
    return concatenate([atleast_nd(s, 2) for s in shapes], 0, distinct, func)


def hstack(shapes: Sequence[MaybeShape], distinct: bool = True) -> MaybeShape:
    """np.hstack: 1-D arrays are joined along axis 0, others along axis 1."""
    promoted = [atleast_nd(s, 1) for s in shapes]
    ranks = [len(s.dims) for s in promoted if s is not None and s.fixed]
    if not promoted:
        raise ConcatError((), "empty", "hstack")
    first = promoted[0]
    rank = len(first.dims) if first is not None and first.fixed else (ranks[0] if ranks else None)
    if rank is None:
        return None  # the axis depends on a rank not known (if it works, every rank is the same)
    return concatenate(promoted, 0 if rank == 1 else 1, distinct, "hstack")


def column_stack(shapes: Sequence[MaybeShape], distinct: bool = True) -> MaybeShape:
    """np.column_stack: 1-D (n,) becomes the column (n, 1), 0-d (1, 1); joined along axis 1."""
    promoted: list[MaybeShape] = []
    for s in shapes:
        if s is None or (not s.fixed and len(s.dims) < 2):
            promoted.append(None)
        elif s.fixed and len(s.dims) == 0:
            promoted.append(Shape((ONE, ONE)))
        elif s.fixed and len(s.dims) == 1:
            promoted.append(Shape((s.dims[0], ONE)))
        else:
            promoted.append(s)
    return concatenate(promoted, 1, distinct, "column_stack")


def dstack(shapes: Sequence[MaybeShape], distinct: bool = True) -> MaybeShape:
    """np.dstack: arrays made 3-D ((n,) -> (1, n, 1), (m, n) -> (m, n, 1)), joined along axis 2."""
    return concatenate([atleast_nd(s, 3) for s in shapes], 2, distinct, "dstack")


# --- einsum -----------------------------------------------------------------

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _einsum_term(term: str, where: str, sub: str, shapes, any_labels: bool = False) -> tuple[str, Optional[int]]:
    """(the term's letters in order, the position of '...' among them or None)."""
    term = term.replace(" ", "")
    dots = term.count(".")
    if dots and (dots != 3 or "..." not in term):
        raise EinsumError(sub, shapes, "syntax", f"a '.' that is not part of an ellipsis ('...') in {where}")
    ell = term.find("...")
    letters = term.replace("...", "")
    for ch in letters:
        if ch not in _LETTERS and not any_labels:
            raise EinsumError(sub, shapes, "syntax", f"invalid subscript {ch!r}: subscripts must be letters")
    if ell < 0:
        return letters, None
    return letters, ell


def _is_zero(d: MaybeDim) -> Optional[bool]:
    if d is None:
        return None
    if d.value is not None:
        return d.value == 0
    return False if d.symbol is not None and not d.is_opaque else None  # a declared size is positive


def _diagonal_size(ds: list[MaybeDim], view: bool, distinct: bool, error) -> MaybeDim:
    """The size of an index repeated on one operand (sizes ``ds``).  numpy wants them equal, except
    on its view path (one operand, every index kept in the output), where a leading size 0 counts as
    "not set yet": np.einsum('ii->i', np.zeros((0, 3))) has shape (3,)."""
    if len(ds) == 1:
        return ds[0]
    if not view:
        first = next((d for d in ds if d is not None), None)
        for d in ds:
            if D.equal(first, d, distinct) is False:
                raise error(first, d)
        return first
    cur: MaybeDim = None
    for d in ds:
        if cur is None:
            z = _is_zero(d)
            if z is None:
                return None  # it may or may not set the size
            if not z:
                cur = d
        elif D.equal(cur, d, distinct) is False:
            raise error(cur, d)
    return cur if cur is not None else Dim.lit(0)


def einsum(subscripts: str, shapes: Sequence[MaybeShape], distinct: bool = True,
           any_labels: bool = False) -> MaybeShape:
    """np.einsum with a subscripts string, as numpy's C implementation reads it (optimize=False).
    ``any_labels``: any character is an index, as jax.numpy.einsum (through opt_einsum) reads it."""
    sub = subscripts
    shapes = tuple(shapes)
    if not shapes:
        raise EinsumError(sub, shapes, "operands", "no operands")
    if "->" in sub:
        inputs, output = sub.split("->", 1)
        if "-" in output or ">" in output:
            raise EinsumError(sub, shapes, "syntax", "a '-' or '>' that is not part of one '->'")
    else:
        inputs, output = sub, None
    if "-" in inputs or ">" in inputs:
        raise EinsumError(sub, shapes, "syntax", "a '-' or '>' that is not part of '->'")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise EinsumError(sub, shapes, "operands", f"{len(terms)} terms for {len(shapes)} operands")
    sizes: dict[str, tuple[MaybeDim, int]] = {}  # letter -> (size, the operand that set it)
    count: dict[str, int] = {}
    ells: list[MaybeShape] = []  # each operand's '...' dims (None: not known)
    any_ell = False
    for i, (term, s) in enumerate(zip(terms, shapes)):
        letters, ell = _einsum_term(term, f"operand {i}", sub, shapes, any_labels)
        for ch in letters:
            count[ch] = count.get(ch, 0) + 1
        n = len(letters)
        dims: list[MaybeDim] = [None] * n
        if ell is not None:
            any_ell = True
        if s is not None and s.fixed:
            nd = len(s.dims)
            if n > nd:
                raise EinsumError(sub, shapes, "rank", "too many subscripts", operand=i)
            if ell is None and n < nd:
                raise EinsumError(sub, shapes, "rank", "too few subscripts and no '...'", operand=i)
            if ell is None:
                dims = list(s.dims)
            else:
                dims = list(s.dims[:ell]) + list(s.dims[nd - (n - ell):])
                ells.append(Shape(s.dims[ell:nd - (n - ell)]))
        elif s is not None:  # "*batch n d": at least len(s.dims) dims, the trailing ones known
            m = len(s.dims)
            if ell is None:
                if m > n:
                    raise EinsumError(sub, shapes, "rank", "too few subscripts and no '...'", operand=i)
                dims = [None] * (n - m) + list(s.dims)
            else:
                post = n - ell
                if post <= m:
                    dims = [None] * ell + list(s.dims[m - post:])
                ells.append(None)
        elif ell is not None:
            ells.append(None)
        # a repeated index on one operand takes the diagonal: its sizes must be equal
        view = len(shapes) == 1 and output is not None and set(letters) <= set(output)
        mine: dict[str, MaybeDim] = {}
        for ch in dict.fromkeys(letters):
            ds = [d for c, d in zip(letters, dims) if c == ch]
            mine[ch] = _diagonal_size(ds, view, distinct, lambda a, b: EinsumError(
                sub, shapes, "diagonal", operand=i, letter=ch, dims=(a, b)))
        # across operands an index broadcasts: equal sizes, or one of them 1
        for ch, d in mine.items():
            if ch not in sizes:
                sizes[ch] = (d, i)
                continue
            prev, j = sizes[ch]
            ok, both = broadcast_dim(prev, d, distinct)
            if not ok:
                raise EinsumError(sub, shapes, "size", operand=i, other=j, letter=ch, dims=(prev, d))
            sizes[ch] = (both, j)
    # the '...' dims broadcast together
    ell_out: MaybeShape = SCALAR
    if any(e is None for e in ells):
        ell_out = None
        known = [e for e in ells if e is not None]
        if len(known) > 1:
            try:
                broadcast(*known, distinct=distinct)
            except BroadcastError as exc:
                raise EinsumError(sub, shapes, "ellipsis", "the '...' dimensions cannot broadcast",
                                  dims=exc.dims) from None
    elif ells:
        try:
            ell_out = broadcast(*ells, distinct=distinct)
        except BroadcastError as exc:
            raise EinsumError(sub, shapes, "ellipsis", "the '...' dimensions cannot broadcast",
                              dims=exc.dims) from None
    if output is None:
        out_letters = sorted((ch for ch, c in count.items() if c == 1), key=ord)
        out_ell = any_ell
    else:
        out_letters_s, pos = _einsum_term(output, "the output", sub, shapes, any_labels)
        out_letters = list(out_letters_s)
        seen: set[str] = set()
        for ch in out_letters:
            if ch in seen:
                raise EinsumError(sub, shapes, "output", "appears more than once in the output", letter=ch)
            if ch not in sizes:
                raise EinsumError(sub, shapes, "output", "never appears in an input", letter=ch)
            seen.add(ch)
        out_ell = pos is not None
        if not out_ell and ell_out is not None and ell_out.dims:
            raise EinsumError(sub, shapes, "ellipsis", "the output has no '...' for the broadcast '...' "
                              f"dimensions {ell_out}")
        if pos is not None:
            letter_dims = [sizes[ch][0] for ch in out_letters]
            if ell_out is None:
                return None
            return Shape(tuple(letter_dims[:pos]) + ell_out.dims + tuple(letter_dims[pos:]))
    letter_dims = [sizes[ch][0] for ch in out_letters]
    if out_ell:
        if ell_out is None:
            return None
        return Shape(ell_out.dims + tuple(letter_dims))
    return Shape(tuple(letter_dims))


# --- linear algebra -------------------------------------------------------------

def _matrices(shape: MaybeShape, func: str, square: bool = True, distinct: bool = True) -> Optional[Shape]:
    """A stack of matrices (..., m, n): checked (2-D at least, square when asked); None when not known."""
    if shape is None:
        return None
    if shape.fixed and len(shape.dims) < 2:
        raise OperandError(shape, func, "rank", f"{len(shape.dims)}-dimensional array given; "
                           "the array must be at least two-dimensional")
    if len(shape.dims) < 2:
        return None
    if square and D.equal(shape.dims[-2], shape.dims[-1], distinct) is False:
        raise OperandError(shape, func, "square", "the last 2 dimensions of the array must be square")
    return shape


def _lead(shape: Shape, drop: int) -> Shape:
    return Shape(shape.dims[: len(shape.dims) - drop], shape.batch)


def _min_dim(a: MaybeDim, b: MaybeDim, distinct: bool = True) -> MaybeDim:
    """min(a, b) when both are literal or equal; else unknown."""
    if a is None or b is None:
        return None
    if a.value is not None and b.value is not None:
        return Dim.lit(min(a.value, b.value))
    if D.equal(a, b, distinct) is True:
        return a
    return None


def inv(shape: MaybeShape, distinct: bool = True, func: str = "inv") -> MaybeShape:
    """np.linalg.inv / cholesky / matrix_power / expm-like: (..., m, m) -> (..., m, m)."""
    return _matrices(shape, func, True, distinct)


def pinv(shape: MaybeShape) -> MaybeShape:
    s = _matrices(shape, "pinv", square=False)
    if s is None:
        return None
    return Shape(s.dims[:-2] + (s.dims[-1], s.dims[-2]), s.batch)


def det(shape: MaybeShape, distinct: bool = True) -> MaybeShape:
    s = _matrices(shape, "det", True, distinct)
    return None if s is None else _lead(s, 2)


def eigvals(shape: MaybeShape, distinct: bool = True, func: str = "eigvals") -> MaybeShape:
    """eigvals / eigvalsh: (..., m, m) -> (..., m)."""
    s = _matrices(shape, func, True, distinct)
    return None if s is None else _lead(s, 1)


def eig(shape: MaybeShape, distinct: bool = True, func: str = "eig") -> tuple[MaybeShape, MaybeShape]:
    """eig / eigh: (eigenvalues (..., m), eigenvectors (..., m, m))."""
    s = _matrices(shape, func, True, distinct)
    return (None, None) if s is None else (_lead(s, 1), s)


def slogdet(shape: MaybeShape, distinct: bool = True) -> tuple[MaybeShape, MaybeShape]:
    s = det(shape, distinct)
    return s, s


def svd(shape: MaybeShape, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False,
        distinct: bool = True):
    """(u, s, vh), or s alone when ``compute_uv`` is False."""
    s = _matrices(shape, "svd", square=hermitian, distinct=distinct)
    if s is None:
        return None if not compute_uv else (None, None, None)
    m, n = s.dims[-2], s.dims[-1]
    k = _min_dim(m, n, distinct)
    lead = s.dims[:-2]
    sv = Shape(lead + (k,), s.batch)
    if not compute_uv:
        return sv
    if full_matrices:
        return Shape(lead + (m, m), s.batch), sv, Shape(lead + (n, n), s.batch)
    return Shape(lead + (m, k), s.batch), sv, Shape(lead + (k, n), s.batch)


def qr(shape: MaybeShape, mode: str = "reduced", distinct: bool = True):
    """(q, r) for "reduced" / "complete", r alone for "r", (h, tau) for "raw"; numpy 2 still
    takes the deprecated "full"/"f" (as "reduced") and "economic"/"e" (one array, a's shape)."""
    mode = "reduced" if mode in ("full", "f") else mode
    if mode in ("economic", "e"):
        return _matrices(shape, "qr", square=False)
    if mode not in ("reduced", "complete", "r", "raw"):
        raise OperandError(shape, "qr", "args", f"unrecognized mode {mode!r}")
    s = _matrices(shape, "qr", square=False)
    if s is None:
        return None if mode == "r" else (None, None)
    m, n = s.dims[-2], s.dims[-1]
    k = _min_dim(m, n, distinct)
    lead = s.dims[:-2]
    if mode == "reduced":
        return Shape(lead + (m, k), s.batch), Shape(lead + (k, n), s.batch)
    if mode == "complete":
        return Shape(lead + (m, m), s.batch), Shape(lead + (m, n), s.batch)
    if mode == "r":
        return Shape(lead + (k, n), s.batch)
    return Shape(lead + (n, m), s.batch), Shape(lead + (k,), s.batch)


def solve(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.linalg.solve (numpy 2): ``b`` is one vector (m,) only when it is 1-D, else a stack (..., m, k)."""
    sa = _matrices(a, "solve", True, distinct)
    if b is not None and b.fixed and not b.dims:
        raise OperandError(b, "solve", "rank", "b is 0-d")
    if sa is None or b is None:
        return None
    if b.fixed and len(b.dims) == 1:
        if D.equal(sa.dims[-1], b.dims[0], distinct) is False:
            raise MatmulError(sa, b, -1, -1, sa.dims[-1], b.dims[0])
        return _lead(sa, 1)
    if len(b.dims) < 2:
        return None  # "*batch k": one vector or a stack, not known
    if D.equal(sa.dims[-1], b.dims[-2], distinct) is False:
        raise MatmulError(sa, b, -1, -2, sa.dims[-1], b.dims[-2])
    try:
        lead = broadcast(_lead(sa, 2), _lead(b, 2), distinct=distinct)
    except BroadcastError:
        raise MatmulError(sa, b, -1, -2, reason="batch") from None
    assert lead is not None
    return Shape(lead.dims + (sa.dims[-2], b.dims[-1]), lead.batch)


def lstsq(a: MaybeShape, b: MaybeShape, distinct: bool = True):
    """(x, residuals, rank, s): a is (m, n), b is (m,) or (m, k); x is (n,) + b.shape[1:].
    The residuals' length depends on the rank of ``a`` (data), so it is not known."""
    for which, s in enumerate((a, b)):
        if s is not None and s.fixed and not (len(s.dims) == 2 or (which == 1 and len(s.dims) == 1)):
            raise OperandError(s, "lstsq", "rank", f"{len(s.dims)}-dimensional array given; "
                               "the array must be two-dimensional")
        if s is not None and not s.fixed and len(s.dims) > 2:
            raise OperandError(s, "lstsq", "rank", "the array must be two-dimensional")
    if a is None or not a.fixed:
        m = n = None
    else:
        m, n = a.dims
    x: MaybeShape = None
    if b is not None and b.fixed:
        if a is not None and a.fixed and D.equal(m, b.dims[0], distinct) is False:
            raise MatmulError(a, b, -2, -len(b.dims), m, b.dims[0])
        x = Shape((n,) + b.dims[1:])
    sv = Shape((_min_dim(m, n, distinct),)) if a is not None and a.fixed else Shape((None,))
    # residuals: empty when m <= n; else (k,), (1,) or empty by the rank of a, which is data
    wide = m is not None and n is not None and m.value is not None and n.value is not None and m.value <= n.value
    return x, Shape((Dim.lit(0) if wide else None,)), SCALAR, sv


ANY_ORD = object()  # an ``ord`` whose value is not known (np.inf, a variable, a string not read)
_MATRIX_ORDS = (None, 1, -1, 2, -2, "fro", "nuc", float("inf"), float("-inf"))


def norm(shape: MaybeShape, ord: object = None, axis: Axis = None, keepdims: bool = False) -> MaybeShape:
    """np.linalg.norm: a vector norm over one axis, a matrix norm over two, the whole array for neither."""
    if shape is None:
        return None
    if axis is None:
        if not shape.fixed:
            return None
        nd = len(shape.dims)
        if ord is not None and ord is not ANY_ORD:
            if nd not in (1, 2):
                raise OperandError(shape, "norm", "rank", "improper number of dimensions to norm")
            _check_ord(shape, ord, nd == 2)
        return Shape((ONE,) * nd) if keepdims else SCALAR
    axes = [axis] if isinstance(axis, int) else list(axis)  # type: ignore[arg-type]
    if len(axes) not in (1, 2):
        raise OperandError(shape, "norm", "rank", "improper number of dimensions to norm")
    if shape.fixed:
        norm_axes = [normalize_axis(a, len(shape.dims), shape) for a in axes]
        if len(set(norm_axes)) != len(norm_axes):
            raise AxisError(shape, axis, len(shape.dims), reason="duplicate")
    if ord is not ANY_ORD:
        _check_ord(shape, ord, len(axes) == 2)
    return reduce(shape, tuple(axes), keepdims)


def _check_ord(shape: Shape, ord: object, matrix: bool) -> None:
    if matrix:
        if isinstance(ord, (int, float, str)) and ord not in _MATRIX_ORDS:
            raise OperandError(shape, "norm", "ord", f"invalid norm order {ord!r} for matrices")
    elif isinstance(ord, str):
        raise OperandError(shape, "norm", "ord", f"invalid norm order {ord!r} for vectors")


# --- more products ----------------------------------------------------------------

def tensordot(a: MaybeShape, b: MaybeShape, axes: object = 2, distinct: bool = True) -> MaybeShape:
    """np.tensordot: ``axes`` an int N (the last N of a with the first N of b) or a pair of axis lists."""
    if a is None or b is None or not a.fixed or not b.fixed:
        return None
    na_, nb_ = len(a.dims), len(b.dims)
    if isinstance(axes, int):
        if axes > na_:
            raise AxisError(a, -axes, na_)
        if axes > nb_:
            raise OperandError(b, "tensordot", "rank", f"axes={axes} but b has {nb_} dimensions")
        ax_a = list(range(na_ - axes, na_)) if axes > 0 else []
        ax_b = list(range(0, axes)) if axes > 0 else []
    else:
        pa, pb = axes  # type: ignore[misc]
        ax_a = [pa] if isinstance(pa, int) else list(pa)
        ax_b = [pb] if isinstance(pb, int) else list(pb)
        if len(ax_a) != len(ax_b):
            raise OperandError(a, "tensordot", "args", "the two lists of axes have different lengths")
        ax_a = [normalize_axis(x, na_, a) for x in ax_a]
        if any(not -nb_ <= x < nb_ for x in ax_b):
            # b's axes: not an AxisError, which SL009 would report under a's name
            raise OperandError(b, "tensordot", "rank", f"axes {tuple(ax_b)} out of range for b")
        ax_b = [x % nb_ for x in ax_b]
    for x, y in zip(ax_a, ax_b):
        if D.equal(a.dims[x], b.dims[y], distinct) is False:
            raise MatmulError(a, b, x - na_, y - nb_, a.dims[x], b.dims[y])
    if len(set(ax_a)) != len(ax_a):
        raise AxisError(a, tuple(ax_a), na_, reason="duplicate")
    if len(set(ax_b)) != len(ax_b):
        raise OperandError(b, "tensordot", "args", f"axes {tuple(ax_b)} of b repeat")
    return Shape(tuple(d for k, d in enumerate(a.dims) if k not in ax_a)
                 + tuple(d for k, d in enumerate(b.dims) if k not in ax_b))


def kron(a: MaybeShape, b: MaybeShape) -> MaybeShape:
    if a is None or b is None or not a.fixed or not b.fixed:
        return None
    if not a.dims:
        return b
    if not b.dims:
        return a
    n = max(len(a.dims), len(b.dims))
    da = (ONE,) * (n - len(a.dims)) + a.dims
    db = (ONE,) * (n - len(b.dims)) + b.dims
    return Shape(tuple(None if x is None or y is None else x * y for x, y in zip(da, db)))


# --- diagonals --------------------------------------------------------------------

def _two_axes(shape: Shape, axis1: int, axis2: int) -> tuple[int, int]:
    n = len(shape.dims)
    i, j = normalize_axis(axis1, n, shape), normalize_axis(axis2, n, shape)
    if i == j:
        raise AxisError(shape, (axis1, axis2), n, reason="duplicate")
    return i, j


def _diag_len(n1: MaybeDim, n2: MaybeDim, offset: int, distinct: bool = True) -> MaybeDim:
    if n1 is None or n2 is None:
        return None
    if n1.value is not None and n2.value is not None:
        return Dim.lit(max(0, min(n1.value, n2.value - offset) if offset >= 0 else min(n1.value + offset,
                                                                                          n2.value)))
    if offset == 0:
        return _min_dim(n1, n2, distinct)
    return None


def trace(shape: MaybeShape, offset: int = 0, axis1: int = 0, axis2: int = 1) -> MaybeShape:
    """np.trace: the two axes go away (a 2-D array gives a scalar)."""
    if shape is None or not shape.fixed:
        return None
    i, j = _two_axes(shape, axis1, axis2)
    return Shape(tuple(d for k, d in enumerate(shape.dims) if k not in (i, j)))


def diagonal(shape: MaybeShape, offset: Optional[int] = 0, axis1: int = 0, axis2: int = 1,
             distinct: bool = True) -> MaybeShape:
    """np.diagonal: the two axes go away and the diagonal's length is appended.
    ``offset`` None: not known (the length is then unknown)."""
    if shape is None or not shape.fixed:
        return None
    i, j = _two_axes(shape, axis1, axis2)
    rest = tuple(d for k, d in enumerate(shape.dims) if k not in (i, j))
    length = None if offset is None else _diag_len(shape.dims[i], shape.dims[j], offset, distinct)
    return Shape(rest + (length,))


def diag(shape: MaybeShape, k: Optional[int] = 0, distinct: bool = True) -> MaybeShape:
    """np.diag: a 1-D (n,) becomes the (n + |k|, n + |k|) matrix; a 2-D gives its k-th diagonal."""
    if shape is None or not shape.fixed:
        return None
    if len(shape.dims) == 1:
        n = shape.dims[0]
        size = None if n is None or k is None else n + abs(k)
        return Shape((size, size))
    if len(shape.dims) == 2:
        return diagonal(shape, k, 0, 1, distinct)
    raise OperandError(shape, "diag", "rank", "input must be 1- or 2-d")


def tri_part(shape: MaybeShape) -> MaybeShape:
    """np.triu / np.tril: the same shape; a 1-D (n,) is broadcast against its (n, n) mask."""
    if shape is None:
        return None
    if shape.fixed and not shape.dims:
        raise OperandError(shape, "triu", "rank", "a 0-d array has no triangle")
    if shape.fixed and len(shape.dims) == 1:
        return Shape((shape.dims[0], shape.dims[0]))
    return shape if len(shape.dims) >= 2 else None


# --- repetition and padding -----------------------------------------------------

def _nonneg(d: MaybeDim, shape: MaybeShape, func: str) -> None:
    if d is not None and d.value is not None and d.value < 0:
        raise OperandError(shape, func, "negative", f"negative count {d.value}")


def tile(shape: MaybeShape, reps: Sequence[MaybeDim]) -> MaybeShape:
    """np.tile: reps and the shape are padded with leading 1s to the same length, then multiplied."""
    reps = tuple(reps)
    negative = any(r is not None and r.value is not None and r.value < 0 for r in reps)
    if shape is None:
        return None
    if negative:
        # numpy repeats along each axis (refusing a negative count) only when there are elements;
        # an empty array is reshaped to the product shape instead, as reshape reads it
        size = Shape((ONE,) * (len(reps) - len(shape.dims)) + shape.dims, shape.batch).size()
        if size is None or size.value is None:
            return None
        if size.value:
            raise OperandError(shape, "tile", "negative", "negative repetitions")
    if not shape.fixed:
        if len(reps) > len(shape.dims):
            return None
        keep = shape.dims[: len(shape.dims) - len(reps)]
        tail = shape.dims[len(shape.dims) - len(reps):]
        return Shape(keep + tuple(None if d is None or r is None else d * r for d, r in zip(tail, reps)),
                     shape.batch)
    n = max(len(reps), len(shape.dims))
    dims = (ONE,) * (n - len(shape.dims)) + shape.dims
    reps = (ONE,) * (n - len(reps)) + reps
    out = tuple(None if d is None or r is None else d * r for d, r in zip(dims, reps))
    if negative:
        return reshape(Shape(dims), out)
    return Shape(out)


def repeat(shape: MaybeShape, repeats: object, axis: Optional[int] = None) -> MaybeShape:
    """np.repeat: ``repeats`` a dim (one count for every element), a tuple of dims (one per element,
    or one for all), or None (not known).  A negative count is refused where it repeats something:
    numpy accepts it along an empty axis."""
    counts: Optional[tuple] = repeats if isinstance(repeats, tuple) else None
    if shape is None:
        return None
    if axis is None:
        if not shape.fixed:
            return Shape((None,))
        n = shape.size()
    else:
        if not shape.fixed:
            return None
        s = shape if shape.dims else Shape((ONE,))  # numpy takes a 0-d array as 1-D here
        k = normalize_axis(axis, len(s.dims), s)
        n = s.dims[k]
    for r in counts if counts is not None else (repeats,):
        if isinstance(r, Dim) and r.value is not None and r.value < 0:
            if n is None or n.value is None:
                return None if axis is not None else Shape((None,))
            if n.value:
                raise OperandError(shape, "repeat", "negative", f"negative count {r.value}")

    def total() -> MaybeDim:
        if counts is None:
            return None if repeats is None or n is None else n * repeats  # type: ignore[operator]
        if len(counts) == 1:
            return None if counts[0] is None or n is None else n * counts[0]
        if n is not None and n.value is not None and n.value != len(counts):
            raise OperandError(shape, "repeat", "size", f"{len(counts)} counts for {n.value} elements")
        return _sum_dims(counts) if n is not None and D.equal(n, Dim.lit(len(counts))) else None

    t = total()
    if axis is None:
        return Shape((t,))
    dims = list(s.dims)
    dims[k] = t
    return Shape(tuple(dims))


def pad(shape: MaybeShape, pad_width: object) -> MaybeShape:
    """np.pad: ``pad_width`` an int, a (before, after) pair, ((before, after),) or one pair per axis
    (as nested tuples of dims; None where a width is not known).  numpy broadcasts it to (ndim, 2)."""
    widths = pad_width
    if isinstance(widths, tuple) and any(isinstance(w, tuple) for w in widths):
        if not all(isinstance(w, tuple) for w in widths) or len({len(w) for w in widths}) > 1:
            raise OperandError(shape, "pad", "args", "pad_width is ragged")  # type: ignore[union-attr]
        grid = [list(w) for w in widths]  # type: ignore[union-attr]
        if any(isinstance(x, tuple) for row in grid for x in row):
            raise OperandError(shape, "pad", "args", "pad_width has more than 2 dimensions")
    elif isinstance(widths, tuple):
        grid = [list(widths)]
    else:
        grid = [[widths]]
    for row in grid:
        for w in row:
            _nonneg(w, shape, "pad")
    if shape is None or not shape.fixed:
        return None
    nd = len(shape.dims)
    rows, cols = len(grid), len(grid[0])
    if isinstance(widths, tuple) and not any(isinstance(w, tuple) for w in widths):
        rows, cols = 1, len(widths)  # a 1-D pad_width of shape (cols,)
    if cols not in (1, 2) or rows not in (1, nd):
        raise OperandError(shape, "pad", "args", f"pad_width of shape ({rows}, {cols}) does not broadcast "
                           f"to ({nd}, 2)")
    out = []
    for k, d in enumerate(shape.dims):
        row = grid[k if rows > 1 else 0]
        before, after = row[0], row[1 if cols > 1 else 0]
        out.append(None if d is None or before is None or after is None else d + before + after)
    return Shape(tuple(out))


def take(shape: MaybeShape, indices: MaybeShape, axis: Optional[int] = None,
         index: Optional[int] = None) -> MaybeShape:
    """np.take: the indices' shape replaces the axis (the whole flattened array when axis is None).
    ``index``: the literal int index, checked against the axis' length.

    numpy checks an index only where it takes something: an empty axis refuses when the result
    has elements, and an out-of-bounds index when the dims before the axis are not empty."""
    if shape is None:
        return None
    if axis is None:
        if not shape.fixed:
            return None
        n, outer = shape.size(), ONE
        result = indices
    else:
        if not shape.fixed:
            return None
        s = shape if shape.dims else Shape((ONE,))  # numpy takes a 0-d array as 1-D here
        k = normalize_axis(axis, len(s.dims), s)
        n, outer = s.dims[k], Shape(s.dims[:k]).size()
        result = None if indices is None or not indices.fixed else Shape(s.dims[:k] + indices.dims + s.dims[k + 1:])
    if n is not None and n.value == 0:
        # no index fits an empty axis: refused where the result has elements or an index is read
        size = result.size() if result is not None else None
        count = indices.size() if indices is not None else None
        if (size is not None and size.value) or (count is not None and count.value and outer is not None
                                                 and outer.value):
            raise OperandError(shape, "take", "size", "cannot take from an empty axis")
    elif n is not None and n.value is not None and index is not None and not -n.value <= index < n.value:
        if outer is not None and outer.value:
            raise OperandError(shape, "take", "size", f"index {index} is out of bounds for size {n.value}")
    return result


def flip(shape: MaybeShape, axis: Axis = None) -> MaybeShape:
    """np.flip: the same shape; the axes must exist and not repeat."""
    if shape is None:
        return None
    if axis is not None and shape.fixed:
        _axes(shape, axis)
    return shape


def roll(shape: MaybeShape, shifts: Optional[int] = None, axis: Axis = None) -> MaybeShape:
    """np.roll: the same shape.  ``shifts``: how many shifts a tuple gives (None: one int);
    shifts and axes broadcast together.  Axes may repeat."""
    if shape is None:
        return None
    if axis is not None:
        axes = [axis] if isinstance(axis, int) else list(axis)  # type: ignore[arg-type]
        if shape.fixed and not shape.dims:
            raise OperandError(shape, "roll", "rank", "a 0-d array has no axis to roll along")
        if shape.fixed:
            for a in axes:
                normalize_axis(a, len(shape.dims), shape)
        if not isinstance(axis, int) and shifts is not None and shifts != len(axes) and 1 not in (shifts,
                                                                                                  len(axes)):
            raise OperandError(shape, "roll", "args", f"{shifts} shifts for {len(axes)} axes")
    return shape


def broadcast_to(shape: MaybeShape, target: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.broadcast_to: ``shape`` must stretch to ``target`` (only its size-1 dims may grow)."""
    if target is None:
        return None
    for d in target.dims:
        _nonneg(d, target, "broadcast_to")
    if shape is None or not shape.fixed or not target.fixed:
        return target
    if len(shape.dims) > len(target.dims):
        raise BroadcastError((shape, target), -len(shape.dims), (shape.dims[0], None))
    out = list(target.dims)
    for k in range(1, len(shape.dims) + 1):
        s, t = shape.dims[-k], target.dims[-k]
        if D.equal(s, t, distinct) is False and D.is_one(s) is False:
            raise BroadcastError((shape, target), -k, (s, t))
        if t is None and D.is_one(s) is False:
            out[-k] = s  # if it works, the target's size is this one
    return Shape(tuple(out))


def cross(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> MaybeShape:
    """np.cross with the vectors along the last axis: 2 or 3 components each; the other dims broadcast.
    Two 2-vectors give a scalar z component; otherwise the result has 3 components."""
    if a is None or b is None:
        return None
    for s in (a, b):
        if s.fixed and not s.dims:
            raise OperandError(s, "cross", "rank", "a 0-d array has no vector axis")
    if not a.dims or not b.dims:
        return None
    comps = []
    for s in (a, b):
        d = s.dims[-1]
        if d is not None and d.value is not None and d.value not in (2, 3):
            raise OperandError(s, "cross", "size", f"vectors of {d.value} components (must be 2 or 3)")
        comps.append(d.value if d is not None else None)
    lead = broadcast(_lead(a, 1), _lead(b, 1), distinct=distinct)
    if lead is None or None in comps:
        return None
    return lead if comps == [2, 2] else Shape(lead.dims + (Dim.lit(3),), lead.batch)


__all__ = [
    "ShapeError", "broadcast", "broadcast_dim", "broadcast_to_output", "matmul", "dot", "matmul_then_dot", "inner",
    "outer",
    "reduce", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel", "reshape", "index",
    "Slice", "NEWAXIS", "ELLIPSIS", "ARRAY", "Advanced", "normalize_axis",
    "concatenate", "stack", "atleast_nd", "vstack", "hstack", "column_stack", "dstack", "einsum",
    "inv", "pinv", "det", "eigvals", "eig", "slogdet", "svd", "qr", "solve", "lstsq", "norm", "ANY_ORD",
    "tensordot", "kron", "trace", "diagonal", "diag", "tri_part", "tile", "repeat", "pad", "take", "flip",
    "roll", "broadcast_to", "cross",
]
