"""SL901 unused-suppression, and the step that applies suppressions to a file's findings.

``apply`` runs at the end of ``engine.check_source``: it drops the findings that
``per-file-ignores`` or a suppression comment silences, and reports each shapelint suppression
that silenced nothing, so that suppressions do not outlive the findings they were written for.

A suppression is reported only when shapelint can be sure it is unused:

- bare ``# noqa`` and codes of other tools (``# noqa: E501``) are never reported: other tools
  read them;
- a listed code whose rule is not enabled for the file (``--select``, ``ignore``,
  ``per-file-ignores``) is not reported, nor a bare ``# shapelint: ignore`` while any rule is
  turned off: the finding it is meant for might just not have been looked for;
- nothing is reported for a file where shapelint failed (SL999), whose findings are incomplete;
- only real comments count, not the same text inside a string literal.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Optional

from ..config import Settings
from ..diagnostics import Diagnostic, Fix
from ..files import split_lines
from ..suppress import Directive, directives
from .base import Rule

OURS = re.compile(r"^SL[0-9]+$")


def _known_codes() -> set[str]:
    from . import BY_CODE

    return set(BY_CODE)


def _comment_starts(source: str) -> Optional[set[tuple[int, int]]]:
    """(line, column) of every ``#`` that starts a real comment; None if tokenizing fails."""
    starts: set[tuple[int, int]] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source, newline=None).readline):
            if tok.type == tokenize.COMMENT:
                starts.add(tok.start)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return starts


def _in_comment(line_no: int, start: int, comments: set[tuple[int, int]], line: str) -> bool:
    """The directive at ``start`` lies in the comment that starts at some ``#`` before it."""
    return any(ln == line_no and col <= start and "\n" not in line[col:start] for ln, col in comments)


def _removal(line_no: int, line: str, dv: Directive, unused: list[str]) -> Fix:
    """The edit that removes the unused codes, or the whole directive when nothing is left."""
    kept = [line[a:b] for (a, b), code in zip(dv.spans, dv.codes or ()) if code not in unused]
    if kept and dv.list_span is not None:
        a, b = dv.list_span
        return Fix(line_no, a + 1, line_no, b + 1, ", ".join(kept))
    text = line.rstrip("\r\n")
    rest = text[dv.end:]
    if not rest.strip():  # the directive ends the line: remove it and the blanks before it
        start = len(text[: dv.start].rstrip())
        return Fix(line_no, start + 1, line_no, len(text) + 1, "")
    if rest.lstrip().startswith("#"):  # another comment follows: remove up to it
        end = dv.end + (len(rest) - len(rest.lstrip()))
        return Fix(line_no, dv.start + 1, line_no, end + 1, "")
    # more words of the same comment follow ("# noqa: SL001 because ..."): keep them a comment
    return Fix(line_no, dv.start + 1, line_no, dv.end + 1, "#")


def _unused_finding(path: str, line_no: int, line: str, dv: Directive, unused: list[str],
                    unknown: list[str]) -> Diagnostic:
    text = line[dv.start:dv.end]
    if dv.codes is None:
        message = f"unused suppression comment `{text}`: no finding on this line"
        help_ = "remove it"
    else:
        parts = []
        missing = [c for c in unused if c not in unknown]
        if missing:
            parts.append(f"no {' or '.join(missing)} finding on this line")
        for c in unknown:
            parts.append(f"{c} is not a shapelint rule")
        message = f"unused suppression comment `{text}`: {'; '.join(parts)}"
        help_ = "remove it" if len(unused) == len(dv.codes) else f"remove {', '.join(unused)} from it"
    return Diagnostic(path, line_no, dv.start + 1, line_no, dv.end + 1, RULE.code, RULE.name, RULE.severity,
                      message, (), help_, _removal(line_no, line, dv, unused))


def apply(path: str, source: str, found: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """``found`` without what per-file-ignores and suppression comments silence, plus SL901."""
    off = settings.ignored_in(path)
    if off:
        found = [d for d in found if not any(d.code.startswith(p) for p in off)]
    lines = split_lines(source)
    parsed: dict[int, list[Directive]] = {}

    def on(line_no: int) -> list[Directive]:
        if line_no not in parsed:
            parsed[line_no] = directives(lines[line_no - 1]) if 1 <= line_no <= len(lines) else []
        return parsed[line_no]

    used: set[tuple[int, int, Optional[str]]] = set()
    kept = []
    for d in found:
        silenced = False
        for k, dv in enumerate(on(d.line)):
            if dv.codes is None:
                used.add((d.line, k, None))
                silenced = True
            elif d.code.upper() in dv.codes:
                used.add((d.line, k, d.code.upper()))
                silenced = True
        if not silenced:
            kept.append(d)

    if not settings.enabled_for(path, RULE.code) or any(d.code == "SL999" for d in found):
        return kept
    lowered = source.lower()
    if "noqa" not in lowered and "shapelint" not in lowered:
        return kept
    known = _known_codes()
    all_enabled = all(settings.enabled_for(path, c) for c in known if c != RULE.code)

    candidates = []  # (line_no, k, directive, unused codes, unknown codes)
    for line_no, line in enumerate(lines, 1):
        if "#" not in line:
            continue
        for k, dv in enumerate(on(line_no)):
            if dv.codes is None:
                if dv.kind == "shapelint" and all_enabled and (line_no, k, None) not in used:
                    candidates.append((line_no, k, dv, [], []))
                continue
            unused, unknown = [], []
            for code in dict.fromkeys(dv.codes):
                if not OURS.match(code) or code == RULE.code:
                    continue
                if code not in known:
                    unused.append(code)
                    unknown.append(code)
                elif settings.enabled_for(path, code) and (line_no, k, code) not in used:
                    unused.append(code)
            if unused:
                candidates.append((line_no, k, dv, unused, unknown))
    if not candidates:
        return kept
    comments = _comment_starts(source)
    if comments is None:
        return kept
    for line_no, k, dv, unused, unknown in candidates:
        line = lines[line_no - 1]
        if not _in_comment(line_no, dv.start, comments, line):
            continue
        # SL901 itself is silenced by a directive that lists it, or by another bare directive
        if any(RULE.code in (other.codes or ()) or (other.codes is None and j != k)
               for j, other in enumerate(on(line_no))):
            continue
        kept.append(_unused_finding(path, line_no, line, dv, unused, unknown))
    return kept


RULE = Rule(
    code="SL901",
    name="unused-suppression",
    severity="warning",
    summary="A `# shapelint: ignore[...]` or `# noqa: SL...` comment that suppresses nothing.",
    doc="""
    ## What it does
    Reports suppression comments that no longer suppress anything: a code listed in
    `# shapelint: ignore[...]` or `# noqa: ...` with no such finding on that line, a code that is
    not a shapelint rule, or a bare `# shapelint: ignore` on a line without findings. `--fix`
    removes the unused codes (or the whole comment).

    Only what shapelint can be sure of is reported: a bare `# noqa` and other tools' codes
    (`# noqa: E501`) are left alone, and so are codes of rules that are not enabled for the file
    (by `--select`, `ignore` or `per-file-ignores`). A comment that lists `SL901` itself is kept.

    ## Why is this bad?
    A suppression outlives the finding it was written for: the code gets fixed or moved, the
    comment stays, and later hides a new, real error on that line. Suppressions that rot also
    stop telling readers anything.

    ## Example
    ```python
    h = W @ x  # shapelint: ignore[SL001]  (the product is fine now)
    ```

    ## Use instead
    ```python
    h = W @ x
    ```
    """,
)

__all__ = ["RULE", "apply"]
