"""Matching a value's shape against a declared one, binding symbols as jaxtyping does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import dim as D
from .dim import Dim, MaybeDim
from .shape import MaybeShape, Shape


@dataclass
class Mismatch:
    reason: str  # "rank" or "dim"
    axis: int = 0  # index into the declared dims
    expected: MaybeDim = None  # the declared dim, after substitution
    got: MaybeDim = None
    symbol: Optional[str] = None  # the declared symbol that was bound earlier
    bound_by: object = None  # what bound it (the caller's label)


class Bindings:
    """Symbol -> (dim, what bound it).  ``free`` symbols bind on first sight;
    others are the enclosing function's own and compare as they are."""

    def __init__(self, free: set[str]):
        self.free = free
        self.dims: dict[str, tuple[Dim, object]] = {}

    def mapping(self) -> dict:
        out: dict = {name: d for name, (d, _) in self.dims.items()}
        for name in self.free - out.keys():
            out[name] = None
        return out

    def bind(self, name: str, value: MaybeDim, label: object) -> None:
        if value is not None and name in self.free and name not in self.dims:
            self.dims[name] = (value, label)


def match(declared: MaybeShape, actual: MaybeShape, b: Bindings, label: object = None,
          distinct: bool = True) -> Optional[Mismatch]:
    """The first way ``actual`` contradicts ``declared``, or None."""
    if declared is None or actual is None:
        return None
    if declared.fixed and actual.fixed and len(declared.dims) != len(actual.dims):
        return Mismatch("rank")
    if not declared.fixed and actual.fixed and len(actual.dims) < len(declared.dims):
        return Mismatch("rank")
    n = min(len(declared.dims), len(actual.dims))
    if declared.fixed != actual.fixed and not declared.fixed:
        pairs = list(zip(range(len(declared.dims) - n, len(declared.dims)), declared.dims[-n:] if n else (),
                         actual.dims[-n:] if n else ()))
    elif declared.fixed and actual.fixed:
        pairs = list(zip(range(n), declared.dims, actual.dims))
    else:
        pairs = list(zip(range(len(declared.dims) - n, len(declared.dims)), declared.dims[-n:] if n else (),
                         actual.dims[-n:] if n else ()))
    for axis, exp, got in pairs:
        if exp is None or got is None:
            continue
        sym = exp.symbol
        if sym is not None and sym in b.free and sym not in b.dims:
            b.bind(sym, got, label)
            continue
        expected = D.substitute(exp, b.mapping())
        if expected is None:
            continue
        if D.equal(expected, got, distinct) is False:
            bound = b.dims.get(sym) if sym is not None else None
            return Mismatch("dim", axis, expected, got, sym if bound else None, bound[1] if bound else None)
    return None


def instantiate(declared: MaybeShape, b: Bindings) -> MaybeShape:
    """The declared shape with bound symbols replaced; unbound free ones unknown."""
    if declared is None:
        return None
    mapping = b.mapping()
    if declared.batch is not None:
        return None
    return Shape(tuple(D.substitute(d, mapping) for d in declared.dims))
