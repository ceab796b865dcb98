"""Calls: numpy's table, ndarray methods, builtins, and functions of the same file."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import libcst as cst

from .. import numpy_api
from ..shapes import Dim, ops
from ..shapes.errors import AxisError, BroadcastError, CallError, IndexError_, MatmulError, ReshapeError, ShapeError
from ..shapes.unify import Bindings, instantiate, match
from ..values import NONE, UNKNOWN, Args, Array, Int, NoneVal, Obj, Origin, Scalar, Tup, Unknown, Value, join, shape_of
from .expressions import key_of
from .scope_info import ClassRef, FuncInfo, FuncRef, Instance

MAX_CALL_DEPTH = 3  # nested inference of undeclared returns
MAX_RETURN_RUNS = 8  # distinct argument shapes for which one function's return is inferred


def _signature(v: Value) -> str:
    """What a call's result may depend on: shapes, ints, tuples of them (origins left out)."""
    if isinstance(v, Array):
        return "A" + repr(v.shape)
    if isinstance(v, Tup):
        return "T(" + ",".join(_signature(x) for x in v.items) + ")"
    if isinstance(v, Int):
        return "I" + repr(v.dim)
    return type(v).__name__  # a float's value, an object's identity: no shape depends on them


def _carries_shape(v: Value) -> bool:
    """An array of known shape, or a shape: a tuple of ints, one of them known (a lone int is
    too often a count or an option to be worth parsing another file for)."""
    if isinstance(v, Array):
        return v.shape is not None
    return isinstance(v, Tup) and any(isinstance(x, Int) and x.dim is not None for x in v.items)


BUILTINS = {"len", "reveal_shape", "int", "float", "abs", "range", "bool", "print", "isinstance", "list",
            "tuple", "round", "min", "max", "sum", "enumerate", "zip", "dict"}


