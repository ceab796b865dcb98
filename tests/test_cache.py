"""The result cache: a warm run parses nothing unchanged and gives the same findings; a change in
a file, in a file it imports, in the settings or in shapelint invalidates exactly what it must."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapelint import cache as cache_module
from shapelint import cli, runner
from shapelint.config import Settings
from shapelint.diagnostics import Diagnostic, Fix

LAYERS = '''import numpy as np
from jaxtyping import Float


def dense(x: Float[np.ndarray, "n d"], w: Float[np.ndarray, "d k"]) -> Float[np.ndarray, "n k"]:
    return x @ w
'''
MODEL = '''import numpy as np
from layers import dense

X = np.zeros((8, 3))
h = dense(X, np.zeros((3, 5)))
reveal_shape(h)
'''
UTIL = "import os\n\nSEP = os.sep\n"
BROKEN = "import numpy as np\nx = np.zeros((2, 3)) @ np.ones((4, 5))\n"


@pytest.fixture(autouse=True)
def stable_shapelint(monkeypatch):
    # other people edit shapelint's sources while the suite runs: the key must not move under us
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "shapelint-under-test")


@pytest.fixture
def tree(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name, text in {"layers.py": LAYERS, "model.py": MODEL, "util.py": UTIL, "broken.py": BROKEN}.items():
        (src / name).write_text(text, encoding="utf-8")
    return tmp_path


def check(tree, settings=None, **options):
    stats = runner.RunStats()
    paths = sorted(str(p) for p in (tree / "src").glob("*.py"))
    found = runner.check_paths(paths, settings or Settings(), cache_dir=str(tree / "cache"), stats=stats, **options)
    return found, stats


def test_warm_run_parses_nothing_and_finds_the_same(tree):
    cold, s1 = check(tree)
    assert s1.cached == 0 and s1.parsed == 3  # util.py is skipped by the pre-filter
    warm, s2 = check(tree)
    assert s2.cached == 4 and s2.parsed == 0 and s2.skipped == 0
    assert [repr(d) for d in warm] == [repr(d) for d in cold]
    assert {d.code for d in cold} == {"SL000", "SL001"}


def test_a_changed_file_is_checked_again(tree):
    check(tree)
    (tree / "src" / "broken.py").write_text("import numpy as np\nx = np.zeros((2, 3))\n", encoding="utf-8")
    found, stats = check(tree)
    assert stats.cached == 3 and stats.parsed == 1
    assert not [d for d in found if d.path.endswith("broken.py")]


def test_a_change_in_an_imported_file_invalidates_its_importers(tree):
    _, _ = check(tree)
    (tree / "src" / "layers.py").write_text(LAYERS.replace('"d k"', '"k d"'), encoding="utf-8")
    found, stats = check(tree)
    # layers.py and model.py (which imports it) again; util.py and broken.py from the cache
    assert stats.cached == 2 and stats.parsed == 2
    codes = {(os.path.basename(d.path), d.code) for d in found}
    assert ("model.py", "SL007") in codes


def test_settings_and_shapelint_version_are_part_of_the_key(tree, monkeypatch):
    check(tree)
    found, stats = check(tree, Settings(ignore=("SL000",)))
    assert stats.cached == 0 and "SL000" not in {d.code for d in found}
    _, stats = check(tree)  # both entries live side by side
    assert stats.cached == 4
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another shapelint")
    _, stats = check(tree)
    assert stats.cached == 0


def test_results_that_depend_on_the_run_are_not_stored(tree, monkeypatch):
    real = runner.check_one

    def flaky(path, *args, **kw):
        outcome = real(path, *args, **kw)
        if path.endswith("broken.py"):
            outcome.cacheable = False  # as a time-out or a crash is
        return outcome

    monkeypatch.setattr(runner, "check_one", flaky)
    check(tree)
    monkeypatch.setattr(runner, "check_one", real)
    _, stats = check(tree)
    assert stats.cached == 3 and stats.parsed == 1


def test_damaged_entries_are_misses(tree):
    cold, _ = check(tree)
    entries = list((tree / "cache").rglob("*.json"))
    assert len(entries) == 4
    entries[0].write_text("{not json", encoding="utf-8")
    entries[1].write_text(json.dumps({"key": "x", "path": "y", "diagnostics": []}), encoding="utf-8")
    entries[2].write_bytes(b"")
    warm, stats = check(tree)
    assert stats.cached == 1
    assert [repr(d) for d in warm] == [repr(d) for d in cold]


def test_cache_directory_layout(tree):
    check(tree)
    root = tree / "cache"
    assert (root / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    leftovers = [p for p in root.rglob("*") if p.name.startswith(".tmp-")]
    assert not leftovers


def test_unwritable_cache_directory_still_checks(tree):
    blocker = tree / "cache"
    blocker.write_text("a file where the directory should be", encoding="utf-8")
    found, stats = check(tree)
    assert stats.cached == 0 and {d.code for d in found} == {"SL000", "SL001"}


def test_fixes_and_notes_survive_the_round_trip():
    d = Diagnostic("a.py", 3, 5, 3, 9, "SL001", "matmul-mismatch", "error", "m\u00e9ssage \udcff", ("n1", "n2"),
                   "use x.T", Fix(3, 5, 3, 9, "x.T"))
    items = cache_module.encode([d])
    back = cache_module.decode(json.loads(json.dumps(items)))
    assert back == [d] and back[0].fix == d.fix and back[0].notes == ("n1", "n2")


def test_cli_cache_options(tree, monkeypatch):
    monkeypatch.chdir(tree)
    runner_ = CliRunner()
    result = runner_.invoke(cli.cli, ["src", "--no-cache", "-q", "--exit-zero"])
    assert result.exit_code == 0, result.output
    assert not (tree / ".shapelint_cache").exists()
    first = runner_.invoke(cli.cli, ["src", "-q", "--exit-zero", "-v"])
    assert (tree / ".shapelint_cache" / "CACHEDIR.TAG").exists()
    second = runner_.invoke(cli.cli, ["src", "-q", "--exit-zero", "-v"])  # -v is a setting (tracebacks)
    assert "4 files from the cache" in second.stderr, second.stderr
    assert second.stdout == first.stdout == result.stdout
    other = runner_.invoke(cli.cli, ["src", "-q", "--exit-zero", "--cache-dir", "elsewhere"])
    assert other.stdout == first.stdout and (tree / "elsewhere" / "CACHEDIR.TAG").exists()


def test_the_repository_ignores_the_cache():
    ignore = Path(__file__).resolve().parent.parent / ".gitignore"
    assert ".shapelint_cache/" in ignore.read_text().splitlines()
