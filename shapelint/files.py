"""Which files to check, and how to read them.

``discover`` turns the paths given on the command line into a sorted list of
Python files; ``read_source`` reads one file as text the way Python itself
would (PEP 263 coding cookie, UTF-8 BOM), with plain error messages.
"""

from __future__ import annotations

import codecs
import fnmatch
import io
import os
import re
import stat
import tokenize
from typing import Iterable, Optional

__all__ = ["SourceError", "discover", "read_source", "decode_source", "split_lines", "SKIP_DIRS", "prefilter",
           "relevant_tree", "PREFILTER_WORDS"]

# Directory names never entered while walking a directory given on the command line.
SKIP_DIRS = ("__pycache__", "node_modules", "build", "dist")
_SKIP_DIR_PATTERNS = ("*.egg-info",)


class SourceError(Exception):
    """A file could not be read or decoded.  ``str(err)`` is a one-line message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _skip_dir(parent: str, name: str) -> bool:
    if name.startswith("."):
        return True
    if name in SKIP_DIRS or any(fnmatch.fnmatchcase(name, p) for p in _SKIP_DIR_PATTERNS):
        return True
    # A virtual environment, whatever it is called.
    return os.path.isfile(os.path.join(parent, name, "pyvenv.cfg"))


def _sort_key(path: str) -> tuple:
    # Compare component by component so that "a/b.py" and "a-b.py" sort the same way on every OS.
    return tuple(re.split(r"[\\/]", path))


def _walk(root: str, errors: list[str]) -> Iterable[str]:
    def onerror(err: OSError) -> None:
        where = err.filename if err.filename else root
        errors.append(f"cannot read directory: {where} ({err.strerror or err})")

    # followlinks=False: symlinked directories are listed but never entered, so loops cannot hang.
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(dirpath, d))
        for name in filenames:
            if name.endswith(".py") and not name.startswith("."):
                path = os.path.join(dirpath, name)
                kind = _special_file(path)
                if kind:  # reading a named pipe blocks for ever; sockets and devices are not source
                    errors.append(f"not a regular file, not read: {path} ({kind})")
                    continue
                yield path


def _special_file(path: str) -> str:
    """"a named pipe", "a socket", "a device" for such a file (after symlinks), "" otherwise."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""  # a broken link or a loop: read_source says what is wrong with it
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return ""


