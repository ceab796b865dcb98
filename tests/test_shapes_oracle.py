"""numpy as the oracle for the shape algebra.

For random concrete shapes every transfer function in ``shapelint.shapes.ops``
must agree with real numpy run on (tiny) arrays of those shapes: the same
result shape, or both refuse.  ops refuses by raising a ``ShapeError``; numpy
refuses by raising ValueError / IndexError / TypeError / AxisError.  For fully
concrete inputs ops must never answer ``None`` (unknown) and never answer a
shape with a non-literal dim.

Known, deliberate differences (asserted precisely where they occur):

* max/argmax over an empty reduction raise in numpy ("no identity", "empty
  sequence").  That depends on the function's identity, which ``ops.reduce``
  is not told, so ops answers the shape.
* np.mean (std, var, median) refuse ``axis=0``/``axis=-1`` on a 0-d array,
  while sum/max/argmax (every ufunc reduction) accept it.  ``ops.reduce``
  does not know which function it models, so it accepts (a refusal must be
  certain).
"""

from __future__ import annotations

import os
import warnings
from typing import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from shapelint.shapes import Dim, Shape, ShapeError, concrete, ops

NP_REFUSALS = (ValueError, IndexError, TypeError, np.exceptions.AxisError)

# SHAPELINT_ORACLE_SCALE=20 for a long hunt; the default run takes ~10-15 s.
_SCALE = int(os.environ.get("SHAPELINT_ORACLE_SCALE", "1"))
SETTINGS = settings(max_examples=250 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=500 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


# --- helpers ----------------------------------------------------------------

REFUSE = "refuse"


def S(t: tuple[int, ...]) -> Shape:
    return Shape.of(*t)


def arr(t: tuple[int, ...]) -> np.ndarray:
    return np.zeros(t)


def run_numpy(fn: Callable[[], object]):
    """numpy's answer: a shape tuple, or (REFUSE, exception)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn()
    except NP_REFUSALS as e:
        return (REFUSE, e)
    return tuple(np.shape(out))


def run_ops(fn: Callable[[], object], expect_none: bool = False):
    """ops' answer: a concrete shape tuple, or (REFUSE, exception).  Anything
    else a ShapeError raised inside is a crash and propagates."""
    try:
        out = fn()
    except ShapeError as e:
        return (REFUSE, e)
    if expect_none:
        assert out is None, f"expected no result, got {out}"
        return None
    assert out is not None, "ops answered 'unknown' (None) for concrete shapes"
    c = concrete(out)
    assert c is not None, f"ops answered a non-concrete shape {out} for concrete input"
    return c


def refused(answer) -> bool:
    return isinstance(answer, tuple) and len(answer) == 2 and answer[0] is REFUSE


def assert_agree(ours, theirs, what: str) -> None:
    event("numpy refuses" if refused(theirs) else "numpy accepts")  # see --hypothesis-show-statistics
    if refused(ours) or refused(theirs):
        assert refused(ours) and refused(theirs), (
            f"{what}: ops -> {ours!r}, numpy -> {theirs!r}"
        )
    else:
        assert ours == theirs, f"{what}: ops -> {ours}, numpy -> {theirs}"


def check(ours_fn, theirs_fn, what: str) -> None:
    assert_agree(run_ops(ours_fn), run_numpy(theirs_fn), what)


# --- strategies -------------------------------------------------------------

dim_values = st.integers(0, 5)
shapes = st.lists(dim_values, min_size=0, max_size=4).map(tuple)
nonempty_shapes = st.lists(dim_values, min_size=1, max_size=4).map(tuple)


@st.composite
def related_shapes(draw, count: int):
    """``count`` shapes that often broadcast: suffixes of one base shape with
    some dims set to 1 (or, rarely, to anything)."""
    base = draw(st.lists(dim_values, min_size=0, max_size=4))
    out = []
    for _ in range(count):
        rank = draw(st.integers(0, len(base)))
        dims = []
        for d in base[len(base) - rank:]:
            how = draw(st.sampled_from(["keep", "keep", "keep", "one", "any"]))
            dims.append(d if how == "keep" else 1 if how == "one" else draw(dim_values))
        out.append(tuple(dims))
    return tuple(out)


def shape_groups(count: int):
    return st.one_of(related_shapes(count), st.tuples(*[shapes] * count))


@st.composite
def product_pair(draw):
    """Operands for matmul/dot/inner that often fit: batch + (m, k) and
    batch' + (k, n), cut down to 1-D or 0-d sometimes, mutated sometimes."""
    (ba, bb) = draw(related_shapes(2))
    ba, bb = ba[:2], bb[:2]
    m, k, n = draw(dim_values), draw(dim_values), draw(dim_values)
    a = ba + (m, k)
    b = bb + (k, n)
    ka = draw(st.sampled_from(["full", "full", "1d", "0d"]))
    kb = draw(st.sampled_from(["full", "full", "1d", "0d"]))
    if ka == "1d":
        a = (k,)
    elif ka == "0d":
        a = ()
    if kb == "1d":
        b = (k,)
    elif kb == "0d":
        b = ()

    def mutate(t):
        t = list(t)
        if t and draw(st.booleans()) and draw(st.booleans()):
            i = draw(st.integers(0, len(t) - 1))
            t[i] = draw(dim_values)
        return tuple(t)

    return mutate(a), mutate(b)


product_pairs = st.one_of(product_pair(), st.tuples(shapes, shapes))

axis_ints = st.integers(-5, 5)
axis_tuples = st.lists(axis_ints, min_size=0, max_size=3).map(tuple)
axes = st.one_of(st.none(), axis_ints, axis_tuples)


# --- broadcasting -------------------------------------------------------------

@SETTINGS
@given(group=st.integers(1, 3).flatmap(shape_groups))
def test_broadcast_matches_broadcast_shapes(group):
    check(lambda: ops.broadcast(*[S(s) for s in group]),
          lambda: np.empty(np.broadcast_shapes(*group)),  # run_numpy reads .shape
          f"broadcast{group}")


@SETTINGS
@given(group=st.integers(2, 3).flatmap(shape_groups))
def test_broadcast_matches_arithmetic(group):
    def add():
        total = arr(group[0])
        for s in group[1:]:
            total = total + arr(s)
        return total

    check(lambda: ops.broadcast(*[S(s) for s in group]), add, f"sum of arrays {group}")


def test_broadcast_of_nothing():
    assert concrete(ops.broadcast()) == np.broadcast_shapes() == ()


def _inplace_add(a, value):
    a += value


def _store(a, value):
    a[...] = value


# writing into an existing array: ``a += v`` (SL012) and ``a[...] = v`` (SL012 on items)
WRITES = [("+=", _inplace_add, ops.broadcast_to_output), ("[...] =", _store, ops.store_into)]


@pytest.mark.parametrize("op, write, check", WRITES, ids=[w[0] for w in WRITES])
@SETTINGS
@given(pair=shape_groups(2))
def test_writes_into_an_array_match_numpy(op, write, check, pair):
    out, value = pair

    def numpy_write():
        a = arr(out)
        write(a, arr(value))
        return a

    theirs = run_numpy(numpy_write)
    ours = run_ops(lambda: check(S(out), S(value)), expect_none=True)
    event("numpy refuses" if refused(theirs) else "numpy accepts")
    if refused(theirs):
        assert refused(ours), f"a{out} {op} {value}: numpy refuses, ops accepts"
    else:
        assert theirs == out
        assert not refused(ours), f"a{out} {op} {value}: ops refuses ({ours[1]!r}), numpy accepts"


@SETTINGS
@given(pair=shape_groups(2), known=st.integers(0, 3))
def test_inplace_of_a_value_seen_by_its_last_axes(pair, known):
    """``a += v`` with only v's last ``known`` axes known (``(..., n)``): a refusal must hold
    whatever v's other axes are, so numpy must refuse v itself."""
    out, value = pair
    if len(value) < known:
        return
    partial = Shape(S(value).dims[len(value) - known:], batch="v")

    def numpy_write():
        a = arr(out)
        a += arr(value)
        return a

    theirs = run_numpy(numpy_write)
    ours = run_ops(lambda: ops.broadcast_to_output(S(out), partial), expect_none=True)
    if refused(ours):
        event("ops refuses")
        assert refused(theirs), f"a{out} += (..{value[len(value) - known:]}): ops refuses, numpy gives {theirs}"


# --- products -----------------------------------------------------------------

@MANY
@given(pair=product_pairs)
def test_matmul(pair):
    a, b = pair
    check(lambda: ops.matmul(S(a), S(b)), lambda: np.matmul(arr(a), arr(b)), f"matmul{pair}")


@MANY
@given(pair=product_pairs)
def test_matmul_operator(pair):
    a, b = pair
    check(lambda: ops.matmul(S(a), S(b)), lambda: arr(a) @ arr(b), f"{a} @ {b}")


@MANY
@given(pair=product_pairs)
def test_dot(pair):
    a, b = pair
    check(lambda: ops.dot(S(a), S(b)), lambda: np.dot(arr(a), arr(b)), f"dot{pair}")


@SETTINGS
@given(pair=product_pairs)
def test_inner(pair):
    a, b = pair
    check(lambda: ops.inner(S(a), S(b)), lambda: np.inner(arr(a), arr(b)), f"inner{pair}")


@SETTINGS
@given(a=shapes, b=shapes, k=dim_values)
def test_inner_aligned(a, b, k):
    a, b = a[:3] + (k,), b[:3] + (k,)
    check(lambda: ops.inner(S(a), S(b)), lambda: np.inner(arr(a), arr(b)), f"inner{a, b}")


@SETTINGS
@given(a=shapes, b=shapes)
def test_outer(a, b):
    check(lambda: ops.outer(S(a), S(b)), lambda: np.outer(arr(a), arr(b)), f"outer{a, b}")


# --- reductions -------------------------------------------------------------

REDUCERS = {
    "sum": lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    "mean": lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    "max": lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
    "argmax": lambda x, axis, keepdims: np.argmax(x, axis=axis, keepdims=keepdims),
}


def _reduced_count(shape: tuple[int, ...], axis) -> int:
    if axis is None:
        picked = range(len(shape))
    else:
        picked = {a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)}
    return int(np.prod([shape[k] for k in picked]))


