"""``--fix`` and ``--diff``: apply the fixes findings carry, safely.

A finding carries a ``Fix`` (replace one span of the source) only when exactly one change is
known to make the shapes right.  Applying it here is a byte-exact splice: every byte outside
the replaced spans stays as it was (formatting, comments, line endings, encoding, a BOM).
Before anything is written, each fix is validated:

1. the fixed text parses (libcst, as the engine parses it);
2. the change is what it claims to be, compared on Python's syntax tree: a fix that replaces
   an expression changes exactly that expression, into a rearrangement of the same operands
   (reordered, transposed), into the same reduction with ``keepdims=True``, or into the same
   subscript with its index moved behind full slices (``X[mask]`` into ``X[:, mask]``); any other fix
   (removing an unused suppression comment) leaves the syntax tree unchanged.  A replacement
   that would bind differently in its context (``x ** 2`` around a product) is parenthesised,
   or refused;
3. the fixed text is checked again: the fixed findings must be gone, and no finding may appear
   that was not there before.

Fixes that fail are dropped one by one; the rest are applied.  The file is written atomically
(a temporary file in the same directory, then ``os.replace``), keeping its permissions, and only
if it did not change meanwhile.  Running ``--fix`` again changes nothing.
"""

from __future__ import annotations

import ast
import codecs
import copy
import difflib
import io
import os
import re
import shutil
import tempfile
import tokenize
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional

import libcst as cst

from .config import Settings
from .diagnostics import Diagnostic, Fix
from .files import SourceError, read_source, split_lines

MAX_ROUNDS = 20  # fixes applied in one file, one validated round after another

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class FixError(Exception):
    """A file that cannot be fixed or written; ``str(err)`` is one line for the user."""


@dataclass
class FileFix:
    """What fixing one file did (or would do)."""

    path: str
    original: str
    fixed: str
    applied: list[Diagnostic] = field(default_factory=list)  # findings of the original text, fixed
    remaining: list[Diagnostic] = field(default_factory=list)  # findings of the fixed text
    rejected: list[Diagnostic] = field(default_factory=list)  # findings whose fix was refused
    raw: bytes = b""  # the file's bytes when it was read (fix_file)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


# --- text surgery ----------------------------------------------------------------------------------


def keep_lines(text: str) -> list[str]:
    """Physical lines with their line endings (only \\r\\n, \\r, \\n break lines, as in Python)."""
    return _LINE.findall(text)


def _offsets(text: str) -> list[int]:
    starts, pos = [], 0
    for line in keep_lines(text):
        starts.append(pos)
        pos += len(line)
    starts.append(pos)  # one past the last line: the end of the text
    return starts


def _offset(starts: list[int], text: str, line: int, column: int) -> int:
    if not 1 <= line <= len(starts):
        raise FixError(f"fix position {line}:{column} is outside the file")
    base = starts[line - 1]
    limit = starts[line] if line < len(starts) else len(text)
    pos = base + column - 1
    if column < 1 or pos > limit:
        raise FixError(f"fix position {line}:{column} is outside the line")
    return pos


def splice(text: str, fixes: Iterable[Fix]) -> str:
    """``text`` with every fix applied; fixes must not overlap (FixError otherwise)."""
    starts = _offsets(text)
    spans = []
    for f in fixes:
        a = _offset(starts, text, f.line, f.column)
        b = _offset(starts, text, f.end_line, f.end_column)
        if b < a:
            raise FixError("fix ends before it starts")
        spans.append((a, b, f.replacement))
    spans.sort(key=lambda s: (s[0], s[1]))
    out, pos = [], 0
    for a, b, rep in spans:
        if a < pos:
            raise FixError("overlapping fixes")
        out.append(text[pos:a])
        out.append(rep)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def span_text(text: str, f: Fix) -> str:
    starts = _offsets(text)
    return text[_offset(starts, text, f.line, f.column):_offset(starts, text, f.end_line, f.end_column)]


def _overlaps(a: Fix, b: Fix) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (a.end_line, a.end_column)


# --- validation on the syntax tree ---------------------------------------------------------------------


