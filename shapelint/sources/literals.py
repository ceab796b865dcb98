"""The text of a string literal, without libcst's ``evaluated_value``.

``evaluated_value`` runs ``ast.literal_eval`` (a parse and a compile) for every literal, and leaves
reference cycles behind for the collector; most literals (keys, modes, einsum subscripts) have no
escape, and their text is read off the source directly."""

from __future__ import annotations

import warnings
from typing import Optional

import libcst as cst


def string_value(node: cst.CSTNode) -> Optional[str]:
    """The value of a str literal (implicit concatenations included), or None for bytes,
    f-strings, anything else, and literals Python would refuse."""
    kind = type(node)
    if kind is cst.ConcatenatedString:
        left, right = string_value(node.left), string_value(node.right)
        return None if left is None or right is None else left + right
    if kind is not cst.SimpleString:
        return None
    raw = node.value
    quote = next((i for i, c in enumerate(raw) if c in "'\""), None)
    if quote is None:
        return None
    prefix = raw[:quote].lower()
    if "b" in prefix:
        return None
    body = raw[quote:]
    q = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    inner = body[len(q):-len(q)]
    if "\r" not in inner and ("\\" not in inner or "r" in prefix):
        return inner  # nothing to decode (a raw string's value is its text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid escape sequence": the checked code's business
            value = node.evaluated_value
    except Exception:  # noqa: BLE001 - a malformed literal has no value
        return None
    return value if isinstance(value, str) else None


def docstring(node) -> Optional[str]:
    """The docstring of a function or class, uncleaned (libcst's ``get_docstring(clean=False)``, through
    ``string_value``)."""
    first: cst.CSTNode = node.body
    while isinstance(first, (cst.BaseSuite, cst.SimpleStatementLine)):
        if not first.body:
            return None
        first = first.body[0]
    if type(first) is not cst.Expr:
        return None
    return string_value(first.value)
