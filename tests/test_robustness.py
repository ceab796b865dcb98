"""Issue 6: shapelint keeps working on anything it is given, and touches nothing it should not.

* The input catalogue: one directory holds a normal buggy numpy file next to every kind of odd
  input (syntax errors, Python 2, odd encodings and line endings, NUL bytes, a 5 MB file, deep
  nesting, unreadable files, broken links, a directory named ``x.py``, pathological shape
  annotations...).  One run of the real command, in a subprocess as CI runs it, must give each a
  clear finding or message, print no traceback, and still print the normal file's finding.
* Configuration that cannot be used (malformed TOML, unknown codes) is a clear one-line error.
* Determinism: byte-identical output across runs, ``-j`` values and with or without the cache.
* Checked code is never executed, and shapelint's own source has no way to execute it.
* ``--fix`` never corrupts a file: atomic writes, interrupted writes leave the original, fixes
  that would not parse are not written, and fixing twice is fixing once.

The fuzz tests (generated programs) are in tests/test_fuzz.py.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shapelint.config import Settings
from shapelint.engine import check_source

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "shapelint"
FIXTURES = ROOT / "fixtures"

BUG = "np.zeros((2, 3)) @ np.zeros((4, 5))"  # SL001: inner dimensions 3 != 4


def shapelint(*args: str, cwd, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m shapelint ARGS`` as CI runs it: a fresh process, no colour, UTF-8 output."""
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, capture_output=True,
                          encoding="utf-8", errors="replace", timeout=timeout, env=env)


