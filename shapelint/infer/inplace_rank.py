"""``A op= B`` where B's operands have unknown leading axes: ``dZ = dLdy * act.grad(Z)`` is
``(..., n, k)`` when ``act.grad`` is not known.

An in-place operation cannot grow A, so B has at most A's rank.  When every path from such an
operand up to B keeps or raises the rank (arithmetic, ``@`` between matrices, ``.T``, a
reduction with ``keepdims=True``) and the operand's known axes already number A's rank, any
leading axis would make B too big for A.  So the code can only work with no leading axes:
evaluate B again with them gone, and if that fails too, it fails either way.

If it works without them, the update says something about the rest of the function: when the
operand's value was assigned in the same statement list before the update, with nothing between
that can leave the list (return, raise, break, continue, yield), every run of the assignment
reaches the update, which fails with any leading axis.  So the function is analysed once more
with the value bound without them (``reached_after``; ``Interpreter.analyse_function``): a line
that fails then fails whatever the leading axes are, either there or at the update.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ..numpy_api import REDUCTIONS
from ..shapes import Shape
from ..values import Array
from .expressions import key_of
from .walk import iter_children

_LEAVING = frozenset({cst.Return, cst.Raise, cst.Break, cst.Continue, cst.Yield})
_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_NESTING = (cst.BaseCompoundStatement, cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally)
# operators whose result has the rank of the larger operand (numpy broadcasting)
_ELEMENTWISE = frozenset({cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Power, cst.Modulo})


def _keeps_dims(call: cst.Call) -> bool:
    return any(a.keyword is not None and a.keyword.value == "keepdims" and type(a.value) is cst.Name
               and a.value.value == "True" for a in call.args)


def leaves(interp, node: cst.BaseExpression, rank: int) -> Optional[list]:
    """The operands with unknown leading axes under rank-keeping paths from ``node``, or None
    when one of them has fewer known axes than ``rank`` (a leading axis might then fit)."""
    value = interp.values.get(id(node))
    shape = value.shape if isinstance(value, Array) else None
    key = key_of(node)
    if shape is not None and shape.batch is not None and key is not None and key in interp.env:
        return [node] if len(shape.dims) >= rank else None
    parts: list = []
    if type(node) is cst.BinaryOperation:
        if type(node.operator) is cst.MatrixMultiply:
            # matrix @ matrix keeps the larger rank; a 1-D operand would drop one
            out = []
            for side in (node.left, node.right):
                found = leaves(interp, side, rank)
                if found is None:
                    return None
                v = interp.values.get(id(side))
                if not (found and rank >= 2) and not (isinstance(v, Array) and v.shape is not None
                                                      and len(v.shape.dims) >= 2):
                    return []
                out.extend(found)
            return out
        if type(node.operator) not in _ELEMENTWISE:
            return []
        parts = [node.left, node.right]
    elif type(node) is cst.UnaryOperation:
        parts = [node.expression]
    elif type(node) is cst.Attribute and node.attr.value == "T":
        parts = [node.value]
    elif (type(node) is cst.Call and type(node.func) is cst.Attribute
          and node.func.attr.value in REDUCTIONS and _keeps_dims(node)):
        parts = [node.func.value]
    out: list = []
    for part in parts:
        found = leaves(interp, part, rank)
        if found is None:
            return None
        out.extend(found)
    return out


def retry_without_leading_axes(interp, value_node: cst.BaseExpression, target: Shape):
    """None, or (the operands stripped of their leading axes with their values, the first
    failure evaluating B without them (an event with an error) or None, B's value then)."""
    rank = len(target.dims)
    found = leaves(interp, value_node, rank)
    if not found:
        return None
    saved_env, saved_values, saved_raising = {}, interp.values, interp.raising
    stripped = []
    for leaf in found:
        key = key_of(leaf)
        v = interp.values[id(leaf)]
        saved_env.setdefault(key, interp.env[key])
        stripped.append((leaf, v))
        interp.env[key] = Array(Shape(v.shape.dims), v.origin, v.expanded, v.boolean)
    interp.values = {}  # the shapes the rules and ``shapelint shapes`` see stay the real ones
    interp.silent += 1
    outer_capture, interp.capture = interp.capture, []
    level = interp.silent
    interp.capture_level, outer_level = level, interp.capture_level
    try:
        result = interp.eval(value_node)
        failures = interp.capture
    finally:
        interp.capture, interp.capture_level = outer_capture, outer_level
        interp.silent -= 1
        interp.values, interp.raising = saved_values, saved_raising
        interp.env.update(saved_env)
    return stripped, (failures[0] if failures else None), result


def _statement_lists(body: cst.BaseSuite):
    """The statement lists of a function body: its own, and those of the if/for/while/try/with
    statements in it (not those of nested functions and classes, which run on their own)."""
    todo: list = [body]
    while todo:
        node = todo.pop()
        if type(node) is cst.IndentedBlock:
            yield node.body
        for child in iter_children(node):
            if isinstance(child, _NESTING) and type(child) not in _SCOPES:
                todo.append(child)


def _may_leave(stmt: cst.CSTNode) -> bool:
    todo = [stmt]
    while todo:
        node = todo.pop()
        kind = type(node)
        if kind in _LEAVING:
            return True
        if kind not in _SCOPES:
            todo.extend(iter_children(node))
    return False


def reached_after(body: cst.BaseSuite, value_node: cst.BaseExpression, update: cst.AugAssign) -> bool:
    """Does every run of the assignment of ``value_node`` go on to the in-place ``update``: both
    in one statement list, the assignment on an earlier line, and nothing from one to the other
    that can leave the list?"""
    for stmts in _statement_lists(body):
        assigned = updated = None
        for i, stmt in enumerate(stmts):
            if type(stmt) is cst.SimpleStatementLine:
                for small in stmt.body:
                    if small is update:
                        updated = i
                    elif type(small) is cst.Assign and small.value is value_node:
                        assigned = i
        if updated is not None:
            return (assigned is not None and assigned < updated
                    and not any(_may_leave(stmt) for stmt in stmts[assigned:updated + 1]))
    return False
