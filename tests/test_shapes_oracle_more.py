"""numpy as the oracle for the transfer functions added for joining, einsum,
np.linalg and friends (tensordot, kron, trace, diag, tile, repeat, pad, take,
triu, flip, roll, atleast_*d, broadcast_to, cross).

Same contract as ``test_shapes_oracle``: on random concrete shapes ops gives
numpy's result shape, or both refuse; on symbolic instances of those shapes
a refusal is one numpy makes and a result evaluates to numpy's shape.

Known, deliberate differences (asserted precisely where they occur):

* np.linalg.lstsq: the length of ``residuals`` depends on the rank of ``a``
  (data), so ops answers ``(?,)`` unless ``m <= n`` makes it empty.
* np.linalg.norm with ord -1, -2 or -inf over an empty axis raises
  ("zero-size array to reduction operation minimum which has no identity"):
  a data-level refusal of the reduction, as for np.max in the first file.
* np.take raises for an index array whose values are out of bounds: the test
  draws in-bounds index values (zeros), except for an empty axis, which no
  index fits; ops refuses that one as numpy does.
"""

from __future__ import annotations

import string
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from shapelint import numpy_api
from shapelint.shapes import Dim, Shape, ShapeError, concrete, ops
from shapelint.shapes.dim import substitute
from shapelint.values import Args, Array, Int, Scalar, Tup, shape_of
from test_shapes_oracle import (
    _SCALE, Symbolizer, S, arr, assert_agree, check, check_symbolic, dim_values, refused, related_shapes, run_numpy,
    run_ops, shapes,
)

