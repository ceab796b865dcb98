"""Every rule, by code.  Each module carries its rules' documentation."""

from __future__ import annotations

from typing import Optional

from . import axis, broadcast, contract, declarations, gradients, matmul, meta, reshape, suppression, transpose
from . import concat, einsum, indexing, operands, reduction, unpack
from .base import Rule

ALL_RULES: list[Rule] = sorted(
    [
        meta.REVEAL, matmul.RULE, gradients.SHAPE, gradients.TRANSPOSED, transpose.RULE,
        broadcast.ERROR, broadcast.OUTER, contract.RULE, reshape.RULE, axis.RULE, broadcast.INPLACE,
        meta.SYNTAX, meta.INTERNAL, declarations.RULE, suppression.RULE,
        concat.RULE, einsum.RULE, reduction.RULE, reduction.MISALIGNED, unpack.RULE, indexing.RULE,
        indexing.MASK, operands.RULE,
    ],
    key=lambda r: r.code,
)
BY_CODE = {r.code: r for r in ALL_RULES}

# event kind -> the checks that read it
HANDLERS: dict[str, list] = {}
for _rule in ALL_RULES:
    for _kind in _rule.events:
        HANDLERS.setdefault(_kind, []).append(_rule.check)


def get_rule(code: str) -> Optional[Rule]:
    return BY_CODE.get(code.upper())


__all__ = ["ALL_RULES", "BY_CODE", "HANDLERS", "Rule", "get_rule"]