def _parse(text: str) -> Optional[ast.AST]:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _leaves(node: ast.AST) -> list[str]:
    """The operands of a product chain, transposes taken off: what a rearrangement may reorder."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return _leaves(node.left) + _leaves(node.right)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _leaves(node.value)
    if (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords
            and not any(isinstance(a, ast.Starred) for a in node.args)):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("dot", "matmul"):
            return _leaves(node.args[0]) + _leaves(node.args[1])
    return [ast.dump(node)]


def _byte_col(lines: list[str], line: int, column: int) -> int:
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    return len(text[: column - 1].encode("utf-8"))


class _Swap(ast.NodeTransformer):
    def __init__(self, target: ast.AST, new: ast.AST):
        self.target, self.new, self.done = target, new, False

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            self.done = True
            return self.new
        return super().generic_visit(node)


def _adds_keepdims(old: ast.expr, new: ast.expr) -> bool:
    """``new`` is the reduction ``old`` with ``keepdims=True`` added (SL013's fix)."""
    if not (isinstance(old, ast.Call) and isinstance(new, ast.Call)) or len(new.keywords) != len(old.keywords) + 1:
        return False
    added = new.keywords[-1]
    return (added.arg == "keepdims" and isinstance(added.value, ast.Constant) and added.value.value is True
            and all(k.arg != "keepdims" for k in old.keywords)
            and ast.dump(ast.Call(old.func, old.args, old.keywords + [added])) == ast.dump(new))


def _changes_axis(old: ast.expr, new: ast.expr) -> bool:
    """``new`` is the call ``old`` with the int of its ``axis=`` keyword changed to another int:
    ``np.average(X, axis=1, weights=w)`` into ``axis=0`` (SL018's fix)."""
    if not (isinstance(old, ast.Call) and isinstance(new, ast.Call)) or len(new.keywords) != len(old.keywords):
        return False
    axes = [k for k in old.keywords if k.arg == "axis"]
    new_axes = [k for k in new.keywords if k.arg == "axis"]
    if len(axes) != 1 or len(new_axes) != 1:
        return False
    ints = [k.value for k in axes + new_axes]
    if not all(isinstance(v, ast.Constant) and type(v.value) is int for v in ints) or ints[0].value == ints[1].value:
        return False
    swapped = [new_axes[0] if k is axes[0] else k for k in old.keywords]
    return ast.dump(ast.Call(old.func, old.args, swapped)) == ast.dump(new)


def _moves_index(old: ast.expr, new: ast.expr) -> bool:
    """``new`` is the subscript ``old`` with its one index moved behind full slices: ``X[mask]``
    into ``X[:, mask]`` (SL017's fix)."""
    if not (isinstance(old, ast.Subscript) and isinstance(new, ast.Subscript)) or isinstance(old.slice, ast.Tuple):
        return False
    items = new.slice.elts if isinstance(new.slice, ast.Tuple) else []
    return (len(items) >= 2 and ast.dump(items[-1]) == ast.dump(old.slice) and ast.dump(new.value) == ast.dump(old.value)
            and all(isinstance(i, ast.Slice) and i.lower is None and i.upper is None and i.step is None
                    for i in items[:-1]))


def _loaded(node: ast.expr) -> ast.expr:
    """``node`` as an expression parsed alone reads it: an assignment's target ``X[mask]`` stores
    (its ctx is Store), the same text in eval mode loads."""
    if isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
        node = copy.copy(node)
        node.ctx = ast.Load()  # type: ignore[attr-defined]
    return node


def _expression_fix(original: str, tree: ast.AST, f: Fix) -> Optional[Fix]:
    """The fix (its replacement parenthesised if need be) when it replaces exactly one expression
    by a rearrangement of the same operands; None otherwise."""
    try:
        old_expr = ast.parse(span_text(original, f).strip(), mode="eval").body
        new_expr = ast.parse(f.replacement.strip(), mode="eval").body
    except (SyntaxError, ValueError, FixError, RecursionError):
        return None
    if ast.dump(old_expr) == ast.dump(new_expr):
        return None
    if sorted(_leaves(old_expr)) != sorted(_leaves(new_expr)) and not _adds_keepdims(old_expr, new_expr) \
            and not _moves_index(old_expr, new_expr) and not _changes_axis(old_expr, new_expr):
        return None
    lines = split_lines(original)
    where = (f.line, _byte_col(lines, f.line, f.column), f.end_line, _byte_col(lines, f.end_line, f.end_column))
    target = None
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and (
            getattr(node, "lineno", None), getattr(node, "col_offset", None),
            getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None),
        ) == where:
            target = node
            break
    if target is None or ast.dump(_loaded(target)) != ast.dump(old_expr):
        return None
    if not isinstance(getattr(target, "ctx", ast.Load()), ast.Load):  # X[mask] = v: the new target stores too
        new_expr = copy.copy(new_expr)
        new_expr.ctx = type(target.ctx)()  # type: ignore[attr-defined]
    expected_tree = _parse(original)
    if expected_tree is None:
        return None
    # the same node in a fresh tree (NodeTransformer edits in place)
    fresh = next(n for n, o in zip(ast.walk(expected_tree), ast.walk(tree)) if o is target)
    swap = _Swap(fresh, new_expr)
    expected = ast.dump(swap.visit(expected_tree))
    for candidate in (f, replace(f, replacement=f"({f.replacement})")):
        got = _parse(splice(original, [candidate]))
        if got is not None and ast.dump(got) == expected:
            return candidate
    return None


