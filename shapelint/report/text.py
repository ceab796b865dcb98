"""The text reporter: for people reading a terminal.

One block per finding, blocks separated by a blank line, then a summary::

    src/model.py:7:5: SL001 [error] message
      7 | y = a @ b
        |     ^^^^^
      = note: a note
      = help: the suggestion

    Found 1 error, 0 warnings in 1 file.

With ``quiet=True`` only the first line of each finding is printed, and no summary.
A finding that ``--fix`` can fix is marked ``[*]`` after its severity, and the summary says
how many there are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Iterable, Optional, Sequence

import click

from ..diagnostics import Diagnostic
from . import Sources, counts

TAB_SIZE = 4
# Control characters in a source line are shown as their Unicode pictures (NUL as U+2400...), one column
# each as before: a checked file must not send escape sequences to the terminal or the CI log.
_VISIBLE = {c: 0x2400 + c for c in range(32)} | {0x7F: 0x2421}

_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "note": "cyan"}
FIXABLE = "[*]"  # marks a finding that --fix can fix, as ruff does


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _display_width(text: str) -> int:
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, **kw: object) -> str:
        return click.style(text, **kw) if self.color else text


def _source_lines(sources: Optional[Sources], path: str, cache: dict) -> Optional[Sequence[str]]:
    if sources is None:
        return None
    if isinstance(sources, Mapping):
        return sources.get(path)
    if path not in cache:
        from ..files import SourceError

        try:
            cache[path] = sources(path)
        except (SourceError, OSError, UnicodeError):
            cache[path] = None
    return cache[path]


def _snippet(d: Diagnostic, lines: Optional[Sequence[str]], style: _Style) -> list[str]:
    if lines is None or not 1 <= d.line <= len(lines):
        return []
    raw = lines[d.line - 1].rstrip("\r\n")
    shown = raw.expandtabs(TAB_SIZE).rstrip().translate(_VISIBLE)
    start = min(max(d.column - 1, 0), len(raw))
    if d.end_line == d.line:
        end = d.end_column - 1
    else:  # a multi-line span: underline to the end of its first line
        end = len(raw.rstrip())
    end = min(max(end, start), len(raw))
    # expandtabs works on positions from the start of the line, so prefixes expand consistently.
    pad = _display_width(raw[:start].expandtabs(TAB_SIZE))
    carets = max(1, _display_width(raw[:end].expandtabs(TAB_SIZE)) - pad)

    number = str(d.line)
    gutter = style(f"  {number} |", fg="blue", bold=True)
    blank_gutter = style(f"  {' ' * len(number)} |", fg="blue", bold=True)
    caret_color = _SEVERITY_COLOR.get(d.severity)
    return [
        f"{gutter} {shown}" if shown else gutter,
        f"{blank_gutter} {' ' * pad}{style('^' * carets, fg=caret_color, bold=True)}",
    ]


def _labelled(label: str, text: str, style: _Style, fg: str) -> list[str]:
    head = f"  = {label}: "
    body = text.split("\n")
    out = [style(f"  = {label}:", fg=fg, bold=True) + " " + body[0]]
    out.extend(" " * len(head) + line for line in body[1:])
    return out


def header(d: Diagnostic, style: Optional[_Style] = None) -> str:
    """The first line of a finding: ``path:line:col: CODE [severity] message``."""
    style = style or _Style(False)
    color = _SEVERITY_COLOR.get(d.severity)
    mark = f" {style(FIXABLE, fg='green', bold=True)}" if d.fix is not None else ""
    return (
        f"{style(f'{d.path}:{d.line}:{d.column}:', bold=True)} "
        f"{style(d.code, fg=color, bold=True)} {style(f'[{d.severity}]', fg=color)}{mark} {d.message}"
    )


def fixable_line(diagnostics: Sequence[Diagnostic]) -> str:
    """``[*] 2 fixable with the --fix option.``, or "" when nothing is fixable."""
    n = sum(1 for d in diagnostics if d.fix is not None)
    return f"{FIXABLE} {n} fixable with the --fix option." if n else ""


def summary(diagnostics: Sequence[Diagnostic], files_checked: Optional[int] = None) -> str:
    """``Found N errors, M warnings in K files.`` (K: files with findings), or the all-clear line."""
    if not diagnostics:
        return f"All checked: no findings in {_plural(files_checked or 0, 'file')}."
    n = counts(diagnostics)
    parts = [_plural(n["error"], "error"), _plural(n["warning"], "warning")]
    if n["note"]:
        parts.append(_plural(n["note"], "note"))
    files = len({d.path for d in diagnostics})
    return f"Found {', '.join(parts)} in {_plural(files, 'file')}."


def render(
    diagnostics: Iterable[Diagnostic],
    sources: Optional[Sources] = None,
    color: bool = False,
    *,
    quiet: bool = False,
    files_checked: Optional[int] = None,
    **_options: object,
) -> str:
    """Render findings for a terminal.  The result ends with a newline unless it is empty."""
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    style = _Style(color)
    if quiet:
        return "".join(header(d, style) + "\n" for d in ordered)

    cache: dict = {}
    blocks = []
    for d in ordered:
        lines = [header(d, style)]
        lines += _snippet(d, _source_lines(sources, d.path, cache), style)
        for note in d.notes:
            lines += _labelled("note", note, style, "cyan")
        if d.suggestion:
            lines += _labelled("help", d.suggestion, style, "green")
        blocks.append("\n".join(lines))
    closing = style(summary(ordered, files_checked), bold=True)
    fixable = fixable_line(ordered)
    blocks.append(closing + ("\n" + fixable if fixable else ""))
    return "\n\n".join(blocks) + "\n"
