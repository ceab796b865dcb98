"""-j N: the same output as -j 1, byte for byte; a crash or a time-out in one file is a finding on
that file and never loses another file's findings (in the pool and in-process)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapelint import cli, engine, pool, runner
from shapelint.config import Settings

ROOT = Path(__file__).resolve().parent.parent
MAIN_PID = os.getpid()
BAD = "import numpy as np\nx = np.zeros((2, 3)) @ np.ones((4, 5))\n"

# the pool's workers run the test's patched functions only if they are forked from this process
fork_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="patched workers need fork")


@pytest.fixture
def small_runs_use_the_pool(monkeypatch):
    monkeypatch.setattr(runner, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(pool, "HARD_GRACE", 2.0)


@pytest.fixture
def files(tmp_path):
    for name in ("a", "b", "c", "d", "e", "special"):
        (tmp_path / f"{name}.py").write_text(BAD, encoding="utf-8")
    return sorted(str(p) for p in tmp_path.glob("*.py"))


def by_file(found):
    out: dict[str, list] = {}
    for d in found:
        out.setdefault(os.path.basename(d.path), []).append((d.code, d.message))
    return out


def patch_special(monkeypatch, behaviour):
    """Make checking special.py do ``behaviour()`` (never in this process: a crash would end it)."""
    real = runner.check_one

    def patched(path, *args, **kw):
        if path.endswith("special.py"):
            if os.getpid() == MAIN_PID and behaviour.__name__ == "crash":
                raise RuntimeError("the crash ran in the main process")
            behaviour()
        return real(path, *args, **kw)

    monkeypatch.setattr(runner, "check_one", patched)


def assert_others_intact(found, files):
    got = by_file(found)
    for path in files:
        name = os.path.basename(path)
        if name != "special.py":
            assert [c for c, _ in got[name]] == ["SL001"], got


# --- identical output ----------------------------------------------------------------------------


def test_output_is_identical_across_jobs_and_cache(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "fixtures" / "crossfile", tmp_path / "src" / "crossfile")
    for path in sorted((ROOT / "fixtures" / "rules").glob("SL00[1-6]*.py")):
        shutil.copy(path, tmp_path / "src")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "POOL_MIN_BYTES", 0)
    runs = [
        ("text", "j1", ["-j", "1", "--no-cache"]),
        ("text", "j2", ["-j", "2", "--no-cache"]),
        ("text", "j2 cold cache", ["-j", "2"]),
        ("text", "j2 warm cache", ["-j", "2"]),
        ("text", "j1 warm cache", ["-j", "1"]),
        ("json", "j1", ["-j", "1", "--no-cache"]),
        ("json", "j3 warm cache", ["-j", "3"]),
    ]
    outputs = {}
    for fmt, name, options in runs:
        result = CliRunner().invoke(cli.cli, ["src", "--format", fmt, "--no-color", *options])
        assert result.exit_code == 1, result.output
        outputs[fmt, name] = result.stdout
    for fmt, name, _ in runs:
        reference = outputs[fmt, "j1"]
        assert "SL001" in reference
        assert outputs[fmt, name] == reference, f"{fmt}: {name} differs from -j 1"


def test_results_do_not_depend_on_what_else_the_process_checked():
    paths = sorted(str(p) for p in (ROOT / "fixtures" / "crossfile").glob("*.py"))
    paths += sorted(str(p) for p in (ROOT / "fixtures" / "rules").glob("SL00[1-5]*.py"))
    together = engine.check_paths(paths, Settings())
    reversed_order = engine.check_paths(paths[::-1], Settings())
    alone = []
    for path in paths:
        alone += runner.check_one(path, Settings(), runner.FULL, None, runner.ProjectHolder(paths)).diagnostics
    alone.sort(key=runner._total_order)
    assert [repr(d) for d in together] == [repr(d) for d in reversed_order] == [repr(d) for d in alone]


# --- isolation in the pool -------------------------------------------------------------------------


@fork_only
def test_a_crashing_worker_loses_no_other_findings(files, monkeypatch, small_runs_use_the_pool):
    def crash():
        os._exit(3)

    patch_special(monkeypatch, crash)
    stats = runner.RunStats()
    found = engine.check_paths(files, Settings(), jobs=2, timeout=30, stats=stats)
    assert_others_intact(found, files)
    assert by_file(found)["special.py"] == [("SL999", runner.CRASH_MESSAGE)]
    assert stats.failures == [(files[-1], "crash")] and stats.workers == 2


@fork_only
def test_a_file_past_the_time_limit_is_a_finding(files, monkeypatch, small_runs_use_the_pool):
    patch_special(monkeypatch, lambda: time.sleep(60))
    started = time.monotonic()
    found = engine.check_paths(files, Settings(), jobs=2, timeout=2)
    assert time.monotonic() - started < 30
    assert_others_intact(found, files)
    assert by_file(found)["special.py"] == [("SL999", runner.timeout_message(2))]


@fork_only
def test_a_hang_the_alarm_cannot_stop_is_killed(files, monkeypatch, small_runs_use_the_pool):
    def hang():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as native code would
        time.sleep(60)

    patch_special(monkeypatch, hang)
    stats = runner.RunStats()
    started = time.monotonic()
    found = engine.check_paths(files, Settings(), jobs=2, timeout=2, stats=stats)
    assert time.monotonic() - started < 30
    assert_others_intact(found, files)
    assert by_file(found)["special.py"] == [("SL999", runner.timeout_message(2))]
    assert stats.failures == [(files[-1], "timeout")]


@fork_only
def test_an_exception_in_a_worker_is_a_finding(files, monkeypatch, small_runs_use_the_pool):
    real = engine.check_source

    def boom(path, *args, **kw):
        if path.endswith("special.py"):
            raise ValueError("boom")
        return real(path, *args, **kw)

    monkeypatch.setattr(engine, "check_source", boom)
    found = engine.check_paths(files, Settings(), jobs=2)
    assert_others_intact(found, files)
    assert by_file(found)["special.py"] == [("SL999", "shapelint failed on this file: ValueError: boom")]


# --- isolation in-process (-j 1) -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM")
def test_in_process_time_limit(files, monkeypatch):
    real = engine.check_source

    def slow(path, *args, **kw):
        if path.endswith("special.py"):
            time.sleep(60)
        return real(path, *args, **kw)

    monkeypatch.setattr(engine, "check_source", slow)
    started = time.monotonic()
    found = engine.check_paths(files, Settings(), jobs=1, timeout=1.5)
    assert time.monotonic() - started < 20
    assert_others_intact(found, files)
    assert by_file(found)["special.py"] == [("SL999", runner.timeout_message(1.5))]
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_in_process_exceptions_are_findings(files, monkeypatch):
    real = engine.check_source

    def boom(path, *args, **kw):
        if path.endswith("special.py"):
            raise RecursionError("too deep")
        return real(path, *args, **kw)

    monkeypatch.setattr(engine, "check_source", boom)
    found = engine.check_paths(files, Settings(), jobs=1)
    assert_others_intact(found, files)
    assert by_file(found)["special.py"] == [("SL999", "shapelint failed on this file: RecursionError: too deep")]


def test_jobs_and_timeout_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(BAD, encoding="utf-8")
    for bad in (["-j", "0"], ["--jobs", "x"], ["--timeout", "-1"]):
        result = CliRunner().invoke(cli.cli, ["a.py", *bad])
        assert result.exit_code == 2, bad
    result = CliRunner().invoke(cli.cli, ["a.py", "-j", "4", "--timeout", "0", "--no-cache", "-q"])
    assert result.exit_code == 1 and "SL001" in result.stdout


def test_lanes_and_chunks_cover_every_file():
    sizes = {f"d{i % 3}/f{i}.py": i * 100 for i in range(1, 21)}
    lanes = pool._lanes(list(sizes), sizes, 2)
    chunks = [c for lane in lanes for c in pool._chunks(lane, sizes, 200)]
    assert sorted(p for c in chunks for p in c) == sorted(sizes) and len(lanes) == 2 and len(chunks) >= 4