SETTINGS = settings(max_examples=200 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=100 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::DeprecationWarning")

small_dims = st.integers(0, 4)


def run_ops_many(fn):
    """ops' answer for a function that returns several shapes: a tuple of concrete shapes
    (None for a component ops leaves unknown), or (REFUSE, exc)."""
    try:
        out = fn()
    except ShapeError as e:
        return ("refuse", e)
    return tuple(None if s is None else concrete(s) for s in out)


def numpy_shapes(fn):
    """numpy's shapes of each result of ``fn``, or (REFUSE, exc)."""
    try:
        with np.errstate(all="ignore"):
            out = fn()
    except (ValueError, IndexError, TypeError, np.exceptions.AxisError) as e:
        return ("refuse", e)
    return tuple(np.shape(x) for x in out)


def assert_agree_many(ours, theirs, what: str, unknown_ok=()) -> None:
    """Component by component; ``unknown_ok``: components ops may leave unknown (a dim None)."""
    event("numpy refuses" if refused(theirs) else "numpy accepts")
    if refused(ours) or refused(theirs):
        assert refused(ours) and refused(theirs), f"{what}: ops -> {ours!r}, numpy -> {theirs!r}"
        return
    assert len(ours) == len(theirs), f"{what}: ops -> {ours}, numpy -> {theirs}"
    for k, (o, t) in enumerate(zip(ours, theirs)):
        if k in unknown_ok:
            continue
        assert o == t, f"{what}: result {k}: ops -> {o}, numpy -> {t}"


# --- joining -----------------------------------------------------------------

@st.composite
def join_group(draw, max_count: int = 3):
    """Shapes that often join: one base shape, copies with one axis changed, ranks sometimes cut."""
    base = draw(st.lists(dim_values, min_size=0, max_size=3))
    count = draw(st.integers(0, max_count))
    out = []
    for _ in range(count):
        dims = list(base)
        how = draw(st.sampled_from(["same", "same", "axis", "axis", "rank", "any"]))
        if how == "axis" and dims:
            dims[draw(st.integers(0, len(dims) - 1))] = draw(dim_values)
        elif how == "rank":
            dims = dims[draw(st.integers(0, len(dims))):]
        elif how == "any":
            dims = draw(st.lists(dim_values, max_size=3))
        out.append(tuple(dims))
    return out


join_axes = st.one_of(st.none(), st.integers(-4, 4))


@SETTINGS
@given(group=join_group(), axis=join_axes)
def test_concatenate(group, axis):
    check(lambda: ops.concatenate([S(s) for s in group], axis),
          lambda: np.concatenate([arr(s) for s in group], axis=axis), f"concatenate({group}, axis={axis})")


@SETTINGS
@given(pair=join_group(max_count=2).filter(lambda g: len(g) == 2), axis=join_axes)
def test_append(pair, axis):
    # through the table: np.append is np.concatenate of the pair, flattened without an axis
    given_axis = {} if axis is None else {"axis": Int(Dim.lit(axis))}
    check(lambda: shape_of(numpy_api.FUNCTIONS["append"](Args([Array(S(pair[0])), Array(S(pair[1]))], given_axis))),
          lambda: np.append(arr(pair[0]), arr(pair[1]), axis=axis), f"append({pair}, axis={axis})")


@SETTINGS
@given(group=join_group(), axis=st.integers(-4, 4))
def test_stack(group, axis):
    check(lambda: ops.stack([S(s) for s in group], axis),
          lambda: np.stack([arr(s) for s in group], axis=axis), f"stack({group}, axis={axis})")


JOINERS = {
    "vstack": (ops.vstack, np.vstack), "hstack": (ops.hstack, np.hstack),
    "column_stack": (ops.column_stack, np.column_stack), "dstack": (ops.dstack, np.dstack),
}
if hasattr(np, "row_stack"):
    JOINERS["row_stack"] = (lambda shapes: ops.vstack(shapes, func="row_stack"), np.row_stack)


@SETTINGS
@given(group=join_group(), name=st.sampled_from(sorted(JOINERS)))
def test_stack_family(group, name):
    ours, theirs = JOINERS[name]
    check(lambda: ours([S(s) for s in group]), lambda: theirs([arr(s) for s in group]), f"{name}({group})")


@FEW
@given(shape=shapes, n=st.sampled_from([1, 2, 3]))
def test_atleast_nd(shape, n):
    fn = {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[n]
    check(lambda: ops.atleast_nd(S(shape), n), lambda: fn(arr(shape)), f"atleast_{n}d({shape})")


# --- einsum ------------------------------------------------------------------------

LETTERS = "ijkA"


@st.composite
def einsum_case(draw):
    """(subscripts, operand shapes): sizes per letter, operands mostly fitting them."""
    size = {ch: draw(st.sampled_from([0, 1, 2, 2, 3, 3, 4])) for ch in LETTERS}
    ell_base = draw(st.lists(dim_values, max_size=2))
    n_ops = draw(st.integers(1, 3))
    terms, shapes_ = [], []
    for _ in range(n_ops):
        letters = draw(st.lists(st.sampled_from(LETTERS), max_size=3))
        ell_at = draw(st.one_of(st.none(), st.integers(0, len(letters)))) if draw(st.booleans()) else None
        dims = []
        for ch in letters:
            how = draw(st.sampled_from(["keep"] * 6 + ["one", "any"]))
            dims.append(size[ch] if how == "keep" else 1 if how == "one" else draw(dim_values))
        term = "".join(letters)
        if ell_at is not None:
            ell = ell_base[len(ell_base) - draw(st.integers(0, len(ell_base))):]
            if ell and draw(st.integers(0, 5)) == 0:
                ell = [1] + list(ell[1:])
            term = term[:ell_at] + "..." + term[ell_at:]
            dims = dims[:ell_at] + list(ell) + dims[ell_at:]
        if draw(st.integers(0, 9)) == 0:  # a wrong rank now and then
            dims = dims[1:] if dims and draw(st.booleans()) else dims + [draw(dim_values)]
        terms.append(term)
        shapes_.append(tuple(dims))
    sub = ",".join(terms)
    out = draw(st.sampled_from(["implicit", "implicit", "explicit", "explicit", "explicit-ell", "wrong"]))
    used = sorted({ch for t in terms for ch in t if ch.isalpha()})
    if out in ("explicit", "explicit-ell"):
        picked = draw(st.permutations(used))[: draw(st.integers(0, len(used)))]
        o = "".join(picked)
        if out == "explicit-ell":
            k = draw(st.integers(0, len(o)))
            o = o[:k] + "..." + o[k:]
        sub += "->" + o
    elif out == "wrong":
        sub += "->" + draw(st.sampled_from(["ii", "z", "..i", "i,j", "......", ""]))
    if draw(st.integers(0, 14)) == 0:  # spaces are allowed anywhere
        sub = sub.replace(",", ", ")
    if draw(st.integers(0, 19)) == 0:  # an operand too many or too few
        shapes_ = shapes_[:-1] if len(shapes_) > 1 and draw(st.booleans()) else shapes_ + [()]
    if draw(st.integers(0, 29)) == 0:  # a bad character
        sub = sub.replace("i", draw(st.sampled_from(["1", ".", "-", ">", "\t"])), 1)
    return sub, tuple(shapes_)


@settings(max_examples=400 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=einsum_case())
def test_einsum(case):
    sub, shapes_ = case
    check(lambda: ops.einsum(sub, [S(s) for s in shapes_]),
          lambda: np.einsum(sub, *[arr(s) for s in shapes_], optimize=False), f"einsum({sub!r}, {shapes_})")


@settings(max_examples=150 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=einsum_case())
def test_einsum_any_labels_is_numpy_with_a_label_renamed(case):
    # jax.numpy.einsum (through opt_einsum) takes a digit as an index: numpy's einsum with the
    # letter A written '1' (both sort before every other letter used, so implicit outputs agree)
    sub, shapes_ = case
    if any(ch.isdigit() or ch == "\t" for ch in sub):
        return  # a digit or a tab drawn as the bad character: an index in opt_einsum's reading
    renamed = sub.replace("A", "1")
    check(lambda: ops.einsum(renamed, [S(s) for s in shapes_], any_labels=True),
          lambda: np.einsum(sub, *[arr(s) for s in shapes_], optimize=False),
          f"einsum({renamed!r}, {shapes_}, any_labels=True)")


def test_einsum_implicit_output_orders_by_character_code():
    # uppercase letters sort before lowercase ones, as numpy orders them
    assert concrete(ops.einsum("Ab,cB", [S((2, 3)), S((4, 5))])) == np.einsum(
        "Ab,cB", np.zeros((2, 3)), np.zeros((4, 5))).shape == (2, 5, 3, 4)


# --- linear algebra ------------------------------------------------------------------

def linalg_arr(t: tuple[int, ...]) -> np.ndarray:
    """Stacks of identity matrices where the last two dims are square (numpy then never refuses
    for the data: eye is invertible and positive definite), zeros otherwise."""
    if len(t) >= 2 and t[-1] == t[-2]:
        return np.broadcast_to(np.eye(t[-1]), t).copy()
    return np.zeros(t)


@st.composite
def matrix_shape(draw, square_often: bool = True):
    lead = draw(st.lists(small_dims, max_size=2))
    m = draw(small_dims)
    n = m if square_often and draw(st.integers(0, 3)) else draw(small_dims)
    shape = lead + [m, n]
    if draw(st.integers(0, 7)) == 0:
        shape = shape[draw(st.integers(1, len(shape))):]  # 1-D or 0-d now and then
    return tuple(shape)


SINGLE = {
    "inv": (lambda s: ops.inv(s), np.linalg.inv),
    "pinv": (ops.pinv, np.linalg.pinv),
    "det": (lambda s: ops.det(s), np.linalg.det),
    "eigvals": (lambda s: ops.eigvals(s), np.linalg.eigvals),
    "eigvalsh": (lambda s: ops.eigvals(s, func="eigvalsh"), np.linalg.eigvalsh),
    "cholesky": (lambda s: ops.inv(s, func="cholesky"), np.linalg.cholesky),
    "matrix_power": (lambda s: ops.inv(s, func="matrix_power"), lambda x: np.linalg.matrix_power(x, 3)),
    "matrix_power_neg": (lambda s: ops.inv(s, func="matrix_power"), lambda x: np.linalg.matrix_power(x, -1)),
}


@SETTINGS
@given(shape=matrix_shape(), name=st.sampled_from(sorted(SINGLE)))
def test_linalg_single(shape, name):
    ours, theirs = SINGLE[name]
    check(lambda: ours(S(shape)), lambda: theirs(linalg_arr(shape)), f"{name}({shape})")


PAIRS = {
    "eig": (lambda s: ops.eig(s), np.linalg.eig),
    "eigh": (lambda s: ops.eig(s, func="eigh"), np.linalg.eigh),
    "slogdet": (ops.slogdet, np.linalg.slogdet),
}


@SETTINGS
@given(shape=matrix_shape(), name=st.sampled_from(sorted(PAIRS)))
def test_linalg_pairs(shape, name):
    ours, theirs = PAIRS[name]
    assert_agree_many(run_ops_many(lambda: ours(S(shape))), numpy_shapes(lambda: theirs(linalg_arr(shape))),
                      f"{name}({shape})")


@SETTINGS
@given(shape=matrix_shape(square_often=False), full=st.booleans(), uv=st.booleans(), herm=st.booleans())
def test_svd(shape, full, uv, herm):
    what = f"svd({shape}, full_matrices={full}, compute_uv={uv}, hermitian={herm})"
    theirs = numpy_shapes(lambda: (lambda r: r if uv else (r,))(
        np.linalg.svd(linalg_arr(shape), full_matrices=full, compute_uv=uv, hermitian=herm)))
    ours = run_ops_many(lambda: (lambda r: r if uv else (r,))(ops.svd(S(shape), full, uv, herm)))
    assert_agree_many(ours, theirs, what)


@SETTINGS
@given(shape=matrix_shape(square_often=False),
       mode=st.sampled_from(["reduced", "complete", "r", "raw", "full", "f", "economic", "e", "other"]))
def test_qr(shape, mode):
    one = mode in ("r", "economic", "e")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "full" and "economic" are deprecated, still taken
        theirs = numpy_shapes(lambda: (lambda r: (r,) if one else r)(np.linalg.qr(linalg_arr(shape), mode=mode)))
    ours = run_ops_many(lambda: (lambda r: (r,) if one else r)(ops.qr(S(shape), mode)))
    assert_agree_many(ours, theirs, f"qr({shape}, mode={mode!r})")


@st.composite
def solve_case(draw):
    lead_a, lead_b = draw(related_shapes(2))
    m = draw(small_dims)
    a = tuple(lead_a[:2]) + (m, m if draw(st.integers(0, 5)) else draw(small_dims))
    kind = draw(st.sampled_from(["vector", "matrix", "matrix", "any"]))
    if kind == "vector":
        b = (m if draw(st.integers(0, 4)) else draw(small_dims),)
    elif kind == "matrix":
        b = tuple(lead_b[:2]) + (m if draw(st.integers(0, 4)) else draw(small_dims), draw(small_dims))
    else:
        b = draw(shapes)
    if draw(st.integers(0, 9)) == 0:
        a = a[draw(st.integers(1, len(a))):]
    return a, b


@SETTINGS
@given(case=solve_case())
def test_solve(case):
    a, b = case
    check(lambda: ops.solve(S(a), S(b)), lambda: np.linalg.solve(linalg_arr(a), arr(b)), f"solve{case}")


@SETTINGS
@given(m=small_dims, n=small_dims, k=small_dims, data=st.data())
def test_lstsq(m, n, k, data):
    a = (m, n)
    b = data.draw(st.sampled_from([(m,), (m, k), (data.draw(small_dims),), (m, k, 1), (), (data.draw(small_dims), k)]))
    if data.draw(st.integers(0, 7)) == 0:
        a = data.draw(shapes)
    rng = np.random.default_rng(0)
    ours = run_ops_many(lambda: ops.lstsq(S(a), S(b)))
    theirs = numpy_shapes(lambda: np.linalg.lstsq(rng.random(a), rng.random(b), rcond=None))
    assert_agree_many(ours, theirs, f"lstsq({a}, {b})", unknown_ok=(1,))
    if not refused(ours):
        res = ours[1]
        assert res is None or res == theirs[1], f"lstsq({a}, {b}): residuals {res} vs {theirs[1]}"


ords = st.sampled_from([None, 1, 2, -1, 3, 0, "fro", "nuc", np.inf, -np.inf])
norm_axes = st.one_of(st.none(), st.integers(-4, 4), st.lists(st.integers(-4, 4), min_size=0, max_size=3).map(tuple))


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), max_size=4).map(tuple), ord=ords, axis=norm_axes, keep=st.booleans())
def test_norm(shape, ord, axis, keep):
    what = f"norm({shape}, ord={ord!r}, axis={axis}, keepdims={keep})"
    check(lambda: ops.norm(S(shape), ord, axis, keep),
          lambda: np.linalg.norm(linalg_arr(shape), ord=ord, axis=axis, keepdims=keep), what)


