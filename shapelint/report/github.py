"""The GitHub Actions reporter: workflow commands that annotate the pull request.

One line per finding::

    ::error title=shapelint SL001 (matmul-mismatch),file=src/model.py,line=7,col=5,endLine=7,endColumn=9::...

``error`` and ``warning`` findings become error and warning annotations, notes become
``notice``.  The message carries the notes and the suggestion on further lines (encoded as
``%0A``, as GitHub's workflow commands require).  Paths are printed as given: run shapelint from
the repository root (the default working directory of a workflow step) so they resolve.
"""

from __future__ import annotations

from typing import Iterable, Optional

from ..diagnostics import Diagnostic
from . import Sources

LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(d: Diagnostic) -> str:
    props = {
        "title": f"shapelint {d.code} ({d.name})",
        "file": d.path.replace("\\", "/"),
        "line": str(d.line),
        "col": str(d.column),
        "endLine": str(d.end_line),
        # GitHub's endColumn is inclusive; ours is exclusive
        "endColumn": str(max(d.end_column - 1, d.column) if d.end_line == d.line else d.end_column),
    }
    body = [f"{d.code} {d.message}"]
    body += [f"note: {n}" for n in d.notes]
    if d.suggestion:
        body.append(f"help: {d.suggestion}")
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{LEVEL.get(d.severity, 'warning')} {head}::{escape_data(chr(10).join(body))}"


def render(
    diagnostics: Iterable[Diagnostic],
    sources: Optional[Sources] = None,
    color: bool = False,
    **_options: object,
) -> str:
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    return "".join(command(d) + "\n" for d in ordered)
