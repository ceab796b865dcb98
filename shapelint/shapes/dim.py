"""Dimensions: literal ints, named symbols and small polynomials of them.

A dim is a polynomial with integer coefficients over symbol names; a literal is
the constant polynomial.  ``None`` stands for an unknown dim everywhere.

Symbols come in three kinds.  *Declared* symbols (``n`` in an annotation, an
``int`` parameter) are assumed to be distinct sizes from every other declared
symbol, as jaxtyping assumes, and unrelated to them (``n_ex`` is not ``n_in + n_out``).
*Documented* symbols (a docstring's ``n_samples``) are the same, but only against the
other names of their docstring.  *Opaque* symbols (``n, d = X.shape`` of an
unknown ``X``) are equal to themselves and unknown against anything else: the
code never said they differ, so no finding may rest on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

OPAQUE = "~"  # prefix of an opaque symbol's name
GROUP = "@"  # separates a documented symbol's name from its group: "~n_samples@fit"


@dataclass(frozen=True)
class Dim:
    # ((monomial, coefficient), ...) sorted; a monomial is a sorted tuple of names
    terms: tuple[tuple[tuple[str, ...], int], ...]

    # construction -------------------------------------------------------
    @staticmethod
    def lit(value: int) -> "Dim":
        return Dim(((((), value),) if value else ()))

    @staticmethod
    def sym(name: str, opaque: bool = False) -> "Dim":
        return Dim((((OPAQUE + name if opaque else name,), 1),))

    @staticmethod
    def documented(name: str, group: str) -> "Dim":
        return Dim((((OPAQUE + name + GROUP + group,), 1),))

    @staticmethod
    def _from(poly: dict) -> "Dim":
        return Dim(tuple(sorted((m, c) for m, c in poly.items() if c)))

    # inspection ---------------------------------------------------------
    @property
    def value(self) -> Optional[int]:
        """The int this dim is, or None when it involves symbols."""
        if not self.terms:
            return 0
        if len(self.terms) == 1 and self.terms[0][0] == ():
            return self.terms[0][1]
        return None

    @property
    def symbol(self) -> Optional[str]:
        """The symbol's name when the dim is exactly one symbol."""
        if len(self.terms) == 1:
            mono, coeff = self.terms[0]
            if coeff == 1 and len(mono) == 1:
                return mono[0]
        return None

    @property
    def is_atom(self) -> bool:
        return self.value is not None or self.symbol is not None

    @property
    def is_opaque(self) -> bool:
        return any(name.startswith(OPAQUE) for mono, _ in self.terms for name in mono)

    def symbols(self) -> set[str]:
        return {name for mono, _ in self.terms for name in mono}

    # arithmetic ---------------------------------------------------------
    def _poly(self) -> dict:
        return dict(self.terms)

    def __add__(self, other: "DimLike") -> "Dim":
        poly = self._poly()
        for m, c in as_dim(other).terms:
            poly[m] = poly.get(m, 0) + c
        return Dim._from(poly)

    def __neg__(self) -> "Dim":
        return Dim(tuple((m, -c) for m, c in self.terms))

    def __sub__(self, other: "DimLike") -> "Dim":
        return self + (-as_dim(other))

    def __mul__(self, other: "DimLike") -> "Dim":
        poly: dict = {}
        for m1, c1 in self.terms:
            for m2, c2 in as_dim(other).terms:
                m = tuple(sorted(m1 + m2))
                poly[m] = poly.get(m, 0) + c1 * c2
        return Dim._from(poly)

    __radd__ = __add__
    __rmul__ = __mul__

    def __str__(self) -> str:
        if not self.terms:
            return "0"
        parts = []
        for mono, coeff in sorted(self.terms, key=lambda t: (-len(t[0]), t[0])):
            names = "*".join(display_name(n) for n in mono)
            if not mono:
                parts.append(str(coeff))
            elif coeff == 1:
                parts.append(names)
            elif coeff == -1:
                parts.append("-" + names)
            else:
                parts.append(f"{coeff}*{names}")
        text = parts[0]
        for part in parts[1:]:
            text += f" - {part[1:]}" if part.startswith("-") else f" + {part}"
        return text

    __repr__ = __str__


DimLike = Union[Dim, int]
MaybeDim = Optional[Dim]

ONE = Dim.lit(1)
ZERO = Dim.lit(0)


def display_name(name: str) -> str:
    """A symbol's name as the user wrote it."""
    return name.lstrip(OPAQUE).split(GROUP, 1)[0]


def _documented(d: Dim) -> Optional[tuple[str, str]]:
    """(name, group) of a dim that is exactly one documented symbol."""
    return None if d.symbol is None else _documented_name(d.symbol)


def _documented_name(name: str) -> Optional[tuple[str, str]]:
    if not name.startswith(OPAQUE) or GROUP not in name:
        return None
    base, group = name[1:].split(GROUP, 1)
    return base, group


