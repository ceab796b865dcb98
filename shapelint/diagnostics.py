"""A finding as plain data: what every reporter renders and every test compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Fix:
    """Replace the source between two (line, column) points (1-based, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, exclusive
    code: str
    name: str
    severity: str
    message: str
    notes: tuple[str, ...] = ()
    suggestion: Optional[str] = None
    fix: Optional[Fix] = field(default=None, compare=False)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_json(self) -> dict:
        """The JSON contract: these keys, in this order."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "notes": list(self.notes),
            "suggestion": self.suggestion,
        }
