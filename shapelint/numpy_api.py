"""The one table that knows numpy: qualified names and ndarray methods -> shape rules.

Every handler takes the evaluated ``Args`` and returns a Value (usually an
Array of the result shape, shape ``None`` when unknown), or raises a
ShapeError when numpy would refuse.  The rules themselves live in
``shapes.ops``; this module only maps numpy's signatures onto them.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

from .shapes import Dim, MaybeShape, Shape, ops
from .shapes.dim import ONE
from .shapes.errors import AxisError
from .shapes.shape import SCALAR
from .values import (
    NONE, UNKNOWN, Args, Array, Int, NoneVal, Obj, Scalar, Tup, Value, dims_of, int_of, shape_of,
)

Handler = Callable[[Args], Value]

MISSING = object()


def _arr(shape: MaybeShape, expanded: bool = False) -> Array:
    return Array(shape, None, expanded)


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
        shapes = [shape_of(v) for v in operands]
        out = a.get(None, "out")
        result = ops.broadcast(*shapes, distinct=a.distinct)
        if out is not None and not isinstance(out, NoneVal):
            return _arr(shape_of(out))
        return _arr(result, expanded=any(isinstance(v, Array) and v.expanded for v in operands))
    return h


def where(a: Args) -> Value:
    if len(a.args) == 1 and not a.kwargs:
        return UNKNOWN  # np.where(cond): a tuple of index arrays
    return elementwise("condition", "x", "y")(a)


def reduction(tuple_ok: bool = True, axis_pos: int = 1, self_arg: bool = False) -> Handler:
    """sum/mean/...: ``np.f(x, axis, ..., keepdims=)`` or ``x.f(axis, keepdims=)``."""
    def h(a: Args) -> Value:
        x = a.get(None if self_arg else 0, "self" if self_arg else "a")
        pos = 0 if self_arg else axis_pos
        axis = _axis_arg(a, pos)
        keep = _bool_arg(a, None, "keepdims")
        if axis is MISSING or keep is MISSING:
            return _arr(None)
        shape = shape_of(x)
        out = ops.reduce(shape, axis, bool(keep), tuple_ok=tuple_ok)
        return _arr(out)
    return h


def cumulative(self_arg: bool = False) -> Handler:
    def h(a: Args) -> Value:
        x = shape_of(a.get(None if self_arg else 0, "self" if self_arg else "a"))
        axis = _axis_arg(a, 0 if self_arg else 1)
        if axis is MISSING:
            return _arr(None)
        if axis is None:
            return _arr(ops.ravel(x))
        if x is not None and x.fixed:
            ops.normalize_axis(axis, len(x.dims), x)  # type: ignore[arg-type]
        return _arr(x)
    return h


def _transpose(x: MaybeShape, axes, a: Args) -> Value:
    if axes is MISSING:
        return _arr(None)
    if axes is None and x is not None and x.fixed and len(x.dims) == 1:
        a.note("transpose-1d", shape=x)
    return _arr(ops.transpose(x, axes))


def np_transpose(a: Args) -> Value:
    x = shape_of(a.get(0, "a"))
    return _transpose(x, _axis_arg(a, 1, "axes"), a)


def method_transpose(a: Args) -> Value:
    x = shape_of(a.get(None, "self"))
    if a.star:
        return _arr(None)
    if not a.args or (len(a.args) == 1 and isinstance(a.args[0], NoneVal)):
        return _transpose(x, None, a)
    if len(a.args) == 1 and isinstance(a.args[0], Tup):
        return _transpose(x, _axis_arg(a, 0, "axes"), a)
    vals = [int_of(v) for v in a.args]
    return _transpose(x, MISSING if None in vals else tuple(vals), a)


def attr_T(a: Args) -> Value:
    return _transpose(shape_of(a.get(None, "self")), None, a)


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


def product(op) -> Handler:
    def h(a: Args) -> Value:
        if a.star or a.kwargs.keys() - PLAIN_KWARGS - {"a", "b"}:
            return _arr(None)  # matmul(..., axes=...) and friends: another contraction
        return _arr(op(a.shape(0, "a"), a.shape(1, "b"), distinct=a.distinct))
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
        return _arr(Shape.of(max(0, math.ceil((stop - start) / step))))
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
        return _arr(Shape.of(len(range(start.value, stop.value, step.value))))
    if step.value == 1 and start.value == 0:
        return _arr(Shape((stop,)))
    return _arr(Shape((None,)))


def linspace(a: Args) -> Value:
    num = a.get(2, "num")
    if num is None:
        return _arr(Shape.of(50))
    return _arr(Shape((num.dim if isinstance(num, Int) else None,)))


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


def np_array(a: Args) -> Value:
    v = a.get(0, "object")
    if a.has(None, "ndmin"):
        return _arr(None)
    if v is None:
        return _arr(None)
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


# --- the table ----------------------------------------------------------------

UNARY = """exp exp2 expm1 log log2 log10 log1p sqrt cbrt square abs absolute fabs sign negative positive
reciprocal floor ceil trunc rint round around fix sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh
arccosh arctanh degrees radians deg2rad rad2deg isnan isinf isfinite isneginf isposinf signbit logical_not
real imag conj conjugate angle nan_to_num invert bitwise_not sinc i0 spacing""".split()
BINARY = """add subtract multiply divide true_divide floor_divide power float_power mod remainder fmod
maximum minimum fmax fmin arctan2 hypot logaddexp logaddexp2 logical_and logical_or logical_xor
equal not_equal less less_equal greater greater_equal bitwise_and bitwise_or bitwise_xor left_shift
right_shift heaviside copysign nextafter ldexp gcd lcm""".split()
REDUCTIONS = """sum mean max min amax amin prod product std var any all nansum nanmean nanmax nanmin nanprod
nanstd nanvar median nanmedian ptp count_nonzero""".split()
ARG_REDUCTIONS = "argmax argmin nanargmax nanargmin".split()

FUNCTIONS: dict[str, Handler] = {
    # constructors
    "zeros": constructor(), "ones": constructor(), "empty": constructor(), "full": constructor(),
    "eye": eye, "identity": identity, "arange": arange, "linspace": linspace,
    "logspace": linspace, "geomspace": linspace,
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
    "random.default_rng": default_rng, "random.permutation": lambda a: _arr(
        Shape((a.get(0, "x").dim,)) if isinstance(a.get(0, "x"), Int) else shape_of(a.get(0, "x"))),
    # products
    "matmul": product(ops.matmul), "dot": product(ops.dot), "inner": product(ops.inner),
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
FUNCTIONS.update({name: reduction(tuple_ok=False) for name in ARG_REDUCTIONS})
FUNCTIONS["average"] = reduction()

GENERATOR_METHODS: dict[str, Handler] = {
    "normal": sized(2), "uniform": sized(2), "standard_normal": sized(0), "random": sized(0),
    "integers": sized(2), "exponential": sized(1), "binomial": sized(2), "poisson": sized(1),
    "beta": sized(2), "gamma": sized(2), "laplace": sized(2), "logistic": sized(2),
}

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

ATTRIBUTES: dict[str, Handler] = {"T": attr_T, "real": same_as(None, "self"), "imag": same_as(None, "self")}

# names that resolve to a value rather than a call
CONSTANTS: dict[str, Value] = {
    "newaxis": Obj("newaxis"), "pi": Scalar(), "e": Scalar(), "inf": Scalar(), "nan": Scalar(),
    "euler_gamma": Scalar(), "NINF": Scalar(), "PINF": Scalar(),
}

# modules whose API is numpy's: their names resolve in the same table
NUMPY_MODULES = ("numpy", "jax.numpy")


def lookup_function(qualname: str) -> Optional[Handler]:
    """``numpy.random.randn`` -> handler; None when the name is not numpy's or not known."""
    for mod in NUMPY_MODULES:
        if qualname.startswith(mod + "."):
            return FUNCTIONS.get(qualname[len(mod) + 1:])
    return None


def lookup_constant(qualname: str) -> Optional[Value]:
    for mod in NUMPY_MODULES:
        if qualname.startswith(mod + "."):
            return CONSTANTS.get(qualname[len(mod) + 1:])
    return None


def is_numpy_module(qualname: str) -> bool:
    return any(qualname == m or qualname.startswith(m + ".") for m in NUMPY_MODULES)


__all__ = ["FUNCTIONS", "METHODS", "ATTRIBUTES", "GENERATOR_METHODS", "CONSTANTS", "lookup_function",
           "lookup_constant", "is_numpy_module", "AxisError", "NONE"]
