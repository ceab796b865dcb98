"""The SARIF reporter: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).

One run with the tool's rules (id, name, summary, documentation, default level) and one result
per finding: rule, level (``error``/``warning``/``note``), message (with the notes and the
suggestion), the region (lines and columns 1-based, end column exclusive, columns counted in
Unicode code points) and, for fixable findings, the fix as a replacement.  Relative paths are
relative to ``%SRCROOT%``, the directory shapelint ran in.  Validated against the OASIS schema
in the tests.
"""

from __future__ import annotations

import json as _json
import os
import pathlib
import urllib.parse
from typing import Iterable, Optional, Sequence

from .. import __version__
from ..diagnostics import Diagnostic, Fix
from . import Sources

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


def _location(path: str) -> dict:
    if os.path.isabs(path):
        return {"uri": pathlib.Path(path).as_uri()}
    return {"uri": urllib.parse.quote(path.replace(os.sep, "/"), safe="/"), "uriBaseId": SRCROOT}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    end_line = max(end_line, line)
    if end_line == line:
        end_column = max(end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": max(end_column, 1)}


def _fix(d: Diagnostic, fix: Fix) -> dict:
    return {
        "description": {"text": f"Replace with {fix.replacement!r}" if fix.replacement else "Delete"},
        "artifactChanges": [{
            "artifactLocation": _location(d.path),
            "replacements": [{
                "deletedRegion": _region(fix.line, fix.column, fix.end_line, fix.end_column),
                "insertedContent": {"text": fix.replacement},
            }],
        }],
    }


def _first_paragraph(doc: str, heading: str = "## What it does") -> str:
    text = doc.split(heading, 1)[1] if heading in doc else doc
    paragraph = text.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _rule(rule) -> dict:
    doc = rule.documentation()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(doc) or rule.summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": rule.severity if rule.severity in ("error", "warning", "note") else "warning"},
        "properties": {"tags": ["numpy", "shapes"]},
    }


def _message(d: Diagnostic) -> str:
    lines = [d.message] + [f"note: {n}" for n in d.notes]
    if d.suggestion:
        lines.append(f"help: {d.suggestion}")
    return "\n".join(lines)


def render(
    diagnostics: Iterable[Diagnostic],
    sources: Optional[Sources] = None,
    color: bool = False,
    *,
    rules: Optional[Sequence] = None,
    errors: Sequence[str] = (),
    root: Optional[str] = None,
    **_options: object,
) -> str:
    if rules is None:
        from ..rules import ALL_RULES as rules
    rules = sorted(rules, key=lambda r: r.code)
    index = {r.code: k for k, r in enumerate(rules)}
    results = []
    for d in sorted(diagnostics, key=lambda d: d.sort_key()):
        result = {
            "ruleId": d.code,
            "level": d.severity if d.severity in ("error", "warning", "note") else "warning",
            "message": {"text": _message(d)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _location(d.path),
                    "region": _region(d.line, d.column, d.end_line, d.end_column),
                },
            }],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix is not None:
            result["fixes"] = [_fix(d, d.fix)]
        results.append(result)
    base = pathlib.Path(os.path.abspath(root or os.getcwd())).as_uri().rstrip("/") + "/"
    invocation: dict = {"executionSuccessful": not errors}
    if errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": e}} for e in errors
        ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "shapelint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in rules],
            }},
            "invocations": [invocation],
            "originalUriBaseIds": {SRCROOT: {"uri": base}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return _json.dumps(log, indent=2, ensure_ascii=False) + "\n"
