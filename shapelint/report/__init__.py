"""Reporters: turn diagnostics into text for people, or JSON, SARIF, GitHub annotations for programs.

Every reporter module has ``render(diagnostics, sources, color, **options) -> str``.
``sources`` maps a path to the file's lines (``lines[n - 1]`` is line ``n``), or is a callable
``path -> lines | None``; it is only used to show source snippets.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Sequence, Union

from ..diagnostics import Diagnostic

Sources = Union[Mapping[str, Sequence[str]], Callable[[str], Optional[Sequence[str]]]]

FORMATS = ("text", "concise", "json", "json-lines", "github", "sarif")

_MODULES = {"text": "text", "concise": "concise", "json": "json", "json-lines": "jsonl", "github": "github",
            "sarif": "sarif"}


def get_renderer(fmt: str) -> Callable[..., str]:
    """The ``render`` function of the reporter called ``fmt`` (one of FORMATS)."""
    module = _MODULES.get(fmt)
    if module is None:
        raise ValueError(f"unknown output format: {fmt!r}")
    import importlib

    return importlib.import_module(f"{__name__}.{module}").render


def counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """How many findings of each severity."""
    out = {"error": 0, "warning": 0, "note": 0}
    for d in diagnostics:
        out[d.severity] = out.get(d.severity, 0) + 1
    return out


__all__ = ["FORMATS", "Sources", "get_renderer", "counts"]
