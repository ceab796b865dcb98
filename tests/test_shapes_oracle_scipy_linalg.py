"""scipy.linalg as the oracle for the table's scipy.linalg handlers (shapes/scipy_linalg.py).

Each test calls the handler the interpreter calls, on arrays of random concrete shapes (ranks
0-3, sizes 0-4), and the installed scipy on arrays of those shapes: the same shapes, or both
refuse.  The handler may answer "unknown" only where scipy's releases differ, and the test says
which case that is:

* a stack (3-D or more): refused up to scipy 1.15, mapped over its leading axes from 1.16;
* a 0-d or 1-D operand of ``cholesky``, ``cho_factor``, ``expm``, ``sqrtm``, ``lu_factor`` or
  ``solve``, which some releases read as a matrix of one row (np.atleast_2d);
* an empty matrix (a size of 0): scipy 1.10 refuses most, later releases return empty factors
  of their own shapes, and before 1.16 an empty stack is returned before it is checked;
* ``solve`` of a (1, 1) matrix, which divides any b by it since scipy 1.15;
* sizes that are data: the rank (``null_space``, ``orth``), a subset of eigenvalues, the
  least-squares residues.

Square operands are made symmetric positive definite, so that no refusal is about values
(cholesky of an indefinite matrix).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from shapelint import numpy_api
from shapelint.shapes import ShapeError, concrete
from shapelint.shapes.scipy_linalg import ATLEAST_2D
from shapelint.values import NONE, Args, Array, Int, Obj, Tup, UNKNOWN
from test_shapes_oracle import _SCALE, S

scipy_linalg = pytest.importorskip("scipy.linalg")
from scipy.linalg import LinAlgError  # noqa: E402

SETTINGS = settings(max_examples=300 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.filterwarnings("ignore")

REFUSE = "refuse"
SCIPY_REFUSALS = (ValueError, LinAlgError, IndexError, TypeError)

small = st.integers(0, 4)
any_shape = st.lists(small, min_size=0, max_size=3).map(tuple)


@st.composite
def matrix_shape(draw):
    """Mostly 2-D, often square; sometimes 0-d, 1-D or a stack."""
    kind = draw(st.sampled_from(["square", "square", "matrix", "matrix", "other"]))
    if kind == "square":
        n = draw(small)
        return (n, n)
    if kind == "matrix":
        return (draw(small), draw(small))
    return draw(any_shape)


def make(shape: tuple[int, ...], rng=np.random.default_rng(0)) -> np.ndarray:
    """An array of ``shape``: symmetric positive definite where its last two sizes are equal,
    positive otherwise."""
    x = rng.random(shape) + 0.5
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        x = x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])
    return x


def scipy_answer(fn):
    """scipy's result as nested tuples of shapes, or (REFUSE, exception)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn()
    except SCIPY_REFUSALS as e:
        return (REFUSE, e)
    except Exception as e:  # f2py's argument check (lu_solve of a factor that is not square)
        if type(e).__name__ != "error" or "flapack" not in type(e).__module__:
            raise
        return (REFUSE, e)
    return _shapes(out)


def _shapes(out):
    if isinstance(out, (tuple, list)):
        return tuple(_shapes(x) for x in out)
    return np.shape(out) if isinstance(out, (np.ndarray, np.generic, float, int)) else "other"


def ours_answer(handler, args: list, kwargs: dict):
    """The handler's result as nested tuples of shapes (None for an unknown one), UNKNOWN for
    an unknown value, or (REFUSE, exception)."""
    try:
        out = handler(Args(args, kwargs))
    except ShapeError as e:
        return (REFUSE, e)
    return _ours(out)


def _ours(v):
    if v is UNKNOWN:
        return UNKNOWN
    if isinstance(v, Tup):
        return tuple(_ours(x) for x in v.items)
    if isinstance(v, Array):
        return None if v.shape is None else (concrete(v.shape) if concrete(v.shape) is not None else v.shape)
    if isinstance(v, Int):
        return ()  # lstsq's rank: a number
    return "other"


