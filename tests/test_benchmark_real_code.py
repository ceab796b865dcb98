"""The mutation generator of benchmarks/real_code.py, without the network.

The benchmark itself installs packages from PyPI, so it is not run here; this
checks the parts that decide what a mutant is and how shapes are compared.
"""

import ast
import sys

import pytest
from conftest import load_benchmark



@pytest.fixture(scope="module")
def real_code():
    yield load_benchmark("real_code")
    del sys.modules["real_code"]


SOURCE = '''\
import numpy as np
from ..utils import helper


class Dense:
    def forward(self, X):
        Z = X @ self.W + self.b
        return np.maximum(Z, 0)

    def backward(self, dY, X):
        dW = X.T @ dY
        db = dY.sum(axis=0, keepdims=True)
        dX = np.dot(dY, self.W.T)
        return dX, dW, db

    def init(self, X):  # not a forward pass: never mutated
        return X.T @ X


def softmax_grad(p, y):
    m = p.max(axis=1)[:, None]
    return (p - m).reshape(-1, 1) + y.dot(p) + np.sum(p, 1)
'''


def mutate(real_code, tmp_path):
    site = tmp_path / "site"
    (site / "pkg" / "nn").mkdir(parents=True)
    (site / "pkg" / "utils").mkdir(parents=True)
    (site / "pkg" / "nn" / "layers.py").write_text(SOURCE)
    (site / "pkg" / "utils" / "__init__.py").write_text("from .helpers import helper\n")
    (site / "pkg" / "utils" / "helpers.py").write_text("def helper():\n    pass\n")
    return site, real_code.make_mutants(site, ["pkg/nn/layers.py"])


def test_every_operator_and_only_selected_functions(real_code, tmp_path):
    site, mutants = mutate(real_code, tmp_path)
    assert {m.operator for m in mutants} == {
        "drop .T", "add .T", "swap operands", "drop keepdims", "change axis",
        "drop newaxis", "drop reshape",
    }
    assert {m.function for m in mutants} == {"Dense.forward", "Dense.backward", "softmax_grad"}
    data = (site / "pkg/nn/layers.py").read_bytes()
    for m in mutants:
        text = real_code.apply_edits(data, m.edits).decode()
        ast.parse(text)  # every mutant is valid Python
        assert text != SOURCE
        changed = {i + 1 for i, (a, b) in enumerate(zip(SOURCE.splitlines(), text.splitlines())) if a != b}
        assert changed == set(m.mutated_lines), m.description


def test_mutated_texts(real_code, tmp_path):
    site, mutants = mutate(real_code, tmp_path)
    data = (site / "pkg/nn/layers.py").read_bytes()
    lines = {
        (m.operator, real_code.apply_edits(data, m.edits).decode().splitlines()[m.line - 1].strip())
        for m in mutants
    }
    assert ("swap operands", "Z = self.W @ X + self.b") in lines
    assert ("add .T", "Z = X.T @ self.W + self.b") in lines
    assert ("drop .T", "dW = X @ dY") in lines
    assert ("drop keepdims", "db = dY.sum(axis=0)") in lines
    assert ("change axis", "db = dY.sum(axis=1, keepdims=True)") in lines
    assert ("swap operands", "dX = np.dot(self.W.T, dY)") in lines
    assert ("drop newaxis", "m = p.max(axis=1)") in lines
    assert ("change axis", "m = p.max(axis=0)[:, None]") in lines
    assert ("change axis", "m = p.max(axis=2)[:, None]") in lines
    assert ("drop reshape", "return (p - m) + y.dot(p) + np.sum(p, 1)") in lines
    assert ("swap operands", "return (p - m).reshape(-1, 1) + p.dot(y) + np.sum(p, 1)") in lines
    assert ("change axis", "return (p - m).reshape(-1, 1) + y.dot(p) + np.sum(p, 0)") in lines


def test_imported_files_follow_package_reexports(real_code, tmp_path):
    site, _ = mutate(real_code, tmp_path)
    corpus = {"pkg/nn/layers.py", "pkg/utils/__init__.py", "pkg/utils/helpers.py"}
    assert real_code.imported_files(site, "pkg/nn/layers.py", corpus) == [
        "pkg/utils/__init__.py", "pkg/utils/helpers.py",
    ]


def test_imported_files_follow_imports_of_imports(real_code, tmp_path):
    # the layers call an initializer, which makes the activation: a check of the whole corpus
    # follows both, so the mutants' check needs both; a cycle ends
    site, _ = mutate(real_code, tmp_path)
    (site / "pkg" / "utils" / "helpers.py").write_text("from .acts import Sigmoid\n")
    (site / "pkg" / "utils" / "acts.py").write_text("from .helpers import helper\nclass Sigmoid:\n    pass\n")
    corpus = {"pkg/nn/layers.py", "pkg/utils/__init__.py", "pkg/utils/helpers.py", "pkg/utils/acts.py"}
    assert real_code.imported_files(site, "pkg/nn/layers.py", corpus) == [
        "pkg/utils/__init__.py", "pkg/utils/acts.py", "pkg/utils/helpers.py",
    ]


def test_judge(real_code):
    original = {"h": {"signature": ["dict", {"Y": ["array", [7, 3]], "loss": ["array", []]}]}}
    m = real_code.Mutant(0, "f.py", "f", "drop .T", "", [], (1, 1), frozenset({1}), 1,
                         harnesses=["h"])
    real_code.judge(m, original, {"h": {"signature": ["dict", {"Y": ["array", [7, 3]], "loss": ["array", []]}]}})
    assert m.verdict == "same"
    real_code.judge(m, original, {"h": {"signature": ["dict", {"Y": ["array", [3, 7]], "loss": ["array", []]}]}})
    assert (m.verdict, m.evidence) == ("breaks", "h: Y: shape (7, 3) -> (3, 7)")
    error = {"type": "ValueError", "mro": ["ValueError", "Exception"], "message": "matmul: mismatch"}
    real_code.judge(m, original, {"h": {"error": error}})
    assert m.verdict == "breaks"
    error = {"type": "ValueError", "mro": ["ValueError"], "message": "Input contains NaN"}
    real_code.judge(m, original, {"h": {"error": error}})
    assert m.verdict == "other-error"
    real_code.judge(m, original, {"__timeout__": 120})
    assert m.verdict == "timeout"


def test_copied_corpus_keeps_its_packages(real_code, tmp_path):
    # the copy must name its modules as the installed package does: pkg/__init__.py comes along
    # (copied, not checked) though only pkg/nn/layers.py is in the corpus
    site, _ = mutate(real_code, tmp_path)
    (site / "pkg" / "__init__.py").write_text("")
    (site / "pkg" / "nn" / "__init__.py").write_text("")
    dest = tmp_path / "copy"
    real_code.copy_corpus(site, ["pkg/nn/layers.py"], dest)
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*.py")) == [
        "pkg/__init__.py", "pkg/nn/__init__.py", "pkg/nn/layers.py",
    ]
