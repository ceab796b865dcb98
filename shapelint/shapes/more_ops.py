"""Shape transfer functions of numpy's sorting, differences, quantiles, index finding, grids,
random choice, FFT and np.insert / np.delete, with the same contract as ``ops``: None where
the shape cannot be known, a ShapeError only where numpy refuses for every value of the
declared dims."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from . import dim as D
from .dim import Dim, MaybeDim, ONE
from .errors import AxisError, BroadcastError, OperandError
from .ops import Axis, broadcast, normalize_axis, reduce
from .shape import MaybeShape, SCALAR, Shape


def sort(shape: MaybeShape, axis: Optional[int] = -1, func: str = "sort") -> MaybeShape:
    """np.sort / np.argsort: the same shape along an existing axis; axis=None sorts the
    flattened array.  A 0-d array: sort refuses it, argsort gives (1,)."""
    if shape is None:
        return None
    if axis is None:
        return Shape((shape.size(),))
    if shape.fixed:
        if not shape.dims:
            if func == "argsort":  # numpy sorts it as the 1-D array of its one element
                normalize_axis(axis, 1, shape)
                return Shape.of(1)
            raise OperandError(shape, func, "rank", "a 0-d array has no axis to sort along")
        normalize_axis(axis, len(shape.dims), shape)
    elif axis >= 0 or -axis > len(shape.dims):
        return None
    return shape


def diff(shape: MaybeShape, n: Optional[int] = 1, axis: int = -1) -> MaybeShape:
    """np.diff(a, n, axis): n fewer along axis (none left once n reaches its size).  ``n``
    None: not known."""
    if shape is None or not shape.fixed:
        return None
    if n == 0:
        return shape  # the input as it is, whatever its rank
    if not shape.dims:
        raise OperandError(shape, "diff", "rank", "diff needs an array of at least one dimension")
    k = normalize_axis(axis, len(shape.dims), shape)
    if n is not None and n < 0:
        raise OperandError(shape, "diff", "negative", f"order must be non-negative, not {n}")
    d = shape.dims[k]
    if n is None or d is None:
        size = None
    elif d.value is not None:
        size = Dim.lit(max(d.value - n, 0))
    else:
        size = d - n  # the size is at least n where the code is meant to work
    return shape.with_dim(k, size)


def quantile(shape: MaybeShape, q: MaybeShape, axis: Axis = None, keepdims: bool = False) -> MaybeShape:
    """np.percentile / quantile / nanpercentile / nanquantile(a, q, axis): q's shape, then the
    reduction of a over axis.  An empty array is left unknown: numpy refuses it or, for the
    nan* variants, gives ()."""
    if q is None or not q.fixed or shape is None:
        return None
    if len(q.dims) > 1:
        return None  # numpy accepts more, but the rank of q is rarely more than 1 in practice
    if any(d is not None and d.value == 0 for d in shape.dims):
        return None
    if shape.fixed and not shape.dims and axis is not None:
        raise AxisError(shape, axis, 0)  # unlike np.sum, no axis 0 for a 0-d array
    rest = reduce(shape, axis, keepdims)
    if rest is None:
        return None
    return Shape(q.dims + rest.dims, rest.batch)


def nonzero(shape: MaybeShape) -> Optional[list[MaybeShape]]:
    """np.nonzero(a) (and np.where(cond)): one 1-D array of indices per axis, of a length
    that depends on the values; a 0-d array is refused."""
    if shape is None or not shape.fixed:
        return None
    if not shape.dims:
        raise OperandError(shape, "nonzero", "rank", "nonzero of a 0-d array is not allowed")
    return [Shape((None,)) for _ in shape.dims]


def argwhere(shape: MaybeShape) -> MaybeShape:
    """np.argwhere(a): (count, a.ndim), a 0-d array as one axis of its own."""
    if shape is None or not shape.fixed:
        return None
    return Shape((None, Dim.lit(len(shape.dims))))


def meshgrid(shapes: Sequence[MaybeShape], indexing: str = "xy") -> Optional[list[MaybeShape]]:
    """np.meshgrid(*xi, indexing): every output has the inputs' sizes (each flattened) as its
    axes, the first two swapped for "xy" (Cartesian)."""
    sizes: list[MaybeDim] = [s.size() if s is not None and s.fixed else None for s in shapes]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    return [Shape(tuple(sizes)) for _ in shapes]


def choice(count: MaybeDim, rank: Optional[int], size: MaybeShape) -> MaybeShape:
    """np.random.choice(a, size): ``size``, the shape asked for (SCALAR when none).  ``count``:
    how many there are to choose from (an int a, or a 1-D a's length); ``rank``: a's rank (0
    for an int), None when not known.  a must be 1-D, and not empty unless no sample is taken."""
    if rank is not None and rank > 1:
        raise OperandError(size, "choice", "rank", "a must be 1-dimensional or an integer")
    if count is not None and count.value is not None and count.value <= 0:
        samples = size.size() if size is not None else None
        if samples is None or samples.value is None:
            return None
        if samples.value != 0:
            raise OperandError(size, "choice", "size", "nothing to choose from")
    return size


def fft(shape: MaybeShape, n: Optional[Dim], axis: int = -1, kind: str = "c") -> MaybeShape:
    """np.fft.fft/ifft ("c"), rfft ("r"), irfft ("ir") along one axis: n points (default the
    axis' size); rfft keeps n // 2 + 1 of them, irfft makes n (default 2 * (size - 1))."""
    if shape is None or not shape.fixed:
        return None
    if not shape.dims:
        raise OperandError(shape, "fft", "rank", "an FFT needs an axis")
    k = normalize_axis(axis, len(shape.dims), shape)
    d = shape.dims[k]
    points = n if n is not None else (d if kind != "ir" else (None if d is None else (d - 1) * 2))
    if points is not None and points.value is not None and points.value < 1:
        raise OperandError(shape, "fft", "size", f"invalid number of FFT data points ({points.value})")
    if kind == "ir" and n is None and d is not None and d.value is not None and d.value < 2:
        raise OperandError(shape, "fft", "size", f"invalid number of FFT data points ({2 * (d.value - 1)})")
    size = _half(points) if kind == "r" else points
    return shape.with_dim(k, size)


def fft_same(shape: MaybeShape, axes: Axis = None, transform: bool = True) -> MaybeShape:
    """np.fft.fft2/ifft2/fftn/ifftn without ``s`` (``transform``), fftshift/ifftshift: the
    same shape.  The axes must exist; a transform refuses an empty axis, a shift a 0-d array."""
    if shape is None or not shape.fixed:
        return None
    ks = [normalize_axis(k, len(shape.dims), shape) for k in ([axes] if isinstance(axes, int) else axes)] \
        if axes is not None else list(range(len(shape.dims)))  # an axis may repeat
    if not transform and not shape.dims:
        raise OperandError(shape, "fftshift", "rank", "a 0-d array has no axis to shift")
    if transform:
        for k in ks or ():
            d = shape.dims[k]
            if d is not None and d.value == 0:
                raise OperandError(shape, "fft", "size", "invalid number of FFT data points (0)")
    return shape


def frequencies(n: MaybeDim, half: bool) -> MaybeShape:
    """np.fft.fftfreq(n) and rfftfreq(n): n, or n // 2 + 1, sample frequencies."""
    return Shape((_half(n) if half else n,))


def _half(n: MaybeDim) -> MaybeDim:
    """n // 2 + 1: the non-negative frequencies of n real points."""
    h = D.floordiv(n, Dim.lit(2)) if n is not None else None
    return h + ONE if h is not None else None


def _positions(indices: Sequence[int], n: MaybeDim) -> Optional[int]:
    """How many distinct positions of an axis of size ``n`` literal indices name; None when
    that depends on a size not known (a negative and a positive index may meet) or an index is
    out of range."""
    if n is not None and n.value is not None:
        if any(not -n.value <= i < n.value for i in indices):
            return None
        return len({i % n.value for i in indices})
    if all(i >= 0 for i in indices) or all(i < 0 for i in indices):
        return len(set(indices))
    return None


def insert(shape: MaybeShape, index: Union[int, Sequence[int]], axis: Optional[int]) -> MaybeShape:
    """np.insert(a, obj, scalar, axis): one more along axis per index (``index`` a literal int
    or a list of them; the value a number); axis=None inserts into the flattened array."""
    indices = [index] if isinstance(index, int) else list(index)

    def grow(n: Dim) -> MaybeDim:
        if n.value is not None and any(not -n.value <= i <= n.value for i in indices):
            return None  # numpy refuses an index out of range: not ours to say where
        return n + len(indices)
    return _resize(shape, axis, grow)


def delete(shape: MaybeShape, index: Union[int, Sequence[int]], axis: Optional[int]) -> MaybeShape:
    """np.delete(a, obj, axis): one fewer along axis per distinct position ``index`` names;
    axis=None deletes from the flattened array."""
    indices = [index] if isinstance(index, int) else list(index)

    def shrink(n: Dim) -> MaybeDim:
        count = _positions(indices, n)
        return None if count is None else n - count
    return _resize(shape, axis, shrink)


def _resize(shape: MaybeShape, axis: Optional[int], size) -> MaybeShape:
    """``shape`` with the size of ``axis`` (of the flattened array for None) changed by
    ``size``; None where the new size is not known."""
    if shape is None or not shape.fixed:
        return None
    if axis is None:
        shape, axis = Shape((shape.size(),)), 0
    k = normalize_axis(axis, len(shape.dims), shape)
    n = shape.dims[k]
    new = size(n) if n is not None else None
    return None if new is None else shape.with_dim(k, new)

def take_along_axis(arr: MaybeShape, indices: MaybeShape, axis: Optional[int], distinct: bool = True) -> MaybeShape:
    """np.take_along_axis(arr, indices, axis): indices of arr's rank, broadcast against arr's
    other axes (along ``axis`` their own size); axis=None takes from the flattened arr, with 1-D
    indices."""
    func = "take_along_axis"
    if indices is None or not indices.fixed:
        return None
    if axis is None:
        if len(indices.dims) != 1:
            raise OperandError(indices, func, "rank", "with axis=None, indices must be 1-D")
        return indices
    if arr is None or not arr.fixed:
        return None
    k = normalize_axis(axis, len(arr.dims), arr)
    if len(indices.dims) != len(arr.dims):
        raise OperandError(indices, func, "rank", f"{len(indices.dims)}-D indices for a {len(arr.dims)}-D array: "
                           "they must have as many dimensions")
    others = Shape(tuple(ONE if j == k else d for j, d in enumerate(arr.dims)))
    try:
        return broadcast(others, indices, distinct=distinct)
    except BroadcastError as exc:  # numpy: IndexError "shape mismatch: indexing arrays could not be broadcast"
        raise OperandError(indices, func, "size", f"indices {indices} do not broadcast against the other axes of "
                           f"{arr}, {others}") from exc


__all__ = ["insert", "delete", "sort", "take_along_axis", "diff", "quantile", "nonzero", "argwhere", "meshgrid", "choice", "fft", "fft_same",
           "frequencies", "SCALAR"]