@FEW
@given(shape=st.lists(small_dims, max_size=3).map(tuple), ord=ords, axis=norm_axes, keep=st.booleans())
def test_norm_empty(shape, ord, axis, keep):
    """Empty axes: numpy may refuse a reduction without identity (data-level, see module doc)."""
    what = f"norm({shape}, ord={ord!r}, axis={axis}, keepdims={keep})"
    ours = run_ops(lambda: ops.norm(S(shape), ord, axis, keep))
    theirs = run_numpy(lambda: np.linalg.norm(arr(shape), ord=ord, axis=axis, keepdims=keep))
    if refused(theirs) and not refused(ours) and "no identity" in str(theirs[1]):
        assert 0 in shape and ord in (-1, -2, -np.inf), what
        return
    assert_agree(ours, theirs, what)


def test_norm_unknown_ord_never_refuses_for_it():
    assert concrete(ops.norm(S((2, 3, 4)), ops.ANY_ORD)) == ()
    assert concrete(ops.norm(S((2, 3)), ops.ANY_ORD, (0, 1), True)) == (1, 1)


# --- more products -------------------------------------------------------------------

@st.composite
def tensordot_case(draw):
    a = draw(st.lists(small_dims, max_size=3))
    b = draw(st.lists(small_dims, max_size=3))
    kind = draw(st.sampled_from(["int", "pairs", "pairs"]))
    if kind == "int":
        n = draw(st.integers(-1, 3))
        # make the contracted dims agree most of the time
        if 0 < n <= min(len(a), len(b)) and draw(st.integers(0, 3)):
            b[:n] = a[len(a) - n:]
        return tuple(a), tuple(b), n
    k = draw(st.integers(0, 2))
    ax_a = draw(st.lists(st.integers(-3, 3), min_size=k, max_size=k))
    ax_b = draw(st.lists(st.integers(-3, 3), min_size=k, max_size=k))
    if draw(st.integers(0, 9)) == 0:
        ax_b = ax_b + [0]
    for x, y in zip(ax_a, ax_b):
        if -len(a) <= x < len(a) and -len(b) <= y < len(b) and draw(st.integers(0, 3)):
            b[y] = a[x]
    pa = ax_a[0] if len(ax_a) == 1 and draw(st.booleans()) else tuple(ax_a)
    pb = ax_b[0] if len(ax_b) == 1 and draw(st.booleans()) else tuple(ax_b)
    return tuple(a), tuple(b), (pa, pb)


