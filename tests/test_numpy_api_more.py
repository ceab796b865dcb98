"""The numpy table's handlers for joining, einsum, np.linalg and friends, read through Args as the
interpreter calls them (the shape rules themselves are checked against numpy in
test_shapes_oracle_more)."""

from __future__ import annotations

import pytest

from shapelint import numpy_api
from shapelint.shapes import Dim, Shape
from shapelint.shapes.errors import ConcatError, EinsumError, MatmulError, ShapeError
from shapelint.values import NONE, UNKNOWN, Args, Array, Bool, Int, Obj, Scalar, Tup

n, d, k = Dim.sym("n"), Dim.sym("d"), Dim.sym("k")


def call(name: str, *args, **kwargs):
    return numpy_api.FUNCTIONS[name](Args(list(args), kwargs))


def arr(*dims) -> Array:
    return Array(Shape.of(*dims))


def lit(v: int) -> Int:
    return Int(Dim.lit(v))


def seq(*items, is_list: bool = True) -> Tup:
    return Tup(tuple(items), is_list)


def shapes(v) -> list:
    return [it.shape for it in v.items]


def test_joining_reads_the_sequence_and_axis():
    assert call("concatenate", seq(arr(n, d), arr(k, d))).shape == Shape((n + k, d))
    assert call("concatenate", seq(arr(n, d), arr(n, k)), axis=lit(1)).shape == Shape((n, d + k))
    assert call("concatenate", seq(arr(2, 3), arr(4)), axis=NONE).shape == Shape.of(10)
    assert call("concatenate", seq(arr(n, d), arr(n, k)), axis=Int(None)).shape is None  # axis not known
    assert call("concatenate", UNKNOWN).shape is None  # a sequence not known
    assert call("stack", seq(arr(n), arr(n)), lit(1)).shape == Shape((n, Dim.lit(2)))
    assert call("column_stack", seq(arr(n), arr(n, d))).shape == Shape((n, d + 1))
    assert call("hstack", seq(arr(3), Scalar())).shape == Shape.of(4)
    with pytest.raises(ConcatError):
        call("vstack", seq(arr(n, d), arr(n, k)))


def test_einsum_reads_a_string_value():
    # string literals are not values yet; when they are, the handler reads them
    sub = Obj("str:ij,jk->ik")
    assert call("einsum", sub, arr(n, d), arr(d, k)).shape == Shape((n, k))
    with pytest.raises(EinsumError):
        call("einsum", Obj("str:ij,jk->ik"), arr(n, d), arr(k, d))


def test_einsum_leaves_a_note_for_an_unread_literal():
    a = Args([UNKNOWN, arr(n, d), arr(d, k)], {})
    assert numpy_api.FUNCTIONS["einsum"](a).shape is None
    assert [kind for kind, _ in a.notes] == ["einsum-literal"]
    # the interleaved form: no note, no shape
    b = Args([arr(n, d), seq(lit(0), lit(1))], {})
    assert numpy_api.FUNCTIONS["einsum"](b).shape is None and not b.notes


def test_linalg_tuples():
    u, s, vh = call("linalg.svd", arr(5, 3)).items
    assert (u.shape, s.shape, vh.shape) == (Shape.of(5, 5), Shape.of(3), Shape.of(3, 3))
    # full_matrices not known: only the dims both choices agree on
    u, s, vh = call("linalg.svd", arr(5, 3), full_matrices=Int(None)).items
    assert (u.shape, s.shape, vh.shape) == (Shape.of(5, None), Shape.of(3), Shape.of(3, 3))
    assert call("linalg.svd", arr(5, 3), compute_uv=lit(0)).shape == Shape.of(3)
    assert shapes(call("linalg.qr", arr(5, 3))) == [Shape.of(5, 3), Shape.of(3, 3)]
    assert call("linalg.qr", arr(5, 3), UNKNOWN) is UNKNOWN  # mode not read
    assert shapes(call("linalg.eigh", arr(n, n))) == [Shape((n,)), Shape((n, n))]
    x, res, rank, sv = call("linalg.lstsq", arr(n, d), arr(n)).items
    assert (x.shape, res.shape, sv.shape) == (Shape((d,)), Shape((None,)), Shape((None,)))
    assert isinstance(rank, Int)


def test_solve_mismatch_is_a_matmul_error():
    with pytest.raises(MatmulError):
        call("linalg.solve", arr(n, n), arr(d))
    with pytest.raises(ShapeError):  # not square: refused (apply turns it into an unknown shape)
        call("linalg.inv", arr(n, d))


