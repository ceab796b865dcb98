"""Plain unit tests of the shape algebra: Dim arithmetic, equality, formatting,
and the symbolic cases the numpy oracle (test_shapes_oracle.py) cannot reach.

Symbolic conventions under test: declared symbols (``Dim.sym("n")``) are
distinct from each other and never 1; opaque symbols
(``Dim.sym("n", opaque=True)``) are unknown against anything but themselves,
so no refusal may rest on them.
"""

from __future__ import annotations

import pytest

from shapelint.shapes import (
    AxisError, BroadcastError, Dim, MatmulError, ReshapeError, Shape, ShapeError, concrete, fmt_shape, ops,
)
from shapelint.shapes import dim
from shapelint.shapes.dim import ONE, ZERO, as_dim, equal, floordiv, fmt_dim, is_one

n, d, m = Dim.sym("n"), Dim.sym("d"), Dim.sym("m")
a, b = Dim.sym("a", opaque=True), Dim.sym("b", opaque=True)
# documented: n_samples and n_features of one docstring (group "fit"), n_samples of another
ns, nf, ns2 = Dim.documented("n_samples", "fit"), Dim.documented("n_features", "fit"), Dim.documented("n_samples", "g")
L = Dim.lit


# --- Dim ----------------------------------------------------------------------

def test_literals():
    assert L(0) == ZERO == Dim(())
    assert L(0).value == 0 and L(3).value == 3 and L(-4).value == -4
    assert L(1) == ONE
    assert as_dim(3) == L(3) and as_dim(n) is n
    assert L(3).is_atom and n.is_atom and not (n + 1).is_atom


def test_symbols():
    assert n.value is None and n.symbol == "n" and not n.is_opaque
    assert a.is_opaque and a.symbol is not None and a != Dim.sym("a")
    assert (n * d).symbol is None and (n * 2).symbol is None
    assert (n * d + a).symbols() == {"n", "d", a.symbol}


def test_arithmetic():
    assert n + 1 - 1 == n
    assert n - n == ZERO
    assert n + 2 == n + L(2)
    assert n * d == d * n
    assert hash(n * d) == hash(d * n)
    assert (n + 1) * (n - 1) == n * n - 1
    assert -(n - 3) == L(3) - n
    assert n * 0 == ZERO
    assert (n * 2 + d * 2) * 3 == n * 6 + d * 6
    assert L(2) * L(3) == L(6) and L(2) + L(3) == L(5)


def test_floordiv():
    assert floordiv(L(7), L(2)) == L(3)
    assert floordiv(n * 4 + 2, L(2)) == n * 2 + 1
    assert floordiv(n * 3, L(2)) is None
    assert floordiv(n, L(0)) is None
    assert floordiv(n, d) is None
    assert floordiv(None, L(2)) is None


def test_formatting():
    assert str(L(0)) == "0" and str(L(-4)) == "-4"
    assert str(n) == "n" and str(-n) == "-n"
    assert str(n + 1) == "n + 1"
    assert str(n * d + n * 2 - 3) == "d*n + 2*n - 3"
    assert str((n + 1) * (n - 1)) == "n*n - 1"
    assert str(a * 2) == "2*a"  # the opaque marker is not shown
    assert fmt_dim(None) == "?"
    assert str(Shape.of(n)) == "(n,)"
    assert str(Shape.of(n, None, 3)) == "(n, ?, 3)"
    assert str(Shape(())) == "()"
    assert str(Shape((n,), batch="b")) == "(*b, n)"
    assert str(Shape((n,), batch="")) == "(..., n)"
    assert fmt_shape(None) == "unknown"


def test_shape_basics():
    s = Shape.of(n, d, 2)
    assert s.ndim == 3 and s.fixed
    assert s.size() == n * d * 2
    assert Shape.of(n, None).size() is None
    assert Shape((n,), batch="b").size() is None and Shape((n,), batch="b").ndim is None
    assert Shape(()).size() == ONE
    assert concrete(Shape.of(2, 3)) == (2, 3)
    assert concrete(Shape.of(2, n)) is None and concrete(None) is None


