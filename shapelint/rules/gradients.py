"""SL002 gradient-shape and SL003 gradient-transposed: a gradient has its parameter's shape."""

from __future__ import annotations

import functools
import re
from typing import Optional

import libcst as cst

from ..infer.expressions import key_of
from ..shapes import Shape, fmt_shape
from ..shapes import dim as D
from ..values import Array
from .base import Rule
from .rearrange import chain, rearrangements, same_shape

# name of a gradient -> name of its parameter (tried in order; the parameter must exist)
PATTERNS = [
    # dL_dW, dloss_dw0, dL2_dw0: the derivative of a scalar objective (df_dy of a vector f is a Jacobian)
    re.compile(r"^d(?:[LlEeJ]\d*|loss\w*|Loss\w*|err\w*|error\w*|cost\w*|obj\w*)_d(?P<p>\w+)$"),
    re.compile(r"^grad_(?P<p>\w+)$"),
    re.compile(r"^(?P<p>\w+)_grad$"),
    re.compile(r"^d_(?P<p>\w+)$"),
    re.compile(r"^d(?P<p>\w+)$"),  # dW, dw0, db
]
NOT_GRADIENTS = ("diff", "gradient", "ediff1d")  # dx = np.diff(x): a difference, not a gradient


# containers of gradients and the containers of the parameters they belong to
GRAD_CONTAINERS = ("grads", "gradients", "grad", "dparams", "d_params", "param_grads", "grads_")
PARAM_CONTAINERS = ("params", "parameters", "weights", "theta", "param")
CONTAINER_KEY = re.compile(r"^(?P<prefix>(?:\w+\.)*)(?P<c>\w+)(?P<item>\[.+\])$")


@functools.lru_cache(maxsize=32)
def patterns(extra: tuple[str, ...] = ()) -> list:
    """The configured patterns (``gradient-patterns``, checked when read) first, then PATTERNS."""
    return [re.compile(p) for p in extra] + PATTERNS


def _known(value) -> bool:
    return isinstance(value, Array) and value.shape is not None and value.shape.fixed and bool(value.shape.dims)


def parameter_for(key: str, ctx) -> Optional[tuple[str, Array]]:
    m = CONTAINER_KEY.match(key)
    if m is not None:
        # grads["W"] belongs to params["W"]; self.gradients["W"] to self.parameters["W"]
        if m.group("c") not in GRAD_CONTAINERS or m.group("item") == "[*]":
            return None
        for container in PARAM_CONTAINERS:
            pkey = m.group("prefix") + container + m.group("item")
            value = ctx.lookup(pkey)
            if _known(value):
                return pkey, value
        return None
    prefix, _, name = key.rpartition(".")
    prefix = prefix + "." if prefix else ""
    for pattern in patterns(getattr(ctx.settings, "gradient_patterns", ())):
        m = pattern.match(name)
        if not m:
            continue
        pkey = prefix + m.group("p")
        value = ctx.lookup(pkey)
        if _known(value):
            return pkey, value
    return None


