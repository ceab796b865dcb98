"""``shapelint shapes FILE[:LINE]``: what shapelint inferred, name by name.

Runs the interpreter over one file and lists every parameter and every assigned name with
the shape inferred for it and where that shape came from::

    model.py:7:5: W: (d, h) from the annotation of parameter W, line 7
    model.py:9:5: h: (n, h) from X @ W, line 9

With a LINE, only the names bound on that line.  This is how annotations are debugged: if a
shape is not what you meant, the annotation it came from is named.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from .config import Settings
from .shapes import fmt_dim, fmt_shape
from .values import Array, Int, Scalar, Unknown


@dataclass(frozen=True)
class Binding:
    path: str
    line: int
    column: int
    name: str
    kind: str  # "parameter", "array", "int", "scalar", "unknown"
    shape: Optional[str]  # "(n, d)" for arrays of known shape
    text: str  # "h: (n, k) from x @ w, line 13"

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column, "name": self.name,
                "kind": self.kind, "shape": self.shape, "text": self.text}


def split_target(arg: str) -> tuple[str, Optional[int]]:
    """``path/to/file.py:12`` -> (path, 12); a path that exists as written is never split."""
    if os.path.exists(arg):
        return arg, None
    head, sep, tail = arg.rpartition(":")
    if sep and head and tail.isdigit():
        return head, int(tail)
    return arg, None


def _describe(ctx, node, key: str, value, is_param: bool) -> Optional[tuple[str, Optional[str], str]]:
    """(kind, shape, text) for one binding, or None for values that are not about shapes."""
    if isinstance(value, Array):
        kind = "parameter" if is_param else "array"
        if value.shape is None:
            return kind, None, f"{key}: array of unknown shape{ctx.origin_text(value.origin, node)}"
        return kind, fmt_shape(value.shape), ctx.describe(node, value, label=key)
    if isinstance(value, Int):
        dim = value.dim
        return "int", None, (f"{key}: int" if dim is None else f"{key}: int = {fmt_dim(dim)}")
    if isinstance(value, Scalar):
        return "scalar", "()", f"{key}: scalar ()"
    if isinstance(value, Unknown):
        if is_param:
            return None  # unannotated parameters: nothing to debug
        return "unknown", None, f"{key}: unknown (not inferred)"
    return None


def bindings(path: str, source: str, settings: Settings, project=None) -> list[Binding]:
    """Every parameter and assigned name of ``source`` with its inferred shape, in source order.
    ``project`` (a shapelint.project.Project) lets calls into other files be followed, as a check does.

    Raises ``libcst.ParserSyntaxError`` when the source does not parse, ``ValueError`` when it is
    refused before parsing (NUL bytes, pathological nesting).
    """
    from .infer import Interpreter
    from .infer.expressions import key_of
    from .rules.context import Context

    from .engine import _refused

    refused = _refused(path, source)  # what would crash or stall libcst is never given to it
    if refused is not None:
        raise ValueError(refused.message)
    module = cst.parse_module(source)
    ctx = Context(module, path, settings)
    seen: dict[int, tuple] = {}  # id(node) -> (node, name, value, is_param); the last binding wins

    def sink(event) -> None:
        if event.kind == "assign":
            d = event.data
            target = d.get("target", event.node)
            seen[id(target)] = (target, d.get("key") or ctx.code(target), d.get("vval"), False)

    class Recorder(Interpreter):
        def param_value(self, p, *args, **kwargs):
            value = super().param_value(p, *args, **kwargs)
            node = getattr(p, "node", None)
            if node is not None and not self.silent:
                seen[id(node)] = (node, p.name, value, True)
            return value

        def shape_comment(self, stmt, small, *args, **kwargs):
            super().shape_comment(stmt, small, *args, **kwargs)
            if isinstance(small, cst.Assign):
                target = small.targets[0].target
            elif isinstance(small, cst.AnnAssign):
                target = small.target
            else:
                return
            key = key_of(target)
            if key is not None and key in self.env and not self.silent:
                seen[id(target)] = (target, key, self.env[key], False)

    module_name = project.module_name(path) if project is not None else None
    interp = Recorder(module, sink, settings, project, module_name)
    ctx.interp = interp
    interp.run()

    positions = ctx.positions()
    out = []
    for node, name, value, is_param in seen.values():
        described = _describe(ctx, node, name, value, is_param)
        pos = positions.get(node)
        if described is None or pos is None:
            continue
        kind, shape, text = described
        out.append(Binding(path, pos.start.line, pos.start.column + 1, name, kind, shape, text))
    out.sort(key=lambda b: (b.line, b.column, b.name))
    return out


def render_text(found: list[Binding]) -> str:
    return "".join(f"{b.path}:{b.line}:{b.column}: {b.text}\n" for b in found)


__all__ = ["Binding", "bindings", "render_text", "split_target"]