@MANY
@given(shape=shapes, axis=axes, keepdims=st.booleans(), name=st.sampled_from(sorted(REDUCERS)))
def test_reduce(shape, axis, keepdims, name):
    tuple_ok = name != "argmax"
    ours = run_ops(lambda: ops.reduce(S(shape), axis, keepdims=keepdims, tuple_ok=tuple_ok))
    theirs = run_numpy(lambda: REDUCERS[name](arr(shape), axis, keepdims))
    what = f"{name}({shape}, axis={axis}, keepdims={keepdims})"
    if refused(theirs) and not refused(ours):
        msg = str(theirs[1])
        if name in ("max", "argmax") and ("no identity" in msg or "empty sequence" in msg):
            # data-level refusal: a reduction without identity over no elements
            assert _reduced_count(shape, axis) == 0, what
            return
        if name == "mean" and shape == () and axis in (0, -1):
            # np.mean refuses axis 0/-1 on 0-d, np.sum accepts: see module doc
            assert ours == (), what
            return
    assert_agree(ours, theirs, what)


@MANY
@given(shape=shapes, axis=axes, name=st.sampled_from(sorted(REDUCERS)))
def test_reduce_kept_over_unknown_axes(shape, axis, name):
    # axis=self.dim with keepdims=True: whatever the axes, numpy's result (when it gives one)
    # has the rank kept, and every size shapelint claims
    ours = ops.reduce_kept(S(shape))
    theirs = run_numpy(lambda: REDUCERS[name](arr(shape), axis, True))
    if refused(theirs):
        return
    assert ours is not None and len(ours.dims) == len(theirs), (shape, axis, name)
    for d, n in zip(ours.dims, theirs):
        assert d is None or d.value == n, (shape, axis, name, ours, theirs)