def _cli_runner():
    """click's CliRunner with stderr apart from stdout (click < 8.2 mixes them unless asked not to)."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    for stream in (proc.stdout, proc.stderr):
        assert "Traceback (most recent call last)" not in stream, stream[-3000:]
        assert "internal error" not in stream, stream[-3000:]


# --- the input catalogue -----------------------------------------------------------------------

NORMAL = b"import numpy as np\n\na = np.zeros((3, 4))\nb = np.ones((5, 6))\nc = a @ b\n"

LONG_SHAPE = " ".join(f"d{i}" for i in range(2000))[:10_000]
assert len(LONG_SHAPE) == 10_000

ANNOTATIONS = f'''import numpy as np
from jaxtyping import Float


def long_shape(x: Float[np.ndarray, "{LONG_SHAPE}"]) -> None:
    return None


def huge(x: Float[np.ndarray, "1{'0' * 100} 3"]) -> None:
    return None


def negative(x: Float[np.ndarray, "-3 4"]) -> None:
    return None


def zero_size(x: Float[np.ndarray, "0 4"]):
    return x @ np.zeros((5, 2))


def reshape_empty():
    e = np.zeros((0, 5))
    fine = e.reshape(5, -1)
    return e.reshape(7, 3)
'''.encode()


def big_generated() -> bytes:
    """5 MB in the shape of generated code (a serialized descriptor on one line, as protoc writes
    it), with a shape error on its last line: the whole file is read and checked."""
    head = b"# Generated code. DO NOT EDIT.\nimport numpy as np\n\n_SERIALIZED = b'"
    blob = b"\\x0a\\x1b" * 625_000  # 5,000,000 bytes of escapes
    return head + blob + b"'\n\nx = " + BUG.encode() + b"\n"


def deep_valid() -> bytes:
    """Expressions nested 1,000 deep that Python accepts: checked like any other file."""
    return ("import numpy as np\n\n"
            "x = " + "-" * 1000 + "1\n"
            "y = " + " + ".join(["1"] * 1000) + "\n"
            "z = " + BUG + "\n").encode()


# name -> contents (bytes), or a special kind made by make_catalogue
CATALOGUE: dict[str, object] = {
    "normal.py": NORMAL,
    "syntax_error.py": b"import numpy as np\n\ndef f(x)\n    return x\n",
    "python2.py": b'import numpy as np\nprint "hello"\nexec "x = 1"\nprint >>sys.stderr, `x`\n',
    "latin1.py": "# -*- coding: latin-1 -*-\nimport numpy as np\n\ncafé = {}\n".format(BUG).encode("latin-1"),
    "undecodable.py": b'import numpy as np\nname = "caf\xe9"\n',
    "bom.py": b"\xef\xbb\xbfimport numpy as np\nx = " + BUG.encode() + b"\n",
    "crlf.py": b"import numpy as np\r\n\r\nx = " + BUG.encode() + b"\r\n",
    "mixed_endings.py": b"import numpy as np\r\na = 1\rb = 2\nx = " + BUG.encode() + b"\r\n",
    "tabs.py": b"import numpy as np\n\ndef f():\n\tif True:\n\t\tx = " + BUG.encode() + b"\n\t\treturn x\n",
    "form_feed.py": (b"\x0cimport numpy as np\n\x0c\ndef f():\n    x = 1\n\x0c\n"
                     b"    y = np.zeros((2, 3)) \x0c@ np.zeros((4, 5))\n    return y\n"),
    "nul.py": b"import numpy as np\nx = 1\x00\n",
    "empty.py": b"",
    "big_generated.py": big_generated,
    "deep_valid.py": deep_valid,
    "deep_brackets.py": b"import numpy as np\nx = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
    "deep_chain.py": b"import numpy as np\nx = " + b"-" * 5000 + b"1\n",
    "concatenated.py": b"import numpy as np\nDATA = (\n" + b'    "ab"\n' * 6000 + b")\n",
    "annotations.py": ANNOTATIONS,
    "x.py/inner.py": b"import numpy as np\nx = " + BUG.encode() + b"\n",  # a directory named x.py
    "broken_link.py": ("symlink", "nowhere.py"),
    "loop_a.py": ("symlink", "loop_b.py"),
    "loop_b.py": ("symlink", "loop_a.py"),
    "fifo.py": ("fifo",),  # a named pipe: reading it would block for ever
    "proc_mem.py": ("symlink", "/proc/self/mem"),  # exists, and reading it fails (EIO), even as root
    "caf\udce9.py": ("undecodable name", b"import numpy as np\nx = " + BUG.encode() + b"\n"),  # b"caf\xe9.py"
}


def _line_of(data: bytes, needle: str) -> int:
    return next(i for i, line in enumerate(data.decode().splitlines(), 1) if needle in line)


# path -> [(code, line, column or None, text the message must contain)]: exactly these findings
EXPECTED: dict[str, list[tuple]] = {
    "normal.py": [("SL001", 5, 5, "inner dimensions differ")],
    "syntax_error.py": [("SL900", 3, 9, "expected ':'")],
    "python2.py": [("SL900", 2, 1, "Missing parentheses in call to 'print'")],
    "latin1.py": [("SL001", 4, 8, "inner dimensions differ")],
    "undecodable.py": [("SL900", 1, 1, "cannot decode as utf-8: byte 0xe9 at offset 30 (line 2)")],
    "bom.py": [("SL001", 2, 5, "inner dimensions differ")],
    "crlf.py": [("SL001", 3, 5, "inner dimensions differ")],
    "mixed_endings.py": [("SL001", 4, 5, "inner dimensions differ")],
    "tabs.py": [("SL001", 5, 7, "inner dimensions differ")],
    "form_feed.py": [("SL001", 6, 9, "inner dimensions differ")],
    "nul.py": [("SL900", 2, 6, "NUL byte")],
    "empty.py": [],
    "big_generated.py": [("SL001", 6, 5, "inner dimensions differ")],
    "deep_valid.py": [("SL001", 5, 5, "inner dimensions differ")],
    "deep_brackets.py": [("SL900", 2, None, "too many nested parentheses")],
    "deep_chain.py": [("SL900|SL999", None, None, "nested")],  # Python's verdict depends on its version
    "concatenated.py": [("SL900", None, None, "valid Python, but shapelint's parser (libcst) cannot read it")],
    "annotations.py": [
        ("SL100", _line_of(ANNOTATIONS, "def long_shape"), None, "shape string of 10000 characters is too long"),
        ("SL100", _line_of(ANNOTATIONS, "def huge"), None, "is too large"),
        ("SL100", _line_of(ANNOTATIONS, "def negative"), None, "dimension '-3' is negative"),
        ("SL001", _line_of(ANNOTATIONS, "return x @ np.zeros"), None, "(4 != 5)"),
        ("SL008", _line_of(ANNOTATIONS, "return e.reshape(7, 3)"), None, "0 elements"),
    ],
    "x.py/inner.py": [("SL001", 2, 5, "inner dimensions differ")],
    "broken_link.py": [("SL900", 1, 1, "broken symbolic link (points to nowhere.py)")],
    "loop_a.py": [("SL900", 1, 1, "cannot read file")],
    "loop_b.py": [("SL900", 1, 1, "cannot read file")],
    "proc_mem.py": [("SL900", 1, 1, "cannot read file|permission denied")],
    "caf\udce9.py": [("SL001", 2, 5, "inner dimensions differ")],
}
EXPECTED_STDERR = {
    "shapelint: error: path does not exist: missing.py",
    "shapelint: error: not a regular file, not read: ./fifo.py (a named pipe)",
}


def make_catalogue(root: Path) -> list[str]:
    """Write the catalogue under ``root``; returns the names that could be made on this system."""
    made = []
    for name, spec in CATALOGUE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(spec):
            spec = spec()
        if isinstance(spec, bytes):
            path.write_bytes(spec)
        elif spec[0] == "symlink":
            if spec[1].startswith("/proc/") and not os.path.exists(spec[1]):
                continue
            try:
                os.symlink(spec[1], path)
            except (OSError, NotImplementedError):  # Windows without the privilege
                continue
        elif spec[0] == "undecodable name":  # a file name that is not UTF-8 (POSIX only)
            try:
                with open(os.fsencode(path), "xb") as fh:
                    fh.write(spec[1])
            except (OSError, UnicodeError):
                continue
        elif spec[0] == "fifo":
            if not hasattr(os, "mkfifo"):
                continue
            os.mkfifo(path)
        made.append(name)
    return made


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalogue")
    made = make_catalogue(root)
    started = time.perf_counter()
    text = shapelint(".", "missing.py", "--no-cache", cwd=root)
    as_json = shapelint(".", "missing.py", "--no-cache", "--format", "json", "-j", "1", cwd=root)
    elapsed = time.perf_counter() - started
    return root, made, text, as_json, elapsed


def _matches(pattern: str, text: str) -> bool:
    return any(p in text for p in pattern.split("|"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalogue_entry(catalogue, name):
    root, made, _, as_json, _ = catalogue
    if name not in made:
        pytest.skip(f"{name} cannot be made on this system")
    found = [d for d in json.loads(as_json.stdout) if d["path"].replace(os.sep, "/") == name]
    expected = EXPECTED[name]
    assert len(found) == len(expected), found
    for d, (code, line, column, text) in zip(sorted(found, key=lambda d: d["line"]), expected):
        assert _matches(code, d["code"]), d
        assert line is None or d["line"] == line, d
        assert column is None or d["column"] == column, d
        assert _matches(text, d["message"]), d


def test_catalogue_run_prints_everything_and_no_traceback(catalogue):
    root, made, text, as_json, elapsed = catalogue
    for proc in (text, as_json):
        assert_no_traceback(proc)
        assert proc.returncode == 2  # a missing path (and a named pipe) are errors; the rest was checked
        stderr = set(proc.stderr.splitlines())
        expected = {m for m in EXPECTED_STDERR if "fifo.py" not in m or "fifo.py" in made}
        assert stderr == expected, proc.stderr
    # the text report: every finding's first line, the source line decoded, the summary
    out = text.stdout
    assert "normal.py:5:5: SL001 [error]" in out
    assert "café = np.zeros((2, 3)) @ np.zeros((4, 5))" in out  # latin-1, decoded for display
    assert "\x00" not in out
    for name, expected in EXPECTED.items():
        if name in made:
            for code, line, column, _ in expected:
                if line is not None and "|" not in code:
                    shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # the raw bytes
                    assert f"{shown}:{line}:" in out.replace(os.sep, "/"), name
    with_findings = len([n for n in made if EXPECTED.get(n)])
    assert out.splitlines()[-1].endswith(f" in {with_findings} files."), out[-500:]
    assert elapsed < 60, f"the catalogue took {elapsed:.1f} s"


def test_the_five_megabyte_file_is_that_big(catalogue):
    root, made, *_ = catalogue
    assert (root / "big_generated.py").stat().st_size >= 5_000_000


def test_each_odd_input_alone_next_to_the_normal_file(tmp_path):
    """Every odd input on its own next to the normal file (in process, one file at a time, so that
    no other file can hide a problem): the normal file's finding is always there."""
    from shapelint import runner

    made = make_catalogue(tmp_path)
    normal = str(tmp_path / "normal.py")
    for name in made:
        if name in ("normal.py", "fifo.py", "big_generated.py", "deep_valid.py"):
            continue  # the named pipe is left out by discovery; the two slow ones are in the catalogue run
        found = runner.check_paths([normal, str(tmp_path / name)], Settings(), jobs=1, timeout=60)
        assert [(d.code, d.line) for d in found if d.path == normal] == [("SL001", 5)], name
        assert len([d for d in found if d.path != normal]) == len(EXPECTED[name]), (name, found)