def _has_comment(text: str) -> bool:
    """A replacement must not bring a comment (it would swallow the rest of its line)."""
    if "#" not in text:
        return False
    try:
        return any(t.type == tokenize.COMMENT for t in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return True


def validate(original: str, tree: Optional[ast.AST], f: Fix) -> Optional[Fix]:
    """The fix to apply (maybe parenthesised), or None if it is not safe."""
    if tree is None:
        return None
    try:
        changed = splice(original, [f])
    except FixError:
        return None
    if changed == original:
        return None
    new_tree = _parse(changed)
    if new_tree is None:
        return None
    if ast.dump(new_tree) == ast.dump(tree):
        return f  # formatting or comments only (an unused suppression removed)
    if _has_comment(f.replacement):
        return None
    return _expression_fix(original, tree, f)


def _parses_with_libcst(text: str) -> bool:
    try:
        cst.parse_module(text)
        return True
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return False


def _line_map(fixes: list[Fix]) -> Callable[[int], int]:
    """Old line number -> line number in the fixed text (lines inside a fix map to its first)."""
    deltas = []
    for f in fixes:
        added = len(keep_lines(f.replacement + "x")) - 1  # line breaks in the replacement
        deltas.append((f.line, f.end_line, added - (f.end_line - f.line)))

    def shift_before(line: int) -> int:
        return sum(delta for _, end, delta in deltas if end < line)

    def mapped(line: int) -> int:
        for start, end, _ in deltas:
            if start <= line <= end:
                return start + shift_before(start)
        return line + shift_before(line)

    return mapped


def _improves(before: list[Diagnostic], after: list[Diagnostic], fixed: list[Diagnostic],
              fixes: list[Fix]) -> bool:
    """The fixed findings are gone and nothing new appeared (by code and line)."""
    mapped = _line_map(fixes)
    budget = Counter((d.code, mapped(d.line)) for d in before)
    budget.subtract(Counter((d.code, mapped(d.line)) for d in fixed))
    seen = Counter((d.code, d.line) for d in after)
    return all(budget[key] >= n for key, n in seen.items())


# --- one file --------------------------------------------------------------------------------------------


def _key(text: str, d: Diagnostic) -> tuple:
    assert d.fix is not None
    try:
        old = span_text(text, d.fix)
    except FixError:
        old = None
    return d.code, d.fix.replacement, old


def fix_source(path: str, text: str, settings: Settings,
               check: Optional[Callable[[str, str, Settings], list[Diagnostic]]] = None) -> FileFix:
    """Apply every fix that validates to ``text`` (nothing is written)."""
    if check is None:
        from .engine import check_source as check
    findings = check(path, text, settings)
    result = FileFix(path, text, text, remaining=findings)
    original_by_key = {}
    for d in findings:
        if d.fix is not None:
            original_by_key.setdefault(_key(text, d), []).append(d)
    refused: set[tuple] = set()
    current, current_findings = text, findings
    for _ in range(MAX_ROUNDS):
        tree = _parse(current)
        candidates = []
        for d in current_findings:
            if d.fix is None or _key(current, d) in refused:
                continue
            good = validate(current, tree, d.fix)
            if good is None:
                refused.add(_key(current, d))
                continue
            candidates.append((d, good))
        # non-overlapping, in order
        chosen: list[tuple[Diagnostic, Fix]] = []
        for d, f in sorted(candidates, key=lambda c: (c[1].line, c[1].column)):
            if not any(_overlaps(f, g) for _, g in chosen):
                chosen.append((d, f))
        if not chosen:
            break
        accepted = None
        for group in [chosen] + ([[c] for c in chosen] if len(chosen) > 1 else []):
            fixes = [f for _, f in group]
            new = splice(current, fixes)
            if not _parses_with_libcst(new):
                continue
            new_findings = check(path, new, settings)
            if _improves(current_findings, new_findings, [d for d, _ in group], fixes):
                accepted = (group, new, new_findings)
                break
        if accepted is None:
            refused.update(_key(current, d) for d, _ in chosen)
            continue
        group, new, new_findings = accepted
        for d, _ in group:
            originals = original_by_key.get(_key(current, d))
            result.applied.append(originals.pop(0) if originals else d)
        current, current_findings = new, new_findings
    result.fixed = current
    result.remaining = [replace(d, fix=None) if d.fix is not None else d for d in current_findings]
    applied_ids = {id(d) for d in result.applied}
    result.rejected = [d for d in findings if d.fix is not None and id(d) not in applied_ids]
    return result


# --- reading and writing files exactly -----------------------------------------------------------------


def _encoding(data: bytes) -> tuple[bytes, str]:
    """(BOM, encoding) the way Python reads the file."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    if encoding == "utf-8-sig" or data.startswith(codecs.BOM_UTF8):
        return (codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""), "utf-8"
    return b"", encoding


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` encoded as the file ``original`` was (same BOM, same coding)."""
    bom, encoding = _encoding(original)
    try:
        return bom + text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as err:
        raise FixError(f"the fixed text cannot be encoded as {encoding}: {err}") from None


def fix_file(path: str, settings: Settings, check=None) -> FileFix:
    """Fix one file in memory.  FixError if it cannot be read or would not round-trip."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        text = read_source(path)
    except (OSError, SourceError) as err:
        raise FixError(f"cannot read {path}: {err}") from None
    if encode_like(raw, text) != raw:  # e.g. undecodable escapes: never risk other bytes
        raise FixError(f"{path}: the file does not round-trip through its encoding; not fixing it")
    result = fix_source(path, text, settings, check)
    result.raw = raw
    return result


def write(result: FileFix) -> None:
    """Write the fixed text over the file, atomically, if the file is still what was read."""
    raw = result.raw
    data = encode_like(raw, result.fixed)
    target = os.path.realpath(result.path)  # through a symlink, not over it
    directory = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".shapelint-fix-", suffix=".tmp", dir=directory)
    except OSError as err:
        raise FixError(f"cannot write {result.path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        shutil.copymode(target, tmp)
        with open(target, "rb") as fh:
            if fh.read() != raw:
                raise FixError(f"{result.path} changed while it was being fixed; left alone")
        os.replace(tmp, target)
    except OSError as err:
        _unlink(tmp)
        raise FixError(f"cannot write {result.path}: {err.strerror or err}") from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def unified_diff(result: FileFix) -> str:
    """The change as a unified diff (``--- a/PATH`` / ``+++ b/PATH``), or "" if none."""
    if not result.changed:
        return ""
    name = result.path.replace(os.sep, "/")
    out = []
    for line in difflib.unified_diff(keep_lines(result.original), keep_lines(result.fixed),
                                     fromfile=f"a/{name}", tofile=f"b/{name}"):
        if line.endswith(("\r\n", "\n", "\r")):
            out.append(line if not line.endswith("\r") or line.endswith("\r\n") else line + "\n")
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


__all__ = ["FileFix", "FixError", "fix_file", "fix_source", "splice", "unified_diff", "validate", "write"]
