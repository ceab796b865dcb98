"""shapelint.shapes.split_and_stats against real numpy on random concrete shapes: split and
its variants, cov/corrcoef, convolve/correlate, searchsorted, histogram, indices,
unravel_index and linalg.multi_dot.  Same result shapes, or both refuse."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from shapelint.shapes import SCALAR, Dim, Shape, ShapeError, concrete
from shapelint.shapes import split_and_stats as ss
from shapelint.shapes.errors import MatmulError
from test_shapes_oracle import S, arr, assert_agree, check, refused, run_numpy, shapes
from test_shapes_oracle_more import FEW, SETTINGS, assert_agree_many, numpy_shapes, run_ops_many

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::DeprecationWarning")

small = st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple)
def _numpy_split(func, a, sections, **kwargs):
    """numpy's split, its ZeroDivisionError for 0 sections counted as the refusal it is."""
    try:
        return func(a, list(sections) if isinstance(sections, tuple) else sections, **kwargs)
    except ZeroDivisionError as exc:
        raise ValueError(str(exc)) from exc


sections = st.one_of(st.integers(-1, 4), st.lists(st.integers(-6, 6), max_size=3).map(tuple))


@SETTINGS
@given(shape=shapes, sections=sections, axis=st.integers(-4, 4), equal=st.booleans())
def test_split(shape, sections, axis, equal):
    func = np.split if equal else np.array_split
    assert_agree_many(run_ops_many(lambda: ss.split(S(shape), sections, axis, equal)),
                      numpy_shapes(lambda: _numpy_split(func, arr(shape), sections, axis=axis)),
                      f"{func.__name__}({shape}, {sections}, axis={axis})")


@SETTINGS
@given(shape=shapes, sections=sections, direction=st.sampled_from("hvd"))
def test_directional_split(shape, sections, direction):
    func = getattr(np, direction + "split")
    assert_agree_many(run_ops_many(lambda: ss.directional_split(S(shape), sections, direction)),
                      numpy_shapes(lambda: _numpy_split(func, arr(shape), sections)),
                      f"{direction}split({shape}, {sections})")


def test_split_of_a_symbolic_axis_knows_how_many_pieces():
    n, d = Dim.sym("n"), Dim.sym("d")
    pieces = ss.split(Shape((n, d)), 3, axis=1)
    assert pieces == [Shape((n, None))] * 3
    assert ss.split(Shape((n, d)), (2, 5), axis=0) == [Shape((None, d))] * 3


@SETTINGS
@given(m=small, y=st.one_of(st.none(), small), rowvar=st.booleans(), func=st.sampled_from(["cov", "corrcoef"]))
def test_cov(m, y, rowvar, func):
    fn = getattr(np, func)
    with_y = y is not None
    # enough distinct observations that numpy's result is well defined (the shape is what counts)
    values = lambda t: np.random.default_rng(0).normal(size=t)  # noqa: E731
    check(lambda: ss.cov(S(m), S(y) if with_y else None, rowvar, with_y),
          lambda: fn(values(m), values(y) if with_y else None, rowvar=rowvar),
          f"{func}({m}, {y}, rowvar={rowvar})")


def test_cov_of_declared_sizes():
    n, d = Dim.sym("n"), Dim.sym("d")
    assert ss.cov(Shape((n, d)), rowvar=False) == Shape((d, d))  # a declared n is taken as not 1
    assert ss.cov(Shape((n, d))) == Shape((n, n))
    k = Dim.sym("k", opaque=True)  # a size nobody declared: it may be 1
    assert ss.cov(Shape((k, d))) is None  # (k, k), or () for one variable
    assert ss.cov(Shape((k, d)), rowvar=False) == Shape((d, d))
    assert ss.cov(Shape((d,)), Shape((k, d)), rowvar=False, with_y=True) is None  # y transposed or not


@SETTINGS
@given(a=small, v=small, mode=st.sampled_from(["full", "same", "valid"]), func=st.sampled_from(["convolve", "correlate"]))
def test_convolve(a, v, mode, func):
    check(lambda: ss.convolve(S(a), S(v), mode, func), lambda: getattr(np, func)(arr(a) + 1, arr(v) + 1, mode=mode),
          f"{func}({a}, {v}, mode={mode})")


def test_convolve_of_symbolic_sizes():
    n, m = Dim.sym("n"), Dim.sym("m")
    assert ss.convolve(Shape((n,)), Shape((m,))) == Shape((n + m - 1,))
    assert ss.convolve(Shape((n,)), Shape((m,)), "same") == Shape((None,))
    assert ss.convolve(Shape((n,)), Shape((n,)), "valid") == Shape.of(1)


@SETTINGS
@given(a=small, v=small)
def test_searchsorted(a, v):
    check(lambda: ss.searchsorted(S(a), S(v)), lambda: np.searchsorted(arr(a).ravel() if len(a) == 1 else arr(a), arr(v)),
          f"searchsorted({a}, {v})")


