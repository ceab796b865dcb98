"""Fuzzing (issue 6): shapelint never raises and never reports an internal error (SL999) on any
valid Python program.

Three sources of programs:

* hypothesmith's ``from_grammar`` (any text CPython's grammar accepts) and ``from_node`` (programs
  built from libcst nodes): odd syntax, rarely numpy;
* ``numpy_programs`` below: numpy code with random small (and some pathological) shapes, matrix
  products, broadcasting, transposes, reductions, reshapes, indexing, jaxtyping annotations,
  loops, branches, classes: what shapelint actually analyses.

CI runs a bounded number of examples (a few seconds).  A longer run is one command:

    SHAPELINT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -q

(the number is the examples for each test; the programs are never run, only checked).
"""

from __future__ import annotations

import ast
import os
import sys
import warnings

import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from shapelint import numpy_api  # noqa: E402
from shapelint.config import Settings  # noqa: E402
from shapelint.engine import RECURSION_LIMIT, check_source  # noqa: E402

# check_source raises the recursion limit on first use; raising it here keeps hypothesis from
# warning that a test changed it
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles odd code

LONG_RUN = int(os.environ.get("SHAPELINT_FUZZ_EXAMPLES", "0") or 0)


def fuzz_settings(ci_examples: int):
    return settings(
        max_examples=LONG_RUN or ci_examples,
        deadline=None,  # a slow example is not a failure; a hang is caught by the time limit of the run
        suppress_health_check=list(HealthCheck),
        database=None,  # no .hypothesis/ directory left in the work tree
        print_blob=True,  # a failure prints the @reproduce_failure line to replay it
    )


def assert_checks_cleanly(source: str, *, valid_for_libcst: bool = False) -> list:
    """check_source on ``source``: no exception, no SL999 (nor SL900 for code libcst must read)."""
    first = check_source("fuzz.py", source, Settings())
    internal = [d for d in first if d.code == "SL999"]
    assert not internal, f"SL999 on:\n{source}\n{internal}"
    if valid_for_libcst:
        assert not [d for d in first if d.code == "SL900"], f"SL900 on valid code:\n{source}\n{first}"
    return first