class _Scan(cst.CSTVisitor):
    """What an expression mentions: names, subscripted names, calls, list displays."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.subscripted: set[str] = set()
        self.calls: set[str] = set()
        self.has_list = False
        self.products: list[list[str]] = []  # the named operands of each matrix product

    @staticmethod
    def _operand(e) -> str:
        if type(e) is cst.Attribute and e.attr.value == "T":
            e = e.value
        return key_of(e) or ""

    def visit_BinaryOperation(self, n: cst.BinaryOperation) -> None:
        if type(n.operator) is cst.MatrixMultiply:
            self.products.append([self._operand(n.left), self._operand(n.right)])

    def visit_Name(self, n: cst.Name) -> None:
        self.names.add(n.value)

    def visit_Attribute(self, n: cst.Attribute) -> None:
        k = key_of(n)
        if k:
            self.names.add(k)

    def visit_Subscript(self, n: cst.Subscript) -> None:
        k = key_of(n.value)
        if k:
            self.subscripted.add(k)

    def visit_Call(self, n: cst.Call) -> None:
        f = n.func
        name = f.attr.value if type(f) is cst.Attribute else getattr(f, "value", "")
        self.calls.add(name)
        if name in PRODUCTS:
            operands = [self._operand(a.value) for a in n.args]
            if type(f) is cst.Attribute and name == "dot":
                operands.append(self._operand(f.value))  # g.dot(x)
            self.products.append(operands)

    def visit_List(self, n: cst.List) -> None:
        self.has_list = True


def scan(node) -> _Scan:
    v = _Scan()
    node.visit(v)
    return v


PRODUCTS = ("dot", "matmul", "inner", "vdot", "tensordot")
GRADIENT_LIKE = re.compile(r"^(grad|d[A-Z_]|dout|dloss|delta)|_grad(ient)?s?$")


SELECTING = ("reshape", "copy", "astype", "transpose", "view", "ravel", "flatten", "squeeze")


def _gathered(node: cst.Subscript) -> bool:
    """``X[idx]``: items picked by an index array (a name), not sliced."""
    return len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index \
        and type(node.slice[0].slice.value) in (cst.Name, cst.Attribute)


def _selected_data(node) -> bool:
    """``dha = self.atomArray[idx].reshape(-1, 4, 4)`` (Biopython's dihedral atoms): items of
    an array whose name is no gradient's, gathered by an index array and maybe rearranged,
    nothing computed: data that happens to be named like a gradient.  (``grad_u = h.T`` is
    computed by hand, d(u^T h)/du, and is checked.)"""
    gathered = False
    while True:
        t = type(node)
        if t is cst.Subscript:
            gathered = gathered or _gathered(node)
            node = node.value
        elif t is cst.Attribute and node.attr.value == "T":
            node = node.value
        elif t is cst.Call and type(node.func) is cst.Attribute and node.func.attr.value in SELECTING:
            node = node.func.value
        else:
            break
    base = key_of(node) if gathered else None
    if base is None:
        return False
    last = base.rpartition(".")[2]
    return not (last in GRAD_CONTAINERS or GRADIENT_LIKE.search(last) or any(p.match(last) for p in PATTERNS))


def not_a_gradient(node, pkey: str, scalar: bool = False) -> bool:
    """``x[1:] - x[:-1]`` or ``np.diff(x)``: a difference of the parameter; ``np.array([[0, 1]]) / 6``:
    written-out values (test data), or items gathered from an array of no gradient's name (see
    ``_selected_data``); ``grad_sd = grad @ sd`` (a slope along sd) or ``grad_X =
    grad_pointwise.T @ X`` (the chain rule for the weights, through X): a product of the parameter
    itself with a gradient, or a scalar one.  None is the parameter's gradient."""
    if _selected_data(node):
        return True
    found = scan(node)
    if pkey in found.subscripted or found.calls & set(NOT_GRADIENTS) or found.has_list:
        return True
    for operands in found.products:
        if pkey in operands and (scalar or any(GRADIENT_LIKE.search(o.rpartition(".")[2])
                                               for o in operands if o != pkey)):
            return True
    return False


def verdict(g: Optional[Shape], p: Shape, distinct: bool, in_test: bool = False) -> Optional[str]:
    """"transposed", "mismatch", or None (right, or not provably wrong).  ``in_test``: the
    assignment is in a test, where a vector's shape followed by more axes is a set of seeds or
    directions for a derivative (openmdao's ``dx`` of (4, 3) for ``x`` of (4,)), test data."""
    if g is None or not g.fixed:
        return None
    if not g.dims:
        # a scalar for a parameter with a real axis: every entry gets the same step
        return "mismatch" if any(D.is_one(d) is False for d in p.dims) else None
    if same_shape(g, p, distinct):
        return None
    if len(p.dims) == 2 and same_shape(g, p.reversed(), distinct) and not same_shape(p, p.reversed(), distinct):
        return "transposed"
    if len(g.dims) == len(p.dims):
        if not any(D.equal(a, b, distinct) is False for a, b in zip(g.dims, p.dims)):
            return None
    elif len(g.dims) > len(p.dims) >= (1 if in_test else 2) \
            and all(D.equal(a, b, distinct) is True for a, b in zip(g.dims, p.dims)):
        # a matrix's shape and then more axes: dA[..., i] is A's derivative by parameter i (a
        # Jacobian); for a vector, (h, 2) against (h,) is more often an outer product by mistake
        return None
    # the same elements laid out with extra or missing size-1 axes work in an update
    squeeze = lambda s: [d for d in s.dims if D.is_one(d) is not True]  # noqa: E731
    sg, sp = squeeze(g), squeeze(p)
    if len(sg) == len(sp) and all(D.equal(a, b, distinct) is True for a, b in zip(sg, sp)):
        return None
    if any(D.is_one(d) is None for d in g.dims + p.dims) and len(g.dims) != len(p.dims):
        return None
    if len(g.dims) != len(p.dims) and D.equal(g.size(), p.size(), distinct) is True:
        return None  # the same elements in another layout (flattened), reshaped back before use
    return "mismatch"



