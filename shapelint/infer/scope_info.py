"""What the interpreter records about functions and classes it has seen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..shapes import Shape
from ..shapes.dim import GROUP, OPAQUE, substitute
from ..sources.annotations import Declared, read_annotation
from ..sources.docstrings import documented_as_array, documents_parameters, parse as parse_docstring
from ..sources.literals import docstring
from ..values import Array, Origin, Unknown, Value
from .walk import iter_children


# decorators that leave a function's parameters as written
SIGNATURE_KEEPING = {"staticmethod", "classmethod", "abstractmethod", "property", "cached_property", "cache",
                     "lru_cache"}

# decorators known to run the function itself on the call's arguments and return its result
# (compilers, validators, deprecation warnings, test markers); an unknown one may do neither:
# galpy's scalarDecorator turns scalars into arrays and the result into a tuple, and jax.vmap
# or np.vectorize run the body on slices
ARGUMENT_KEEPING = SIGNATURE_KEEPING | {
    "jit", "njit", "wraps", "deprecated", "_deprecate_positional_args", "validate_params", "_fit_context",
    "available_if", "no_grad", "enable_grad", "inference_mode", "parametrize", "filterwarnings", "skipif",
    "xfail", "fixture", "overload", "override", "final", "singledispatch", "singledispatchmethod",
    "custom_jvp", "custom_vjp", "checkpoint", "remat", "contextmanager", "asynccontextmanager"}


def decorator_names(node: cst.FunctionDef) -> list[Optional[str]]:
    """The name of each decorator: ``property``, ``lru_cache`` for ``@functools.lru_cache(...)``;
    None for one that is not a (dotted) name."""
    out = []
    for dec in node.decorators:
        d = dec.decorator.func if type(dec.decorator) is cst.Call else dec.decorator
        out.append(d.attr.value if type(d) is cst.Attribute else d.value if type(d) is cst.Name else None)
    return out


@dataclass
class Param:
    name: str
    declared: Declared
    node: cst.Param
    kind: str  # "pos", "kwonly", "star", "starstar"


@dataclass
class FuncInfo:
    name: str
    node: cst.FunctionDef
    params: list[Param]
    ret: Declared
    cls: Optional["ClassInfo"] = None
    ret_items: Optional[list] = None  # documented tuple of returned shapes (course style)
    doc_node: Optional[cst.CSTNode] = None
    errors: list = field(default_factory=list)  # (node, message): shapes named but unreadable
    owner: object = None  # the interpreter of the module that defines it, when another file
    closure: Optional[dict] = None  # the enclosing function's names, for a nested function
    outer: dict = field(default_factory=dict)
    generator: Optional[bool] = None  # has a ``yield`` (found on first need)
    self_use: Optional[tuple] = None  # (stores on self?, the self.x it reads, super() calls): one walk, on first need
    defined_in: Optional["ClassInfo"] = None  # the class whose body has it, where ``cls`` inherits it
    original: Optional["FuncInfo"] = None  # for such a copy: the method as its class has it (walks are shared)
    unpacked: Optional[dict] = None  # parameter -> the ``n, d = X.shape`` that opens the body (on first need)

    @property
    def is_method(self) -> bool:
        return self.cls is not None and "staticmethod" not in decorator_names(self.node)

    @property
    def plain_signature(self) -> bool:
        """A call binds its arguments to these very parameters: no decorator may have changed
        the signature (a decorator we do not know could)."""
        return all(name in SIGNATURE_KEEPING for name in decorator_names(self.node))

    @property
    def keeps_arguments(self) -> bool:
        """A call runs this body on its own arguments, and gives what the body returns: every
        decorator is one that does (``@partial(jax.jit, ...)`` is jit's)."""
        for dec, name in zip(self.node.decorators, decorator_names(self.node)):
            d = dec.decorator
            if name == "partial" and type(d) is cst.Call and d.args:
                inner = d.args[0].value
                name = inner.attr.value if type(inner) is cst.Attribute else inner.value if type(inner) is cst.Name else None
            if name not in ARGUMENT_KEEPING:
                return False
        return True

    def binding_fails(self, n_args: int, keywords, bound: bool) -> bool:
        """Python raises TypeError binding ``n_args`` positional arguments and ``keywords``:
        too many, an unknown or repeated keyword, a required parameter left out."""
        params = self.params
        if bound and self.is_method:
            params = params[1:] if params and params[0].kind == "pos" else params
        pos = [p for p in params if p.kind == "pos"]
        kwonly = [p for p in params if p.kind == "kwonly"]
        star = any(p.kind == "star" for p in params)
        starstar = any(p.kind == "starstar" for p in params)
        if n_args > len(pos) and not star:
            return True
        names = {p.name: k for k, p in enumerate(pos)}
        for kw in keywords:
            if kw in names and names[kw] < n_args:
                return True  # given twice
            if kw not in names and all(p.name != kw for p in kwonly) and not starstar:
                return True
        for k, p in enumerate(pos):
            if k >= n_args and p.node.default is None and p.name not in keywords:
                return True
        return any(p.node.default is None and p.name not in keywords for p in kwonly)

    @property
    def is_generator(self) -> bool:
        """A ``yield`` in its own body: calling it makes a generator, running nothing."""
        if self.generator is None and self.original is not None:
            self.generator = self.original.is_generator
        if self.generator is None:
            self.generator = False
            stack = list(iter_children(self.node.body))
            while stack:
                n = stack.pop()
                t = type(n)
                if t is cst.Yield:
                    self.generator = True
                    break
                if t not in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
                    stack.extend(iter_children(n))
        return self.generator

    @property
    def is_abstract(self) -> bool:
        """A method left to subclasses: ``@abstractmethod``, or a body that only raises
        NotImplementedError.  What a call on ``self`` gets is the subclass's."""
        if self.cls is None:
            return False
        if "abstractmethod" in decorator_names(self.node):
            return True
        body = self.node.body
        lines = body.body if type(body) is cst.IndentedBlock else [body]
        smalls = [small for line in lines if type(line) in (cst.SimpleStatementLine, cst.SimpleStatementSuite)
                  for small in line.body]
        if len(smalls) != len(lines) or not smalls:
            return False
        smalls = [x for x in smalls if not (type(x) is cst.Expr and type(x.value) in (cst.SimpleString, cst.ConcatenatedString))
                  and type(x) is not cst.Pass]
        if len(smalls) != 1 or type(smalls[0]) is not cst.Raise or smalls[0].exc is None:
            return False
        exc = smalls[0].exc.func if type(smalls[0].exc) is cst.Call else smalls[0].exc
        return type(exc) is cst.Name and exc.value == "NotImplementedError"

    def leading_unpacks(self) -> dict[str, cst.Assign]:
        """The parameters whose ``.shape`` the body unpacks before anything can happen to them:
        ``n, d = X.shape`` among the simple statements that open the body, before a branch, a
        return or a raise, and before X is bound again.  Every call runs it, so a call with an
        array of another rank raises there."""
        if self.unpacked is None and self.original is not None:
            self.unpacked = self.original.leading_unpacks()
        if self.unpacked is None:
            self.unpacked = _leading_unpacks(self.node, {p.name for p in self.params if p.kind in ("pos", "kwonly")})
        return self.unpacked

    def symbols(self) -> set[str]:
        """Every dim symbol its declarations mention: bound per call."""
        return self.param_symbols() | (self.ret.shape.symbols() if self.ret.shape is not None else set())

    def documented_return(self) -> bool:
        """Is what a call returns read from the docstring (its Returns section, or a course
        assignment's returned names), not from an annotation?"""
        if self.ret.shape is not None:
            return self.ret.source == "docstring" and not self.ret.contract
        return self.ret_items is not None

    def param_symbols(self) -> set[str]:
        out: set[str] = set()
        for p in self.params:
            if p.declared.shape is not None:
                out |= p.declared.shape.symbols()
            if p.declared.is_int:
                out.add(p.declared.dim.symbol if p.declared.dim is not None else p.name)
        return out


def _bound_names(target: cst.BaseExpression) -> set[str]:
    """The names an assignment target rebinds, or whose shape it may change (``X.shape = ...``)."""
    t = type(target)
    if t is cst.Name:
        return {target.value}
    if t in (cst.Tuple, cst.List):
        return {n for e in target.elements for n in _bound_names(e.value)}
    if t is cst.StarredElement:
        return _bound_names(target.value)
    if t is cst.Attribute and type(target.value) is cst.Name:
        return {target.value.value}
    return set()


def _shape_unpacking(small) -> Optional[tuple[str, cst.BaseExpression]]:
    """``n, d = P.shape`` (P a name): (P, the tuple or list of targets)."""
    if type(small) is not cst.Assign or len(small.targets) != 1:
        return None
    target, value = small.targets[0].target, small.value
    if type(target) in (cst.Tuple, cst.List) and type(value) is cst.Attribute and value.attr.value == "shape" \
            and type(value.value) is cst.Name:
        return value.value.value, target
    return None


def _leading_unpacks(node: cst.FunctionDef, params: set[str]) -> dict[str, cst.Assign]:
    body = node.body
    lines = body.body if type(body) is cst.IndentedBlock else [body]
    out: dict[str, cst.Assign] = {}
    rebound: set[str] = set()
    for line in lines:
        if type(line) not in (cst.SimpleStatementLine, cst.SimpleStatementSuite):
            break  # a branch, loop or nested definition: what follows may not run, or runs otherwise
        for small in line.body:
            t = type(small)
            if t in (cst.Return, cst.Raise):
                return out
            if t is cst.Assign:
                unpacking = _shape_unpacking(small)
                if unpacking is not None and unpacking[0] in params and unpacking[0] not in rebound | out.keys():
                    out[unpacking[0]] = small
                for target in small.targets:
                    rebound |= _bound_names(target.target)
            elif t in (cst.AugAssign, cst.AnnAssign):
                rebound |= _bound_names(small.target)
            elif t is cst.Del:
                rebound |= _bound_names(small.target)
            elif t is cst.Expr and type(small.value) is cst.Call and type(small.value.func) is cst.Attribute \
                    and small.value.func.attr.value == "resize":
                rebound |= _bound_names(small.value.func)  # X.resize(...) changes X's shape in place
    return out


@dataclass(frozen=True)
class FuncRef(Value):
    info: FuncInfo
    is_callable = True  # joins with other callables into a Union


@dataclass
class ClassInfo:
    name: str
    node: cst.ClassDef
    methods: dict[str, FuncInfo] = field(default_factory=dict)
    attrs: dict[str, Value] = field(default_factory=dict)  # "self.X" -> joined value
    stores: dict[str, list[Value]] = field(default_factory=dict)  # values assigned to self.X by the method run now
    method_stores: dict[str, dict[str, list[Value]]] = field(default_factory=dict)  # the same, per method
    body_env: dict[str, Value] = field(default_factory=dict)
    collected: bool = False  # attrs known (analysed in its own file, or collected on first use from another)
    # the classes whose methods it has, itself first (Python's MRO), where every base is a class
    # of the checked files; else just itself
    mro: tuple = ()
    open: bool = False  # a base is not known: methods of it, or of classes after it, may be anything
    bound: dict = field(default_factory=dict)  # (id of the defining class, name) -> its method, for self of this class
    documented: Optional[dict] = None  # "self.X" -> the array its docstring's Attributes section documents
    doc_errors: list = field(default_factory=list)  # shapes named there but unreadable (SL100)

    def documented_attributes(self, trust: bool) -> dict:
        """``"self.X"`` -> the array the class docstring documents as attribute X (numpydoc's
        Attributes section, as scikit-learn documents fitted attributes like ``coef_``): from the
        first class of the MRO that documents it.  Read once per class."""
        out: dict = {}
        for c in reversed(self.lineage()):
            if c.documented is None:
                c.documented = {}
                doc = docstring(c.node)
                if doc and "shape" in doc:
                    body = c.node.body
                    first = body.body[0] if type(body) is cst.IndentedBlock and body.body else None
                    # opaque sizes (only the rank and literal sizes count) unless docstrings are
                    # trusted: Attributes sections are looser than Parameters (scikit-learn's LDA
                    # documents scalings_ as (rank, n_classes - 1); it is (n_features, rank))
                    shapes = parse_docstring(doc, opaque=not trust, group=c.name if trust else None)
                    c.documented = {"self." + name: Array(shape, Origin("doc-attribute", first, name))
                                    for name, shape in shapes.attributes.items()}
                    c.doc_errors = shapes.attribute_errors
            out.update(c.documented)
        return out

    def documented_over(self, stored: dict, trust: bool) -> dict:
        """The documented attributes that say more than what the methods store (``stored``):
        where nothing is stored, or only an array of unknown rank or sizes (of the same rank)."""
        out = {}
        for key, documented in self.documented_attributes(trust).items():
            v = stored.get(key)
            if v is None or isinstance(v, Unknown):
                out[key] = documented
            elif isinstance(v, Array) and (v.shape is None or (not v.shape.fixed and not v.shape.dims) or (
                    v.shape.fixed and len(v.shape.dims) == len(documented.shape.dims)
                    and all(d is None for d in v.shape.dims))):
                out[key] = documented
        return out

    def lineage(self) -> tuple:
        return self.mro or (self,)

    def method_after(self, name: str, after: Optional["ClassInfo"] = None) -> Optional[FuncInfo]:
        """The method ``name`` that self of this class runs: the first in the MRO (after class
        ``after``, for ``super().name``), as a method of this class (its stores and attributes
        are this class's)."""
        lineage = self.lineage()
        start = 0
        if after is not None:
            start = next((k + 1 for k, c in enumerate(lineage) if c is after), len(lineage))
        for owner in lineage[start:]:
            m = owner.methods.get(name)
            if m is None or (m.defined_in is not None and m.defined_in is not owner):
                continue  # a copy another class inherited: look at the class that defines it
            if owner is self:
                return m
            key = (id(owner), name)
            copy = self.bound.get(key)
            if copy is None:
                copy = self.bound[key] = dataclasses.replace(m, cls=self, defined_in=owner, original=m)
            return copy
        return None


@dataclass(frozen=True)
class ClassRef(Value):
    info: ClassInfo


@dataclass(frozen=True)
class Instance(Value):
    """An instance of a class of the checked files.  ``attrs``: what its ``__init__`` stored on
    self for the arguments it was made with (``ActivationInitializer("Sigmoid")``), where no
    other method stores it; its methods see these instead of what every construction stores."""

    info: ClassInfo
    attrs: tuple = ()  # ("self.X", value) pairs


@dataclass(frozen=True)
class BoundMethod(Value):
    """``inst.f`` for an instance with attributes of its own: f runs with them."""

    info: FuncInfo
    instance: Instance
    is_callable = True  # joins with other callables into a Union


def store_key(info: ClassInfo, m: FuncInfo) -> str:
    """What a method's stores are kept under: its name, or for a method of a base (one a
    method calls as super().name, maybe under the same name) the defining class's too."""
    return m.name if m.defined_in is None or m.defined_in is info else f"{m.defined_in.name}.{m.name}"


def function_info(node: cst.FunctionDef, cls: Optional[ClassInfo], trust_docstrings: bool = False) -> FuncInfo:
    ps = node.params
    params: list[Param] = []
    for kind, group in (("pos", list(ps.posonly_params) + list(ps.params)), ("kwonly", ps.kwonly_params)):
        for p in group:
            ann = p.annotation.annotation if p.annotation else None
            params.append(Param(p.name.value, read_annotation(ann), p, kind))
    for kind, p in (("star", ps.star_arg), ("starstar", ps.star_kwarg)):
        if type(p) is cst.Param:
            params.append(Param(p.name.value, Declared(), p, kind))
    ret = read_annotation(node.returns.annotation) if node.returns else Declared()
    info = FuncInfo(node.name.value, node, params, ret, cls)
    for p in params:
        if p.declared.error and p.node.annotation is not None:
            info.errors.append((p.node.annotation, p.declared.error))
    if ret.error and node.returns is not None:
        info.errors.append((node.returns, ret.error))
    doc = docstring(node)
    if doc and ("shape" in doc or " int" in doc):
        _read_docstring(info, doc, trust_docstrings)
    for p in params:
        if doc and type(p.node.default) is cst.Float and p.declared.shape is None and not p.declared.is_scalar \
                and p.node.annotation is None and documented_as_array(doc, p.name):
            p.declared = Declared(source="docstring")  # galpy's "Xsun : float or numpy.ndarray": 1.0 is one choice
    if cls is not None and node.name.value == "__init__" and not (doc and documents_parameters(doc)):
        _class_documented_ints(info, cls)
    return info


def _class_documented_ints(info: FuncInfo, cls: ClassInfo) -> None:
    """numpydoc documents ``__init__``'s parameters in the class docstring (scikit-learn:
    ``n_components : int``) unless ``__init__`` documents them itself: a parameter documented
    there as an int, and not annotated, is that size of the class's docstrings, so
    ``self.n_components`` is the ``n_components`` of ``components_ (n_components, n_features)``."""
    doc = docstring(cls.node)
    if not doc or " int" not in doc or not any(p.name + " :" in doc for p in info.params[1:]):
        return  # no entry can name a parameter: no need to read the docstring
    ints = parse_docstring(doc, opaque=True, group=cls.name).ints
    for p in info.params:
        d = p.declared
        if p.name in ints and p.node.annotation is None and d.shape is None and not d.is_int and not d.is_scalar \
                and d.or_list is None:
            p.declared = _documented_int(ints[p.name])


def _documented_int(dim) -> Declared:
    """What a docstring's ``n : int`` declares: an int, the size ``dim`` of its shapes."""
    declared = Declared(is_int=True, source="docstring")
    declared.dim = dim
    return declared


def _base_name(symbol: str) -> str:
    return symbol.lstrip(OPAQUE).split(GROUP, 1)[0]


def _shape_index(value: cst.BaseExpression) -> Optional[tuple[str, int]]:
    """``P.shape[k]``: (P, k)."""
    if type(value) is not cst.Subscript or len(value.slice) != 1 or type(value.slice[0].slice) is not cst.Index:
        return None
    base, index = value.value, value.slice[0].slice.value
    k = int(index.value) if type(index) is cst.Integer else None
    if type(index) is cst.UnaryOperation and type(index.operator) is cst.Minus and type(index.expression) is cst.Integer:
        k = -int(index.expression.value)
    if k is None or type(base) is not cst.Attribute or base.attr.value != "shape" or type(base.value) is not cst.Name:
        return None
    return base.value.value, k


def _sizes_the_code_equates(node: cst.FunctionDef, shapes) -> dict[str, object]:
    """Documented names the body says are one size: ``n_descriptors = target_vars.shape[1]``
    where the docstring writes target_vars ``(n_samples, n_targets)`` and another array
    ``(n_regressors, n_descriptors)`` (nilearn): n_descriptors is the docstring's n_targets.
    Read from the simple statements of the body's top level."""
    if type(node.body) is not cst.IndentedBlock or not shapes.params:
        return {}
    by_base: dict[str, str] = {}
    for shape in [*shapes.params.values(), *(r for r in shapes.returns if r is not None)]:
        for symbol in shape.symbols():
            by_base.setdefault(_base_name(symbol), symbol)
    mapping: dict[str, object] = {}
    for line in node.body.body:
        if type(line) is not cst.SimpleStatementLine:
            continue
        for small in line.body:
            if type(small) is not cst.Assign or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            pairs = []
            at = _shape_index(small.value)
            unpacking = _shape_unpacking(small)
            if type(target) is cst.Name and at is not None:
                pairs.append((target.value, *at))
            elif unpacking is not None and all(type(e) is cst.Element for e in target.elements):
                pairs.extend((e.value.value, unpacking[0], k) for k, e in enumerate(target.elements)
                             if type(e.value) is cst.Name)
            for name, param, k in pairs:
                shape = shapes.params.get(param)
                symbol = by_base.get(name)
                if shape is None or not shape.fixed or not -len(shape.dims) <= k < len(shape.dims) or symbol is None:
                    continue
                size = shape.dims[k]
                if size is None or symbol in size.symbols() or symbol in mapping \
                        or size.symbols() & (set(mapping) | {n for d in mapping.values() for n in d.symbols()}):
                    continue
                mapping[symbol] = size
    return mapping


def _equate_sizes(shapes, mapping: dict) -> None:
    if not mapping:
        return
    def sub(shape):
        return None if shape is None else Shape(tuple(substitute(d, mapping) for d in shape.dims), shape.batch)
    shapes.params = {name: sub(shape) for name, shape in shapes.params.items()}
    shapes.or_lists = {name: sub(shape) for name, shape in shapes.or_lists.items()}
    shapes.returns = [sub(shape) for shape in shapes.returns]


def _read_docstring(info: FuncInfo, doc: str, trust: bool) -> None:
    """Shapes the docstring documents, for parameters and returns the annotations leave open."""
    body = info.node.body
    first = body.body[0] if type(body) is cst.IndentedBlock and body.body else None
    info.doc_node = first
    group = info.cls.name if info.cls is not None else info.name  # a class's methods share their names
    shapes = parse_docstring(doc, opaque=not trust, group=group)
    _equate_sizes(shapes, _sizes_the_code_equates(info.node, shapes))
    entry = _entry_names([p.name for p in info.params],
                         set(shapes.params) | set(shapes.or_lists) | set(shapes.scalars) | set(shapes.ints))
    for p in info.params:
        name = entry.get(p.name)
        if name is None or p.declared.shape is not None or p.declared.is_int:
            continue
        if name in shapes.params:
            p.declared = Declared(shapes.params[name], source="docstring")
            p.declared.contract = trust
        elif name in shapes.or_lists:
            p.declared = Declared(source="docstring")
            p.declared.or_list = shapes.or_lists[name]
        elif name in shapes.scalars:
            p.declared = Declared(is_scalar=True, source="docstring")
        elif name in shapes.ints:
            p.declared = _documented_int(shapes.ints[name])
    if info.ret.shape is None and not info.ret.is_int and any(s is not None for s in shapes.returns):
        values, info.generator = _own_returns(info.node)
        if info.generator:
            pass  # a call makes a generator: what it yields is no return value
        elif len(shapes.returns) > 1:
            info.ret_items = shapes.returns
        else:
            _documented_return(info, shapes.returns[0], shapes.return_names[0], values, trust)
    bullets = _entry_names([p.name for p in info.params], {name for name, _ in shapes.bullet_errors})
    named = set(bullets.values())
    messages = shapes.errors + [message for name, message in shapes.bullet_errors if name in named]
    for message in messages:
        info.errors.append((info.node.name, message))  # on the def line: a docstring has no room for a marker


def _documented_return(info: FuncInfo, shape: Shape, name: Optional[str], values: list, trust: bool) -> None:
    """One documented return.  Where the body returns a tuple (``return X_col, p`` under a Returns
    section naming X_col alone), it describes the item of its name, if every return has it at the
    same place; otherwise it describes nothing the caller gets."""
    tuples = [v for v in values if type(v) is cst.Tuple and len(v.elements) > 1]
    if not tuples:
        info.ret = Declared(shape, source="docstring")
        info.ret.contract = trust
        return
    size = len(tuples[0].elements)
    if name is None or len(tuples) != len(values) or any(len(v.elements) != size for v in tuples):
        return
    at = [k for k in range(size)
          if all(type(v.elements[k].value) is cst.Name and v.elements[k].value.value == name for v in tuples)]
    if len(at) == 1:
        info.ret_items = [shape if k == at[0] else None for k in range(size)]


def _own_returns(node: cst.FunctionDef) -> tuple[list, bool]:
    """The values of the function's own return statements (None for a bare ``return``), and
    whether it has a ``yield`` (is a generator); nested functions and classes are not its own."""
    values = []
    stack = list(iter_children(node.body))
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.Yield:
            return values, True
        if t is cst.Return:
            values.append(n.value)
        if t not in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
            stack.extend(iter_children(n))
    return values, False


def _entry_names(params: list[str], entries: set[str]) -> dict[str, str]:
    """The docstring entry of each parameter: the one of its name, else the one entry that
    differs from it in case only (numpy-ml documents ``dLdY`` for the parameter ``dLdy``), where
    no other parameter or entry could be meant."""
    out = {p: p for p in params if p in entries}
    spare = [e for e in entries if e not in out]
    for p in params:
        if p in out:
            continue
        same = [e for e in spare if e.lower() == p.lower()]
        if len(same) == 1 and sum(q.lower() == p.lower() for q in params) == 1:
            out[p] = same[0]
    return out


def linearize(bases: list[ClassInfo]) -> Optional[tuple]:
    """C3, as Python orders the bases' methods (None where Python would refuse the bases)."""
    seqs = [list(b.lineage()) for b in bases] + [list(bases)]
    out: list = []
    while any(seqs):
        seqs = [s for s in seqs if s]
        for seq in seqs:
            head = seq[0]
            if not any(head is other for s in seqs for other in s[1:]):
                break
        else:
            return None
        out.append(head)
        seqs = [s[1:] if s[0] is head else s for s in seqs]
    return tuple(out)
