"""The concise reporter: one line per finding, then the summary (``-q``: no summary).

    src/model.py:7:5: SL001 [error] [*] message

``[*]`` marks a finding ``--fix`` can fix.  The line is the first line of the text format.
"""

from __future__ import annotations

from typing import Iterable, Optional

from ..diagnostics import Diagnostic
from . import Sources
from .text import _Style, fixable_line, header, summary


def render(
    diagnostics: Iterable[Diagnostic],
    sources: Optional[Sources] = None,
    color: bool = False,
    *,
    quiet: bool = False,
    files_checked: Optional[int] = None,
    **_options: object,
) -> str:
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    style = _Style(color)
    out = [header(d, style) for d in ordered]
    if not quiet:
        out.append(style(summary(ordered, files_checked), bold=True))
        fixable = fixable_line(ordered)
        if fixable:
            out.append(fixable)
    return "".join(line + "\n" for line in out)