@SETTINGS
@given(case=tensordot_case())
def test_tensordot(case):
    a, b, axes = case
    check(lambda: ops.tensordot(S(a), S(b), axes), lambda: np.tensordot(arr(a), arr(b), axes),
          f"tensordot({a}, {b}, axes={axes})")


@FEW
@given(a=shapes, b=shapes)
def test_kron(a, b):
    check(lambda: ops.kron(S(a), S(b)), lambda: np.kron(arr(a), arr(b)), f"kron({a}, {b})")


@FEW
@given(a=st.lists(small_dims, max_size=3).map(tuple), b=st.lists(small_dims, max_size=3).map(tuple),
       da=st.sampled_from([2, 3, 3, 4]), db=st.sampled_from([2, 3, 3, 1]), bare=st.booleans())
def test_cross(a, b, da, db, bare):
    a, b = (a, b) if bare else (a + (da,), b + (db,))
    check(lambda: ops.cross(S(a), S(b)), lambda: np.cross(arr(a), arr(b)), f"cross({a}, {b})")


# --- diagonals ----------------------------------------------------------------------

@SETTINGS
@given(shape=shapes, offset=st.integers(-4, 4), a1=st.integers(-4, 3), a2=st.integers(-4, 3),
       which=st.sampled_from(["trace", "diagonal"]))