def refused(answer) -> bool:
    return isinstance(answer, tuple) and len(answer) == 2 and answer[0] is REFUSE


def agree(ours, theirs, unknown_ok: bool, what: str, wildcard=False) -> None:
    """``unknown_ok``: the case is one where the handler may not know (the releases differ);
    ``wildcard``: unknown sizes inside a known shape stand for data (a rank)."""
    event("scipy refuses" if refused(theirs) else "scipy accepts")
    if refused(ours):
        assert refused(theirs), f"{what}: ours refuses ({ours[1]!r}), scipy gives {theirs}"
        return
    if refused(theirs):
        assert unknown_ok or ours is UNKNOWN or _has_unknown(ours), f"{what}: ours {ours}, scipy refuses {theirs[1]!r}"
        return
    if ours is UNKNOWN or _has_unknown(ours) and not wildcard:
        assert unknown_ok, f"{what}: ours does not know ({ours}), scipy gives {theirs}"
        return
    assert _matches(ours, theirs), f"{what}: ours {ours}, scipy {theirs}"


def _has_unknown(x) -> bool:
    if x is None or x is UNKNOWN:
        return True
    if x == "flag":
        return False
    if isinstance(x, tuple) and x and not isinstance(x[0], int):
        return any(_has_unknown(y) for y in x)
    return not isinstance(x, tuple)  # a symbolic Shape


def _matches(ours, theirs) -> bool:
    if ours is None or ours == "flag":
        return ours is None or theirs == "flag"
    if isinstance(ours, tuple) and all(isinstance(d, int) for d in ours):
        return ours == theirs
    if isinstance(ours, tuple):
        return isinstance(theirs, tuple) and len(ours) == len(theirs) and all(map(_matches, ours, theirs))
    # a Shape with unknown dims (a rank that is data): the known ones must match
    dims = ours.dims
    return isinstance(theirs, tuple) and len(dims) == len(theirs) and all(
        d is None or d.value == t for d, t in zip(dims, theirs))


def scipy_version() -> tuple[int, int]:
    import scipy
    return tuple(int(x) for x in scipy.__version__.split(".")[:2])  # type: ignore[return-value]


def h(name: str):
    return numpy_api.LIBRARY_FUNCTIONS["scipy.linalg." + name]


def flag(b: bool) -> Int:
    from shapelint.shapes import Dim
    return Int(Dim.lit(int(b)))


def string(text: str) -> Obj:
    return Obj("str:" + text)


ONE_MATRIX = ["inv", "pinv", "pinvh", "det", "cholesky", "expm", "sqrtm", "logm", "null_space", "orth",
              "svdvals", "eigvals", "eigvalsh", "eigh", "eig", "svd", "qr", "lu", "lu_factor", "cho_factor"]


def releases_differ(name: str, shape: tuple[int, ...]) -> bool:
    """A stack, a 1-D array for the functions that may read it as a row, or an empty matrix."""
    return len(shape) > 2 or (len(shape) < 2 and name in ATLEAST_2D) or 0 in shape


@SETTINGS
@given(shape=matrix_shape(), name=st.sampled_from(ONE_MATRIX))
def test_functions_of_one_matrix(shape, name):
    fn = getattr(scipy_linalg, name)
    ours = ours_answer(h(name), [Array(S(shape))], {})
    theirs = scipy_answer(lambda: fn(make(shape)))
    if name == "cho_factor" and not refused(theirs):
        theirs = (theirs[0], "flag")  # (c, lower): lower is a bool
        ours = (ours[0], "flag") if isinstance(ours, tuple) and not refused(ours) else ours
    agree(ours, theirs, releases_differ(name, shape), f"{name}{shape}", wildcard=name in ("null_space", "orth"))


@SETTINGS
@given(shape=matrix_shape(), full=st.booleans(), uv=st.booleans())
def test_svd(shape, full, uv):
    ours = ours_answer(h("svd"), [Array(S(shape))], {"full_matrices": flag(full), "compute_uv": flag(uv)})
    theirs = scipy_answer(lambda: scipy_linalg.svd(make(shape), full_matrices=full, compute_uv=uv))
    agree(ours, theirs, releases_differ("svd", shape), f"svd{shape} full={full} uv={uv}")