def test_a_directory_named_like_a_file_is_searched(tmp_path):
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_bytes(b"import numpy as np\nx = " + BUG.encode() + b"\n")
    (tmp_path / "normal.py").write_bytes(NORMAL)
    proc = shapelint("x.py", "normal.py", "--no-cache", "-q", cwd=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    lines = proc.stdout.replace(os.sep, "/").splitlines()
    assert [line.split(" ")[0] for line in lines] == ["normal.py:5:5:", "x.py/inner.py:2:5:"]


def test_a_missing_path_is_reported_and_the_rest_checked(tmp_path):
    (tmp_path / "normal.py").write_bytes(NORMAL)
    proc = shapelint("gone.py", "normal.py", "gone_dir", "--no-cache", cwd=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["shapelint: error: path does not exist: gone.py",
                                        "shapelint: error: path does not exist: gone_dir"]
    assert "normal.py:5:5: SL001 [error]" in proc.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="running as root: file permissions do not stop root from reading "
                           "(the named pipe and /proc/self/mem entries of the catalogue stand in)")
def test_a_file_without_read_permission(tmp_path):
    (tmp_path / "normal.py").write_bytes(NORMAL)
    locked = tmp_path / "locked.py"
    locked.write_bytes(NORMAL)
    locked.chmod(0)
    try:
        proc = shapelint(".", "--no-cache", "-q", cwd=tmp_path)
    finally:
        locked.chmod(0o644)
    assert_no_traceback(proc)
    assert "locked.py:1:1: SL900 [error] locked.py: permission denied" in proc.stdout.replace("./", "")
    assert "normal.py:5:5: SL001" in proc.stdout


def test_permission_denied_message_even_as_root(tmp_path, monkeypatch):
    """The message for a file that cannot be opened, whoever runs the tests."""
    from shapelint import engine, files

    path = tmp_path / "locked.py"
    path.write_bytes(NORMAL)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(files, "open", refuse, raising=False)
    found = engine.check_file(str(path), Settings())
    assert [(d.code, d.message) for d in found] == [("SL900", f"{path}: permission denied")]


def test_a_five_megabyte_file_of_code_is_a_finding_not_a_hung_run(tmp_path):
    """5 MB of generated numpy code takes libcst minutes to parse; --timeout makes it a finding
    and the other file is still checked."""
    chunk = "".join(f"def f{i}(n: int):\n    a = np.zeros((n, {i % 7 + 1}))\n    return a.sum(axis=0)\n\n"
                    for i in range(1000))
    body = "import numpy as np\n\n" + chunk * (5_000_000 // len(chunk) + 1)
    (tmp_path / "generated.py").write_text(body)
    (tmp_path / "normal.py").write_bytes(NORMAL)
    assert (tmp_path / "generated.py").stat().st_size >= 5_000_000
    started = time.perf_counter()
    proc = shapelint(".", "--no-cache", "-q", "--timeout", "1", cwd=tmp_path)
    elapsed = time.perf_counter() - started
    assert_no_traceback(proc)
    out = proc.stdout.replace("./", "")
    assert "generated.py:1:1: SL999 [error] shapelint gave up on this file after 1 s (--timeout)" in out
    assert "normal.py:5:5: SL001" in out
    assert elapsed < 30, elapsed


# --- engine.check_source on odd text, in process ---------------------------------------------------


@pytest.mark.parametrize("source, code, message", [
    ("x = 1\x00\n", "SL900", "NUL byte"),
    ("s = 'a\x00b'\n", "SL900", "NUL byte"),  # libcst would accept it: Python does not
    ("# \x00\nx = 1\n", "SL900", "NUL byte"),
    ("x = " + "[" * 1000 + "]" * 1000 + "\n", "SL900", "too many nested parentheses"),
    ("x = " + "f(" * 300 + ")" * 300 + "\n", "SL900", "too many nested parentheses"),
    ("x = a" + ".b" * 3000 + "\n", "SL900|SL999", "nested"),
    ("x = " + " and ".join(["a"] * 6000) + "\n", "SL999", "nested 6001 levels deep"),  # flat for Python
    ("x = " + "9" * 5000 + "\n", "SL900", "Exceeds the limit (4300 digits)"),
    ("x = (\n" + "    'a'\n" * 6000 + ")\n", "SL900", "valid Python, but shapelint's parser"),
])
def test_pathological_text_gives_one_clear_finding(source, code, message):
    found = check_source("t.py", source, Settings())
    assert len(found) == 1, found
    assert _matches(code, found[0].code) and message in found[0].message, found


def test_deep_nesting_inside_functions_decorators_and_defaults():
    for source in ["@f(" + "-" * 2000 + "1)\ndef g():\n    pass\n",
                   "def g(x=" + "-" * 2000 + "1):\n    pass\n",
                   "class A:\n    def g(self):\n        if x:\n            y = " + " or ".join(["a"] * 2000) + "\n"]:
        found = check_source("t.py", source, Settings())
        assert [d.code for d in found] in (["SL900"], ["SL999"]) and "nested" in found[0].message, found
    # below the limit: checked, and a finding after the deep expression is still found
    source = "import numpy as np\nx = " + "-" * 1000 + "1\ny = " + BUG + "\n"
    assert [(d.code, d.line) for d in check_source("t.py", source, Settings())] == [("SL001", 3)]


# --- pathological shape annotations ------------------------------------------------------------------


@pytest.mark.parametrize("spec, message", [
    (LONG_SHAPE, "too long"),
    ("1" + "0" * 100 + " 3", "too large"),
    ("999999999999999999*999999999999999999 3", "too large"),
    ("-3 4", "negative"),
    ("2**100 3", "too large"),
    ("min(n,'x')", "cannot read dimension"),
    ("3-5 2", "negative"),
    ("n -1", "negative"),
    ("² 3", "cannot read dimension"),
    ("(" * 300 + "n" + ")" * 300, "cannot read dimension"),
    ("__import__('os').system('exit 1')", "cannot read dimension"),
])
def test_unreadable_shape_strings_are_a_warning(spec, message):
    for wrapper in ("Float[np.ndarray, {!r}]", "Annotated[np.ndarray, {!r}]", "'Float[np.ndarray, {!r}]'"):
        annotation = wrapper.format(spec) if not wrapper.startswith("'") else repr(wrapper[1:-1].format(spec))
        source = f"import numpy as np\n\ndef f(x: {annotation}):\n    return x\n"
        found = check_source("t.py", source, Settings())
        if len(source) > 10_000 and wrapper.startswith("'"):
            assert [d.code for d in found] == ["SL100"], found  # the string annotation is too long
            continue
        assert [d.code for d in found] == ["SL100"], (wrapper, found)
        assert message in found[0].message, found


@pytest.mark.parametrize("spec, shape", [
    ("0 4", "(0, 4)"),
    ("0", "(0,)"),
    ("0 0 0", "(0, 0, 0)"),
    ("n 0", "(n, 0)"),
    ("999999999999999999 3", "(999999999999999999, 3)"),
    ("", "()"),
    # size arithmetic jaxtyping evaluates but no polynomial holds: one size each, no SL100
    ("2**n d", "(2**n, d)"),
    ("min(m,n) k", "(min(m,n), k)"),
    ("n//2+1", "(n//2 + 1,)"),
    ("2*n//2", "(n,)"),
    ("2**10", "(1024,)"),
])
def test_zero_and_large_sizes_are_read(spec, shape):
    source = f"import numpy as np\nfrom jaxtyping import Float\n\ndef f(x: Float[np.ndarray, {spec!r}]):\n" \
             f"    reveal_shape(x)\n"
    found = check_source("t.py", source, Settings())
    assert [d.code for d in found] == ["SL000"] and f"x: {shape}" in found[0].message, found


RESHAPES_OF_EMPTY = [
    ("(0,)", "(0, 0)"), ("(0,)", "(-1, 0)"), ("(0,)", "(3, -1)"), ("(0,)", "(-1,)"), ("(0,)", "(2, 3)"),
    ("(0, 5)", "(5, -1)"), ("(0, 5)", "(7, 3)"), ("(0, 5)", "(-1, 5)"), ("(0, 5)", "(0, -1)"),
    ("(0, 5)", "(-1,)"), ("(4, 0, 3)", "(-1,)"), ("(4, 0, 3)", "(0, 12)"), ("(4, 0, 3)", "(12, -1)"),
    ("(4, 0, 3)", "(-1, 0)"), ("(2, 0)", "(0, 2)"), ("(2, 0)", "(1,)"), ("(0, 0)", "(0,)"),
    ("(3, 0)", "(-1, 2)"), ("(3, 0)", "(0, -1, 1)"),
]


@pytest.mark.parametrize("shape, new", RESHAPES_OF_EMPTY)
def test_reshape_of_empty_arrays_agrees_with_numpy(shape, new):
    np = pytest.importorskip("numpy")
    try:
        np.zeros(ast.literal_eval(shape)).reshape(ast.literal_eval(new))
        numpy_fails = False
    except ValueError:
        numpy_fails = True
    source = f"import numpy as np\nx = np.zeros({shape}).reshape{new}\n"
    found = check_source("t.py", source, Settings())
    assert all(d.code == "SL008" for d in found), found
    assert bool(found) == numpy_fails, (shape, new, found)


# --- never executes checked code ----------------------------------------------------------------------

def _marker(markers: Path, name: str) -> str:
    return f"open({str(markers / name)!r}, 'w').write('executed')"


def make_booby_trapped_project(root: Path, markers: Path) -> dict[str, str]:
    """Files that write a marker file in ``markers`` if they are imported or executed in any way."""
    m = lambda name: _marker(markers, name)  # noqa: E731
    files = {
        "module_level.py": f"import numpy as np\n{m('module_level')}\nx = {BUG}\n",
        "decorators.py": (f"import numpy as np\n\ndef deco(f):\n    {m('decorator')}\n    return f\n\n"
                          f"@deco\n@(lambda f: ({m('decorator_lambda')}, f)[1])\ndef g(a):\n    return a @ a\n"),
        "defaults.py": f"import numpy as np\n\ndef g(x=({m('default')}), *, y=np.zeros((2, 3)) @ np.zeros((4, 5))):\n"
                       f"    return x\n",
        "subclass.py": (f"import numpy as np\n\nclass Base:\n    def __init_subclass__(cls, **kw):\n        {m('init_subclass')}\n\n"
                        f"class Meta(type):\n    def __new__(mcs, *a):\n        {m('metaclass')}\n        return super().__new__(mcs, *a)\n\n"
                        f"class Child(Base, metaclass=Meta):\n    {m('class_body')}\n\n\nw = np.zeros((2, 3)) @ np.zeros((4, 5))\n"),
        "conftest.py": (f"import numpy as np\n{m('conftest')}\n\ndef pytest_configure(config):\n    {m('pytest_configure')}\n"),
        "setup.py": f"{m('setup')}\nfrom setuptools import setup\nsetup(name='trap')\n",
        "pkg/__init__.py": f"import numpy as np\n{m('package_init')}\nfrom .helper import make\nx = make() @ make()\n",
        "pkg/helper.py": f"import numpy as np\n{m('helper')}\n\ndef make():\n    return np.zeros((2, 3))\n",
        "pkg/__main__.py": f"{m('package_main')}\n",
        "uses_pkg.py": f"import numpy as np\nimport pkg\nfrom pkg.helper import make\ny = make() @ np.zeros((4, 2))\n",
        "annotations_with_code.py": (
            "import numpy as np\nfrom jaxtyping import Float\n\n"
            f"def f(a: \"__import__('os').system('touch {markers / 'string_annotation'}')\",\n"
            f"      b: Float[np.ndarray, \"__import__('os').system('touch {markers / 'shape_string'}')\"],\n"
            f"      c: {m('annotation_expression')!s} = None):\n"
            f"    reveal_shape(open({str(markers / 'reveal')!r}, 'w'))\n    return a\n"),
        # modules named like those shapelint itself imports: `python -m` puts the current directory
        # first on sys.path, so they would shadow the real ones
        "typing.py": m("shadow_typing") + "\n",
        "tokenize.py": m("shadow_tokenize") + "\n",
        "json.py": m("shadow_json") + "\n",
        "click.py": m("shadow_click") + "\n",
        "libcst.py": m("shadow_libcst") + "\n",
        "numpy.py": m("shadow_numpy") + "\n",
        "ast.py": m("shadow_ast") + "\n",
        "sitecustomize.py": m("sitecustomize") + "\n",
        "usercustomize.py": m("usercustomize") + "\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if shutil.which("git"):  # a work tree whose own git configuration runs a command (--respect-gitignore)
        git = ["git", "-c", "core.fsmonitor=false", "-C", str(root)]
        subprocess.run([*git, "init", "-q"], check=True, capture_output=True)
        subprocess.run([*git, "add", "-A"], check=True, capture_output=True)
        subprocess.run([*git, "config", "core.fsmonitor", f"touch {markers / 'git_fsmonitor'}; echo"], check=True)
    return files


def test_the_traps_do_go_off_when_run(tmp_path):
    """The trap files are not vacuous: running them writes their markers."""
    root, markers = tmp_path / "project", tmp_path / "markers"
    markers.mkdir()
    make_booby_trapped_project(root, markers)
    for shadow in ("typing", "tokenize", "json", "click", "libcst", "numpy", "ast", "sitecustomize", "usercustomize"):
        (root / f"{shadow}.py").unlink()  # they would break the imports below (shapelint gets them all)
    code = ("import importlib, sys\nsys.path.insert(0, '.')\n"
            "for name in ['conftest', 'pkg', 'subclass', 'decorators', 'defaults', 'module_level', 'setup']:\n"
            "    try:\n        importlib.import_module(name)\n    except BaseException:\n        pass\n")
    subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, timeout=120)
    if shutil.which("git"):
        subprocess.run(["git", "-C", str(root), "check-ignore", "--stdin"], input=b"setup.py\n", capture_output=True)
        assert (markers / "git_fsmonitor").exists()
    fired = {p.name for p in markers.iterdir()}
    assert {"conftest", "package_init", "helper", "init_subclass", "metaclass", "class_body", "decorator",
            "decorator_lambda", "default", "module_level"} <= fired, fired


@pytest.mark.parametrize("options", [
    ["--no-cache", "-j", "1"],
    ["--fix", "-j", "2", "--timeout", "0"],  # the pool, the cache, fixes
])
def test_checked_code_is_never_executed(tmp_path, options):
    root, markers = tmp_path / "project", tmp_path / "markers"
    markers.mkdir()
    make_booby_trapped_project(root, markers)
    proc = shapelint(".", *options, cwd=root)  # from inside the project, as in CI
    assert_no_traceback(proc)
    assert sorted(p.name for p in markers.iterdir()) == []
    assert "module_level.py:3:5: SL001" in proc.stdout.replace("./", ""), proc.stdout[-3000:]
    proc = shapelint(str(root), *options, cwd=tmp_path)  # and from outside it
    assert sorted(p.name for p in markers.iterdir()) == []


# Calls that can run code, and the only places shapelint may make them, with why: each entry is
# (file, the called function, its first argument), all three exactly as ast.unparse writes them.
RUNS_CODE_NAMES = {"eval", "exec", "compile", "__import__", "breakpoint", "execfile", "input"}
IMPORTS_CODE = {"import_module", "exec_module", "load_module", "spec_from_file_location", "run_path", "run_module"}
RUNS_PROGRAMS = {  # module -> its functions that run a program or unpickle
    "subprocess": {"run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"},
    "os": {"system", "popen", "startfile", "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp",
           "execvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
           "posix_spawn", "posix_spawnp"},
    "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
    "builtins": {"eval", "exec", "compile", "__import__"},
}
RUNS_CODE_MODULES = {"runpy", "code", "codeop", "pickle", "marshal", "shelve", "imp", "pty", "dill", "yaml"}
ALLOWED_CALLS = {
    # the reporter for an output format chosen from a fixed list: a module of shapelint itself
    ("report/__init__.py", "importlib.import_module", "f'{__name__}.{module}'"),
    # `shapelint docs` regenerates README examples by running shapelint on its own bundled demo
    ("docs.py", "subprocess.run", "[sys.executable, '-m', 'shapelint', 'check', '--isolated', DEMO]"),
    # `git check-ignore` for --respect-gitignore (with core.fsmonitor off: no command from the tree)
    ("gitignore.py", "subprocess.run", "['git', '-c', 'core.fsmonitor=false', '-C', top, 'check-ignore', "
                                       "'--stdin', '-z']"),
}


def _calls_that_can_run_code():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    assert name not in RUNS_CODE_MODULES, f"{rel}:{node.lineno} imports {name}"
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            base = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
            if not (isinstance(func, ast.Name) and func.id in RUNS_CODE_NAMES
                    or isinstance(func, ast.Attribute) and func.attr in IMPORTS_CODE
                    or isinstance(func, ast.Attribute) and func.attr in RUNS_PROGRAMS.get(base, ())):
                continue  # re.compile, self.eval (the abstract interpreter), ast.parse, ast.literal_eval...
            first = ast.unparse(node.args[0]) if node.args else ""
            found.append((rel, ast.unparse(func), first, node.lineno))
    return found


def test_shapelint_has_no_way_to_run_checked_code():
    """No eval, exec, compile, __import__, import of checked files, runpy, pickle or subprocess in
    shapelint's own source, but the allow-listed calls above (ast.parse of checked text is fine)."""
    found = _calls_that_can_run_code()
    unexpected = [f for f in found if f[:3] not in ALLOWED_CALLS]
    assert unexpected == [], "calls that can run code:\n" + "\n".join(map(str, unexpected))
    stale = ALLOWED_CALLS - {f[:3] for f in found}
    assert stale == set(), f"allow-list entries that match nothing any more: {stale}"


# --- determinism ------------------------------------------------------------------------------------------

DETERMINISM_FIXTURES = ["rules", "crossfile", "demo", "errors"]
ODD_BUT_CHECKED = ["syntax_error.py", "python2.py", "latin1.py", "undecodable.py", "bom.py", "crlf.py",
                   "mixed_endings.py", "tabs.py", "form_feed.py", "nul.py", "empty.py", "deep_brackets.py",
                   "concatenated.py", "annotations.py", "broken_link.py", "loop_a.py", "loop_b.py"]


def test_output_is_byte_identical_across_runs_jobs_and_cache(tmp_path):
    """The fixtures and the odd inputs, checked again and again: -j 1 and -j 2 (the process pool),
    no cache, a cold cache and a warm one, a different hash seed each time (set and dict order)."""
    src = tmp_path / "src"
    for part in DETERMINISM_FIXTURES:  # the rules, calls across files, a syntax error (a subset: CI time)
        shutil.copytree(FIXTURES / part, src / part)
    odd = tmp_path / "odd"
    odd.mkdir()
    made = make_catalogue(odd)
    for name in ODD_BUT_CHECKED:
        if name in made:
            os.rename(odd / name, src / name)
    cache = str(tmp_path / "cache")
    runs = [  # (name, format, options)
        ("j1 no cache", "text", ["-j", "1", "--no-cache"]),
        ("j2 cold cache", "text", ["-j", "2", "--cache-dir", cache, "-v"]),  # -v is part of the cache key
        ("j1 warm cache", "text", ["-j", "1", "--cache-dir", cache, "-v"]),
        ("json j2 warm cache", "json", ["-j", "2", "--cache-dir", cache, "-v"]),
        ("json j1 no cache", "json", ["-j", "1", "--no-cache"]),
    ]
    outputs = {}
    for seed, (name, fmt, options) in enumerate(runs):
        env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8", PYTHONHASHSEED=str(seed + 1))
        proc = subprocess.run([sys.executable, "-m", "shapelint", "src", "--format", fmt, *options], cwd=tmp_path,
                              capture_output=True, timeout=300, env=env)
        assert_no_traceback(subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                                        proc.stderr.decode("utf-8", "replace")))
        assert proc.returncode == 1, proc.stderr
        outputs[name] = (fmt, proc.stdout)
        if name == "j1 warm cache":
            assert b" 0 files from the cache" not in proc.stderr and b"files from the cache" in proc.stderr
        if name == "j2 cold cache":
            assert b"in 2 processes" in proc.stderr, proc.stderr  # the pool was used
    reference = {"text": outputs["j1 no cache"][1], "json": outputs["json j1 no cache"][1]}
    assert b"SL001" in reference["text"] and b"SL900" in reference["text"] and b"SL100" in reference["text"]
    for name, (fmt, out) in outputs.items():
        assert out == reference[fmt], f"{name} differs"


# --- safe fixes ----------------------------------------------------------------------------------------------

FIXABLE = "a = np.zeros((3, 4))\nb = np.zeros((5, 4))\nc = a @ b\n"  # fixed to a @ b.T


def odd_fixable_files() -> dict[str, bytes]:
    """A fixable finding in files with every odd property --fix must keep byte for byte."""
    body = "import numpy as np\n# café\n" + FIXABLE
    return {
        "fix_crlf.py": body.replace("\n", "\r\n").encode(),
        "fix_bom.py": b"\xef\xbb\xbf" + body.encode(),
        "fix_latin1.py": ("# -*- coding: latin-1 -*-\n" + body).encode("latin-1"),
        "fix_mixed.py": b"import numpy as np\r# caf\xc3\xa9\r\n" + FIXABLE.encode().replace(b"\n", b"\r", 1),
        "fix_tabs.py": ("import numpy as np\n\ndef f():\n" + "".join("\t" + line + "\n" for line in FIXABLE.splitlines())
                        + "\treturn c\n").encode(),
        "fix_form_feed.py": b"\x0cimport numpy as np\n\x0c\n" + FIXABLE.encode(),
        "fix_no_newline.py": b"import numpy as np\n" + FIXABLE.encode().rstrip(b"\n"),
        "fix_suppressed.py": b"import numpy as np\n" + FIXABLE.encode().replace(b"a @ b", b"a @ b  # noqa: SL001"),
    }


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _decode(data: bytes) -> str:
    import io
    import tokenize

    return data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0])


