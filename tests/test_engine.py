"""The pre-filter: files skipped before libcst parses them never lose a finding.

The argument (shapelint/files.py): a finding needs a shape, and every source of shapes needs one
of the pre-filter's words in the text, or (for ``2 @ 3`` and escaped string annotations) shows in
Python's own syntax tree; a file that imports a checked file which may give shapes is checked in
full too.  These tests pin each part of that argument to the interpreter's actual vocabulary, to
every fixture with expectations, to hand-made files that produce findings without numpy, and to
real code that does not use numpy.
"""

from __future__ import annotations

import os
import random
from unittest import mock
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shapelint import engine, runner
from shapelint.config import Settings
from shapelint.deps import ImportGraph, scan_imports
from shapelint.files import PREFILTER_WORDS, prefilter, read_source

from test_fixtures import FIXTURE_FILES, parse_expectations

ROOT = Path(__file__).resolve().parent.parent


def run(paths, **options):
    stats = runner.RunStats()
    found = runner.check_paths([str(p) for p in paths], Settings(), stats=stats, **options)
    return found, stats


def lines(found):
    return [(os.path.basename(d.path), d.line, d.code, d.message) for d in found]


# --- the words follow the interpreter ---------------------------------------------------------


def test_words_cover_the_annotation_vocabulary():
    annotations = pytest.importorskip("shapelint.sources.annotations")
    names = set(annotations.DTYPES) | set(getattr(annotations, "ARRAY_TYPES", ())) | {"Annotated"}
    missing = sorted(n for n in names if prefilter(f"def f(x: {n}): pass\n") is not True)
    assert not missing, f"add to files.PREFILTER_WORDS: {missing}"
    assert set(PREFILTER_WORDS) >= names - {"Annotated"} | {"Annotated"}


def test_words_cover_numpy_modules_and_shape_sources():
    numpy_api = pytest.importorskip("shapelint.numpy_api")
    for module in numpy_api.NUMPY_MODULES:
        if module == numpy_api.ARRAY_API:
            continue  # no import spells it: get_namespace() gives it (below)
        assert prefilter(f"import {module}\n") is True, module
        head, _, last = module.rpartition(".")
        if head:
            assert prefilter(f"from {head} import {last}\n") is True, module
    for text in (
        "n, d = X.shape\n",  # .shape unpacking names dims
        "reveal_shape(x)\n",
        "xp, _ = get_namespace(X)\n",  # scikit-learn's array API namespace
        "xp, _, device = get_namespace_and_device(X)\n",
        "def f(x):\n    '''x : array of shape (n, d)'''\n",  # docstrings
        "x = load()  # shape: (n, d)\n",  # shape comments
        "def f(a: NDArray[Shape['3, 4'], Float]): pass\n",  # nptyping
        "def f(a: 'Float[Tensor, \"n d\"]'): pass\n",  # string annotation
        "def f(a: jt.Float[Array, 'n d']): pass\n",
        "def f(a: Annotated[object, (2, 3)]): pass\n",
    ):
        assert prefilter(text) is True, text


def test_undecided_and_skipped():
    assert prefilter("x = 1\n") is False
    assert prefilter("@decorator\ndef f(): pass\n") is None  # decided on the syntax tree
    assert prefilter("a: '\\x46loat[X, \"n d\"]'\n") is None
    assert prefilter("Interval = 3; Integral = 4; Keys = 5\n") is False  # whole words only


# --- every fixture with expectations is checked in full ---------------------------------------


def test_every_fixture_with_expectations_is_checked_in_full():
    paths = [str(p) for p in FIXTURE_FILES]
    digests, own, imports, _, undecided = runner._scan(paths, False)
    modes = runner.modes_for(paths, own, ImportGraph(paths, imports), undecided)
    not_full = [p for p in paths if parse_expectations(Path(p).read_text(encoding="utf-8"))[0]
                and modes[p] != runner.FULL]
    assert not not_full
    assert all(o is True for p, o in zip(paths, own) if parse_expectations(Path(p).read_text("utf-8"))[0])


# --- findings without numpy: each is seen by the pre-filter -----------------------------------

NO_NUMPY = {
    "scalars.py": "a = 2 @ 3\ndef f(n: int, m: float):\n    return n @ m\n",
    "continued.py": "x = (2\n@3)\n",  # a matrix product whose @ starts a line, like a decorator
    "inplace.py": "x = 1.0\nx @= 2\n",
    "shape_attr.py": "def f(X):\n    n, d = X.shape\n    return X.sum(axis=2)\n",
    "annotated.py": ("from typing import Annotated\n"
                     "def f(a: Annotated[object, (2, 3)], b: Annotated[object, (4, 5)]):\n    return a @ b\n"),
    "jaxtyping.py": ("from jaxtyping import Float, Array\n"
                     "def f(a: Float[Array, 'n d'], b: Float[Array, 'k m']):\n    return a @ b\n"),
    "escaped.py": "def f(a: '\\x46loat[Tensor, \"n d\"]', b: '\\x46loat[Tensor, \"k m\"]'):\n    return a @ b\n",
    "jax.py": "from jax import numpy as jnp\nx = jnp.zeros((2, 3)).sum(axis=4)\n",
    "reveal.py": "reveal_shape(1)\n",
}


