"""The interpreter for one module: module code first, then every function and
class body (deferred, as pyflakes does, so module-level names are known)."""

from __future__ import annotations

import traceback
from typing import Callable, Optional

import libcst as cst

from ..config import Settings
from ..shapes import Dim
from ..values import NONE, UNKNOWN, Array, ArrayOrList, Int, NoneVal, Obj, Origin, Scalar, Value, join
from .calls import BUILTINS, CallsMixin, is_super
from .events import Event
from . import inplace_rank
from .expressions import ExpressionsMixin
from .scope_info import ClassInfo, ClassRef, FuncInfo, FuncRef, Instance, function_info, linearize, store_key
from .statements import StatementsMixin, dotted_name, names_passed_to_error_context
from .walk import iter_children


MAX_IMPORT_DEPTH = 4  # modules loaded to follow one chain of calls between files
MAX_SITE_ROUNDS = 2  # re-analyses from call-site shapes (each may reveal new call sites)
NO_METHODS = {"object", "ABC"}  # bases that give a class no method of its own


class Interpreter(ExpressionsMixin, CallsMixin, StatementsMixin):
    def __init__(self, module: cst.Module, sink: Callable[[Event], None], settings: Settings,
                 project=None, module_name: Optional[str] = None):
        self.module = module
        self.uses_torch = imports_torch(module)  # its arrays may be tensors, with methods of their own
        self.sink = sink
        self.settings = settings
        self.trust_docstrings = getattr(settings, "trust_docstrings", False)
        self.project = project  # the other checked files, for calls between them
        self.module_name = module_name
        self.distinct = settings.distinct_symbols
        self.silent = 0
        self.guarded = 0  # inside a try whose handlers catch numpy's refusals (see ``catches_refusal``)
        self.capture: Optional[list] = None  # failures of a silent re-evaluation (inplace_rank)
        self.capture_level = 0
        self.raising = False  # the expression just evaluated certainly raises (see ``raised``)
        self.summarising = 0  # inside a return inference (its shapes are placeholders)
        self.loop_depth = 0
        self.branch_depth = 0  # branches run on tests of what a loop carries round (see ``loop``)
        self.carried: list[frozenset] = []  # per loop in its first pass, the names its body assigns
        self._carried_cache: dict[int, frozenset] = {}
        self.loop_exits: list[list[dict]] = []  # per loop being run, what held at its continue/break
        self.env: dict[str, Value] = {}
        self.globals: dict[str, Value] = self.env
        self.outer: dict[str, Value] = {}  # enclosing functions' names, for nested functions
        self.values: dict[int, Value] = {}
        self.func: Optional[FuncInfo] = None
        self.cls: Optional[ClassInfo] = None
        self.collecting = False  # record self.X stores into the class (first round)
        self.instance_self = None  # the Instance whose method runs now, when it has attributes of its own
        self.first_iteration = 0  # inside a loop's first pass, whose failures only are reported
        self.fixed_symbols: set[str] = set()
        self.deferred: list[tuple[Callable[[], None], str]] = []
        self.container_bases: set[str] = set()  # names whose items are tracked as "name[...]"
        self.return_values: Optional[list] = None  # collects returned values while inferring a call
        self.call_stack: list[FuncInfo] = []
        self.return_cache: dict = {}
        self.return_runs: dict[int, int] = {}  # function -> bodies run to infer its return
        self.call_sites: dict[int, tuple[FuncInfo, list]] = {}  # every call of each function, its arguments
        self.site_analysed: set[int] = set()
        self.defined: list = []  # every FuncInfo and ClassInfo made here, for ``forget``
        self.star_modules: list[str] = []  # ``from mod import *``, in order
        self.is_package = False  # an __init__.py: relative imports start from its own package
        self._names_in: dict[int, dict] = {}  # body node -> a Name node for each name it mentions (``captured``)
        self._raising: dict[int, set[str]] = {}  # function node -> names it hands to assert_raises
        # see inplace_rank: (value node, update) pairs found in a function's first analysis; the
        # value nodes (by id) whose assignment binds them without leading axes in the second
        self.found_no_leading: Optional[list] = None
        self.no_leading: dict[int, cst.AugAssign] = {}
        self.site_log: Optional[list] = None  # call sites added by the first analysis
        self.second_run = False  # findings at a node and rule the first run reported are not repeated
        self.given_run = False  # the function runs with shapes its calls give (not only its own)

    # plumbing --------------------------------------------------------------------
    def emit(self, kind: str, node, **data) -> None:
        if not self.silent:
            self.sink(Event(kind, node, data))
        elif self.capture is not None and self.silent == self.capture_level and data.get("error") is not None:
            self.capture.append(Event(kind, node, data))

    def lookup(self, name: str) -> Value:
        for scope in (self.env, self.outer, self.globals):
            if name in scope:
                return scope[name]
        if name in BUILTINS:
            return Obj("builtin:" + name)
        if len(self.star_modules) == 1:
            return Obj(f"qual:{self.star_modules[0]}.{name}")  # what ``from mod import *`` may bring
        return UNKNOWN

    def value_of(self, node) -> Optional[Value]:
        return self.values.get(id(node))

    # entry ---------------------------------------------------------------------------
    def run(self) -> None:
        self.exec_block(self.module.body)
        self.drain()
        for _ in range(MAX_SITE_ROUNDS):
            if not self.analyse_from_call_sites():
                break
            self.drain()

    def foreign(self, qualname: str) -> Value:
        """``pkg.mod.f`` defined in another checked file: its FuncRef or ClassRef, else UNKNOWN."""
        project = self.project
        if project is None:
            return UNKNOWN
        module, _, attr = qualname.rpartition(".")
        interp = project.interpreters.get(module)
        if interp is None:
            if module in project.loading or len(project.loading) >= MAX_IMPORT_DEPTH:
                return UNKNOWN
            tree = project.tree(module)
            if tree is None:
                return UNKNOWN
            project.loading.add(module)
            try:
                interp = Interpreter(tree, lambda event: None, self.settings, project, module)
                interp.is_package = project.is_package(module)
                interp.silent += 1
                interp.exec_block(tree.body)  # module level only: names and declarations
            except Exception:  # noqa: BLE001 - that file's own check reports its problems
                interp = None
            finally:
                project.loading.discard(module)
            project.interpreters[module] = interp
        if interp is None:
            return UNKNOWN
        if self.module_name is not None:
            # what ``module`` defines may now hang on this module's values (a subclass of its
            # class): released together, so that no live interpreter keeps a forgotten class
            project.users.setdefault(module, set()).add(self.module_name)
        value = interp.globals.get(attr, UNKNOWN)
        if attr not in interp.globals:
            for star in reversed(interp.star_modules):  # a package re-exporting its modules
                if star != module and project.may_define(star, attr):
                    value = self.foreign(f"{star}.{attr}")
                    if value is not UNKNOWN:
                        return value
        if isinstance(value, FuncRef):
            value.info.owner = interp
        elif isinstance(value, ClassRef):
            for m in value.info.methods.values():
                m.owner = interp
        return value if isinstance(value, (FuncRef, ClassRef, Array, Int)) else UNKNOWN

    def forget(self) -> None:
        """Break the reference cycles of this module's definitions (a method and its class, a
        nested function and the scope holding it), once the file is done: its tree is then freed
        at once rather than by the collector, whose pass over every tree cost 5% of a run."""
        for info in self.defined:
            if isinstance(info, ClassInfo):
                for m in [*info.methods.values(), *info.bound.values()]:
                    m.cls, m.owner, m.defined_in, m.original = None, None, None, None
                info.methods, info.bound, info.mro = {}, {}, ()
                info.attrs, info.stores, info.method_stores, info.body_env = {}, {}, {}, {}
            else:
                info.closure, info.outer, info.owner = None, {}, None
        self.defined = []
        self.deferred = []  # a module loaded for its declarations never runs its bodies
        self.values.clear()
        self.return_cache.clear()
        self.call_sites.clear()

    def drain(self) -> None:
        while self.deferred:
            job, _ = self.deferred.pop(0)
            job()

    def analyse_from_call_sites(self) -> bool:
        """Functions whose undeclared parameters get the same known shape from every call in
        the file are analysed again with those shapes (their findings hold for every call)."""
        jobs = []
        for key, (info, sites) in list(self.call_sites.items()):
            if key in self.site_analysed or not sites or any(site is None for site in sites):
                continue
            if info.owner is not None:
                continue  # defined in another file: checked when that file is
            self.site_analysed.add(key)
            given = {}
            for p in info.params:
                if p.declared.shape is not None or p.declared.is_int or p.kind not in ("pos", "kwonly"):
                    continue
                vals = [site[0].get(p.name) for site in sites]
                first = vals[0]
                if not isinstance(first, Array) or first.shape is None:
                    continue
                if all(isinstance(v, Array) and v.shape == first.shape for v in vals):
                    given[p.name] = Array(first.shape, Origin("callsite", sites[0][1], info.name))
            if given:
                jobs.append((info, given))
        for info, given in jobs:
            self.analyse_function(info, info.closure, info.outer, given=given)
        return bool(jobs)
    # definitions ----------------------------------------------------------------------
    def s_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for dec in node.decorators:
            self.eval(dec.decorator)
        for p in _all_params(node.params):
            if p.default is not None:
                self.eval(p.default)
        self.captured(node.body)  # a list it appends to, once called
        info = function_info(node, None, self.trust_docstrings)
        self.defined.append(info)
        self.env[node.name.value] = FuncRef(info)
        closure = self.env if self.env is not self.globals else None
        outer = dict(self.outer)
        info.closure, info.outer = closure, outer
        if self.func is not None and node.name.value in self.raising_names(self.func.node):
            # def bad(): ...; assert_raises(ValueError, bad): meant to fail, say nothing about it
            self.deferred.append((lambda: self.analyse_silently(info, closure, outer), info.name))
        else:
            self.deferred.append((lambda: self.analyse_function(info, closure, outer), info.name))
        return False

    def raising_names(self, scope: cst.FunctionDef) -> set[str]:
        """What ``scope`` hands to assert_raises/pytest.raises; one walk per function, kept."""
        names = self._raising.get(id(scope))
        if names is None:
            names = self._raising[id(scope)] = names_passed_to_error_context(scope)
        return names

    def analyse_silently(self, info: FuncInfo, closure, outer) -> None:
        self.silent += 1
        try:
            self.analyse_function(info, closure, outer)
        finally:
            self.silent -= 1

    def s_ClassDef(self, node: cst.ClassDef) -> bool:
        bases = [(base.value, self.eval(base.value)) for base in node.bases]
        info = ClassInfo(node.name.value, node)
        for stmt in node.body.body if type(node.body) is cst.IndentedBlock else []:
            if type(stmt) is cst.FunctionDef:
                info.methods[stmt.name.value] = function_info(stmt, info, self.trust_docstrings)
        self.inherit(info, bases)
        self.defined.append(info)
        self.env[node.name.value] = ClassRef(info)
        self.deferred.append((lambda: self.analyse_class(info), info.name))
        return False

    def inherit(self, info: ClassInfo, bases: list) -> None:
        """A class whose bases are all classes of the checked files (or ``object``, ``ABC``) has
        their methods, in Python's order, as methods of its own (run with its attributes, in the
        module that defines them, and checked there); another base may define any method, so
        then it has only its own."""
        named = []
        info.open = True  # until every base is known
        for node, value in bases:
            name = node.attr.value if type(node) is cst.Attribute else node.value if type(node) is cst.Name else None
            if name in NO_METHODS:
                continue
            if isinstance(value, Obj) and value.kind.startswith("qual:") and self.project is not None:
                module, _, attr = value.kind[5:].rpartition(".")
                if module not in self.project.by_module or not self.project.may_define(module, attr):
                    return  # a class of a file not checked (scikit-learn's BaseEstimator, ...)
            elif not isinstance(value, ClassRef):
                return
            named.append(value)
        known = []
        for value in named:  # every base may be known: only now is another file parsed for one
            if isinstance(value, Obj):
                value = self.foreign(value.kind[5:])
                if not isinstance(value, ClassRef):
                    return
            known.append(value.info)
        # a base with an unknown base of its own: with one base, its methods still come first
        # (class B(External), class C(B): C, B, External...); with several, an unknown class
        # may come before the next base's methods
        if len(known) > 1 and any(c.open for b in known for c in b.lineage()):
            return
        if not known:
            info.open = False  # no base but object or ABC: nothing unknown comes after it
            return
        mro = linearize(known)
        if mro is None:
            return
        info.open = any(c.open for c in mro)
        info.mro = (info,) + mro
        for base in mro:
            for name in base.methods:
                if name not in info.methods:
                    info.methods[name] = info.method_after(name)

    def analyse_class(self, info: ClassInfo) -> None:
        saved = self.env
        self.env = {}
        self.outer = {}
        # class-level statements (constants, attributes) in a scope of their own
        for stmt in info.node.body.body if type(info.node.body) is cst.IndentedBlock else []:
            if not type(stmt) in (cst.FunctionDef, cst.ClassDef):
                self.exec_stmt(stmt)
        own = {"self." + k: v for k, v in self.env.items() if isinstance(v, (Array, Int))}
        info.body_env = {}
        for base in reversed(info.lineage()[1:]):
            info.body_env.update(base.body_env)
        info.body_env.update(own)
        self.env = saved
        info.documented_attributes(self.trust_docstrings)  # read the docstring's Attributes section now
        for message in info.doc_errors:
            self.emit("bad-annotation", info.node.name, message=message, cls=info.name)
        methods = self.collect_attributes(info)
        final = info.attrs
        for m in methods:
            if m.defined_in is not None and m.defined_in is not info:
                continue  # inherited: checked in the class that defines it
            # a method that updates an attribute from itself (running_mean = mm * running_mean +
            # ...) is checked as on its first call, with what the other methods store: its
            # findings hold for that call, and its own store cannot hide them
            own = {k.split("[", 1)[0] for k in info.method_stores.get(m.name, {})}
            info.attrs = _joined(info, m.name) if own & _self_use(m)[1] else final
            self.analyse_function(m, None, {})
        info.attrs = final

    def collect_attributes(self, info: ClassInfo) -> list[FuncInfo]:
        """Run the methods silently to learn what each stores on self (info.attrs); returns the
        methods, __init__ first."""
        info.collected = True
        methods = sorted(info.methods.values(), key=lambda m: m.name != "__init__")
        # first round, silent: what each method stores on self (methods that store nothing are
        # skipped), and what the methods of its bases that they call as super().name store
        storing = [m for m in methods + _reached_through_super(info, methods) if _self_use(m)[0]]
        seen: dict[str, dict] = {}
        self.silent += 1
        collecting, self.collecting = self.collecting, True
        try:
            for m in storing:
                seen[store_key(info, m)] = self._collect(info, m)
            # a method that read an attribute before a later method stored it (forward sets
            # self.n_in, _init_params reads it) runs once more with what every method stores
            final = _joined(info)
            for m in storing:
                key = store_key(info, m)
                before = seen[key]
                changed = {k.split("[", 1)[0] for k in before.keys() | final.keys() if before.get(k) != final.get(k)}
                if changed & _self_use(m)[1]:
                    # first with what the other methods store: an attribute the method updates
                    # from itself (running_mean = mm * running_mean + ...) would otherwise see
                    # its own first, unknown store; kept only when it stores back what it saw
                    others = self._collect(info, m, skip=key)
                    mine = _join_stores([info.method_stores[key]])
                    if any(k in others and v != others[k] for k, v in mine.items()):
                        self._collect(info, m)
        finally:
            self.silent -= 1
            self.collecting = collecting
        info.attrs = _joined(info)
        return methods

    def _collect(self, info: ClassInfo, m: FuncInfo, skip: Optional[str] = None) -> dict:
        """Run method m silently, recording what it stores on self; returns the attributes it saw
        (what every method stores, but the method ``skip``)."""
        info.attrs = _joined(info, skip)
        seen = info.attrs
        info.stores = {}
        runner = m.owner if m.owner is not None else self  # a base's method of another file runs in its module
        collecting, runner.collecting = runner.collecting, True
        runner.silent += 1
        try:
            runner.analyse_function(m, None, {})
        finally:
            runner.silent -= 1
            runner.collecting = collecting
        # a second run replaces what it stores again; a store it no longer reaches (an append
        # to a list now unknown) still counts
        key = store_key(info, m)
        info.method_stores[key] = {**info.method_stores.get(key, {}), **info.stores}
        return seen

    def analyse_function(self, info: FuncInfo, closure: Optional[dict], outer: dict,
                         given: Optional[dict] = None, returns: Optional[list] = None) -> Optional[bool]:
        """Run one function body: parameters from ``given`` (a call's arguments) or declarations.
        True when every path leaves it (returns or raises); None when its analysis failed.

        A body whose in-place updates show that some values cannot have leading axes (see
        ``inplace_rank``) runs a second time, binding those values without them; its findings
        add to the first run's, where that one had none of the same rule at the same node."""
        if self.silent or returns is not None or self.found_no_leading is not None:
            return self._analyse_function(info, closure, outer, given, returns)
        deferred = len(self.deferred)
        self.found_no_leading, self.site_log = [], []
        try:
            leaves = self._analyse_function(info, closure, outer, given, returns)
            found, added = self.found_no_leading, self.site_log
        finally:
            self.found_no_leading, self.site_log = None, None
        facts = {id(value): update for value, update in found
                 if inplace_rank.reached_after(info.node.body, value, update)}
        if not facts:
            return leaves
        del self.deferred[deferred:]  # nested definitions: queued again by the second run
        for key in reversed(added):
            self.call_sites[key][1].pop()  # and the calls it makes, with the values it binds
        self.no_leading, self.second_run = facts, True
        try:
            return self._analyse_function(info, closure, outer, given, returns)
        finally:
            self.no_leading, self.second_run = {}, False

    def _analyse_function(self, info: FuncInfo, closure: Optional[dict], outer: dict,
                          given: Optional[dict] = None, returns: Optional[list] = None) -> Optional[bool]:
        saved = (self.env, self.outer, self.func, self.cls, self.fixed_symbols, self.loop_depth,
                 self.return_values, self.raising, self.instance_self, self.given_run)
        self.instance_self = None
        self.given_run = bool(given)
        self.return_values = returns
        self.raising = False
        leaves: Optional[bool] = None
        self.env = {}
        self.outer = dict(outer)
        if closure is not None:
            self.outer.update(closure)
        self.func = info
        self.cls = info.cls
        self.loop_depth = 0
        self.fixed_symbols = info.param_symbols() | (self.fixed_symbols if closure is not None else set())
        if info.cls is not None:
            self.env.update(info.cls.body_env)
            self.env.update(info.cls.attrs)
            self.env.update(info.cls.documented_over(info.cls.attrs, self.trust_docstrings))
        for k, p in enumerate(info.params):
            if k == 0 and info.is_method and p.kind == "pos":
                self.env[p.name] = Obj("self")
                mine = given.get(p.name) if given else None
                if isinstance(mine, Instance) and mine.attrs and mine.info is info.cls:
                    self.env.update(mine.attrs)  # what this instance's constructor stored
                    self.instance_self = mine
                continue
            if given and p.name in given:
                self.env[p.name] = given[p.name]
            elif returns is not None and _defaults_to_none(p):
                self.env[p.name] = NONE  # a call's run (its return, a constructor): left out, so None
            else:
                self.env[p.name] = self.param_value(p, info)
        for node, message in info.errors:
            self.emit("bad-annotation", node, message=message, function=info.name)
        if info.cls is not None and not info.cls.collected and info.owner is not None:
            info.owner.collect_attributes(info.cls)  # a class of another file: what its methods store
        try:
            leaves = self.exec_suite(info.node.body)
        except RecursionError:
            self.emit("internal", info.node, exc="expression nested too deeply to analyse", traceback="")
        except Exception as exc:  # noqa: BLE001 - one function's failure must not lose the file
            self.emit("internal", info.node, exc=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
        finally:
            (self.env, self.outer, self.func, self.cls, self.fixed_symbols, self.loop_depth,
             self.return_values, self.raising, self.instance_self, self.given_run) = saved
        return leaves

    def param_value(self, p, info: Optional[FuncInfo] = None) -> Value:
        d = p.declared
        if d.shape is not None:
            optional = _defaults_to_none(p)
            if d.source == "docstring" and info is not None:
                return Array(d.shape, Origin("doc-param", info.doc_node, p.name), optional=optional)
            return Array(d.shape, Origin("param", p.node.annotation, p.name), optional=optional)
        if d.or_list is not None and info is not None:
            return ArrayOrList(d.or_list, Origin("doc-param", info.doc_node, p.name))
        if d.is_int:
            return Int(d.dim if d.dim is not None else Dim.sym(p.name))
        if d.is_scalar:
            return Scalar()
        if p.kind in ("star", "starstar") or d.source == "docstring" or p.node.annotation is not None:
            # documented or annotated as maybe an array (``float | np.ndarray``): a float
            # default (Xsun=1.0) is one choice
            return UNKNOWN
        default = p.node.default
        if type(default) is cst.Integer:
            return Int(Dim.sym(p.name, opaque=True))
        if type(default) is cst.Float:
            return Scalar()  # epsilon=1e-5
        return UNKNOWN


def imports_torch(module: cst.Module) -> bool:
    """Does the module import torch anywhere (``import torch`` in a ``try:``, ``from torch import
    nn`` in a function, ``nn = _safe_import("torch.nn")``)?  Only statements are looked at."""
    todo = list(module.body)
    while todo:
        stmt = todo.pop()
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if type(small) is cst.Import:
                    names = [dotted_name(alias.name) for alias in small.names]
                elif type(small) is cst.ImportFrom and small.module is not None and not small.relative:
                    names = [dotted_name(small.module)]
                elif type(small) is cst.Assign and type(small.value) is cst.Call:
                    # sktime: torch = _safe_import("torch"), NNModule = _safe_import("torch.nn.Module")
                    first = small.value.args[0].value if small.value.args else None
                    names = [first.evaluated_value] if type(first) is cst.SimpleString and \
                        isinstance(first.evaluated_value, str) else []
                else:
                    continue
                if any(n == "torch" or n.startswith("torch.") for n in names):
                    return True
            continue
        for block in _blocks(stmt):
            todo.extend(block.body if type(block) is cst.IndentedBlock else ())
    return False


def _blocks(stmt) -> list:
    """The indented blocks of a compound statement: its body, else, handlers, finally."""
    out = [getattr(stmt, "body", None)]
    for name in ("orelse", "finalbody"):
        part = getattr(stmt, name, None)
        out.append(getattr(part, "body", None) if part is not None and type(part) is not cst.If else None)
        if type(part) is cst.If:
            out.extend(_blocks(part))
    out.extend(h.body for h in getattr(stmt, "handlers", ()))
    return [b for b in out if b is not None]


def _defaults_to_none(p) -> bool:
    default = p.node.default
    return type(default) is cst.Name and default.value == "None"


_ASSIGNING = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)