def test_trace_diagonal(shape, offset, a1, a2, which):
    if which == "trace":
        check(lambda: ops.trace(S(shape), offset, a1, a2),
              lambda: np.trace(arr(shape), offset, a1, a2), f"trace({shape}, {offset}, {a1}, {a2})")
    else:
        check(lambda: ops.diagonal(S(shape), offset, a1, a2),
              lambda: np.diagonal(arr(shape), offset, a1, a2), f"diagonal({shape}, {offset}, {a1}, {a2})")


@FEW
@given(shape=st.lists(small_dims, max_size=3).map(tuple), k=st.integers(-4, 4))
def test_diag(shape, k):
    check(lambda: ops.diag(S(shape), k), lambda: np.diag(arr(shape), k), f"diag({shape}, k={k})")


@FEW
@given(shape=shapes, k=st.integers(-2, 2), lower=st.booleans())
def test_triu_tril(shape, k, lower):
    fn = np.tril if lower else np.triu
    check(lambda: ops.tri_part(S(shape)), lambda: fn(arr(shape), k), f"{fn.__name__}({shape}, {k})")


# --- repetition, padding, taking ----------------------------------------------------

reps_values = st.integers(-1, 3)


@SETTINGS
@given(shape=shapes, reps=st.one_of(reps_values, st.lists(reps_values, max_size=4).map(tuple)))
def test_tile(shape, reps):
    r = (reps,) if isinstance(reps, int) else reps
    check(lambda: ops.tile(S(shape), [Dim.lit(x) for x in r]), lambda: np.tile(arr(shape), reps),
          f"tile({shape}, {reps})")


@SETTINGS
@given(shape=shapes, axis=st.one_of(st.none(), st.integers(-4, 4)), data=st.data())
def test_repeat(shape, axis, data):
    kind = data.draw(st.sampled_from(["int", "int", "seq1", "seq"]))
    if kind == "int":
        reps = data.draw(reps_values)
        ours_reps = Dim.lit(reps)
    else:
        if kind == "seq1":
            n = 1
        else:
            n = int(np.prod(shape)) if axis is None else (shape[axis] if shape and -len(shape) <= axis < len(shape)
                                                          else 1)
            n = n if data.draw(st.integers(0, 4)) else data.draw(small_dims)
        reps = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        if reps and data.draw(st.integers(0, 9)) == 0:
            reps[0] = -1
        ours_reps = tuple(Dim.lit(x) for x in reps)
    check(lambda: ops.repeat(S(shape), ours_reps, axis), lambda: np.repeat(arr(shape), reps, axis=axis),
          f"repeat({shape}, {reps}, axis={axis})")


widths = st.integers(-1, 3)


@st.composite
def pad_widths(draw, ndim: int):
    kind = draw(st.sampled_from(["int", "pair", "one-pair", "per-axis", "per-axis", "single", "random"]))
    if kind == "int":
        return draw(widths)
    if kind == "pair":
        return (draw(widths), draw(widths))
    if kind == "one-pair":
        return ((draw(widths), draw(widths)),)
    if kind == "single":
        return (draw(widths),)
    if kind == "per-axis":
        cols = draw(st.sampled_from([2, 2, 1]))
        return tuple(tuple(draw(widths) for _ in range(cols)) for _ in range(ndim))
    return tuple(tuple(draw(widths) for _ in range(draw(st.integers(1, 3)))) for _ in range(draw(st.integers(0, 3))))


def _lit(w):
    return tuple(_lit(x) for x in w) if isinstance(w, tuple) else Dim.lit(w)


@SETTINGS
@given(shape=shapes, data=st.data())
def test_pad(shape, data):
    pw = data.draw(pad_widths(len(shape)))
    check(lambda: ops.pad(S(shape), _lit(pw)), lambda: np.pad(arr(shape), pw), f"pad({shape}, {pw})")


@SETTINGS
@given(shape=shapes, axis=st.one_of(st.none(), st.integers(-4, 4)), data=st.data())
def test_take(shape, axis, data):
    if data.draw(st.booleans()):
        k = data.draw(st.integers(-6, 6))
        check(lambda: ops.take(S(shape), S(()), axis, index=k), lambda: np.take(arr(shape), k, axis=axis),
              f"take({shape}, {k}, axis={axis})")
    else:
        ind = data.draw(st.lists(small_dims, max_size=2).map(tuple))
        check(lambda: ops.take(S(shape), S(ind), axis),
              lambda: np.take(arr(shape), np.zeros(ind, dtype=int), axis=axis), f"take({shape}, idx{ind}, axis={axis})")