# --- axis shuffles ----------------------------------------------------------

@st.composite
def transpose_axes(draw, ndim: int):
    kind = draw(st.sampled_from(["none", "perm", "perm", "neg-perm", "random"]))
    if kind == "none":
        return None
    if kind == "random":
        return tuple(draw(st.lists(axis_ints, min_size=0, max_size=5)))
    perm = draw(st.permutations(range(ndim)))
    if kind == "neg-perm":
        perm = [p - ndim if draw(st.booleans()) else p for p in perm]
    return tuple(perm)


@MANY
@given(data=st.data(), shape=shapes)
def test_transpose(data, shape):
    ax = data.draw(transpose_axes(len(shape)))
    check(lambda: ops.transpose(S(shape), ax),
          lambda: np.transpose(arr(shape), ax), f"transpose({shape}, {ax})")


@SETTINGS
@given(shape=shapes, a=axis_ints, b=axis_ints)
def test_swapaxes(shape, a, b):
    check(lambda: ops.swapaxes(S(shape), a, b),
          lambda: np.swapaxes(arr(shape), a, b), f"swapaxes({shape}, {a}, {b})")


@SETTINGS
@given(shape=shapes, a=axis_ints, b=axis_ints)
def test_moveaxis(shape, a, b):
    check(lambda: ops.moveaxis(S(shape), a, b),
          lambda: np.moveaxis(arr(shape), a, b), f"moveaxis({shape}, {a}, {b})")


@MANY
@given(shape=shapes, axis=st.one_of(st.integers(-6, 6), st.lists(st.integers(-6, 6), max_size=3).map(tuple)))
def test_expand_dims(shape, axis):
    check(lambda: ops.expand_dims(S(shape), axis),
          lambda: np.expand_dims(arr(shape), axis), f"expand_dims({shape}, {axis})")


