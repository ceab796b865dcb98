"""Settings that affect results: one frozen object, passed everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # codes or prefixes; empty = all
    ignore: tuple[str, ...] = ()
    distinct_symbols: bool = True  # two different declared symbols are different sizes
    verbose: bool = False  # SL999 carries the traceback

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)