@FEW
@given(shape=shapes, axis=st.one_of(st.none(), st.integers(-4, 4), st.lists(st.integers(-4, 4), max_size=3).map(tuple)))
def test_flip(shape, axis):
    check(lambda: ops.flip(S(shape), axis), lambda: np.flip(arr(shape), axis), f"flip({shape}, {axis})")


@FEW
@given(shape=shapes, axis=st.one_of(st.none(), st.integers(-4, 4), st.lists(st.integers(-4, 4), max_size=3).map(tuple)),
       shift=st.one_of(st.integers(-2, 2), st.lists(st.integers(-2, 2), min_size=1, max_size=3).map(tuple)))
def test_roll(shape, axis, shift):
    n = None if isinstance(shift, int) else len(shift)
    check(lambda: ops.roll(S(shape), n, axis), lambda: np.roll(arr(shape), shift, axis), f"roll({shape}, {shift}, {axis})")


@SETTINGS
@given(pair=related_shapes(2), swap=st.booleans(), neg=st.integers(0, 14))
def test_broadcast_to(pair, swap, neg):
    x, target = pair[::-1] if swap else pair
    if neg == 0 and target:
        target = (-1,) + target[1:]
    check(lambda: ops.broadcast_to(S(x), S(target)), lambda: np.broadcast_to(arr(x), target),
          f"broadcast_to({x}, {target})")


# --- symbolic instances ----------------------------------------------------------------
#
# As in the first file: replace some dims by symbols their values satisfy, and
# check that a refusal is numpy's and a result evaluates to numpy's shape.

def _sym_case(op: str, data, sy: Symbolizer):
    draw = data.draw
    if op in ("concatenate", "stack"):
        g = draw(join_group())
        ax = draw(join_axes if op == "concatenate" else st.integers(-4, 4))
        return (lambda: getattr(ops, op)([sy.shape(s) for s in g], ax),
                lambda: getattr(np, op)([arr(s) for s in g], axis=ax))
    if op in JOINERS:
        g = draw(join_group())
        ours, theirs = JOINERS[op]
        return lambda: ours([sy.shape(s) for s in g]), lambda: theirs([arr(s) for s in g])
    if op == "einsum":
        sub, sh = draw(einsum_case())
        return (lambda: ops.einsum(sub, [sy.shape(s) for s in sh]),
                lambda: np.einsum(sub, *[arr(s) for s in sh], optimize=False))
    if op == "tensordot":
        a, b, axes = draw(tensordot_case())
        return lambda: ops.tensordot(sy.shape(a), sy.shape(b), axes), lambda: np.tensordot(arr(a), arr(b), axes)
    if op == "kron":
        a, b = draw(shapes), draw(shapes)
        return lambda: ops.kron(sy.shape(a), sy.shape(b)), lambda: np.kron(arr(a), arr(b))
    if op == "solve":
        a, b = draw(solve_case())
        return lambda: ops.solve(sy.shape(a), sy.shape(b)), lambda: np.linalg.solve(linalg_arr(a), arr(b))
    if op in ("inv", "det", "pinv", "eigvals"):
        s = draw(matrix_shape())
        return lambda: getattr(ops, op)(sy.shape(s)), lambda: getattr(np.linalg, op)(linalg_arr(s))
    if op == "norm":
        s = draw(st.lists(st.integers(1, 4), max_size=4).map(tuple))
        o, ax, keep = draw(ords), draw(norm_axes), draw(st.booleans())
        return (lambda: ops.norm(sy.shape(s), o, ax, keep),
                lambda: np.linalg.norm(linalg_arr(s), ord=o, axis=ax, keepdims=keep))
    if op == "diag":
        s, k = draw(st.lists(small_dims, max_size=3).map(tuple)), draw(st.integers(-3, 3))
        return lambda: ops.diag(sy.shape(s), k), lambda: np.diag(arr(s), k)
    if op == "trace":
        s = draw(shapes)
        return lambda: ops.trace(sy.shape(s)), lambda: np.trace(arr(s))
    if op == "tile":
        s = draw(shapes)
        reps = draw(st.lists(st.integers(0, 3), max_size=4).map(tuple))
        return lambda: ops.tile(sy.shape(s), [sy.dim(r) for r in reps]), lambda: np.tile(arr(s), reps)
    if op == "repeat":
        s, ax, r = draw(shapes), draw(st.one_of(st.none(), st.integers(-4, 4))), draw(st.integers(0, 3))
        return lambda: ops.repeat(sy.shape(s), sy.dim(r), ax), lambda: np.repeat(arr(s), r, axis=ax)
    if op == "pad":
        s = draw(shapes)
        pw = draw(pad_widths(len(s)))
        return lambda: ops.pad(sy.shape(s), _lit(pw)), lambda: np.pad(arr(s), pw)
    if op == "broadcast_to":
        x, t = draw(related_shapes(2))
        return lambda: ops.broadcast_to(sy.shape(x), sy.shape(t)), lambda: np.broadcast_to(arr(x), t)
    raise AssertionError(op)


