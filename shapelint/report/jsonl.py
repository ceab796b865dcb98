"""The JSON Lines reporter: one compact JSON object per line, the objects of the json format.

Sorted by path, line and column; nothing else is printed, so ``shapelint --format json-lines``
can be piped into ``jq -c`` or read line by line while it streams.  No findings: no output.
"""

from __future__ import annotations

import json as _json
from typing import Iterable, Optional

from ..diagnostics import Diagnostic
from . import Sources


def render(
    diagnostics: Iterable[Diagnostic],
    sources: Optional[Sources] = None,
    color: bool = False,
    **_options: object,
) -> str:
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    return "".join(_json.dumps(d.to_json(), ensure_ascii=False) + "\n" for d in ordered)