@SETTINGS
@given(shape=matrix_shape(), mode=st.sampled_from(["full", "economic", "r", "raw", "nonsense"]),
       pivoting=st.booleans())
def test_qr(shape, mode, pivoting):
    ours = ours_answer(h("qr"), [Array(S(shape))], {"mode": string(mode), "pivoting": flag(pivoting)})
    theirs = scipy_answer(lambda: scipy_linalg.qr(make(shape), mode=mode, pivoting=pivoting))
    agree(ours, theirs, releases_differ("qr", shape), f"qr{shape} mode={mode} pivoting={pivoting}")


@SETTINGS
@given(shape=matrix_shape(), permute_l=st.booleans(), p_indices=st.booleans())
def test_lu(shape, permute_l, p_indices):
    if p_indices and scipy_version() < (1, 11):
        return  # p_indices is new in scipy 1.11
    extra = {"p_indices": p_indices} if p_indices else {}
    ours = ours_answer(h("lu"), [Array(S(shape))], {"permute_l": flag(permute_l), "p_indices": flag(p_indices)})
    theirs = scipy_answer(lambda: scipy_linalg.lu(make(shape), permute_l=permute_l, **extra))
    agree(ours, theirs, releases_differ("lu", shape), f"lu{shape} permute_l={permute_l} p_indices={p_indices}")


@SETTINGS
@given(shape=matrix_shape(), left=st.booleans(), right=st.booleans(), only=st.booleans(),
       subset=st.booleans())
def test_eig_and_eigh_options(shape, left, right, only, subset):
    x = make(shape)
    ours = ours_answer(h("eig"), [Array(S(shape))], {"left": flag(left), "right": flag(right)})
    theirs = scipy_answer(lambda: scipy_linalg.eig(x, left=left, right=right))
    agree(ours, theirs, releases_differ("eig", shape), f"eig{shape} left={left} right={right}")
    kwargs = {"eigvals_only": flag(only)}
    theirs_kwargs: dict = {"eigvals_only": only}
    n = shape[-1] if shape else 0
    if subset and n:
        kwargs["subset_by_index"] = Tup((Int(None), Int(None)), is_list=True)
        theirs_kwargs["subset_by_index"] = [0, n - 1]
    ours = ours_answer(h("eigh"), [Array(S(shape))], kwargs)
    theirs = scipy_answer(lambda: scipy_linalg.eigh(x, **theirs_kwargs))
    agree(ours, theirs, releases_differ("eigh", shape), f"eigh{shape} {theirs_kwargs}", wildcard=subset)


@st.composite
def system(draw):
    """(a, b): a mostly square, b mostly with a's rows (1-D or 2-D), sometimes anything."""
    a = draw(matrix_shape())
    rows = a[0] if a else draw(small)
    b = draw(st.one_of(st.tuples(st.just(rows)), st.tuples(st.just(rows), small), any_shape))
    return a, b


@SETTINGS
@given(case=system(), name=st.sampled_from(["solve", "solve_triangular", "lstsq"]))
def test_systems(case, name):
    a, b = case
    ours = ours_answer(h(name), [Array(S(a)), Array(S(b))], {})
    theirs = scipy_answer(lambda: getattr(scipy_linalg, name)(make(a), make(b)))
    if name == "lstsq" and not refused(theirs):
        theirs = (theirs[0], "flag", (), theirs[3])  # the residues' shape is data (the rank of a)
        ours = (ours[0], "flag", (), ours[3]) if isinstance(ours, tuple) and not refused(ours) else ours
    # solve divides by a (1, 1) a: any b since scipy 1.15, only a b of one row before
    one_by_one = name == "solve" and a == (1, 1)
    differ = len(b) > 2 or not b or (name == "solve" and len(a) < 2) or len(a) > 2 or 0 in a or 0 in b or one_by_one
    agree(ours, theirs, differ, f"{name}({a}, {b})")


