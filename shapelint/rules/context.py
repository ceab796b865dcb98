"""What a rule sees: the events, the values of expressions, source text and
line numbers (resolved once, only for files that have a finding)."""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..config import Settings
from ..diagnostics import Diagnostic, Fix
from ..numpy_api import SHAPED_BY_FIRST_ARGUMENT
from ..shapes import fmt_dim, fmt_shape
from ..shapes.dim import equal, is_documented
from ..values import DOCUMENTED, Array, Origin, Value, from_docstring, shape_of
from .base import Rule

MAX_LABEL = 60

# origin kind -> how a note says where a shape came from
ORIGINS = {
    "param": " from the annotation of parameter {name}{at}",
    "annotation": " from the annotation of {name}{at}",
    "doc-param": " from the docstring of parameter {name}{at}",
    "doc-return": " from the documented return of {name}(){at}",
    "doc-attribute": " from the docstring of attribute {name}{at}",
    "callsite": " from every call of {name}() in this file{at}",
    "comment": " from the shape comment on {name}{at}",
    "return": " from the return annotation of {name}(){at}",
    "unpack": " named by unpacking {name}.shape{at}",
    "foreign": " returned by {name}() of another file{at}",
}


_VARIABLE = (cst.Name, cst.Attribute, cst.Subscript)  # X.T, self.W.T, params["W"].T: say where X came from


