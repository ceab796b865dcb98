"""SL901 unused-suppression: reported only when certain, and fixable."""

from __future__ import annotations

import os

from shapelint.config import Settings
from shapelint.engine import check_source
from shapelint.suppress import directives

HEAD = "import numpy as np\na = np.zeros((3, 4))\nb = np.zeros((5, 4))\n"  # a @ b: SL001 on its line


def found(body: str, settings: Settings = Settings(), path: str = "m.py") -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in check_source(path, HEAD + body, settings)]


def test_used_suppressions_are_quiet():
    assert found("c = a @ b  # noqa: SL001\n") == []
    assert found("c = a @ b  # shapelint: ignore[SL001]\n") == []
    assert found("c = a @ b  # shapelint: ignore\n") == []


def test_unused_ones_are_reported():
    assert found("c = a @ b.T  # noqa: SL001\n") == [(4, "SL901")]
    assert found("c = a @ b.T  # shapelint: ignore\n") == [(4, "SL901")]
    assert found("c = a @ b  # noqa: SL001, SL006\n") == [(4, "SL901")]
    assert found("c = a @ b.T  # noqa: SL1234\n") == [(4, "SL901")]


def test_other_tools_codes_and_bare_noqa_are_never_reported():
    assert found("c = a @ b.T  # noqa\n") == []
    assert found("c = a @ b.T  # noqa: E501\n") == []
    assert found("c = a @ b.T  # type: ignore[attr-defined]  # noqa: F401,E501\n") == []


def test_codes_of_rules_turned_off_are_not_reported():
    assert found("c = a @ b.T  # noqa: SL006\n", Settings(select=("SL001", "SL901"))) == []
    # a bare shapelint directive may be meant for a rule that is off
    assert found("c = a @ b.T  # shapelint: ignore\n", Settings(ignore=("SL006",))) == []
    per_file = Settings(per_file_ignores=((os.getcwd(), "m.py", ("SL006",)),))
    assert found("c = a @ b.T  # noqa: SL006\n", per_file) == []
    assert found("c = a @ b.T  # noqa: SL006\n", per_file, path="other.py") == [(4, "SL901")]


def test_sl901_can_be_turned_off_or_kept():
    assert found("c = a @ b.T  # noqa: SL001\n", Settings(ignore=("SL901",))) == []
    assert found("c = a @ b.T  # noqa: SL001, SL901\n") == []
    assert found("c = a @ b.T  # shapelint: ignore[SL001]  # noqa\n") == []  # another bare directive


def test_only_real_comments_count():
    assert found("s = 'c = a @ b  # noqa: SL001'\n") == []
    assert found('s = """\n# noqa: SL001\n"""\n') == []
    assert found("s = f'{a!r} # shapelint: ignore'\n") == []


def test_a_file_shapelint_failed_on_reports_nothing(monkeypatch):
    from shapelint import engine
    from shapelint.infer import Interpreter

    def boom(self):
        raise RuntimeError("bug")

    monkeypatch.setattr(Interpreter, "run", boom)
    assert [d.code for d in engine.check_source("m.py", HEAD + "c = a @ b.T  # noqa: SL001\n", Settings())] == [
        "SL999"]


def test_directives_parse_like_suppressed_codes():
    (d,) = directives("x = 1  # shapelint: ignore[sl001 ,SL002]")
    assert d.kind == "shapelint" and d.codes == ("SL001", "SL002")
    (d,) = directives("x = 1  # NoQA")
    assert d.kind == "noqa" and d.codes is None
    assert [d.kind for d in directives("x  # noqa: SL001  # shapelint: ignore")] == ["noqa", "shapelint"]
