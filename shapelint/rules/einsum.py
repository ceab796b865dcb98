"""SL011 einsum-mismatch."""

from __future__ import annotations

from typing import Optional

from ..shapes import fmt_dim, fmt_shape, ops
from ..shapes.errors import EinsumError
from ..sources.literals import string_value
from .base import Rule


def _terms(sub: str) -> tuple[list[str], Optional[str]]:
    inputs, _, output = sub.partition("->")
    return [t.replace(" ", "") for t in inputs.split(",")], (output.replace(" ", "") if "->" in sub else None)


def check(event, ctx) -> None:
    d = event.data
    positional = [a.value for a in event.node.args if a.keyword is None and not a.star]
    if event.kind == "einsum-literal":
        # the interpreter does not evaluate strings: read the literal here and run the same check
        sub = string_value(d.get("operand"))
        if sub is None:
            return
        try:
            ops.einsum(sub, d["shapes"], ctx.settings.distinct_symbols, d.get("any_labels", False))
        except EinsumError as exc:
            report(exc, event.node, positional[1:], list(d["values"]), ctx)
        return
    report(d["error"], event.node, positional[1:], list(d["values"])[1:], ctx)


def report(err: EinsumError, node, operand_nodes: list, values: list, ctx) -> None:
    expr = ctx.code(node)
    sub = err.subscripts
    terms, output = _terms(sub)

    def name(i: Optional[int]) -> str:
        if i is not None and i < len(operand_nodes):
            return ctx.code(operand_nodes[i])
        return f"operand {i}"

    def shape(i: Optional[int]) -> str:
        return fmt_shape(err.shapes[i]) if i is not None and i < len(err.shapes) else "unknown"

    def term(i: Optional[int]) -> str:
        return repr(terms[i]) if i is not None and i < len(terms) else "?"

    r = err.reason
    if r == "syntax":
        msg = f"{expr}: the subscripts {sub!r} cannot be read: {err.detail}"
    elif r == "operands":
        msg = (f"{expr}: the subscripts {sub!r} name {len(terms)} operand{'s' if len(terms) != 1 else ''}, "
               f"but {len(err.shapes)} {'are' if len(err.shapes) != 1 else 'is'} given")
    elif r == "rank":
        s = err.shapes[err.operand] if err.operand is not None else None
        letters = len(terms[err.operand].replace("...", "")) if err.operand is not None else 0
        nd = (f"{len(s.dims)} dimensions" if s is not None and s.fixed else
              f"at least {len(s.dims)} dimensions" if s is not None else "more dimensions")
        if "..." in terms[err.operand if err.operand is not None else 0]:
            msg = f"{expr}: {name(err.operand)} has {nd}, fewer than the {letters} letters of {term(err.operand)}"
        else:
            msg = (f"{expr}: {name(err.operand)} has {nd}, but its subscripts {term(err.operand)} name "
                   f"{letters} (and have no '...')")
    elif r == "diagonal":
        msg = (f"{expr}: '{err.letter}' repeats in {term(err.operand)}, so {name(err.operand)} "
               f"{shape(err.operand)} must have equal sizes there ({fmt_dim(err.dims[0])} != {fmt_dim(err.dims[1])})")
    elif r == "size":
        msg = (f"{expr}: '{err.letter}' is {fmt_dim(err.dims[0])} in {name(err.other)} {shape(err.other)} "
               f"(subscripts {term(err.other)}) but {fmt_dim(err.dims[1])} in {name(err.operand)} "
               f"{shape(err.operand)} (subscripts {term(err.operand)})")
    elif r == "output":
        msg = f"{expr}: the output subscript '{err.letter}' {err.detail} of {sub!r}"
    else:
        dims = [fmt_dim(x) for x in err.dims if x is not None]
        clash = f": {' vs '.join(dims)}" if len(dims) >= 2 else ""
        msg = f"{expr}: {err.detail} in {sub!r}{clash}"
    notes = []
    for i in ([err.other, err.operand] if r == "size" else [err.operand] if err.operand is not None
              else range(len(operand_nodes))):
        if i is not None and i < len(operand_nodes):
            notes.append(ctx.describe(operand_nodes[i], values[i] if i < len(values) else None))
    ctx.report(RULE, node, msg, notes)


RULE = Rule(
    code="SL011",
    name="einsum-mismatch",
    severity="error",
    summary="`np.einsum` subscripts that do not fit the operands: a wrong number of operands or of "
            "indices, or one index with two sizes.",
    events=("einsum", "einsum-literal"),
    check=check,
    doc="""
    ## What it does
    Reads the subscripts string of `np.einsum("ij,jk->ik", A, B)` (a literal) and checks it
    against the operands: one comma-separated term per operand, one letter per dimension (or a
    `...` for the rest), the same letter with the same size on every operand (a size 1 broadcasts,
    as numpy allows), a letter repeated on one operand (a diagonal) with equal sizes, and output
    letters that appear in the inputs, once each. Both explicit (`->`) and implicit outputs are
    understood; the interleaved form `np.einsum(A, [0, 1], B, [1, 2])` is not checked.
    `jnp.einsum` reads its subscripts through opt_einsum, which takes any character as an index
    (flax writes `'...kh1d'`): there a digit is an index, not an error.

    ## Why is this bad?
    numpy raises `ValueError: operands could not be broadcast together with remapped shapes`,
    `einstein sum subscripts string contains too many subscripts for operand 0`, or `more
    operands provided to einstein sum function than specified in the subscripts string`. In
    hand-written attention or bilinear layers it usually means two letters are swapped.

    ## Example
    ```python
    Q = np.random.randn(n, d)
    K = np.random.randn(m, d)
    scores = np.einsum("nd,dm->nm", Q, K)  # 'd' is d in Q but m in K
    ```

    ## Use instead
    ```python
    scores = np.einsum("nd,md->nm", Q, K)  # (n, m)
    ```
    """,
)