class Context:
    def __init__(self, module: cst.Module, path: str, settings: Settings):
        self.module = module
        self.path = path
        self.settings = settings
        self.interp = None  # set by the engine: value_of / lookup
        self.findings: list[tuple[Rule, object, str, tuple, Optional[str], str]] = []
        self._positions = None
        self._seen: set = set()
        self._placed: set = set()  # (code, node) of every finding
        self._waiting: dict = {}  # finding key -> the function whose confirmation it waits for
        self.reported_keys: set[str] = set()  # gradients already reported (no echo at the update)
        self.blamed: set[int] = set()  # reductions SL013 reported (one finding per reduction)
        self.pending: Optional[int] = None  # set by documentation_only for the check running
        self.confirmed: dict[int, tuple] = {}  # function -> (node, size) where the body bears its docstring out

    # source ------------------------------------------------------------------------
    def code(self, node) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 3] + "..."

    def source(self, node) -> str:
        """The exact source of a node, for fixes (``code`` shortens it for messages)."""
        return self.module.code_for_node(node).strip()

    def positions(self):
        if self._positions is None:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        return self._positions

    def line(self, node) -> Optional[int]:
        pos = self.positions().get(node)
        return pos.start.line if pos is not None else None

    # values ----------------------------------------------------------------------------
    def value_of(self, node) -> Optional[Value]:
        return self.interp.value_of(node) if self.interp is not None else None

    def shape_of(self, node):
        return shape_of(self.value_of(node))

    def lookup(self, key: str) -> Optional[Value]:
        if self.interp is None:
            return None
        for scope in (self.interp.env, self.interp.outer, self.interp.globals):
            if key in scope:
                return scope[key]
        return None

    def in_test(self) -> bool:
        """Whether the code being checked is a test: a ``test*`` function or a method of a
        ``Test*`` class (pytest's and unittest's names)."""
        f = self.interp.func if self.interp is not None else None
        return f is not None and (f.name.startswith("test") or (f.cls is not None and f.cls.name.startswith("Test")))

    def documentation_only(self, values) -> bool:
        """Every value is a parameter or return exactly as a docstring documents it: a clash
        among them is between docstring entries (often loose prose), not proven by the code
        (unless docstrings are trusted as contracts).  In a function, the clash is kept
        pending instead: it is reported if the body bears that docstring out somewhere
        (``confirm``), as course code does (``x @ Wx`` with ``x`` (N, D) and ``Wx`` (D, H)
        proves the entries exact, so ``Wh @ prev_h`` with ``Wh`` (H, H) and ``prev_h`` (N, H)
        is a bug)."""
        if self.settings.trust_docstrings or not all(
                isinstance(v, Array) and v.origin is not None and v.origin.kind in DOCUMENTED for v in values):
            return False
        return not self.awaits_confirmation()

    def awaits_confirmation(self) -> bool:
        """The findings of this check wait for ``confirm`` in the function it is in (a clash of
        documented values, a value against its documented return); at module level there is none."""
        func = self.interp.func if self.interp is not None else None
        if func is None:
            return False
        self.pending = id(func.node)
        return True

    def confirm(self, event) -> None:
        """A product or elementwise operation of two different documented entries (as they are, or
        transposed) that meet on a documented size (``x @ Wx`` or ``x.T @ dout``: ``D`` against ``D``,
        ``N`` against ``N``) confirms the docstring of the function it is in."""
        func = self.interp.func if self.interp is not None else None
        if func is None or self.settings.trust_docstrings or id(func.node) in self.confirmed:
            return
        d = event.data
        if event.kind == "product":
            pairs = [((d["left"], d["lval"]), (d["right"], d["rval"]))]
        elif d["error"] is None:
            operands = d["operands"]
            pairs = [(a, b) for i, a in enumerate(operands) for b in operands[i + 1:]]
        else:
            return
        for (lnode, lval), (rnode, rval) in pairs:
            lentry, rentry = self._entry(lnode, lval), self._entry(rnode, rval)
            if lentry is None or rentry is None or lentry == rentry:
                continue
            size = _shared_size(lval.shape, rval.shape, event.kind == "product")
            if size:
                self.confirmed[id(func.node)] = (event.node, size)
                return

    def _entry(self, node, value) -> Optional[str]:
        """The docstring entry a value is, as it is or transposed (``x.T``): its name."""
        if not isinstance(value, Array):
            return None
        base = _untransposed(node)
        documented = value if base is node else self.value_of(base)
        if not isinstance(documented, Array) or not from_docstring(documented.origin):
            return None
        return documented.origin.name

    def shaped_by_docstring(self, value) -> bool:
        """Whether ``value``'s shape is a docstring's: the documented value itself, or an array made
        with its shape (pykoopman's ``y = np.zeros(x.shape)`` for ``x`` documented ``(2,)``)."""
        if not isinstance(value, Array):
            return False
        if from_docstring(value.origin):
            return True
        node = value.origin.node if value.origin is not None and value.origin.kind == "call" else None
        if not isinstance(node, cst.Call) or not node.args or type(node.func) is not cst.Attribute \
                or node.func.attr.value not in SHAPED_BY_FIRST_ARGUMENT:
            return False
        arg = node.args[0].value
        if type(arg) is cst.Attribute and arg.attr.value == "shape":
            arg = arg.value
        source = self.value_of(arg)
        return isinstance(source, Array) and from_docstring(source.origin)

    def documented_against_itself(self, nodes) -> bool:
        """One documented value against itself, maybe transposed (``np.allclose(x, x.T)`` with
        ``x : ndarray of shape (n, m)``, skfolio): the code takes x as square, and only the
        docstring's two names say it is not."""
        if self.settings.trust_docstrings or len(nodes) < 2:
            return False
        bases = [_untransposed(n) for n in nodes]
        first = self.value_of(bases[0])
        return isinstance(first, Array) and from_docstring(first.origin) \
            and all(self.code(b) == self.code(bases[0]) for b in bases[1:])

    def origin_text(self, origin: Optional[Origin], node=None) -> str:
        if origin is None or origin.node is None:
            return ""
        line = self.line(origin.node)
        at = f", line {line}" if line else ""
        if origin.kind == "no-leading-axes":
            where = f" on line {line}" if line else ""
            return (f"{self.origin_text(origin.base, node)}, with no leading axes (with any, the in-place "
                    f"update{where} fails)")
        template = ORIGINS.get(origin.kind)
        if template is not None:
            return template.format(name=origin.name, at=at)
        if origin.kind == "call":
            func = origin.node.func if isinstance(origin.node, cst.Call) else origin.node
            return f" from {self.code(func)}(...){at}"
        if node is not None and origin.node is node:
            return ""
        # no line: a node of another file (what a base class of another file stored on self)
        return f" from {self.code(origin.node)}{at or ' in another file'}"

    def describe(self, node, value: Optional[Value] = None, label: Optional[str] = None) -> str:
        """``w1: (4, 5) from the annotation of parameter w1, line 7``."""
        value = value if value is not None else self.value_of(node)
        origin = value.origin if isinstance(value, Array) else None
        text = self.origin_text(origin, node)
        if not text and type(node) is cst.Attribute and node.attr.value == "T" and type(node.value) in _VARIABLE:
            base = self.value_of(node.value)  # X.T: where X's shape came from
            base_text = self.origin_text(base.origin, node.value) if isinstance(base, Array) else ""
            if base_text:
                text = f", the transpose of {self.code(node.value)} {fmt_shape(shape_of(base))}{base_text}"
        return f"{label or self.code(node)}: {fmt_shape(shape_of(value))}{text}"

    # findings ----------------------------------------------------------------------------
    def report(self, rule: Rule, node, message: str, notes=(), suggestion: Optional[str] = None,
               severity: Optional[str] = None, fix: Optional[tuple] = None) -> None:
        """``fix``: (node, replacement source) when exactly one change makes the shapes right."""
        key = (rule.code, id(node), message)
        if not self.settings.enabled(rule.code):
            return
        if key in self._seen:
            if self.pending is None:  # said again without waiting: the finding stands
                self._waiting.pop(key, None)
            return
        placed = (rule.code, id(node))
        if placed in self._placed and self.interp is not None and self.interp.second_run:
            return  # the second analysis of a function (inplace_rank) says it again, more precisely
        self._seen.add(key)
        self._placed.add(placed)
        if self.pending is not None:
            self._waiting[key] = self.pending
        self.findings.append((rule, node, message, tuple(notes), suggestion, severity or rule.severity, fix))

    def diagnostics(self) -> list[Diagnostic]:
        out = []
        for rule, node, message, notes, suggestion, severity, fix in self.findings:
            waits = self._waiting.get((rule.code, id(node), message))
            if waits is not None:
                if waits not in self.confirmed:
                    continue  # docstring against docstring, in a body that never bears the docstring out
                where, size = self.confirmed[waits]
                line = self.line(where)
                at = f"line {line}: " if line else ""
                notes = notes + (f"the docstring holds in {self.code(where)} ({at}{size} meets {size}), "
                                 f"so its shapes are taken as exact",)
            line, col, eline, ecol = self._span(node)
            edit = None
            if fix is not None:
                fl, fc, fel, fec = self._span(fix[0])
                edit = Fix(fl, fc, fel, fec, fix[1])
            out.append(Diagnostic(self.path, line, col, eline, ecol, rule.code, rule.name, severity, message,
                                  notes, suggestion, edit))
        return out

    def _span(self, node) -> tuple[int, int, int, int]:
        pos = self.positions().get(node) if node is not None else None
        if pos is None:
            return 1, 1, 1, 1
        return pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1


