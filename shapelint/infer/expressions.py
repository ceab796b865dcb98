"""Expressions: the shape (or int, tuple...) every expression evaluates to."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from .. import numpy_api
from ..sources.literals import string_value
from .walk import iter_children
from ..shapes import Dim, ops
from ..shapes.dim import floordiv
from ..shapes.errors import BroadcastError, IndexError_, MatmulError
from ..shapes.shape import ANY_RANK, SCALAR, Shape
from ..values import (
    NONE, UNKNOWN, Args, Array, Bool, DictLit, Int, NoneVal, Obj, Origin, Scalar, ShapeOf, Tup, Unknown, Value,
    as_item, is_arraylike, carried_reduction, join, shape_of,
)

ARITH = frozenset({cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power,
                   cst.BitAnd, cst.BitOr, cst.BitXor, cst.LeftShift, cst.RightShift})
ELEMENTWISE_COMPARE = frozenset({cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual,
                                 cst.Equal, cst.NotEqual})


def key_of(node: cst.BaseExpression) -> Optional[str]:
    """``w``, ``self.W``, ``params['W']``: the names values are stored under."""
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        base = key_of(node.value)
        return f"{base}.{node.attr.value}" if base else None
    if type(node) is cst.Subscript and len(node.slice) == 1:
        el = node.slice[0].slice
        if type(el) is cst.Index and type(el.value) is cst.SimpleString:
            base = key_of(node.value)
            s = string_value(el.value)
            return f"{base}[{s!r}]" if base and s is not None else None
    return None


def int_arith(op: cst.BaseBinaryOp, a: Optional[Dim], b: Optional[Dim]) -> Value:
    if a is None or b is None:
        return Int(None)
    if type(op) is cst.Add:
        return Int(a + b)
    if type(op) is cst.Subtract:
        return Int(a - b)
    if type(op) is cst.Multiply:
        return Int(a * b)
    if type(op) is cst.FloorDivide:
        return Int(floordiv(a, b))
    if type(op) is cst.Power and b.value is not None and 0 <= b.value <= 4:
        out = Dim.lit(1)
        for _ in range(b.value):
            out = out * a
        return Int(out)
    if type(op) is cst.Divide:
        return Scalar()
    if type(op) is cst.Modulo and a.value is not None and b.value:
        return Int(Dim.lit(a.value % b.value))
    return Int(None)


class ExpressionsMixin:
    _dispatch: dict = {}  # node type -> unbound e_* method (or None), filled on first sight

    def eval(self, node: cst.BaseExpression) -> Value:
        kind = type(node)
        try:
            method = self._dispatch[kind]
        except KeyError:
            method = self._dispatch[kind] = getattr(type(self), "e_" + kind.__name__, None)
        if method is None:
            self.eval_children(node)
            value: Value = UNKNOWN
        else:
            value = method(self, node)
        if isinstance(value, Array) and value.origin is None:
            value = Array(value.shape, Origin("expr", node), value.expanded, value.boolean, value.reduced)
        self.values[id(node)] = value
        return value

    def eval_children(self, node: cst.CSTNode) -> None:
        """Evaluate sub-expressions of a construct we do not model, for their findings."""
        for child in iter_children(node):
            if isinstance(child, cst.BaseExpression):
                self.eval(child)
            elif type(child) in (cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement,
                                    cst.StarredElement, cst.FormattedStringExpression):
                self.eval_children(child)

    # atoms ------------------------------------------------------------------
    def e_Name(self, node: cst.Name) -> Value:
        name = node.value
        if name == "True":
            return Bool(Dim.lit(1))
        if name == "False":
            return Bool(Dim.lit(0))
        if name == "None":
            return NONE
        return self.lookup(name)

    def e_Integer(self, node: cst.Integer) -> Value:
        try:
            return Int(Dim.lit(int(node.value.replace("_", ""), 0)))  # base from the prefix, as Python reads it
        except ValueError:
            try:
                return Int(Dim.lit(int(node.evaluated_value)))  # "007" and other oddities
            except (ValueError, OverflowError, SyntaxError):
                return Int(None)

    def e_Float(self, node: cst.Float) -> Value:
        try:
            return Scalar(float(node.value))  # Python's float() reads every float literal
        except (ValueError, OverflowError):
            return Scalar()

    def e_Imaginary(self, node: cst.Imaginary) -> Value:
        return Scalar()

    def e_Ellipsis(self, node: cst.Ellipsis) -> Value:
        return Obj("ellipsis")

    def e_Tuple(self, node: cst.Tuple) -> Value:
        return self._sequence(node.elements, False)

    def e_List(self, node: cst.List) -> Value:
        return self._sequence(node.elements, True)

    def _sequence(self, elements, is_list: bool) -> Value:
        items = []
        starred = False
        for el in elements:
            v = self.eval(el.value)
            if type(el) is cst.StarredElement:
                starred = True
            else:
                self.shared(el.value)  # [xs]: the list xs is reachable through this one too
            items.append(v)
        return UNKNOWN if starred else Tup(tuple(items), is_list)

    def e_Dict(self, node: cst.Dict) -> Value:
        entries = []
        nodes = []
        for el in node.elements:
            if type(el) is cst.DictElement:
                v = self.eval(el.value)
                self.shared(el.value)
                self.eval(el.key)  # for what the key expression holds
                key = string_value(el.key) if type(el.key) is cst.SimpleString else None
                entries.append((key, v))
                nodes.append(el.value)
            else:
                self.eval(el.value)
                return Obj("dict")
        return DictLit(tuple(entries), tuple(nodes))

    def e_IfExp(self, node: cst.IfExp) -> Value:
        self.eval(node.test)
        truth = self.static_truth(node.test)  # as for an if statement: a branch no input takes
        if truth is not None:
            return self.eval(node.body if truth else node.orelse)
        return join(self.eval(node.body), self.eval(node.orelse))

    def e_NamedExpr(self, node: cst.NamedExpr) -> Value:
        v = self.eval(node.value)
        self.bind(node.target, v, node.value, node)
        return v

    # attributes and subscripts ---------------------------------------------
    def e_Attribute(self, node: cst.Attribute) -> Value:
        key = key_of(node)
        if key is not None and key in self.env:
            self.eval(node.value)
            return self.env[key]
        base = self.eval(node.value)
        attr = node.attr.value
        if isinstance(base, Obj) and base.kind.startswith("qual:"):
            qual = base.kind[5:] + "." + attr
            const = numpy_api.lookup_constant(qual)
            return const if const is not None else Obj("qual:" + qual)
        if isinstance(base, Obj) and base.kind == "finfo":
            return numpy_api.info_attribute(attr)  # np.finfo(float).eps
        if isinstance(base, Array):
            shape = base.shape
            if attr == "shape":
                if shape is not None and shape.fixed:
                    return Tup(tuple(Int(d) for d in shape.dims))
                base_key = key_of(node.value)
                return ShapeOf(base_key) if base_key and shape is None else UNKNOWN
            if attr == "ndim":
                return Int(Dim.lit(len(shape.dims)) if shape is not None and shape.fixed else None)
            if attr == "size":
                return Int(shape.size() if shape is not None else None)
            handler = numpy_api.ATTRIBUTES.get(attr)
            if handler is not None:
                return self.apply(handler, Args([], {"self": base}, distinct=self.distinct), node,
                                  operands=[node.value])
            return UNKNOWN
        if attr == "shape":
            base_key = key_of(node.value)
            if base_key is not None and isinstance(base, Unknown):
                return ShapeOf(base_key)
        if isinstance(base, Instance) and key is not None:
            return UNKNOWN
        if key is not None and key.startswith("self.") and self.cls is not None:
            if key in self.cls.attrs:
                return self.cls.attrs[key]
            m = self.cls.methods.get(attr)
            if m is not None and key.count(".") == 1 and is_property(m.node):
                return self.infer_return(m, {})  # self.hyperparameters: what the property returns
        return UNKNOWN

    def e_Subscript(self, node: cst.Subscript) -> Value:
        key = key_of(node)
        if key is not None and key in self.env:
            self.eval(node.value)
            return self.env[key]
        base = self.eval(node.value)
        items = []
        index_values = []
        for el in node.slice:
            s = el.slice
            if type(s) is cst.Index:
                v = self.eval(s.value)
                index_values.append(v)
                if isinstance(v, Bool):
                    items.append(ops.ARRAY)  # X[True]: a boolean, not an int
                elif isinstance(v, Array) and v.boolean:
                    items.append(ops.Advanced(v.shape, True))  # X[s > 0]: a mask
                elif isinstance(v, Int) and v.dim is not None:
                    items.append(v.dim)
                elif isinstance(v, (NoneVal,)) or (isinstance(v, Obj) and v.kind == "newaxis"):
                    items.append(ops.NEWAXIS)
                elif isinstance(v, Obj) and v.kind == "ellipsis":
                    items.append(ops.ELLIPSIS)
                elif isinstance(v, Int) or (
                        isinstance(v, Array) and v.shape is not None and v.shape.fixed and not v.shape.dims):
                    items.append(None)  # an int whose value is unknown: the axis goes away
                elif isinstance(v, Array):
                    items.append(ops.Advanced(v.shape, None))  # W[idx]: integers or a mask
                elif isinstance(v, Tup) and v.is_list and v.items and all(isinstance(x, Int) for x in v.items):
                    # W[[0, 2]]: integers; [True, False]: a mask
                    mask = all(isinstance(x, Bool) for x in v.items)
                    if mask or not any(isinstance(x, Bool) for x in v.items):
                        items.append(ops.Advanced(Shape((Dim.lit(len(v.items)),)), mask))
                    else:
                        items.append(ops.ARRAY)
                elif isinstance(v, Tup):
                    items.append(ops.ARRAY)
                else:
                    items.append(UNKNOWN)
            else:
                bounds = []
                unknown = False
                for b in (s.lower, s.upper, s.step):
                    if b is None:
                        bounds.append(None)
                        continue
                    bv = self.eval(b)
                    if isinstance(bv, Int) and bv.dim is not None:
                        bounds.append(bv.dim)
                    elif isinstance(bv, NoneVal):
                        bounds.append(None)
                    else:
                        unknown = True
                        bounds.append(None)
                items.append(ops.Slice(*bounds, unknown=unknown))
        if isinstance(base, DictLit) and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index:
            k = node.slice[0].slice.value
            if type(k) is cst.SimpleString:  # {"epsilon": 1e-5}["epsilon"]
                found = [v for name, v in base.entries if name is not None and name == string_value(k)]
                return found[-1] if found else UNKNOWN
            return UNKNOWN
        if isinstance(base, Tup):
            if len(items) == 1 and isinstance(items[0], Dim) and items[0].value is not None:
                k = items[0].value
                return as_item(base.items[k]) if -len(base.items) <= k < len(base.items) else UNKNOWN
            if len(items) == 1 and isinstance(items[0], ops.Slice) and not items[0].unknown:
                bounds = [None if b is None else b.value for b in (items[0].start, items[0].stop, items[0].step)]
                if all(b is None or isinstance(b, int) for b in bounds) and bounds[2] != 0:
                    return Tup(base.items[slice(*bounds)], base.is_list)
            return UNKNOWN
        if isinstance(base, ShapeOf):
            # X.shape[k] is a size; X.shape[1:2] a tuple of unknown length (empty where X is 1-D)
            return Int(None) if len(items) == 1 and not isinstance(items[0], ops.Slice) else UNKNOWN
        if not isinstance(base, Array) and len(items) == 1 and not isinstance(items[0], ops.Slice):
            base_key = key_of(node.value)
            element = self.env.get(base_key + "[*]") if base_key is not None else None
            if element is not None and not (isinstance(base, Tup) and isinstance(items[0], Dim)):
                return element
        if not isinstance(base, Array) or any(isinstance(it, Unknown) for it in items):
            return Array(None) if isinstance(base, Array) else UNKNOWN
        try:
            shape = ops.index(base.shape, items, self.distinct)
        except IndexError_ as exc:
            if exc.item is not None:
                mask = node.slice[exc.item].slice.value  # type: ignore[union-attr]
                self.emit("mask", node, base=node.value, bval=base, mask=mask, mval=self.values.get(id(mask)),
                          error=exc)
                return Array(None)
            if exc.reason == "too many indices" and base.shape.dims \
                    and not any(isinstance(it, ops.Advanced) for it in items):
                # not a 0-d array: an item of an object array is one (scipy's loadmat cells,
                # scikit-learn's bin_edges[jj]), and holds what it holds; nor an array index
                count = sum(1 for it in items if it is not ops.NEWAXIS and it is not ops.ELLIPSIS)
                self.emit("index", node, base=node.value, bval=base, count=count)
            return Array(None)
        if shape == base.shape and all(type(it) is ops.Slice and it.start is None and it.stop is None
                                       and it.step is None and not it.unknown or it is ops.ELLIPSIS for it in items):
            # x[:], x[...]: the whole array, whose shape came from where x's did (tick's
            # ``out[:] = coeffs`` with both documented is docs against docs)
            return Array(shape, base.origin, base.expanded, base.boolean, base.reduced)
        return Array(shape, None, expanded=any(it is ops.NEWAXIS for it in items))

    # operators ----------------------------------------------------------------
    def e_UnaryOperation(self, node: cst.UnaryOperation) -> Value:
        v = self.eval(node.expression)
        if type(node.operator) is cst.Not:
            return UNKNOWN if isinstance(v, Array) else Scalar()
        op = type(node.operator)
        if isinstance(v, Int) and op is not cst.Plus:
            if v.dim is None:
                return Int(None)
            return Int(-v.dim if op is cst.Minus else -v.dim - Dim.lit(1))  # ~n is -n - 1
        if isinstance(v, Array):
            return Array(v.shape, v.origin, v.expanded, v.boolean, v.reduced)
        if isinstance(v, Scalar) and op is not cst.Plus:
            # -27.0 is a negative number (np.arange(-27.0, 0.0) has 27 items); ~ of a bool is an int
            return Scalar(-v.value if op is cst.Minus and v.value is not None else None)
        return v if isinstance(v, (Int, Scalar)) else UNKNOWN

    def e_BinaryOperation(self, node: cst.BinaryOperation) -> Value:
        left = self.eval(node.left)
        right = self.eval(node.right)
        op = node.operator
        if type(op) is cst.MatrixMultiply:
            return self.matmul(node, node.left, node.right, left, right, "@", ops.matmul)
        if type(op) not in ARITH:
            return UNKNOWN
        if isinstance(left, Int) and isinstance(right, Int):
            return int_arith(op, left.dim, right.dim)
        if isinstance(left, (Int, Scalar)) and isinstance(right, (Int, Scalar)):
            return Scalar()
        if isinstance(left, Array) or isinstance(right, Array):
            if is_arraylike(left) and is_arraylike(right) or _meets_unknown(op, left, right):
                out = self.elementwise(node, [(node.left, left), (node.right, right)], type(op).__name__)
                if type(op) in (cst.BitAnd, cst.BitOr, cst.BitXor) and isinstance(out, Array) and any(
                        isinstance(v, Array) and v.boolean for v in (left, right)):
                    return Array(out.shape, out.origin, out.expanded, boolean=True)  # mask & mask
                return out
        return UNKNOWN

    def e_Comparison(self, node: cst.Comparison) -> Value:
        left = self.eval(node.left)
        values = [self.eval(c.comparator) for c in node.comparisons]
        if len(node.comparisons) != 1 or type(node.comparisons[0].operator) not in ELEMENTWISE_COMPARE:
            return UNKNOWN
        right = values[0]
        if (isinstance(left, Array) or isinstance(right, Array)) and is_arraylike(left) and is_arraylike(right):
            out = self.elementwise(node, [(node.left, left), (node.comparisons[0].comparator, right)], "compare")
            return Array(out.shape, out.origin, out.expanded, boolean=True) if isinstance(out, Array) else out
        return UNKNOWN

    def e_BooleanOperation(self, node: cst.BooleanOperation) -> Value:
        self.eval(node.left)
        self.eval(node.right)
        return UNKNOWN

    # shared with calls ------------------------------------------------------------
    def matmul(self, node, lnode, rnode, left: Value, right: Value, opname: str, fn) -> Value:
        lshape, rshape = shape_of(left), shape_of(right)
        if isinstance(left, Unknown) and isinstance(right, Array) and rshape is not None:
            lshape = ANY_RANK  # an array of some rank, as in arithmetic (x * f(x))
        elif not (is_arraylike(left) and is_arraylike(right)):
            return UNKNOWN
        try:
            shape = fn(lshape, rshape, distinct=self.distinct)
        except MatmulError as exc:
            self.emit("matmul", node, left=lnode, right=rnode, lval=left, rval=right, error=exc, op=opname)
            return Array(None)
        self.emit("product", node, left=lnode, right=rnode, lval=left, rval=right)
        return Array(shape)

    def elementwise(self, node, operands, opname: str) -> Value:
        shapes = ops.unknowns_as_any_rank([shape_of(v) for _, v in operands])
        try:
            shape = ops.broadcast(*shapes, distinct=self.distinct)
        except BroadcastError as exc:
            self.emit("elementwise", node, operands=operands, result=None, error=exc, op=opname)
            return Array(None)
        self.emit("elementwise", node, operands=operands, result=shape, error=None, op=opname)
        if shape is not None and not shape.dims and shape.fixed and not any(
                isinstance(v, Array) for _, v in operands):
            return Scalar()
        # an operand expanded on purpose (x[:, None]) makes the result deliberate too
        values = [v for _, v in operands]
        return Array(shape, None, any(isinstance(v, Array) and v.expanded for v in values),
                     reduced=carried_reduction(values, shape))

    def e_Lambda(self, node: cst.Lambda) -> Value:
        self.captured(node.body)  # not run here, but it may append to a list it names
        return UNKNOWN

    def e_ListComp(self, node) -> Value:
        self.captured(node)  # [out.append(f(x)) for x in xs]: not followed, may fill a list
        return UNKNOWN

    e_SetComp = e_DictComp = e_GeneratorExp = e_ListComp

    def e_SimpleString(self, node) -> Value:
        """A string literal's text (einsum subscripts, modes); bytes and f-strings are unknown."""
        value = string_value(node)
        return Obj("str:" + value) if value is not None else UNKNOWN

    e_ConcatenatedString = e_SimpleString

    def e_FormattedString(self, node) -> Value:
        return UNKNOWN


def _meets_unknown(op, left: Value, right: Value) -> bool:
    """An array with a known shape and, on the other side, a value of unknown kind: numpy
    broadcasts it as an array (``dLdy * act.grad(Z)``).  Not ``%``: ``fmt % x`` formats."""
    if type(op) is cst.Modulo:
        return False
    known, other = (left, right) if isinstance(left, Array) else (right, left)
    return isinstance(other, Unknown) and known.shape is not None and bool(known.shape.dims)


from .scope_info import Instance, decorator_names  # noqa: E402  (cycle: scope_info imports values only)

__all__ = ["ExpressionsMixin", "key_of", "SCALAR", "Shape"]


def is_property(node: cst.FunctionDef) -> bool:
    return any(name in ("property", "cached_property") for name in decorator_names(node))
