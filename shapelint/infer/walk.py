"""Cheap traversal of libcst trees.

``node.children`` and ``node.visit`` both rebuild the nodes they pass (libcst
collects children through its visitor machinery); reading the dataclass
fields directly costs a fraction of that.  Only fields that can hold code are
read: whitespace, brackets, commas and operator tokens are never descended
into.  Every test is on the exact type, through dicts: libcst's node classes
are ABCs, and an ``isinstance`` against an ABC costs several times a dict
look-up (measured: a third of a walk).
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

# fields that hold only formatting, punctuation or operator tokens, never code
_TRIVIA_FIELDS = frozenset({
    "lpar", "rpar", "comma", "trailing_comma", "semicolon", "leading_lines", "trailing_whitespace",
    "lines_after_decorators", "header", "footer", "newline", "equal", "colon", "first_colon",
    "second_colon", "dot", "lbrace", "rbrace", "lbracket", "rbracket", "indent", "default_indent",
    "default_newline", "encoding", "has_trailing_newline", "empty_lines", "operator", "asynchronous",
    "posonly_ind", "star",
})
_SKIP = (cst.BaseParenthesizableWhitespace, cst.Comma, cst.Dot, cst.LeftParen, cst.RightParen,
         cst.TrailingWhitespace, cst.EmptyLine, cst.Newline, cst.Comment)

_FIELDS: dict[type, tuple[str, ...]] = {}
# type of a field's value -> 1: a node to yield, 2: a sequence to look into, 0: neither
_KIND: dict[type, int] = {tuple: 2, list: 2, str: 0, type(None): 0, bool: 0}


def _kind(t: type) -> int:
    k = 1 if issubclass(t, cst.CSTNode) and not issubclass(t, _SKIP) else 0
    _KIND[t] = k
    return k


def _fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)
                                  if f.name not in _TRIVIA_FIELDS and not f.name.startswith("whitespace"))
    return names


def iter_children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The child nodes of ``node`` that can hold code, in field order."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _fields(type(node))
    kinds = _KIND
    for name in names:
        value = getattr(node, name)
        k = kinds.get(type(value))
        if k is None:
            k = _kind(type(value))
        if k == 1:
            yield value
        elif k == 2:
            for item in value:
                ki = kinds.get(type(item))
                if ki is None:
                    ki = _kind(type(item))
                if ki == 1:
                    yield item