def discover(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Expand ``paths`` into Python files.

    Returns ``(files, errors)``: the files sorted and without duplicates, and one-line messages
    (without a "shapelint: error:" prefix) for paths that do not exist or directories that
    cannot be listed.  Named files are always included, whatever their suffix; directories are
    searched recursively for ``*.py``, skipping hidden entries, ``__pycache__``, ``node_modules``,
    ``build``, ``dist``, ``*.egg-info`` and virtual environments (directories with a
    ``pyvenv.cfg``).  The skip rules apply below a named directory, never to the directory itself.
    """
    found: dict[str, None] = {}
    errors: list[str] = []
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            for f in _walk(path, errors):
                found.setdefault(os.path.normpath(f))
        elif os.path.exists(path) or os.path.islink(path):
            # A file (or something else that exists, or a broken symlink): read_source reports
            # what is wrong with it.
            found.setdefault(os.path.normpath(path))
        else:
            errors.append(f"path does not exist: {path}")
    return sorted(found, key=_sort_key), errors


def _describe_os_error(path: str, err: OSError) -> str:
    if isinstance(err, IsADirectoryError):
        return f"{path}: is a directory"
    if isinstance(err, FileNotFoundError):
        if os.path.islink(path):
            return f"{path}: broken symbolic link (points to {os.readlink(path)})"
        return f"{path}: no such file"
    if isinstance(err, PermissionError):
        return f"{path}: permission denied"
    return f"{path}: cannot read file ({err.strerror or err})"


def read_source(path: str) -> str:
    """Read a Python source file as text, decoding it as Python would (PEP 263).

    Raises ``SourceError`` with a one-line message if the file cannot be read or decoded.
    Line endings are left as they are.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        raise SourceError(_describe_os_error(path, err)) from None
    return decode_source(path, data)


def decode_source(path: str, data: bytes) -> str:
    """``read_source`` for bytes already read: decode them as Python would (PEP 263)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        message = str(err.msg)
        if message.startswith("invalid or missing encoding declaration"):
            # No usable cookie and the first lines are not UTF-8: say where UTF-8 breaks.
            encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        else:
            # "unknown encoding: xyz", or a BOM that contradicts the coding cookie.
            if message.startswith("encoding problem: utf-8"):
                message = "UTF-8 byte order mark contradicts the coding cookie"
            raise SourceError(f"{path}: {message}") from None

    # Decode the BOM away by hand so that error offsets count from the start of the file.
    start = 0
    if encoding == "utf-8-sig":
        encoding = "utf-8"
        if data.startswith(codecs.BOM_UTF8):
            start = len(codecs.BOM_UTF8)
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as err:
        offset = start + err.start
        line = data.count(b"\n", 0, offset) + 1
        raise SourceError(
            f"{path}: cannot decode as {codecs.lookup(encoding).name}: byte 0x{data[offset]:02x} "
            f"at offset {offset} (line {line}): {err.reason}"
        ) from None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split source text into physical lines the way Python's tokenizer counts them.

    Unlike ``str.splitlines`` this does not break on form feeds or Unicode line separators,
    so index ``n - 1`` is always line ``n`` as libcst reports it.
    """
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --- the pre-filter: which files need parsing at all -------------------------------------------
#
# libcst parsing is the expensive step, so files that cannot produce a finding are not parsed.
# A finding needs a value whose shape is known, and shapes only come from: numpy (``numpy``,
# ``jax.numpy``), ``.shape`` (``n, d = X.shape``), shape annotations (jaxtyping dtype wrappers,
# ``Annotated``, ``X[ndarray, "n d"]``, nptyping ``Shape[...]``, ``ndarray[tuple[...]]``),
# docstrings and comments that say ``shape (...)``, and ``reveal_shape``.  Every one of them needs
# one of the words below in the text, so a file without them is skipped.  The one finding that
# needs no shape at all is a matrix product of two scalars (``2 @ 3``, ``n @ m`` with ``n: int``),
# and a string annotation can spell a word with escapes (``"\x46loat[...]"``): files with an ``@``
# or such an escape are settled on Python's own syntax tree (``relevant_tree``), which is cheap.
# tests/test_engine.py keeps this list in step with the interpreter's vocabulary.

PREFILTER_WORDS = (
    # array types and annotation forms (sources/annotations.py: DTYPES, ARRAY_TYPES, Annotated)
    "Annotated", "ndarray", "NDArray", "Array", "ArrayLike", "Tensor",
    "Float", "Float16", "Float32", "Float64", "BFloat16", "Int", "Int8", "Int16", "Int32", "Int64",
    "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Integer", "Bool", "Num", "Shaped", "Complex",
    "Complex64", "Complex128", "Inexact", "Real", "Key", "Float8e4m3fn", "Float8e5m2",
)

# "numpy" and "shape" in any case match anywhere (jax.numpy, reveal_shape, X.shape, "of shape (n,)"),
# "get_namespace" too (scikit-learn's array API namespace, numpy's functions under another name);
# the other words only as whole words.
_RELEVANT = re.compile(
    r"numpy|(?i:shape)|get_namespace|\b(?:" + "|".join(sorted(map(re.escape, PREFILTER_WORDS), key=len, reverse=True)) + r")\b"
)
# A backslash escape that can spell a letter inside a string literal: \x46, \u0046, \N{...}, \106.
_LETTER_ESCAPE = re.compile(r"\\(?:[xuUN]|[0-7])")


def prefilter(text: str) -> Optional[bool]:
    """Whether a file's text needs parsing: True yes, False no, None: decide on ``relevant_tree``.

    Conservative: True whenever a word that a shape can come from occurs anywhere, even in a
    comment or an unrelated string.
    """
    if _RELEVANT.search(text):
        return True
    if "@" in text or _LETTER_ESCAPE.search(text):
        return None
    return False


def relevant_tree(tree) -> bool:
    """For ``prefilter`` None: an ``ast`` tree with a matrix product (``@``, ``@=``), or a string
    constant (after escapes) that holds one of the words, needs the full check."""
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.MatMult):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _RELEVANT.search(node.value):
            return True
    return False