def _is_size(name: str) -> bool:
    """A symbol the code says is a size: declared, or documented (not an opaque placeholder)."""
    return not name.startswith(OPAQUE) or GROUP in name


def _nonzero(d: Dim) -> bool:
    """Provably not 0: every coefficient has one sign and every symbol is a size (>= 1)."""
    signs = {c > 0 for _, c in d.terms}
    return len(signs) == 1 and all(_is_size(n) for n in d.symbols())


def _look_alike(a: str, b: str) -> bool:
    """Names a docstring may use for one size: n_feature / n_features, in_ch / in_channels,
    nchannels / n_channels (mne).  One letter is no abbreviation: numpy-ml's N and n_ex are two
    sizes."""
    a, b = a.lower().replace("_", "").rstrip("s"), b.lower().replace("_", "").rstrip("s")
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 2 and long.startswith(short)


def as_dim(value: DimLike) -> Dim:
    return value if isinstance(value, Dim) else Dim.lit(value)


def fmt_dim(dim: MaybeDim) -> str:
    return "?" if dim is None else str(dim)


def floordiv(a: MaybeDim, b: MaybeDim) -> MaybeDim:
    """Exact where both are ints, or where b divides every coefficient of a."""
    if a is None or b is None:
        return None
    bv = b.value
    if not bv:
        return None
    if a.value is not None:
        return Dim.lit(a.value // bv)
    if all(c % bv == 0 for _, c in a.terms):
        return Dim(tuple((m, c // bv) for m, c in a.terms))
    return None


def equal(a: MaybeDim, b: MaybeDim, distinct_symbols: bool = True) -> Optional[bool]:
    """True, False, or None when the code does not say.

    Equal polynomials are equal; polynomials that differ by a non-zero constant
    differ (n + 1 != n); two different literal ints differ; with
    ``distinct_symbols``, polynomials whose difference is a sum of same-signed terms over
    declared or documented sizes differ (n_in + n_out != n_out, since a size is at least 1),
    and so do two different unrelated sizes (see ``_unrelated``: n != d, n_ex != n_in + n_out).
    Everything else (n against 5, n*d against m) is unknown.
    """
    if a is None or b is None:
        return None
    diff = a - b
    if not diff.terms:
        return True
    if diff.value is not None:
        return False
    if distinct_symbols and _nonzero(diff):
        return False  # 2*n != n, n_in + n_out != n_out: sizes are positive
    if distinct_symbols and _unrelated(diff):
        return False
    return None


def _unrelated(diff: Dim) -> bool:
    """Is ``diff`` a difference of sizes the code names apart, taken to be non-zero?

    Differently named sizes are different sizes (n != d), and more generally unrelated:
    a sum of them is none of them (n_ex != n_in + n_out), as code that works only when
    n_ex happens to be n_in + n_out is wrong for every other size.  "Named apart" means
    every symbol is declared, or every one is documented in the same docstring under
    names that do not look alike (n_feature, n_features).  Only sums and differences
    qualify: a documented n_params is often n_samples*n_components and a four_h 4*h,
    and n against 5 (or n + m against 5) is unknown, as a declared size may be any int.
    """
    if any(len(mono) != 1 or abs(coeff) != 1 for mono, coeff in diff.terms):
        return False  # a product, a multiple, or a constant term
    names = diff.symbols()
    if len(names) < 2:
        return False
    if not any(name.startswith(OPAQUE) for name in names):
        return True
    documented = [_documented_name(name) for name in names]
    if any(doc is None for doc in documented) or len({group for _, group in documented}) != 1:
        return False
    bases = [base for base, _ in documented]
    return not any(_look_alike(x, y) for i, x in enumerate(bases) for y in bases[i + 1:])


def is_one(d: MaybeDim) -> Optional[bool]:
    """Is this dim 1?  Declared symbols are taken as not 1 (jaxtyping writes a
    dim that may broadcast as ``#n``), and so are documented ones, so a sum or product of
    such sizes with positive coefficients (n + 1, n*d) is at least 2; other opaque ones and
    other expressions (n - 1) are unknown."""
    if d is None:
        return None
    if d.value is not None:
        return d.value == 1
    if d.symbol is not None and (not d.is_opaque or _documented(d)):
        return False
    if all(c > 0 for _, c in d.terms) and all(_is_size(n) for n in d.symbols()):
        return False
    return None


def is_documented(d: MaybeDim) -> bool:
    """Is this dim exactly one size a docstring names (prose, not a contract)?"""
    return d is not None and _documented(d) is not None


def substitute(d: MaybeDim, mapping: dict) -> MaybeDim:
    """Replace symbols by dims; None when a symbol in ``mapping`` maps to None."""
    if d is None:
        return None
    out = Dim(())
    for mono, coeff in d.terms:
        term: Dim = Dim.lit(coeff)
        for name in mono:
            if name in mapping:
                repl = mapping[name]
                if repl is None:
                    return None
                term = term * repl
            else:
                term = term * Dim(((((name,), 1),)))
        out = out + term
    return out