@FEW
@given(bins=st.integers(1, 6), data=small)
def test_histogram(bins, data):
    assert_agree_many(run_ops_many(lambda: ss.histogram(Dim.lit(bins))),
                      numpy_shapes(lambda: np.histogram(arr(data), bins=bins)), f"histogram({data}, bins={bins})")


@FEW
@given(dims=st.lists(st.integers(0, 4), max_size=3).map(tuple), index=small)
def test_indices_and_unravel_index(dims, index):
    check(lambda: ss.indices(S(dims)), lambda: np.indices(dims), f"indices({dims})")
    if dims and all(dims):
        assert_agree_many(run_ops_many(lambda: ss.unravel_index(S(index), S(dims))),
                          numpy_shapes(lambda: np.unravel_index(np.zeros(index, dtype=int), dims)),
                          f"unravel_index({index}, {dims})")


chain_dims = st.lists(st.integers(1, 4), min_size=3, max_size=5)


@SETTINGS
@given(sizes=chain_dims, first_1d=st.booleans(), last_1d=st.booleans(), bad=st.integers(-1, 4),
       extra_rank=st.integers(-1, 4))
def test_multi_dot(sizes, first_1d, last_1d, bad, extra_rank):
    # a chain of matrices sizes[k] x sizes[k + 1]; one inner size sometimes off, one rank sometimes wrong
    count = len(sizes) - 1
    mats = [[sizes[k], sizes[k + 1]] for k in range(count)]
    if 0 <= bad < count - 1:
        mats[bad][1] += 1
    if first_1d:
        mats[0] = mats[0][1:]
    if last_1d:
        mats[-1] = mats[-1][:1]
    if 0 <= extra_rank < count:
        mats[extra_rank] = [1] + mats[extra_rank]
    shapes_ = [tuple(m) for m in mats]
    check(lambda: ss.multi_dot([S(s) for s in shapes_]), lambda: np.linalg.multi_dot([arr(s) + 1 for s in shapes_]),
          f"multi_dot({shapes_})")


def test_multi_dot_says_where_the_chain_breaks():
    with pytest.raises(MatmulError) as info:
        ss.multi_dot([S((2, 3)), S((3, 4)), S((5, 2))])
    assert info.value.step == 2 and info.value.left == S((2, 4))


@SETTINGS
@given(data=st.data(), op=st.sampled_from(["cov", "convolve", "split"]),
       mode=st.sampled_from(["declared", "documented", "opaque", "fresh"]))
def test_symbolic_results_hold_for_their_instances(data, op, mode):
    # with the symbols' values put in, a symbolic answer is numpy's (declared and documented
    # sizes are at least 2, as the algebra takes them); see test_shapes_oracle's
    from test_shapes_oracle import Symbolizer, check_symbolic
    sy = Symbolizer(data, mode)
    draw = data.draw
    values = lambda t: np.random.default_rng(0).normal(size=t)  # noqa: E731
    if op == "cov":
        m, rowvar = draw(small), draw(st.booleans())
        ours, theirs = lambda: ss.cov(sy.shape(m), rowvar=rowvar), lambda: np.cov(values(m), rowvar=rowvar)
    elif op == "convolve":
        a, v = draw(small), draw(small)
        mode_ = draw(st.sampled_from(["full", "same", "valid"]))
        ours, theirs = (lambda: ss.convolve(sy.shape(a), sy.shape(v), mode_),
                        lambda: np.convolve(arr(a) + 1, arr(v) + 1, mode=mode_))
    else:
        shape, k = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)), draw(st.integers(1, 3))
        # the first piece stands for them all (they share every dim but the split one)
        ours, theirs = (lambda: (ss.split(sy.shape(shape), k, 0, equal=False) or [None])[0],
                        lambda: np.array_split(arr(shape), k)[0])
    check_symbolic(op, mode, sy, ours, theirs)


@st.composite
def average_case(draw):
    """a's shape, an axis (None, an int, a tuple), and weights of a's shape, of a's sizes along
    the axis, or of any shape."""
    shape = draw(small)
    axis = draw(st.one_of(st.none(), st.integers(-3, 3), st.lists(st.integers(-3, 3), min_size=1, max_size=2).map(tuple)))
    kind = draw(st.sampled_from(["none", "same", "along", "any"]))
    weights = None if kind == "none" else shape if kind == "same" else draw(small)
    if kind == "along" and axis is not None:
        axes = (axis,) if isinstance(axis, int) else axis
        if all(-len(shape) <= k < len(shape) for k in axes):
            weights = tuple(shape[k] for k in axes)
    return shape, axis, weights


