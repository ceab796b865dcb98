"""Exact-type node tests (``type(node) is cst.Name``) agree with ``isinstance`` only for libcst
classes that nothing subclasses: every class shapelint tests that way must be one."""

import inspect
import re
from pathlib import Path

import libcst as cst

SOURCE = Path(__file__).resolve().parent.parent / "shapelint"
# ``type(x) is cst.A``, ``type(x) is not cst.A``, ``type(x) in (cst.A, cst.B)``
EXACT = re.compile(r"type\([^()]*(?:\([^()]*\)[^()]*)*\) (?:is|is not|in|not in) (\(?(?:cst\.\w+(?:, )?)+\)?)")
# the module-level sets of node classes those tests use
SETS = re.compile(r"^_?[A-Z_]+ = frozenset\(\{([^}]*)\}\)", re.M)


def _named_classes() -> dict[str, str]:
    found = {}
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in list(EXACT.finditer(text)) + list(SETS.finditer(text)):
            for name in re.findall(r"cst\.(\w+)", m.group(1)):
                found.setdefault(name, str(path.relative_to(SOURCE)))
    return found


def test_exact_type_tests_name_only_classes_without_subclasses():
    named = _named_classes()
    assert len(named) > 40  # the scan sees the interpreter's tests
    for name, where in named.items():
        cls = getattr(cst, name)
        assert inspect.isclass(cls) and issubclass(cls, cst.CSTNode), (name, where)
        assert not cls.__subclasses__(), f"{where}: cst.{name} has subclasses {cls.__subclasses__()}"


def test_the_scan_recognises_each_form():
    text = "if type(a.b) is cst.Name and type(f(x)) not in (cst.Tuple, cst.List): pass"
    assert [m.group(1) for m in EXACT.finditer(text)] == ["cst.Name", "(cst.Tuple, cst.List)"]
