"""One file: parse -> infer -> check -> suppress.  Many files: each isolated, in order."""

from __future__ import annotations

import ast
import os
import re
import sys
import traceback
import warnings
from typing import Iterable

import libcst as cst

from .config import Settings
from .diagnostics import Diagnostic
from .files import SourceError, read_source, split_lines
from .infer import Interpreter
from .rules import HANDLERS
from .rules.context import Context
from .rules.meta import INTERNAL, SYNTAX
from .rules.suppression import apply as apply_suppressions

RECURSION_LIMIT = 20_000  # deeply nested expressions are legal Python; the tree walk is recursive
# Expressions nested deeper than this are not handed to libcst: its native parser overflows its stack
# (a segmentation fault that kills the whole run) a few thousand levels down, and is quadratic long
# before.  Python itself refuses most such code; 1,500 leaves room for the 1,000 levels any real code
# (generated code included) is far below.
MAX_NESTING = 1_500
_LINE_START = re.compile(r"\r\n|\r|\n")
# (lock, brackets, give back): in a pool's workers, the sources with this many brackets are parsed
# one at a time across workers, since libcst's parser needs memory per bracket while it runs, and
# that memory is given back before the next such parse (shapelint.pool)
PARSE_GATE = None


def _deepest(tree: ast.AST, source: str, limit: int) -> tuple[int, int]:
    """(depth, line) of the most deeply nested expression when deeper than ``limit``, else (0, 0).

    Each level of nesting takes at least one character of source, so only statements longer than
    ``limit`` characters are walked: on ordinary code this costs next to nothing.  Depth counts the
    way libcst nests: ``a and b and c`` is flat in ``ast`` but two levels in libcst."""
    if len(source) <= limit:
        return 0, 0
    starts = [0] + [m.end() for m in _LINE_START.finditer(source)]

    def size(node: ast.AST) -> int:
        try:  # an upper bound in characters (offsets are in UTF-8 bytes)
            first = min([node, *getattr(node, "decorator_list", ())], key=lambda n: n.lineno)
            return (starts[node.end_lineno - 1] + node.end_col_offset
                    - starts[first.lineno - 1] - first.col_offset)
        except (AttributeError, TypeError, IndexError):
            return limit + 1  # no position: look inside

    big: list[ast.AST] = []
    containers: list[ast.AST] = [tree]  # long compound statements and position-less nodes
    while containers:
        for child in ast.iter_child_nodes(containers.pop()):
            if size(child) <= limit:
                continue  # too short to nest that deep, whatever it holds
            compound = isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)) and (
                hasattr(child, "body") or hasattr(child, "cases"))
            if compound or getattr(child, "end_lineno", None) is None:
                containers.append(child)
            else:
                big.append(child)
    best, line = 0, 0
    for root in big:
        todo = [(root, 0)]
        while todo:
            node, depth = todo.pop()
            if depth > best:
                best, line = depth, getattr(node, "lineno", None) or getattr(root, "lineno", 1)
            step = len(node.values) - 1 if isinstance(node, ast.BoolOp) else 1
            todo.extend((child, depth + step) for child in ast.iter_child_nodes(node))
    return (best, line) if best > limit else (0, 0)


# strings and comments, for ``_may_be_refused``: every match starts with a quote or a hash, which
# lets the regex engine skip to them (a string's prefix is looked at by ``_collapse``)
_STRING_OR_COMMENT = re.compile(r"""
    '''(?:[^'\\]|\\.|'(?!''))*'''
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n]|\\.)*'
  | "(?:[^"\\\n]|\\.)*"
  | \#[^\n]*""", re.X | re.S)
PYTHON_MAX_PARENS = 200  # CPython refuses brackets nested this deep
PYTHON_MAX_INDENT = 100  # and this many levels of indentation


def _collapse(m: "re.Match") -> str:
    text = m.group()
    if text[0] == "#":
        return ""
    start = m.start()
    if "f" in m.string[max(start - 2, 0):start].lower():
        return "x" * len(text)  # an f-string (or so it may be): its code keeps its length, on one line
    return "x"  # one token, whatever its length


