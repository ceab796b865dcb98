"""numpy as the oracle for the array API standard's names numpy 2 added, through the table's
handlers (the interpreter's entry): vecdot, matvec, vecmat, matrix_transpose, cumulative_sum,
unstack, concat, permute_dims, the ufunc aliases (acos, pow ...), and np.linalg's vecdot,
outer, cross, matmul, vector_norm, matrix_norm, matrix_rank, cond, svdvals, diagonal and trace.

Same contract as ``test_shapes_oracle``: on random concrete shapes the handler gives numpy's
result shape, or both refuse.  Known, deliberate differences, asserted where they occur:

* np.linalg.cond of a singular matrix is inf, of an empty one a refusal: the test draws
  matrices with a dominant diagonal, and an empty one is refused by shape;
* np.unstack along an axis of unknown length: the count of arrays is unknown.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from shapelint import numpy_api
from shapelint.shapes import Dim
from shapelint.values import Args, Array, Int, Obj, Tup
from test_shapes_oracle import _SCALE, S, assert_agree, related_shapes, run_numpy, shapes
from test_shapes_oracle_more import assert_agree_many, numpy_shapes, run_ops_many

SETTINGS = settings(max_examples=200 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

F = numpy_api.FUNCTIONS
pairs = st.one_of(related_shapes(2), st.tuples(shapes, shapes))


def ints(*values: int) -> Tup:
    return Tup(tuple(Int(Dim.lit(v)) for v in values))


def flag(b: bool) -> Int:
    return Int(Dim.lit(int(b)))


def arr(shape: tuple[int, ...]) -> np.ndarray:
    """Ones with a dominant diagonal where the last two sizes are equal (cond stays finite)."""
    x = np.ones(shape)
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        x = x + shape[-1] * np.eye(shape[-1])
    return x


def ours(name: str, *shapes_: tuple[int, ...], **kwargs):
    """The handler's one result shape, as run_ops gives it."""
    from test_shapes_oracle import run_ops
    return run_ops(lambda: F[name](Args([Array(S(s)) for s in shapes_], kwargs)).shape)


@SETTINGS
@given(pair=pairs, name=st.sampled_from(["vecdot", "linalg.vecdot", "matvec", "vecmat", "linalg.outer",
                                         "linalg.cross", "linalg.matmul"]))
def test_functions_of_two_arrays(pair, name):
    a, b = pair
    fn = np.vecdot if name == "vecdot" else getattr(np.linalg, name[7:]) if name.startswith("linalg.") \
        else getattr(np, name)
    assert_agree(ours(name, a, b), run_numpy(lambda: fn(arr(a), arr(b))), f"{name}({a}, {b})")


@SETTINGS
@given(pair=pairs, axis=st.integers(-3, 2), name=st.sampled_from(["vecdot", "linalg.vecdot", "linalg.cross"]))
def test_axis_of_two_arrays(pair, axis, name):
    a, b = pair
    fn = np.vecdot if name == "vecdot" else getattr(np.linalg, name[7:])
    got = ours(name, a, b, axis=Int(Dim.lit(axis)))
    assert_agree(got, run_numpy(lambda: fn(arr(a), arr(b), axis=axis)), f"{name}({a}, {b}, axis={axis})")


@SETTINGS
@given(shape=shapes, name=st.sampled_from(["matrix_transpose", "linalg.matrix_transpose", "linalg.matrix_rank",
                                           "linalg.svdvals", "linalg.trace", "linalg.diagonal",
                                           "linalg.matrix_norm", "acos", "atanh", "bitwise_invert"]))
def test_functions_of_one_array(shape, name):
    fn = getattr(np.linalg, name[7:]) if name.startswith("linalg.") else getattr(np, name)
    x = arr(shape).astype(int) if name == "bitwise_invert" else arr(shape)
    assert_agree(ours(name, shape), run_numpy(lambda: fn(x)), f"{name}({shape})")


@SETTINGS
@given(shape=shapes, p=st.sampled_from([None, 2, -2, 1, "fro", "nuc", np.inf]))
def test_cond(shape, p):
    from shapelint.values import NONE, Scalar
    pv = NONE if p is None else Obj("str:" + p) if isinstance(p, str) else Int(Dim.lit(p)) \
        if isinstance(p, int) else Scalar(value=float(p))
    got = ours("linalg.cond", shape, p=pv)
    assert_agree(got, run_numpy(lambda: np.linalg.cond(arr(shape), p)), f"cond({shape}, {p})")


