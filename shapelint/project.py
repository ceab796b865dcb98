"""The checked files as a set of modules: calls between them are followed.

A module is parsed only when another checked file calls into it, then kept
for the rest of the run (per process).  Its module-level code is interpreted
once, silently, so its functions' declarations and globals are known.
"""

from __future__ import annotations

import os
from typing import Optional

import libcst as cst

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


class Project:
    def __init__(self, files):
        self.by_module: dict[str, str] = {}
        self.module_of: dict[str, str] = {}
        for f in files:
            names = module_names(f)
            if names:
                self.module_of[os.path.abspath(f)] = names[0]
            for name in names:
                self.by_module.setdefault(name, f)
        self._trees: dict[str, Optional[cst.Module]] = {}
        self.interpreters: dict[str, object] = {}  # module name -> its (module-level) interpreter
        self.loading: set[str] = set()

    def module_name(self, path: str) -> Optional[str]:
        return self.module_of.get(os.path.abspath(path))

    def tree(self, module: str) -> Optional[cst.Module]:
        if module not in self._trees:
            path = self.by_module.get(module)
            tree = None
            if path is not None:
                try:
                    tree = cst.parse_module(read_source(path))
                except (SourceError, cst.ParserSyntaxError, RecursionError):
                    tree = None  # reported when that file itself is checked
            self._trees[module] = tree
        return self._trees[module]
