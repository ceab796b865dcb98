"""Facts the interpreter reports; rules read them (and nothing else of the interpreter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# kind -> what ``data`` holds
KINDS = {
    "matmul": "left, right (nodes), lval, rval, error (MatmulError), op",
    "product": "left, right (nodes), lval, rval: a matrix product whose shapes fit",
    "elementwise": "operands [(node, value)], result, error (BroadcastError or None), op",
    "inplace": "target (node), key, tval, value (node), vval, op, error",
    "inplace-rank": "target (node), tval, value (node), vval, stripped [(node, value)], failure (Event or "
                    "BroadcastError), result: B fails with its operands' leading axes and without",
    "assign": "target (node), key, value (node), vval",
    "transpose-1d": "operand (node), shape",
    "axis": "operand (node), error (AxisError)",
    "reshape": "operand (node), error (ReshapeError)",
    "contract": "what, declared, actual, mismatch, value (node), name, function",
    "shape-unpack": "target (node), operand (node), rank, names, starred",
    "call-unpack": "argument (node), vval, rank, names, starred, param, function, unpack (the callee's Assign), "
                   "module (the callee's, when another file), foreign",
    "index": "base (node), bval, count: more indices than bval has dimensions",
    "mask": "base (node), bval, mask (node), mval, error (IndexError_): a mask without the sizes of its axes",
    "reveal": "arg (node), vval",
    "concat": "operand (node), error (ConcatError)",
    "einsum": "error (EinsumError)",
    "einsum-literal": "shapes, values: an einsum whose subscripts the rule reads from the source",
    "bad-annotation": "message, function",
    "internal": "exc, traceback",
}


@dataclass
class Event:
    kind: str
    node: Any  # the libcst node a finding would point at
    data: dict = field(default_factory=dict)
