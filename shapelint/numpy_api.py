"""The one table that knows numpy: qualified names and ndarray methods -> shape rules.

Every handler takes the evaluated ``Args`` and returns a Value (usually an
Array of the result shape, shape ``None`` when unknown), or raises a
ShapeError when numpy would refuse.  The rules themselves live in
``shapes.ops``; this module only maps numpy's signatures onto them.
"""

from __future__ import annotations

import functools
import math
from typing import Callable, Optional

from .shapes import Dim, MaybeShape, Shape, array_api, distances, more_ops, ops, scipy_linalg as sl, split_and_stats
from .shapes.dim import ONE
from .shapes.errors import AxisError, BroadcastError
from .shapes.shape import ANY_RANK, SCALAR
from .values import (
    NEVER, NONE, UNKNOWN, Args, Array, Bool, Int, NoneVal, Obj, Reduced, Scalar, Tup, Value, carried_reduction, dims_of, int_of,
    join, shape_of,
)

Handler = Callable[[Args], Value]

MISSING = object()


def _arr(shape: MaybeShape, expanded: bool = False) -> Array:
    return Array(shape, None, expanded)


def _reduced(source: MaybeShape, axis, keep: bool, out: MaybeShape) -> Array:
    """A reduction's result; one that dropped axes remembers what it reduced (for SL013)."""
    if keep or axis is None or out is None or source is None or not source.fixed:
        return _arr(out)
    return Array(out, reduced=Reduced(source, axis))


def _shape_arg(v: Optional[Value]) -> MaybeShape:
    """A shape argument (``(n, d)``, ``n``) as a Shape; None when unknown."""
    if v is None or isinstance(v, NoneVal):
        return None
    dims = dims_of(v)
    return Shape(dims) if dims is not None else None


def _axis_arg(a: Args, pos: Optional[int], name: str = "axis"):
    """None (all axes), an int, a tuple of ints, or MISSING when not known."""
    v = a.get(pos, name)
    if v is None or isinstance(v, NoneVal):
        return None
    if isinstance(v, Int):
        return v.dim.value if v.dim is not None and v.dim.value is not None else MISSING
    if isinstance(v, Tup):
        vals = [int_of(it) for it in v.items]
        return MISSING if any(x is None for x in vals) else tuple(vals)
    return MISSING


def _bool_arg(a: Args, pos: Optional[int], name: str) -> object:
    v = a.get(pos, name)
    if v is None:
        return False
    if isinstance(v, Int) and v.dim is not None and v.dim.value is not None:
        return bool(v.dim.value)  # True/False evaluate as the ints they are
    return MISSING


# --- families ---------------------------------------------------------------

def constructor(shape_pos: int = 0, shape_name: str = "shape") -> Handler:
    def h(a: Args) -> Value:
        return _arr(_shape_arg(a.get(shape_pos, shape_name)))
    return h


def sized(size_pos: Optional[int], name: str = "size") -> Handler:
    """random draws: a scalar without ``size``, else an array of that shape."""
    def h(a: Args) -> Value:
        v = a.get(size_pos, name)
        if v is None or isinstance(v, NoneVal):
            others = [shape_of(x) for x in a.args + list(a.kwargs.values())]
            if a.star or any(s is None for s in others):
                return _arr(None)
            return _arr(ops.broadcast(*others, distinct=a.distinct) if others else SCALAR)
        return _arr(_shape_arg(v))
    return h


def dims_varargs(a: Args) -> Value:
    """np.random.randn(3, 4) / rand(3, 4): dims as separate arguments."""
    if a.star or a.kwargs:
        return _arr(None)
    if not a.args:
        return Scalar()
    if any(isinstance(it, Tup) for it in a.args):
        return NEVER  # randn((3, 4)): TypeError, the dims are separate arguments
    return _arr(Shape(tuple(it.dim if isinstance(it, Int) else None for it in a.args)))


def like(shape_pos: Optional[int] = None) -> Handler:
    """zeros_like(a, shape=None), copy(a), asarray(a)..."""
    def h(a: Args) -> Value:
        if a.has(shape_pos, "shape"):
            return _arr(_shape_arg(a.get(shape_pos, "shape")))
        v = a.get(0, "a")
        if v is None:
            v = a.get(0, "prototype")
        return _arr(shape_of(v))
    return h


def elementwise(*names: str) -> Handler:
    """ufuncs: the broadcast of every array operand."""
    def h(a: Args) -> Value:
        operands = [a.get(k, n) for k, n in enumerate(names)]
        operands = [v for v in operands if v is not None]
        if a.star:
            return _arr(None)
        shapes = ops.unknowns_as_any_rank([shape_of(v) for v in operands])
        out = a.get(None, "out")
        result = ops.broadcast(*shapes, distinct=a.distinct)
        if out is not None and not isinstance(out, NoneVal):
            return _arr(shape_of(out))
        return Array(result, None, any(isinstance(v, Array) and v.expanded for v in operands),
                     reduced=carried_reduction(operands, result))
    return h


def where(a: Args) -> Value:
    if len(a.args) == 1 and not a.kwargs:
        return nonzero()(a)  # np.where(cond): a tuple of index arrays, as np.nonzero
    return elementwise("condition", "x", "y")(a)


def _int_fold(x: Value, a: Args, fold) -> Optional[Value]:
    """``np.prod(X.shape[1:])``, ``np.sum((n, d))``: a tuple of ints folded into one int (a
    size, usable in a reshape); None when ``x`` is not a non-empty tuple of ints or an axis is
    given (the empty tuple gives a float)."""
    if not isinstance(x, Tup) or not x.items or not all(isinstance(it, Int) for it in x.items):
        return None
    if len(a.args) > 1 or set(a.kwargs) - {"a"} or a.star:
        return None
    dims = [it.dim for it in x.items]  # type: ignore[attr-defined]
    if any(d is None for d in dims):
        return Int(None)
    return Int(functools.reduce(fold, dims))


def reduction(tuple_ok: bool = True, axis_pos: int = 1, self_arg: bool = False, fold=None) -> Handler:
    """sum/mean/...: ``np.f(x, axis, ..., keepdims=)`` or ``x.f(axis, keepdims=)``.  ``fold``:
    how the function combines ints, for a tuple of them (``np.prod(X.shape[1:])``)."""
    def h(a: Args) -> Value:
        x = a.get(None if self_arg else 0, "self" if self_arg else "a")
        if fold is not None and not self_arg:
            folded = _int_fold(x, a, fold)
            if folded is not None:
                return folded
        pos = 0 if self_arg else axis_pos
        axis = _axis_arg(a, pos)
        keep = _bool_arg(a, None, "keepdims")
        if keep is True and axis is MISSING:
            return _arr(ops.reduce_kept(shape_of(x)))  # softmax(x, axis): x - x.max(axis, keepdims=True)
        if axis is MISSING or keep is MISSING:
            return _arr(None)
        shape = shape_of(x)
        out = ops.reduce(shape, axis, bool(keep), tuple_ok=tuple_ok)
        return _reduced(shape, axis, bool(keep), out)
    return h


def average(a: Args) -> Value:
    """np.average(a, axis, weights, returned, keepdims=): a reduction whose weights must fit a;
    with returned=True, the average and the sum of the weights, both of the average's shape."""
    returned = _bool_arg(a, 3, "returned")
    w = a.get(2, "weights")
    if w is not None and not isinstance(w, NoneVal):
        axis = _axis_arg(a, 1)
        if axis is not MISSING:
            split_and_stats.average_weights(a.shape(0, "a"), shape_of(w), axis, a.distinct)
    if returned is MISSING:
        return UNKNOWN  # an array or a pair
    out = reduction()(a)
    return Tup((out, _arr(shape_of(out)))) if returned else out


def cumulative(self_arg: bool = False) -> Handler:
    def h(a: Args) -> Value:
        x = shape_of(a.get(None if self_arg else 0, "self" if self_arg else "a"))
        axis = _axis_arg(a, 0 if self_arg else 1)
        if axis is MISSING:
            return _arr(None)
        if axis is None:
            return _arr(ops.ravel(x))
        if x is not None and x.fixed and isinstance(axis, int):  # axis=(0, 1): not ours to crash on
            ops.normalize_axis(axis, len(x.dims), x)  # type: ignore[arg-type]
        return _arr(x)
    return h


def _transpose(v: Optional[Value], axes, a: Args) -> Value:
    if axes is MISSING:
        return _arr(None)
    x = shape_of(v)
    if axes is None and x is not None and x.fixed and len(x.dims) == 1:
        a.note("transpose-1d", shape=x)
    # np.transpose(a, 1): one axis; x[None, :].T is a column made on purpose, as x[:, None] is
    return _arr(ops.transpose(x, (axes,) if isinstance(axes, int) else axes),
                expanded=isinstance(v, Array) and v.expanded)


def np_transpose(a: Args) -> Value:
    return _transpose(a.get(0, "a"), _axis_arg(a, 1, "axes"), a)


def method_transpose(a: Args) -> Value:
    v = a.get(None, "self")
    if a.star:
        return _arr(None)
    if not a.args or (len(a.args) == 1 and isinstance(a.args[0], NoneVal)):
        return _transpose(v, None, a)
    if len(a.args) == 1 and isinstance(a.args[0], Tup):
        return _transpose(v, _axis_arg(a, 0, "axes"), a)
    vals = [int_of(v) for v in a.args]
    return _transpose(v, MISSING if None in vals else tuple(vals), a)


def attr_T(a: Args) -> Value:
    return _transpose(a.get(None, "self"), None, a)


def attr_mT(a: Args) -> Value:
    return _arr(ops.matrix_transpose(shape_of(a.get(None, "self"))))


def _two_ints(a: Args, p1: int, n1: str, p2: int, n2: str):
    i, j = int_of(a.get(p1, n1)), int_of(a.get(p2, n2))
    return (i, j) if i is not None and j is not None else None


def swapaxes(self_arg: bool) -> Handler:
    def h(a: Args) -> Value:
        off = 0 if self_arg else 1
        x = shape_of(a.get(None if self_arg else 0, "self" if self_arg else "a"))
        pair = _two_ints(a, off, "axis1", off + 1, "axis2")
        return _arr(ops.swapaxes(x, *pair) if pair else None)
    return h