def _reached_through_super(info: ClassInfo, methods: list) -> list:
    """The methods of the bases that ``methods`` call as ``super().name(...)``, and those they
    call so in turn, as methods of ``info``."""
    if not info.mro:
        return []
    out: list = []
    seen = {id(m) for m in methods}
    todo = list(methods)
    while todo:
        m = todo.pop()
        for name in _self_use(m)[2]:
            target = info.method_after(name, m.defined_in or info)
            if target is not None and id(target) not in seen:
                seen.add(id(target))
                out.append(target)
                todo.append(target)
    return out


def _self_use(m: FuncInfo) -> tuple[bool, frozenset, frozenset]:
    """(does the method assign ``self.x`` or ``self.x[...]``, or append to ``self.xs``; the
    ``self.x`` keys it mentions; the names it calls as ``super().name(...)``), found in one walk
    and kept (a class's methods are asked several times; a subclass's copy of a method shares
    it).  Exact types, not isinstance (libcst's classes are ABCs: slow to test against)."""
    if m.self_use is not None:
        return m.self_use
    if m.original is not None:
        m.self_use = _self_use(m.original)
        return m.self_use
    stores = False
    reads = set()
    supers = set()
    stack = list(iter_children(m.node.body))
    while stack:
        n = stack.pop()
        kind = type(n)
        if kind is cst.Call and type(n.func) is cst.Attribute and is_super(n.func.value):
            supers.add(n.func.attr.value)
        if kind is cst.Attribute:
            if type(n.value) is cst.Name and n.value.value == "self":
                reads.add("self." + n.attr.value)
        elif not stores and kind in _ASSIGNING:
            todo = [n.target]
            while todo:
                x = todo.pop()
                t = type(x)
                if t is cst.Tuple or t is cst.List:
                    todo.extend(e.value for e in x.elements)
                elif t is cst.Subscript:
                    todo.append(x.value)
                elif t is cst.Attribute:
                    if type(x.value) is cst.Name and x.value.value == "self":
                        stores = True
                    todo.append(x.value)
        elif not stores and kind is cst.Call and type(n.func) is cst.Attribute and n.func.attr.value == "append":
            stores = True  # self.xs.append(...) fills a container on self
        stack.extend(iter_children(n))
    m.self_use = (stores, frozenset(reads), frozenset(supers))
    return m.self_use


def _joined(info: ClassInfo, skip: Optional[str] = None) -> dict:
    """Each attribute's value over every method's stores (but those of the method ``skip``)."""
    return _join_stores([stores for name, stores in info.method_stores.items() if name != skip])


def _join_stores(method_stores: list) -> dict:
    """``self.W = None`` (not set yet) does not count when some method stores something else:
    code that uses W as an array runs after.  Where no method does, code outside the class sets
    it (openmdao's ``coloring._fwd = ...``): its value is unknown, not None."""
    every: dict[str, list[Value]] = {}
    for stores in method_stores:
        for key, values in stores.items():
            every.setdefault(key, []).extend(values)
    out: dict[str, Value] = {}
    for key, values in every.items():
        values = [v for v in values if not isinstance(v, NoneVal)]
        if not values:
            out[key] = UNKNOWN
            continue
        acc = values[0]
        for v in values[1:]:
            acc = join(acc, v)
        out[key] = acc
    return out


def _all_params(ps: cst.Parameters):
    yield from ps.posonly_params
    yield from ps.params
    yield from ps.kwonly_params