def _may_be_refused(source: str) -> bool:
    """Could ``_refused`` find anything beyond a NUL byte in ``source``?  A bound that costs a
    fraction of Python's parser: each level of nesting takes a token of its own, so no expression
    nests deeper than its logical line is long once each string is one character; a logical line
    longer than that (a table of numbers) is bounded more closely by ``_nesting_bound``.  Brackets
    and indentation are counted against CPython's limits.  Whatever this scan cannot follow (more
    closing than opening brackets, a bracket left open, a lone \\r line ending) says yes."""
    text = _STRING_OR_COMMENT.sub(_collapse, source)
    depth = length = 0
    lines = text.split("\n")
    start = 0  # where the logical line began
    for i, line in enumerate(lines):
        opens = line.count("(") + line.count("[") + line.count("{")
        if depth + opens >= PYTHON_MAX_PARENS:
            return True
        depth += opens - line.count(")") - line.count("]") - line.count("}")
        length += len(line)
        if depth < 0:
            return True
        if len(line) >= PYTHON_MAX_INDENT and len(line) - len(line.lstrip()) >= PYTHON_MAX_INDENT:
            return True
        if depth == 0 and not line.rstrip("\r").endswith("\\"):
            if length > MAX_NESTING and _nesting_bound("\n".join(lines[start:i + 1])) > MAX_NESTING // 2:
                return True
            length = 0
            start = i + 1
    return depth != 0


# the tokens of a logical line once strings are collapsed: words (names, numbers, keywords, a
# string's "x"), brackets, commas, colons, and any other character (an operator, a dot)
_TOKEN = re.compile(r"\w+|[^\w\s]")
_NESTING_WORDS = frozenset({"and", "or", "not", "if", "else", "in", "is", "await", "yield", "for", "async",
                            "from"})


def _nesting_bound(line: str) -> int:
    """An upper bound on how deep the expressions of one logical line (strings collapsed) nest,
    up to a few levels: the brackets open at a point, plus the operators, dots, keywords and
    adjacent operands (implicitly concatenated strings) before it since the last comma of each of
    them (the items of a list nest side by side).  A lambda's parameters end at its colon, so
    their commas do not count; a word longer than an identifier usually is (an f-string's "xxx",
    a number of thousands of digits) counts its length."""
    counts = [0]  # per open bracket: what nests since its last comma
    lambdas = [0]  # per open bracket: lambdas whose parameters have not ended
    best = 0
    operand = False  # was the last token a word that is an operand?
    for tok in _TOKEN.findall(line):
        c = tok[0]
        if c in "([{":
            counts[-1] += 1
            counts.append(0)
            lambdas.append(0)
            operand = False
        elif c in ")]}":
            if len(counts) == 1:
                return MAX_NESTING + 1  # more closing than opening: say yes
            counts.pop()
            lambdas.pop()
            operand = True
        elif c == ",":
            if not lambdas[-1]:
                counts[-1] = 0
            operand = False
        elif c == ":":
            if lambdas[-1]:
                lambdas[-1] -= 1
            counts[-1] += 1
            operand = False
        elif c.isalnum() or c == "_" or not c.isascii():
            if tok == "lambda":
                lambdas[-1] += 1
                counts[-1] += 1
                operand = False
            elif tok in _NESTING_WORDS:
                counts[-1] += 1
                operand = False
            else:
                counts[-1] += (1 if operand else 0) + (len(tok) if len(tok) > 32 else 0)
                operand = True
        else:
            counts[-1] += 1
            operand = False
        best = max(best, len(counts) + sum(counts))
    return best


def _quiet_parse(source: str) -> ast.AST:
    """``ast.parse`` without the SyntaxWarnings (invalid escapes...) Python >= 3.12 prints for the code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def _refused(path: str, source: str, tree: "ast.AST | None" = None) -> "Diagnostic | None":
    """A finding for text that must not reach libcst, or None.

    CPython's parser runs first (parsing only: about 6% of a check; ``tree``: its tree of
    ``source`` when the caller has it already), unless a cheap scan shows it cannot object.  libcst accepts some files Python refuses (NUL
    bytes, brackets nested more than 200 deep) and crashes the process or takes minutes on nesting
    a few thousand deep.  Other syntax errors are left to libcst, as before: it may read syntax
    newer than the Python shapelint runs on."""
    nul = source.find("\x00")
    if nul >= 0:
        before = split_lines(source[: nul + 1])
        return _file_finding(path, SYNTAX, "the file contains a NUL byte (\\x00), which Python does not allow "
                             "in source code", len(before), len(before[-1]))
    if tree is None and not _may_be_refused(source):
        return None
    try:
        tree = tree if tree is not None else _quiet_parse(source)
    except SyntaxError as err:
        msg = str(err.msg)
        # too deep, or an int literal of more than 4,300 digits (Python >= 3.10.7 refuses it; libcst does not)
        if any(w in msg for w in ("too many", "too complex", "too deeply", "stack overflow", "Exceeds the limit")):
            return _file_finding(path, SYNTAX, f"invalid syntax: {msg}", err.lineno or 1, max(err.offset or 1, 1))
        return None
    except (RecursionError, MemoryError):
        return _file_finding(path, SYNTAX, "Python cannot parse this file: an expression is nested too deeply")
    except (ValueError, OverflowError):
        return None
    depth, line = _deepest(tree, source, MAX_NESTING)
    if depth:
        return _file_finding(path, INTERNAL, f"not checked: an expression is nested {depth} levels deep; shapelint "
                             f"reads up to {MAX_NESTING:,} levels", line)
    return None


def _file_finding(path: str, rule, message: str, line: int = 1, column: int = 1, notes=()) -> Diagnostic:
    return Diagnostic(path, line, column, line, column + 1, rule.code, rule.name, rule.severity, message,
                      tuple(notes))


def _syntax_finding(path: str, source: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """libcst says little about where and why; CPython's parser (parsing only) says more."""
    try:
        _quiet_parse(source)
    except SyntaxError as err:
        if err.lineno:
            text = err.msg if err.msg.startswith("invalid syntax") else f"invalid syntax: {err.msg}"
            return _file_finding(path, SYNTAX, text, err.lineno, max(err.offset or 1, 1))
    except (ValueError, RecursionError, MemoryError):
        pass
    else:  # valid Python all the same (libcst refuses ~5,000 implicitly concatenated strings, for one)
        msg = str(exc).splitlines()[0] if str(exc) else "syntax error"
        return _file_finding(path, SYNTAX, f"cannot check this file: it is valid Python, but shapelint's parser "
                             f"(libcst) cannot read it: {msg}", exc.raw_line, exc.raw_column + 1)
    msg = str(exc).splitlines()[0] if str(exc) else "invalid syntax"
    return _file_finding(path, SYNTAX, f"cannot parse: {msg}", exc.raw_line, exc.raw_column + 1)