@SETTINGS
@given(shape=shapes, offset=st.integers(-2, 2), keepdims=st.booleans())
def test_diagonal_offset_and_matrix_norm_keepdims(shape, offset, keepdims):
    assert_agree(ours("linalg.diagonal", shape, offset=Int(Dim.lit(offset))),
                 run_numpy(lambda: np.linalg.diagonal(arr(shape), offset=offset)), f"diagonal({shape}, {offset})")
    assert_agree(ours("linalg.matrix_norm", shape, keepdims=flag(keepdims)),
                 run_numpy(lambda: np.linalg.matrix_norm(arr(shape), keepdims=keepdims)),
                 f"matrix_norm({shape}, keepdims={keepdims})")


@st.composite
def axes_of(draw, shape):
    n = len(shape)
    return draw(st.one_of(st.none(), st.integers(-n - 1, n), st.lists(st.integers(-n, max(n - 1, 0)), min_size=1,
                                                                       max_size=2).map(tuple)))


@SETTINGS
@given(data=st.data(), shape=shapes, keepdims=st.booleans())
def test_vector_norm(data, shape, keepdims):
    axis = data.draw(axes_of(shape))
    kwargs = {"keepdims": flag(keepdims)}
    if axis is not None:
        kwargs["axis"] = Int(Dim.lit(axis)) if isinstance(axis, int) else ints(*axis)
    assert_agree(ours("linalg.vector_norm", shape, **kwargs),
                 run_numpy(lambda: np.linalg.vector_norm(arr(shape), axis=axis, keepdims=keepdims)),
                 f"vector_norm({shape}, axis={axis}, keepdims={keepdims})")


@SETTINGS
@given(shape=shapes, axis=st.one_of(st.none(), st.integers(-4, 3)), initial=st.booleans(),
       name=st.sampled_from(["cumulative_sum", "cumulative_prod"]))
def test_cumulative(shape, axis, initial, name):
    kwargs = {"include_initial": flag(initial)}
    if axis is not None:
        kwargs["axis"] = Int(Dim.lit(axis))
    fn = getattr(np, name)
    assert_agree(ours(name, shape, **kwargs), run_numpy(lambda: fn(arr(shape), axis=axis, include_initial=initial)),
                 f"{name}({shape}, axis={axis}, include_initial={initial})")


@SETTINGS
@given(shape=shapes, axis=st.integers(-4, 3))
def test_unstack(shape, axis):
    def ours_many():
        out = F["unstack"](Args([Array(S(shape))], {"axis": Int(Dim.lit(axis))}))
        return [v.shape for v in out.items]
    assert_agree_many(run_ops_many(ours_many), numpy_shapes(lambda: np.unstack(arr(shape), axis=axis)),
                      f"unstack({shape}, axis={axis})")


@SETTINGS
@given(pair=pairs, axis=st.integers(-3, 2))
def test_concat_and_permute_dims_are_numpys(pair, axis):
    a, b = pair
    seq = Tup((Array(S(a)), Array(S(b))), is_list=True)
    from test_shapes_oracle import run_ops
    got = run_ops(lambda: F["concat"](Args([seq], {"axis": Int(Dim.lit(axis))})).shape)
    assert_agree(got, run_numpy(lambda: np.concat([arr(a), arr(b)], axis=axis)), f"concat([{a}, {b}], {axis})")
    perm = tuple(reversed(range(len(a))))
    got = run_ops(lambda: F["permute_dims"](Args([Array(S(a)), ints(*perm)], {})).shape)
    assert_agree(got, run_numpy(lambda: np.permute_dims(arr(a), perm)), f"permute_dims({a}, {perm})")


@SETTINGS
@given(pair=pairs, name=st.sampled_from(["atan2", "pow", "bitwise_left_shift", "bitwise_right_shift"]))
def test_binary_ufunc_aliases(pair, name):
    a, b = pair
    cast = (lambda x: x.astype(int)) if name.startswith("bitwise") else (lambda x: x)
    assert_agree(ours(name, a, b), run_numpy(lambda: getattr(np, name)(cast(arr(a)), cast(arr(b)))),
                 f"{name}({a}, {b})")
