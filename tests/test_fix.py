"""--fix and --diff: byte-exact, validated, atomic, idempotent."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shapelint import fix as fixer
from shapelint.config import Settings
from shapelint.diagnostics import Diagnostic, Fix

REPO = Path(__file__).resolve().parent.parent
MLP = REPO / "fixtures" / "demo" / "mlp.py"


def run(cwd, *args):
    env = dict(os.environ, NO_COLOR="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "shapelint", "check", "--isolated", "--no-cache", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def fixed_mlp() -> str:
    text = MLP.read_text()
    return text.replace("dW2 = dout.T @ H", "dW2 = H.T @ dout").replace("dH = dout @ W2 ", "dH = dout @ W2.T ")


# --- the command -------------------------------------------------------------------------------------


def test_fix_then_nothing_left_to_fix(tmp_path):
    shutil.copy(MLP, tmp_path / "mlp.py")
    proc = run(tmp_path, "mlp.py", "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checked: no findings in 1 file.\nFixed 2 findings.\n"
    assert (tmp_path / "mlp.py").read_text() == fixed_mlp()
    again = run(tmp_path, "mlp.py", "--fix")
    assert again.returncode == 0 and again.stdout == "All checked: no findings in 1 file.\n"
    assert (tmp_path / "mlp.py").read_text() == fixed_mlp()
    assert sorted(os.listdir(tmp_path)) == ["mlp.py"]  # no temporary file left behind


def test_fix_reports_what_is_left(tmp_path):
    shutil.copytree(REPO / "fixtures" / "demo", tmp_path / "demo")
    proc = run(tmp_path, "demo", "--fix", "--format", "concise")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert [line.split(": ", 2)[1] for line in lines[:2]] == ["SL006 [warning] predict(X, w) - y",
                                                              "SL004 [warning] mu.T"]
    assert lines[2:] == ["Found 0 errors, 2 warnings in 1 file.", "Fixed 2 findings."]
    # machine formats stay machine-readable: the note goes to stderr
    shutil.copy(MLP, tmp_path / "demo" / "mlp.py")
    proc = run(tmp_path, "demo", "--fix", "--format", "json")
    assert proc.stderr == "shapelint: Fixed 2 findings.\n"
    assert [d["code"] for d in __import__("json").loads(proc.stdout)] == ["SL006", "SL004"]


def test_diff_writes_nothing(tmp_path):
    shutil.copy(MLP, tmp_path / "mlp.py")
    proc = run(tmp_path, "mlp.py", "--diff")
    assert proc.returncode == 1
    assert proc.stdout == (
        "--- a/mlp.py\n"
        "+++ b/mlp.py\n"
        "@@ -21,9 +21,9 @@\n"
        '     dout: Float[np.ndarray, "n k"],\n'
        " ):\n"
        "     # (k, n) @ (n, h) is (k, h): W2's shape reversed\n"
        "-    dW2 = dout.T @ H  # warning: SL003\n"
        "+    dW2 = H.T @ dout  # warning: SL003\n"
        "     # W2 must be transposed here: (n, k) @ (h, k) does not multiply\n"
        "-    dH = dout @ W2  # error: SL001\n"
        "+    dH = dout @ W2.T  # error: SL001\n"
        "     dH = dH * (H > 0)\n"
        "     dW1 = X.T @ dH\n"
        "     return dW1, dW2\n"
    )
    assert proc.stderr == "shapelint: Would fix 2 findings.\n"
    assert (tmp_path / "mlp.py").read_bytes() == MLP.read_bytes()
    run(tmp_path, "mlp.py", "--fix")
    proc = run(tmp_path, "mlp.py", "--diff")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "shapelint: No fixes available.\n"


def test_every_other_byte_is_kept(tmp_path):
    """CRLF line endings, a BOM, tabs, trailing blanks, comments: only the fixed spans change."""
    body = ("import numpy as np\r\n"
            "\r\n"
            "a = np.zeros((3, 4))   \r\n"
            "b = np.zeros((5, 4))\t# a comment\r\n"
            "if True:\r\n"
            "\tc = a  @  b   # keep  this\r\n"
            "d = '''\r\n  a @ b\r\n'''\r\n")
    path = tmp_path / "m.py"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    proc = run(tmp_path, "m.py", "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert path.read_bytes() == b"\xef\xbb\xbf" + body.replace("a  @  b", "a @ b.T").encode()


def test_coding_cookie_is_kept(tmp_path):
    body = "# -*- coding: latin-1 -*-\nimport numpy as np\n# caf\xe9\na = np.zeros((3, 4))\nb = np.zeros((5, 4))\nc = a @ b\n"
    path = tmp_path / "m.py"
    path.write_bytes(body.encode("latin-1"))
    assert run(tmp_path, "m.py", "--fix").returncode == 0
    assert path.read_bytes() == body.replace("a @ b", "a @ b.T").encode("latin-1")


def test_replacement_is_parenthesised_where_it_would_bind_differently(tmp_path):
    body = ("import numpy as np\n\na = np.zeros((3, 4))\nb = np.zeros((5, 4))\n"
            "y = np.dot(a, b) ** 2\nz = -(a @ b)\nw = 2 * np.dot(a, b)\n")
    (tmp_path / "m.py").write_text(body)
    proc = run(tmp_path, "m.py", "--fix")
    assert proc.returncode == 0, proc.stdout
    assert (tmp_path / "m.py").read_text().splitlines()[4:] == [
        "y = (a @ b.T) ** 2", "z = -(a @ b.T)", "w = 2 * (a @ b.T)"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and symlinks")
def test_permissions_and_symlinks_are_kept(tmp_path):
    real = tmp_path / "real.py"
    shutil.copy(MLP, real)
    os.chmod(real, 0o754)
    (tmp_path / "link.py").symlink_to("real.py")
    assert run(tmp_path, "link.py", "--fix").returncode == 0
    assert (tmp_path / "link.py").is_symlink()
    assert real.read_text() == fixed_mlp()
    assert stat.S_IMODE(real.stat().st_mode) == 0o754


def test_unused_suppressions_are_fixed(tmp_path):
    body = ("import numpy as np\n"
            "a = np.zeros((3, 4))\n"
            "b = np.zeros((4, 5))\n"
            "c = a @ b  # shapelint: ignore[SL001]\n"
            "d = a @ b  # noqa: SL001, E501\n"
            "e = a @ b  # noqa: SL001 because the shapes were wrong\n"
            "f = a @ b  # explained here  # shapelint: ignore\n"
            "g = a @ b  # noqa: SL001  # the other comment stays\n"
            "h = a @ b  # shapelint: ignore[SL006,SL001]\n"
            "s = 'x  # noqa: SL001'\n")
    (tmp_path / "m.py").write_text(body)
    proc = run(tmp_path, "m.py", "--fix")
    assert proc.returncode == 0, proc.stdout
    assert (tmp_path / "m.py").read_text() == (
        "import numpy as np\n"
        "a = np.zeros((3, 4))\n"
        "b = np.zeros((4, 5))\n"
        "c = a @ b\n"
        "d = a @ b  # noqa: E501\n"
        "e = a @ b  # because the shapes were wrong\n"
        "f = a @ b  # explained here\n"
        "g = a @ b  # the other comment stays\n"
        "h = a @ b\n"
        "s = 'x  # noqa: SL001'\n")


def test_a_file_that_does_not_parse_is_left_alone(tmp_path):
    (tmp_path / "bad.py").write_text("def f(:\n    return a @ b\n")
    before = (tmp_path / "bad.py").read_bytes()
    proc = run(tmp_path, "bad.py", "--fix")
    assert proc.returncode == 1 and "SL900" in proc.stdout
    assert (tmp_path / "bad.py").read_bytes() == before


def test_fixing_every_fixture_twice():
    """Across the fixtures: fixed texts still parse, fix what they claim, and a second round of
    fixing changes nothing (in process, on the texts)."""
    import libcst as cst

    fixed_any = 0
    for path in sorted((REPO / "fixtures").rglob("*.py")):
        if path.name == "syntax_error.py":
            continue
        text = path.read_text(encoding="utf-8")
        first = fixer.fix_source(str(path), text, Settings())
        if not first.changed:
            assert first.applied == []
            continue
        fixed_any += 1
        cst.parse_module(first.fixed)
        from shapelint.engine import check_source

        assert len(first.remaining) <= len(check_source(str(path), text, Settings())) - len(first.applied)
        second = fixer.fix_source(str(path), first.fixed, Settings())
        assert not second.changed, path
    assert fixed_any >= 3


# --- validation, in process -------------------------------------------------------------------------------

SOURCE = ("import numpy as np\n\na = np.zeros((3, 4))\nb = np.zeros((5, 4))\n"
          "c = a @ b  # SL001\n")
SPAN = Fix(5, 5, 5, 10, "a @ b.T")


def tree(text):
    import ast

    return ast.parse(text)


def test_validate_accepts_a_rearrangement():
    assert fixer.validate(SOURCE, tree(SOURCE), SPAN) == SPAN
    assert fixer.validate(SOURCE, tree(SOURCE), Fix(5, 5, 5, 10, "(b @ a.T).T")) is not None


@pytest.mark.parametrize("replacement", [
    "a @ b...",           # a truncated label
    "a @ ...",            # truncated into something that parses
    "a @ c.T",            # another operand
    "a @ b.T @ b",        # an operand more
    "a @ b.T  # x",       # a comment that would eat the rest of the line
    "a @ b.T)",           # does not parse
    "a @ b",              # no change
])
def test_validate_refuses_what_is_not_a_rearrangement(replacement):
    assert fixer.validate(SOURCE, tree(SOURCE), Fix(5, 5, 5, 10, replacement)) is None


MASKED = "def f(X, m):\n    return X[m]\n"


@pytest.mark.parametrize("replacement, accepted", [
    ("X[:, m]", True),        # SL017's fix: the mask moved to the axis it fits
    ("X[:, :, m]", True),
    ("X[m, :]", False),       # not a move behind full slices
    ("X[1:, m]", False),
    ("X[:, n]", False),       # another index
    ("Y[:, m]", False),       # another array
])
def test_validate_accepts_only_a_mask_moved_behind_full_slices(replacement, accepted):
    got = fixer.validate(MASKED, tree(MASKED), Fix(2, 12, 2, 16, replacement))
    assert (got is not None) == accepted


AVERAGED = "def f(X, w):\n    return np.average(X, axis=1, weights=w)\n"


@pytest.mark.parametrize("replacement, accepted", [
    ("np.average(X, axis=0, weights=w)", True),     # SL018's fix: the axis the weights fit
    ("np.average(X, axis=2, weights=w)", True),
    ("np.average(X, axis=1, weights=w)", False),    # no change
    ("np.average(X, axis=k, weights=w)", False),    # not an int
    ("np.average(X, axis=0, weights=v)", False),    # another argument changed too
    ("np.average(X, weights=w)", False),            # the axis dropped
    ("np.mean(X, axis=0, weights=w)", False),       # another function
])
def test_validate_accepts_only_another_int_axis(replacement, accepted):
    got = fixer.validate(AVERAGED, tree(AVERAGED), Fix(2, 12, 2, 44, replacement))
    assert (got is not None) == accepted


STORED = "def f(X, m):\n    X[m] = 0.0\n"


@pytest.mark.parametrize("replacement, accepted", [("X[:, m]", True), ("X[m, :]", False), ("Y[:, m]", False)])
def test_validate_moves_a_mask_in_an_assignment_target(replacement, accepted):
    """``X[m] = v``: the target stores (ast's Store context) where the same text parsed alone
    loads; the fix is still the same subscript with its mask moved, and the result still stores."""
    got = fixer.validate(STORED, tree(STORED), Fix(2, 5, 2, 9, replacement))
    assert (got is not None) == accepted
    if accepted:
        assert fixer.splice(STORED, [got]) == "def f(X, m):\n    X[:, m] = 0.0\n"


def test_validate_refuses_a_span_that_is_not_the_expression():
    assert fixer.validate(SOURCE, tree(SOURCE), Fix(5, 5, 5, 8, "b.T")) is None  # "a @" is no expression
    assert fixer.validate(SOURCE, tree(SOURCE), Fix(9, 1, 9, 2, "x")) is None  # outside the file


def test_a_fix_that_does_not_remove_its_finding_is_not_applied():
    calls = []

    def stubborn(path, text, settings):
        calls.append(text)
        return [Diagnostic(path, 5, 5, 5, 10 if "b.T" not in text else 12, "SL001", "m", "error", "still wrong",
                           fix=None if "b.T" in text else SPAN)]

    result = fixer.fix_source("m.py", SOURCE, Settings(), check=stubborn)
    assert not result.changed and result.applied == [] and len(result.rejected) == 1
    assert result.remaining[0].fix is None
    assert len(calls) == 2  # the original, and the fixed text that was checked and refused


def test_a_fix_that_adds_a_finding_is_not_applied():
    def worse(path, text, settings):
        if "b.T" in text:
            return [Diagnostic(path, 6, 1, 6, 2, "SL005", "m", "error", "new")]
        return [Diagnostic(path, 5, 5, 5, 10, "SL001", "m", "error", "m", fix=SPAN)]

    result = fixer.fix_source("m.py", SOURCE, Settings(), check=worse)
    assert not result.changed


def test_write_refuses_a_file_changed_meanwhile(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    result = fixer.fix_file(str(path), Settings())
    assert result.changed
    path.write_text(SOURCE + "x = 1\n")
    with pytest.raises(fixer.FixError, match="changed while it was being fixed"):
        fixer.write(result)
    assert path.read_text() == SOURCE + "x = 1\n"
    assert sorted(os.listdir(tmp_path)) == ["m.py"]


def test_a_comment_in_a_replacement_is_refused():
    text = SOURCE.replace("c = a @ b  # SL001", "c = np.dot(a, b) + 1")
    assert fixer.validate(text, tree(text), Fix(5, 5, 5, 17, "a @ b.T  # x")) is None
    assert fixer.validate(text, tree(text), Fix(5, 5, 5, 17, "a @ b.T")) is not None


def test_write_failure_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    result = fixer.fix_file(str(path), Settings())

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixer.tempfile, "mkstemp", refuse)
    with pytest.raises(fixer.FixError, match="cannot write .*m.py: Permission denied"):
        fixer.write(result)
    assert path.read_text() == SOURCE


def test_splice_and_line_map():
    text = "ab\r\ncd\ref\n"
    assert fixer.splice(text, [Fix(2, 1, 2, 3, "X"), Fix(1, 2, 1, 3, "Y\nZ")]) == "aY\nZ\r\nX\ref\n"
    with pytest.raises(fixer.FixError):
        fixer.splice(text, [Fix(1, 1, 2, 2, "x"), Fix(1, 2, 1, 3, "y")])
    mapped = fixer._line_map([Fix(2, 1, 3, 1, "one\ntwo\nthree")])
    assert [mapped(n) for n in (1, 2, 3, 4)] == [1, 2, 2, 5]