def test_fixing_twice_is_fixing_once_and_nothing_is_corrupted(tmp_path):
    """--fix over a copy of every fixture and the odd files: each file is either untouched or
    still valid Python, as long as it was, in the same encoding, BOM and line endings, with no
    temporary file left behind; a second --fix changes nothing."""
    root = tmp_path / "tree"
    for part in ("rules", "seeds", "demo", "errors"):  # the fixtures with fixes, and a syntax error
        shutil.copytree(FIXTURES / part, root / part)
    for name, data in odd_fixable_files().items():
        (root / name).write_bytes(data)
    before = _snapshot(root)

    first = shapelint(".", "--fix", "--no-cache", "-j", "2", cwd=root)
    assert_no_traceback(first)
    once = _snapshot(root)
    assert set(once) == set(before)  # nothing added (no temporary files), nothing removed
    changed = [name for name in before if once[name] != before[name]]
    assert len(changed) >= 8, changed
    for name in changed:
        old, new = before[name], once[name]
        assert abs(len(new) - len(old)) < 200, name  # not truncated, not duplicated
        ast.parse(_decode(new))  # still Python
        assert new.startswith(b"\xef\xbb\xbf") == old.startswith(b"\xef\xbb\xbf"), name
        assert (new.count(b"\r\n"), new.count(b"\r"), new.count(b"\n")) == \
               (old.count(b"\r\n"), old.count(b"\r"), old.count(b"\n")), name
    for name in odd_fixable_files():
        if name != "fix_suppressed.py":
            assert b"a @ b.T" in once[name], name
    assert once["fix_suppressed.py"] == before["fix_suppressed.py"]  # a suppressed finding is not fixed
    assert once["errors/syntax_error.py"] == before["errors/syntax_error.py"]

    second = shapelint(".", "--fix", "--no-cache", "-j", "1", cwd=root)
    assert_no_traceback(second)
    assert _snapshot(root) == once
    assert "Fixed" not in second.stdout + second.stderr


