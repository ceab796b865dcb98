"""Shapes declared in annotations: jaxtyping (``Float[np.ndarray, "n d"]``),
``Annotated[np.ndarray, "n d"]`` / ``Annotated[..., (5, 3)]``, string
annotations, and ``int`` (which makes a parameter a dim symbol)."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from ..shapes import Shape
from .dimstring import DimStringError, parse_dim_string, shape_from_literal

# jaxtyping's dtype wrappers: any of them around any array type carries a shape
DTYPES = {
    "Float", "Float16", "Float32", "Float64", "BFloat16", "Int", "Int8", "Int16", "Int32", "Int64",
    "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Integer", "Bool", "Num", "Shaped", "Complex",
    "Complex64", "Complex128", "Inexact", "Real", "Key", "Float8e4m3fn", "Float8e5m2",
}


class Declared:
    """What an annotation says: an array shape (maybe unknown rank), an int, or nothing."""

    __slots__ = ("shape", "is_int", "is_scalar", "error")

    def __init__(self, shape: Optional[Shape] = None, is_int: bool = False, error: Optional[str] = None,
                 is_scalar: bool = False):
        self.shape, self.is_int, self.error, self.is_scalar = shape, is_int, error, is_scalar


def _last_name(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - a malformed literal is simply not a shape
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001
            return None
        return value if isinstance(value, str) else None
    return None


def _literal(node: cst.BaseExpression) -> Union[list, None]:
    if isinstance(node, (cst.Tuple, cst.List)):
        out: list = []
        for el in node.elements:
            v = el.value
            if isinstance(v, cst.Integer):
                out.append(int(v.evaluated_value))
            elif (s := _string(v)) is not None:
                out.append(s)
            else:
                out.append(None)
        return out
    return None


def read_annotation(node: Optional[cst.BaseExpression], depth: int = 0) -> Declared:
    if node is None or depth > 5:
        return Declared()
    if (text := _string(node)) is not None:  # "Float[np.ndarray, 'n d']"
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
        if head in DTYPES and len(elems) == 2:
            spec = _string(elems[1])
            if spec is None:
                return Declared()
            return Declared(parse_dim_string(spec))
        if head == "Annotated" and len(elems) >= 2:
            for meta in elems[1:]:
                spec = _string(meta)
                if spec is not None:
                    return Declared(parse_dim_string(spec))
                lit = _literal(meta)
                if lit is not None:
                    return Declared(shape_from_literal(lit))
            return read_annotation(elems[0], depth + 1)
    except DimStringError as exc:
        return Declared(error=str(exc))
    return Declared()