SYMBOLIC_OPS = ["concatenate", "stack", *sorted(JOINERS), "einsum", "tensordot", "kron", "solve", "inv", "det",
                "pinv", "eigvals", "norm", "diag", "trace", "tile", "repeat", "pad", "broadcast_to"]


@settings(max_examples=600 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), op=st.sampled_from(SYMBOLIC_OPS), mode=st.sampled_from(["declared", "documented", "opaque", "fresh"]))
def test_symbolic_results_hold_for_their_instances(data, op, mode):
    sy = Symbolizer(data, mode)
    ours_fn, theirs_fn = _sym_case(op, data, sy)
    check_symbolic(op, mode, sy, ours_fn, theirs_fn)


# --- unknowns stay unknown -----------------------------------------------------------

def test_unknown_operands_give_unknown_dims_not_wrong_ones():
    n, d = Dim.sym("n"), Dim.sym("d")
    # one operand unknown: the joined axis is not known, the others are
    assert ops.concatenate([Shape((n, d)), None], 0) == Shape((None, d))
    assert ops.concatenate([None, None], 0) is None
    assert ops.stack([Shape((n, d)), None], 1) == Shape((n, Dim.lit(2), d))
    # min(m, n) of two different symbols is not known
    u, s, vh = ops.svd(Shape((n, d)), full_matrices=False)
    assert u == Shape((n, None)) and s == Shape((None,)) and vh == Shape((None, d))
    assert ops.svd(Shape.of(5, 3), compute_uv=False) == Shape.of(3)
    assert ops.diag(Shape((n,)), 2) == Shape((n + 2, n + 2))
    assert ops.diag(Shape((n, d)), 1) == Shape((None,))
    assert ops.einsum("...ij,jk->...ik", [Shape((n, d), batch="b"), Shape((d, Dim.sym("k")))]) is None
    assert ops.einsum("...ij,jk->ik", [None, Shape((d, Dim.sym("k")))]) == Shape((None, Dim.sym("k")))


def test_declared_sizes_that_differ_refuse():
    n, m, d = Dim.sym("n"), Dim.sym("m"), Dim.sym("d")
    with pytest.raises(ShapeError):
        ops.concatenate([Shape((n, d)), Shape((m, d))], 1)
    with pytest.raises(ShapeError):
        ops.einsum("ij,jk->ik", [Shape((n, d)), Shape((n, d))])
    with pytest.raises(ShapeError):
        ops.solve(Shape((n, n)), Shape((d,)))
    with pytest.raises(ShapeError):
        ops.tensordot(Shape((n, d)), Shape((n, d)), 1)
    # opaque sizes may be anything: no refusal
    o = Dim.sym("o", opaque=True)
    assert ops.concatenate([Shape((n, d)), Shape((o, d))], 1) == Shape((n, d + d))
    assert ops.einsum("ij,jk->ik", [Shape((n, d)), Shape((o, m))]) == Shape((n, m))


def test_letters_are_ascii():
    assert set(string.ascii_letters) == set(ops._LETTERS)


@given(sizes=st.lists(st.integers(0, 6), min_size=1, max_size=4), name=st.sampled_from(["prod", "sum"]),
       symbolic=st.booleans())
def test_prod_and_sum_of_a_tuple_of_sizes(sizes, name, symbolic):
    """``np.prod(X.shape[1:])``: the size numpy computes, an integer (a reshape takes it); with
    symbolic sizes, a product (or sum) that evaluates to numpy's number."""
    names = [f"s{i}" for i in range(len(sizes))]
    dims = [Dim.sym(nm) if symbolic else Dim.lit(v) for nm, v in zip(names, sizes)]
    out = numpy_api.FUNCTIONS[name](Args([Tup(tuple(Int(dm) for dm in dims), False)], {}))
    expected = getattr(np, name)(tuple(sizes))
    assert isinstance(out, Int) and np.issubdtype(np.asarray(expected).dtype, np.integer)
    value = substitute(out.dim, {nm: Dim.lit(v) for nm, v in zip(names, sizes)})
    assert value is not None and value.value == int(expected)


def test_prod_of_a_tuple_is_unknown_where_numpy_gives_a_float_or_an_axis_is_given():
    assert not isinstance(numpy_api.FUNCTIONS["prod"](Args([Tup((), False)], {})), Int)  # np.prod(()) is 1.0
    t = Tup((Int(Dim.lit(2)), Int(Dim.lit(3))), False)
    assert not isinstance(numpy_api.FUNCTIONS["prod"](Args([t], {"axis": Int(Dim.lit(0))})), Int)
    assert numpy_api.FUNCTIONS["prod"](Args([Tup((Int(None), Int(Dim.lit(3))), False)], {})) == Int(None)


# --- scikit-learn's _safe_indexing ---------------------------------------------

