"""Return inference up to renaming (shapelint.infer.summary): calls that differ only in their
symbols' names share one run of the body, and the result comes back in each caller's names."""

from shapelint.infer.summary import canonical, restore
from shapelint.shapes import Dim, Shape
from shapelint.values import Array, Int, Tup


def _doc(name, group):
    return Dim.documented(name, group)


def test_same_pattern_same_key_and_names_restored():
    a = {"shape": Tup((Int(_doc("n_in", "Dense")), Int(_doc("n_out", "Dense"))))}
    b = {"shape": Tup((Int(_doc("hidden", "RNN")), Int(_doc("n_out", "RNN"))))}
    ca, back_a = canonical(a, None)
    cb, back_b = canonical(b, None)
    assert ca == cb  # one run of the body serves both calls
    result = Array(Shape(tuple(x.dim for x in ca["shape"].items)))
    assert restore(result, back_a).shape == Shape((_doc("n_in", "Dense"), _doc("n_out", "Dense")))
    assert restore(result, back_b).shape == Shape((_doc("hidden", "RNN"), _doc("n_out", "RNN")))


def test_relations_between_symbols_are_kept():
    n, d = _doc("n", "f"), _doc("d", "f")
    given = {"x": Array(Shape((n + d, d, Dim.lit(3), None)))}
    renamed, back = canonical(given, None)
    p0, p1, three, unknown = renamed["x"].shape.dims
    # (n + d) - d is still one symbol, not d: the sum stays a sum of the same two placeholders
    assert (p0 - p1).symbol is not None and (p0 - p1) != p1
    assert three == Dim.lit(3) and unknown is None
    assert restore(renamed["x"], back).shape == given["x"].shape


def test_symbols_of_the_callee_class_keep_their_names():
    own, other = _doc("n_out", "Layer"), _doc("n_ex", "Caller")
    renamed, back = canonical({"x": Array(Shape((other, own)))}, "Layer")
    assert renamed["x"].shape.dims[1] == own
    assert renamed["x"].shape.dims[0] != other
    assert restore(renamed["x"], back).shape == Shape((other, own))
