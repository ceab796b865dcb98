"""Shared by the tests: loading the benchmark scripts (scripts, not modules of a package), and
checking one function of an array of a declared shape (the oracle tests of SL014 and SL016)."""

import importlib.util
import sys
from pathlib import Path

from shapelint.engine import RECURSION_LIMIT

ROOT = Path(__file__).resolve().parent.parent
# as check_source sets it: raised before hypothesis runs a test, which warns when a test changes it
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))


def load_benchmark(name: str):
    """``benchmarks/<name>.py`` as a module, registered under ``name`` (its dataclasses need a
    module in sys.modules while they are made); the caller removes it when done."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def codes_on_declared(sizes, line: str, code: str) -> list:
    """The findings of ``code`` in ``def f(x)`` whose body is ``line``, with x annotated to have
    one axis per size (0-d: made with np.zeros(()), as jaxtyping's "" is not written here)."""
    from shapelint.config import Settings
    from shapelint.engine import check_source

    dims = " ".join(f"d{i}" for i in range(len(sizes)))
    source = (f"import numpy as np\nfrom jaxtyping import Float\n\n\n"
              f"def f(x: Float[np.ndarray, \"{dims}\"]):\n    {line}\n")
    if not sizes:
        source = f"import numpy as np\n\n\ndef f():\n    x = np.zeros(())\n    {line}\n"
    return [d.code for d in check_source("t.py", source, Settings()) if d.code == code]