@pytest.mark.parametrize("x, y, expected", [
    (L(3), L(3), True),
    (L(3), L(4), False),
    (n, n, True),
    (n, m, False),            # declared symbols are distinct
    (n + 1, n, False),        # differ by a constant
    (n * d, d * n, True),
    (n, L(5), None),          # the code never says
    (n * d, m, None),
    (a, a, True),             # opaque: equal to itself ...
    (a, b, None),             # ... unknown against anything else
    (a, n, None),
    (a, L(5), None),
    (None, L(5), None),
    (ns, ns, True),           # documented: equal to itself,
    (ns, nf, False),          # distinct from the other names of its group,
    (ns, ns2, None),          # unknown against another group's,
    (ns, Dim.documented("n_sample", "fit"), None),  # and against a name that looks alike
    (Dim.documented("in_ch", "f"), Dim.documented("in_channels", "f"), None),
    (Dim.documented("N", "f"), Dim.documented("n_ex", "f"), False),  # one letter abbreviates nothing
    (ns, n, None), (ns, a, None), (ns, L(5), None), (ns + 1, ns, False),
    (n + d, d, False), (n * 2 + d, n, False),  # sizes are at least 1: a sum of them is never 0
    (ns + nf, nf, False),                       # documented sizes too
    (n + d, m, False), (n - d, m, False),       # sizes named apart are unrelated: a sum of two is not a third,
    (ns + nf, Dim.documented("n_outputs", "fit"), False),  # in one docstring too
    (ns + nf, ns2, None),                       # but not across docstrings,
    (ns + nf, Dim.documented("n_feature", "fit"), None),  # nor against a name that looks alike,
    (n + d, L(5), None), (n + d, m + 1, None),  # nor against an int (n is unknown against 5),
    (n * d, m, None), (n * d, n * m, None),     # nor a product (n_params is often n_samples*n_components)
    (n * 4, m, None), (n * 2 + d, m, None),     # nor a multiple (four_h is often 4*h)
    (n + d, a, None),                           # and an opaque size may be anything
    (n - d, L(0), False),                       # n - d is 0 only if n is d
    (n + a, n, None), (n - a, L(0), None),      # an opaque placeholder may be 0, or anything
])
def test_equal(x, y, expected):
    assert equal(x, y) is expected
    assert equal(y, x) is expected


def test_documented_symbols_print_as_written():
    assert str(ns * 2 + nf) == "2*n_samples + n_features" or str(ns * 2 + nf) == "n_features + 2*n_samples"
    assert fmt_shape(Shape((ns, nf))) == "(n_samples, n_features)"


def test_equal_without_distinct_symbols():
    assert equal(n, m, distinct_symbols=False) is None
    assert equal(n + d, m, distinct_symbols=False) is None
    assert equal(ns, nf, distinct_symbols=False) is None
    assert equal(n, n + 1, distinct_symbols=False) is False


@pytest.mark.parametrize("x, expected", [
    (L(1), True), (L(0), False), (L(5), False),
    (n, False),        # declared symbols are never 1 (jaxtyping writes #n for that)
    (a, None), (n - 1, None), (None, None), (n + a, None),
    (n + 1, False), (n * d, False), (ns * nf, False),  # sums and products of sizes are >= 2
    (ns, False),       # a documented size is not 1 either
])
def test_is_one(x, expected):
    assert is_one(x) is expected


# --- symbolic transfer functions ----------------------------------------------

def test_matmul_distinct_symbols_refuse():
    with pytest.raises(MatmulError) as info:
        ops.matmul(Shape.of(n, d), Shape.of(n, d))
    err = info.value
    assert (err.left_dim, err.right_dim, err.reason) == (d, n, "inner")
    assert (err.left_axis, err.right_axis) == (-1, -2)