@SETTINGS
@given(case=average_case(), returned=st.booleans(), keepdims=st.booleans())
def test_average(case, returned, keepdims):
    """np.average through the table's handler: the weights checked against a, and with
    returned=True the average and the sum of weights, both of the average's shape."""
    from shapelint import numpy_api
    from shapelint.values import NONE, Args, Array, Int, Tup

    shape, axis, weights = case
    if not shape and axis in (0, -1) and weights in (None, ()):
        return  # np.mean's refusal of axis 0 on a 0-d array, which ops.reduce accepts (test_shapes_oracle)
    axis_value = NONE if axis is None else Int(Dim.lit(axis)) if isinstance(axis, int) else \
        Tup(tuple(Int(Dim.lit(k)) for k in axis))
    kwargs = {"axis": axis_value, "returned": Int(Dim.lit(int(returned))), "keepdims": Int(Dim.lit(int(keepdims)))}
    if weights is not None:
        kwargs["weights"] = Array(S(weights))

    def ours():
        out = numpy_api.FUNCTIONS["average"](Args([Array(S(shape))], kwargs))
        return [v.shape for v in out.items] if isinstance(out, Tup) else [out.shape]

    def theirs():
        w = None if weights is None else np.ones(weights)
        out = np.average(np.ones(shape), axis=axis, weights=w, returned=returned, keepdims=keepdims)
        return out if returned else (out,)

    try:
        expected = numpy_shapes(theirs)
    except ZeroDivisionError:
        return  # weights that sum to zero (an empty axis): a refusal for the values, not the shapes
    what = f"average({shape}, axis={axis}, weights={weights}, returned={returned}, keepdims={keepdims})"
    assert_agree_many(run_ops_many(ours), expected, what)


vector_or_not = st.lists(st.integers(0, 4), min_size=0, max_size=2).map(tuple)  # 0-d, 1-D or 2-D


@st.composite
def fitting(draw, *ranks):
    """Shapes that usually fit together: each of the given rank, starting with one shared size;
    sometimes any shape of up to 2 dimensions instead (a refusal, mostly)."""
    n = draw(st.integers(0, 4))
    out = []
    for rank in ranks:
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(vector_or_not))
        else:
            out.append((n,) + tuple(draw(st.integers(0, 4)) if k else n for k in range(1, rank)))
    return out


@SETTINGS
@given(shapes_=fitting(1, 1), x=small, periodic=st.booleans())
def test_interp(shapes_, x, periodic):
    xp, fp = shapes_
    # sample points increasing, so that numpy's answer depends on the shapes alone
    points = np.arange(int(np.prod(xp)), dtype=float).reshape(xp)
    kwargs = {"period": 10.0} if periodic else {}
    check(lambda: ss.interp(S(x), S(xp), S(fp)), lambda: np.interp(arr(x), points, arr(fp), **kwargs),
          f"interp({x}, {xp}, {fp}, periodic={periodic})")


@SETTINGS
@given(shapes_=fitting(1, 2), square=st.booleans(), size=st.one_of(st.none(), small), legacy=st.booleans())
def test_multivariate_normal(shapes_, square, size, legacy):
    mean, cov = shapes_
    if square and len(cov) == 2:
        cov = (cov[0], cov[0])
    draw = np.random.multivariate_normal if legacy else np.random.default_rng(0).multivariate_normal
    # a valid covariance where it is square, so that only the shapes can fail
    values = np.eye(cov[0]) if len(cov) == 2 and cov[0] == cov[1] else arr(cov)
    what = f"multivariate_normal({mean}, {cov}, size={size}, legacy={legacy})"
    theirs = run_numpy(lambda: draw(arr(mean), values, size))
    try:
        out = ss.multivariate_normal(S(mean), S(cov), SCALAR if size is None else S(size))
    except ShapeError as exc:
        assert refused(theirs), f"{what}: ops refuses ({exc}), numpy gives {theirs}"
        return
    if out is None:  # left unknown only for an empty mean, which numpy's Generator refuses and the legacy draws
        assert (len(mean) == 1 and mean[0] == 0) or (len(cov) == 2 and cov[0] == 0), what
        return
    assert_agree(concrete(out), theirs, what)


@SETTINGS
@given(shapes_=fitting(1, 2, 1), y_1d=st.booleans(), deg=st.integers(-1, 3), weighted=st.booleans())
def test_polyfit(shapes_, y_1d, deg, weighted):
    x, y, w = shapes_
    if y_1d:
        y = y[:1]
    w = w if weighted else None
    rng = np.random.default_rng(0)
    weights = None if w is None else rng.random(w) + 1
    check(lambda: ss.polyfit(S(x), S(y), deg, None if w is None else S(w)),
          lambda: np.polyfit(rng.random(x), rng.random(y), deg, w=weights),
          f"polyfit({x}, {y}, {deg}, w={w})")