def _compiles(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fuzz>", "exec", dont_inherit=True)  # the test compiles; shapelint never does
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


# --- hypothesmith: any valid Python ------------------------------------------------------------------


@fuzz_settings(40)
@given(hypothesmith.from_grammar())
def test_any_program_from_the_grammar(source):
    found = assert_checks_cleanly(source)
    for d in found:  # the program is valid Python: an SL900 may only say libcst cannot read it
        assert d.code != "SL900" or "valid Python, but shapelint's parser" in d.message, (source, d)


@fuzz_settings(4)
@given(hypothesmith.from_node())
def test_any_program_from_libcst_nodes(source):
    assert_checks_cleanly(source, valid_for_libcst=True)


# --- numpy-flavoured programs ------------------------------------------------------------------------

SIZES = st.sampled_from([0, 1, 2, 3, 4, 5, 7])
ODD_SIZES = st.sampled_from(["10**100", "1" + "0" * 40, "-1", "-3", "2**63", "n", "m", "n + 1", "2 * n", "0"])
NAMES = ["a", "b", "c", "x", "w", "h", "y", "z"]
FUNCTIONS = sorted(numpy_api.FUNCTIONS)  # every numpy function shapelint models...
METHODS = sorted(numpy_api.METHODS)  # ...and every array method
ARGUMENTS = ["{v}", "{v}, {v}", "{v}, axis={axis}", "{v}, {axis}", "{shape}", "{size}", "{v}, {shape}",
             "{v}, {v}, {v}", "{v}, {size}, {size}", "[{v}, {v}]", "{v}, keepdims=True", "({v}, {v}), axis={axis}",
             "'ij,jk->ik', {v}, {v}", "{v}, {v}, axis={axis}", "*{v}", "{v}, axes={shape}", "{size}, {size}, {size}"]


@st.composite
def shapes(draw, max_rank: int = 3) -> str:
    dims = draw(st.lists(st.one_of(SIZES.map(str), ODD_SIZES) if draw(st.integers(0, 9)) == 0 else SIZES.map(str),
                         min_size=0, max_size=max_rank))
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


@st.composite
def dim_strings(draw) -> str:
    words = st.sampled_from(["n", "d", "k", "m", "batch", "3", "4", "0", "1", "n+1", "2*n", "_", "#n", "*b", "..."])
    return " ".join(draw(st.lists(words, max_size=4)))


@st.composite
def expressions(draw, names: list[str]) -> str:
    v = lambda: draw(st.sampled_from(names))  # noqa: E731
    axis = lambda: draw(st.sampled_from(["0", "1", "-1", "2", "-3", "(0, 1)", "None"]))  # noqa: E731
    kind = draw(st.integers(0, 43))  # 32 and above: a call to any modelled function or method

    def arguments() -> str:
        size = draw(st.one_of(SIZES.map(str), ODD_SIZES))
        return draw(st.sampled_from(ARGUMENTS)).format(v=v(), axis=axis(), shape=draw(shapes()), size=size)

    forms = [
        lambda: f"np.zeros({draw(shapes())})",
        lambda: f"np.ones({draw(shapes())})",
        lambda: f"np.random.randn({draw(shapes()).strip('()').rstrip(',')})",
        lambda: f"{v()} @ {v()}",
        lambda: f"{v()} + {v()}",
        lambda: f"{v()} * {draw(st.sampled_from(['2', '0.5', v()]))}",
        lambda: f"{v()} - {v()}.mean(axis={axis()}, keepdims=True)",
        lambda: f"{v()}.T",
        lambda: f"{v()}.sum(axis={axis()})",
        lambda: f"np.max({v()}, axis={axis()})",
        lambda: f"{v()}.reshape{draw(shapes())}",
        lambda: f"{v()}.reshape(-1, {draw(SIZES)})",
        lambda: f"{v()}[{draw(st.sampled_from(['0', ':, 0', ':, None', 'None', '...', '1:3', '::-1', '0, 0', ':, :, 0', '-1']))}]",
        lambda: f"np.concatenate([{v()}, {v()}], axis={axis()})",
        lambda: f"np.stack([{v()}, {v()}])",
        lambda: f"np.dot({v()}, {v()})",
        lambda: f"np.einsum('{draw(st.sampled_from(['ij,jk->ik', 'ij->ji', 'ii->i', 'bij,bjk->bik', 'i,i->']))}', {v()}, {v()})",
        lambda: f"np.expand_dims({v()}, {axis()})",
        lambda: f"np.squeeze({v()})",
        lambda: f"np.transpose({v()})",
        lambda: f"np.maximum({v()}, 0)",
        lambda: f"np.where({v()} > 0, {v()}, {v()})",
        lambda: f"{v()}.shape[{draw(st.sampled_from(['0', '1', '-1', '5']))}]",
        lambda: f"len({v()})",
        lambda: f"np.arange({draw(st.one_of(SIZES.map(str), ODD_SIZES))})",
        lambda: f"np.eye({draw(SIZES)})",
        lambda: f"np.linalg.inv({v()})",
        lambda: f"np.tile({v()}, {draw(shapes())})",
        lambda: f"np.broadcast_to({v()}, {draw(shapes())})",
        lambda: f"({v()} @ {v()}.T).sum(axis={axis()})",
        lambda: f"np.{draw(st.sampled_from(FUNCTIONS))}({arguments()})",
        lambda: f"{v()}.{draw(st.sampled_from(METHODS))}({arguments()})",
    ]
    return forms[kind if kind < 32 else 30 + kind % 2]()


@st.composite
def blocks(draw, names: list[str], depth: int, indent: str) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 9 if depth < 3 else 4))
        if kind <= 3:
            target = draw(st.sampled_from(NAMES))
            lines.append(f"{indent}{target} = {draw(expressions(names))}")
            names = sorted(set(names) | {target})
        elif kind == 4:
            target = draw(st.sampled_from(names))
            op = draw(st.sampled_from(["+=", "*=", "@=", "-="]))
            lines.append(f"{indent}{target} {op} {draw(expressions(names))}")
        elif kind == 5:
            lines.append(f"{indent}for i in range({draw(SIZES)}):")
            lines += draw(blocks(names, depth + 1, indent + "    "))
        elif kind == 6:
            lines.append(f"{indent}if {draw(st.sampled_from(names))}.shape[0] > {draw(SIZES)}:")
            lines += draw(blocks(names, depth + 1, indent + "    "))
            lines.append(f"{indent}else:")
            lines += draw(blocks(names, depth + 1, indent + "    "))
        elif kind == 7:
            lines.append(f"{indent}reveal_shape({draw(st.sampled_from(names))})")
        elif kind == 8:
            lines.append(f"{indent}while True:")
            lines += draw(blocks(names, depth + 1, indent + "    "))
            lines.append(f"{indent}    break")
        else:
            lines.append(f"{indent}try:")
            lines += draw(blocks(names, depth + 1, indent + "    "))
            lines.append(f"{indent}except ValueError:")
            lines.append(f"{indent}    pass")
    return lines


