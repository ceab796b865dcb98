"""The per-file result cache (``.shapelint_cache/``; ``--no-cache``, ``--cache-dir``).

A file's findings are stored under a key made of everything they can depend on:

* shapelint itself: its version and a fingerprint of its own source files (so an edited
  checkout never serves results of the code it had before);
* every field of ``Settings`` (``dataclasses.asdict``, serialised stably), whatever fields exist;
* the path as given (it is part of every finding) and the file's bytes (SHA-256);
* the bytes of every checked file it imports, directly or through other checked files, so that
  facts crossing modules (calls into another checked file) invalidate the files that use them.
  The imports come from a cheap scan of the text (no parsing), resolved against the set of files
  being checked; the scan errs on the side of seeing too many imports, never too few.

One JSON entry per (path, settings): a changed file overwrites its entry, so the cache does not
grow with every edit.  Entries are written atomically (a temporary file renamed into place), and
an entry that cannot be read or decoded is simply a miss.  Results that depend on the run rather
than the file (a time-out, a crashed worker) are never stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from typing import Optional, Sequence

from . import __version__
from .diagnostics import Diagnostic, Fix

CACHE_FORMAT = "1"
DEFAULT_DIR = ".shapelint_cache"

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by shapelint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


# --- keys -----------------------------------------------------------------------------------------


def _stable(value):
    """Settings fields as JSON: tuples as lists, sets sorted, anything else by its repr."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_stable(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _stable(dataclasses.asdict(value))
    return repr(value)


def settings_fingerprint(settings) -> str:
    return json.dumps(_stable(dataclasses.asdict(settings)), sort_keys=True, separators=(",", ":"))


def code_fingerprint() -> str:
    """shapelint's version and the size and modification time of each of its source files."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts = [__version__]
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                full = os.path.join(dirpath, name)
                try:
                    st = os.stat(full)
                except OSError:
                    continue
                parts.append(f"{os.path.relpath(full, package)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- entries -------------------------------------------------------------------------------------


def encode(diagnostics: Sequence[Diagnostic]) -> list:
    out = []
    for d in diagnostics:
        item = {}
        for f in dataclasses.fields(Diagnostic):
            value = getattr(d, f.name)
            if isinstance(value, Fix):
                value = dataclasses.asdict(value)
            elif isinstance(value, tuple):
                value = list(value)
            item[f.name] = value
        out.append(item)
    return out


def decode(items: list) -> list[Diagnostic]:
    out = []
    for item in items:
        kwargs = {}
        for f in dataclasses.fields(Diagnostic):
            value = item[f.name]
            if f.name == "fix" and value is not None:
                value = Fix(**value)
            elif isinstance(value, list):
                value = tuple(value)
            kwargs[f.name] = value
        out.append(Diagnostic(**kwargs))
    return out


class Cache:
    def __init__(self, directory: str, settings):
        self.directory = directory
        self.root = os.path.join(directory, CACHE_FORMAT)
        self.base = hashlib.sha256(
            f"{code_fingerprint()}\n{settings_fingerprint(settings)}".encode()
        ).hexdigest()
        self.keys: dict[str, str] = {}
        self.hits = 0
        self.writes = 0

    @classmethod
    def open(cls, directory: str, settings) -> Optional["Cache"]:
        """The cache in ``directory`` (created if need be), or None if it cannot be written."""
        try:
            os.makedirs(directory, exist_ok=True)
            tag = os.path.join(directory, "CACHEDIR.TAG")
            if not os.path.exists(tag):
                _write_atomic(tag, _CACHEDIR_TAG.encode())
                _write_atomic(os.path.join(directory, ".gitignore"), b"# created by shapelint\n*\n")
            if not os.access(directory, os.W_OK):
                return None
        except OSError:
            return None
        return cls(directory, settings)

    def set_keys(self, paths: Sequence[str], digests: Sequence[Optional[str]], dep_hashes: Sequence[str]) -> None:
        """Each file's key, from its digest and the hash of what it imports (deps.ImportGraph)."""
        for path, d, dep in zip(paths, digests, dep_hashes):
            if d is not None:
                h = hashlib.sha256(f"{self.base}\0{path}\0{dep}".encode("utf-8", "surrogateescape")).hexdigest()
                self.keys[path] = f"{d}:{h}"

    def content_digest(self, path: str) -> Optional[str]:
        key = self.keys.get(path)
        return key.split(":", 1)[0] if key else None

    def _entry(self, path: str) -> str:
        h = hashlib.sha256(f"{self.base}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.root, h[:2], h + ".json")

    def get(self, path: str) -> Optional[list[Diagnostic]]:
        key = self.keys.get(path)
        if key is None:
            return None
        try:
            with open(self._entry(path), encoding="utf-8") as fh:
                entry = json.load(fh)
            if entry.get("key") != key or entry.get("path") != path:
                return None
            found = decode(entry["diagnostics"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.hits += 1
        return found

    def put(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        key = self.keys.get(path)
        if key is None:
            return
        items = encode(diagnostics)
        try:
            if encode(decode(items)) != items:  # a finding that does not survive JSON: not stored
                return
        except (TypeError, ValueError, KeyError):
            return
        data = json.dumps({"key": key, "path": path, "diagnostics": items},
                          separators=(",", ":")).encode("ascii")
        target = self._entry(path)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _write_atomic(target, data)
            self.writes += 1
        except OSError:
            pass  # a cache that cannot be written is only slower


def _write_atomic(target: str, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