def test_matmul_symbolic():
    assert ops.matmul(Shape.of(n, d), Shape.of(d, m)) == Shape.of(n, m)
    assert ops.matmul(Shape.of(n, 5), Shape.of(d, 3)) == Shape.of(n, 3)  # 5 vs d: unknown
    assert ops.matmul(Shape.of(n, d), Shape.of(n, d), distinct=False) == Shape.of(n, d)
    assert ops.matmul(Shape((n, d), "b"), Shape.of(d, m)) == Shape((n, m), "b")
    # maybe 1-D, maybe not: either way the product ends with the matrix's last axis
    assert ops.matmul(Shape((d,), "b"), Shape.of(d, m)) == Shape((m,), "")
    assert ops.matmul(Shape((), ""), Shape.of(d, m)) == Shape((m,), "")
    assert ops.matmul(Shape((), ""), Shape((d, m), "b")) == Shape((m,), "")
    assert ops.matmul(Shape.of(n, d), Shape((), "")) is None  # (n,) or (..., n, ?)
    with pytest.raises(MatmulError):  # contracted either way
        ops.matmul(Shape((n,), "b"), Shape.of(d, m))
    with pytest.raises(MatmulError) as info:
        ops.matmul(Shape(()), Shape.of(n, d))
    assert info.value.reason == "scalar"


def test_opaque_symbols_never_refuse():
    assert ops.matmul(Shape.of(a, b), Shape.of(a, b)) == Shape.of(a, b)
    assert ops.matmul(Shape.of(n, a), Shape.of(b, m)) == Shape.of(n, m)
    assert ops.dot(Shape.of(a), Shape.of(b)) == Shape(())
    assert ops.inner(Shape.of(n, a), Shape.of(m, b)) == Shape.of(n, m)
    assert ops.broadcast(Shape.of(a), Shape.of(b)) == Shape((None,))
    assert ops.broadcast(Shape.of(a), Shape.of(n)) == Shape.of(n)
    assert ops.broadcast(Shape.of(a), Shape.of(5)) == Shape.of(5)
    assert ops.broadcast_to_output(Shape.of(a), Shape.of(b)) is None
    assert ops.squeeze(Shape.of(a, 1), 0) == Shape.of(1)
    assert ops.squeeze(Shape.of(a, 1)) is None  # a may be 1
    assert ops.reshape(Shape.of(a, b), [Dim.lit(7)]) == Shape.of(7)


def test_broadcast_symbolic():
    with pytest.raises(BroadcastError) as info:
        ops.broadcast(Shape.of(n), Shape.of(m))
    assert info.value.axis == -1 and info.value.dims == (n, m)
    assert ops.broadcast(Shape.of(n), Shape.of(1)) == Shape.of(n)
    assert ops.broadcast(Shape.of(n), Shape.of(n, 1)) == Shape.of(n, n)
    assert ops.broadcast(Shape.of(n), Shape.of(5)) == Shape.of(5)  # if it works, it is 5
    assert ops.broadcast(Shape.of(n, 3), Shape((m,), "k")) == Shape((n, L(3)), "k")
    assert ops.broadcast(Shape.of(n), None) is None
    assert ops.broadcast() == Shape(())


def test_broadcast_to_output_symbolic():
    with pytest.raises(BroadcastError):
        ops.broadcast_to_output(Shape.of(n), Shape.of(m))
    assert ops.broadcast_to_output(Shape.of(n), Shape.of(5)) is None  # n vs 5: unknown
    with pytest.raises(BroadcastError) as info:
        ops.broadcast_to_output(Shape.of(3), Shape.of(n, 3))  # would grow the output
    assert info.value.output == Shape.of(3)


def test_products_symbolic():
    assert ops.dot(Shape.of(n, d), Shape.of(m, d, n)) == Shape.of(n, m, n)
    with pytest.raises(MatmulError):
        ops.inner(Shape.of(n, d), Shape.of(m, n))
    assert ops.outer(Shape.of(n, d), Shape.of(m)) == Shape.of(n * d, m)


