"""Cheap traversal of libcst trees.

``node.children`` and ``node.visit`` both rebuild the nodes they pass (libcst
collects children through its visitor machinery); reading the dataclass
fields directly costs a fraction of that.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}
_SKIP = (cst.BaseParenthesizableWhitespace, cst.Comma, cst.Dot, cst.LeftParen, cst.RightParen,
         cst.TrailingWhitespace, cst.EmptyLine, cst.Newline, cst.Comment)


def iter_children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(node))
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if not isinstance(value, _SKIP):
                yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode) and not isinstance(item, _SKIP):
                    yield item
