"""Statements, in order: assignment, flow (if, loops, try, with), imports, returns."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ..sources.docstrings import read_shape
from ..shapes import Dim, ops
from ..shapes.dim import display_name, substitute
from ..shapes.errors import BroadcastError, ReshapeError, ShapeError
from ..shapes.unify import Bindings, instantiate, match
from ..values import (
    LIST, NONE, UNKNOWN, Array, ArrayOrList, DictLit, Int, NoneVal, Obj, Origin, Scalar, ShapeOf, Truth, Tup, Unknown,
    Value, as_item, dims_of, is_arraylike, is_list, is_string, join, present, shape_of,
)
from ..shapes import Shape
from . import inplace_rank
from .expressions import int_arith, is_property, key_of
from .scope_info import ClassRef, Instance, decorator_names
from .walk import iter_children

SHAPE_COMMENT = re.compile(r"^#\s*shape\s*:\s*\(([^()]*)\)")
# a comment line of its own before a statement: "# grad.shape = (n_samples, n_classes)"
SHAPE_OF_COMMENT = re.compile(r"^#\s*([A-Za-z_]\w*)\.shape\s*(?:==?|:|is)\s*\(([^()]*)\)\s*$")
MAX_LOOP_NESTING = 3
COMPARE = {
    cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b, cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b, cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b,
}  # deeper loops are widened at once instead of analysed twice


ELEMENT = "[*]"  # the key suffix for "any item of this container"


def is_container(v: Value) -> bool:
    return (isinstance(v, Obj) and v.kind in ("dict", "list")) or (isinstance(v, Tup) and v.is_list) or \
        isinstance(v, DictLit)


def join_or(old: Optional[Value], new: Value) -> Value:
    return new if old is None else join(old, new)


_ABSENT = object()


def join_envs(a: dict, b: dict) -> dict:
    out = dict(a)
    # a branch shares most values with the env it started from: only those it changed are
    # joined (a generated file with thousands of ifs over thousands of names took minutes)
    get = a.get
    for k in [k for k, v in b.items() if get(k, _ABSENT) is not v]:
        v = b[k]
        out[k] = join(out[k], v) if k in out else v
    for k in a.keys() ^ b.keys():
        if k.endswith(ELEMENT):
            # a list's items known on one path only: the other path's list must hold the same
            other = b if k in a else a
            base = other.get(k[: -len(ELEMENT)])
            if isinstance(base, Tup) and base.is_list:
                for item in base.items:
                    out[k] = join(out[k], item)
            elif base is not None and not is_container(base):
                out[k] = UNKNOWN  # not a container there: its items are not these
    return out


LIST_TYPES = {"list", "tuple"}
INT_TYPES = {"int", "integer", "int_", "int64", "int32", "Integral"}  # int, np.integer, numbers.Integral...
ARRAY_TYPES = {"ndarray"}
# numbers: isinstance(alpha, (float, int)) holds for a scalar, never for an array of any rank
NUMBER_TYPES = INT_TYPES | {"float", "complex", "bool", "Number", "Real", "Complex", "number", "floating",
                            "float_", "float64", "float32", "complexfloating", "Rational"}


def _direct_item(key: str, base: str) -> bool:
    """Whether ``key`` is ``base[...]``, one index deep (``d[ifos[0]]``, not ``d[k][*]``)."""
    if not key.startswith(base + "[") or key == base + ELEMENT:
        return False
    depth = 0
    for i in range(len(base), len(key)):
        depth += {"[": 1, "]": -1}.get(key[i], 0)
        if depth == 0:
            return i == len(key) - 1
    return False


def _isinstance_list(test) -> Optional[tuple[str, bool]]:
    """``isinstance(x, list)`` (or ``(list, tuple)``), maybe under ``not``: (x, whether the
    test is true when x is a list)."""
    positive = True
    while type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
        test, positive = test.expression, not positive
    if not (type(test) is cst.Call and type(test.func) is cst.Name and test.func.value == "isinstance"
            and len(test.args) == 2 and type(test.args[0].value) is cst.Name):
        return None
    if _type_kind(test.args[1].value) != "list":
        return None
    return test.args[0].value.value, positive


def _atoms(test, outcome: bool):
    """The plain tests whose outcome is known where ``test`` had ``outcome``: through ``not``,
    both sides of an ``and`` that held, and of an ``or`` that failed."""
    while type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
        test, outcome = test.expression, not outcome
    if type(test) is cst.BooleanOperation:
        if (type(test.operator) is cst.And) == outcome:
            yield from _atoms(test.left, outcome)
            yield from _atoms(test.right, outcome)
        return
    yield test, outcome


def _type_kind(node) -> Optional[str]:
    """What a type, or a tuple of types, in ``isinstance(x, ...)`` or ``type(x) is ...`` names:
    "list" (list, tuple), "int" (int, np.integer...), "array" (np.ndarray), "number", "sequence"
    (lists and arrays), or None."""
    names = [e.value for e in node.elements] if type(node) is cst.Tuple else [node]
    last = [n.attr.value if type(n) is cst.Attribute else n.value if type(n) is cst.Name else None for n in names]
    for kind, types in (("list", LIST_TYPES), ("int", INT_TYPES), ("array", ARRAY_TYPES), ("number", NUMBER_TYPES),
                        ("sequence", LIST_TYPES | ARRAY_TYPES)):
        if last and all(n in types for n in last):
            return kind
    return None


def _type_test(test) -> Optional[tuple[cst.BaseExpression, str, bool]]:
    """``type(x) is int`` (``==``, ``is not``), ``isinstance(x, int)``, ``isinstance(x, np.ndarray)``
    (a tuple of such types alike): (x, "int" or "array", whether the test holds when x is one)."""
    if type(test) is cst.Call and type(test.func) is cst.Name and test.func.value == "isinstance" \
            and len(test.args) == 2:
        k = _type_kind(test.args[1].value)
        return (test.args[0].value, k, True) if k in ("int", "array", "number", "list", "sequence") else None
    if type(test) is cst.Comparison and len(test.comparisons) == 1:
        comp = test.comparisons[0]
        left = test.left
        if type(comp.operator) in (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual) and type(left) is cst.Call \
                and type(left.func) is cst.Name and left.func.value == "type" and len(left.args) == 1:
            k = _type_kind(comp.comparator)
            if k in ("int", "array"):
                return left.args[0].value, k, type(comp.operator) in (cst.Is, cst.Equal)
    return None


def _rank_test(test) -> Optional[tuple[cst.BaseExpression, int, bool, bool]]:
    """``x.ndim == k`` or ``len(x.shape) == k`` (``!=``, either side): (x, k, whether the test
    is true when x has rank k, whether it calls len)."""
    if type(test) is not cst.Comparison or len(test.comparisons) != 1:
        return None
    comp = test.comparisons[0]
    if type(comp.operator) not in (cst.Equal, cst.NotEqual):
        return None
    left, right = test.left, comp.comparator
    if type(left) is cst.Integer:
        left, right = right, left
    if type(right) is not cst.Integer or not right.value.isdigit():
        return None
    if type(left) is cst.Attribute and left.attr.value == "ndim":
        array = left.value
    elif (type(left) is cst.Call and type(left.func) is cst.Name and left.func.value == "len" and len(left.args) == 1
          and type(left.args[0].value) is cst.Attribute and left.args[0].value.attr.value == "shape"):
        array = left.args[0].value.value
    else:
        return None
    return array, int(right.value), type(comp.operator) is cst.Equal, type(left) is cst.Call


# how many tests a string has decided, in this process: a return inferred while it did not
# change holds whatever strings the call passed (calls.infer_return keys it without them)
STRING_DECISIONS = [0]
MAX_NARROWED_RANK = 32  # numpy's limit is 64; beyond this a test says nothing useful


def _emptiness_truth(left, right, op) -> Optional[bool]:
    """``result == []`` (``!=``; tuples alike) where one side is an empty list display and the
    other a list of known length: equal exactly when that is empty too."""
    if type(op) not in (cst.Equal, cst.NotEqual) or not (isinstance(left, Tup) and isinstance(right, Tup)):
        return None
    if left.is_list != right.is_list or (left.items and right.items):
        return None  # a list never equals a tuple, but which one a value is may not be sure; items may differ
    equal = not left.items and not right.items
    return equal if type(op) is cst.Equal else not equal


def _string_truth(left: Optional[Value], right: Optional[Value], op) -> Optional[bool]:
    """``s == "relu"``, ``"affine" in s``, ``s is None`` with s a string known here (a literal,
    or what a call passed); None when not decided."""
    if type(op) in (cst.Is, cst.IsNot) and isinstance(right, NoneVal):
        if isinstance(left, NoneVal):
            truth = True
        elif is_string(left) or isinstance(left, Array) and not left.optional:
            truth = False  # an array that may be None (a parameter defaulting to None): not decided
        else:
            return None
        return truth if type(op) is cst.Is else not truth
    if not (is_string(left) and is_string(right)):
        return None
    a, b = left.kind[4:], right.kind[4:]  # type: ignore[union-attr]
    if type(op) in (cst.Equal, cst.NotEqual):
        return (a == b) == (type(op) is cst.Equal)
    if type(op) in (cst.In, cst.NotIn):
        return (a in b) == (type(op) is cst.In)
    return None


class StatementsMixin:
    def exec_block(self, stmts) -> bool:
        """Run statements in order; True when the block always leaves (return, raise...)."""
        for stmt in stmts:
            if self.exec_stmt(stmt):
                return True
        return False

    def exec_stmt(self, stmt: cst.CSTNode) -> bool:
        for line in getattr(stmt, "leading_lines", ()):
            if line.comment is not None and ".shape" in line.comment.value:
                self.shape_of_comment(line.comment)
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if self.exec_small(small):
                    return True
            comment = stmt.trailing_whitespace.comment
            if comment is not None and "shape" in comment.value and len(stmt.body) == 1:
                self.shape_comment(stmt, stmt.body[0], comment.value)
            return False
        method = getattr(self, "s_" + type(stmt).__name__, None)
        if method is None:
            self.forget_assigned(stmt)
            return False
        leaves = bool(method(stmt))
        return self.raised() or leaves  # a loop's iterable, a with's context... that raised

    def exec_suite(self, suite) -> bool:
        if type(suite) is cst.SimpleStatementSuite:
            for small in suite.body:
                if self.exec_small(small):
                    return True
            return False
        return self.exec_block(suite.body)

    def forget_assigned(self, node: cst.CSTNode) -> None:
        """A construct we do not model: every name it assigns becomes unknown."""
        for target in _assigned_targets(node):
            key = key_of(target)
            if key is not None:
                self.env[key] = UNKNOWN

    # small statements -------------------------------------------------------------
    def raised(self) -> bool:
        """Did what was just evaluated certainly raise (a call that cannot return)?  Then the
        statement is the end of its path, as a ``raise`` is."""
        if self.raising:
            self.raising = False
            return True
        return False

    def exec_small(self, small: cst.BaseSmallStatement) -> bool:
        if type(small) is cst.Expr:
            self.eval(small.value)
        elif type(small) is cst.Assign:
            value = self.eval(small.value)
            if self.raised():
                return True
            if self.no_leading:
                value = self.without_leading_axes(small.value, value)
            for t in small.targets:
                self.bind(t.target, value, small.value, small)
        elif type(small) is cst.AnnAssign:
            self.annotated_assign(small)
        elif type(small) is cst.AugAssign:
            self.aug_assign(small)
        elif type(small) is cst.Return:
            value = self.eval(small.value) if small.value is not None else None
            if self.raised():
                return True
            if value is not None:
                self.check_return(small, value)
            return True
        elif type(small) is cst.Raise:
            if small.exc is not None:
                self.eval(small.exc)
            self.raising = False
            return True
        elif type(small) in (cst.Continue, cst.Break):
            if self.loop_exits:
                self.loop_exits[-1].append(dict(self.env))  # what holds here goes round, or on after the loop
            return True
        elif type(small) is cst.Import:
            for alias in small.names:
                full = dotted_name(alias.name)
                if alias.asname is not None:
                    self.env[alias.asname.name.value] = Obj("qual:" + full)  # type: ignore[union-attr]
                else:
                    top = full.split(".")[0]
                    self.env[top] = Obj("qual:" + top)
        elif type(small) is cst.ImportFrom:
            mod = self.absolute_module(small)
            if mod is not None and type(small.names) is cst.ImportStar:
                self.star_modules.append(mod)
            if mod is None or type(small.names) is cst.ImportStar:
                if not type(small.names) is cst.ImportStar:
                    for alias in small.names:
                        name = alias.asname.name.value if alias.asname else alias.name.value  # type: ignore
                        self.env[name] = UNKNOWN
                return False
            for alias in small.names:
                name = dotted_name(alias.name)
                bound = alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
                self.env[bound] = Obj(f"qual:{mod}.{name}")
        elif type(small) is cst.Del:
            for target in _assigned_targets(small):
                key = key_of(target)
                if key is not None:
                    self.env.pop(key, None)
        elif type(small) is cst.Assert:
            self.eval(small.test)
        return self.raised()

    def absolute_module(self, node: cst.ImportFrom) -> Optional[str]:
        """``from .layers import Dense`` inside ``pkg.model`` -> "pkg.layers"."""
        dots = len(node.relative)
        name = dotted_name(node.module) if node.module is not None else ""
        if not dots:
            return name or None
        if not self.module_name:
            return None
        package = self.module_name.split(".")
        is_package = getattr(self, "is_package", False)
        base = package if is_package else package[:-1]
        if dots - 1 > len(base):
            return None
        base = base[: len(base) - (dots - 1)]
        return ".".join(base + ([name] if name else [])) or None

    # assignment -------------------------------------------------------------------
    def bind(self, target: cst.BaseExpression, value: Value, value_node, stmt) -> None:
        if isinstance(value, Tup) and value.is_list and value_node is not None \
                and type(value_node) in (cst.Name, cst.Attribute) and key_of(value_node) != key_of(target):
            self.shared(value_node)  # alias = xs: one list under two names
            value = self.lookup(key_of(value_node))
        if type(target) in (cst.Tuple, cst.List):
            self.unpack(target, value, value_node, stmt)
            return
        key = key_of(target)
        if type(target) is cst.Subscript:
            item = self.eval(target)  # the base and the index too
            base = self.value_of(target.value)
            base_key = key_of(target.value)
            if isinstance(base, Array) or base_key is None:
                if isinstance(base, Array):
                    self.store_item(target, item, value, value_node, stmt)
                return  # an item of an array: its shape does not change
            if is_container(base):
                self.store(base_key + ELEMENT, join_or(self.env.get(base_key + ELEMENT), as_item(value)))
            if key is None:
                return
        if key is None:
            if type(target) is cst.Attribute:
                self.eval(target.value)
            return
        if type(target) is cst.Attribute and target.attr.value in ("shape", "dtype"):
            # x.shape = (-1, 2) reshapes x in place; x.dtype = 'f4' reinterprets its bytes, so
            # the last size changes with the item size
            base_key = key_of(target.value)
            old = self.lookup(base_key) if base_key is not None else None
            if isinstance(old, Array):
                dims = dims_of(value) if target.attr.value == "shape" else None
                shape = None
                if dims is not None:
                    try:
                        shape = ops.reshape(old.shape, dims)
                    except ReshapeError as exc:
                        self.eval(target.value)
                        self.emit("reshape", stmt, operand=target.value, error=exc, op="shape")
                    except ShapeError:
                        shape = None
                self.store(base_key, Array(shape, Origin("expr", target)))
            return
        if isinstance(value, DictLit):
            self.store(key, Obj("dict"))
            for (k, v), node in zip(value.entries, value.nodes):
                if k is not None:
                    self.store(f"{key}[{k!r}]", v)
                    self.emit("assign", node, key=f"{key}[{k!r}]", value=node, vval=v, stmt=stmt)
            if value.entries:
                acc = value.entries[0][1]
                for _, v in value.entries[1:]:
                    acc = join(acc, v)
                self.store(key + ELEMENT, acc)
        else:
            if type(target) is cst.Attribute and not key.startswith("self.") and self._sets_property(target):
                value = UNKNOWN  # a property's setter decides what reading it gives
            elif type(target) is cst.Name and type(value_node) is cst.Comparison:
                truth = self.static_truth(value_node)  # sktime's x_is_1d = x.ndim == 1
                if truth is not None:
                    value = Truth(Dim.lit(1 if truth else 0))
            self.store(key, value)
            source = key_of(value_node) if type(value_node) in (cst.Name, cst.Attribute) else None
            if source is not None and source != key:
                item = self.lookup(source + ELEMENT)
                if item is not UNKNOWN:
                    self.store(key + ELEMENT, item)  # X = self.X: the same list, the same items
        self.emit("assign", target, key=key, value=value_node, vval=value, stmt=stmt)

    def _sets_property(self, target: cst.Attribute) -> bool:
        """``obj.z0 = v`` where obj may make z0 a property, whose setter may store something else
        (scikit-rf's ``Network.z0`` broadcasts a 1-D ``v`` to ``(n_freqs, n_ports)``): an object
        of unknown class, or an instance of a class of the checked files with that property."""
        if type(target.value) is not cst.Name:
            return False
        base = self.eval(target.value)
        if isinstance(base, Instance):
            m = base.info.methods.get(target.attr.value)  # the setter, when one follows the getter
            return m is not None and (is_property(m.node) or "setter" in decorator_names(m.node))
        return isinstance(base, Unknown)

    def store_item(self, target: cst.Subscript, item: Value, value: Value, value_node, stmt) -> None:
        """``a[index] = value``: numpy stretches the value to the shape of ``a[index]``.  A single
        element is left alone: an object array holds any value there."""
        if not isinstance(item, Array) or item.shape is None or not item.shape.dims or not is_arraylike(value):
            return
        try:
            ops.store_into(item.shape, shape_of(value), distinct=self.distinct)
        except BroadcastError as exc:
            self.emit("setitem", stmt, target=target, tval=item, value=value_node, vval=value, error=exc)

    def forget_length(self, key: str, value: Value):
        """The list ``value`` at ``key`` may grow unseen (appended to, or reachable another way):
        its length is no longer known; its items are tracked under key[*] (returned)."""
        items = self.env.get(key + ELEMENT)
        if isinstance(value, Tup):
            for item in value.items:
                items = item if items is None else join(items, item)
        self.store(key, LIST)
        if items is not None:
            self.store(key + ELEMENT, items)
        return items

    def item_grows(self, item: cst.Subscript) -> None:
        """``d[k].append(x)``: besides ``d[k]`` itself (the caller's business), the container's
        "any item" holds a list that grew, and unless ``k`` is a literal, so may each list ``d``
        holds under another key (pycbc's ``ctimes[shift_ifo].append(...)`` into ``ctimes =
        {ifos[0]: [], ifos[1]: []}``): their lengths and items are no longer known."""
        base = key_of(item.value)
        if base is None:
            return
        own = key_of(item)
        literal = len(item.slice) == 1 and type(item.slice[0].slice) is cst.Index \
            and type(item.slice[0].slice.value) in (cst.SimpleString, cst.Integer)
        for k in [base + ELEMENT] + ([] if literal else [k for k in self.env if _direct_item(k, base)]):
            if k != own and is_list(self.env.get(k)):
                self.store(k, LIST)
                if k + ELEMENT in self.env:
                    self.store(k + ELEMENT, UNKNOWN)

    def shared(self, node) -> None:
        """``node`` (a name or attribute) is now reachable from elsewhere too (an alias, an item
        of a container, a closure): where it holds a list of known length, mutation through the
        other reference is not seen, so the length is no longer known."""
        key = key_of(node) if type(node) in (cst.Name, cst.Attribute) else None
        if key is not None:
            v = self.env.get(key)
            if isinstance(v, Tup) and v.is_list:
                self.forget_length(key, v)

    def captured(self, body) -> None:
        """Lists that a lambda, comprehension or function names (it may append to them when
        it runs, unseen here) lose their known length."""
        lists = {k for k, v in self.env.items() if type(v) is Tup and v.is_list and "." not in k and "[" not in k}
        if not lists:
            return
        names = self._names_in.get(id(body))
        if names is None:
            # one walk per body: a function's bodies run again for each call and return inference
            names = self._names_in[id(body)] = {}
            stack = [body]
            while stack:
                n = stack.pop()
                if type(n) is cst.Name:
                    names.setdefault(n.value, n)
                else:
                    stack.extend(iter_children(n))
        for name in lists & names.keys():
            self.shared(names[name])

    def store(self, key: str, value: Value) -> None:
        if key in self.container_bases:
            # a new container (or value) under this name: what its old items held is gone
            prefix = key + "["
            for k in [k for k in self.env if k.startswith(prefix)]:
                del self.env[k]
        if key.endswith("]"):
            self.container_bases.add(key[: key.index("[")])
        self.env[key] = value
        if key.startswith("self.") and self.cls is not None and key.count(".") == 1 and self.collecting:
            self.cls.stores.setdefault(key, []).append(value)

    def unpack(self, target, value: Value, value_node, stmt) -> None:
        elements = list(target.elements)
        self.check_shape_unpack(target, value, value_node, stmt)
        if any(type(e) is cst.StarredElement for e in elements):
            for e in elements:
                self.bind(e.value, UNKNOWN, None, stmt)
            return
        n = len(elements)
        # a, b = x, y: each target's own value node; a, b = f(): none (None)
        nodes = [el.value for el in value_node.elements] if type(value_node) in (cst.Tuple, cst.List) \
            and len(value_node.elements) == n else [None] * n
        if isinstance(value, (Int, Scalar)):
            self.raising = True  # TypeError: cannot unpack a number
            return
        if isinstance(value, Tup) and len(value.items) == n:
            for e, v, node in zip(elements, value.items, nodes):
                self.bind(e.value, v, node, stmt)
            return
        if isinstance(value, ShapeOf):
            # n, d = X.shape with X unknown: X gets the shape (n, d), named after the targets
            dims = []
            for e in elements:
                name = e.value.value if type(e.value) is cst.Name else "_"
                dims.append(Dim.sym(name, opaque=True) if name != "_" else None)
            self.env[value.key] = Array(ops.Shape(tuple(dims)), Origin("unpack", value_node, value.key))
            for e, d in zip(elements, dims):
                self.bind(e.value, Int(d), None, stmt)
            return
        if isinstance(value, Array) and value.shape is not None and value.shape.fixed and value.shape.dims:
            first = value.shape.dims[0]
            if first is not None and first.value == n:
                for e in elements:
                    self.bind(e.value, Array(ops.Shape(value.shape.dims[1:])), None, stmt)
                return
        for e in elements:
            self.bind(e.value, UNKNOWN, None, stmt)

    def check_shape_unpack(self, target, value: Value, value_node, stmt) -> None:
        """``n, d = X.shape`` where X's rank is known and is not the number of names (at least
        the names but the starred one, with a ``*rest``): numpy's shape is a plain tuple, so
        Python raises ``ValueError: too many / not enough values to unpack``."""
        if not (isinstance(value, Tup) and type(value_node) is cst.Attribute and value_node.attr.value == "shape"):
            return
        base = self.values.get(id(value_node.value))
        if not isinstance(base, Array) or base.shape is None or not base.shape.fixed:
            return
        names = len(target.elements)
        starred = any(type(e) is cst.StarredElement for e in target.elements)
        rank = len(value.items)
        if rank == names or (starred and rank >= names - 1):
            return
        key = key_of(value_node.value)
        if base.origin is not None and base.origin.kind == "doc-param" and not self.trust_docstrings \
                and key is not None and self.env.get(key) is base:
            # a parameter straight from its docstring: the code says its rank outright, and a
            # docstring is a hint (mne documents 3-D epochs as (n_channels, n_times))
            if not starred:
                self.env[key] = Array(Shape((None,) * names))
            return
        self.emit("shape-unpack", stmt, target=target, operand=value_node.value, rank=rank, names=names,
                  starred=starred)

    def annotated_assign(self, node: cst.AnnAssign) -> None:
        from ..sources.annotations import read_annotation

        declared = read_annotation(node.annotation.annotation)
        value = self.eval(node.value) if node.value is not None else None
        if declared.shape is None:
            if declared.is_int and value is None:
                return
            if value is not None:
                self.bind(node.target, value, node.value, node)
            return
        b = Bindings(declared.shape.symbols() - self.fixed_symbols)
        if isinstance(value, Array):
            mm = match(declared.shape, value.shape, b, (node.value, None), self.distinct)
            if mm is not None:
                self.emit("contract", node.value, what="assignment", declared=declared.shape, actual=value.shape,
                          mismatch=mm, value=node.value, name=key_of(node.target) or "", function=None, vval=value)
        shape = instantiate(declared.shape, b) if b.dims else declared.shape
        origin = Origin("annotation", node.annotation, key_of(node.target) or "")
        self.bind(node.target, Array(shape, origin), node.value, node)

    def shape_comment(self, stmt, small, text: str) -> None:
        """``X = np.load(path)  # shape: (n, d)``: the comment declares the target's shape."""
        m = SHAPE_COMMENT.match(text)  # the comment may go on: "# shape: (n, d)  # noqa"
        if m is None or not type(small) in (cst.Assign, cst.AnnAssign):
            return
        target = small.targets[0].target if type(small) is cst.Assign else small.target
        key = key_of(target)
        if key is None:
            return
        errors: list = []
        declared = read_shape("shape (" + m.group(1) + ")", errors, opaque=False)
        if declared is None:
            if errors:
                self.emit("bad-annotation", stmt, message=errors[0], function=None)
            return
        value = self.env.get(key)
        b = Bindings(declared.symbols() - self.fixed_symbols)
        if isinstance(value, Array):
            mm = match(declared, value.shape, b, (small.value, None), self.distinct)
            if mm is not None:
                self.emit("contract", small.value, what="comment", declared=declared, actual=value.shape,
                          mismatch=mm, value=small.value, name=key, function=None, vval=value)
        shape = instantiate(declared, b) if b.dims else declared
        self.env[key] = Array(shape, Origin("comment", stmt, key))

    def shape_of_comment(self, comment: cst.Comment) -> None:
        """``# grad.shape = (n_samples, n_classes)`` on a line of its own: what the author states
        about a name at that point.  Its names are the local ints of the same name where there
        are some, else sizes of the function's docstring group (as its docstring's names)."""
        m = SHAPE_OF_COMMENT.match(comment.value)
        if m is None or self.func is None:
            return
        key = m.group(1)
        value = self.env.get(key)
        if value is not None and not isinstance(value, (Array, Unknown)):
            return
        errors: list = []
        group = self.func.cls.name if self.func.cls is not None else self.func.name
        declared = read_shape("shape (" + m.group(2) + ")", errors, opaque=True, group=group)
        if declared is None:
            if errors:
                self.emit("bad-annotation", comment, message=errors[0], function=None)
            return
        locals_ = {}
        for name in declared.symbols():
            local = self.env.get(display_name(name))
            if isinstance(local, Int) and local.dim is not None:
                locals_[name] = local.dim
        shape = Shape(tuple(substitute(d, locals_) for d in declared.dims)) if locals_ else declared
        if isinstance(value, Array) and value.shape is not None:
            return  # the code already knows: the comment adds nothing
        self.env[key] = Array(shape, Origin("comment", comment, key))

    def aug_assign(self, node: cst.AugAssign) -> None:
        target = self.eval(node.target)
        value = self.eval(node.value)
        key = key_of(node.target)
        op = node.operator
        bin_op = getattr(cst, type(op).__name__.replace("Assign", ""), None)
        error = None
        result: Value = UNKNOWN
        if isinstance(target, Int) and isinstance(value, Int) and bin_op is not None:
            result = int_arith(bin_op(), target.dim, value.dim)
        elif type(op) is cst.MatrixMultiplyAssign:
            result = self.matmul(node, node.target, node.value, target, value, "@=", ops.matmul)
            if isinstance(target, Array) and isinstance(result, Array):
                try:
                    ops.broadcast_to_output(target.shape, result.shape, distinct=self.distinct)
                except BroadcastError as exc:
                    error = exc
                result = target
        elif isinstance(target, Array):
            # in place: the array keeps its shape (or numpy raises)
            if is_arraylike(value):
                try:
                    ops.broadcast_to_output(target.shape, shape_of(value), distinct=self.distinct)
                except BroadcastError as exc:
                    error = exc
            if error is None and target.shape is not None and target.shape.fixed and not self.silent \
                    and not self.first_iteration:
                self.inplace_without_leading_axes(node, target, value)
            result = target
        elif isinstance(target, (Int, Scalar)) and isinstance(value, Array):
            result = Array(value.shape, Origin("expr", node))
        elif isinstance(target, (Int, Scalar)) and isinstance(value, (Int, Scalar)):
            result = Scalar()
        self.emit("inplace", node, target=node.target, key=key, tval=target, value=node.value, vval=value,
                  op=type(op).__name__, error=error)
        if key is not None:
            self.env[key] = result
            if key.startswith("self.") and self.cls is not None and key.count(".") == 1 and self.collecting:
                self.cls.stores.setdefault(key, []).append(result)

    def inplace_without_leading_axes(self, node: cst.AugAssign, target: Array, value: Value) -> None:
        """See ``inplace_rank``: B's operands of unknown leading axes, when B fits A only without them."""
        if isinstance(value, Array) and value.shape is not None and value.shape.fixed:
            return
        retried = inplace_rank.retry_without_leading_axes(self, node.value, target.shape)
        if retried is None:
            return
        stripped, failure, result = retried
        if failure is None:
            if not is_arraylike(result) or shape_of(result) is None:
                return
            try:
                ops.broadcast_to_output(target.shape, shape_of(result), distinct=self.distinct)
            except BroadcastError as exc:
                failure = exc
            else:
                # it works only without them: worth a second analysis of the function
                if self.found_no_leading is not None:
                    self.found_no_leading.extend((v.origin.node, node) for _, v in stripped
                                                 if v.origin is not None and v.origin.node is not None)
                return
        self.emit("inplace-rank", node, target=node.target, tval=target, value=node.value, vval=value,
                  stripped=stripped, failure=failure, result=result)

    def without_leading_axes(self, value_node: cst.BaseExpression, value: Value) -> Value:
        """The value an assignment binds in the second analysis of ``inplace_rank``."""
        update = self.no_leading.get(id(value_node))
        if update is None or not isinstance(value, Array) or value.shape is None or value.shape.batch is None:
            return value
        return Array(Shape(value.shape.dims), Origin("no-leading-axes", update, base=value.origin), value.expanded,
                     value.boolean)

    def check_return(self, node: cst.Return, value: Value) -> None:
        if self.return_values is not None:
            self.return_values.append(value)
        info = self.func
        if info is None:
            return
        # not what a call gave against a documented return: calls are never checked against docstrings
        checkable = self.trust_docstrings or not self.given_run
        if info.ret_items is not None and checkable and isinstance(value, Tup) \
                and type(node.value) is cst.Tuple and len(value.items) == len(info.ret_items) == len(node.value.elements):
            # course style, "Returns a tuple of: - out: ... of shape (N, M) - cache: ...": each item
            for shape, item, element in zip(info.ret_items, value.items, node.value.elements):
                self._check_returned(info, shape, element.value, item, documented=not self.trust_docstrings)
            return
        if info.ret.shape is None or not (info.ret.contract or (checkable and info.ret.source == "docstring")):
            return
        self._check_returned(info, info.ret.shape, node.value, value, documented=not info.ret.contract)

    def _check_returned(self, info, declared, node, value: Value, documented: bool) -> None:
        """A documented return is a hint: the rule reports it only where the body bears it out."""
        if declared is None or not isinstance(value, Array):
            return
        b = Bindings(declared.symbols() - self.fixed_symbols)
        mm = match(declared, value.shape, b, (node, None), self.distinct)
        if mm is not None:
            self.emit("contract", node, what="return", declared=declared, actual=value.shape, mismatch=mm,
                      value=node, name="", function=info.name, vval=value, annotation=info.node.returns,
                      documented=documented)

    # flow -----------------------------------------------------------------------------
    def s_If(self, node: cst.If) -> bool:
        self.eval(node.test)
        if self.raised():
            return True
        truth = self.static_truth(node.test)
        if truth is True:
            return self.exec_suite(node.body)  # the else branch cannot run
        if truth is False:
            if type(node.orelse) is cst.If:
                return self.s_If(node.orelse)
            if type(node.orelse) is cst.Else:
                return self.exec_suite(node.orelse.body)
            return False
        before = self.env
        self.env = dict(before)
        self.narrow(node.test, True)
        carried = bool(self.carried) and self._tests_carried(node.test)
        self.branch_depth += carried  # in a loop's first pass: a branch that may wait for a later iteration
        try:
            t1 = self.exec_suite(node.body)
            e1 = self.env
            self.env = dict(before)
            self.narrow(node.test, False)
            t2 = False
            if type(node.orelse) is cst.If:
                t2 = self.s_If(node.orelse)
            elif type(node.orelse) is cst.Else:
                t2 = self.exec_suite(node.orelse.body)
        finally:
            self.branch_depth -= carried
        e2 = self.env
        if t1 and not t2:
            self.env = e2
        elif t2 and not t1:
            self.env = e1
        else:
            self.env = join_envs(e1, e2)
        return t1 and t2

    def narrow(self, test, outcome: bool) -> None:
        """Where ``isinstance(x, list)`` had ``outcome``: a parameter documented as an array or a
        list of arrays is the one or the other.  Where ``x.ndim == k`` held: an array of unknown
        rank has rank k; where ``x is None`` had it: None, or the array; where ``type(i) is int``
        failed: not the int documented."""
        for atom, held in _atoms(test, outcome):
            self._narrow_rank(atom, held)
            self._narrow_none(atom, held)
            self._narrow_type(atom, held)
        found = _isinstance_list(test)
        if found is None:
            return
        name, positive = found
        v = self.env.get(name)
        if not isinstance(v, ArrayOrList):
            return
        if outcome == positive:
            self.store(name, LIST)
            self.store(name + ELEMENT, Array(v.shape, v.origin))
        else:
            self.store(name, Array(v.shape, v.origin))

    def _narrow_type(self, test, outcome: bool) -> None:
        """Where ``type(i) is int`` or ``isinstance(X, np.ndarray)`` failed, a value documented
        as an int or an array is something else (pyod's ``indices : int``, an array on the
        else branch): unknown there.  Where ``isinstance(alpha, (float, int))`` held, an array
        is not what alpha is: unknown there too."""
        found = _type_test(test)
        if found is None:
            return
        node, kind, holds = found
        key = key_of(node)
        v = self.env.get(key) if key is not None else None
        if kind in ("number", "int") and holds == outcome and isinstance(v, Array):
            # imodels' ``alpha : float or array_like, shape (M,)``: a number on this branch
            self.env[key] = UNKNOWN
        elif kind in ("list", "array", "sequence") and holds == outcome and isinstance(v, (Int, Scalar)):
            # galpy's ``t : float`` under ``isinstance(t, (list, numpy.ndarray))``: the code says
            # it may be either, so ``len(t)`` there does not certainly raise
            self.env[key] = UNKNOWN
        elif holds != outcome and (kind == "int" and isinstance(v, Int) or kind == "array" and isinstance(v, Array)):
            self.env[key] = UNKNOWN  # not a store on self

    def _narrow_none(self, test, outcome: bool) -> None:
        """Where ``x is None`` had ``outcome``, an array that may be None (a parameter whose
        default is None) is None, or that array."""
        if type(test) is not cst.Comparison or len(test.comparisons) != 1:
            return
        comp = test.comparisons[0]
        if type(comp.operator) not in (cst.Is, cst.IsNot) or not isinstance(self.value_of(comp.comparator), NoneVal):
            return
        key = key_of(test.left)
        v = self.env.get(key) if key is not None else None
        if isinstance(v, Array) and v.optional:
            self.env[key] = NONE if outcome == (type(comp.operator) is cst.Is) else present(v)  # no store on self

    def _narrow_rank(self, test, outcome: bool) -> None:
        found = _rank_test(test)
        if found is None:
            return
        node, rank, positive, via_len = found
        if outcome != positive or rank > MAX_NARROWED_RANK:
            return  # "not rank k" leaves every other rank
        if via_len and self.lookup("len") != Obj("builtin:len"):
            return  # len rebound
        key = key_of(node)
        v = self.env.get(key) if key is not None else None
        if type(v) is not Array:
            return
        shape = v.shape
        if shape is None:
            narrowed = Shape((None,) * rank)
        elif not shape.fixed and len(shape.dims) <= rank:  # (..., d): the leading ones are unknown
            narrowed = Shape((None,) * (rank - len(shape.dims)) + shape.dims)
        else:
            return  # a known rank: static_truth decided the test already
        self.store(key, Array(narrowed, v.origin, v.expanded, v.boolean))

    def static_truth(self, test) -> Optional[bool]:
        """A condition decided by literal ints (``len(s) > 1`` with s known, ``x.ndim == 2``), or
        by what x is: ``isinstance(x, list)`` is false where x is an array (numpy-ml's
        ``if not isinstance(dLdy, list): dLdy = [dLdy]`` for a parameter documented as an
        ndarray).  The branch it skips is one that no array input takes, so what is found on the
        other still happens with an input of the declared shape."""
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            inner = self.static_truth(test.expression)
            return None if inner is None else not inner
        if type(test) is cst.BooleanOperation:
            a, b = self.static_truth(test.left), self.static_truth(test.right)
            if type(test.operator) is cst.And:
                return False if False in (a, b) else (True if a is True and b is True else None)
            return True if True in (a, b) else (False if a is False and b is False else None)
        if type(test) is cst.Call:
            found = _isinstance_list(test)
            if found is not None and isinstance(self.env.get(found[0]), Array):
                return False
            decided = self._isinstance_of_string(test)
            if decided is not None:
                STRING_DECISIONS[0] += 1
            return decided
        if type(test) is not cst.Comparison:
            v = self.value_of(test)
            if isinstance(v, Truth) and v.dim is not None and v.dim.value is not None:
                return bool(v.dim.value)
            # a list or tuple display, or one built from them: empty or not is known
            return bool(v.items) if isinstance(v, Tup) else None
        if len(test.comparisons) != 1:
            return None
        comp = test.comparisons[0]
        left, right = self.value_of(test.left), self.value_of(comp.comparator)
        empty = _emptiness_truth(left, right, comp.operator)
        if empty is not None:
            return empty
        strings = _string_truth(left, right, comp.operator)
        if strings is not None:
            STRING_DECISIONS[0] += 1
            return strings
        if not (isinstance(left, Int) and isinstance(right, Int) and left.dim is not None and right.dim is not None):
            return None
        a, b = left.dim.value, right.dim.value
        if a is None or b is None:
            return None
        compare = COMPARE.get(type(comp.operator))
        return compare(a, b) if compare is not None else None

    def _isinstance_of_string(self, test: cst.Call) -> Optional[bool]:
        """``isinstance(s, str)`` for a string known here (a literal, or what a call passed):
        true; ``isinstance(s, C)`` for a class C of the checked files whose bases are all known
        there (so none is ``str``): false.  Tuples of those, any true."""
        if type(test.func) is not cst.Name or test.func.value != "isinstance" or len(test.args) != 2:
            return None
        if self.lookup(test.func.value) != Obj("builtin:isinstance") or not is_string(self.value_of(test.args[0].value)):
            return None
        kinds = test.args[1].value
        answers = [self._is_str_class(k) for k in (kinds.elements if type(kinds) is cst.Tuple else [kinds])]
        if True in answers:
            return True
        return False if answers and all(a is False for a in answers) else None

    def _is_str_class(self, element) -> Optional[bool]:
        node = element.value if isinstance(element, cst.Element) else element
        if type(node) is cst.Name and node.value == "str" and self.lookup("str") is UNKNOWN:  # not rebound
            return True
        value = self.value_of(node)
        if isinstance(value, Obj) and value.kind.startswith("qual:"):
            value = self.foreign(value.kind[5:])  # the class is needed: the test decides a branch
        if isinstance(value, ClassRef) and not value.info.open:
            return False  # every base a class of the checked files, object or ABC: not str
        return None

    def element_of(self, node, it: Value) -> Value:
        """What one step of ``for x in <node>`` binds x to."""
        if isinstance(it, Obj) and it.kind == "range":
            return Int(None)
        if isinstance(it, Array) and it.shape is not None and it.shape.fixed and it.shape.dims:
            return Array(ops.Shape(it.shape.dims[1:]), Origin("expr", node))
        if isinstance(it, Tup) and it.items:
            acc = it.items[0]
            for v in it.items[1:]:
                acc = join(acc, v)
            return acc
        key = key_of(node)
        if key is not None and not isinstance(it, Tup):
            return self.lookup(key + ELEMENT)  # xs.append(h) ... for h in xs
        return UNKNOWN

    def s_For(self, node: cst.For) -> bool:
        it = self.eval(node.iter)
        element = self.element_of(node.iter, it)
        call = node.iter
        if type(call) is cst.Call and type(call.func) is cst.Name and call.func.value in ("zip", "enumerate") \
                and self.lookup(call.func.value) == Obj("builtin:" + call.func.value) \
                and all(a.keyword is None and not a.star for a in call.args):
            items = [self.element_of(a.value, self.value_of(a.value) or UNKNOWN) for a in call.args]
            if call.func.value == "enumerate":
                items = [Int(None), *items[:1]] if len(items) == 1 else []
            if items:
                element = Tup(tuple(items))

        def body() -> None:
            self.bind(node.target, element, None, node)
            self.exec_suite(node.body)

        self.loop(node, body)
        if node.orelse is not None:
            self.exec_suite(node.orelse.body)
        return False

    def s_While(self, node: cst.While) -> bool:
        def body() -> None:
            self.eval(node.test)
            self.exec_suite(node.body)

        self.loop(node, body)
        if node.orelse is not None:
            self.exec_suite(node.orelse.body)
        return False

    def loop(self, node, body) -> None:
        """A loop body runs with what holds on every iteration: a first pass (the first
        iteration, with what holds before the loop) finds the names the body changes; those
        become unknown; a second pass reports.  So nothing rests on a shape the loop changes,
        once.  What fails on the first iteration is reported too, where the second pass does
        not see it fail (a failure whose result, unknown, comes round as the next input), but
        not under a test of a name the body assigns (that branch may wait for a later
        iteration).  What holds at a ``continue`` or ``break`` joins what the body ends with."""
        body = self._with_exits(body)
        before = self.env
        first: list = []
        if self.loop_depth >= MAX_LOOP_NESTING:
            self.env = dict(before)
            self.forget_assigned(node)
        else:
            self.env = dict(before)
            reporting = not self.silent
            sink = self.sink
            if reporting:
                base = self.branch_depth
                self.carried.append(self._carried_by(node))

                def keep(event) -> None:
                    # a failure under a test of what the loop changes may need a later
                    # iteration's values to be reached at all (``if n_read == n:``): left out
                    if self.branch_depth == base:
                        first.append(event)

                self.sink = keep
                self.first_iteration += 1  # its failures are reported, nothing else it learns
            else:
                self.silent += 1
            self.loop_depth += 1
            try:
                body()
            finally:
                self.sink = sink
                if reporting:
                    self.first_iteration -= 1
                    self.carried.pop()
                else:
                    self.silent -= 1
                self.loop_depth -= 1
            self.env = join_envs(before, self.env)
        widened = self.env
        self.env = dict(widened)
        self.loop_depth += 1
        failed: set = set()
        sink = self.sink

        def forward(event) -> None:
            if event.data.get("error") is not None:
                failed.add((event.kind, id(event.node)))
            sink(event)

        if first:
            self.sink = forward
        try:
            body()
        finally:
            self.sink = sink
            self.loop_depth -= 1
        for event in first:
            if event.data.get("error") is not None and (event.kind, id(event.node)) not in failed:
                sink(event)
        self.env = join_envs(widened, self.env)

    def _carried_by(self, node) -> frozenset:
        """The names a loop's body assigns (but its own target): what one iteration hands the next."""
        found = self._carried_cache.get(id(node))
        if found is None:
            own: list = []
            if type(node) is cst.For:
                _unpack_targets(node.target, own)
            found = frozenset(key_of(t) for t in _assigned_targets(node.body)) - {key_of(t) for t in own} - {None}
            self._carried_cache[id(node)] = found
        return found

    def _tests_carried(self, test) -> bool:
        """Does ``test`` read a name that a loop in its first pass carries round?"""
        stack = [test]
        while stack:
            n = stack.pop()
            if type(n) in (cst.Name, cst.Attribute):
                key = key_of(n)
                if key is not None and any(key in names for names in self.carried):
                    return True
            stack.extend(iter_children(n))
        return False

    def _with_exits(self, body):
        """The body, ending with what held at each ``continue`` and ``break`` joined in: those
        paths leave the body early, into the next iteration or past the loop."""
        def run() -> None:
            self.loop_exits.append([])
            try:
                body()
            finally:
                exits = self.loop_exits.pop()
            for env in exits:
                self.env = join_envs(self.env, env)
        return run

    def s_Try(self, node) -> bool:
        before = dict(self.env)
        guarded = any(catches_refusal(h) for h in node.handlers)
        self.guarded += guarded
        try:
            self.exec_suite(node.body)
        finally:
            self.guarded -= guarded
        if node.orelse is not None:
            self.exec_suite(node.orelse.body)
        after = self.env
        outs = [after]
        for handler in node.handlers:
            self.env = join_envs(before, after)
            if handler.name is not None:
                self.bind(handler.name.name, UNKNOWN, None, handler)
            if not self.exec_suite(handler.body):
                outs.append(self.env)
        env = outs[0]
        for e in outs[1:]:
            env = join_envs(env, e)
        self.env = env
        if node.finalbody is not None:
            self.exec_suite(node.finalbody.body)
        return False

    s_TryStar = s_Try

    def s_With(self, node: cst.With) -> bool:
        expects_error = False
        for item in node.items:
            self.eval(item.item)
            expects_error |= _expects_error(item.item)
            if item.asname is not None:
                self.bind(item.asname.name, UNKNOWN, None, node)
        if not expects_error:
            return self.exec_suite(node.body)
        # `with pytest.raises(...)`: the code is meant to fail; say nothing about it.  It fails
        # somewhere: what it assigns may or may not have happened (nengo's ``inst.dp = bad``
        # raises in the descriptor, and inst.dp keeps its value)
        before = dict(self.env)
        self.silent += 1
        try:
            self.exec_suite(node.body)
        finally:
            self.silent -= 1
        self.env = before
        self.forget_assigned(node.body)
        return False

    def s_Match(self, node) -> bool:
        self.eval(node.subject)
        before = self.env
        outs = []
        for case in node.cases:
            self.env = dict(before)
            self.forget_assigned(case.pattern)
            self.exec_suite(case.body)
            outs.append(self.env)
        env = dict(before)
        for e in outs:
            env = join_envs(env, e)
        self.env = env
        self.forget_assigned(node)
        return False


ERROR_CONTEXTS = ("raises", "assert_raises", "assertRaises", "assertRaisesRegex", "assert_raises_regex",
                  "raises_regex", "warns", "assertWarns")


def names_passed_to_error_context(scope: cst.FunctionDef) -> set[str]:
    """The names handed to ``assert_raises(E, name)`` / ``pytest.raises(E, name)`` in ``scope``."""
    out: set[str] = set()
    stack = list(iter_children(scope.body))
    while stack:
        n = stack.pop()
        if _expects_error(n):
            out.update(a.value.value for a in n.args if type(a.value) is cst.Name)
        stack.extend(iter_children(n))
    return out


# what numpy raises when it refuses an operand, and what catches it
REFUSALS = frozenset({"ValueError", "IndexError", "TypeError", "LinAlgError", "AxisError", "Exception",
                      "BaseException"})


def catches_refusal(handler: cst.ExceptHandler) -> bool:
    """``except ValueError:``, ``except (np.linalg.LinAlgError, IndexError):``, a bare ``except:``:
    the body may be meant to fail (numpy's ``try: hsplit(a, 2); assert_(0) except ValueError``,
    ``try: inv(M) except LinAlgError: pinv(M)``)."""
    t = handler.type
    names = [el.value for el in t.elements] if type(t) is cst.Tuple else [t]
    return t is None or any(dotted_name(n).rsplit(".", 1)[-1] in REFUSALS for n in names)


def _expects_error(node) -> bool:
    if type(node) is cst.Call:
        f = node.func
        name = f.attr.value if type(f) is cst.Attribute else getattr(f, "value", "")
        return name in ERROR_CONTEXTS
    return False


def dotted_name(node) -> str:
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        return dotted_name(node.value) + "." + node.attr.value
    return ""


def _unpack_targets(t, out: list) -> None:
    if type(t) in (cst.Tuple, cst.List):
        for e in t.elements:
            _unpack_targets(e.value, out)
    elif type(t) is cst.StarredElement:
        _unpack_targets(t.value, out)
    else:
        out.append(t)


def _assigned_targets(node: cst.CSTNode) -> list:
    """Every target a construct assigns, nested functions and classes by name only.

    A walk over the node fields: libcst's ``visit`` and ``children`` rebuild every node they pass."""
    out: list = []
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is cst.AssignTarget:
            _unpack_targets(n.target, out)
        elif type(n) in (cst.AugAssign, cst.AnnAssign, cst.NamedExpr):
            out.append(n.target)
        elif type(n) in (cst.For, cst.CompFor):
            _unpack_targets(n.target, out)
        elif type(n) is cst.AsName:
            _unpack_targets(n.name, out)
        elif type(n) is cst.MatchAs and n.name is not None:
            out.append(n.name)
        elif type(n) is cst.Del:
            _unpack_targets(n.target, out)
        elif type(n) in (cst.FunctionDef, cst.ClassDef) and n is not node:
            out.append(n.name)
            continue
        stack.extend(iter_children(n))
    return out
