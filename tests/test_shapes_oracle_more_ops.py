"""shapelint.shapes.more_ops against real numpy on random concrete shapes: sorting,
differences, quantiles, index finding, grids, random choice and FFT.  Same result shape, or
both refuse."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from shapelint.shapes import Dim, more_ops
from shapelint.shapes.errors import ShapeError
from test_shapes_oracle import S, arr, check, shapes
from test_shapes_oracle_more import FEW, SETTINGS, assert_agree_many, numpy_shapes, run_ops_many

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::DeprecationWarning")

axes = st.one_of(st.none(), st.integers(-4, 4))


@SETTINGS
@given(shape=shapes, axis=axes, func=st.sampled_from(["sort", "argsort"]))
def test_sort(shape, axis, func):
    check(lambda: more_ops.sort(S(shape), axis, func), lambda: getattr(np, func)(arr(shape), axis=axis),
          f"{func}({shape}, axis={axis})")


@SETTINGS
@given(shape=shapes, n=st.integers(-1, 4), axis=st.integers(-4, 4))
def test_diff(shape, n, axis):
    check(lambda: more_ops.diff(S(shape), n, axis), lambda: np.diff(arr(shape), n=n, axis=axis),
          f"diff({shape}, n={n}, axis={axis})")


@SETTINGS
@given(shape=shapes, q=st.lists(st.integers(0, 3), max_size=1).map(tuple),
       axis=st.one_of(axes, st.lists(st.integers(-3, 3), min_size=1, max_size=2).map(tuple)),
       keep=st.booleans(), func=st.sampled_from(["percentile", "quantile", "nanpercentile"]))
def test_quantile(shape, q, axis, keep, func):
    values = np.full(q, 0.5)
    if 0 in shape:
        assert more_ops.quantile(S(shape), S(q), axis, keep) is None  # numpy refuses, or gives ()
        return
    check(lambda: more_ops.quantile(S(shape), S(q), axis, keep),
          lambda: getattr(np, func)(arr(shape) + 1.0, values, axis=axis, keepdims=keep),
          f"{func}({shape}, q{q}, axis={axis}, keepdims={keep})")


@FEW
@given(shape=shapes)
def test_nonzero_and_argwhere(shape):
    a = np.ones(shape)
    # the counts depend on the values: compare with every element nonzero, the dims that are known
    ours = run_ops_many(lambda: more_ops.nonzero(S(shape)))
    theirs = numpy_shapes(lambda: np.nonzero(a))
    if isinstance(ours, tuple) and ours and ours[0] != "refuse":
        ours = tuple((int(np.prod(shape)),) for _ in ours)  # the one unknown dim: the count
    assert_agree_many(ours, theirs, f"nonzero({shape})")
    got = more_ops.argwhere(S(shape))
    assert got.dims[1] == Dim.lit(np.argwhere(a).shape[1]) and got.dims[0] is None


def test_nonzero_of_a_0d_array_is_refused_and_unknown_ranks_unknown():
    with pytest.raises(Exception):
        more_ops.nonzero(S(()))
    assert more_ops.nonzero(None) is None


@FEW
@given(inputs=st.lists(st.lists(st.integers(0, 3), max_size=2).map(tuple), max_size=3),
       indexing=st.sampled_from(["xy", "ij"]))
def test_meshgrid(inputs, indexing):
    check_many = assert_agree_many
    check_many(run_ops_many(lambda: more_ops.meshgrid([S(t) for t in inputs], indexing)),
               numpy_shapes(lambda: np.meshgrid(*[arr(t) for t in inputs], indexing=indexing)),
               f"meshgrid({inputs}, indexing={indexing})")


@SETTINGS
@given(a=st.one_of(st.integers(-1, 4), st.lists(st.integers(0, 4), max_size=2).map(tuple)),
       size=st.one_of(st.none(), st.integers(0, 3), st.lists(st.integers(0, 3), max_size=2).map(tuple)))
def test_choice(a, size):
    if isinstance(a, int):
        count, rank, real = Dim.lit(a), 0, a
    else:
        count, rank, real = (Dim.lit(a[0]) if len(a) == 1 else None), len(a), np.arange(int(np.prod(a))).reshape(a)
        if not a:
            real = np.array(3)  # a 0-d array counts as its value, which no shape tells
    asked = S(()) if size is None else S((size,) if isinstance(size, int) else size)
    check(lambda: more_ops.choice(count, rank, asked), lambda: np.random.choice(real, size),
          f"choice({a}, size={size})")


@SETTINGS
@given(shape=shapes, n=st.one_of(st.none(), st.integers(0, 5)), axis=st.integers(-4, 4),
       kind=st.sampled_from(["c", "r", "ir"]))
def test_fft(shape, n, axis, kind):
    func = {"c": np.fft.fft, "r": np.fft.rfft, "ir": np.fft.irfft}[kind]
    check(lambda: more_ops.fft(S(shape), None if n is None else Dim.lit(n), axis, kind),
          lambda: func(arr(shape), n=n, axis=axis), f"fft[{kind}]({shape}, n={n}, axis={axis})")


@SETTINGS
@given(shape=shapes, axes=st.one_of(st.none(), st.lists(st.integers(-4, 4), min_size=1, max_size=2).map(tuple)),
       func=st.sampled_from(["fftn", "ifftn", "fftshift", "ifftshift", "fft2"]))
def test_fft_same(shape, axes, func):
    if func == "fft2" and axes is None:
        axes = (-2, -1)  # its default
    check(lambda: more_ops.fft_same(S(shape), axes, transform=not func.endswith("shift")),
          lambda: getattr(np.fft, func)(arr(shape), axes=axes), f"{func}({shape}, axes={axes})")


@FEW
@given(n=st.integers(1, 9), half=st.booleans())
def test_frequencies(n, half):
    check(lambda: more_ops.frequencies(Dim.lit(n), half),
          lambda: (np.fft.rfftfreq if half else np.fft.fftfreq)(n), f"fftfreq({n}, half={half})")


@SETTINGS
@given(shape=shapes, index=st.one_of(st.integers(-6, 6), st.lists(st.integers(-6, 6), max_size=3).map(tuple)),
       axis=st.one_of(st.none(), st.integers(-4, 4)), func=st.sampled_from(["insert", "delete"]))
def test_insert_and_delete(shape, index, axis, func):
    op = more_ops.insert if func == "insert" else more_ops.delete
    obj = list(index) if isinstance(index, tuple) else index
    run = (lambda: np.insert(arr(shape), obj, 7.0, axis=axis)) if func == "insert" else \
        (lambda: np.delete(arr(shape), obj, axis=axis))
    try:
        ours = op(S(shape), index, axis)
    except Exception as exc:  # a refusal: numpy's too
        with pytest.raises((ValueError, IndexError, np.exceptions.AxisError)):
            run()
        assert isinstance(exc, ShapeError), exc
        return
    if ours is None:
        return  # an index out of range: numpy refuses, shapelint does not say
    check(lambda: ours, run, f"{func}({shape}, {index}, axis={axis})")


@st.composite
def along_axis_case(draw):
    """An array, an axis (or None), and indices that usually fit: arr's shape with some axes
    set to 1 and the axis to any size; sometimes any shape."""
    shape = draw(st.lists(st.integers(0, 3), min_size=0, max_size=3).map(tuple))
    axis = draw(st.one_of(st.none(), st.integers(-3, 3)))
    if draw(st.integers(0, 3)) == 0:
        indices = draw(st.lists(st.integers(0, 3), min_size=0, max_size=3).map(tuple))
    else:
        indices = tuple(draw(st.sampled_from([d, 1, draw(st.integers(0, 3))])) for d in shape)
    return shape, axis, indices


@SETTINGS
@given(case=along_axis_case())
def test_take_along_axis(case):
    shape, axis, indices = case
    # index 0 is in bounds of any non-empty axis; from an empty one no index can be taken, a
    # refusal for the values (as np.take's out of bounds), not the shapes
    taken = int(np.prod(shape)) if axis is None else shape[axis] if -len(shape) <= axis < len(shape) else 1
    if taken == 0 and int(np.prod(indices)) > 0:
        return
    check(lambda: more_ops.take_along_axis(S(shape), S(indices), axis),
          lambda: np.take_along_axis(arr(shape), np.zeros(indices, dtype=int), axis=axis),
          f"take_along_axis({shape}, {indices}, axis={axis})")