def _untransposed(node):
    """``x.T``, ``x.transpose()``, ``np.transpose(x)``, ``x.conj().T``: x."""
    while True:
        if type(node) is cst.Attribute and node.attr.value in ("T", "mT", "H"):
            node = node.value
        elif type(node) is cst.Call and type(node.func) is cst.Attribute and not node.args \
                and node.func.attr.value in ("transpose", "conj", "conjugate"):
            node = node.func.value
        elif type(node) is cst.Call and type(node.func) is cst.Attribute and node.func.attr.value == "transpose" \
                and len(node.args) == 1 and type(node.func.value) is cst.Name \
                and node.func.value.value in ("np", "numpy", "jnp"):
            node = node.args[0].value  # np.transpose(x)
        else:
            return node


def _shared_size(left, right, product: bool) -> Optional[str]:
    """The documented size that the contracted axes of a product, or two axes broadcasting
    aligns, both have."""
    if left is None or right is None or not left.dims or not right.dims:
        return None
    if product:
        inner = right.dims[-2] if len(right.dims) >= 2 else right.dims[0]
        pairs = [(left.dims[-1], inner)] if right.fixed or len(right.dims) >= 2 else []
    else:
        pairs = list(zip(reversed(left.dims), reversed(right.dims)))
    return next((fmt_dim(a) for a, b in pairs if is_documented(a) and equal(a, b) is True), None)
