"""One file: parse -> infer -> check -> suppress.  Many files: each isolated, in order."""

from __future__ import annotations

import ast
import os
import sys
import traceback
from typing import Iterable

import libcst as cst

from .config import Settings
from .diagnostics import Diagnostic
from .files import SourceError, read_source
from .infer import Interpreter
from .project import Project
from .rules import HANDLERS
from .rules.context import Context
from .rules.meta import INTERNAL, SYNTAX
from .rules.suppression import apply as apply_suppressions

RECURSION_LIMIT = 20_000  # deeply nested expressions are legal Python; the tree walk is recursive


def _file_finding(path: str, rule, message: str, line: int = 1, column: int = 1, notes=()) -> Diagnostic:
    return Diagnostic(path, line, column, line, column + 1, rule.code, rule.name, rule.severity, message,
                      tuple(notes))


def _syntax_finding(path: str, source: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """libcst says little about where and why; CPython's parser (parsing only) says more."""
    try:
        ast.parse(source)
    except SyntaxError as err:
        if err.lineno:
            text = err.msg if err.msg.startswith("invalid syntax") else f"invalid syntax: {err.msg}"
            return _file_finding(path, SYNTAX, text, err.lineno, max(err.offset or 1, 1))
    except (ValueError, RecursionError, MemoryError):
        pass
    msg = str(exc).splitlines()[0] if str(exc) else "invalid syntax"
    return _file_finding(path, SYNTAX, f"cannot parse: {msg}", exc.raw_line, exc.raw_column + 1)


def check_source(path: str, source: str, settings: Settings, project=None) -> list[Diagnostic]:
    """Every finding for one file's text, suppressions applied, sorted.  ``project``
    (a shapelint.project.Project of every checked file) lets calls into other files be followed."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        found = [_syntax_finding(path, source, exc)]
        return [d for d in found if settings.enabled(d.code)]
    except (RecursionError, MemoryError):
        return [_file_finding(path, SYNTAX, "cannot parse: nested too deeply for the parser")]
    ctx = Context(module, path, settings)

    def sink(event) -> None:
        for check in HANDLERS.get(event.kind, ()):
            check(event, ctx)

    module_name = project.module_name(path) if project is not None else None
    interp = Interpreter(module, sink, settings, project, module_name)
    interp.is_package = os.path.basename(path) == "__init__.py"
    ctx.interp = interp
    try:
        interp.run()
        found = ctx.diagnostics()
    except Exception as exc:  # noqa: BLE001 - the analyser's failure is a finding, not a crash
        notes = [traceback.format_exc()] if settings.verbose else []
        found = [_file_finding(path, INTERNAL, f"shapelint failed on this file: {type(exc).__name__}: {exc}",
                               notes=notes)]
    found = apply_suppressions(path, source, found, settings)  # per-file-ignores, comments, SL901
    return sorted(found, key=Diagnostic.sort_key)


def check_file(path: str, settings: Settings, project=None) -> list[Diagnostic]:
    try:
        source = read_source(path)
    except SourceError as exc:
        return [d for d in [_file_finding(path, SYNTAX, str(exc))] if settings.enabled(d.code)]
    return check_source(path, source, settings, project)


def check_paths(files: Iterable[str], settings: Settings, **options) -> list[Diagnostic]:
    """Every finding in ``files``, sorted: pre-filter, cache, process pool, time limits and crash
    isolation are in shapelint.runner (``options``: jobs, timeout, cache_dir, use_prefilter, stats)."""
    from .runner import check_paths as run

    return run(files, settings, **options)
