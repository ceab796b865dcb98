"""Shared by the tests of the benchmark scripts: they are scripts, not modules of a package."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_benchmark(name: str):
    """``benchmarks/<name>.py`` as a module, registered under ``name`` (its dataclasses need a
    module in sys.modules while they are made); the caller removes it when done."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