def test_norm_ord_values():
    assert call("linalg.norm", arr(2, 3, 4)).shape == Shape(())
    assert call("linalg.norm", arr(2, 3, 4), UNKNOWN).shape == Shape(())  # ord="fro" is not read
    assert call("linalg.norm", arr(2, 3, 4), NONE, lit(1)).shape == Shape.of(2, 4)
    with pytest.raises(ShapeError):  # a matrix norm of a 3-D array
        call("linalg.norm", arr(2, 3, 4), lit(2))
    assert call("linalg.norm", arr(n, d), axis=lit(1), keepdims=lit(1)).shape == Shape((n, Dim.lit(1)))


def test_methods_and_friends():
    assert numpy_api.METHODS["repeat"](Args([lit(2)], {"self": arr(n, d), "axis": lit(0)})).shape == Shape(
        (2 * n, d))
    assert numpy_api.METHODS["take"](Args([lit(0)], {"self": arr(n, d), "axis": lit(1)})).shape == Shape((n,))
    assert numpy_api.METHODS["diagonal"](Args([], {"self": arr(n, n)})).shape == Shape((n,))
    assert numpy_api.METHODS["trace"](Args([], {"self": arr(n, n)})).shape == Shape(())
    assert call("take", arr(n, d), seq(lit(0), lit(2)), axis=lit(0)).shape == Shape((Dim.lit(2), d))
    assert call("pad", arr(n, d), seq(seq(lit(0), lit(0)), seq(lit(1), lit(2)))).shape == Shape((n, d + 3))
    assert call("pad", arr(n, d), UNKNOWN).shape is None
    assert call("tile", arr(n), seq(lit(2), lit(1))).shape == Shape((Dim.lit(2), n))
    assert call("broadcast_to", arr(d), seq(Int(n), Int(d))).shape == Shape((n, d))
    assert shapes(call("atleast_2d", arr(n), Scalar())) == [Shape((Dim.lit(1), n)), Shape.of(1, 1)]
    assert call("tensordot", arr(n, d), arr(d, k), axes=lit(1)).shape == Shape((n, k))
    assert call("tensordot", arr(n, d), arr(d, k), axes=UNKNOWN).shape is None
    assert call("cross", arr(5, 3), arr(3), axisa=lit(0)).shape is None  # axes other than the last: not read


def test_sorting_and_differences_read_axis_and_n():
    assert call("sort", arr(n, d)).shape == Shape((n, d))
    assert call("sort", arr(n, d), axis=NONE).shape == Shape((n * d,))  # axis=None flattens
    assert call("argsort", arr(n, d), UNKNOWN).shape is None  # an axis not known
    assert numpy_api.METHODS["argsort"](Args([], {"self": arr(n)})).shape == Shape((n,))
    assert call("diff", arr(n, d)).shape == Shape((n, d - 1))
    assert call("diff", arr(n, d), lit(2), lit(0)).shape == Shape((n - 2, d))
    assert call("diff", arr(n), prepend=lit(0)).shape is None  # prepend/append: length not followed
    assert call("percentile", arr(n, d), seq(lit(5), lit(95)), axis=lit(0)).shape == Shape((Dim.lit(2), d))
    assert call("quantile", arr(n, d), Scalar()).shape == Shape(())
    assert call("nanquantile", arr(n, d), Scalar(), lit(1), keepdims=Int(None)).shape is None


def test_index_finding_returns_one_array_per_axis():
    rows, cols = call("nonzero", arr(n, d)).items
    assert rows.shape == cols.shape == Shape((None,))
    assert len(call("where", arr(n, d, k)).items) == 3  # np.where(cond) is np.nonzero(cond)
    assert call("where", arr(n, 1), arr(d), Scalar()).shape == Shape((n, d))  # the three-argument form
    assert call("argwhere", arr(n, d)).shape == Shape((None, Dim.lit(2)))
    assert numpy_api.METHODS["nonzero"](Args([], {"self": arr(n)})).items[0].shape == Shape((None,))


def test_grids_choice_and_fft():
    gx, gy = call("meshgrid", arr(n), arr(d)).items
    assert gx.shape == gy.shape == Shape((d, n))  # "xy": the first input varies along columns
    assert call("meshgrid", arr(n), arr(d), indexing=Obj("str:ij")).items[0].shape == Shape((n, d))
    assert call("meshgrid", arr(n), indexing=UNKNOWN) is UNKNOWN
    assert call("random.choice", Int(n), Int(k)).shape == Shape((k,))
    assert call("random.choice", arr(n)).shape == Shape(())
    assert call("random.choice", arr(n), seq(lit(2), Int(k))).shape == Shape((Dim.lit(2), k))
    assert numpy_api.GENERATOR_METHODS["choice"](Args([lit(10)], {"size": lit(3)})).shape == Shape.of(3)
    assert call("fft.rfft", arr(n, 64)).shape == Shape((n, Dim.lit(33)))
    assert call("fft.irfft", arr(n, 33)).shape == Shape((n, Dim.lit(64)))
    assert call("fft.fft", arr(n, d), lit(8), lit(0)).shape == Shape((Dim.lit(8), d))
    assert call("fft.fft2", arr(n, d), seq(lit(4), lit(4))).shape is None  # s given: not followed
    assert call("fft.fftfreq", lit(8)).shape == Shape.of(8)
    assert call("fft.rfftfreq", lit(8)).shape == Shape.of(5)