def test_an_interrupted_write_leaves_the_original(tmp_path, monkeypatch):
    from shapelint import fix as fixer

    path = tmp_path / "m.py"
    original = ("import numpy as np\n" + FIXABLE).encode()
    path.write_bytes(original)
    result = fixer.fix_file(str(path), Settings())
    assert result.changed

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    def failed(*args, **kwargs):
        raise OSError(28, "No space left on device")

    for target, failure, raises in [("replace", interrupted, KeyboardInterrupt), ("replace", failed, fixer.FixError),
                                    ("fsync", interrupted, KeyboardInterrupt), ("fsync", failed, fixer.FixError)]:
        with monkeypatch.context() as patch:
            patch.setattr(fixer.os, target, failure)
            with pytest.raises(raises):
                fixer.write(result)
        assert path.read_bytes() == original, target
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"], target  # no temporary file left
    fixer.write(result)  # and without a failure it is written
    assert b"a @ b.T" in path.read_bytes()


def test_an_interrupted_write_through_the_command(tmp_path, monkeypatch):
    from shapelint import cli
    from shapelint import fix as fixer

    path = tmp_path / "m.py"
    original = ("import numpy as np\n" + FIXABLE).encode()
    path.write_bytes(original)

    def failed(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(fixer.os, "replace", failed)
    monkeypatch.chdir(tmp_path)
    result = _cli_runner().invoke(cli.cli, ["m.py", "--fix", "--no-cache", "--no-color"])
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write m.py: Input/output error" in result.stderr
    assert "SL001" in result.stdout  # the finding is still reported
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


@pytest.mark.parametrize("replacement", ["a @@ b", "(a @ b", "", "a @ b.T)", "a @ b.T\nimport os", "lambda"])
def test_a_fix_that_would_not_parse_is_never_written(tmp_path, monkeypatch, replacement):
    """Whatever fix a finding carries, the file is only written if the result still parses."""
    import dataclasses

    from shapelint import cli, engine

    real = engine.check_source

    def broken_fixes(*args, **kwargs):
        return [dataclasses.replace(d, fix=dataclasses.replace(d.fix, replacement=replacement))
                if d.fix is not None else d for d in real(*args, **kwargs)]

    monkeypatch.setattr(engine, "check_source", broken_fixes)
    path = tmp_path / "m.py"
    original = ("import numpy as np\n" + FIXABLE).encode()
    path.write_bytes(original)
    monkeypatch.chdir(tmp_path)
    result = _cli_runner().invoke(cli.cli, ["m.py", "--fix", "--no-cache", "-j", "1", "--no-color"])
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "SL001" in result.stdout and "Fixed" not in result.stdout + result.stderr
    assert path.read_bytes() == original


# --- configuration that cannot be used ---------------------------------------------------------------------

BAD_CONFIGS = [  # (TOML text, what the one-line message must say)
    ('select = ["SL001"\n', "invalid TOML"),
    ("select = \n", "invalid TOML"),
    ('[[[\n', "invalid TOML"),
    ('select = "SL001"\n', "select"),
    ('select = ["XX123"]\n', "unknown rule code or prefix 'XX123'"),
    ('ignore = ["SL0001"]\n', "unknown rule code or prefix 'SL0001'"),
    ('per-file-ignores = {"tests/*" = ["NOPE9"]}\n', "NOPE9"),
    ("distinct-symbols = 3\n", "distinct-symbols"),
    ('gradient-patterns = ["(unclosed"]\n', "gradient-patterns"),
    (b"select = ['SL001'] # caf\xe9\n", "invalid TOML"),  # not UTF-8
    ("\x00\n", "invalid TOML"),
]


def _write_bad_configs(tmp_path: Path, data: bytes) -> tuple[Path, Path]:
    """``--config bad.toml`` next to a normal file, and a project whose pyproject.toml is ``data``."""
    (tmp_path / "normal.py").write_bytes(NORMAL)
    (tmp_path / "bad.toml").write_bytes(data)
    project = tmp_path / "project"
    project.mkdir()
    (project / "normal.py").write_bytes(NORMAL)
    (project / "pyproject.toml").write_bytes(b"[project]\nname = 'p'\n\n[tool.shapelint]\n" + data)
    return tmp_path, project


def _assert_one_clear_line(config: str, status: int, stderr: str, message: str) -> None:
    assert status == 2, (config, stderr)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"shapelint: error: {config}: "), (config, stderr)
    assert message in lines[0], (config, lines[0])