def moveaxis(a: Args) -> Value:
    pair = _two_ints(a, 1, "source", 2, "destination")
    return _arr(ops.moveaxis(shape_of(a.get(0, "a")), *pair) if pair else None)


def _reshape_dims(vals: list[Value]):
    """The new shape, or None when its rank is unknown (``reshape(shape)`` of an unknown value)."""
    if len(vals) == 1 and isinstance(vals[0], Tup):
        vals = list(vals[0].items)
    elif len(vals) == 1 and not isinstance(vals[0], Int):
        return None
    return tuple(v.dim if isinstance(v, Int) else None for v in vals)


def _expanding(new: tuple) -> bool:
    """reshape(-1, 1), reshape(n, 1): a deliberate column."""
    return len(new) >= 2 and new[-1] is not None and new[-1].value == 1


def np_reshape(a: Args) -> Value:
    v = a.get(1, "newshape")
    if v is None:
        v = a.get(1, "shape")
    if v is None:
        return _arr(None)
    new = _reshape_dims([v])
    if new is None:
        return _arr(None)
    return _arr(ops.reshape(shape_of(a.get(0, "a")), new), _expanding(new))


def method_reshape(a: Args) -> Value:
    if a.star or not (a.args or "shape" in a.kwargs):
        return _arr(None)
    new = _reshape_dims(a.args or [a.kwargs["shape"]])
    if new is None:
        return _arr(None)
    return _arr(ops.reshape(shape_of(a.get(None, "self")), new), _expanding(new))


def ravel(self_arg: bool) -> Handler:
    def h(a: Args) -> Value:
        return _arr(ops.ravel(shape_of(a.get(None if self_arg else 0, "self" if self_arg else "a"))))
    return h


def squeeze(self_arg: bool) -> Handler:
    def h(a: Args) -> Value:
        axis = _axis_arg(a, 0 if self_arg else 1)
        if axis is MISSING:
            return _arr(None)
        return _arr(ops.squeeze(shape_of(a.get(None if self_arg else 0, "self" if self_arg else "a")), axis))
    return h


def expand_dims(a: Args) -> Value:
    axis = _axis_arg(a, 1)
    if axis is MISSING or axis is None:
        return _arr(None)
    return _arr(ops.expand_dims(shape_of(a.get(0, "a")), axis), expanded=True)


PLAIN_KWARGS = {"out", "dtype", "casting", "order", "subok"}  # keywords that leave shapes as they are


def product(op, keywords: frozenset = frozenset(PLAIN_KWARGS), unknown_left: bool = False) -> Handler:
    """``op(a, b)``; another keyword than ``keywords`` (matmul's ``axes``...) makes another
    contraction, of unknown shape.  ``unknown_left``: a first operand of unknown shape is an
    array of any rank (as ``x @ W`` takes it), whose product with a known matrix ends with
    the matrix's last axis."""
    def h(a: Args) -> Value:
        if a.star or a.kwargs.keys() - keywords - {"a", "b"}:
            return _arr(None)  # matmul(..., axes=...) and friends: another contraction
        left, right = a.shape(0, "a"), a.shape(1, "b")
        if unknown_left and left is None and right is not None:
            left = ANY_RANK
        return _arr(op(left, right, distinct=a.distinct))
    return h


def method_dot(a: Args) -> Value:
    return _arr(ops.dot(shape_of(a.get(None, "self")), a.shape(0, "b"), distinct=a.distinct))


def outer(a: Args) -> Value:
    return _arr(ops.outer(a.shape(0, "a"), a.shape(1, "b")))


def vdot(a: Args) -> Value:
    x, y = a.shape(0, "a"), a.shape(1, "b")
    ops.inner(ops.ravel(x), ops.ravel(y), distinct=a.distinct)
    return _arr(SCALAR)


def eye(a: Args) -> Value:
    n = a.get(0, "N")
    m = a.get(1, "M")
    nd = n.dim if isinstance(n, Int) else None
    md = nd if m is None or isinstance(m, NoneVal) else (m.dim if isinstance(m, Int) else None)
    return _arr(Shape((nd, md)))


def identity(a: Args) -> Value:
    n = a.get(0, "n")
    nd = n.dim if isinstance(n, Int) else None
    return _arr(Shape((nd, nd)))


