"""SL100 bad-annotation."""

from __future__ import annotations

from .base import Rule


def check(event, ctx) -> None:
    where = f" (in {event.data['function']}())" if event.data.get("function") else ""
    if event.data.get("cls"):
        where = f" (in the Attributes of class {event.data['cls']})"
    ctx.report(RULE, event.node, f"shape declaration cannot be read{where}: {event.data['message']}")


RULE = Rule(
    code="SL100",
    name="bad-annotation",
    severity="warning",
    summary="A shape annotation, docstring shape or shape comment names a shape that cannot be read.",
    events=("bad-annotation",),
    check=check,
    doc="""
    ## What it does
    Reports shape declarations shapelint recognises as shapes but cannot read: a jaxtyping
    string with an unreadable dimension, two variadic dimensions, an nptyping `Shape[...]` that
    does not parse, a docstring `shape (...)` (of a parameter, a return, or an attribute in the
    Attributes section of a class docstring) or `# shape: (...)` comment with an unreadable size.
    It says what was wrong.

    A size that is arithmetic no polynomial holds (`2**n`, `n // 3`, `min(m, n)`) is read, as one
    size equal only to itself. A course-style bullet (`- x: ... of shape (N, D)`) declares a
    shape only when it names a parameter or is under Returns: a bullet list in prose
    (`- shape: node shape (box, circle, etc.)`) is not reported.

    ## Why is this bad?
    An unreadable declaration checks nothing: shapelint treats that value as unknown, so every
    bug involving it goes unreported, silently.

    ## Example
    ```python
    def f(x: Float[np.ndarray, "n d!"]): ...
    X = np.load(path)  # shape: (n, d, ?!)
    ```

    ## Use instead
    ```python
    def f(x: Float[np.ndarray, "n d"]): ...
    X = np.load(path)  # shape: (n, d)
    ```
    """,
)