@pytest.fixture
def no_numpy(tmp_path):
    for name, text in NO_NUMPY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_files_without_numpy_that_have_findings(no_numpy):
    paths = sorted(no_numpy.glob("*.py"))
    with_filter, stats = run(paths)
    without, _ = run(paths, use_prefilter=False)
    assert lines(with_filter) == lines(without)
    assert {os.path.basename(d.path) for d in with_filter} == set(NO_NUMPY), lines(with_filter)
    assert stats.skipped == 0


def test_a_file_that_imports_shapes_from_another_is_checked(tmp_path):
    files = {
        "layers.py": "import numpy as np\n\ndef make():\n    return np.zeros((2, 3))\n",
        # no word of the pre-filter in these: their shapes would come from layers.py
        "model.py": "from layers import make\n\nh = make().sum(axis=3)\n",
        "app.py": "import model\n",  # through model.py
        "decorated.py": "import other\n\n@other.wrap\ndef f():\n    pass\n",
        "other.py": "import os\n\n@property\ndef wrap(f):\n    return f\n",  # undecided, settled clean
        "alone.py": "x = 1\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in files]
    digests, own, imports, _, undecided = runner._scan(paths, False)
    modes = runner.modes_for(paths, own, ImportGraph(paths, imports), undecided)
    assert {os.path.basename(p): m for p, m in modes.items()} == {
        "layers.py": runner.FULL, "model.py": runner.FULL, "app.py": runner.FULL,
        "decorated.py": runner.TREE, "other.py": runner.CLEAN, "alone.py": runner.SKIP,
    }
    with_filter, stats = run(paths)
    without, _ = run(paths, use_prefilter=False)
    assert lines(with_filter) == lines(without)
    assert stats.parsed == 3


# --- what is skipped has no findings -----------------------------------------------------------

STDLIB = ["json/decoder.py", "json/encoder.py", "json/scanner.py", "json/__init__.py", "colorsys.py",
          "bisect.py", "heapq.py", "textwrap.py", "string.py", "fnmatch.py"]


def test_real_code_the_prefilter_skips_has_no_findings():
    std = sysconfig.get_paths()["stdlib"]
    paths = [os.path.join(std, n) for n in STDLIB if os.path.exists(os.path.join(std, n))]
    skipped = [p for p in paths if prefilter(read_source(p)) is not True]
    assert len(skipped) >= 5
    full, _ = run(skipped, use_prefilter=False)
    assert full == []
    filtered, stats = run(skipped)
    assert filtered == [] and stats.parsed == 0 and stats.skipped == len(skipped)


# --- syntax and decoding errors in files the pre-filter would skip -----------------------------


def test_syntax_errors_in_skipped_files_are_still_reported(tmp_path):
    files = {
        "broken.py": "def f(x)\n    return x\n",
        "py2.py": "print 'hello'\n",
        "nul.py": "x = 1\x00\n",
        "indent.py": "if True:\nx = 1\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")  # not UTF-8, no cookie
    paths = sorted(tmp_path.glob("*.py"))
    with_filter, _ = run(paths)
    without, _ = run(paths, use_prefilter=False)
    assert lines(with_filter) == lines(without)
    assert sorted(os.path.basename(d.path) for d in with_filter) == sorted([*files, "latin.py"])
    assert {d.code for d in with_filter} == {"SL900"}


def test_scan_imports():
    text = ("import os, a.b as c\nfrom . import x\nfrom .import y\nfrom ..pkg.mod import (a,\n  b as bb,  # c\n)\n"
            "from  x.y \\\n  import z\nx = 1; import q\ndef f():\n    from numpy import linalg as la\n"
            "__import__('zz')\nfrom.m import n\nraise E from err\n")
    found = scan_imports(text)
    assert (0, "os", ()) in found and (0, "a.b", ()) in found
    assert (1, "", ("x",)) in found and (1, "", ("y",)) in found
    assert any(level == 2 and mod == "pkg.mod" and {"a", "b"} <= set(names) for level, mod, names in found)
    assert (0, "x.y", ("z",)) in found and (0, "q", ()) in found
    assert any(mod == "numpy" and "linalg" in names for _, mod, names in found)
    assert (1, "m", ("n",)) in found
    assert not any(mod in ("zz", "err") for _, mod, _ in found)


def test_import_graph_resolves_packages_and_relative_imports(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import f\n",
        "pkg/b.py": "from pkg.sub import c\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "x = 1\n",
        "script.py": "import pkg.a\n",
        "alone.py": "import json\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in files]
    graph = ImportGraph(paths, [scan_imports(Path(p).read_text()) for p in paths])
    names = list(files)
    edges = {names[i]: {names[j] for j in graph.edges[i]} for i in range(len(names))}
    assert edges["pkg/a.py"] == {"pkg/__init__.py", "pkg/b.py"}
    assert edges["pkg/b.py"] >= {"pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/c.py"}
    assert edges["script.py"] == {"pkg/__init__.py", "pkg/a.py"}
    assert edges["alone.py"] == set()
    marked = [n == "pkg/sub/c.py" for n in names]
    reaches = dict(zip(names, graph.reaches_marked(marked)))
    assert reaches["script.py"] and reaches["pkg/a.py"] and reaches["pkg/b.py"]
    assert not reaches["pkg/sub/c.py"] and not reaches["alone.py"]


# --- the cheap scan that spares most files Python's parser ----------------------------------------

_DEEP = [
    "x = " + "[" * 1000 + "]" * 1000 + "\n",
    "x = " + "f(" * 300 + ")" * 300 + "\n",
    "x = a" + ".b" * 3000 + "\n",
    "x = " + " and ".join(["a"] * 6000) + "\n",
    "x = " + "9" * 5000 + "\n",
    "x = (\n" + "    'a'\n" * 6000 + ")\n",
    "x = (\n" + "    -\n" * 2000 + "1)\n",
    "x = f'{" + "-" * 2000 + "1}'\n",
    "x = 1 + \\\n" * 800 + "1\n",
    "".join(" " * i + "if x:\n" for i in range(101)) + " " * 101 + "pass\n",
    "x = (\r" + "-\r" * 2000 + "1)\r",
]


@pytest.mark.parametrize("source", _DEEP)
def test_the_scan_sends_anything_deep_or_odd_to_pythons_parser(source):
    assert engine._may_be_refused(source)


def test_what_the_scan_lets_through_python_would_not_refuse():
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    passed = 0
    for path in sorted(fixtures.rglob("*.py")):
        source = path.read_text(encoding="utf-8", errors="replace")
        if "\x00" in source or engine._may_be_refused(source):
            continue
        passed += 1
        assert engine._refused(str(path), source, engine._quiet_parse(source) if _parses(source) else None) is None
    assert passed > 50
    # just below the bound: let through, and truly harmless
    source = "x = (\n" + "    -\n" * 200 + "1)\n"
    assert not engine._may_be_refused(source) and engine._refused("t.py", source) is None


# one or two levels of nesting each: (template, the loosest expression E may be, what the result
# is), by how loosely they bind: 0 an atom or call, 1 await, 2 power, 3 unary, 4 term, 5 sum,
# 6 comparison, 7 not, 8 and, 9 or, 10 conditional, 11 lambda (a chain stays valid Python: a
# wrapper that does not fit what it wraps is left out)
_WRAPPERS = [
    ("E.b", 0, 0), ("E(a)", 0, 0), ("E[a]", 0, 0), ("E[1:2, ::3]", 0, 0), ("await E", 0, 1), ("E ** 2", 1, 2),
    ("-E", 3, 3), ("~E", 3, 3), ("a * E", 3, 4), ("E @ a", 4, 4), ("E + a", 5, 5), ("E < a < b", 5, 6),
    ("not E", 7, 7), ("E and a", 8, 8), ("a or E", 9, 9), ("E if a else b", 9, 10), ("a if b else E", 11, 10),
    ("lambda q, r=1: E", 11, 11), ("[a, E]", 11, 0), ("{a: E, b: c}", 11, 0), ("f(a, k=E)", 11, 0),
    ("(a, E)", 11, 0), ("{E}", 11, 0), ("(b := E)", 11, 0), ("x[E]", 11, 0),
]
# mostly without brackets, so that chains thousands long stay within Python's 200 nested brackets
_BRACKETLESS = [w for w in _WRAPPERS if not any(c in w[0] for c in "([{")]


@settings(max_examples=25, deadline=None)
@given(st.integers(1600, 3000), st.integers(0, 2**32))
def test_the_scan_lets_through_nothing_nested_too_deep(length, seed):
    """Whatever the scan lets through, the full check (Python's parser, then the depth walk) lets
    through too.  Each step wraps the expression in one of the wrappers that fit it; one step in
    twenty may take one with brackets (a seed, not hypothesis's data: thousands of draws)."""
    rnd = random.Random(seed)
    expr, level = "a", 0
    for _ in range(length):
        pool = _WRAPPERS if rnd.random() < 0.05 else _BRACKETLESS
        template, _, level = rnd.choice([w for w in pool if level <= w[1]])
        expr = template.replace("E", expr)
    source = "x = " + expr + "\n"
    if engine._may_be_refused(source):
        return
    with mock.patch.object(engine, "_may_be_refused", lambda text: True):
        assert engine._refused("t.py", source) is None


def test_a_long_table_of_numbers_is_spared_pythons_parser():
    """A logical line far longer than the nesting limit that nests two deep (generated tables)."""
    rows = ",\n".join("    [" + ", ".join(["-1.5e-3", "2.0", "'a' 'b'"] * 20) + "]" for _ in range(40))
    source = "import numpy as np\nTABLE = np.array([\n" + rows + "\n])\n"
    assert len(source) > 5 * engine.MAX_NESTING
    assert not engine._may_be_refused(source) and engine._refused("t.py", source) is None


def _parses(source: str) -> bool:
    try:
        engine._quiet_parse(source)
    except (SyntaxError, ValueError):
        return False
    return True