def arange(a: Args) -> Value:
    if a.star or a.kwargs.keys() - {"dtype", "start", "stop", "step"}:
        return _arr(None)
    vals = [a.get(0, "start"), a.get(1, "stop"), a.get(2, "step")]
    vals = [v for v in vals if v is not None]
    numbers = [v.value if isinstance(v, Scalar) else (v.dim.value if isinstance(v, Int) and v.dim else None)
               for v in vals]
    if any(isinstance(v, Scalar) for v in vals):
        if any(x is None for x in numbers):
            return _arr(Shape((None,)))
        start, stop, step = ([0.0] + numbers + [1.0])[-3:] if len(numbers) == 1 else (numbers + [1.0])[:3]
        if not step:
            return _arr(None)
        return _arr(Shape.of(max(0, math.ceil(q))) if math.isfinite(q := (stop - start) / step) else Shape((None,)))
    if any(not isinstance(v, Int) or v.dim is None for v in vals):
        return _arr(Shape((None,)))
    dims = [v.dim for v in vals]  # type: ignore[union-attr]
    if len(dims) == 1:
        start, stop, step = Dim.lit(0), dims[0], ONE
    elif len(dims) == 2:
        start, stop, step = dims[0], dims[1], ONE
    else:
        start, stop, step = dims
    if all(d.value is not None for d in (start, stop, step)) and step.value:
        return _arr(Shape.of(max(0, -((start.value - stop.value) // step.value))))  # len(range()) overflows past 2**63
    if step.value == 1 and start.value == 0:
        return _arr(Shape((stop,)))
    return _arr(Shape((None,)))


def spaced(axis_pos: int, base_pos: Optional[int] = None, retstep_pos: Optional[int] = None) -> Handler:
    """np.linspace / logspace / geomspace(start, stop, num=50, ..., axis=0): ``num`` samples
    inserted at ``axis`` into the broadcast shape of start and stop (and logspace's base); an
    array start gives a 2-D result (scikit-image's line_nd).  linspace's retstep=True gives
    (samples, step)."""
    def h(a: Args) -> Value:
        if a.star:
            return UNKNOWN
        retstep = _bool_arg(a, retstep_pos, "retstep") if retstep_pos is not None else False
        if retstep is MISSING:
            return UNKNOWN
        ends = [a.get(0, "start"), a.get(1, "stop")] + ([a.get(base_pos, "base")] if base_pos is not None else [])
        shapes = [_array_like_shape(v) for v in ends if v is not None]
        num = a.get(2, "num")
        axis = a.get(axis_pos, "axis")
        ax = 0 if axis is None else int_of(axis)
        size = Dim.lit(50) if num is None else (num.dim if isinstance(num, Int) else None)
        shape = None
        if len(shapes) >= 2 and all(s is not None and s.fixed for s in shapes) and ax is not None:
            try:
                dims = list(ops.broadcast(*shapes).dims)
            except BroadcastError as exc:
                exc.positions = (0, 1, base_pos)  # not num: the message names what disagrees
                raise
            if -len(dims) - 1 <= ax <= len(dims):
                dims.insert(ax if ax >= 0 else len(dims) + 1 + ax, size)
                shape = Shape(tuple(dims))
        return Tup((_arr(shape), Scalar()), False) if retstep else _arr(shape)
    return h


def _array_like_shape(v: Optional[Value]) -> MaybeShape:
    """The shape of an array-like argument: an array's, a number's (), a literal list's."""
    if isinstance(v, Tup):
        dims = _nested(v)
        return Shape(dims) if dims is not None else None
    return shape_of(v)


def _nested(v: Value) -> Optional[tuple]:
    """Shape of a nested literal list, or None when ragged or not literal."""
    if isinstance(v, Tup):
        subs = [_nested(it) for it in v.items]
        if any(s is None for s in subs) or len(set(subs)) > 1:
            return None
        return (Dim.lit(len(v.items)),) + (subs[0] if subs else ())
    if isinstance(v, Array):
        return None if v.shape is None or not v.shape.fixed else v.shape.dims
    if isinstance(v, (Int, Scalar)):
        return ()
    return None


def _plain_dtype(d: Value) -> bool:
    """A dtype whose items are single numbers, not records: a type, or a plain type's name."""
    if isinstance(d, Obj) and d.kind.startswith("str:"):
        return not any(c in d.kind[4:] for c in ",([{:")
    return isinstance(d, Obj) and d.kind.startswith(("qual:", "builtin:"))


def _has_tuple(v: Value) -> bool:
    return isinstance(v, Tup) and (not v.is_list or any(_has_tuple(x) for x in v.items))


def np_array(a: Args) -> Value:
    v = a.get(0, "object")
    if a.has(None, "ndmin"):
        return _arr(None)
    if v is None:
        return _arr(None)
    dtype = a.get(1, "dtype")
    if dtype is not None and not _plain_dtype(dtype) and _has_tuple(v):
        return _arr(None)  # np.array([(0, 1), (3, 2)], dtype="i4,i8"): the tuples may be records
    dims = _nested(v)
    # a literal column [[3], [11]] is written as a column on purpose
    column = isinstance(v, Tup) and dims is not None and len(dims) >= 2 and dims[-1] == ONE
    return _arr(None if dims is None else Shape(tuple(dims)), expanded=column)


def default_rng(a: Args) -> Value:
    return Obj("generator")


def scalar(a: Args) -> Value:
    return Scalar()


def int_result(a: Args) -> Value:
    return Int(None)


def np_shape(a: Args) -> Value:
    s = a.shape(0, "a")
    if s is None or not s.fixed:
        return UNKNOWN
    return Tup(tuple(Int(d) for d in s.dims))


def np_ndim(a: Args) -> Value:
    s = a.shape(0, "a")
    return Int(Dim.lit(len(s.dims)) if s is not None and s.fixed else None)


def np_size(a: Args) -> Value:
    s = a.shape(0, "a")
    return Int(s.size() if s is not None else None)


def same_as(pos: Optional[int], name: str = "a") -> Handler:
    def h(a: Args) -> Value:
        return _arr(shape_of(a.get(pos, name)))
    return h


def clip(self_arg: bool) -> Handler:
    def h(a: Args) -> Value:
        if self_arg:
            return _arr(ops.broadcast(shape_of(a.get(None, "self")), *[shape_of(v) for v in a.args[:2]],
                                      distinct=a.distinct))
        return elementwise("a", "a_min", "a_max")(a)
    return h


# --- joining, einsum, linear algebra and friends ----------------------------------

def _str_of(v: Optional[Value]) -> Optional[str]:
    """A string argument's text, where the interpreter knows it (a literal)."""
    if isinstance(v, Obj) and v.kind.startswith("str:"):
        return v.kind[4:]
    for attr in ("value", "text"):
        text = getattr(v, attr, None)
        if isinstance(text, str):
            return text
    return None


def _int_arg(a: Args, pos: Optional[int], name: str, default: object = 0) -> object:
    """A literal int argument; ``default`` when absent, None for None, MISSING when not known."""
    v = a.get(pos, name)
    if v is None:
        return default
    if isinstance(v, NoneVal):
        return None
    i = int_of(v)
    return MISSING if i is None else i


def _flag(a: Args, pos: Optional[int], name: str, default: bool) -> object:
    v = a.get(pos, name)
    if v is None:
        return default
    return _bool_arg(a, pos, name)


def _shapes_of_seq(v: Optional[Value]) -> Optional[list]:
    """The shapes of a literal list/tuple of arrays; None when the sequence is not known."""
    return [shape_of(it) for it in v.items] if isinstance(v, Tup) else None


def concatenate(a: Args) -> Value:
    shapes = _shapes_of_seq(a.get(0, "arrays"))
    axis = _int_arg(a, 1, "axis")
    if a.star or shapes is None or axis is MISSING:
        return _arr(None)
    return _arr(ops.concatenate(shapes, axis, a.distinct))  # type: ignore[arg-type]


def append(a: Args) -> Value:
    """np.append(arr, values, axis=None): np.concatenate((arr, values), axis), both flattened
    when no axis is given."""
    axis = _int_arg(a, 2, "axis", default=None)
    if a.star or axis is MISSING or not a.has(0, "arr") or not a.has(1, "values"):
        return _arr(None)
    return _arr(ops.concatenate([a.shape(0, "arr"), a.shape(1, "values")], axis, a.distinct, func="append"))


def stack(a: Args) -> Value:
    shapes = _shapes_of_seq(a.get(0, "arrays"))
    axis = _int_arg(a, 1, "axis")
    if a.star or shapes is None or not isinstance(axis, int):
        return _arr(None)
    return _arr(ops.stack(shapes, axis, a.distinct))


def joiner(fn) -> Handler:
    """vstack / hstack / column_stack / dstack: one sequence of arrays."""
    def h(a: Args) -> Value:
        shapes = _shapes_of_seq(a.get(0, "tup"))
        if a.star or shapes is None:
            return _arr(None)
        return _arr(fn(shapes, distinct=a.distinct))
    return h


def einsum(a: Args, any_labels: bool = False) -> Value:
    """np.einsum(subscripts, *operands).  The interleaved form (operand, sublist, ...) is not read."""
    if a.star or not a.args:
        return _arr(None)
    first, operands = a.args[0], a.args[1:]
    sub = _str_of(first)
    if sub is None:
        if not isinstance(first, (Array, Int, Scalar, Tup)):
            # a string the interpreter does not evaluate: SL011 reads the literal from the source
            a.note("einsum-literal", shapes=tuple(shape_of(v) for v in operands), values=tuple(operands),
                   any_labels=any_labels)
        return _arr(None)
    return _arr(ops.einsum(sub, [shape_of(v) for v in operands], a.distinct, any_labels))


def jax_einsum(a: Args) -> Value:
    """jax.numpy.einsum: numpy's, but its subscripts go through opt_einsum, which takes any
    character as an index (flax writes '...kh1d')."""
    return einsum(a, any_labels=True)


def _linalg1(fn) -> Handler:
    """np.linalg functions of one stack of matrices: ``fn(shape, distinct)``."""
    def h(a: Args) -> Value:
        return _arr(fn(a.shape(0, "a"), a.distinct))
    return h


def _arrays(shapes) -> Tup:
    return Tup(tuple(_arr(s) for s in shapes))


def eig(func: str) -> Handler:
    def h(a: Args) -> Value:
        return _arrays(ops.eig(a.shape(0, "a"), a.distinct, func))
    return h


def slogdet(a: Args) -> Value:
    return _arrays(ops.slogdet(a.shape(0, "a"), a.distinct))


def svd(a: Args) -> Value:
    x = a.shape(0, "a")
    full = _flag(a, 1, "full_matrices", True)
    uv = _flag(a, 2, "compute_uv", True)
    herm = _flag(a, 3, "hermitian", False)
    if uv is MISSING:
        ops.svd(x, False, False, herm is True, a.distinct)  # the checks, whatever it returns
        return UNKNOWN
    if not uv:
        return _arr(ops.svd(x, True, False, herm is True, a.distinct))
    if full is MISSING:
        one = _arrays(ops.svd(x, True, True, herm is True, a.distinct))
        other = _arrays(ops.svd(x, False, True, herm is True, a.distinct))
        return join(one, other)  # the dims both choices agree on
    return _arrays(ops.svd(x, bool(full), True, herm is True, a.distinct))


def qr(a: Args) -> Value:
    x = a.shape(0, "a")
    v = a.get(1, "mode")
    mode = "reduced" if v is None else _str_of(v)
    if mode is None:
        return UNKNOWN  # an array or a pair, by a mode not known
    out = ops.qr(x, mode, a.distinct)
    return _arrays(out) if isinstance(out, tuple) else _arr(out)


def solve(a: Args) -> Value:
    return _arr(ops.solve(a.shape(0, "a"), a.shape(1, "b"), a.distinct))


def lstsq(a: Args) -> Value:
    x, residuals, _, sv = ops.lstsq(a.shape(0, "a"), a.shape(1, "b"), a.distinct)
    return Tup((_arr(x), _arr(residuals), Int(None), _arr(sv)))


def _ord_arg(v: Optional[Value]) -> object:
    if v is None or isinstance(v, NoneVal):
        return None
    if isinstance(v, Int):
        return v.dim.value if v.dim is not None and v.dim.value is not None else ops.ANY_ORD
    if isinstance(v, Scalar) and v.value is not None:
        return v.value
    text = _str_of(v)
    return text if text is not None else ops.ANY_ORD


def norm(a: Args) -> Value:
    axis = _axis_arg(a, 2)
    keep = _bool_arg(a, 3, "keepdims")
    if a.star or axis is MISSING or keep is MISSING:
        return _arr(None)
    x = a.shape(0, "x")
    return _reduced(x, axis, bool(keep), ops.norm(x, _ord_arg(a.get(1, "ord")), axis, bool(keep)))


def _axes_pair(v: Optional[Value]) -> object:
    """tensordot's axes: an int, or a pair of ints / sequences of ints; MISSING when not known."""
    if v is None:
        return 2
    if isinstance(v, Int):
        return MISSING if int_of(v) is None else int_of(v)
    if isinstance(v, Tup) and len(v.items) == 2:
        out = []
        for it in v.items:
            if isinstance(it, Int) and int_of(it) is not None:
                out.append(int_of(it))
            elif isinstance(it, Tup) and all(int_of(x) is not None for x in it.items):
                out.append(tuple(int_of(x) for x in it.items))
            else:
                return MISSING
        return tuple(out)
    return MISSING


def tensordot(a: Args) -> Value:
    axes = _axes_pair(a.get(2, "axes"))
    if a.star or axes is MISSING:
        return _arr(None)
    return _arr(ops.tensordot(a.shape(0, "a"), a.shape(1, "b"), axes, a.distinct))


def kron(a: Args) -> Value:
    return _arr(ops.kron(a.shape(0, "a"), a.shape(1, "b")))


def diagonal_like(fn, self_arg: bool = False) -> Handler:
    """trace / diagonal, function or method: (a, offset=0, axis1=0, axis2=1)."""
    def h(a: Args) -> Value:
        x = a.shape(None if self_arg else 0, "self" if self_arg else "a")
        off = 0 if self_arg else 1
        offset = _int_arg(a, off, "offset")
        ax1, ax2 = _int_arg(a, off + 1, "axis1"), _int_arg(a, off + 2, "axis2", 1)
        if a.star or not isinstance(ax1, int) or not isinstance(ax2, int):
            return _arr(None)
        if fn is ops.trace:
            return _arr(ops.trace(x, 0, ax1, ax2))
        return _arr(ops.diagonal(x, offset if isinstance(offset, int) else None, ax1, ax2, a.distinct))
    return h


def diag(a: Args) -> Value:
    k = _int_arg(a, 1, "k")
    return _arr(ops.diag(a.shape(0, "v"), k if isinstance(k, int) else None, a.distinct))


def tri_part(a: Args) -> Value:
    return _arr(ops.tri_part(a.shape(0, "m")))


def tile(a: Args) -> Value:
    reps = dims_of(a.get(1, "reps"))
    if reps is None:
        return _arr(None)
    return _arr(ops.tile(a.shape(0, "A"), reps))


def _counts(v: Optional[Value]) -> object:
    """repeat's counts: a dim, a tuple of dims, or None (not known)."""
    if isinstance(v, Int):
        return v.dim
    if isinstance(v, Tup) and all(isinstance(it, Int) for it in v.items):
        return tuple(it.dim for it in v.items)  # type: ignore[union-attr]
    return None


def repeat(self_arg: bool = False) -> Handler:
    def h(a: Args) -> Value:
        off = 0 if self_arg else 1
        axis = _int_arg(a, off + 1, "axis", None)
        if a.star or axis is MISSING:
            return _arr(None)
        x = a.shape(None if self_arg else 0, "self" if self_arg else "a")
        return _arr(ops.repeat(x, _counts(a.get(off, "repeats")), axis))  # type: ignore[arg-type]
    return h


def _widths(v: Optional[Value]) -> object:
    if isinstance(v, Int):
        return v.dim
    if isinstance(v, Tup):
        return tuple(_widths(it) for it in v.items)
    return None


def pad(a: Args) -> Value:
    v = a.get(1, "pad_width")
    if a.star or not isinstance(v, (Int, Tup)):
        return _arr(None)
    return _arr(ops.pad(a.shape(0, "array"), _widths(v)))


def take(self_arg: bool = False) -> Handler:
    def h(a: Args) -> Value:
        off = 0 if self_arg else 1
        axis = _int_arg(a, off + 1, "axis", None)
        v = a.get(off, "indices")
        if a.star or axis is MISSING or v is None:
            return _arr(None)
        if isinstance(v, Tup):
            dims = _nested(v)
            indices = Shape(tuple(dims)) if dims is not None else None
        else:
            indices = shape_of(v)
        # mode="wrap" / "clip" take any index: only numpy's default mode checks bounds
        index = int_of(v) if isinstance(v, Int) and not a.has(None, "mode") else None
        x = a.shape(None if self_arg else 0, "self" if self_arg else "a")
        return _arr(ops.take(x, indices, axis, index))  # type: ignore[arg-type]
    return h


def flip(a: Args) -> Value:
    axis = _axis_arg(a, 1)
    if axis is MISSING:
        return _arr(None)
    return _arr(ops.flip(a.shape(0, "m"), axis))


def roll(a: Args) -> Value:
    axis = _axis_arg(a, 2)
    shift = a.get(1, "shift")
    if axis is MISSING:
        return _arr(None)
    shifts = len(shift.items) if isinstance(shift, Tup) else None
    return _arr(ops.roll(a.shape(0, "a"), shifts, axis))


def atleast(n: int) -> Handler:
    def h(a: Args) -> Value:
        if a.star or a.kwargs.keys() - {"self"}:
            return UNKNOWN
        out = [_arr(ops.atleast_nd(shape_of(v), n)) for v in a.args]
        return out[0] if len(out) == 1 else Tup(tuple(out))
    return h


def broadcast_to(a: Args) -> Value:
    target = _shape_arg(a.get(1, "shape"))
    return _arr(ops.broadcast_to(a.shape(0, "array"), target, a.distinct))


def cross(a: Args) -> Value:
    if a.star or a.kwargs.keys() & {"axisa", "axisb", "axisc", "axis"} or len(a.args) > 2:
        return _arr(None)
    return _arr(ops.cross(a.shape(0, "a"), a.shape(1, "b"), a.distinct))


# --- sorting, differences, quantiles, index finding, grids, FFT ---------------------------

def sorting(func: str, self_arg: bool = False) -> Handler:
    """np.sort / np.argsort(a, axis=-1) and the argsort method; axis=None flattens."""
    def h(a: Args) -> Value:
        pos = 0 if self_arg else 1
        axis = _int_arg(a, pos, "axis", -1)  # None: the flattened array
        if a.star or axis is MISSING:
            return _arr(None)
        return _arr(more_ops.sort(a.shape(None, "self") if self_arg else a.shape(0, "a"), axis, func))  # type: ignore[arg-type]
    return h


def diff(a: Args) -> Value:
    """np.diff(a, n=1, axis=-1); with prepend/append the length is not followed."""
    if a.star or a.has(None, "prepend") or a.has(None, "append") or a.has(3, None):
        return _arr(None)
    n_value = a.get(1, "n")
    n = 1 if n_value is None else int_of(n_value)
    axis = _int_arg(a, 2, "axis", -1)
    if not isinstance(axis, int):
        return _arr(None)
    return _arr(more_ops.diff(a.shape(0, "a"), n, axis))  # type: ignore[arg-type]


def quantile(a: Args) -> Value:
    """np.percentile / quantile and their nan* forms (a, q, axis=None, ..., keepdims=False)."""
    axis = _axis_arg(a, 2)
    keep = _bool_arg(a, None, "keepdims")
    if a.star or axis is MISSING or keep is MISSING:
        return _arr(None)
    return _arr(more_ops.quantile(a.shape(0, "a"), _array_like_shape(a.get(1, "q")), axis, keep))  # type: ignore[arg-type]


def nonzero(self_arg: bool = False) -> Handler:
    """np.nonzero(a), a.nonzero(), np.where(condition): one index array per axis."""
    def h(a: Args) -> Value:
        if a.star or (len(a.args) + len(a.kwargs)) != 1:
            return UNKNOWN
        out = more_ops.nonzero(a.shape(None, "self") if self_arg else a.shape(0, "a"))
        return UNKNOWN if out is None else Tup(tuple(_arr(s) for s in out))
    return h


def meshgrid(a: Args) -> Value:
    """np.meshgrid(*xi, indexing="xy"): a tuple of arrays, one per input (not sparse ones)."""
    if a.star or a.kwargs.keys() - {"indexing", "copy"}:
        return UNKNOWN
    indexing = a.get(None, "indexing")
    mode = "xy" if indexing is None else indexing.kind[4:] if isinstance(indexing, Obj) and \
        indexing.kind in ("str:xy", "str:ij") else None
    if mode is None:
        return UNKNOWN
    return Tup(tuple(_arr(s) for s in more_ops.meshgrid([_array_like_shape(v) for v in a.args], mode)))


def choice(a: Args) -> Value:
    """np.random.choice(a, size=None, ...) and Generator.choice for an int or 1-D a: the
    shape asked for, or one sample."""
    if a.star:
        return UNKNOWN
    population = a.get(0, "a")
    if isinstance(population, Int):
        count, rank = population.dim, 0
    else:
        shape = _array_like_shape(population)
        if shape is None or not shape.fixed:
            return _arr(None)
        count, rank = (shape.dims[0] if len(shape.dims) == 1 else None), len(shape.dims)
    if rank > 1 and a.has(None, "axis"):
        return _arr(None)  # Generator.choice picks along an axis of an n-d array
    size = a.get(1, "size")
    asked = SCALAR if size is None or isinstance(size, NoneVal) else _shape_arg(size)
    return _arr(more_ops.choice(count, rank, asked))


def take_along_axis(a: Args) -> Value:
    """np.take_along_axis(arr, indices, axis=-1) (numpy before 2.3 needs the axis)."""
    axis = _axis_arg(a, 2) if a.has(2, "axis") else -1
    if axis is MISSING or isinstance(axis, tuple):
        return _arr(None)
    return _arr(more_ops.take_along_axis(a.shape(0, "arr"), a.shape(1, "indices"), axis, a.distinct))


def interp(a: Args) -> Value:
    return _arr(split_and_stats.interp(_array_like_shape(a.get(0, "x")), _array_like_shape(a.get(1, "xp")),
                                       _array_like_shape(a.get(2, "fp")), a.distinct))


def multivariate_normal(a: Args) -> Value:
    """np.random.multivariate_normal and Generator.multivariate_normal(mean, cov, size)."""
    size = a.get(2, "size")
    asked = SCALAR if size is None or isinstance(size, NoneVal) else _shape_arg(size)
    return _arr(split_and_stats.multivariate_normal(_array_like_shape(a.get(0, "mean")),
                                                    _array_like_shape(a.get(1, "cov")), asked, a.distinct))


def polyfit(a: Args) -> Value:
    """np.polyfit(x, y, deg, rcond, full, w, cov): the coefficients, when neither full nor cov."""
    deg = int_of(a.get(2, "deg"))
    w = a.get(5, "w")
    plain = all(_bool_arg(a, pos, name) is False for pos, name in ((4, "full"), (6, "cov")))
    return _arr(split_and_stats.polyfit(_array_like_shape(a.get(0, "x")), _array_like_shape(a.get(1, "y")), deg,
                                        None if w is None or isinstance(w, NoneVal) else _array_like_shape(w),
                                        plain, a.distinct))


def fft(kind: str) -> Handler:
    """np.fft.fft / ifft ("c"), rfft ("r"), irfft ("ir")(a, n=None, axis=-1)."""
    def h(a: Args) -> Value:
        n_value = a.get(1, "n")
        n = None if n_value is None or isinstance(n_value, NoneVal) else (
            n_value.dim if isinstance(n_value, Int) else MISSING)
        axis = _int_arg(a, 2, "axis", -1)
        if a.star or n is MISSING or not isinstance(axis, int):
            return _arr(None)
        return _arr(more_ops.fft(a.shape(0, "a"), n, axis, kind))  # type: ignore[arg-type]
    return h


def fft_same(default_axes, transform: bool) -> Handler:
    """np.fft.fft2 / fftn and their inverses without ``s``; fftshift / ifftshift."""
    def h(a: Args) -> Value:
        if a.star or (transform and (a.has(1, "s"))):
            return _arr(None)
        axes = _axis_arg(a, 2 if transform else 1, "axes") if a.has(2 if transform else 1, "axes") else default_axes
        if axes is MISSING:
            return _arr(None)
        return _arr(more_ops.fft_same(a.shape(0, "a" if transform else "x"), axes, transform))
    return h


def frequencies(half: bool) -> Handler:
    def h(a: Args) -> Value:
        n = a.get(0, "n")
        return _arr(more_ops.frequencies(n.dim if isinstance(n, Int) else None, half))
    return h


# --- splitting, covariance, convolution, searching, histograms, index arrays -----------------

def _literal_indices(v: Optional[Value]) -> object:
    """A literal int index, or a literal list of them (not a mask); MISSING otherwise."""
    if isinstance(v, Int) and not isinstance(v, Bool):
        return int_of(v) if int_of(v) is not None else MISSING
    if isinstance(v, Tup) and all(isinstance(it, Int) and not isinstance(it, Bool) for it in v.items):
        vals = [int_of(it) for it in v.items]
        return MISSING if any(x is None for x in vals) else tuple(vals)
    return MISSING


def splitting(equal: bool = True, direction: Optional[str] = None) -> Handler:
    """np.split / array_split(ary, indices_or_sections, axis=0), np.hsplit / vsplit / dsplit:
    a list of the pieces; their number is known from a literal count even when ary is not."""
    def h(a: Args) -> Value:
        sections = _literal_indices(a.get(1, "indices_or_sections"))
        axis = 0 if direction else _int_arg(a, 2, "axis", 0)
        if a.star or sections is MISSING or not isinstance(axis, int):
            return UNKNOWN
        x = a.shape(0, "ary")
        if x is None or not x.fixed:
            count = sections if isinstance(sections, int) else len(sections) + 1
            return Tup(tuple(_arr(None) for _ in range(count)), True) if count > 0 else UNKNOWN
        pieces = split_and_stats.directional_split(x, sections, direction) if direction else \
            split_and_stats.split(x, sections, axis, equal)
        return UNKNOWN if pieces is None else Tup(tuple(_arr(p) for p in pieces), True)
    return h


def covariance(first: str) -> Handler:
    """np.cov(m, y=None, rowvar=True, ...) and np.corrcoef(x, y=None, rowvar=True, ...)."""
    def h(a: Args) -> Value:
        rowvar = _flag(a, 2, "rowvar", True)
        y = a.get(1, "y")
        with_y = y is not None and not isinstance(y, NoneVal)
        if a.star or rowvar is MISSING:
            return _arr(None)
        m = _array_like_shape(a.get(0, first))
        return _arr(split_and_stats.cov(m, _array_like_shape(y) if with_y else None, bool(rowvar), with_y,
                                        a.distinct))
    return h


def convolution(default_mode: str) -> Handler:
    """np.convolve(a, v, mode="full") and np.correlate(a, v, mode="valid") of 1-D arrays."""
    def h(a: Args) -> Value:
        mode = a.get(2, "mode")
        name = default_mode if mode is None else mode.kind[4:] if isinstance(mode, Obj) and \
            mode.kind in ("str:full", "str:same", "str:valid") else None
        if a.star or name is None:
            return _arr(None)
        return _arr(split_and_stats.convolve(_array_like_shape(a.get(0, "a")), _array_like_shape(a.get(1, "v")),
                                             name, "convolve" if default_mode == "full" else "correlate"))
    return h


def searchsorted(a: Args) -> Value:
    """np.searchsorted(a, v, side, sorter): an index per element of v."""
    return _arr(split_and_stats.searchsorted(a.shape(0, "a"), _array_like_shape(a.get(1, "v"))))


def histogram(a: Args) -> Value:
    """np.histogram(a, bins=10, ...): (counts, edges); bins an int, or the edges themselves."""
    if a.star:
        return UNKNOWN
    bins = a.get(1, "bins")
    if bins is None:
        count: Optional[Dim] = Dim.lit(10)
    elif isinstance(bins, Int) and not isinstance(bins, Bool):
        count = bins.dim
    else:
        edges = _array_like_shape(bins)
        if edges is None or not edges.fixed or len(edges.dims) != 1 or edges.dims[0] is None:
            return Tup((_arr(Shape((None,))), _arr(Shape((None,)))))  # a rule's name ("auto"): sizes unknown
        count = edges.dims[0] - 1
    return Tup(tuple(_arr(s) for s in split_and_stats.histogram(count)))


def sorted_like(func: str, axis_pos: int) -> Handler:
    """np.partition / argpartition(a, kth, axis=-1): the shape of a (flattened for axis=None)."""
    def h(a: Args) -> Value:
        axis = _int_arg(a, axis_pos, "axis", -1)  # None: the flattened array
        x = a.shape(0, "a")
        if a.star or axis is MISSING or (x is not None and x.fixed and not x.dims):
            return _arr(None)
        return _arr(more_ops.sort(x, axis, func))  # type: ignore[arg-type]
    return h


def allclose(a: Args) -> Value:
    """np.allclose(a, b): one bool; the operands must broadcast (np.array_equal never refuses)."""
    elementwise("a", "b")(a)
    return Scalar()


def index_grid(a: Args) -> Value:
    """np.indices(dimensions): a grid of the dimensions per dimension (not the sparse form)."""
    if a.star or a.has(2, "sparse"):
        return _arr(None)
    return _arr(split_and_stats.indices(_shape_arg(a.get(0, "dimensions"))))


def unravel_index(a: Args) -> Value:
    """np.unravel_index(indices, shape): a tuple of index arrays, one per dimension."""
    out = split_and_stats.unravel_index(_array_like_shape(a.get(0, "indices")), _shape_arg(a.get(1, "shape")))
    return UNKNOWN if a.star or out is None else Tup(tuple(_arr(s) for s in out))


def diag_indices(a: Args) -> Value:
    """np.diag_indices(n, ndim=2): ndim arrays of n indices."""
    n, ndim = a.get(0, "n"), _int_arg(a, 1, "ndim", 2)
    if a.star or not isinstance(n, Int) or not isinstance(ndim, int) or ndim < 0:
        return UNKNOWN
    return Tup(tuple(_arr(Shape((n.dim,))) for _ in range(ndim)))


def triangle_indices(a: Args) -> Value:
    """np.triu_indices / tril_indices(n, k=0, m=None): row and column indices."""
    return UNKNOWN if a.star else Tup((_arr(Shape((None,))), _arr(Shape((None,)))))


def multi_dot(a: Args) -> Value:
    """np.linalg.multi_dot(arrays): the product of the chain."""
    arrays = a.get(0, "arrays")
    if a.star or not isinstance(arrays, Tup):
        return _arr(None)
    return _arr(split_and_stats.multi_dot([shape_of(v) for v in arrays.items], a.distinct))


def rot90(a: Args) -> Value:
    """np.rot90(m, k=1) in the plane of the first two axes: an odd k swaps them."""
    k = _int_arg(a, 1, "k", 1)
    x = a.shape(0, "m")
    if a.star or a.has(2, "axes") or not isinstance(k, int) or x is None or not x.fixed:
        return _arr(None)
    if len(x.dims) < 2:
        return _arr(None)  # numpy refuses: "Axes must be different"
    return _arr(x if k % 2 == 0 else ops.swapaxes(x, 0, 1))


def insert_or_delete(func: str) -> Handler:
    """np.insert(arr, obj, values, axis=None) with a number for values, np.delete(arr, obj,
    axis=None): obj a literal index or list of them."""
    def h(a: Args) -> Value:
        index = _literal_indices(a.get(1, "obj"))
        axis = _int_arg(a, 3 if func == "insert" else 2, "axis", None)
        values = a.get(2, "values")
        if a.star or index is MISSING or axis is MISSING or (
                func == "insert" and not isinstance(values, (Int, Scalar))):
            return _arr(None)
        op = more_ops.insert if func == "insert" else more_ops.delete
        return _arr(op(a.shape(0, "arr"), index, axis))  # type: ignore[arg-type]
    return h


# --- the table ----------------------------------------------------------------

UNARY = """exp exp2 expm1 log log2 log10 log1p sqrt cbrt square abs absolute fabs sign negative positive
reciprocal floor ceil trunc rint round around fix sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh
arccosh arctanh degrees radians deg2rad rad2deg isnan isinf isfinite isneginf isposinf signbit logical_not
real imag conj conjugate angle nan_to_num invert bitwise_not sinc i0 spacing
acos asin atan acosh asinh atanh bitwise_invert""".split()  # the last line: numpy 2's array API names
BINARY = """add subtract multiply divide true_divide floor_divide power float_power mod remainder fmod
maximum minimum fmax fmin arctan2 hypot logaddexp logaddexp2 logical_and logical_or logical_xor
equal not_equal less less_equal greater greater_equal bitwise_and bitwise_or bitwise_xor left_shift
right_shift heaviside copysign nextafter ldexp gcd lcm
atan2 pow bitwise_left_shift bitwise_right_shift""".split()
REDUCTIONS = """sum mean max min amax amin prod product std var any all nansum nanmean nanmax nanmin nanprod
nanstd nanvar median nanmedian ptp count_nonzero""".split()
ARG_REDUCTIONS = "argmax argmin nanargmax nanargmin".split()

# constructors whose first argument gives the result's shape: X.shape, or X itself for *_like
SHAPED_BY_FIRST_ARGUMENT = frozenset({"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                                      "full_like"})

FUNCTIONS: dict[str, Handler] = {
    # constructors
    "zeros": constructor(), "ones": constructor(), "empty": constructor(), "full": constructor(),
    "eye": eye, "identity": identity, "arange": arange, "linspace": spaced(6, retstep_pos=4),
    "logspace": spaced(6, base_pos=4), "geomspace": spaced(5),
    "zeros_like": like(1), "ones_like": like(2), "empty_like": like(3), "full_like": like(4),
    "copy": like(), "asarray": np_array, "array": np_array, "ascontiguousarray": like(),
    "asfortranarray": like(), "asanyarray": np_array,
    "random.randn": dims_varargs, "random.rand": dims_varargs,
    "random.standard_normal": sized(0), "random.random": sized(0), "random.random_sample": sized(0),
    "random.ranf": sized(0), "random.sample": sized(0),
    "random.normal": sized(2), "random.uniform": sized(2), "random.randint": sized(2),
    "random.binomial": sized(2), "random.beta": sized(2), "random.gamma": sized(2),
    "random.poisson": sized(1), "random.exponential": sized(1), "random.laplace": sized(2),
    "random.standard_t": sized(1), "random.logistic": sized(2),
    "finfo": lambda a: Obj("finfo"), "iinfo": lambda a: Obj("finfo"),
    "random.default_rng": default_rng, "random.permutation": lambda a: _arr(
        Shape((a.get(0, "x").dim,)) if isinstance(a.get(0, "x"), Int) else shape_of(a.get(0, "x"))),
    # products
    "matmul": product(ops.matmul, unknown_left=True), "dot": product(ops.dot, unknown_left=True),
    "inner": product(ops.inner),
    "outer": outer, "vdot": vdot,
    # axes and layout
    "transpose": np_transpose, "swapaxes": swapaxes(False), "moveaxis": moveaxis,
    "reshape": np_reshape, "ravel": ravel(False), "squeeze": squeeze(False), "expand_dims": expand_dims,
    "where": where, "clip": clip(False),
    "cumsum": cumulative(), "cumprod": cumulative(), "nancumsum": cumulative(), "nancumprod": cumulative(),
    # introspection
    "shape": np_shape, "ndim": np_ndim, "size": np_size,
    "isscalar": int_result,
}
FUNCTIONS.update({name: elementwise("x") for name in UNARY})
FUNCTIONS.update({name: elementwise("x1", "x2") for name in BINARY})
FUNCTIONS.update({name: reduction() for name in REDUCTIONS})
FUNCTIONS.update({"prod": reduction(fold=lambda x, y: x * y), "product": reduction(fold=lambda x, y: x * y),
                  "sum": reduction(fold=lambda x, y: x + y)})
FUNCTIONS.update({name: reduction(tuple_ok=False) for name in ARG_REDUCTIONS})
FUNCTIONS["average"] = average
FUNCTIONS.update({
    # joining
    "concatenate": concatenate, "append": append, "stack": stack, "vstack": joiner(ops.vstack),
    "row_stack": joiner(lambda shapes, distinct: ops.vstack(shapes, distinct, "row_stack")),
    "hstack": joiner(ops.hstack), "column_stack": joiner(ops.column_stack), "dstack": joiner(ops.dstack),
    "einsum": einsum,
    # linear algebra
    "linalg.inv": _linalg1(lambda s, d: ops.inv(s, d, "inv")),
    "linalg.pinv": _linalg1(lambda s, d: ops.pinv(s)),
    "linalg.det": _linalg1(ops.det), "linalg.slogdet": slogdet,
    "linalg.eig": eig("eig"), "linalg.eigh": eig("eigh"),
    "linalg.eigvals": _linalg1(lambda s, d: ops.eigvals(s, d, "eigvals")),
    "linalg.eigvalsh": _linalg1(lambda s, d: ops.eigvals(s, d, "eigvalsh")),
    "linalg.cholesky": _linalg1(lambda s, d: ops.inv(s, d, "cholesky")),
    "linalg.matrix_power": _linalg1(lambda s, d: ops.inv(s, d, "matrix_power")),
    "linalg.svd": svd, "linalg.qr": qr, "linalg.solve": solve, "linalg.lstsq": lstsq, "linalg.norm": norm,
    # more products, diagonals, repetition
    "tensordot": tensordot, "kron": kron, "cross": cross,
    "trace": diagonal_like(ops.trace), "diagonal": diagonal_like(ops.diagonal), "diag": diag,
    "triu": tri_part, "tril": tri_part,
    "tile": tile, "repeat": repeat(), "pad": pad, "take": take(), "flip": flip, "roll": roll,
    "atleast_1d": atleast(1), "atleast_2d": atleast(2), "atleast_3d": atleast(3), "broadcast_to": broadcast_to,
    # sorting, differences, quantiles, index finding, grids
    "sort": sorting("sort"), "argsort": sorting("argsort"), "diff": diff,
    "percentile": quantile, "quantile": quantile, "nanpercentile": quantile, "nanquantile": quantile,
    "nonzero": nonzero(), "argwhere": lambda a: _arr(more_ops.argwhere(a.shape(0, "a"))),
    "flatnonzero": lambda a: _arr(Shape((None,))) if a.shape(0, "a") is not None else _arr(None),
    "meshgrid": meshgrid, "random.choice": choice, "random.multivariate_normal": multivariate_normal,
    # FFT
    "fft.fft": fft("c"), "fft.ifft": fft("c"), "fft.rfft": fft("r"), "fft.irfft": fft("ir"),
    "fft.fft2": fft_same((-2, -1), True), "fft.ifft2": fft_same((-2, -1), True),
    "fft.fftn": fft_same(None, True), "fft.ifftn": fft_same(None, True),
    "fft.fftshift": fft_same(None, False), "fft.ifftshift": fft_same(None, False),
    "fft.fftfreq": frequencies(False), "fft.rfftfreq": frequencies(True),
    # splitting, statistics, searching, index arrays, chained products
    "split": splitting(), "array_split": splitting(equal=False), "hsplit": splitting(direction="h"),
    "vsplit": splitting(direction="v"), "dsplit": splitting(direction="d"),
    "cov": covariance("m"), "corrcoef": covariance("x"),
    "convolve": convolution("full"), "correlate": convolution("valid"),
    "searchsorted": searchsorted, "interp": interp, "polyfit": polyfit, "take_along_axis": take_along_axis,
    "histogram": histogram, "partition": sorted_like("sort", 2), "argpartition": sorted_like("argsort", 2),
    "bincount": lambda a: _arr(Shape((None,))) if not a.star else _arr(None),
    "unique": lambda a: _arr(Shape((None,))) if len(a.args) == 1 and not a.kwargs else UNKNOWN,
    "isclose": elementwise("a", "b"), "allclose": allclose, "array_equal": scalar, "array_equiv": scalar,
    "isin": lambda a: _arr(_array_like_shape(a.get(0, "element"))),
    "indices": index_grid, "unravel_index": unravel_index, "diag_indices": diag_indices,
    "triu_indices": triangle_indices, "tril_indices": triangle_indices,
    "linalg.multi_dot": multi_dot, "rot90": rot90, "insert": insert_or_delete("insert"),
    "delete": insert_or_delete("delete"),
    "fliplr": lambda a: _arr(ops.flip(a.shape(0, "m"), 1)), "flipud": lambda a: _arr(ops.flip(a.shape(0, "m"), 0)),
})


# --- numpy 2's array API names (shapes/array_api.py): what scikit-learn's xp spells --------

# a gufunc's keywords that leave its result's shape alone (axes= and axis= choose other axes)
GUFUNC_PLAIN_KWARGS = frozenset({"out", "dtype", "casting", "order", "subok", "signature"})


def api_pair(fn, axis: bool = False) -> Handler:
    """``fn(x1, x2)`` (vecdot, matvec, vecmat, linalg.outer, linalg.cross); ``axis``: it takes
    ``axis=-1`` as a keyword.  Another keyword that picks axes (a gufunc's ``axes=``) is not
    followed."""
    def h(a: Args) -> Value:
        if a.star or len(a.args) > 2 or a.kwargs.keys() - GUFUNC_PLAIN_KWARGS - ({"axis"} if axis else set()):
            return _arr(None)
        x1, x2 = a.shape(0, "x1"), a.shape(1, "x2")
        if axis:
            k = _int_arg(a, None, "axis", -1)
            if not isinstance(k, int):
                return _arr(None)
            return _arr(fn(x1, x2, k, distinct=a.distinct))
        return _arr(fn(x1, x2) if fn is array_api.outer else fn(x1, x2, distinct=a.distinct))
    return h


def api_one(fn) -> Handler:
    """``fn(x)`` of one array (matrix_transpose, linalg.trace, linalg.matrix_rank)."""
    def h(a: Args) -> Value:
        return _arr(None) if a.star else _arr(fn(a.shape(0, "x")))
    return h


def api_matrix_norm(a: Args) -> Value:
    keep = _bool_arg(a, None, "keepdims")
    return _arr(None) if a.star or keep is MISSING else _arr(array_api.matrix_norm(a.shape(0, "x"), bool(keep)))


def api_vector_norm(a: Args) -> Value:
    axis, keep = _axis_arg(a, None), _bool_arg(a, None, "keepdims")
    if a.star or axis is MISSING or keep is MISSING:
        return _arr(None)
    x = a.shape(0, "x")
    return _reduced(x, axis, bool(keep), array_api.vector_norm(x, axis, bool(keep)))


def api_cond(a: Args) -> Value:
    p = _ord_arg(a.get(1, "p"))
    square = None if p is ops.ANY_ORD else p not in (None, 2, -2)
    return _arr(None) if a.star else _arr(array_api.cond(a.shape(0, "x"), square, a.distinct))


def api_diagonal(a: Args) -> Value:
    offset = _int_arg(a, None, "offset")
    if a.star or offset is MISSING:
        return _arr(None)
    return _arr(array_api.diagonal(a.shape(0, "x"), offset, a.distinct))  # type: ignore[arg-type]


def api_cumulative(func: str) -> Handler:
    def h(a: Args) -> Value:
        axis, initial = _int_arg(a, None, "axis", None), _bool_arg(a, None, "include_initial")
        if a.star or axis is MISSING or initial is MISSING:
            return _arr(None)
        return _arr(array_api.cumulative(a.shape(0, "x"), axis, bool(initial), func))  # type: ignore[arg-type]
    return h


def api_unstack(a: Args) -> Value:
    axis = _int_arg(a, None, "axis")
    if a.star or not isinstance(axis, int):
        return UNKNOWN
    parts = array_api.unstack(a.shape(0, "x"), axis)
    return UNKNOWN if parts is None else Tup(tuple(_arr(s) for s in parts))


ARRAY_API_NAMES: dict[str, Handler] = {
    "concat": lambda a: concatenate(a), "permute_dims": lambda a: np_transpose(a),
    "matrix_transpose": api_one(array_api.matrix_transpose),
    "vecdot": api_pair(array_api.vecdot, axis=True), "matvec": api_pair(array_api.matvec),
    "vecmat": api_pair(array_api.vecmat),
    "cumulative_sum": api_cumulative("cumulative_sum"), "cumulative_prod": api_cumulative("cumulative_prod"),
    "unstack": api_unstack,
    "linalg.matmul": product(ops.matmul), "linalg.tensordot": tensordot,
    "linalg.vecdot": api_pair(array_api.vecdot, axis=True), "linalg.outer": api_pair(array_api.outer),
    "linalg.cross": api_pair(array_api.cross, axis=True),
    "linalg.matrix_transpose": api_one(array_api.matrix_transpose),
    "linalg.vector_norm": api_vector_norm, "linalg.matrix_norm": api_matrix_norm,
    "linalg.matrix_rank": api_one(array_api.matrix_rank), "linalg.cond": api_cond,
    "linalg.svdvals": lambda a: _arr(None) if a.star else _arr(array_api.svdvals(a.shape(0, "x"), a.distinct)),
    "linalg.diagonal": api_diagonal, "linalg.trace": api_one(array_api.trace),
}

FUNCTIONS.update(ARRAY_API_NAMES)

GENERATOR_METHODS: dict[str, Handler] = {
    "normal": sized(2), "uniform": sized(2), "standard_normal": sized(0), "random": sized(0),
    "integers": sized(2), "exponential": sized(1), "binomial": sized(2), "poisson": sized(1),
    "beta": sized(2), "gamma": sized(2), "laplace": sized(2), "logistic": sized(2), "choice": choice,
    "multivariate_normal": multivariate_normal,
}

# methods a torch.Tensor has under numpy's names, with other shapes or errors: transpose(0, 1)
# swaps two axes, repeat(2, 1) tiles, flatten(1) keeps axis 0, max(1) is (values, indices), sum
# takes dim/keepdim, squeeze(1) of a size other than 1 does nothing, view(3, 4) reshapes.  In a
# module that imports torch an array may be a tensor: these give unknown there (no finding)
TORCH_DIFFERENT_METHODS = frozenset({
    "transpose", "repeat", "flatten", "view", "squeeze", "max", "min", "argmax", "argmin", "sort", "sum",
    "mean", "std", "var", "prod", "all", "any", "cumsum", "cumprod", "norm", "median",
})

METHODS: dict[str, Handler] = {
    "transpose": method_transpose, "swapaxes": swapaxes(True), "reshape": method_reshape,
    "ravel": ravel(True), "flatten": ravel(True), "squeeze": squeeze(True), "dot": method_dot,
    "copy": same_as(None, "self"), "astype": same_as(None, "self"), "clip": clip(True),
    "round": same_as(None, "self"), "conj": same_as(None, "self"), "conjugate": same_as(None, "self"),
    "cumsum": cumulative(True), "cumprod": cumulative(True),
    "item": scalar,
}
METHODS.update({name: reduction(self_arg=True) for name in REDUCTIONS if name not in ("median", "nanmedian")})
METHODS.update({name: reduction(tuple_ok=False, self_arg=True) for name in ("argmax", "argmin")})
METHODS.update({
    "repeat": repeat(True), "take": take(True), "diagonal": diagonal_like(ops.diagonal, True),
    "trace": diagonal_like(ops.trace, True),
    "argsort": sorting("argsort", True), "nonzero": nonzero(True),
})

ATTRIBUTES: dict[str, Handler] = {"T": attr_T, "mT": attr_mT, "real": same_as(None, "self"),
                                  "imag": same_as(None, "self")}

# names that resolve to a value rather than a call
CONSTANTS: dict[str, Value] = {
    "newaxis": Obj("newaxis"), "pi": Scalar(), "e": Scalar(), "inf": Scalar(), "nan": Scalar(),
    "euler_gamma": Scalar(), "NINF": Scalar(), "PINF": Scalar(),
}

# the namespace scikit-learn's get_namespace(X) gives (numpy, or another array library through
# array_api_compat): the array API standard, whose functions numpy 2 has with the same shapes;
# a name no import can spell, so that no module of the checked code is taken for it
ARRAY_API = "<array-api>"
# modules whose API is numpy's: their names resolve in the same table
NUMPY_MODULES = ("numpy", "jax.numpy", ARRAY_API)

def _is_literal(v: Optional[Value], text: str) -> bool:
    return isinstance(v, Obj) and v.kind == "str:" + text


def sklearn_validate_data(a: Args) -> Value:
    """``validate_data(self, X, y=None, ...)``: X as it came (check_array never reshapes: it
    returns an array of the input's shape or raises), or ``(X, y)`` when y is validated too (y
    may be raveled: unknown).  Whether y is validated must be known (a literal None, or an
    array), else nothing is."""
    if a.star:
        return UNKNOWN
    x, y = a.get(1, "X"), a.get(2, "y")
    no_x = x is None or _is_literal(x, "no_validation")
    no_y = y is None or isinstance(y, NoneVal) or _is_literal(y, "no_validation")
    if no_x:
        return UNKNOWN
    if no_y:
        return _arr(shape_of(x))
    if isinstance(y, (Array, Tup)):
        return Tup((_arr(shape_of(x)), UNKNOWN))
    return UNKNOWN


def sklearn_check_x_y(a: Args) -> Value:
    """``check_X_y(X, y, ...)``: X as it came, y maybe raveled."""
    return UNKNOWN if a.star else Tup((_arr(shape_of(a.get(0, "X"))), UNKNOWN))


def sklearn_safe_indexing(a: Args) -> Value:
    """``_safe_indexing(X, indices, *, axis=0)``: ``X[indices]`` (axis 0) or ``X[:, indices]``
    (axis 1) for an array X; scikit-learn refuses any other axis, and axis 1 of a 1-D array.
    An int index drops the axis; a 1-D index (integers or a mask) leaves it of unknown length."""
    if a.star:
        return UNKNOWN
    axis = _int_arg(a, None, "axis", 0)
    x = a.shape(0, "X")
    if not isinstance(axis, int) or x is None or not x.fixed:
        return UNKNOWN
    if axis >= len(x.dims) and axis >= 1:
        ops.normalize_axis(axis, len(x.dims), x)  # raises: the rank has no such axis
    if axis not in (0, 1):
        return UNKNOWN
    v = a.get(1, "indices")
    if isinstance(v, Int) and not isinstance(v, Bool):
        return _arr(Shape(x.dims[:axis] + x.dims[axis + 1:]))
    if isinstance(v, Tup) and v.is_list and v.items and all(isinstance(i, Int) for i in v.items):
        masks = [isinstance(i, Bool) for i in v.items]
        if any(masks) and not all(masks):
            return UNKNOWN
        n = None if all(masks) else Dim.lit(len(v.items))  # a mask: as many as are true
    else:
        index = shape_of(v) if isinstance(v, Array) else None
        if index is None or not index.fixed or len(index.dims) != 1:
            return UNKNOWN
        n = None
    return _arr(Shape(x.dims[:axis] + (n,) + x.dims[axis + 1:]))


def sklearn_get_namespace(a: Args) -> Value:
    """``xp, is_array_api = get_namespace(*arrays)``: xp.sum, xp.reshape ... are numpy's."""
    return Tup((Obj("qual:" + ARRAY_API), UNKNOWN))


def sklearn_get_namespace_and_device(a: Args) -> Value:
    """``xp, is_array_api, device = get_namespace_and_device(*arrays)``."""
    return Tup((Obj("qual:" + ARRAY_API), UNKNOWN, UNKNOWN))


SPECIAL_UNARY = """expit logit erf erfc erfinv erfcinv gammaln digamma ndtr ndtri log_ndtr log_expit
entr i0 i1 i0e i1e"""


# --- scipy.linalg: results for 2-D operands, as every release gives them (shapes/scipy_linalg.py)

def _tup_or_unknown(shapes) -> Value:
    return UNKNOWN if shapes is None else Tup(tuple(_tup_or_unknown(s) if isinstance(s, tuple) else _arr(s)
                                                    for s in shapes))


def _given(a: Args, pos: Optional[int], name: str, default: object) -> bool:
    """Is the argument given otherwise than as its literal default (None, False, True)?"""
    v = a.get(pos, name)
    if v is None:
        return False
    if default is None:
        return not isinstance(v, NoneVal)
    return _bool_arg(a, pos, name) is not default


def sl_one(fn, name: str = "a", extra: tuple = ()) -> Handler:
    """A function of one matrix, ``fn(shape, distinct)``; unknown when an argument of ``extra``
    ((position, name, default)) that changes what it returns is given."""
    def h(a: Args) -> Value:
        if a.star or any(_given(a, pos, n, d) for pos, n, d in extra):
            return UNKNOWN
        return _arr(fn(a.shape(0, name), a.distinct))
    return h


def _subset(a: Args) -> bool:
    """eigh / eigvalsh asked for some of the eigenvalues (subset_by_index, subset_by_value, or
    the old eigvals=(lo, hi)): how many is data."""
    return any(_given(a, None, n, None) for n in ("subset_by_index", "subset_by_value", "eigvals"))


def sl_eigvals(func: str) -> Handler:
    """eigvals(a, b=None, ...) / eigvalsh(a, b=None, ...): (m,).  With b (a generalized problem)
    or homogeneous_eigvals, not followed."""
    def h(a: Args) -> Value:
        if a.star or _given(a, 1, "b", None) or _given(a, None, "homogeneous_eigvals", False):
            return UNKNOWN
        w = sl.eigvals(a.shape(0, "a"), func, a.distinct)
        return _arr(Shape((None,)) if w is not None and _subset(a) else w)
    return h


def sl_eigh(a: Args) -> Value:
    """eigh(a, b=None, *, eigvals_only=False, ...): (w, v), or w alone."""
    if a.star or len(a.args) > 2 or _given(a, 1, "b", None):
        return UNKNOWN
    only = _flag(a, None, "eigvals_only", False)
    if only is MISSING:
        return UNKNOWN
    out = sl.eigh(a.shape(0, "a"), a.distinct)
    if out is not None and _subset(a):
        out = (Shape((None,)), Shape((out[1].dims[0], None)))
    if only:
        return _arr(None if out is None else out[0])
    return _tup_or_unknown(out or (None, None))


def sl_eig(a: Args) -> Value:
    """eig(a, b=None, left=False, right=True, ...): w, then vl and vr as asked; w alone for neither."""
    left, right = _flag(a, 2, "left", False), _flag(a, 3, "right", True)
    if a.star or _given(a, 1, "b", None) or left is MISSING or right is MISSING \
            or _given(a, 7, "homogeneous_eigvals", False):
        return UNKNOWN
    out = sl.eig(a.shape(0, "a"), bool(left), bool(right), a.distinct)
    if out is None:
        out = (None,) * (1 + int(bool(left)) + int(bool(right)))
    return _arr(out[0]) if len(out) == 1 else _tup_or_unknown(out)


def sl_svd(a: Args) -> Value:
    """svd(a, full_matrices=True, compute_uv=True, ...): (u, s, vh), or s alone."""
    full, uv = _flag(a, 1, "full_matrices", True), _flag(a, 2, "compute_uv", True)
    if a.star or uv is MISSING:
        return UNKNOWN
    x = a.shape(0, "a")
    if not uv:
        return _arr(sl.svd(x, True, False, a.distinct))
    if full is MISSING:
        sl.svd(x, True, True, a.distinct)  # its refusals, whichever it is
        return Tup((_arr(None), _arr(None), _arr(None)))
    return _tup_or_unknown(sl.svd(x, bool(full), True, a.distinct) or (None, None, None))


def sl_qr(a: Args) -> Value:
    """qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, ...)."""
    v = a.get(3, "mode")
    mode = "full" if v is None else _str_of(v)
    pivoting = _flag(a, 4, "pivoting", False)
    if a.star or mode is None or pivoting is MISSING:
        return UNKNOWN
    out = sl.qr(a.shape(0, "a"), mode, bool(pivoting), a.distinct)
    if out is None:
        count = {"full": 2, "economic": 2, "r": 1, "raw": 2}[mode] + int(bool(pivoting))
        return Tup(tuple(_arr(None) for _ in range(count))) if mode != "raw" else UNKNOWN
    return _tup_or_unknown(out)


def sl_lu(a: Args) -> Value:
    """lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False)."""
    permute, indices = _flag(a, 1, "permute_l", False), _flag(a, 4, "p_indices", False)
    if a.star or permute is MISSING or indices is MISSING:
        return UNKNOWN
    out = sl.lu(a.shape(0, "a"), bool(permute), bool(indices), a.distinct)
    return _tup_or_unknown(out or (None,) * (2 if permute else 3))


def sl_factor(fn) -> Handler:
    """lu_factor(a) -> (lu, piv) / cho_factor(a, lower=False) -> (c, lower)."""
    def h(a: Args) -> Value:
        if a.star:
            return UNKNOWN
        out = fn(a.shape(0, "a"), a.distinct)
        if fn is sl.lu_factor:
            return _tup_or_unknown(out or (None, None))
        return Tup((_arr(out), UNKNOWN))
    return h


def sl_solve(func: str) -> Handler:
    """solve(a, b, ...) / solve_triangular(a, b, ...): b's shape."""
    def h(a: Args) -> Value:
        if a.star:
            return UNKNOWN
        return _arr(sl.solve(a.shape(0, "a"), a.shape(1, "b"), func, a.distinct))
    return h


def sl_factor_solve(func: str, name: str) -> Handler:
    """cho_solve((c, lower), b) / lu_solve((lu, piv), b): b's shape."""
    def h(a: Args) -> Value:
        pair = a.get(0, name)
        if a.star or not isinstance(pair, Tup) or not pair.items or not isinstance(pair.items[0], Array):
            return _arr(None)
        return _arr(sl.factor_solve(pair.items[0].shape, a.shape(1, "b"), func, a.distinct))
    return h


def sl_lstsq(a: Args) -> Value:
    """lstsq(a, b, ...) -> (x, residues, rank, s)."""
    if a.star:
        return UNKNOWN
    x, _, _, sv = sl.lstsq(a.shape(0, "a"), a.shape(1, "b"), a.distinct)
    return Tup((_arr(x), _arr(None), Int(None), _arr(sv)))


def sl_block_diag(a: Args) -> Value:
    if a.star or a.kwargs:
        return _arr(None)
    return _arr(sl.block_diag([shape_of(v) for v in a.args]))


def sl_toeplitz(one: bool = False) -> Handler:
    """toeplitz(c, r=None) / hankel(c, r=None); circulant(c) (``one``)."""
    def h(a: Args) -> Value:
        if a.star:
            return _arr(None)
        r = a.get(1, "r")
        single = one or r is None or isinstance(r, NoneVal)
        return _arr(sl.toeplitz(a.shape(0, "c"), None if single else shape_of(r), single))
    return h


def sl_norm(a: Args) -> Value:
    """norm(a, ord=None, axis=None, keepdims=False, check_finite=True): numpy's norm, whose
    first parameter is named x."""
    if "a" in a.kwargs:
        a = Args(a.args, {("x" if k == "a" else k): v for k, v in a.kwargs.items()}, a.star, a.distinct)
    return norm(a)


_ONE_MATRIX = {
    "inv": (lambda s, d: sl.square(s, "inv", d), "a", ()),
    "pinvh": (lambda s, d: sl.square(s, "pinvh", d), "a", ((4, "return_rank", False),)),
    "pinv": (sl.pinv, "a", ((3, "return_rank", False),)),
    "det": (sl.det, "a", ()),
    "cholesky": (lambda s, d: sl.square(s, "cholesky", d), "a", ()),
    "expm": (lambda s, d: sl.square(s, "expm", d), "A", ()),
    "sqrtm": (lambda s, d: sl.square(s, "sqrtm", d), "A", ((1, "disp", True),)),
    "logm": (lambda s, d: sl.square(s, "logm", d), "A", ((1, "disp", True),)),
    "null_space": (lambda s, d: sl.null_space(s, "null_space", d), "A", ()),
    "orth": (lambda s, d: sl.null_space(s, "orth", d), "A", ()),
    "svdvals": (lambda s, d: sl.svd(s, True, False, d), "a", ()),
}
SCIPY_LINALG: dict[str, Handler] = {
    **{name: sl_one(fn, param, extra) for name, (fn, param, extra) in _ONE_MATRIX.items()},
    "eigvals": sl_eigvals("eigvals"), "eigvalsh": sl_eigvals("eigvalsh"), "eigh": sl_eigh, "eig": sl_eig,
    "svd": sl_svd, "qr": sl_qr, "lu": sl_lu, "lu_factor": sl_factor(sl.lu_factor),
    "cho_factor": sl_factor(lambda s, d: sl.square(s, "cho_factor", d)),
    "solve": sl_solve("solve"), "solve_triangular": sl_solve("solve_triangular"),
    "cho_solve": sl_factor_solve("cho_solve", "c_and_lower"), "lu_solve": sl_factor_solve("lu_solve", "lu_and_piv"),
    "lstsq": sl_lstsq, "block_diag": sl_block_diag, "norm": sl_norm,
    "toeplitz": sl_toeplitz(), "hankel": sl_toeplitz(), "circulant": sl_toeplitz(one=True),
}


def sp_squareform(a: Args) -> Value:
    """squareform(X, force="no", checks=True); another ``force`` is not followed."""
    force = a.get(1, "force")
    if a.star or (force is not None and _str_of(force) != "no"):
        return _arr(None)
    return _arr(distances.squareform(a.shape(0, "X"), a.distinct))


SCIPY_DISTANCE: dict[str, Handler] = {
    "cdist": lambda a: _arr(None) if a.star else _arr(distances.cdist(a.shape(0, "XA"), a.shape(1, "XB"),
                                                                       a.distinct)),
    "pdist": lambda a: _arr(None) if a.star else _arr(distances.pdist(a.shape(0, "X"))),
    "squareform": sp_squareform,
}

# other libraries' helpers that numpy's rules describe, by full name
LIBRARY_FUNCTIONS: dict[str, Handler] = {
    # a @ b up to 2-D, np.dot beyond; dense_output only turns a sparse result dense
    "sklearn.utils.extmath.safe_sparse_dot": product(ops.matmul_then_dot, frozenset({"dense_output"}),
                                                     unknown_left=True),
    # scikit-learn's input validation: the array back, of the shape it had (or an error)
    "sklearn.utils.validation.check_array": same_as(0, "array"),
    "sklearn.utils.check_array": same_as(0, "array"),
    "sklearn.utils.validation.validate_data": sklearn_validate_data,
    "sklearn.utils.validation.check_X_y": sklearn_check_x_y,
    "sklearn.utils.check_X_y": sklearn_check_x_y,
    # a numpy RandomState: rng.normal(0, 0.01, (k, d)) is (k, d)
    "sklearn.utils.check_random_state": default_rng,
    "sklearn.utils.validation.check_random_state": default_rng,
    "sklearn.utils._safe_indexing": sklearn_safe_indexing,
    "sklearn.utils._array_api.get_namespace": sklearn_get_namespace,
    "sklearn.utils._array_api.get_namespace_and_device": sklearn_get_namespace_and_device,
    "sklearn.utils._indexing._safe_indexing": sklearn_safe_indexing,
    # scipy.special: ufuncs (elementwise, as numpy's), and softmax and logsumexp over axes
    **{"scipy.special." + name: elementwise("x") for name in SPECIAL_UNARY.split()},
    **{"scipy.special." + name: elementwise("x", "y") for name in ("xlogy", "xlog1py")},
    **{"scipy.linalg." + name: h for name, h in SCIPY_LINALG.items()},
    **{"scipy.spatial.distance." + name: h for name, h in SCIPY_DISTANCE.items()},
    "scipy.special.softmax": same_as(0, "x"), "scipy.special.log_softmax": same_as(0, "x"),
    # logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False): weights b or a sign: not followed
    "scipy.special.logsumexp": lambda a: _arr(None) if a.has(2, "b") or a.has(4, "return_sign") or len(a.args) > 3
    else reduction()(a),
}


# where jax.numpy reads its arguments otherwise than numpy
JAX_FUNCTIONS: dict[str, Handler] = {"einsum": jax_einsum}


def lookup_function(qualname: str) -> Optional[Handler]:
    """``numpy.random.randn`` -> handler; None when the name is not numpy's or not known."""
    if qualname.startswith("jax.numpy.") and qualname[10:] in JAX_FUNCTIONS:
        return JAX_FUNCTIONS[qualname[10:]]
    for mod in NUMPY_MODULES:
        if qualname.startswith(mod + "."):
            return FUNCTIONS.get(qualname[len(mod) + 1:])
    return LIBRARY_FUNCTIONS.get(qualname)


# np.finfo(t) / np.iinfo(t): these attributes are ints, the others (eps, tiny, max...) numbers
FINFO_INTS = {"bits", "precision", "nexp", "nmant", "maxexp", "minexp", "iexp", "machep", "negep"}


def info_attribute(attr: str) -> Value:
    return Int(None) if attr in FINFO_INTS else Scalar()


def lookup_constant(qualname: str) -> Optional[Value]:
    for mod in NUMPY_MODULES:
        if qualname.startswith(mod + "."):
            return CONSTANTS.get(qualname[len(mod) + 1:])
    return None


def is_numpy_module(qualname: str) -> bool:
    return any(qualname == m or qualname.startswith(m + ".") for m in NUMPY_MODULES)


__all__ = ["FUNCTIONS", "METHODS", "ATTRIBUTES", "GENERATOR_METHODS", "CONSTANTS", "lookup_function",
           "lookup_constant", "is_numpy_module", "AxisError", "NONE"]
