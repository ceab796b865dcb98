"""What the interpreter knows about a Python value.  No libcst here: the numpy
table reads these too.  Nodes appear only as opaque references in Origin."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional

from .shapes import Dim, MaybeDim, MaybeShape, Shape
from .shapes.shape import SCALAR


@dataclass(frozen=True)
class Origin:
    """Where a shape came from; rendered lazily because it needs line numbers."""

    kind: str  # "param", "annotation", "return", "call", "expr", "unpack", "docstring", "constant"
    node: Any = None  # a libcst node, for the line
    name: str = ""
    base: Optional["Origin"] = None  # "no-leading-axes": where the shape with them came from


DOCUMENTED = ("doc-param", "doc-return", "doc-attribute")  # origins that are docstring entries


def from_docstring(origin: Optional[Origin]) -> bool:
    """The shape is a docstring entry's as it is (here, or returned by a call into another file)."""
    if origin is not None and origin.kind == "foreign":
        origin = origin.base
    return origin is not None and origin.kind in DOCUMENTED


class Value:
    __slots__ = ()


@dataclass(frozen=True)
class Unknown(Value):
    pass


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Made(Unknown):
    """What calling a name of another checked file gave when no shape went in: unknown, but
    if it is an instance called with shapes later (``init = Initializer(); init((n, d))``),
    its class is looked up then."""

    qualname: str
    # the arguments, kept when one is a string (a mode or a name the constructor dispatches on):
    # an instance made with them is what is called or asked for a method later
    args: tuple = ()
    kwargs: tuple = ()  # (name, value) pairs
    is_callable = True  # joins with other callables into a Union


@dataclass(frozen=True)
class MadeMethod(Unknown):
    """``m.name`` where m is a Made: the method of its class, looked up when it is called with
    a shape (``act = Sigmoid()`` in another file, then ``act.fn(Z)``)."""

    made: Made
    name: str
    is_callable = True


def is_string(v: Optional[Value]) -> bool:
    return isinstance(v, Obj) and v.kind.startswith("str:")


@dataclass(frozen=True)
class ArrayOrList(Unknown):
    """A parameter documented as ``of shape S or list of arrays``: unknown until an
    ``isinstance(x, list)`` test says which; then an array of S, or a list of arrays of S."""

    shape: Shape
    origin: Optional[Origin] = field(default=None, compare=False)


@dataclass(frozen=True)
class Reduced:
    """A reduction that dropped axes (no ``keepdims``): what it reduced, for SL013 to try the
    reduction that would have fitted where the result is used."""

    source: Shape  # the shape that was reduced
    axis: Any  # an int or a tuple of ints
    node: Any = None  # the reduction call, filled in where the call is evaluated


@dataclass(frozen=True)
class Array(Value):
    shape: MaybeShape
    origin: Optional[Origin] = field(default=None, compare=False)
    expanded: bool = field(default=False, compare=False)  # made by x[:, None], reshape(-1, 1)... on purpose
    boolean: bool = field(default=False, compare=False)  # a comparison's result: indexes as a mask
    reduced: Optional[Reduced] = field(default=None, compare=False)  # made by X.mean(axis=1)...
    # or None: a parameter whose default is None, or a path that left it None; ``x is None`` is
    # then not decided, and each branch has the one or the other
    optional: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Int(Value):
    """A Python int, known as a dim (literal or symbolic) or unknown (None)."""

    dim: MaybeDim


@dataclass(frozen=True)
class Bool(Int):
    """True / False: ints in arithmetic, masks in indexing."""


@dataclass(frozen=True)
class Truth(Bool):
    """A comparison the code decided here and kept in a name (``x_is_1d = x.ndim == 1`` with x
    of known rank): a test of that name is decided as the comparison is.  (A name holding a
    literal True, such as a parameter's default, decides nothing: a caller may pass another.)"""


@dataclass(frozen=True)
class Scalar(Value):
    """A Python float/bool/complex: broadcasts as shape ()."""

    value: Optional[float] = field(default=None, compare=False)  # a float literal's value


@dataclass(frozen=True)
class Tup(Value):
    items: tuple[Value, ...]
    is_list: bool = False