@SETTINGS
@given(case=system(), name=st.sampled_from(["cho_solve", "lu_solve"]))
def test_solves_with_a_factor(case, name):
    a, b = case
    if len(a) != 2:
        return  # the factor of a 2-D matrix is what these take
    rng = np.random.default_rng(0)
    if name == "cho_solve":
        factor_value = (make(a), False)
        pair = Tup((Array(S(a)), UNKNOWN))
    else:
        factor_value = (make(a), np.arange(min(a), dtype=np.int32))
        pair = Tup((Array(S(a)), Array(S((min(a),)))))
    ours = ours_answer(h(name), [pair, Array(S(b))], {})
    theirs = scipy_answer(lambda: getattr(scipy_linalg, name)(factor_value, rng.random(b)))
    agree(ours, theirs, len(b) > 2 or not b or 0 in a or 0 in b, f"{name}(factor {a}, {b})")


@SETTINGS
@given(shapes=st.lists(any_shape, max_size=3))
def test_block_diag(shapes):
    ours = ours_answer(h("block_diag"), [Array(S(s)) for s in shapes], {})
    theirs = scipy_answer(lambda: scipy_linalg.block_diag(*[make(s) for s in shapes]))
    agree(ours, theirs, any(len(s) > 2 for s in shapes), f"block_diag{shapes}")


@SETTINGS
@given(c=any_shape, r=st.one_of(st.none(), any_shape), name=st.sampled_from(["toeplitz", "hankel", "circulant"]))
def test_structured_matrices(c, r, name):
    if name == "circulant":
        r = None
    args = [Array(S(c))] + ([] if r is None else [Array(S(r))])
    ours = ours_answer(h(name), args, {})
    fn = getattr(scipy_linalg, name)
    theirs = scipy_answer(lambda: fn(make(c)) if r is None else fn(make(c), make(r)))
    agree(ours, theirs, len(c) != 1 or (r is not None and len(r) != 1), f"{name}({c}, {r})")


@SETTINGS
@given(a=any_shape, b=st.one_of(any_shape, st.tuples(small, small)))
def test_distances(a, b):
    """scipy.spatial.distance's cdist, pdist and squareform (the same in 1.10, 1.15 and 1.17)."""
    from scipy.spatial import distance

    def dist(name):
        return numpy_api.LIBRARY_FUNCTIONS["scipy.spatial.distance." + name]
    if len(a) == 2 and len(b) == 2 and draw_same_columns(a, b):
        b = (b[0], a[1])
    agree(ours_answer(dist("cdist"), [Array(S(a)), Array(S(b))], {}),
          scipy_answer(lambda: distance.cdist(np.ones(a), np.ones(b))), False, f"cdist({a}, {b})")
    agree(ours_answer(dist("pdist"), [Array(S(a))], {}), scipy_answer(lambda: distance.pdist(np.ones(a))), False,
          f"pdist({a})")
    x = np.zeros(a) if len(a) == 2 else np.ones(a)  # a distance matrix has a zero diagonal
    # a 0-d X is read as one distance: unknown
    agree(ours_answer(dist("squareform"), [Array(S(a))], {}), scipy_answer(lambda: distance.squareform(x)),
          a == (), f"squareform({a})")


def draw_same_columns(a, b) -> bool:
    return (a[0] + b[0]) % 3 != 0  # mostly points of as many coordinates


def test_options_that_change_what_is_returned_are_not_followed():
    """pinv(..., return_rank=True), sqrtm(..., disp=False), eigh with b: another kind of result."""
    square = Array(S((3, 3)))
    assert h("pinv")(Args([square], {"return_rank": flag(True)})) is UNKNOWN
    assert h("sqrtm")(Args([square], {"disp": flag(False)})) is UNKNOWN
    assert h("eigh")(Args([square, square], {})) is UNKNOWN
    assert h("eigh")(Args([square], {"b": NONE})) is not UNKNOWN
    assert _ours(h("pinv")(Args([square], {"return_rank": flag(False)}))) == (3, 3)
