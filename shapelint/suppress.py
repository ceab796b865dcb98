"""Inline suppression comments.

A finding is dropped when the physical line it starts on carries one of::

    # shapelint: ignore                 every code
    # shapelint: ignore[SL001]          only these codes
    # shapelint: ignore[SL001, SL002]
    # noqa                              every code (as in flake8)
    # noqa: SL001                       only these codes
    # noqa:SL001,SL002

Keywords are case-insensitive; codes are matched exactly (not as prefixes), ignoring case.
The comment is found with a regular expression on the physical line, so a ``# noqa`` inside a
string literal on that line counts too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .diagnostics import Diagnostic

__all__ = ["filter_suppressed", "suppressed_codes", "directives", "Directive", "ALL"]

_CODE = r"[A-Za-z]+[0-9]+"

_SUPPRESS = re.compile(
    r"#\s*(?:"
    r"shapelint\s*:\s*ignore\b(?:\[(?P<ignore>[^\]]*)\])?"
    r"|"
    # flake8's syntax: "# noqa", "# noqa:CODE", "# noqa: CODE1,CODE2" (commas and/or spaces).
    r"noqa\b(?::\s*(?P<noqa>" + _CODE + r"(?:[,\s]+" + _CODE + r")*))?"
    r")",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[,\s]+")

ALL = frozenset({"*"})  # marker returned by suppressed_codes: every code is suppressed


def suppressed_codes(line: str) -> Optional[frozenset[str]]:
    """The codes suppressed on one physical line: None for none, ``ALL`` for all, else the codes."""
    if "#" not in line:
        return None
    codes: set[str] = set()
    matched = False
    for m in _SUPPRESS.finditer(line):
        matched = True
        listed = m.group("ignore") if m.group("ignore") is not None else m.group("noqa")
        names = [c.upper() for c in _SPLIT.split(listed or "") if c]
        if not names:  # bare "# noqa", "# shapelint: ignore" or "# shapelint: ignore[]"
            return ALL
        codes.update(names)
    return frozenset(codes) if matched else None


@dataclass(frozen=True)
class Directive:
    """One suppression comment on a line: where it is and what it lists.

    ``start``/``end`` are 0-based character offsets of the directive in the line (from its ``#``
    to the end of its code list); ``codes`` is None for a bare directive (every code), else the
    listed codes as written (upper-cased); ``spans`` are their offsets.
    """

    kind: str  # "shapelint" or "noqa"
    start: int
    end: int
    codes: Optional[tuple[str, ...]]
    spans: tuple[tuple[int, int], ...] = ()
    list_span: Optional[tuple[int, int]] = None  # the listed codes, from the first to the last


def directives(line: str) -> list[Directive]:
    """Every suppression comment on one physical line, as ``suppressed_codes`` reads them."""
    if "#" not in line:
        return []
    out = []
    for m in _SUPPRESS.finditer(line):
        kind = "noqa" if m.group(0)[1:].lstrip()[:4].lower() == "noqa" else "shapelint"
        group = "ignore" if kind == "shapelint" else "noqa"
        listed = m.group(group)
        if listed is None or not _SPLIT.sub("", listed):
            out.append(Directive(kind, m.start(), m.end(), None))
            continue
        base = m.start(group)
        spans = tuple((base + c.start(), base + c.end()) for c in re.finditer(r"[^,\s]+", listed))
        codes = tuple(line[a:b].upper() for a, b in spans)
        out.append(Directive(kind, m.start(), m.end(), codes, spans, (spans[0][0], spans[-1][1])))
    return out


def filter_suppressed(diagnostics: Iterable[Diagnostic], source_lines: list[str]) -> list[Diagnostic]:
    """Drop the diagnostics whose first line carries a suppression comment for their code.

    ``source_lines[n - 1]`` is line ``n`` of the file (see ``shapelint.files.split_lines``).
    Diagnostics whose line is out of range are kept.
    """
    cache: dict[int, Optional[frozenset[str]]] = {}
    kept = []
    for d in diagnostics:
        if d.line not in cache:
            cache[d.line] = suppressed_codes(source_lines[d.line - 1]) if 1 <= d.line <= len(source_lines) else None
        codes = cache[d.line]
        if codes is None or (codes is not ALL and d.code.upper() not in codes):
            kept.append(d)
    return kept
