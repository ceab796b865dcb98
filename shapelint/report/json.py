"""The JSON reporter: a contract for programs.

A JSON list of ``Diagnostic.to_json()`` objects (keys in that order), sorted by path, line and
column, indented by two spaces, ending with a newline.  No summary, no colour.
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
    return _json.dumps([d.to_json() for d in ordered], indent=2) + "\n"
