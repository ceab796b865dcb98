"""What the interpreter records about functions and classes it has seen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..sources.annotations import Declared, read_annotation
from ..values import Value


@dataclass
class Param:
    name: str
    declared: Declared
    node: cst.Param
    kind: str  # "pos", "kwonly", "star", "starstar"


@dataclass
class FuncInfo:
    name: str
    node: cst.FunctionDef
    params: list[Param]
    ret: Declared
    cls: Optional["ClassInfo"] = None

    @property
    def is_method(self) -> bool:
        if self.cls is None:
            return False
        for dec in self.node.decorators:
            d = dec.decorator
            if isinstance(d, cst.Name) and d.value == "staticmethod":
                return False
        return True

    def symbols(self) -> set[str]:
        """Every dim symbol its declarations mention: bound per call."""
        out: set[str] = set()
        for p in self.params:
            if p.declared.shape is not None:
                for d in p.declared.shape.dims:
                    if d is not None:
                        out |= d.symbols()
            if p.declared.is_int:
                out.add(p.name)
        if self.ret.shape is not None:
            for d in self.ret.shape.dims:
                if d is not None:
                    out |= d.symbols()
        return out

    def param_symbols(self) -> set[str]:
        out: set[str] = set()
        for p in self.params:
            if p.declared.shape is not None:
                for d in p.declared.shape.dims:
                    if d is not None:
                        out |= d.symbols()
            if p.declared.is_int:
                out.add(p.name)
        return out


@dataclass(frozen=True)
class FuncRef(Value):
    info: FuncInfo


@dataclass
class ClassInfo:
    name: str
    node: cst.ClassDef
    methods: dict[str, FuncInfo] = field(default_factory=dict)
    attrs: dict[str, Value] = field(default_factory=dict)  # "self.X" -> joined value
    stores: dict[str, list[Value]] = field(default_factory=dict)  # every value assigned to self.X
    body_env: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassRef(Value):
    info: ClassInfo


@dataclass(frozen=True)
class Instance(Value):
    info: ClassInfo


def function_info(node: cst.FunctionDef, cls: Optional[ClassInfo]) -> FuncInfo:
    ps = node.params
    params: list[Param] = []
    for kind, group in (("pos", list(ps.posonly_params) + list(ps.params)), ("kwonly", ps.kwonly_params)):
        for p in group:
            ann = p.annotation.annotation if p.annotation else None
            params.append(Param(p.name.value, read_annotation(ann), p, kind))
    for kind, p in (("star", ps.star_arg), ("starstar", ps.star_kwarg)):
        if isinstance(p, cst.Param):
            params.append(Param(p.name.value, Declared(), p, kind))
    ret = read_annotation(node.returns.annotation) if node.returns else Declared()
    return FuncInfo(node.name.value, node, params, ret, cls)
