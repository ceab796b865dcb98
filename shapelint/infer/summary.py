"""Return inference up to renaming: a function's body is run once per *pattern* of argument
shapes, not once per set of names.

numpy-ml's layers each call ``init_weights((self.n_in, self.n_out))`` with the sizes of their
own docstrings: twenty classes, one pattern.  The caller's symbols are renamed to placeholders
(``~$0``, ``~$1`` ...) before the body runs, and back in what it returns.  Placeholders are
opaque: equal only to themselves, never known to differ from another size or to be 1.  Every
answer the body can get about them (equal, different, one) it would also get about the
caller's symbols, so a return inferred on placeholders holds for the call: it may know less
than a run on the real names, never something false.

Symbols the callee can also see by other ways keep their names, so that they still meet:
a method's class attributes carry its class's documented symbols, and a nested function
sees its caller's variables (nothing is renamed for it).
"""

from __future__ import annotations

from typing import Optional

from ..shapes import Dim
from ..shapes.dim import GROUP, OPAQUE, substitute
from ..values import Value, map_dims

PLACEHOLDER = "$"


def canonical(given: dict[str, Value], keep_group: Optional[str]) -> tuple[dict[str, Value], dict[str, Dim]]:
    """``given`` with its symbols renamed to placeholders, numbered in order of appearance
    (arguments by name), and the renaming back.  Documented symbols of ``keep_group`` keep
    their names."""
    forward: dict[str, Dim] = {}
    back: dict[str, Dim] = {}
    keep_suffix = None if keep_group is None else GROUP + keep_group

    def rename(d: Dim) -> Dim:
        names = [name for mono, _ in d.terms for name in mono]
        if not names:
            return d
        for name in names:
            if name in forward or (keep_suffix is not None and name.endswith(keep_suffix)):
                continue
            placeholder = f"{PLACEHOLDER}{len(forward)}"
            forward[name] = Dim.sym(placeholder, opaque=True)
            back[OPAQUE + placeholder] = Dim((((name,), 1),))
        return substitute(d, forward)

    renamed = {k: map_dims(given[k], rename) for k in sorted(given)}
    return renamed, back


def restore(value: Value, back: dict[str, Dim]) -> Value:
    """``value`` (inferred on placeholders) in the caller's names."""
    if not back:
        return value
    return map_dims(value, lambda d: substitute(d, back))


__all__ = ["canonical", "restore"]