def _safe_indexing(X: np.ndarray, indices, axis: int):
    """What scikit-learn does for an ndarray: rows (axis 0) or columns (axis 1), nothing else."""
    if axis not in (0, 1):
        raise ValueError(f"'axis' should be either 0 or 1, got {axis}")
    if axis == 1 and X.ndim < 2:
        raise ValueError("indexing the columns needs a 2-D array")
    return X[indices] if axis == 0 else X[:, indices]


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), axis=st.integers(-1, 3),
       kind=st.sampled_from(["int", "list", "mask", "array"]), data=st.data())
def test_safe_indexing(shape, axis, kind, data):
    """The table's ``_safe_indexing`` against indexing an array as scikit-learn does: a refusal
    must be numpy's (or scikit-learn's), and every dim it knows must be the result's."""
    n = shape[min(max(axis, 0), len(shape) - 1)]
    if kind == "int":
        i = data.draw(st.integers(0, n - 1))
        index, value = i, Int(Dim.lit(i))
    elif kind == "list":
        i = data.draw(st.lists(st.integers(0, n - 1), max_size=3, min_size=1))
        index, value = i, Tup(tuple(Int(Dim.lit(v)) for v in i), True)
    else:
        index = np.arange(n) % 2 == 0 if kind == "mask" else np.zeros(data.draw(st.integers(0, 3)), dtype=int)
        value = Array(Shape.of(*index.shape), boolean=kind == "mask")
    theirs = run_numpy(lambda: _safe_indexing(arr(shape), index, axis))
    try:
        out = numpy_api.LIBRARY_FUNCTIONS["sklearn.utils._safe_indexing"](
            Args([Array(S(shape)), value], {"axis": Int(Dim.lit(axis))}))
    except ShapeError:
        assert refused(theirs), f"_safe_indexing({shape}, {kind}, axis={axis}) refused, numpy gives {theirs}"
        return
    ours = shape_of(out)
    if refused(theirs):
        assert ours is None, f"_safe_indexing({shape}, {kind}, axis={axis}): {ours}, numpy refuses: {theirs}"
        return
    if ours is None:
        return
    event("answered")
    assert len(ours.dims) == len(theirs), f"_safe_indexing({shape}, {kind}, axis={axis}): {ours} vs {theirs}"
    for dim, size in zip(ours.dims, theirs):
        assert dim is None or dim.value == size, f"_safe_indexing({shape}, {kind}, axis={axis}): {ours} vs {theirs}"


# --- evenly spaced samples --------------------------------------------------------

end_shapes = st.one_of(st.none(), st.lists(st.integers(1, 3), max_size=2).map(tuple))  # None: a number


@SETTINGS
@given(name=st.sampled_from(["linspace", "logspace", "geomspace"]), start=end_shapes, stop=end_shapes,
       base=end_shapes, num=st.one_of(st.none(), st.integers(0, 4)), axis=st.one_of(st.none(), st.integers(-3, 3)),
       retstep=st.booleans())
def test_spaced_samples(name, start, stop, base, num, axis, retstep):
    """np.linspace / logspace / geomspace: num samples at axis of the ends' broadcast shape
    (an array start is a 2-D result); only linspace has retstep, only logspace a base."""
    def value(shape):
        return Scalar() if shape is None else Array(S(shape))

    def real(shape):
        return 2.0 if shape is None else np.full(shape, 2.0)

    args, real_args = [value(start), value(stop)], [real(start), real(stop)]
    kwargs, real_kwargs = {}, {}
    if num is not None:
        args.append(Int(Dim.lit(num)))
        real_args.append(num)
    if axis is not None:
        kwargs["axis"], real_kwargs["axis"] = Int(Dim.lit(axis)), axis
    if name == "logspace" and base is not None:
        kwargs["base"], real_kwargs["base"] = value(base), real(base)
    if name == "linspace" and retstep:
        kwargs["retstep"], real_kwargs["retstep"] = Int(Dim.lit(1)), True
    what = f"np.{name}({start}, {stop}, num={num}, axis={axis}, base={base}, retstep={retstep})"
    theirs = run_numpy(lambda: (lambda out: out[0] if isinstance(out, tuple) else out)(
        getattr(np, name)(*real_args, **real_kwargs)))
    try:
        out = numpy_api.FUNCTIONS[name](Args(args, kwargs))
    except ShapeError:
        assert refused(theirs), f"{what}: refused, numpy gives {theirs}"
        return
    if isinstance(out, Tup):
        out = out.items[0]
    ours = shape_of(out)
    if ours is None:
        assert refused(theirs), f"{what}: unknown, numpy gives {theirs}"  # an axis out of range
        return
    assert not refused(theirs), f"{what}: {ours}, numpy refuses: {theirs}"
    event("answered")
    assert concrete(ours) == theirs, f"{what}: {ours}, numpy gives {theirs}"


def test_spaced_samples_of_unknown_ends_are_unknown():
    """np.linspace(a, b, n) with a of unknown rank is not 1-D: a may be an array."""
    out = numpy_api.FUNCTIONS["linspace"](Args([Array(None), Scalar(), Int(Dim.lit(5))], {}))
    assert shape_of(out) is None
    assert shape_of(numpy_api.FUNCTIONS["linspace"](Args([Scalar(), Scalar()], {}))) == S((50,))