def report(ctx, node, gname: str, gnode, gshape: Shape, pkey: str, pval: Array, update: bool = False) -> None:
    distinct = ctx.settings.distinct_symbols
    v = verdict(gshape, pval.shape, distinct, ctx.in_test())
    if v is None:
        return
    operands = chain(gnode)
    shapes = [ctx.shape_of(n) for n in operands]
    if len(operands) == 1:
        shapes = [gshape]
    found = rearrangements(operands, shapes, ctx.code, lambda s: same_shape(s, pval.shape, distinct), distinct)
    help_ = "; or ".join(f"{t} has shape {fmt_shape(s)}, the shape of {pkey}" for t, s in found) or None
    fix = None
    if len(found) == 1:
        exact = rearrangements(operands, shapes, ctx.source, lambda s: same_shape(s, pval.shape, distinct), distinct)
        fix = (gnode, exact[0][0]) if len(exact) == 1 else None
    label = None if update or ctx.code(gnode) == gname else f"{gname} = {ctx.code(gnode)}"
    notes = [ctx.describe(gnode, label=label), ctx.describe(None, pval, label=pkey)]
    p = fmt_shape(pval.shape)
    if v == "transposed":
        msg = (f"gradient {gname} has shape {fmt_shape(gshape)}, the transpose of {pkey}'s {p}: numerator and "
               f"denominator layout mixed up (a gradient must have its parameter's shape)")
        ctx.report(TRANSPOSED, node, msg, notes, help_, fix=fix)
    else:
        what = f"the update of {pkey} subtracts" if update else f"gradient {gname} has"
        msg = f"{what} shape {fmt_shape(gshape)}, but parameter {pkey} has shape {p}"
        ctx.report(SHAPE, node, msg, notes, help_, fix=fix)
    ctx.reported_keys.add(gname)


def _subtracted(node) -> Optional[cst.BaseExpression]:
    """``P - lr * G`` -> ``lr * G``."""
    if type(node) is cst.BinaryOperation and type(node.operator) is cst.Subtract:
        return node.right
    return None


def check_assign(event, ctx) -> None:
    d = event.data
    key, value_node, val = d["key"], d["value"], d["vval"]
    if value_node is None or not isinstance(val, Array):
        return
    pair = parameter_for(key, ctx)
    if pair is None:
        return
    pkey, pval = pair
    scalar = val.shape is not None and val.shape.fixed and not val.shape.dims
    if pkey == key or not_a_gradient(value_node, pkey, scalar):
        return
    report(ctx, event.node, key, value_node, val.shape, pkey, pval)


def check_update(event, ctx) -> None:
    """``P -= lr * G`` and ``dP += term``."""
    d = event.data
    key, tval, vval, op = d["key"], d["tval"], d["vval"], d["op"]
    if key is None or d["error"] is not None or not isinstance(tval, Array) or not isinstance(vval, Array):
        return
    if op == "SubtractAssign" and tval.shape is not None and tval.shape.fixed and tval.shape.dims:
        if scan(d["value"]).names & ctx.reported_keys or not _is_step(d["value"], ctx):
            return
        term = d["value"]
        report(ctx, event.node, ctx.code(term), term, vval.shape, key, tval, update=True)
    elif op == "AddAssign":
        pair = parameter_for(key, ctx)
        if pair is not None and not not_a_gradient(d["value"], pair[0]):
            report(ctx, event.node, ctx.code(d["value"]), d["value"], vval.shape, pair[0], pair[1], update=False)


def check_rebind_update(event, ctx) -> None:
    """``P = P - lr * G``: the subtracted term must have P's shape."""
    d = event.data
    value_node = d["value"]
    if not type(value_node) is cst.BinaryOperation or key_of(value_node.left) != d["key"]:
        return
    term = _subtracted(value_node)
    pval = ctx.value_of(value_node.left)
    tval = ctx.value_of(term) if term is not None else None
    if term is None or not isinstance(pval, Array) or not isinstance(tval, Array):
        return
    if pval.shape is None or not pval.shape.fixed or not pval.shape.dims or tval.shape is None:
        return
    if scan(term).names & ctx.reported_keys or not _is_step(term, ctx):
        return
    report(ctx, event.node, ctx.code(term), term, tval.shape, d["key"], pval, update=True)