ones_heavy_shapes = st.lists(st.sampled_from([0, 1, 1, 1, 2, 3]), max_size=4).map(tuple)


@MANY
@given(shape=st.one_of(shapes, ones_heavy_shapes), axis=axes)
def test_squeeze(shape, axis):
    check(lambda: ops.squeeze(S(shape), axis),
          lambda: np.squeeze(arr(shape), axis), f"squeeze({shape}, {axis})")


@SETTINGS
@given(shape=shapes)
def test_ravel(shape):
    check(lambda: ops.ravel(S(shape)), lambda: np.ravel(arr(shape)), f"ravel({shape})")


# --- reshape ------------------------------------------------------------------

@st.composite
def reshape_case(draw):
    shape = draw(shapes)
    kind = draw(st.sampled_from(["factor", "factor", "random"]))
    if kind == "factor":
        # a target of the same size: the dims shuffled, merged, with 1s added
        target = list(draw(st.permutations(shape)))
        while len(target) >= 2 and draw(st.booleans()):
            i = draw(st.integers(0, len(target) - 2))
            target[i: i + 2] = [target[i] * target[i + 1]]
        for _ in range(draw(st.integers(0, 2))):
            target.insert(draw(st.integers(0, len(target))), 1)
        if target and draw(st.booleans()):
            target[draw(st.integers(0, len(target) - 1))] += draw(st.sampled_from([-1, 1]))
    else:
        target = draw(st.lists(st.integers(0, 8), max_size=4))
    # unknowns: -1 mostly, other negatives sometimes, once or twice
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        if target:
            i = draw(st.integers(0, len(target) - 1))
            target[i] = draw(st.sampled_from([-1, -1, -1, -2, -7]))
    return shape, tuple(target)


@MANY
@given(case=reshape_case())
def test_reshape(case):
    shape, target = case
    check(lambda: ops.reshape(S(shape), [Dim.lit(t) for t in target]),
          lambda: arr(shape).reshape(target), f"reshape({shape}, {target})")


# --- indexing -----------------------------------------------------------------

bounds = st.one_of(st.none(), st.integers(-7, 7))


@st.composite
def index_item(draw):
    """(item for ops.index, item for numpy)."""
    kind = draw(st.sampled_from(["int", "int", "slice", "slice", "slice", "newaxis", "ellipsis"]))
    if kind == "int":
        k = draw(st.integers(-7, 7))
        return (Dim.lit(k) if draw(st.booleans()) else k), k
    if kind == "slice":
        start, stop = draw(bounds), draw(bounds)
        step = draw(st.one_of(st.none(), st.integers(-3, 3)))
        lit = lambda v: None if v is None else Dim.lit(v)  # noqa: E731
        return ops.Slice(lit(start), lit(stop), lit(step)), slice(start, stop, step)
    if kind == "newaxis":
        return ops.NEWAXIS, None
    return ops.ELLIPSIS, Ellipsis


@MANY
@given(shape=shapes, items=st.lists(index_item(), max_size=5))
def test_index(shape, items):
    ours_items = [o for o, _ in items]
    np_items = tuple(t for _, t in items)
    check(lambda: ops.index(S(shape), ours_items),
          lambda: arr(shape)[np_items], f"{shape}[{np_items}]")


@st.composite
def array_index(draw, shape):
    """(ops.Advanced, numpy index) for an array index into ``shape`` at some axis: integers of
    any shape (in bounds when the axis has room), or a boolean mask over the axes from there."""
    axis = draw(st.integers(0, max(len(shape) - 1, 0)))
    kind = draw(st.sampled_from(["int", "int-unknown", "mask", "mask-unknown"]))
    if kind.startswith("int"):
        ishape = tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=2)))
        size = shape[axis] if shape else 0
        values = np.array(draw(st.lists(st.integers(-size, max(size - 1, 0)), min_size=int(np.prod(ishape)),
                                        max_size=int(np.prod(ishape)))), dtype=int).reshape(ishape)
        return axis, ops.Advanced(S(ishape), None if kind == "int-unknown" else False), values
    rank = draw(st.integers(1, max(len(shape) - axis, 1)))
    mshape = tuple(shape[axis:axis + rank]) or (1,)
    if draw(st.integers(0, 3)) == 0:  # sometimes one size that is not its axis's: numpy refuses
        k = draw(st.integers(0, len(mshape) - 1))
        mshape = mshape[:k] + (draw(st.integers(0, 4)),) + mshape[k + 1:]
    values = np.array(draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)), max_size=int(np.prod(mshape)))),
                      dtype=bool).reshape(mshape)
    return axis, ops.Advanced(S(mshape), None if kind == "mask-unknown" else True), values


