"""``--statistics``: how many findings of each code, most frequent first.

Text::

    3  SL001  [*] matmul-mismatch
    1  SL006      broadcast-outer

``[*]`` marks codes with fixable findings.  With ``--format json``: a JSON array of
``{"code", "name", "count", "fixable"}`` objects in the same order.
"""

from __future__ import annotations

import json as _json
from collections import Counter
from typing import Iterable

from ..diagnostics import Diagnostic
from .text import FIXABLE


def rows(diagnostics: Iterable[Diagnostic]) -> list[dict]:
    diagnostics = list(diagnostics)
    count = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = Counter(d.code for d in diagnostics if d.fix is not None)
    order = sorted(count, key=lambda c: (-count[c], c))
    return [{"code": c, "name": names[c], "count": count[c], "fixable": fixable[c]} for c in order]


def render(diagnostics: Iterable[Diagnostic], fmt: str = "text") -> str:
    table = rows(diagnostics)
    if fmt == "json":
        return _json.dumps(table, indent=2) + "\n"
    if not table:
        return ""
    width = max(len(str(r["count"])) for r in table)
    code_width = max(len(r["code"]) for r in table)
    any_fixable = any(r["fixable"] for r in table)
    out = []
    for r in table:
        mark = (FIXABLE + " " if r["fixable"] else " " * (len(FIXABLE) + 1)) if any_fixable else ""
        out.append(f"{str(r['count']).rjust(width)}  {r['code'].ljust(code_width)}  {mark}{r['name']}")
    return "\n".join(out) + "\n"
