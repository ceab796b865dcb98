"""SL000 reveal-shape, SL900 syntax-error, SL999 internal-error: findings about the run itself."""

from __future__ import annotations

from ..shapes import fmt_shape
from ..values import shape_of
from .base import Rule


def check_reveal(event, ctx) -> None:
    arg = event.data["arg"]
    ctx.report(REVEAL, event.node, ctx.describe(arg, event.data["vval"]))


def check_internal(event, ctx) -> None:
    notes = [event.data["traceback"]] if ctx.settings.verbose and event.data.get("traceback") else []
    name = getattr(getattr(event.node, "name", None), "value", "")
    msg = f"shapelint failed on {name}(): {event.data['exc']}; the rest of the file was checked"
    ctx.report(INTERNAL, event.node, msg, notes)


REVEAL = Rule(
    code="SL000",
    name="reveal-shape",
    severity="note",
    summary="`reveal_shape(x)` prints the shape shapelint inferred for `x` and where it came from.",
    events=("reveal",),
    check=check_reveal,
    doc="""
    ## What it does
    For each call `reveal_shape(expr)` in checked code, reports the shape inferred for `expr`.
    The call is never executed; define `reveal_shape = lambda x: x` if the code must also run.

    ## Why is this bad?
    It is not: it is a debugging aid for annotations, like mypy's `reveal_type`. Remove it when done.

    ## Example
    ```python
    h = W @ x
    reveal_shape(h)  # note: h: (hidden, 1) from W @ x, line 3
    ```

    ## Use instead
    Remove the call once the shape is what you expect.
    """,
)

SYNTAX = Rule(
    code="SL900",
    name="syntax-error",
    severity="error",
    summary="The file is not valid Python (or cannot be read); the other files are still checked.",
    doc="""
    ## What it does
    Reports files that cannot be parsed or decoded, with the position and the parser's message.

    ## Why is this bad?
    A file that does not parse cannot be checked at all; shapelint says so instead of silently
    skipping it.

    ## Example
    ```python
    def f(x)
        return x
    ```

    ## Use instead
    ```python
    def f(x):
        return x
    ```
    """,
)

INTERNAL = Rule(
    code="SL999",
    name="internal-error",
    severity="error",
    summary="shapelint itself failed on a function or file; the rest was still checked.",
    events=("internal",),
    check=check_internal,
    doc="""
    ## What it does
    Reports a failure of the analyser (a bug in shapelint) as a finding on the function or file
    where it happened, instead of crashing the run. `--verbose` adds the traceback.

    ## Why is this bad?
    It is shapelint's fault, not your code's. Please report it with the snippet.

    ## Example
    (none: any code that makes shapelint fail)

    ## Use instead
    Suppress it on that line with `# shapelint: ignore[SL999]` until fixed.
    """,
)

__all__ = ["REVEAL", "SYNTAX", "INTERNAL", "fmt_shape", "shape_of"]
