"""Suggestions for SL001-SL003: the same operands, transposed or reordered, that work.

A product chain ``a @ b @ c`` (or ``np.dot(a, b)``) is flattened; every order
and every choice of transposing a 2-D operand is tried with the shape algebra;
the candidates with the fewest changes are offered.  Nothing is offered when
nothing works.
"""

from __future__ import annotations

import itertools
from typing import Callable, Optional

import libcst as cst

from ..shapes import MaybeShape, ops
from ..shapes import dim as D
from ..shapes.errors import ShapeError

MAX_OPERANDS = 4


def chain(node) -> list:
    """The operand nodes of a left-nested ``@`` chain, or of a two-argument dot/matmul call."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
        return chain(node.left) + chain(node.right)
    if isinstance(node, cst.Call) and len(node.args) == 2 and not any(a.keyword or a.star for a in node.args):
        name = node.func.attr.value if isinstance(node.func, cst.Attribute) else getattr(node.func, "value", "")
        if name in ("dot", "matmul"):
            return chain(node.args[0].value) + chain(node.args[1].value)
    return [node]


def same_shape(a: MaybeShape, b: MaybeShape, distinct: bool = True) -> bool:
    if a is None or b is None or not a.fixed or not b.fixed or len(a.dims) != len(b.dims):
        return False
    return all(D.equal(x, y, distinct) is True for x, y in zip(a.dims, b.dims))


def _meets(a, b, distinct: bool) -> bool:
    """A suggestion must provably multiply: the contracted sizes are equal, not merely undecided."""
    if not a.dims or not b.dims:
        return False
    right = b.dims[-2] if len(b.dims) >= 2 else b.dims[0]
    return D.equal(a.dims[-1], right, distinct) is True


def _text(code: str, node, transposed: bool) -> str:
    if not transposed:
        return code
    if isinstance(node, cst.Attribute) and node.attr.value == "T":
        return None  # type: ignore[return-value]  # handled by the caller (untranspose)
    atomic = isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call))
    return f"{code}.T" if atomic else f"({code}).T"


def rearrangements(operands: list, shapes: list, code: Callable, accept: Callable[[MaybeShape], bool],
                   distinct: bool = True, limit: int = 2) -> list[tuple[str, MaybeShape]]:
    """[(expression text, its shape)] of the cheapest rearrangements that ``accept``."""
    n = len(operands)
    if n > MAX_OPERANDS or any(s is None or not s.fixed for s in shapes):
        return []
    found: list[tuple[int, str, MaybeShape]] = []
    for order in itertools.permutations(range(n)):
        for flips in itertools.product((False, True), repeat=n):
            if any(f and len(shapes[k].dims) != 2 for k, f in enumerate(flips)):
                continue
            cost = sum(flips) + (0 if list(order) == list(range(n)) else 1)
            if cost == 0:
                continue
            try:
                acc = None
                for k in order:
                    s = ops.transpose(shapes[k]) if flips[k] else shapes[k]
                    if acc is not None and not _meets(acc, s, distinct):
                        raise ShapeError()
                    acc = s if acc is None else ops.matmul(acc, s, distinct=distinct)
            except ShapeError:
                continue
            if acc is None or not accept(acc):
                continue
            parts = []
            for k in order:
                node = operands[k]
                if flips[k] and isinstance(node, cst.Attribute) and node.attr.value == "T":
                    parts.append(code(node.value))
                else:
                    parts.append(_text(code(node), node, flips[k]))
            found.append((cost, " @ ".join(parts), acc))
    found.sort(key=lambda t: (t[0], t[1]))
    best = [f for f in found if f[0] == found[0][0]] if found else []
    seen: list[tuple[str, MaybeShape]] = []
    for _, text, shape in best:
        if text not in [t for t, _ in seen]:
            seen.append((text, shape))
    return seen[:limit]


def single(operands: list, shapes: list, code, accept, distinct: bool = True) -> Optional[str]:
    """The one rearrangement, when exactly one works (what --fix may apply)."""
    found = rearrangements(operands, shapes, code, accept, distinct, limit=3)
    return found[0][0] if len(found) == 1 else None