@MANY
@given(shape=shapes, data=st.data())
def test_index_with_one_array(shape, data):
    """One array index among slices, newaxis and an ellipsis: where ops answers, it has numpy's
    rank and each dim it knows is numpy's (a mask's count and an index of unknown dtype are not
    known); where ops refuses, numpy does."""
    axis, ours, values = data.draw(array_index(shape))
    # the axes before it: slices, ints (which numpy broadcasts with the array) and newaxis; after
    # it, maybe more of them, or an ellipsis first and slices up to it
    consumed = len(ours.shape.dims) if values.dtype == bool else 1
    plain = {"slice": (ops.Slice(), slice(None)), "int": (Dim.lit(0), 0), "newaxis": (ops.NEWAXIS, None)}
    if data.draw(st.booleans()):
        head = [("ellipsis", (ops.ELLIPSIS, Ellipsis))]
        tail = [plain[data.draw(st.sampled_from(["slice", "int"]))] for _ in range(max(len(shape) - axis - consumed, 0))]
    else:
        kinds = [data.draw(st.sampled_from(["slice", "int"])) for _ in range(axis)]
        head = [(k, plain[k]) for k in kinds]
        for _ in range(data.draw(st.integers(0, 1))):
            head.insert(data.draw(st.integers(0, len(head))), ("newaxis", plain["newaxis"]))
        tail = [plain[data.draw(st.sampled_from(["slice", "int"]))]
                for _ in range(data.draw(st.integers(0, max(len(shape) - axis - consumed, 0))))]
    head_ours, head_np = [o for _, (o, _) in head], [n for _, (_, n) in head]
    tail_ours, tail_np = [o for o, _ in tail], [n for _, n in tail]
    ours_items, np_items = head_ours + [ours] + tail_ours, tuple(head_np + [values] + tail_np)
    expected = run_numpy(lambda: arr(shape)[np_items])
    try:
        got = ops.index(S(shape), ours_items)
    except ShapeError:
        assert expected[0] == REFUSE, f"{shape}[{np_items}]: ops refused, numpy gave {expected}"
        return
    mismatched = values.dtype == bool and ours.boolean is True and expected[0] == REFUSE \
        and "boolean index did not match" in str(expected[1])
    assert not mismatched, f"{shape}[{np_items}]: numpy refuses the mask's sizes ({expected[1]}), ops gave {got}"
    if got is None or expected[0] == REFUSE:
        event("unknown" if got is None else "numpy refused a value (out of bounds)")
        return
    assert len(got.dims) == len(expected), f"{shape}[{np_items}]: {got} vs numpy {expected}"
    for d, e in zip(got.dims, expected):
        assert d is None or d.value == e, f"{shape}[{np_items}]: {got} vs numpy {expected}"
    event("answered")


def test_index_with_one_array_examples():
    n, d = Dim.sym("n"), Dim.sym("d")
    W = Shape((n, d))
    assert ops.index(W, [ops.Advanced(Shape((Dim.sym("k"),)), None)]) == Shape((None, d))
    assert ops.index(W, [ops.Advanced(Shape((Dim.sym("k"),)), False)]) == Shape((Dim.sym("k"), d))
    assert ops.index(W, [ops.Slice(), ops.Advanced(Shape.of(2), False)]) == Shape((n, Dim.lit(2)))
    assert ops.index(W, [ops.Advanced(Shape((n, d)), True)]) == Shape((None,))
    assert ops.index(W, [ops.Advanced(Shape.of(2, 2), None)]) is None  # integers or a 2-D mask: not known
    assert ops.index(W, [ops.Advanced(Shape.of(2), None), ops.Advanced(Shape.of(2), None)]) is None
    # an int and the array separated by a slice: numpy puts the array's dims first
    X = Shape((n, d, Dim.sym("c")))
    assert ops.index(X, [0, ops.Slice(), ops.Advanced(Shape.of(5), False)]) == Shape((Dim.lit(5), d))
    assert ops.index(X, [ops.Slice(), 0, ops.Advanced(Shape.of(5), False)]) == Shape((n, Dim.lit(5)))


# --- shapes with unknown leading axes --------------------------------------------
#
# (..., n, d): only the last ``known`` axes of a concrete shape are given.  An answer must be
# numpy's result's last axes, behind unknown leading ones; a refusal must be numpy's.

def _seen_by_its_last(shape: tuple[int, ...], known: int) -> Shape:
    return Shape(S(shape).dims[len(shape) - known:], batch="x")