def _is_step(term, ctx) -> bool:
    """``lr * G`` (a step size times an array): an optimiser step, not ``X -= X.mean(0)``."""
    if not (type(term) is cst.BinaryOperation and type(term.operator) in (cst.Multiply, cst.Divide)):
        return False
    sides = [ctx.value_of(term.left), ctx.value_of(term.right)]
    return any(isinstance(v, Array) for v in sides) and any(not isinstance(v, Array) for v in sides)


def check(event, ctx) -> None:
    if event.kind == "assign":
        check_assign(event, ctx)
        check_rebind_update(event, ctx)
    elif event.kind == "inplace":
        check_update(event, ctx)


SHAPE = Rule(
    code="SL002",
    name="gradient-shape",
    severity="warning",
    summary="A gradient's shape differs from the shape of the parameter it belongs to.",
    events=("assign", "inplace"),
    check=check,
    doc="""
    ## What it does
    Finds gradients whose shape cannot be their parameter's. `G` is taken as the gradient of a
    parameter `P` (whose shape is known) when it is named `dP`, `d_P`, `grad_P`, `P_grad` or
    `dX_dP` with X a scalar objective (`dL_dW`, `dloss_dw0`, `dE_dw1`; `df_dy` of a vector `f` is
    a Jacobian, not a gradient), `self.dP` for `self.P`; when it is subtracted from `P` in an
    update (`P -= lr * G`, `P = P - lr * G`); and every term accumulated with `dP += term`.
    Through containers, `grads["W"]` (or `gradients`, `dparams`) belongs to `params["W"]` (or
    `parameters`, `weights`), with or without `self.`.
    Shapes that differ only by axes of size 1 (`(h,)` for a `(1, h)` bias) are accepted, and so
    is a matrix parameter's shape followed by more axes: `dA` of shape `(n, n, k)` for an
    `(n, n)` `A` holds A's derivative by each of k parameters (a Jacobian, as in GPy's
    state-space code). In a test (a `test*` function or a method of a `Test*` class) a vector's
    shape followed by more axes is accepted too: `dx` of shape `(4, 3)` for an `x` of `(4,)`
    is three directions to differentiate along. Elsewhere `(h, 2)` for an `(h,)` parameter is
    more often an outer product by mistake, and is reported.
    More axes in front are still reported: `(n, d, k)` for a `(d, k)` weight is a batch of
    per-example gradients that was never summed.
    Not gradients of `P`: differences of `P` (`np.diff(P)`, `P[1:] - P[:-1]`), written-out
    values, and products of `P` itself with a gradient or into a scalar (`grad_X =
    grad_pointwise.T @ X` is the chain rule for the weights; `grad_sd = grad @ sd` is a slope),
    and items gathered by an index array from an array that no gradient's name has, maybe
    reshaped or transposed, nothing computed (`dha = self.atomArray[idx].reshape(-1, 4, 4)`
    holds Biopython's dihedral atoms).
    Other naming conventions can be added with `gradient-patterns` in the configuration (or
    `--gradient-pattern`): regular expressions whose group `p` captures the parameter's name.

    ## Why is this bad?
    For a scalar loss, dL/dP has exactly the shape of P: an optimiser step `P -= lr * dP` needs
    it. A gradient of another shape is a wrong derivation; numpy either raises at the update or,
    worse, broadcasts it silently into a wrong step.

    ## Example
    ```python
    w1 = np.random.randn(4, 5)
    dL2_dw1 = w0 @ L0  # (5, 1), but w1 is (4, 5)
    ```

    ## Use instead
    ```python
    dL2_dw1 = G @ (w0 @ L0).T  # (4, 1) @ (1, 5) = (4, 5)
    ```
    """,
)

TRANSPOSED = Rule(
    code="SL003",
    name="gradient-transposed",
    severity="warning",
    summary="A gradient has exactly its parameter's shape reversed: a numerator/denominator layout mix-up.",
    events=(),  # reported by SL002's check, which tells the two apart
    doc="""
    ## What it does
    Reports a gradient whose shape is its parameter's shape transposed, e.g. `(1, n)` for a
    column parameter `(n, 1)`, or `(3, 5)` for a `(5, 3)` weight.

    ## Why is this bad?
    Matrix calculus has two conventions: numerator layout writes d(u^T h)/du as the row h^T,
    denominator layout as the column h. Both are right on paper; code needs the parameter's own
    shape, so mixing them gives a transposed gradient. For square parameters nothing fails, and
    the step is silently wrong.

    ## Example
    ```python
    u = np.zeros((n, 1))
    grad_u = h.T  # (1, n): numerator layout
    ```

    ## Use instead
    ```python
    grad_u = h  # (n, 1), the shape of u
    ```
    """,
)
