"""Reporters: turn diagnostics into text for people or JSON for programs.

Every reporter module has ``render(diagnostics, sources, color, **options) -> str``.
``sources`` maps a path to the file's lines (``lines[n - 1]`` is line ``n``), or is a callable
``path -> lines | None``; it is only used to show source snippets.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Sequence, Union

from ..diagnostics import Diagnostic

Sources = Union[Mapping[str, Sequence[str]], Callable[[str], Optional[Sequence[str]]]]

FORMATS = ("text", "json")


def get_renderer(fmt: str) -> Callable[..., str]:
    """The ``render`` function of the reporter called ``fmt`` ("text" or "json")."""
    if fmt == "text":
        from . import text

        return text.render
    if fmt == "json":
        from . import json

        return json.render
    raise ValueError(f"unknown output format: {fmt!r}")


def counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """How many findings of each severity."""
    out = {"error": 0, "warning": 0, "note": 0}
    for d in diagnostics:
        out[d.severity] = out.get(d.severity, 0) + 1
    return out


__all__ = ["FORMATS", "Sources", "get_renderer", "counts"]