def _check_trailing(ours_fn, theirs_fn, what: str) -> None:
    theirs = run_numpy(theirs_fn)
    try:
        ours = ours_fn()
    except ShapeError:
        assert refused(theirs), f"{what}: ops refuses, numpy gives {theirs}"
        return
    if ours is None:
        return
    event("answered")
    assert not refused(theirs), f"{what}: ops -> {ours}, numpy refuses"
    tail = concrete(Shape(ours.dims))
    assert ours.batch == "x" and len(theirs) >= len(tail) and theirs[len(theirs) - len(tail):] == tail, \
        f"{what}: ops -> {ours}, numpy {theirs}"


AXIS_PAIRS = [("swapaxes", ops.swapaxes, np.swapaxes), ("moveaxis", ops.moveaxis, np.moveaxis)]


@pytest.mark.parametrize("name, op, theirs_op", AXIS_PAIRS, ids=[p[0] for p in AXIS_PAIRS])
@SETTINGS
@given(shape=shapes, known=st.integers(0, 4), a=st.integers(-5, 1), b=st.integers(-5, 1))
def test_axis_pairs_of_trailing_axes(name, op, theirs_op, shape, known, a, b):
    if known <= len(shape):
        _check_trailing(lambda: op(_seen_by_its_last(shape, known), a, b),
                        lambda: theirs_op(arr(shape), a, b), f"{name}(..{shape[len(shape) - known:]}, {a}, {b})")


@SETTINGS
@given(pair=shape_groups(2), known=st.integers(0, 3))
def test_broadcast_with_an_operand_seen_by_its_last_axes(pair, known):
    """``x * f(x)``, ``np.where(f(x), x, 0)``: ``a`` seen by its last ``known`` axes only (none:
    nothing known).  A refusal must be numpy's; a result numpy computes must end as ours does
    (numpy may refuse what ops answers: a's unknown axes may not fit)."""
    a, b = pair
    if known > len(a):
        return
    theirs = run_numpy(lambda: arr(a) + arr(b))
    try:
        ours = ops.broadcast(_seen_by_its_last(a, known), S(b))
    except ShapeError:
        assert refused(theirs), f"broadcast(..{a[len(a) - known:]}, {b}): ops refuses, numpy gives {theirs}"
        return
    if ours is None or refused(theirs):
        return
    event("answered")
    tail = concrete(Shape(ours.dims))
    assert tail is None or theirs[len(theirs) - len(tail):] == tail, \
        f"broadcast(..{a[len(a) - known:]}, {b}): {ours} vs {theirs}"


@SETTINGS
@given(shape=shapes, known=st.integers(0, 4))
def test_matrix_transpose_of_trailing_axes(shape, known):
    if known <= len(shape):
        _check_trailing(lambda: ops.matrix_transpose(_seen_by_its_last(shape, known)),
                        lambda: np.swapaxes(arr(shape), -1, -2), f"(..{shape[len(shape) - known:]}).mT")


@MANY
@given(shape=shapes, known=st.integers(0, 4), items=st.lists(index_item(), max_size=4))
def test_index_after_an_ellipsis(shape, known, items):
    if known > len(shape):
        return
    items = [(ops.ELLIPSIS, Ellipsis)] + items
    ours_items = [o for o, _ in items]
    np_items = tuple(t for _, t in items)
    _check_trailing(lambda: ops.index(_seen_by_its_last(shape, known), ours_items),
                    lambda: arr(shape)[np_items], f"(..{shape[len(shape) - known:]})[{np_items}]")


@SETTINGS
@given(shape=shapes)
def test_matrix_transpose(shape):
    # numpy 2's x.mT is x.swapaxes(-1, -2), refused below two axes (the oracle runs on numpy 1 too)
    check(lambda: ops.matrix_transpose(S(shape)), lambda: np.swapaxes(arr(shape), -1, -2), f"{shape}.mT")


# --- symbolic instances -------------------------------------------------------
#
# Soundness of the symbolic rules, with numpy still the oracle: take a concrete
# case, replace some dims by symbols that the concrete values satisfy, and run
# ops on the symbolic shapes.  Then a refusal must be a refusal numpy makes on
# the values, and a result must evaluate to numpy's shape wherever both answer.
# ("Unknown" is always allowed.)  Symbols are chosen so the values satisfy the
# declared-symbol assumptions: one declared symbol per value (distinct symbols,
# distinct sizes), and only for values >= 2 (a declared size is positive and
# never 1).  Documented symbols (a docstring's names) make the same assumptions
# within their group only: one per value and group, two groups.  Opaque symbols
# may stand for anything, 0 and 1 included.