_VALIDATE = cst.CSTNode.__dict__.get("__post_init__")


def _trusted(self) -> None:
    pass


def parse_module(source: str) -> cst.Module:
    """``libcst.parse_module`` without validating each node as it is made: libcst checks every
    node in ``__post_init__`` (a quarter of a parse), which guards nodes that code builds; the
    parser's own are made from source it has just parsed (libcst's comment there suggests not
    validating when parsing, for speed).  Nodes built later (``--fix``) are validated as ever."""
    if _VALIDATE is None:  # another libcst: as it comes
        return cst.parse_module(source)
    cst.CSTNode.__post_init__ = _trusted
    try:
        return cst.parse_module(source)
    finally:
        cst.CSTNode.__post_init__ = _VALIDATE


def _brackets(source: str) -> int:
    return source.count("(") + source.count("[") + source.count("{")


def parse_checked(path: str, source: str, settings: "Settings | None", ast_tree: "ast.AST | None" = None):
    """``(libcst tree, [])``, or ``(None, the file's findings)`` for text that must not or cannot
    be parsed (``settings`` None: no findings, the tree or None)."""
    refused = _refused(path, source, ast_tree)  # NUL bytes, pathological nesting: never given to libcst
    if refused is not None:
        return None, [refused] if settings is not None and settings.enabled(refused.code) else []
    try:
        if PARSE_GATE is not None and _brackets(source) >= PARSE_GATE[1]:
            with PARSE_GATE[0]:
                PARSE_GATE[2](True)  # what this process has freed, back to the system first
                tree = parse_module(source)
                PARSE_GATE[2](True)  # and the parser's, before another process parses
                return tree, []
        return parse_module(source), []
    except cst.ParserSyntaxError as exc:
        if settings is None:
            return None, []
        found = [_syntax_finding(path, source, exc)]
        return None, [d for d in found if settings.enabled(d.code)]
    except (RecursionError, MemoryError):
        if settings is None:
            return None, []
        return None, [_file_finding(path, SYNTAX, "cannot parse: nested too deeply for the parser")]


def check_source(path: str, source: str, settings: Settings, project=None,
                 ast_tree: "ast.AST | None" = None) -> list[Diagnostic]:
    """Every finding for one file's text, suppressions applied, sorted.  ``project``
    (a shapelint.project.Project of every checked file) lets calls into other files be followed;
    ``ast_tree``: Python's syntax tree of ``source``, when the caller has it already."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:  # also when called directly (tests, --fix), not via runner
        sys.setrecursionlimit(RECURSION_LIMIT)
    module, problems = parse_checked(path, source, settings, ast_tree)
    if module is None:
        return problems
    ctx = Context(module, path, settings)

    def sink(event) -> None:
        if event.kind in ("product", "elementwise"):
            ctx.confirm(event)
        for check in HANDLERS.get(event.kind, ()):
            check(event, ctx)
            ctx.pending = None  # what documentation_only set holds for that check's findings only

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
    # the analysis ties the tree and the interpreter into a reference cycle (interpreter -> sink ->
    # context -> interpreter): cut it, so that what hangs on it is freed at once, not by the collector
    ctx.__dict__.clear()
    interp.forget()
    if project is not None:
        project.adopt(path, module, len(source))  # parsed once: files checked later may call into it
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
