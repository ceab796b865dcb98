"""jaxtyping's dimension strings ("batch n_in", "*b n+1 _", "... 3") as shapes.

Pure text: no libcst.  Arithmetic tokens are parsed with ``ast`` (parsing a
string of the annotation; nothing is evaluated by Python).
"""

from __future__ import annotations

import ast
from typing import Optional

from ..shapes import Dim, MaybeDim, Shape
from ..shapes.dim import floordiv

MAX_DIM_STRING = 1000  # longer shape strings are not read (pathological input)
MAX_DIM = 10**18  # larger sizes are not read: no array has that many elements


class DimStringError(ValueError):
    """The string names a shape but cannot be read."""


MAX_POWER = 4  # n**2 to n**4 are products of sizes; a larger power stays one size of its own


# size arithmetic that is a size but not one the algebra can hold (2**n, n // 3, min(m, n)):
# one size, named by its text, that equals only itself; never an error
_OPAQUE_CALLS = frozenset({"min", "max", "abs", "int", "round"})


def _opaque(node: ast.AST) -> Dim:
    return Dim.sym(ast.unparse(node).replace(" ", ""), opaque=True)


def _expr_dim(node: ast.AST) -> MaybeDim:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return Dim.lit(node.value)
    if isinstance(node, ast.Name):
        return Dim.sym(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        a, b = _expr_dim(node.left), _expr_dim(node.right)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        return a * b
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        base, exp = _expr_dim(node.left), _expr_dim(node.right)
        if base is None or exp is None:
            return None
        if exp.value is None or exp.value < 1:
            return _opaque(node)  # 2**n: a size, but no polynomial in n
        if base.value is not None:
            if base.value > 1 and exp.value > 64:
                raise DimStringError(f"dimension {ast.unparse(node)[:20]!r} is too large")
            return Dim.lit(base.value ** exp.value)  # 2**10; _checked refuses what no array has
        if exp.value > MAX_POWER:
            return _opaque(node)
        out = base  # n_col**2 (POT): the product n_col*n_col
        for _ in range(exp.value - 1):
            out = out * base
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.FloorDiv, ast.Div, ast.Mod)):
        a, b = _expr_dim(node.left), _expr_dim(node.right)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.FloorDiv):
            q = floordiv(a, b)  # 2*n // 2 is n; n_fft // 2 is a size of its own
            return q if q is not None else _opaque(node)
        if isinstance(node.op, ast.Mod) and a.value is not None and b.value:
            return Dim.lit(a.value % b.value)
        return _opaque(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _OPAQUE_CALLS \
            and node.args and not node.keywords:
        for arg in node.args:
            _expr_dim(arg)  # each argument must itself read as a size
        return _opaque(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        d = _expr_dim(node.operand)
        return -d if d is not None else None
    raise DimStringError(f"cannot read dimension expression {ast.unparse(node)!r}")


def _checked(dim: MaybeDim, tok: str) -> MaybeDim:
    """A literal size that no array can have (negative, astronomically large) is an error, not a shape."""
    if dim is None:
        return None
    v = dim.value
    if v is not None and v < 0:
        raise DimStringError(f"dimension {tok!r} is negative ({v})")
    if v is not None and v >= MAX_DIM:
        raise DimStringError(f"dimension {tok[:20]}{'...' if len(tok) > 20 else ''} is too large")
    return dim


def parse_dim_token(tok: str) -> MaybeDim:
    tok = tok.strip()
    if tok.startswith("#") or tok.startswith("?"):
        return None  # may broadcast (#) or vary (?): never a proof
    if tok == "_":
        return None
    if "{" in tok and "}" in tok:
        # jaxtyping formats the string with the call's arguments first ("{self.num_lags}*d",
        # dynamax): a size only a run knows
        return None
    if tok.isdecimal():  # not isdigit: int() refuses "²", which isdigit() accepts
        if len(tok) > 18:
            raise DimStringError(f"dimension {tok[:20]}... is too large")
        return Dim.lit(int(tok))
    if tok.isidentifier():
        return Dim.sym(tok)
    if "=" in tok:  # jaxtyping's documentation form "rows=4": the value is the size
        return parse_dim_token(tok.split("=", 1)[1])
    try:
        node = ast.parse(tok, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # pathological text: not a shape
        raise DimStringError(f"cannot read dimension {tok!r}") from None
    return _checked(_expr_dim(node), tok)


def parse_dim_string(text: str) -> Optional[Shape]:
    """A shape, or None for an unknown rank; raises DimStringError when unreadable."""
    if len(text) > MAX_DIM_STRING:
        raise DimStringError(f"shape string of {len(text)} characters is too long to read")
    tokens = text.split()
    dims: list[MaybeDim] = []
    batch: Optional[str] = None
    for k, tok in enumerate(tokens):
        if tok == "..." or tok.startswith("*"):
            if batch is not None:
                raise DimStringError(f"more than one variadic dimension in {text!r}")
            name = "" if tok == "..." else tok.lstrip("*#").strip()
            if dims:
                # variadic in the middle ("n *b d"): the dims after it are known, those before it
                # are not where a named batch says (*b no longer names the same axes)
                dims, name = [], ""
            batch = name
            continue
        dims.append(parse_dim_token(tok))
    return Shape(tuple(dims), batch)


def shape_from_literal(items: list) -> Shape:
    """Annotated[..., (5, 3)] and friends: ints and names."""
    dims: list[MaybeDim] = []
    for it in items:
        if isinstance(it, int):
            dims.append(_checked(Dim.lit(it), str(it)))
        elif isinstance(it, str):
            dims.append(parse_dim_token(it))
        else:
            dims.append(None)
    return Shape(tuple(dims))
