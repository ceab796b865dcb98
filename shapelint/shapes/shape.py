"""Shapes: a tuple of dims, optionally after an unknown number of leading dims.

``None`` is the unknown shape (rank unknown).  A shape with ``batch`` set comes
from an annotation such as ``"*batch n d"`` or ``"... n d"``: its trailing dims
are known, its leading ones are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce as _fold
from typing import Iterable, Optional

from .dim import Dim, MaybeDim, ONE, fmt_dim


@dataclass(frozen=True)
class Shape:
    dims: tuple[MaybeDim, ...]
    batch: Optional[str] = None  # name of the unknown leading dims ("" anonymous)

    @staticmethod
    def of(*dims) -> "Shape":
        return Shape(tuple(d if d is None or isinstance(d, Dim) else Dim.lit(d) for d in dims))

    @property
    def ndim(self) -> Optional[int]:
        return None if self.batch is not None else len(self.dims)

    @property
    def fixed(self) -> bool:
        return self.batch is None

    def size(self) -> MaybeDim:
        """Number of elements, where every dim is known."""
        if self.batch is not None or any(d is None for d in self.dims):
            return None
        return _fold(lambda a, b: a * b, self.dims, ONE)

    def symbols(self) -> set[str]:
        """Every symbol the dims mention."""
        return {name for d in self.dims if d is not None for name in d.symbols()}

    def with_dim(self, k: int, d: MaybeDim) -> "Shape":
        """This shape with axis k (of the known dims) of size d."""
        return Shape(self.dims[:k] + (d,) + self.dims[k + 1:], self.batch)

    def reversed(self) -> "Shape":
        return Shape(tuple(reversed(self.dims)))

    def __str__(self) -> str:
        parts = [fmt_dim(d) for d in self.dims]
        if self.batch is not None:
            parts.insert(0, f"*{self.batch}" if self.batch else "...")
        if len(parts) == 1 and self.batch is None:
            return f"({parts[0]},)"
        return "(" + ", ".join(parts) + ")"


MaybeShape = Optional[Shape]
SCALAR = Shape(())
ANY_RANK = Shape((), "")  # an array whose rank and sizes are all unknown


def fmt_shape(shape: MaybeShape) -> str:
    return "unknown" if shape is None else str(shape)


def concrete(shape: MaybeShape) -> Optional[tuple[int, ...]]:
    """The shape as plain ints, when every dim is a literal."""
    if shape is None or shape.batch is not None:
        return None
    out = []
    for d in shape.dims:
        if d is None or d.value is None:
            return None
        out.append(d.value)
    return tuple(out)


def shape_from(dims: Iterable) -> Shape:
    return Shape.of(*dims)
