"""Calls: numpy's table, ndarray methods, builtins, and functions of the same file."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Optional

import libcst as cst

from .. import numpy_api
from ..shapes import Dim, ops
from ..shapes.errors import (
    AxisError, BroadcastError, CallError, IndexError_, MatmulError, OperandError, ReshapeError, ShapeError,
)
from ..shapes.unify import Bindings, instantiate, match
from ..values import (
    NEVER, NONE, UNKNOWN, Args, Array, DictLit, Int, Made, MadeMethod, Never, NoneVal, Obj, Origin, Partial, Scalar,
    Tup, Union, Unknown, Value, as_item, from_docstring, is_list, is_string, join,
)
from . import summary
from .expressions import is_property, key_of
from .scope_info import BoundMethod, ClassInfo, ClassRef, FuncInfo, FuncRef, Instance, store_key
from .statements import STRING_DECISIONS

MAX_CALL_DEPTH = 3  # nested inference of undeclared returns
# patterns of argument shapes (symbols renamed, see summary.py) for which one function's return
# is inferred: an initializer meets 2-D and 4-D weights, with and without a gain, and the
# half-known tuples of attributes still being collected
MAX_RETURN_RUNS = 64


def _dim_key(d) -> str:
    # the exact symbols: a dim prints as "n" whatever docstring (group) its name comes from
    return "?" if d is None else repr(d.terms)


def _signature(v: Value, strings: bool = True) -> str:
    """What a call's result may depend on: shapes, ints, tuples of them (origins left out), and
    (``strings``) the text of a string argument."""
    if isinstance(v, Array):
        s = v.shape
        return "A?" if s is None else f"A{s.batch}(" + ",".join(_dim_key(d) for d in s.dims) + ")"
    if isinstance(v, Tup):
        return "T(" + ",".join(_signature(x) for x in v.items) + ")"
    if isinstance(v, Int):
        return "I" + _dim_key(v.dim)
    if is_string(v):
        return "S" + repr(v.kind[4:]) if strings else "S"  # type: ignore[union-attr]  # a mode decides branches
    if isinstance(v, Instance) and v.attrs:
        return f"O{id(v.info)}(" + ",".join(f"{k}={_signature(x)}" for k, x in v.attrs) + ")"
    return type(v).__name__  # a float's value, an object's identity: no shape depends on them


def _parts(v: Value) -> tuple:
    """The values v holds: a tuple's items, the arguments a Made or Partial keeps, an
    instance's attributes, a union's options, a dict display's values."""
    if isinstance(v, Tup):
        return v.items
    if isinstance(v, (Made, Partial)):
        return tuple(v.args) + tuple(x for _, x in v.kwargs)
    if isinstance(v, (Instance, DictLit)):
        return tuple(x for _, x in (v.attrs if isinstance(v, Instance) else v.entries))
    if isinstance(v, Union):
        return v.options
    if isinstance(v, MadeMethod):
        return (v.made,)
    return ()


def _holds_string(v: Value) -> bool:
    """A string somewhere in v (``return mode``, an instance made with one): such a result is
    the call's own, not one for any strings."""
    return is_string(v) or any(_holds_string(x) for x in _parts(v))


def _carries_shape(v: Value) -> bool:
    """An array of known shape, or a shape: a tuple of ints, one of them known (a lone int is
    too often a count or an option to be worth parsing another file for)."""
    if isinstance(v, Array):
        return v.shape is not None
    return isinstance(v, Tup) and any(isinstance(x, Int) and x.dim is not None for x in v.items)


# string methods that give a string from a known one with no argument (mode strings: act.lower())
STRING_METHODS = {"lower": str.lower, "upper": str.upper, "strip": str.strip, "casefold": str.casefold,
                  "lstrip": str.lstrip, "rstrip": str.rstrip, "title": str.title, "capitalize": str.capitalize}
GROWING = {"extend", "insert", "__iadd__", "__setitem__"}  # list methods that add items of unknown shape
BUILTINS = {"len", "reveal_shape", "int", "float", "abs", "range", "bool", "print", "isinstance", "list",
            "tuple", "round", "min", "max", "sum", "enumerate", "zip", "dict"}