@st.composite
def numpy_programs(draw) -> str:
    lines = ["import numpy as np", "from jaxtyping import Float", ""]
    names = ["a", "b"]
    lines.append(f"a = np.zeros({draw(shapes())})")
    lines.append(f"b = np.ones({draw(shapes())})")
    lines += draw(blocks(names, 1, ""))
    for k in range(draw(st.integers(0, 2))):
        params = ", ".join(f"{p}: Float[np.ndarray, {draw(dim_strings())!r}]" for p in ("x", "w"))
        ret = f" -> Float[np.ndarray, {draw(dim_strings())!r}]" if draw(st.booleans()) else ""
        lines += ["", "", f"def f{k}({params}, n: int = 3){ret}:"]
        lines += draw(blocks(["x", "w", "a", "b"], 1, "    "))
        lines.append(f"    return {draw(st.sampled_from(['x', 'w', 'a', 'h']))}")
    if draw(st.booleans()):
        lines += ["", "", "class Layer:", "    def __init__(self, n: int):",
                  f"        self.W = np.zeros({draw(shapes())})", "",
                  "    def forward(self, x: Float[np.ndarray, 'batch n']):",
                  "        h = x @ self.W", f"        return {draw(expressions(['h', 'x', 'self.W']))}"]
    return "\n".join(lines) + "\n"


@fuzz_settings(30)
@given(numpy_programs())
def test_numpy_programs(source):
    assert _compiles(source), source  # the strategy writes valid Python
    assert_checks_cleanly(source, valid_for_libcst=True)


@st.composite
def fixable_programs(draw) -> str:
    """Programs with findings that carry fixes: products that a transpose or a swap repairs, in
    assorted contexts, and suppression comments that may be unused (SL901 removes them)."""
    p, q, r = (draw(st.integers(1, 6)) for _ in range(3))
    products = ["a @ b", "np.dot(a, b)", "a @ b.T", "b @ a", "a.T @ b", "np.matmul(a, b)"]
    contexts = ["c = {}", "c = ({}) ** 2", "c = -{}", "c = {} + 1", "c = np.sum({}, axis=0)", "return {}",
                "c = [{}, 0]", "c = f({}, key={})"]
    comments = ["", "", "  # noqa: SL001", "  # shapelint: ignore[SL005]", "  # noqa", "  # shapelint: ignore",
                "  # noqa: E501"]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["import numpy as np", "", "", "def g():",
             f"    a = np.zeros(({p}, {q})){draw(st.sampled_from(comments))}",
             f"    b = np.ones(({r}, {q})){draw(st.sampled_from(comments))}"]
    for _ in range(draw(st.integers(1, 4))):
        product = draw(st.sampled_from(products))
        line = draw(st.sampled_from(contexts)).format(product, product)
        lines.append(f"    {line}{draw(st.sampled_from(comments))}")
        if line.startswith("return"):
            break
    return eol.join(lines) + eol


@fuzz_settings(15)
@given(st.one_of(fixable_programs(), numpy_programs()))
def test_fixing_numpy_programs_twice_is_fixing_once(source):
    from shapelint import fix as fixer

    once = fixer.fix_source("fuzz.py", source, Settings())
    hypothesis.event("fixed" if once.changed else "nothing to fix")
    if not once.changed:
        return
    ast.parse(once.fixed)  # a fixed program is still Python
    assert len(once.remaining) <= len(check_source("fuzz.py", source, Settings())), (source, once.fixed)
    twice = fixer.fix_source("fuzz.py", once.fixed, Settings())
    assert twice.fixed == once.fixed, (source, once.fixed, twice.fixed)