@pytest.mark.parametrize("text, message", [pytest.param(t, m, id=repr(t)[:40]) for t, m in BAD_CONFIGS])
def test_bad_configuration_is_one_clear_line(tmp_path, monkeypatch, text, message):
    """In process (fast) for every case: --config FILE and [tool.shapelint] in pyproject.toml."""
    from shapelint import cli

    here, project = _write_bad_configs(tmp_path, text if isinstance(text, bytes) else text.encode())
    for cwd, config, args in [(here, "bad.toml", ["normal.py", "--config", "bad.toml"]),
                              (project, "pyproject.toml", ["."])]:
        monkeypatch.chdir(cwd)
        result = _cli_runner().invoke(cli.cli, [*args, "--no-cache", "--no-color"])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.stdout == "", result.stdout
        _assert_one_clear_line(config, result.exit_code, result.stderr, message)


def test_bad_configuration_in_a_real_run(tmp_path):
    here, project = _write_bad_configs(tmp_path, b'select = ["SL001"\n')
    proc = shapelint("normal.py", "--config", "bad.toml", "--no-cache", cwd=here)
    _assert_one_clear_line("bad.toml", proc.returncode, proc.stderr, "invalid TOML")
    (project / "pyproject.toml").write_text('[tool.shapelint]\nignore = ["SL0001"]\n')
    proc = shapelint(".", "--no-cache", cwd=project)
    _assert_one_clear_line("pyproject.toml", proc.returncode, proc.stderr, "unknown rule code or prefix 'SL0001'")


def test_a_bad_configuration_below_does_not_stop_the_rest(tmp_path):
    """A pyproject.toml that cannot be used in one sub-directory: the error is reported (exit 2),
    and the files that configuration does not govern are still checked and printed."""
    (tmp_path / "normal.py").write_bytes(NORMAL)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "normal.py").write_bytes(NORMAL)
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"\n')
    proc = shapelint(".", "--no-cache", cwd=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 2
    assert "sub/pyproject.toml: invalid TOML" in proc.stderr
    assert "normal.py:5:5: SL001" in proc.stdout  # the file outside that configuration
    assert "sub/normal.py" not in proc.stdout  # not checked with settings its owner did not mean