def is_super(node) -> bool:
    """``super()`` as a method writes it (no arguments)."""
    return type(node) is cst.Call and type(node.func) is cst.Name and node.func.value == "super" and not node.args


class CallsMixin:
    def e_Call(self, node: cst.Call) -> Value:
        func = node.func
        receiver: Optional[Value] = None
        bound = False
        if type(func) is cst.Attribute:
            receiver = self.eval(func.value)
            callee, bound = self._member(receiver, func)
        else:
            callee = self.eval(func)
        args, kwargs, star, arg_nodes = self._args(node)
        if isinstance(callee, Obj) and callee.kind.startswith("method:"):
            handler = numpy_api.METHODS.get(callee.kind[7:])
            if handler is None:
                return UNKNOWN
            kwargs = dict(kwargs, self=receiver)
            a = Args(args, kwargs, star, self.distinct)
            return self.apply(handler, a, node, operands=[func.value] + arg_nodes, name=callee.kind[7:])
        if not isinstance(callee, Obj):
            # a list handed to code we do not follow may be filled there
            for arg in node.args:
                v = self.values.get(id(arg.value))
                if isinstance(v, Tup) and v.is_list:
                    key = key_of(arg.value)
                    if key is not None:
                        self.env[key] = UNKNOWN
        result = self.call_value(callee, node, args, kwargs, star, arg_nodes, bound)
        if isinstance(result, Never):
            self.raising = True  # the statement ends here (exec_small reads it)
            return UNKNOWN
        return result

    def call_value(self, callee: Value, node, args, kwargs, star, arg_nodes, bound: bool,
                   eager: bool = False) -> Value:
        """Call what ``callee`` is with evaluated arguments: numpy, a function or class of the
        checked files, a callable instance, a partial, one of several callables (``eager``: an
        option of those, followed into another file whatever its arguments)."""
        if isinstance(callee, Obj):
            kind = callee.kind
            if kind.startswith("list-append:") and len(args) == 1:
                key = kind[12:] + "[*]"
                prior = self.env.get(key)
                item = as_item(args[0])
                self.store(key, item if prior is None else join(prior, item))
                return NONE
            if kind.startswith("qual:"):
                return self._call_qualified(kind[5:], node, args, kwargs, star, arg_nodes, eager=eager)
            if kind.startswith("genmethod:"):
                handler = numpy_api.GENERATOR_METHODS.get(kind[10:])
                if handler is None:
                    return UNKNOWN
                return self.apply(handler, Args(args, kwargs, star, self.distinct), node, operands=arg_nodes)
            if kind.startswith("builtin:"):
                return self._builtin(kind[8:], node, args, kwargs, star)
            if kind.startswith("str-method:") and not args and not kwargs and not star:
                method, _, text = kind[11:].partition(":")
                return Obj("str:" + STRING_METHODS[method](text))
            return UNKNOWN
        if isinstance(callee, Made):
            return self._call_qualified(callee.qualname, node, args, kwargs, star, arg_nodes, made=callee, eager=eager)
        if isinstance(callee, MadeMethod):
            if not eager and not any(_carries_shape(v) for v in args + list(kwargs.values())):
                return UNKNOWN  # another file is parsed only when a shape goes into it
            cls = self.foreign(callee.made.qualname)
            if not isinstance(cls, ClassRef):
                return UNKNOWN
            inst = self.instance(cls.info, list(callee.made.args), dict(callee.made.kwargs), star)
            m = cls.info.methods.get(callee.name)
            if m is None:
                return UNKNOWN
            return self.call_function(m, node, args, kwargs, star, arg_nodes, bound=True, instance=inst)
        if isinstance(callee, FuncRef):
            return self.call_function(callee.info, node, args, kwargs, star, arg_nodes, bound=bound)
        if isinstance(callee, BoundMethod):
            return self.call_function(callee.info, node, args, kwargs, star, arg_nodes, bound=True,
                                      instance=callee.instance)
        if isinstance(callee, ClassRef):
            init = callee.info.methods.get("__init__")
            if init is not None:
                self.call_function(init, node, args, kwargs, star, arg_nodes, bound=True)
            return self.instance(callee.info, args, kwargs, star)
        if isinstance(callee, Instance):
            method = callee.info.methods.get("__call__")
            if method is None:
                return UNKNOWN
            return self.call_function(method, node, args, kwargs, star, arg_nodes, bound=True, instance=callee)
        if isinstance(callee, Partial):
            merged = {**dict(callee.kwargs), **kwargs}
            return self.call_value(callee.func, node, list(callee.args) + args, merged, star,
                                   [node] * len(callee.args) + arg_nodes, bound=False, eager=True)
        if isinstance(callee, Union):
            # which option runs is not known: each is called silently, the results joined
            result: Value = NEVER
            self.silent += 1
            try:
                for option in callee.options:
                    result = join(result, self.call_value(option, node, args, kwargs, star, arg_nodes, False,
                                                          eager=True))
            finally:
                self.silent -= 1
            return result
        return UNKNOWN

    def _call_qualified(self, qualname: str, node, args, kwargs, star, arg_nodes, made: Optional[Made] = None,
                        eager: bool = False) -> Value:
        """``pkg.f(...)``: numpy's table, else a function or class of another checked file.
        ``made``: calling what calling ``qualname`` made before any shape was at hand."""
        handler = None if made is not None else numpy_api.lookup_function(qualname)
        if handler is not None:
            a = Args(args, kwargs, star, self.distinct)
            return self.apply(handler, a, node, operands=arg_nodes, name=qualname)
        if qualname == "functools.partial" and args and not star and made is None:
            return Partial(args[0], tuple(args[1:]), tuple(kwargs.items()))
        # another checked file is parsed only when a known shape goes into it, or when the call is
        # one option of a function chosen at run time (self._fn(*shape) gets the sizes one by one),
        # or when what was made with a string (ActivationInitializer("Sigmoid")) is called
        if not eager and not any(_carries_shape(v) for v in args + list(kwargs.values())):
            if made is None:
                # an instance made now may be called with shapes later (init = Initializer(); init((n, d)))
                if not star and any(is_string(v) for v in args + list(kwargs.values())):
                    return Made(qualname, tuple(args), tuple(sorted(kwargs.items())))
                return Made(qualname)
            if not made.args and not made.kwargs:
                return UNKNOWN
        callee = self.foreign(qualname)
        if made is not None:
            # an instance of a class of another file, called: its __call__ (the class's
            # attributes come from its own methods, and from what its constructor was given
            # where that was a string)
            if not isinstance(callee, ClassRef):
                return UNKNOWN
            callee = self.instance(callee.info, list(made.args), dict(made.kwargs), False)
        if isinstance(callee, (FuncRef, ClassRef, Instance)):
            return self.call_value(callee, node, args, kwargs, star, arg_nodes, bound=False)
        return UNKNOWN

    def _member(self, receiver: Value, func: cst.Attribute) -> tuple[Value, bool]:
        """What ``receiver.name`` is as a callee, and whether calling it binds the receiver."""
        name = func.attr.value
        if isinstance(receiver, Obj) and receiver.kind.startswith("qual:"):
            return self.eval(func), False
        self.values[id(func)] = UNKNOWN
        own = key_of(func)
        if own is not None and own in self.env and isinstance(receiver, Obj) and receiver.kind == "self":
            return self.env[own], False  # self._fn = f: a function stored on the instance, not bound
        key = key_of(func.value)
        if (name == "append" or name in GROWING) and type(func.value) is cst.Subscript:
            self.item_grows(func.value)  # d[k].append(x): the list d holds under k, or another
        inherited = (isinstance(receiver, Unknown) and name == "append" and key is not None and key.startswith("self.")
                     and key.count(".") == 1)  # self.X = [] in a base class, self.X.append(X) here
        if is_list(receiver) or inherited:
            if key is not None:
                # xs.append(v): the length is no longer known; the items are v's shape while all agree
                self.forget_length(key, receiver)
                if name in GROWING:
                    self.store(key + "[*]", UNKNOWN)  # xs.extend(ys): items of unknown shape
                if name == "append":
                    return Obj("list-append:" + key), False
            return UNKNOWN, False
        if isinstance(receiver, Array):
            if self.uses_torch and name in numpy_api.TORCH_DIFFERENT_METHODS:
                return UNKNOWN, False  # a tensor's method, maybe: not numpy's shapes
            if name == "resize":  # in place: the array's shape is whatever was asked
                key = key_of(func.value)
                if key is not None:
                    self.store(key, Array(None))
            return Obj("method:" + name), False
        if isinstance(receiver, Obj) and receiver.kind.startswith("str:") and name in STRING_METHODS:
            return Obj(f"str-method:{name}:{receiver.kind[4:]}"), False  # "ReLU".lower(): a known string
        if isinstance(receiver, Obj) and receiver.kind == "generator":
            return Obj("genmethod:" + name), False
        if isinstance(receiver, Obj) and receiver.kind == "self" and self.cls is not None:
            m = self.cls.methods.get(name)
            if m is not None and is_property(m.node):
                return self.infer_return(m, {}), False  # self.estimator_fn(P): a call of what the property gives
            if m is not None and self.instance_self is not None:
                return BoundMethod(m, self.instance_self), True  # self.f() of an instance with its own attributes
            return (FuncRef(m), True) if m is not None else (UNKNOWN, False)
        if self.cls is not None and self.func is not None and self.cls.mro and is_super(func.value):
            # super().name(...): the method after the one running now's class, for this self
            m = self.cls.method_after(name, self.func.defined_in or self.func.cls)
            return (FuncRef(m), True) if m is not None else (UNKNOWN, False)
        if isinstance(receiver, Instance):
            m = receiver.info.methods.get(name)
            if m is not None and receiver.attrs:
                return BoundMethod(m, receiver), True
            return (FuncRef(m), True) if m is not None else (UNKNOWN, False)
        if isinstance(receiver, Made):
            return MadeMethod(receiver, name), False
        return UNKNOWN, False

    def _args(self, node: cst.Call):
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        nodes: list = []
        star = False
        for arg in node.args:
            v = self.eval(arg.value)
            if arg.star == "*" and isinstance(v, Tup):
                args.extend(v.items)  # f(*shape): the tuple's items, in order
                nodes.extend([arg.value] * len(v.items))
            elif arg.star:
                star = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = v
            else:
                args.append(v)
                nodes.append(arg.value)
        return args, kwargs, star, nodes

    @staticmethod
    def _operand_pairs(node, operands: list, a: Args) -> list:
        """(node, value) of every argument: the receiver first, then positional, then keyword."""
        positional = [a.kwargs["self"]] + a.args if "self" in a.kwargs else a.args
        pairs = list(zip(operands, positional))
        if type(node) is cst.Call:
            pairs += [(arg.value, a.kwargs[arg.keyword.value]) for arg in node.args
                      if arg.keyword is not None and arg.keyword.value in a.kwargs]
        return pairs

    @staticmethod
    def _chain_step(exc: MatmulError, operands: list, a: Args):
        """For a refusal at step k of a chain given as one list display: the nodes multiplied
        before it, the k-th element, the product's value, the element's value, every value."""
        seq, items = operands[0] if operands else None, a.args[0] if a.args else None
        if exc.step is None or type(seq) not in (cst.List, cst.Tuple) or not isinstance(items, Tup):
            return None
        nodes = [el.value for el in seq.elements]
        if len(nodes) != len(items.items) or exc.step >= len(nodes):
            return None
        k = exc.step
        lval = items.items[0] if k == 1 else Array(exc.left)
        return nodes[:k], nodes[k], lval, items.items[k], list(items.items[:k + 1])

    def apply(self, handler, a: Args, node, operands: list, name: str = "") -> Value:
        """Run a table handler; turn refusals into events, notes into events."""
        try:
            result = handler(a)
        except MatmulError as exc:
            left = operands[0] if operands else node
            right = operands[1] if len(operands) > 1 else node
            lval = a.get(None, "self") if "self" in a.kwargs else a.get(0, "a")
            rval = a.get(0, "b") if "self" in a.kwargs else a.get(1, "b")
            chain = self._chain_step(exc, operands, a)
            if chain is not None:  # multi_dot([A, B, C]): the product so far meets the next array
                left_nodes, right, lval, rval, values = chain
                self.emit("matmul", node, left=left_nodes[-1], right=right, lval=lval, rval=rval, error=exc,
                          op=name.rsplit(".", 1)[-1], left_chain=left_nodes, chain_values=values)
                return Array(None)
            self.emit("matmul", node, left=left, right=right, lval=lval, rval=rval, error=exc,
                      op=name.rsplit(".", 1)[-1])
            return Array(None)
        except BroadcastError as exc:
            pairs = list(zip(operands, [a.get(None, "self")] + a.args if "self" in a.kwargs else a.args))
            if exc.positions is not None:
                pairs = [pair for k, pair in enumerate(pairs) if k in exc.positions]
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
        except OperandError as exc:  # SL018: the rule finds which operand the shape is
            if not self.guarded:  # in a try that catches it, the refusal may be what the code wants
                self.emit("operand", node, operands=self._operand_pairs(node, operands, a), error=exc, op=name)
            return Array(None)
        except (IndexError_, ShapeError):
            return Array(None)
        for kind, data in a.notes:
            self.emit(kind, node, operand=operands[0] if operands else node, **data)
        if name.rsplit(".", 1)[-1] in ("dot", "matmul") and len(operands) == 2:
            self.emit("product", node, left=operands[0], right=operands[1],
                      lval=a.get(None, "self") if "self" in a.kwargs else a.get(0, "a"),
                      rval=a.get(0, "b") if "self" in a.kwargs else a.get(1, "b"))
        if isinstance(result, Array) and result.origin is None:
            kind = "call" if type(node) is cst.Call else "expr"
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
            if isinstance(v, (Int, Scalar)):
                return NEVER  # TypeError: object of type 'int' has no len()
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
    def add_call_site(self, site_key: int, info: FuncInfo, site) -> None:
        self.call_sites.setdefault(site_key, (info, []))[1].append(site)
        if self.site_log is not None:
            self.site_log.append(site_key)

    def call_function(self, info: FuncInfo, node, args, kwargs, star, arg_nodes, bound: bool,
                      instance: Optional[Instance] = None) -> Value:
        params = [p for p in info.params if p.kind in ("pos", "kwonly")]
        if info.is_method and bound and params:
            params = params[1:]
        site_key = id(info)
        if star or not info.keeps_arguments:
            if not self.summarising:
                self.add_call_site(site_key, info, None)  # arguments unknown, or changed on the way
            return self._declared_return(info, None, node)
        if info.plain_signature and info.binding_fails(len(args), kwargs.keys(), bound):
            return NEVER  # TypeError: the arguments do not bind
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
        contradicted = False  # a documented parameter this call's argument cannot be
        for p, v, n in pairs:
            declared = p.declared.shape
            if declared is None or not isinstance(v, Array):
                continue
            mm = match(declared, v.shape, b, (n, p.name), self.distinct)
            # a docstring binds symbols for the return; only annotations are contracts
            if mm is not None and p.declared.contract:
                self.emit("contract", n, what="argument", declared=declared, actual=v.shape, mismatch=mm,
                          value=n, name=p.name, function=info.name, vval=v, param=p.node)
            else:
                contradicted = contradicted or mm is not None
                if p.declared.source == "docstring" and v.shape is not None and v.shape.fixed \
                        and not self.summarising:
                    self._check_call_unpack(info, p.name, v, n)
        given = {p.name: v for p, v, _ in pairs}
        if not self.summarising:  # a call inside a return inference has placeholder shapes
            self.add_call_site(site_key, info, (given, node))
        # a docstring this call contradicts does not describe it: its documented return neither
        # (filterpy's outer_product_sum(A, B) documents both (M, N) and returns (N, N), and is
        # called with B of other columns); the body tells instead
        result = UNKNOWN if contradicted and info.documented_return() else self._declared_return(info, b, node)
        if result is UNKNOWN and not info.ret.is_int:
            owner = info.owner if info.owner is not None else self
            if instance is not None and instance.attrs and info.is_method and info.params:
                given = {**given, info.params[0].name: instance}  # self, with its own attributes
            result = owner.infer_return(info, given)
        if isinstance(result, Array) and info.owner is not None and info.owner is not self:
            # where the shape came from is in another file: the note names the call made here
            name = f"{info.cls.name}.{info.name}" if info.cls is not None else info.name
            result = Array(result.shape, Origin("foreign", node, name, result.origin), result.expanded, result.boolean)
        return result

    def _check_call_unpack(self, info: FuncInfo, name: str, v: Array, n) -> None:
        """An argument of known rank for a documented parameter whose ``.shape`` the callee
        unpacks first thing into another number of names: the call raises there, whatever the
        docstring says.  (An undocumented parameter takes the calls' shapes and the body reports
        it; an annotated one is checked against its annotation.)"""
        if not info.plain_signature or info.node.asynchronous is not None or info.is_generator:
            return  # a decorator may change the arguments; a generator or coroutine runs nothing yet
        stmt = info.leading_unpacks().get(name)
        if stmt is None:
            return
        target = stmt.targets[0].target
        names = len(target.elements)
        starred = any(type(e) is cst.StarredElement for e in target.elements)
        rank = len(v.shape.dims)
        if rank == names or (starred and rank >= names - 1):
            return
        if from_docstring(v.origin) and not self.trust_docstrings:
            return  # a docstring's shape against the callee's code: the docstring is a hint
        owner = info.owner if info.owner is not None and info.owner is not self else None
        self.emit("call-unpack", n, argument=n, vval=v, rank=rank, names=names, starred=starred, param=name,
                  function=info.name, unpack=stmt, module=getattr(owner, "module_name", None) if owner else None,
                  foreign=owner is not None)

    @contextmanager
    def body_run(self, info: FuncInfo, collecting: bool):
        """A silent run of a body for a call: on the call stack, its values (in placeholders)
        kept apart from the values the rules read; ``collecting``: its stores on self recorded
        into the class."""
        was_collecting, self.collecting = self.collecting, collecting
        values, self.values = self.values, {}
        self.silent += 1
        self.summarising += 1
        self.call_stack.append(info)
        try:
            yield
        finally:
            self.call_stack.pop()
            self.summarising -= 1
            self.silent -= 1
            self.collecting = was_collecting
            self.values = values

    def instance(self, info: ClassInfo, args: list, kwargs: dict, star: bool) -> Instance:
        """An instance of ``info`` made with these arguments: with attributes of its own when a
        string went in (what ``__init__`` then stores directly, where no other method stores
        it), else one like every other."""
        init = info.methods.get("__init__")
        if star or init is None or not any(is_string(v) for v in args + list(kwargs.values())):
            return Instance(info)
        owner = init.owner if init.owner is not None else self
        if len(owner.call_stack) >= MAX_CALL_DEPTH or any(f is init for f in owner.call_stack):
            return Instance(info)  # a constructor that makes its own class again
        if not info.collected:
            owner.collect_attributes(info)
        params = [p for p in init.params if p.kind in ("pos", "kwonly")][1:]
        given = {p.name: v for p, v in zip([p for p in params if p.kind == "pos"], args)}
        names = {p.name for p in params}
        given.update({k: v for k, v in kwargs.items() if k in names})
        own = store_key(info, init)
        elsewhere = {k.split("[", 1)[0] for m, stores in info.method_stores.items() if m != own for k in stores}
        saved_stores, info.stores = info.stores, {}
        returns: list = []
        try:
            with owner.body_run(init, collecting=True):
                owner.analyse_function(init, init.closure, init.outer, given=given, returns=returns)
            stored = info.stores
        finally:
            info.stores = saved_stores
        if returns:
            return Instance(info)  # an early return: what is stored depends on the path
        attrs = []
        for key, vs in sorted(stored.items()):
            if key.split("[", 1)[0] in elsewhere or not vs:
                continue
            v = vs[0]
            for w in vs[1:]:
                v = join(v, w)
            attrs.append((key, v))
        return Instance(info, tuple(attrs))

    def infer_return(self, info: FuncInfo, given: dict) -> Value:
        """An undeclared return: run the body (silently) with this call's arguments.  NEVER
        when every path through it raises."""
        if len(self.call_stack) >= MAX_CALL_DEPTH or any(f is info for f in self.call_stack) or info.is_generator \
                or info.is_abstract:
            return UNKNOWN  # an abstract method: it raises, but a subclass's returns
        back: dict = {}
        if info.closure is None:  # a nested function shares its caller's names: run it on them
            given, back = summary.canonical(given, info.cls.name if info.cls is not None else None)
        # a method's result depends on its class's attributes too: while they are being
        # collected they change, and what a method returned then must not outlive them
        attrs = info.cls.attrs if info.cls is not None else None
        # a run that no string decided holds for any strings: it is kept under a key without them
        # (check_array(X, accept_sparse="csr") and (..., "coo") share it)
        plain = (id(info), id(attrs), tuple(sorted((k, _signature(v, False)) for k, v in given.items())))
        key = (id(info), id(attrs), tuple(sorted((k, _signature(v)) for k, v in given.items())))
        for k in (plain, key):
            cached = self.return_cache.get(k)
            if cached is not None and cached[1] is attrs:
                return summary.restore(cached[0], back)
        runs = self.return_runs.get(id(info), 0)
        if runs >= MAX_RETURN_RUNS:
            return UNKNOWN  # called with many different shapes: not worth another run of the body
        self.return_runs[id(info)] = runs + 1
        self.return_cache[key] = (UNKNOWN, attrs)  # a recursive call meanwhile sees unknown
        decided = STRING_DECISIONS[0]
        returns: list = []
        with self.body_run(info, collecting=False):
            leaves = self.analyse_function(info, info.closure, info.outer, given=given, returns=returns)
        result: Value = NEVER if leaves and not returns else UNKNOWN
        if returns:
            result = returns[0]
            for v in returns[1:]:
                result = join(result, v)
        if STRING_DECISIONS[0] == decided and key != plain and not _holds_string(result):
            del self.return_cache[key]
            key = plain
        self.return_cache[key] = (result, attrs)  # attrs kept alive: its id stays its own
        return summary.restore(result, back)

    def _declared_return(self, info: FuncInfo, b: Optional[Bindings], node) -> Value:
        if info.ret.shape is None:
            if info.ret_items is not None and b is not None and any(s is not None for s in info.ret_items):
                return Tup(tuple(Array(instantiate(s, b), Origin("doc-return", info.doc_node, info.name))
                                 if s is not None else UNKNOWN for s in info.ret_items))
            return Int(None) if info.ret.is_int else UNKNOWN
        if b is None:
            return Array(None)
        if info.ret.source == "docstring":
            return Array(instantiate(info.ret.shape, b), Origin("doc-return", info.doc_node, info.name))
        if info.ret.contract and (info.owner if info.owner is not None else self).return_contradicted(info):
            return UNKNOWN  # what the body returns for this call, as for an undeclared return
        return Array(instantiate(info.ret.shape, b), Origin("return", info.node.returns, info.name))

    def return_contradicted(self, info: FuncInfo) -> bool:
        """Whether the body, run on its declared parameters, returns what its annotation refuses
        (SL007 at that return).  Such an annotation tells callers nothing sure: dynamax declares
        ``"2*state_dim+1"`` for a ``(2n+1, n)`` array, and trusting it made each use of the
        result a finding too, where the one bug is at the return."""
        if len(self.call_stack) >= MAX_CALL_DEPTH or any(f is info for f in self.call_stack) or info.is_generator \
                or info.is_abstract:
            return False
        attrs = info.cls.attrs if info.cls is not None else None
        key = ("declared", id(info), id(attrs))
        cached = self.return_cache.get(key)
        if cached is not None and cached[1] is attrs:
            return cached[0]
        self.return_cache[key] = (False, attrs)  # a recursive call meanwhile trusts the annotation
        returns: list = []
        with self.body_run(info, collecting=False):
            self.analyse_function(info, info.closure, info.outer, given={}, returns=returns)
        free = info.ret.shape.symbols() - info.param_symbols()
        found = any(isinstance(v, Array) and match(info.ret.shape, v.shape, Bindings(free), None, self.distinct)
                    is not None for v in returns)
        self.return_cache[key] = (found, attrs)
        return found


__all__ = ["CallsMixin", "BUILTINS", "ops", "NoneVal"]