@dataclass(frozen=True)
class DictLit(Value):
    """A dict display: string keys (None for others), their values and value nodes."""

    entries: tuple[tuple[Optional[str], Value], ...]
    nodes: tuple[Any, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class ShapeOf(Value):
    """``X.shape`` where X's shape is unknown: unpacking it names X's dims."""

    key: str  # the name X is bound to


@dataclass(frozen=True)
class NoneVal(Value):
    pass


NONE = NoneVal()


@dataclass(frozen=True)
class Obj(Value):
    """Something the table knows by kind: "generator", "module:numpy.random", "newaxis"..."""

    kind: str


@dataclass(frozen=True)
class Never(Value):
    """What a call gives that certainly raises (a wrong number of arguments, ``len`` of an
    int): the path it is on ends there, so it takes no part where paths meet."""


NEVER = Never()


@dataclass(frozen=True)
class Partial(Value):
    """``functools.partial(f, *args, **kwargs)``."""

    func: Value
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value], ...]
    is_callable = True  # joins with other callables into a Union


@dataclass(frozen=True)
class Union(Value):
    """One of several callables (``self._fn = f`` on one branch, ``= g`` on another): calling it
    gives what every option that can return gives."""

    options: tuple[Value, ...]
    is_callable = True  # joins with other callables into a Union


MAX_OPTIONS = 8


def _is_callable(v: Value) -> bool:
    return getattr(v, "is_callable", False) or (isinstance(v, Obj) and v.kind.startswith("qual:"))


def _union(a: Value, b: Value) -> Value:
    options: list[Value] = []
    for v in (a, b):
        for o in (v.options if isinstance(v, Union) else (v,)):
            if not any(o is w or o == w for w in options):
                options.append(o)
    return Union(tuple(options)) if len(options) <= MAX_OPTIONS else UNKNOWN


LIST = Obj("list")  # a list whose length is not known; its items are tracked under "key[*]"


def is_list(v: Optional[Value]) -> bool:
    return (isinstance(v, Tup) and v.is_list) or v == LIST


def as_item(v: Value) -> Value:
    """``v`` as an item of a container: a list there can grow through the container
    (``chains.append([])``, then ``chains[-1].append(x)``), so its length is not known."""
    return LIST if isinstance(v, Tup) and v.is_list else v


def shape_of(v: Optional[Value]) -> MaybeShape:
    """The array shape a value broadcasts as, or None when it is not known."""
    if isinstance(v, Array):
        return v.shape
    if isinstance(v, (Int, Scalar)):
        return SCALAR
    return None


def is_arraylike(v: Optional[Value]) -> bool:
    return isinstance(v, (Array, Int, Scalar))


def dims_of(v: Optional[Value]) -> Optional[tuple[MaybeDim, ...]]:
    """A shape argument: an int or a tuple/list of ints."""
    if isinstance(v, Int):
        return (v.dim,)
    if isinstance(v, Tup):
        return tuple(it.dim if isinstance(it, Int) else None for it in v.items)
    return None


def int_of(v: Optional[Value]) -> Optional[int]:
    if isinstance(v, Int) and v.dim is not None:
        return v.dim.value
    return None


def join(a: Value, b: Value) -> Value:
    """The value after two paths meet: kept only where both paths agree."""
    if a is b:
        return a
    if isinstance(a, Never):
        return b
    if isinstance(b, Never):
        return a
    if isinstance(a, Array) and isinstance(b, Array):
        out = _join_arrays(a, b)
        return _maybe_none(out) if a.optional or b.optional else out
    if isinstance(a, NoneVal) and isinstance(b, Array):
        return _maybe_none(b)  # None on one path, an array on the other: still the one or the other
    if isinstance(b, NoneVal) and isinstance(a, Array):
        return _maybe_none(a)
    if a == b:
        return a
    if isinstance(a, Int) and isinstance(b, Int):
        return Int(None)
    if isinstance(a, Tup) and isinstance(b, Tup) and len(a.items) == len(b.items):
        return Tup(tuple(join(x, y) for x, y in zip(a.items, b.items)), a.is_list)
    if is_list(a) and is_list(b):
        return LIST  # a list literal on one path, a grown list on the other (its items: the env's "[*]")
    if _is_callable(a) and _is_callable(b):
        return _union(a, b)
    return UNKNOWN