class CallsMixin:
    def e_Call(self, node: cst.Call) -> Value:
        func = node.func
        receiver: Optional[Value] = None
        if isinstance(func, cst.Attribute):
            receiver = self.eval(func.value)
            callee = self._member(receiver, func)
        else:
            callee = self.eval(func)
        args, kwargs, star, arg_nodes = self._args(node)
        if isinstance(callee, Obj):
            if callee.kind.startswith("list-append:") and len(args) == 1:
                key = callee.kind[12:] + "[*]"
                prior = self.env.get(key)
                self.store(key, args[0] if prior is None else join(prior, args[0]))
                return NONE
            if callee.kind.startswith("qual:"):
                handler = numpy_api.lookup_function(callee.kind[5:])
                if handler is None:
                    # another checked file is parsed only when a known shape goes into it
                    if not any(_carries_shape(v) for v in args + list(kwargs.values())):
                        return UNKNOWN
                    callee = self.foreign(callee.kind[5:])
                    if isinstance(callee, FuncRef):
                        return self.call_function(callee.info, node, args, kwargs, star, arg_nodes, bound=False)
                    if isinstance(callee, ClassRef):
                        init = callee.info.methods.get("__init__")
                        if init is not None:
                            self.call_function(init, node, args, kwargs, star, arg_nodes, bound=True)
                        return Instance(callee.info)
                    return UNKNOWN
                a = Args(args, kwargs, star, self.distinct)
                return self.apply(handler, a, node, operands=arg_nodes, name=callee.kind[5:])
            if callee.kind.startswith("method:"):
                handler = numpy_api.METHODS.get(callee.kind[7:])
                if handler is None:
                    return UNKNOWN
                kwargs = dict(kwargs, self=receiver)
                a = Args(args, kwargs, star, self.distinct)
                return self.apply(handler, a, node, operands=[func.value] + arg_nodes, name=callee.kind[7:])
            if callee.kind.startswith("genmethod:"):
                handler = numpy_api.GENERATOR_METHODS.get(callee.kind[10:])
                if handler is None:
                    return UNKNOWN
                return self.apply(handler, Args(args, kwargs, star, self.distinct), node, operands=arg_nodes)
            if callee.kind.startswith("builtin:"):
                return self._builtin(callee.kind[8:], node, args, kwargs, star)
        if not isinstance(callee, Obj) or not callee.kind.startswith("qual:"):
            # a list handed to code we do not follow may be filled there
            for arg in node.args:
                if isinstance(self.values.get(id(arg.value)), Tup):
                    key = key_of(arg.value)
                    if key is not None:
                        self.env[key] = UNKNOWN
        if isinstance(callee, FuncRef):
            return self.call_function(callee.info, node, args, kwargs, star, arg_nodes,
                                      bound=isinstance(func, cst.Attribute))
        if isinstance(callee, ClassRef):
            init = callee.info.methods.get("__init__")
            if init is not None:
                self.call_function(init, node, args, kwargs, star, arg_nodes, bound=True)
            return Instance(callee.info)
        return UNKNOWN

    def _member(self, receiver: Value, func: cst.Attribute) -> Value:
        name = func.attr.value
        if isinstance(receiver, Obj) and receiver.kind.startswith("qual:"):
            return self.eval(func)
        self.values[id(func)] = UNKNOWN
        key = key_of(func.value)
        inherited = (isinstance(receiver, Unknown) and name == "append" and key is not None and key.startswith("self.")
                     and key.count(".") == 1)  # self.X = [] in a base class, self.X.append(X) here
        if (isinstance(receiver, Tup) and receiver.is_list) or (isinstance(receiver, Obj) and receiver.kind == "list") \
                or inherited:
            if key is not None:
                # xs.append(v): the length is no longer known; the items are v's shape while all agree
                self.store(key, Obj("list"))
                if name == "append":
                    return Obj("list-append:" + key)
            return UNKNOWN
        if isinstance(receiver, Array):
            if name == "resize":  # in place: the array's shape is whatever was asked
                key = key_of(func.value)
                if key is not None:
                    self.store(key, Array(None))
            return Obj("method:" + name)
        if isinstance(receiver, Obj) and receiver.kind == "generator":
            return Obj("genmethod:" + name)
        if isinstance(receiver, Obj) and receiver.kind == "self" and self.cls is not None:
            m = self.cls.methods.get(name)
            return FuncRef(m) if m is not None else UNKNOWN
        if isinstance(receiver, Instance):
            m = receiver.info.methods.get(name)
            return FuncRef(m) if m is not None else UNKNOWN
        return UNKNOWN

    def _args(self, node: cst.Call):
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        nodes: list = []
        star = False
        for arg in node.args:
            v = self.eval(arg.value)
            if arg.star:
                star = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = v
            else:
                args.append(v)
                nodes.append(arg.value)
        return args, kwargs, star, nodes

    def apply(self, handler, a: Args, node, operands: list, name: str = "") -> Value:
        """Run a table handler; turn refusals into events, notes into events."""
        try:
            result = handler(a)
        except MatmulError as exc:
            left = operands[0] if operands else node
            right = operands[1] if len(operands) > 1 else node
            lval = a.get(None, "self") if "self" in a.kwargs else a.get(0, "a")
            rval = a.get(0, "b") if "self" in a.kwargs else a.get(1, "b")
            self.emit("matmul", node, left=left, right=right, lval=lval, rval=rval, error=exc,
                      op=name.rsplit(".", 1)[-1])
            return Array(None)
        except BroadcastError as exc:
            pairs = list(zip(operands, [a.get(None, "self")] + a.args if "self" in a.kwargs else a.args))
            self.emit("elementwise", node, operands=pairs, result=None, error=exc, op=name)
            return Array(None)
        except AxisError as exc:
            self.emit("axis", node, operand=operands[0] if operands else node, error=exc, op=name)
            return Array(None)
        except ReshapeError as exc:
            self.emit("reshape", node, operand=operands[0] if operands else node, error=exc, op=name)
            return Array(None)
        except CallError as exc:  # "concat" (SL010), "einsum" (SL011): the rule reads the whole call
            self.emit(exc.event, node, operands=operands, values=list(a.args), error=exc, op=name)
            return Array(None)
        except (IndexError_, ShapeError):
            return Array(None)
        for kind, data in a.notes:
            self.emit(kind, node, operand=operands[0] if operands else node, **data)
        if isinstance(result, Array) and result.origin is None:
            kind = "call" if isinstance(node, cst.Call) else "expr"
            reduced = result.reduced
            if reduced is not None and reduced.node is None:
                reduced = replace(reduced, node=node)
            return Array(result.shape, Origin(kind, node), result.expanded, reduced=reduced)
        return result

    def _builtin(self, name: str, node: cst.Call, args, kwargs, star) -> Value:
        if star:
            return UNKNOWN
        if name == "reveal_shape" and args:
            self.emit("reveal", node, arg=node.args[0].value, vval=args[0])
            return args[0]
        if name == "len" and len(args) == 1:
            v = args[0]
            if isinstance(v, Array):
                s = v.shape
                return Int(s.dims[0] if s is not None and s.fixed and s.dims else None)
            if isinstance(v, Tup):
                return Int(Dim.lit(len(v.items)))
            return Int(None)
        if name == "int" and len(args) == 1 and isinstance(args[0], Int):
            return args[0]
        if name in ("int", "round") and len(args) == 1:
            return Int(None)
        if name == "range":
            return Obj("range")
        if name in ("dict", "list") and not args and not kwargs:
            return Obj(name)
        if name in ("float", "bool"):
            return Scalar()
        if name == "abs" and len(args) == 1:
            v = args[0]
            return Array(v.shape) if isinstance(v, Array) else v if isinstance(v, (Int, Scalar)) else UNKNOWN
        return UNKNOWN

    # functions of this file ------------------------------------------------------
    def call_function(self, info: FuncInfo, node, args, kwargs, star, arg_nodes, bound: bool) -> Value:
        params = [p for p in info.params if p.kind in ("pos", "kwonly")]
        if info.is_method and bound and params:
            params = params[1:]
        site_key = id(info)
        if star:
            self.call_sites.setdefault(site_key, (info, []))[1].append(None)  # arguments unknown
            return self._declared_return(info, None, node)
        b = Bindings(info.symbols())
        pairs = []
        positional = [p for p in params if p.kind == "pos"]
        for p, (v, n) in zip(positional, zip(args, arg_nodes)):
            pairs.append((p, v, n))
        by_name = {p.name: p for p in params}
        for kw, v in kwargs.items():
            p = by_name.get(kw)
            if p is not None:
                arg = next((a for a in node.args if a.keyword is not None and a.keyword.value == kw), None)
                pairs.append((p, v, arg.value if arg is not None else node))
        for p, v, n in pairs:
            if p.declared.is_int and isinstance(v, Int):
                b.bind(p.declared.dim.symbol if p.declared.dim is not None else p.name, v.dim, (n, p.name))
        for p, v, n in pairs:
            declared = p.declared.shape
            if declared is None or not isinstance(v, Array):
                continue
            mm = match(declared, v.shape, b, (n, p.name), self.distinct)
            # a docstring binds symbols for the return; only annotations are contracts
            if mm is not None and p.declared.contract:
                self.emit("contract", n, what="argument", declared=declared, actual=v.shape, mismatch=mm,
                          value=n, name=p.name, function=info.name, vval=v, param=p.node)
        given = {p.name: v for p, v, _ in pairs}
        self.call_sites.setdefault(site_key, (info, []))[1].append((given, node))
        declared = self._declared_return(info, b, node)
        if declared is UNKNOWN and not info.ret.is_int:
            owner = info.owner if info.owner is not None else self
            return owner.infer_return(info, given)
        return declared

    def infer_return(self, info: FuncInfo, given: dict) -> Value:
        """An undeclared return: run the body (silently) with this call's arguments."""
        if len(self.call_stack) >= MAX_CALL_DEPTH or any(f is info for f in self.call_stack):
            return UNKNOWN
        key = (id(info), tuple(sorted((k, _signature(v)) for k, v in given.items())))
        if key in self.return_cache:
            return self.return_cache[key]
        runs = self.return_runs.get(id(info), 0)
        if runs >= MAX_RETURN_RUNS:
            return UNKNOWN  # called with many different shapes: not worth another run of the body
        self.return_runs[id(info)] = runs + 1
        self.return_cache[key] = UNKNOWN  # a recursive call meanwhile sees unknown
        returns: list = []
        collecting, self.collecting = self.collecting, False
        self.silent += 1
        self.call_stack.append(info)
        try:
            self.analyse_function(info, info.closure, info.outer, given=given, returns=returns)
        finally:
            self.call_stack.pop()
            self.silent -= 1
            self.collecting = collecting
        result: Value = UNKNOWN
        if returns:
            result = returns[0]
            for v in returns[1:]:
                result = join(result, v)
        self.return_cache[key] = result
        return result

    def _declared_return(self, info: FuncInfo, b: Optional[Bindings], node) -> Value:
        if info.ret.shape is None:
            if info.ret_items is not None and b is not None:
                return Tup(tuple(Array(instantiate(s, b), Origin("doc-return", info.doc_node, info.name))
                                 if s is not None else UNKNOWN for s in info.ret_items))
            return Int(None) if info.ret.is_int else UNKNOWN
        if b is None:
            return Array(None)
        if info.ret.source == "docstring":
            return Array(instantiate(info.ret.shape, b), Origin("doc-return", info.doc_node, info.name))
        return Array(instantiate(info.ret.shape, b), Origin("return", info.node.returns, info.name))


__all__ = ["CallsMixin", "BUILTINS", "ops", "NoneVal"]
