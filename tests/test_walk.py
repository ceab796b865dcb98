"""The interpreter's own tree walk (shapelint.infer.walk) skips only formatting: every piece of
code libcst's visitor reaches, it reaches too."""

from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from shapelint.infer.walk import iter_children

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# what carries code, as opposed to whitespace, punctuation and operator tokens
CODE = (cst.BaseExpression, cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.SimpleStatementLine,
        cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement, cst.Param, cst.AssignTarget,
        cst.Decorator, cst.ExceptHandler, cst.Else, cst.Finally, cst.IndentedBlock, cst.ImportAlias,
        cst.AsName, cst.WithItem, cst.CompFor, cst.CompIf, cst.Index, cst.Slice, cst.SubscriptElement,
        cst.ComparisonTarget, cst.MatchCase, cst.FormattedStringExpression)


class _Count(cst.CSTVisitor):
    def __init__(self):
        self.seen: Counter = Counter()

    def on_visit(self, node):
        if isinstance(node, CODE):
            self.seen[type(node).__name__] += 1
        return True


def _walked(tree: cst.Module) -> Counter:
    seen: Counter = Counter()
    stack = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, CODE):
            seen[type(n).__name__] += 1
        stack.extend(iter_children(n))
    return seen


SOURCE = '''
import numpy as np
from . import mod as m
@dec(1)
async def f(a, /, b: int = 2, *args, c=3, **kw) -> "X":
    """doc"""
    x = [i ** 2 for i in range(a) if i % 2]
    y = {k: v for k, v in kw.items()}
    async with open(a) as fh, g() as (p, q):
        pass
    try:
        z = a[1:2, ..., None] @ b.T
    except (ValueError, TypeError) as err:
        raise RuntimeError() from err
    else:
        z += 1
    finally:
        del x
    while not a < b <= c:
        break
    match a:
        case [1, *rest] if rest:
            return f"{a!r:>{b}}"
        case {"k": v, **others}:
            pass
    lam = lambda u, *w: (u, *w)
    global G
    assert a, "msg"
    return (yield from z) if (n := len(a)) else {**kw, "a": -a}
class C(Base, metaclass=M):
    x: int = 1
'''


@pytest.mark.parametrize("name,text", [("inline", SOURCE)] + [
    (str(p.relative_to(FIXTURES)), p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.rglob("*.py"))])
def test_walk_reaches_all_code_the_visitor_reaches(name, text):
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError:
        pytest.skip("a fixture of bad input")
    visitor = _Count()
    tree.visit(visitor)
    assert _walked(tree) == visitor.seen
