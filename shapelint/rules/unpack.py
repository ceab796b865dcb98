"""SL014 shape-unpack."""

from __future__ import annotations

from .base import Rule


def _count(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def check(event, ctx) -> None:
    if event.kind == "call-unpack":
        check_call(event, ctx)
        return
    d = event.data
    operand = ctx.code(d["operand"])
    rank, names, starred = d["rank"], d["names"], d["starred"]
    needed = names - 1 if starred else names  # the names that each take one size
    into = f"{_count(needed, 'name')} and a starred one" if starred else _count(needed, "name")
    problem = "too many values" if rank > needed else "not enough values"
    msg = (f"{ctx.code(d['target'])} = {operand}.shape: {operand} has {_count(rank, 'dimension')}, so its "
           f"shape cannot be unpacked into {into} (ValueError: {problem} to unpack)")
    if rank == 0:
        help_ = f"{operand} is 0-d (a scalar): it has no sizes to unpack"
    elif rank < needed:
        help_ = (f"unpack {_count(rank, 'name')}, or find where {operand} lost "
                 f"{'a dimension' if needed - rank == 1 else _count(needed - rank, 'dimension')}")
    else:
        targets = ", ".join(ctx.code(e.value) for e in d["target"].elements)
        help_ = f"unpack {_count(rank, 'name')}, or collect the others in a starred name: {targets}, *rest = ..."
    ctx.report(RULE, event.node, msg, [ctx.describe(d["operand"])], help_)


def check_call(event, ctx) -> None:
    d = event.data
    arg, rank, names, starred = ctx.code(d["argument"]), d["rank"], d["names"], d["starred"]
    needed = names - 1 if starred else names
    into = f"{_count(needed, 'name')} and a starred one" if starred else _count(needed, "name")
    problem = "too many values" if rank > needed else "not enough values"
    line = None if d["foreign"] else ctx.line(d["unpack"])
    where = f", line {line}" if line else (f", in {d['module']}" if d["module"] else ", in another file")
    msg = (f"argument {arg} of {d['function']}() has {_count(rank, 'dimension')}, but {d['function']}() unpacks "
           f"the shape of its parameter {d['param']} into {into} before anything else "
           f"(`{ctx.code(d['unpack'])}`{where}): the call raises ValueError: {problem} to unpack")
    if rank < needed:
        help_ = (f"pass {d['param']} with {_count(needed, 'dimension')}, or find where {arg} lost "
                 f"{'a dimension' if needed - rank == 1 else _count(needed - rank, 'dimension')}")
    else:
        help_ = f"pass {d['param']} with {_count(needed, 'dimension')}{' or more' if starred else ''}"
    ctx.report(RULE, event.node, msg, [ctx.describe(d["argument"], d["vval"])], help_)


RULE = Rule(
    code="SL014",
    name="shape-unpack",
    severity="error",
    summary="`n, d = X.shape` where X is known to have another number of dimensions, or a call that makes it so.",
    events=("shape-unpack", "call-unpack"),
    check=check,
    doc="""
    ## What it does
    Reports unpacking an array's `.shape` into a number of names that differs from the
    array's known number of dimensions (with a starred name, `n, *rest = X.shape`: fewer
    dimensions than the other names). A parameter whose shape comes only from its docstring,
    unpacked as it is, is not reported: docstrings are hints, and the code states the rank
    outright (mne documents 3-D epochs as `(n_channels, n_times)`); from there on it has that
    many dimensions. `--trust-docstrings` reports it.

    A call is reported too, at the argument, where a function of the checked files opens with
    such an unpacking of a documented parameter (among the simple statements before its first
    branch, return or raise, before the parameter is bound again) and the argument has another
    known number of dimensions: every call runs that line, so the call raises there. The body
    says the rank, so this holds whatever the docstring says; an argument whose shape comes
    only from the caller's own docstring is not reported (without `--trust-docstrings`).
    An undocumented parameter takes the shapes of its calls, and the body is reported instead.

    ## Why is this bad?
    `X.shape` is a plain tuple: `n, d = np.zeros(5).shape` raises `ValueError: not enough
    values to unpack (expected 2, got 1)`. It usually means the array is not what the code
    thinks it is: a vector where a matrix was meant, or a batch axis that was added or dropped
    on the way.

    ## Example
    ```python
    y = np.zeros(n_samples)
    n, k = y.shape
    ```

    ## Use instead
    ```python
    (n,) = y.shape          # or: n = y.shape[0]
    Y = y.reshape(-1, 1)    # if a column was meant: (n_samples, 1)
    n, k = Y.shape
    ```
    """,
)