class Symbolizer:
    def __init__(self, data, mode: str):
        self.data, self.mode, self.env = data, mode, {}

    def dim(self, v: int) -> Dim:
        if v < 0 or not self.data.draw(st.booleans()):
            return Dim.lit(v)
        if self.mode == "declared":
            if v < 2:
                return Dim.lit(v)
            sym = Dim.sym(f"n{v}")
        elif self.mode == "documented":
            if v < 2:
                return Dim.lit(v)
            sym = Dim.documented(f"d{v}x", self.data.draw(st.sampled_from(["f", "g"])))
        elif self.mode == "opaque":  # one opaque symbol per value
            sym = Dim.sym(f"o{v}", opaque=True)
        else:  # a fresh opaque symbol per position
            sym = Dim.sym(f"f{len(self.env)}", opaque=True)
        self.env[sym.symbol] = v
        return sym

    def shape(self, t: tuple[int, ...]) -> Shape:
        return Shape(tuple(self.dim(v) for v in t))

    def value(self, dim: Dim) -> int:
        return sum(c * int(np.prod([self.env[x] for x in mono])) for mono, c in dim.terms)


def _symbolic_case(op: str, data, sy: Symbolizer):
    """(ops thunk, numpy thunk) for one drawn case."""
    draw = data.draw
    if op == "broadcast":
        g = draw(st.integers(2, 3).flatmap(shape_groups))
        return lambda: ops.broadcast(*[sy.shape(s) for s in g]), lambda: np.empty(np.broadcast_shapes(*g))
    if op == "broadcast_to_output":
        o, v = draw(shape_groups(2))

        def inplace():
            x = arr(o)
            x += arr(v)
            return x
        return lambda: ops.broadcast_to_output(sy.shape(o), sy.shape(v)), inplace
    if op == "store_into":
        o, v = draw(shape_groups(2))

        def store():
            x = arr(o)
            x[...] = arr(v)
            return x
        return lambda: ops.store_into(sy.shape(o), sy.shape(v)), store
    if op in ("matmul", "dot", "inner", "outer"):
        x, y = draw(product_pairs)
        return (lambda: getattr(ops, op)(sy.shape(x), sy.shape(y)),
                lambda: getattr(np, op)(arr(x), arr(y)))
    shape = draw(shapes)
    if op == "reduce":
        ax, keep = draw(axes), draw(st.booleans())
        return lambda: ops.reduce(sy.shape(shape), ax, keepdims=keep), lambda: np.sum(arr(shape), ax, keepdims=keep)
    if op == "transpose":
        ax = draw(transpose_axes(len(shape)))
        return lambda: ops.transpose(sy.shape(shape), ax), lambda: np.transpose(arr(shape), ax)
    if op in ("swapaxes", "moveaxis"):
        i, j = draw(axis_ints), draw(axis_ints)
        return lambda: getattr(ops, op)(sy.shape(shape), i, j), lambda: getattr(np, op)(arr(shape), i, j)
    if op == "expand_dims":
        ax = draw(st.one_of(st.integers(-6, 6), st.lists(st.integers(-6, 6), max_size=3).map(tuple)))
        return lambda: ops.expand_dims(sy.shape(shape), ax), lambda: np.expand_dims(arr(shape), ax)
    if op == "squeeze":
        shape = draw(ones_heavy_shapes)
        ax = draw(axes)
        return lambda: ops.squeeze(sy.shape(shape), ax), lambda: np.squeeze(arr(shape), ax)
    if op == "ravel":
        return lambda: ops.ravel(sy.shape(shape)), lambda: np.ravel(arr(shape))
    if op == "reshape":
        shape, target = draw(reshape_case())
        return (lambda: ops.reshape(sy.shape(shape), [sy.dim(t) for t in target]),
                lambda: arr(shape).reshape(target))
    if op == "index":
        # ints, newaxis, ellipsis and unbounded slices only: a literal slice
        # bound on a symbolic dim assumes the dim is long enough (by design)
        items = draw(st.lists(st.one_of(
            st.integers(-7, 7).map(lambda k: (k, k)),
            st.just((ops.NEWAXIS, None)),
            st.just((ops.ELLIPSIS, Ellipsis)),
            st.one_of(st.none(), st.integers(-2, 2)).map(
                lambda s: (ops.Slice(step=None if s is None else Dim.lit(s)), slice(None, None, s))),
        ), max_size=4))
        return (lambda: ops.index(sy.shape(shape), [o for o, _ in items]),
                lambda: arr(shape)[tuple(t for _, t in items)])
    raise AssertionError(op)


SYMBOLIC_OPS = ["broadcast", "broadcast_to_output", "store_into", "matmul", "dot", "inner", "outer", "reduce", "transpose",
                "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel", "reshape", "index"]


