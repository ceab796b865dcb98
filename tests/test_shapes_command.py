"""``shapelint shapes FILE[:LINE]`` and ``reveal_shape``: what shapelint inferred, and from where."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from shapelint.config import Settings
from shapelint.explain import bindings, split_target

REPO = Path(__file__).resolve().parent.parent

MODEL = '''\
import numpy as np
from jaxtyping import Float

hidden = 100


def layer(X: Float[np.ndarray, "n d"], W: Float[np.ndarray, "d h"], n_out: int, scale=2):
    h = X @ W
    n, d = X.shape
    b = np.zeros((hidden, n_out))
    out = h @ np.ones((W.shape[1], n_out))
    Z = np.load("z.npy")  # shape: (n, 3)
    unknown = some_function(X)
    reveal_shape(out)
    return out
'''


def run(cwd, *args):
    env = dict(os.environ, NO_COLOR="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_every_name_with_its_shape_and_origin(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    proc = run(tmp_path, "shapes", "model.py")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "model.py:4:1: hidden: int = 100",
        "model.py:7:11: X: (n, d) from the annotation of parameter X, line 7",
        "model.py:7:40: W: (d, h) from the annotation of parameter W, line 7",
        "model.py:7:69: n_out: int = n_out",
        "model.py:7:81: scale: int = scale",
        "model.py:8:5: h: (n, h) from X @ W, line 8",
        "model.py:9:5: n: int = n",
        "model.py:9:8: d: int = d",
        "model.py:10:5: b: (100, n_out) from np.zeros(...), line 10",
        "model.py:11:5: out: (n, n_out) from h @ np.ones((W.shape[1], n_out)), line 11",
        "model.py:12:5: Z: (n, 3) from the shape comment on Z, line 12",
        "model.py:13:5: unknown: unknown (not inferred)",
    ]


def test_one_line_and_json(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    proc = run(tmp_path, "shapes", "model.py:8", "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == [{
        "path": "model.py", "line": 8, "column": 5, "name": "h", "kind": "array", "shape": "(n, h)",
        "text": "h: (n, h) from X @ W, line 8"}]
    proc = run(tmp_path, "shapes", "model.py:2")
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr == "shapelint: no parameter or assignment on line 2 of model.py\n"


def test_errors(tmp_path):
    (tmp_path / "bad.py").write_text("def f(:\n")
    proc = run(tmp_path, "shapes", "bad.py", "missing.py:3")
    assert proc.returncode == 2
    assert "shapelint: error: bad.py: cannot parse" in proc.stderr
    assert "shapelint: error: missing.py: no such file" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run(tmp_path, "shapes")
    assert proc.returncode == 2  # a FILE is required


def test_reveal_shape_is_a_note_finding(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    proc = run(tmp_path, "check", "--isolated", "--no-cache", "--format", "concise", "model.py")
    assert proc.returncode == 0, proc.stdout  # notes do not fail the run
    assert proc.stdout.splitlines()[0] == ("model.py:14:5: SL000 [note] out: (n, n_out) from "
                                           "h @ np.ones((W.shape[1], n_out)), line 11")


def test_split_target(tmp_path):
    assert split_target("a.py:12") == ("a.py", 12)
    assert split_target("a.py") == ("a.py", None)
    assert split_target("C:/x/a.py") == ("C:/x/a.py", None)
    odd = tmp_path / "odd:3"
    odd.write_text("")
    assert split_target(str(odd)) == (str(odd), None)  # an existing path is never split


def test_bindings_of_the_demo_in_process():
    path = REPO / "fixtures" / "demo" / "mlp.py"
    found = bindings(str(path), path.read_text(), Settings())
    by_line = {(b.line, b.name): b for b in found}
    assert by_line[(24, "dW2")].shape == "(k, h)"
    assert by_line[(21, "dout")].kind == "parameter"
    assert by_line[(26, "dH")].shape is None  # the product fails: its shape is unknown


def test_shapes_refuses_pathological_nesting_without_crashing(tmp_path):
    """What would crash libcst natively (thousands of nested brackets) is refused with one line."""
    import subprocess
    import sys

    deep = tmp_path / "deep.py"
    deep.write_text("x = " + "(" * 3000 + "1" + ")" * 3000 + "\n")
    proc = subprocess.run([sys.executable, "-m", "shapelint", "shapes", str(deep)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "nested" in proc.stderr


def test_with_follows_calls_into_other_files(tmp_path):
    # without --with the helper of another file is unknown; with it, its return is inferred
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "init.py").write_text("import numpy as np\n\n\ndef make(shape):\n    return np.zeros(shape)\n")
    (pkg / "model.py").write_text(
        "from .init import make\n\n\ndef f(n: int, d: int):\n    W = make((n, d))\n    return W\n")
    target = str(pkg / "model.py") + ":5"
    alone = run(tmp_path, "shapes", target)
    assert "W: unknown" in alone.stdout
    linked = run(tmp_path, "shapes", target, "--with", str(pkg))
    assert linked.returncode == 0, linked.stderr
    assert "W: (n, d) returned by make() of another file" in linked.stdout
    missing = run(tmp_path, "shapes", target, "--with", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "path does not exist" in missing.stderr
