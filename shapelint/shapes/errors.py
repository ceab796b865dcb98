"""What a shape operation refuses, as data: rules turn these into sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .dim import MaybeDim
from .shape import Shape


class ShapeError(Exception):
    """numpy would raise for these shapes."""


@dataclass
class MatmulError(ShapeError):
    left: Shape
    right: Shape
    left_axis: int  # axis of left that is contracted (negative, from the end)
    right_axis: int
    left_dim: MaybeDim = None
    right_dim: MaybeDim = None
    reason: str = "inner"  # "inner", "scalar" / "scalar-right" (a 0-d operand), "batch" (leading dims)


@dataclass
class BroadcastError(ShapeError):
    shapes: tuple[Shape, ...]
    axis: int  # negative, counted from the end
    dims: tuple[MaybeDim, ...] = field(default=())
    output: Optional[Shape] = None  # set for in-place: the array that must hold the result


@dataclass
class AxisError(ShapeError):
    shape: Shape
    axis: object  # the int (or what was wrong)
    ndim: int
    reason: str = "range"  # "range", "duplicate", "squeeze", "permutation", "tuple" (one axis only)


@dataclass
class ReshapeError(ShapeError):
    shape: Shape
    new: tuple[MaybeDim, ...]
    reason: str  # "size", "unknowns" (two negative sizes), "divide"
    old_size: MaybeDim = None
    new_size: MaybeDim = None


@dataclass
class IndexError_(ShapeError):
    shape: Shape
    reason: str
