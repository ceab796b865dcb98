"""What a rule is: a code, a name, a default severity, its documentation, a check."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # default severity of its findings
    summary: str  # one line
    doc: str  # markdown: "## What it does", "## Why is this bad?", "## Example", "## Use instead"
    events: tuple[str, ...] = ()  # kinds of inference event the check reads
    check: Optional[Callable] = None  # check(event, ctx) -> Iterable[Finding]

    def documentation(self) -> str:
        return f"# {self.code} {self.name}\n\n{self.summary}\n\n{textwrap.dedent(self.doc).strip()}\n"