def _join_arrays(a: Array, b: Array) -> Array:
    if a == b:
        if a.reduced != b.reduced:
            return Array(a.shape, a.origin, a.expanded, a.boolean)  # made by a reduction on one path only
        return a
    if a.shape == b.shape and a.shape is not None:
        return a
    sa, sb = a.shape, b.shape
    if sa is not None and sb is not None and sa.fixed and sb.fixed and len(sa.dims) == len(sb.dims):
        # same rank: keep the dims both paths agree on
        return Array(Shape(tuple(x if x == y else None for x, y in zip(sa.dims, sb.dims))))
    return Array(None)


def _maybe_none(v: Array) -> Array:
    return v if v.optional else replace(v, optional=True)


def present(v: Array) -> Array:
    """``v`` where a test showed it is not None."""
    return replace(v, optional=False) if v.optional else v


class Args:
    """The evaluated arguments of one call, as the numpy table reads them."""

    def __init__(self, args: list[Value], kwargs: dict[str, Value], star: bool = False, distinct: bool = True):
        self.args = args
        self.kwargs = kwargs
        self.star = star  # *args or **kwargs present: positions are not certain
        self.distinct = distinct
        self.notes: list[tuple[str, dict]] = []  # warnings a handler raises without refusing

    def get(self, pos: Optional[int], name: Optional[str] = None) -> Optional[Value]:
        """The argument, or None when it is absent."""
        if name is not None and name in self.kwargs:
            return self.kwargs[name]
        if pos is not None and pos < len(self.args):
            return self.args[pos]
        return None

    def has(self, pos: Optional[int], name: Optional[str] = None) -> bool:
        return self.get(pos, name) is not None

    def shape(self, pos: Optional[int], name: Optional[str] = None) -> MaybeShape:
        return shape_of(self.get(pos, name))

    def note(self, kind: str, **data) -> None:
        self.notes.append((kind, data))


def carried_reduction(values, result: MaybeShape) -> Optional[Reduced]:
    """The reduction a result still is: one reduced operand met only scalars (``X_var + eps``,
    ``np.sqrt(X_var)``), so the result has that operand's shape and the same cause."""
    reduced = [v for v in values if isinstance(v, Array) and v.reduced is not None]
    if len(reduced) != 1 or reduced[0].shape != result:
        return None
    if any(v is not reduced[0] and shape_of(v) != SCALAR for v in values):
        return None
    return reduced[0].reduced


def map_dims(v: Value, f) -> Value:
    """``v`` with every dim it holds (shapes, ints, inside tuples, dicts, partials and unions)
    replaced by ``f(dim)``; values that hold no dims are returned as they are."""
    if isinstance(v, Array):
        if v.shape is None:
            return v

        def remap(s: Shape) -> Shape:
            return Shape(tuple(None if d is None else f(d) for d in s.dims), s.batch)

        r = v.reduced
        if r is not None:
            r = Reduced(remap(r.source), r.axis, r.node)
        return Array(remap(v.shape), v.origin, v.expanded, v.boolean, r)
    if isinstance(v, Int):
        return v if v.dim is None else type(v)(f(v.dim))
    if isinstance(v, Tup):
        return Tup(tuple(map_dims(x, f) for x in v.items), v.is_list)
    if isinstance(v, DictLit):
        return DictLit(tuple((k, map_dims(x, f)) for k, x in v.entries), v.nodes)
    if isinstance(v, Partial):
        return Partial(map_dims(v.func, f), tuple(map_dims(x, f) for x in v.args),
                       tuple((k, map_dims(x, f)) for k, x in v.kwargs))
    if isinstance(v, Union):
        return Union(tuple(map_dims(x, f) for x in v.options))
    return v


def array(shape: MaybeShape, expanded: bool = False) -> Array:
    return Array(shape, None, expanded)


def dim_sym(name: str, opaque: bool = False) -> Dim:
    return Dim.sym(name, opaque)


__all__ = [
    "Origin", "Reduced", "Value", "Unknown", "UNKNOWN", "Array", "Int", "Bool", "Scalar", "Tup", "DictLit", "ShapeOf", "NoneVal", "NONE", "Obj", "as_item",
    "Never", "NEVER", "Partial", "Union", "Made", "MadeMethod", "is_string",
    "shape_of", "dims_of", "int_of", "join", "Args", "array", "carried_reduction", "map_dims", "Shape",
]
