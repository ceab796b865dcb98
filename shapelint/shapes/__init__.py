"""The shape algebra: dims, shapes and numpy's transfer functions.  No libcst here."""

from .dim import Dim, MaybeDim, fmt_dim, equal as dims_equal
from .errors import AxisError, BroadcastError, IndexError_, MatmulError, ReshapeError, ShapeError
from .shape import SCALAR, MaybeShape, Shape, concrete, fmt_shape
from . import ops

__all__ = [
    "Dim", "MaybeDim", "fmt_dim", "dims_equal", "Shape", "MaybeShape", "SCALAR", "fmt_shape", "concrete", "ops",
    "ShapeError", "MatmulError", "BroadcastError", "AxisError", "ReshapeError", "IndexError_",
]
