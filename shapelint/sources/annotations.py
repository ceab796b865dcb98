"""Shapes declared in annotations: jaxtyping (``Float[np.ndarray, "n d"]``),
``Annotated[np.ndarray, "n d"]`` / ``Annotated[..., (5, 3)]``, string
annotations, and ``int`` (which makes a parameter a dim symbol)."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from ..shapes import Shape
from .literals import string_value
from .dimstring import DimStringError, parse_dim_string, shape_from_literal

# jaxtyping's dtype wrappers: any of them around any array type carries a shape
DTYPES = {
    "Float", "Float16", "Float32", "Float64", "BFloat16", "Int", "Int8", "Int16", "Int32", "Int64",
    "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Integer", "Bool", "Num", "Shaped", "Complex",
    "Complex64", "Complex128", "Inexact", "Real", "Key", "Float8e4m3fn", "Float8e5m2",
}


# array types a dtype wrapper may wrap (so an aliased wrapper, ``Float as F``, is still read)
ARRAY_TYPES = {"ndarray", "NDArray", "Array", "ArrayLike", "Tensor"}
# typing's own subscripted forms: a string in them is a forward reference to a type
# (numpyro's Union[ArrayLike, "scipy.sparse.spmatrix"]), not a shape
TYPING_FORMS = {"Union", "Optional", "Tuple", "tuple", "List", "list", "Dict", "dict", "Sequence", "Mapping",
                "Iterable", "Callable", "Type", "type", "Literal", "Set", "set", "FrozenSet", "frozenset"}


class Declared:
    """What an annotation says: an array shape (maybe unknown rank), an int, or nothing."""

    __slots__ = ("shape", "is_int", "is_scalar", "error", "source", "contract", "dim", "or_list")

    def __init__(self, shape: Optional[Shape] = None, is_int: bool = False, error: Optional[str] = None,
                 is_scalar: bool = False, source: str = "annotation"):
        self.shape, self.is_int, self.error, self.is_scalar = shape, is_int, error, is_scalar
        self.source = source  # "annotation", "docstring" or "comment"
        self.contract = source != "docstring"  # values are checked against it (SL007)
        self.dim = None  # an int's size when it is not the declared symbol of the parameter's name
        self.or_list: Optional[Shape] = None  # documented "of shape S or list of arrays": S


def _last_name(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _literal(node: cst.BaseExpression) -> Union[list, None]:
    if isinstance(node, (cst.Tuple, cst.List)):
        out: list = []
        for el in node.elements:
            v = el.value
            if isinstance(v, cst.Integer):
                out.append(int(v.evaluated_value))
            elif (s := string_value(v)) is not None:
                out.append(s)
            else:
                out.append(None)
        return out
    return None


def read_annotation(node: Optional[cst.BaseExpression], depth: int = 0) -> Declared:
    if node is None or depth > 5:
        return Declared()
    if (text := string_value(node)) is not None:  # "Float[np.ndarray, 'n d']"
        if len(text) > 10_000:
            return Declared(error="annotation string too long to read")
        try:
            inner = cst.parse_expression(text)
        except Exception:  # noqa: BLE001 - an unreadable string annotation is not a shape
            return Declared()
        return read_annotation(inner, depth + 1)
    name = _last_name(node)
    if name == "int":
        return Declared(is_int=True)
    if name in ("float", "complex", "bool"):
        return Declared(is_scalar=True)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return Declared()  # X | None: optional, not a proof
    if not isinstance(node, cst.Subscript):
        return Declared()
    head = _last_name(node.value)
    elems = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
    try:
        if len(elems) == 2 and (head in DTYPES or (_last_name(elems[0]) in ARRAY_TYPES and string_value(elems[1])
                                                   and head not in TYPING_FORMS)):
            spec = string_value(elems[1])
            if spec is None:
                return Declared()
            return Declared(parse_dim_string(spec))
        if head == "NDArray" and len(elems) == 2 and _is_nptyping_shape(elems[0]):
            return Declared(_nptyping_shape(elems[0]))
        if head == "ndarray" and len(elems) == 2:  # np.ndarray[tuple[int, int], np.dtype[...]]
            return Declared(_tuple_type_shape(elems[0]))
        if head == "Annotated" and len(elems) >= 2:
            for meta in elems[1:]:
                spec = string_value(meta)
                if spec is not None:
                    return Declared(parse_dim_string(spec))
                lit = _literal(meta)
                if lit is not None:
                    return Declared(shape_from_literal(lit))
            return read_annotation(elems[0], depth + 1)
    except DimStringError as exc:
        return Declared(error=str(exc))
    return Declared()


def _is_nptyping_shape(node) -> bool:
    return isinstance(node, cst.Subscript) and _last_name(node.value) == "Shape"


def _nptyping_shape(node: cst.Subscript) -> Optional[Shape]:
    """nptyping: ``Shape["3, 4"]``, ``Shape["N, M"]``, ``Shape["*, 3"]``, ``Shape["..., 3"]``."""
    spec = string_value(node.slice[0].slice.value) if isinstance(node.slice[0].slice, cst.Index) else None
    if spec is None:
        return None
    parts = [p.strip() for p in spec.split(",")]
    if not parts or any(not p for p in parts):
        raise DimStringError(f"cannot read nptyping shape {spec!r}")
    words = []
    for p in parts:
        p = p.split()[0] if " " in p and p.split()[0].isdigit() else p  # "3 rows" labels a dim
        if p == "*":
            words.append("_")
        elif p == "...":
            words.append("...")
        elif p.startswith("*"):
            words.append(p)
        else:
            words.append(p.replace(" ", ""))
    if "..." in words and words.index("...") != 0:
        return None
    return parse_dim_string(" ".join(words))


def _tuple_type_shape(node) -> Optional[Shape]:
    """numpy's shape typing: ``tuple[int, int]`` gives the rank; ``Literal[3]`` a size."""
    if not isinstance(node, cst.Subscript) or _last_name(node.value) not in ("tuple", "Tuple"):
        return None
    dims = []
    for el in node.slice:
        v = el.slice.value if isinstance(el.slice, cst.Index) else None
        if v is None or isinstance(v, cst.Ellipsis):
            return None
        if isinstance(v, cst.Subscript) and _last_name(v.value) == "Literal":
            lit = v.slice[0].slice.value if isinstance(v.slice[0].slice, cst.Index) else None
            dims.append(int(lit.evaluated_value) if isinstance(lit, cst.Integer) else None)
        else:
            dims.append(None)
    return shape_from_literal(dims)