def test_reshape_symbolic():
    assert ops.reshape(Shape.of(n, d), [L(-1)]) == Shape.of(n * d)
    assert ops.reshape(Shape.of(n, d), [L(-1), d]) == Shape.of(n, d)
    assert ops.reshape(Shape.of(n, 4), [L(-1), L(2)]) == Shape.of(n * 2, 2)
    assert ops.reshape(Shape.of(n, d), [m]) == Shape.of(m)  # n*d vs m: unknown
    with pytest.raises(ReshapeError) as info:
        ops.reshape(Shape.of(n, 2), [n, L(3)])
    assert info.value.reason == "size"
    with pytest.raises(ReshapeError) as info:
        ops.reshape(Shape.of(n, d), [L(-1), L(-1)])
    assert info.value.reason == "unknowns"


def test_reshape_any_negative_is_the_unknown():
    # numpy infers any negative size, not only -1: np.empty(6).reshape(-2, 3)
    assert ops.reshape(Shape.of(6), [L(-2), L(3)]) == Shape.of(2, 3)
    with pytest.raises(ReshapeError):
        ops.reshape(Shape.of(6), [L(-1), L(-2)])


def test_axes_symbolic():
    assert ops.reduce(Shape((n, d), "b"), -1) == Shape((n,), "b")
    assert ops.reduce(Shape((n, d), "b"), 1) is None  # which axis is 1 is unknown
    assert ops.reduce(Shape((n, d), "b"), None) is None
    with pytest.raises(AxisError) as info:
        ops.reduce(Shape.of(n, d), (0, -2))
    assert info.value.reason == "duplicate"
    with pytest.raises(AxisError) as info:
        ops.reduce(Shape.of(n, d), (0, 1), tuple_ok=False)
    assert info.value.reason == "tuple"
    with pytest.raises(AxisError) as info:
        ops.squeeze(Shape.of(n, 1), 0)  # declared n is not 1
    assert info.value.reason == "squeeze"
    assert ops.squeeze(Shape.of(n, 1)) == Shape.of(n)
    # a documented size is prose: squeezing it says this branch knows it is 1
    outputs = Dim.sym(dim.OPAQUE + "n_outputs" + dim.GROUP + "score", opaque=True)
    assert ops.squeeze(Shape.of(n, outputs), 1) == Shape.of(n)
    assert ops.transpose(Shape.of(n, d, m)) == Shape.of(m, d, n)
    assert ops.transpose(Shape((n,), "b")) is None
    assert ops.moveaxis(Shape.of(n, d, m), 0, -1) == Shape.of(d, m, n)
    assert ops.expand_dims(Shape.of(n, d), (0, -1)) == Shape.of(1, n, d, 1)


def test_zero_d_int_axis_quirk():
    # np.sum(x0d, axis=0) / np.squeeze(x0d, axis=-1) work; a tuple axis does not
    assert ops.reduce(Shape(()), 0) == Shape(())
    assert ops.reduce(Shape(()), -1, keepdims=True) == Shape(())
    assert ops.squeeze(Shape(()), 0) == Shape(())
    with pytest.raises(AxisError):
        ops.reduce(Shape(()), (0,))
    with pytest.raises(AxisError):
        ops.reduce(Shape(()), 1)


def test_index_symbolic():
    assert ops.index(Shape.of(n), [ops.Slice(L(1))]) == Shape.of(n - 1)
    assert ops.index(Shape.of(n), [ops.Slice(L(-3))]) == Shape.of(3)
    assert ops.index(Shape.of(n, d), [0]) == Shape.of(d)
    assert ops.index(Shape.of(n, d), [ops.ELLIPSIS, ops.NEWAXIS]) == Shape.of(n, d, 1)
    assert ops.index(Shape.of(n, d), [ops.ARRAY]) is None
    with pytest.raises(ShapeError):
        ops.index(Shape.of(n), [0, 0])
    with pytest.raises(ShapeError):
        ops.index(Shape.of(n), [ops.ELLIPSIS, ops.ELLIPSIS])
