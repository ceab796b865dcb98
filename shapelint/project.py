"""The checked files as a set of modules: calls between them are followed.

A module is parsed only when another checked file calls into it.  Its module-level code is
interpreted once, silently, so its functions' declarations and globals are known; the tree and
that interpreter are kept until ``release`` says that no file left to check in this process
needs them (the runner knows it from the import graph), else for the rest of the run.

A file checked in this process before the files that import it is not parsed again for them: the
engine hands its tree over (``adopt``) when the runner said a later file may need it (``keep``).
Never the other way round: a file's own check never runs on a tree that a silent interpreter of
this project has seen, so what it reports (line numbers of where shapes come from included) does
not depend on what was checked before it.
"""

from __future__ import annotations

import os
import re
from typing import Iterable, Optional

import libcst as cst

from .deps import scan_imports
from .files import SourceError, read_source


def module_names(path: str) -> list[str]:
    """``pkg/sub/mod.py`` -> ["pkg.sub.mod", "mod"] (packages by their ``__init__.py``)."""
    path = os.path.abspath(path)
    folder, filename = os.path.split(path)
    stem = os.path.splitext(filename)[0]
    parts = [] if stem == "__init__" else [stem]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, name = os.path.split(folder)
        parts.insert(0, name)
        if not name:
            break
    names = [".".join(parts)] if parts else []
    if stem != "__init__" and stem not in names:
        names.append(stem)  # a script's sibling imported by its plain name
    return names


_STAR_IMPORT = re.compile(r"^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]+\*", re.M)
_TOP_LEVEL = re.compile(r"^(?:(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)|(\w+)[ \t]*[:=,])", re.M)


def _top_level_names(path: Optional[str]) -> set[str]:
    """The names a module's text may bind at its top level, over-approximated (an import
    anywhere counts), "*" when it has a star import."""
    if path is None:
        return set()
    try:
        text = read_source(path)
    except SourceError:
        return set()
    out = {n for m in _TOP_LEVEL.finditer(text) for n in m.groups() if n}
    for _, imported, names in scan_imports(text):
        out.update(names)
        out.update(imported.split("."))
    if _STAR_IMPORT.search(text):
        out.add("*")
    return out


# source characters of adopted trees kept, in one process, before any call needs them (their
# trees take 15-80 bytes a character): enough for the modules a package's files call into
SPARE_CHARS = 2 * 1024 * 1024


class Project:
    def __init__(self, files, keep: Iterable[str] = (), spare_chars: int = SPARE_CHARS):
        self.by_module: dict[str, str] = {}
        self.module_of: dict[str, str] = {}
        for f in files:
            names = module_names(f)
            if names:
                self.module_of[os.path.abspath(f)] = names[0]
            for name in names:
                self.by_module.setdefault(name, f)
        self._names: dict[str, list[str]] = {}  # path -> the module names that mean it
        for name, f in self.by_module.items():
            self._names.setdefault(f, []).append(name)
        self._trees: dict[str, Optional[cst.Module]] = {}  # path -> its tree (None: not parseable)
        self.keep = set(keep)  # files whose tree their check hands over, for files checked later
        # adopted trees no file has called into yet (the import graph sees more imports than
        # there are calls with shapes): the oldest are dropped beyond ``spare_chars`` of source
        self._spare: dict[str, int] = {}  # path -> characters, oldest first
        self._spare_chars = 0
        self.spare_limit = spare_chars
        self._chars: dict[str, int] = {}  # path -> characters of its tree
        self.interpreters: dict[str, object] = {}  # module name -> its (module-level) interpreter
        self.loading: set[str] = set()
        self.users: dict[str, set[str]] = {}  # module -> the modules that took values from it
        self._top_names: dict[str, set[str]] = {}  # module -> names its text may bind ("*": any)

    def may_define(self, module: str, name: str) -> bool:
        """Could ``module`` bind ``name`` at its top level (a def, a class, an assignment, an
        import; anything, if it has a star import of its own)?  From one look at its text, kept:
        of a package's star imports, only the module that has the name is parsed."""
        names = self._top_names.get(module)
        if names is None:
            names = self._top_names[module] = _top_level_names(self.by_module.get(module))
        return name in names or "*" in names

    def is_package(self, module: str) -> bool:
        path = self.by_module.get(module)
        return path is not None and os.path.basename(path) == "__init__.py"

    def module_name(self, path: str) -> Optional[str]:
        return self.module_of.get(os.path.abspath(path))

    def tree(self, module: str) -> Optional[cst.Module]:
        path = self.by_module.get(module)
        if path is None:
            return None
        if path in self._spare:
            self._spare_chars -= self._spare.pop(path)  # in use now: kept until released
        if path not in self._trees:
            from .engine import parse_checked

            try:
                # as the file's own check would: what must not reach libcst does not (a crash here
                # would take every file down with it), and what libcst cannot parse gives no tree
                source = read_source(path)
                tree, _ = parse_checked(path, source, None)
                self._chars[path] = len(source)
            except SourceError:
                tree = None  # reported when that file itself is checked
            self._trees[path] = tree
        return self._trees[path]

    def adopt(self, path: str, tree: cst.Module, chars: int) -> None:
        """``path`` was just checked, from ``tree`` (of ``chars`` characters): keep it for the
        files that may call into it later, if the runner said there are some."""
        if path not in self.keep or path in self._trees:
            return
        self._trees[path] = tree
        self._chars[path] = chars
        self._spare[path] = chars
        self._spare_chars += chars
        while self._spare_chars > self.spare_limit and len(self._spare) > 1:
            oldest = next(iter(self._spare))
            self._spare_chars -= self._spare.pop(oldest)
            del self._trees[oldest]
            del self._chars[oldest]

    def tree_chars(self, path: str) -> int:
        """Characters of source of the tree kept for ``path`` (0: none is)."""
        return self._chars.get(path, 0) if self._trees.get(path) is not None else 0

    def release(self, paths: Iterable[str]) -> int:
        """Forget the trees and interpreters of ``paths`` (parsed again if ever needed); returns
        the characters of source whose trees were let go."""
        chars = 0
        names: list[str] = []
        for path in paths:
            self.keep.discard(path)
            self._trees.pop(path, None)
            self._spare_chars -= self._spare.pop(path, 0)
            chars += self._chars.pop(path, 0)
            names.extend(self._names.get(path, ()))
        # forgetting an interpreter empties its classes: the interpreters of modules that took
        # values from it (a class built on one of them) go too, else they would use emptied
        # classes, and what they report would depend on when this one was released
        seen: set[str] = set()
        while names:
            name = names.pop()
            if name in seen or name in self.loading:
                continue
            seen.add(name)
            interp = self.interpreters.pop(name, None)
            if interp is not None:
                interp.forget()
            names.extend(self.users.pop(name, ()))
        return chars