def test_split_gives_a_list_of_pieces():
    pieces = call("split", arr(4, n), lit(2))
    assert pieces.is_list and shapes(pieces) == [Shape((Dim.lit(2), n))] * 2
    assert shapes(call("split", arr(n, 6), seq(lit(2)), axis=lit(1))) == [Shape((n, Dim.lit(2))), Shape((n, Dim.lit(4)))]
    assert len(call("split", UNKNOWN, lit(3)).items) == 3  # the count is known, the pieces are not
    assert call("split", arr(n), Int(d)) is UNKNOWN  # a count not known
    assert shapes(call("array_split", arr(5), lit(2))) == [Shape.of(3), Shape.of(2)]
    assert shapes(call("vsplit", arr(4, d), lit(4)))[0] == Shape((Dim.lit(1), d))


def test_statistics_and_searching():
    assert call("cov", arr(n, d), rowvar=lit(0)).shape == Shape((d, d))
    assert call("cov", arr(n, d), rowvar=UNKNOWN).shape is None
    assert call("corrcoef", arr(n), arr(n)).shape == Shape.of(2, 2)
    assert call("convolve", arr(n), arr(3), Obj("str:same")).shape == Shape((None,))
    assert call("convolve", arr(n), arr(3), mode=UNKNOWN).shape is None
    assert call("correlate", arr(5), arr(3)).shape == Shape.of(3)  # correlate's default mode is "valid"
    assert call("searchsorted", arr(n), Scalar()).shape == Shape(())
    counts, edges = call("histogram", arr(n)).items  # ten bins by default
    assert (counts.shape, edges.shape) == (Shape.of(10), Shape.of(11))
    counts, edges = call("histogram", arr(n), bins=arr(k)).items  # the edges given
    assert (counts.shape, edges.shape) == (Shape((k - 1,)), Shape((k,)))
    assert call("unique", arr(n, d)).shape == Shape((None,))
    assert call("unique", arr(n), return_counts=lit(1)) is UNKNOWN


def test_index_arrays_and_chains():
    assert call("indices", seq(lit(2), Int(n))).shape == Shape((Dim.lit(2), Dim.lit(2), n))
    assert shapes(call("unravel_index", arr(k), seq(Int(n), Int(d)))) == [Shape((k,))] * 2
    assert shapes(call("diag_indices", Int(n))) == [Shape((n,))] * 2
    assert len(call("triu_indices", lit(4), lit(1)).items) == 2
    assert call("linalg.multi_dot", seq(arr(n, d), arr(d, k), arr(k))).shape == Shape((n,))
    with pytest.raises(MatmulError):
        call("linalg.multi_dot", seq(arr(n, d), arr(d, k), arr(d)))
    assert call("linalg.multi_dot", UNKNOWN).shape is None
    assert call("rot90", arr(n, d)).shape == Shape((d, n))
    assert call("rot90", arr(n, d), lit(2)).shape == Shape((n, d))
    assert call("allclose", arr(n, d), Scalar()) == Scalar()
    with pytest.raises(ShapeError):
        call("allclose", arr(2, 3), arr(4))


def test_scipy_special_reads_as_numpy():
    expit = numpy_api.lookup_function("scipy.special.expit")
    assert expit(Args([arr(n, k)], {})).shape == Shape((n, k))
    lse = numpy_api.lookup_function("scipy.special.logsumexp")
    assert lse(Args([arr(n, k)], {"axis": lit(1)})).shape == Shape((n,))
    assert lse(Args([arr(n, k)], {"axis": lit(1), "b": arr(k)})).shape is None  # weights: not followed
    assert numpy_api.lookup_function("scipy.special.xlogy")(Args([arr(n, 1), arr(k)], {})).shape == Shape((n, k))


def test_insert_and_delete_read_literal_indices():
    assert call("insert", arr(n, d), lit(1), Scalar(), lit(1)).shape == Shape((n, d + 1))
    assert call("insert", arr(n, d), lit(1), arr(d), lit(0)).shape is None  # array values: not followed
    assert call("insert", arr(n, d), Int(k), Scalar(), axis=lit(0)).shape is None  # an index not known
    assert call("delete", arr(n, d), seq(lit(0), lit(3)), lit(0)).shape == Shape((n - 2, d))
    assert call("delete", arr(4), seq(Bool(Dim.lit(1)), Bool(Dim.lit(0)))).shape is None  # a mask