@settings(max_examples=1000 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), op=st.sampled_from(SYMBOLIC_OPS), mode=st.sampled_from(["declared", "documented", "opaque", "fresh"]))
def test_symbolic_results_hold_for_their_instances(data, op, mode):
    sy = Symbolizer(data, mode)
    ours_fn, theirs_fn = _symbolic_case(op, data, sy)
    check_symbolic(op, mode, sy, ours_fn, theirs_fn)


def check_symbolic(op, mode, sy, ours_fn, theirs_fn) -> None:
    """The symbolic answer, with the symbols' values put in, is numpy's; a refusal is numpy's too."""
    theirs = run_numpy(theirs_fn)
    try:
        ours = ours_fn()
    except ShapeError as e:
        assert refused(theirs), f"{op} [{mode}] refuses ({e!r}) where numpy gives {theirs} ({sy.env})"
        event("both refuse")
        return
    if ours is None or refused(theirs):
        event("ops unknown" if ours is None else "numpy refuses, ops not sure")
        return
    event("both answer")
    assert ours.batch is None and len(ours.dims) == len(theirs), f"{op} [{mode}]: {ours} vs numpy {theirs}"
    for dim, value in zip(ours.dims, theirs):
        assert dim is None or sy.value(dim) == value, f"{op} [{mode}]: {ours} vs numpy {theirs} ({sy.env})"


# --- scikit-learn's safe_sparse_dot -------------------------------------------

def _safe_sparse_dot(a: np.ndarray, b: np.ndarray):
    """What scikit-learn documents for dense operands: ``a @ b`` up to 2-D, else a contraction
    of a's last axis with b's second-to-last (its only one for a vector)."""
    if a.ndim > 2 or b.ndim > 2:
        return np.tensordot(a, b, axes=[-1, -1 if b.ndim == 1 else -2])
    return a @ b


@MANY
@given(pair=product_pairs)
def test_matmul_then_dot(pair):
    a, b = pair
    check(lambda: ops.matmul_then_dot(S(a), S(b)), lambda: _safe_sparse_dot(arr(a), arr(b)), f"safe_sparse_dot{pair}")


def _safe_sparse_dot_of(x, y):
    return _safe_sparse_dot(x, y)


def _partial_product(name, op, theirs_op, a, b, known):
    """``a`` seen only by its last ``known`` axes: None, or (ops' answer, numpy's) when ops
    answers; a refusal by ops must be numpy's."""
    if len(a) < known:
        return None
    partial = Shape(S(a).dims[len(a) - known:], batch="a")
    theirs = run_numpy(lambda: theirs_op(arr(a), arr(b)))
    try:
        ours = op(partial, S(b))
    except ShapeError:
        assert refused(theirs), f"{name}(..{a[len(a) - known:]}, {b}) refused, numpy gives {theirs}"
        return None
    if ours is None:
        return None
    event("answered")
    return ours, theirs


def _ends_as(ours, theirs) -> bool:
    tail = concrete(Shape(ours.dims))
    return len(theirs) >= len(tail) and theirs[len(theirs) - len(tail):] == tail


UNKNOWN_LEFT = [("matmul", ops.matmul, np.matmul), ("dot", ops.dot, np.dot),
                ("safe_sparse_dot", ops.matmul_then_dot, _safe_sparse_dot_of)]


@pytest.mark.parametrize("name, op, theirs_op", UNKNOWN_LEFT, ids=[u[0] for u in UNKNOWN_LEFT])
@SETTINGS
@given(pair=product_pairs, known=st.integers(0, 1))
def test_products_of_unknown_rank(name, op, theirs_op, pair, known):
    """``a`` seen by at most its last axis: a product that numpy computes must end as the answer
    does (for b of 2 or more axes: with b's last); a's unknown axes may not fit, so numpy may
    refuse what ops answers."""
    found = _partial_product(name, op, theirs_op, *pair, known)
    if found is not None and not refused(found[1]):
        ours, theirs = found
        assert ours.batch is not None and _ends_as(ours, theirs), f"{name}{pair}: {ours} vs numpy {theirs}"


@SETTINGS
@given(pair=product_pairs, known=st.integers(1, 4))
def test_matmul_then_dot_of_unknown_rank(pair, known):
    """``a`` seen only by its last ``known`` axes: a refusal must be numpy's, and a shape must
    end as numpy's does (the axes before those are not known)."""
    found = _partial_product("safe_sparse_dot", ops.matmul_then_dot, _safe_sparse_dot, *pair, known)
    if found is not None:
        ours, theirs = found
        assert not refused(theirs), f"safe_sparse_dot{pair} (last {known} of a known): ops -> {ours}, numpy refuses"
        assert ours.batch == "a" and _ends_as(ours, theirs), f"safe_sparse_dot{pair}: {ours} vs numpy {theirs}"
