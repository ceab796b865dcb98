"""The second analysis of a function whose in-place update fails with any leading axis
(shapelint/infer/inplace_rank.py): which assignments count as always reaching the update, and
that a finding of both analyses is reported once."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from shapelint import engine
from shapelint.config import Settings
from shapelint.infer.inplace_rank import reached_after

HEADER = """\
import numpy as np
from jaxtyping import Float


def f(act, flag, dA: Float[np.ndarray, "n h"], X: Float[np.ndarray, "n d"], W: Float[np.ndarray, "d h"]):
    g = np.zeros((X.shape[1], dA.shape[1]))
"""


def diagnostics(body: str):
    return engine.check_source("f.py", HEADER + textwrap.indent(textwrap.dedent(body), "    "), Settings())


def findings(body: str):
    return [(d.line, d.code) for d in diagnostics(body)]


def nodes(body: str):
    """The function body, the value of ``dZ = ...`` and the update ``g += ...``."""
    module = cst.parse_module(HEADER + textwrap.indent(textwrap.dedent(body), "    "))
    func = next(s for s in module.body if isinstance(s, cst.FunctionDef))
    found = {}

    class Find(cst.CSTVisitor):
        def visit_Assign(self, node):
            if isinstance(node.targets[0].target, cst.Name) and node.targets[0].target.value == "dZ":
                found["value"] = node.value

        def visit_AugAssign(self, node):
            found["update"] = node

    func.visit(Find())
    return func.body, found["value"], found["update"]


@pytest.mark.parametrize("body, expected", [
    ("dZ = act(dA)\nx = 1\ng += X.T @ dZ\n", True),
    ("for t in range(3):\n    dZ = act(dA)\n    g += X.T @ dZ\n", True),      # one iteration: both
    ("dZ = act(dA)\nif flag:\n    g += X.T @ dZ\n", False),                     # the update on one path
    ("dZ = act(dA)\nif flag:\n    return\ng += X.T @ dZ\n", False),             # an early return
    ("for t in range(3):\n    dZ = act(dA)\n    if flag:\n        continue\n    g += X.T @ dZ\n", False),
    ("for t in range(3):\n    dZ = act(dA)\n    if flag:\n        break\n    g += X.T @ dZ\n", False),
    ("dZ = act(dA)\nassert flag, 'no'\ng += X.T @ dZ\n", True),                 # an assert fails anyway
    ("dZ = act(dA)\ndef inner():\n    return 1\ng += X.T @ dZ\n", True),        # a nested def does not leave
    ("g += X.T @ dA\ndZ = act(dA)\n", False),                                   # the update comes first
])
def test_reached_after(body, expected):
    suite, value, update = nodes(body)
    assert reached_after(suite, value, update) is expected


def test_the_second_analysis_finds_what_needs_no_leading_axes():
    assert findings("""\
        dZ = act.grad(dA) * dA
        dX = dZ.T @ W.T
        g += X.T @ dZ
        return dX
        """) == [(8, "SL001")]


def test_a_finding_of_both_analyses_is_reported_once():
    # dZ @ W fails with any leading axes too: the first analysis reports it, the second does not again
    found = diagnostics("""\
        dZ = act.grad(dA) * dA
        dX = dZ @ W
        g += X.T @ dZ
        return dX
        """)
    assert [(d.line, d.code) for d in found] == [(8, "SL001")]
    assert "(..., n, h)" in found[0].message  # the first analysis's words


def test_no_second_analysis_without_the_update():
    assert findings("""\
        dZ = act.grad(dA) * dA
        dX = dZ.T @ W.T
        return dX
        """) == []
