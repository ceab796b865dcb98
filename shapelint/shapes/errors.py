"""What a shape operation refuses, as data: rules turn these into sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Optional

from .dim import MaybeDim
from .shape import MaybeShape, Shape


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
    step: Optional[int] = None  # in a chain (multi_dot): the right operand's index; the left is the product before it


@dataclass
class BroadcastError(ShapeError):
    shapes: tuple[Shape, ...]
    axis: int  # negative, counted from the end
    dims: tuple[MaybeDim, ...] = field(default=())
    output: Optional[Shape] = None  # set for in-place: the array that must hold the result
    positions: Optional[tuple[int, ...]] = None  # the call's positional arguments that broadcast, if not all


@dataclass
class AxisError(ShapeError):
    shape: Shape
    axis: object  # the int (or what was wrong)
    ndim: int
    reason: str = "range"  # "range", "duplicate", "squeeze", "permutation", "tuple" (one axis only), "matrix" (.mT)


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
    reason: str  # "too many indices", "boolean index did not match", ...
    axis: Optional[int] = None  # for a mask: the first axis whose size it does not have
    dims: tuple[MaybeDim, ...] = ()  # (the axis's size, the mask's)
    item: Optional[int] = None  # the mask's place in the index


class CallError(ShapeError):
    """A refusal that ``apply()`` reports as an event of its own kind (``event``),
    with the call's operand nodes and values: a rule reads it whole."""

    event: ClassVar[str] = ""


@dataclass
class ConcatError(CallError):
    """np.concatenate / stack / vstack / hstack / column_stack / dstack refuse."""

    shapes: tuple[MaybeShape, ...]  # every operand as the function joins it (after atleast_2d and the like)
    reason: str  # "dim", "rank", "zero-d" (concatenate of a 0-d array), "empty" (no arrays)
    func: str = "concatenate"
    operand: int = 0  # the operand that disagrees ...
    ref: int = 0  # ... with this one
    axis: Optional[int] = None  # where their sizes differ (from 0 when the rank is known, else negative)
    dims: tuple[MaybeDim, ...] = ()  # (ref's size, operand's size) on that axis
    join_axis: Optional[int] = None  # the axis the arrays are joined along (stack: the new axis)
    event: ClassVar[str] = "concat"


@dataclass
class EinsumError(CallError):
    """np.einsum: the subscripts do not fit the operands."""

    subscripts: str
    shapes: tuple[MaybeShape, ...]
    # "syntax", "operands" (count), "rank" (subscripts vs ndim), "diagonal" (a repeated index on one
    # operand), "size" (one index, two sizes), "output" (an output index not in the inputs, or repeated),
    # "ellipsis" (the '...' dims do not broadcast, or the output drops them)
    reason: str
    detail: str = ""
    operand: Optional[int] = None
    other: Optional[int] = None  # the earlier operand a "size" clash is with
    letter: str = ""
    dims: tuple[MaybeDim, ...] = ()
    event: ClassVar[str] = "einsum"


@dataclass
class OperandError(ShapeError):
    """An operand numpy refuses for its rank or sizes where no rule reports it yet:
    np.linalg.inv of a non-square matrix, np.diag of a 3-D array, a negative repeat."""

    shape: MaybeShape
    func: str
    reason: str  # "rank", "square", "ord", "negative", "size", "args"
    detail: str = ""
