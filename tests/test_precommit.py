"""The pre-commit hook (.pre-commit-hooks.yaml), run by the real pre-commit with ``try-repo``.

A copy of this project (its working tree, committed into a scratch repository so that
uncommitted changes are tested too) is the hook repository; a second scratch repository holds
a numpy file with a shape bug.  pre-commit installs the hook into its own virtual environment
from the copy (from the package index: libcst, click), runs it and must fail with the finding;
once the file is fixed, it must pass.  This needs pre-commit (the test extra) and the package
index; it takes about half a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BUGGY = '''\
import numpy as np

W = np.zeros((4, 5))
x = np.zeros((4, 1))
h = W @ x
'''
FIXED = BUGGY.replace("W @ x", "W.T @ x")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _scratch_repo(path: Path) -> None:
    path.mkdir()
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "test@example.invalid")
    _git(path, "config", "user.name", "shapelint tests")
    _git(path, "config", "commit.gpgsign", "false")


def _copy_project(dest: Path) -> None:
    """The files pip needs to install shapelint, plus the hook definition."""
    _scratch_repo(dest)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(REPO / "shapelint", dest / "shapelint", ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, dest / name)
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "shapelint")


def _try_repo(hook_repo: Path, target: Path, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "shapelint", "--all-files", "--verbose"],
        cwd=target, env=env, capture_output=True, text=True, timeout=600,
    )


def test_hooks_file_declares_a_python_hook():
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    yaml = pytest.importorskip("yaml")  # pre-commit depends on PyYAML
    hooks = yaml.safe_load(text)
    (hook,) = [h for h in hooks if h["id"] == "shapelint"]
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["entry"].split()[:2] == ["shapelint", "check"]


def test_pre_commit_try_repo_fails_on_a_bug_and_passes_once_fixed(tmp_path):
    hook_repo = tmp_path / "hook"
    target = tmp_path / "project"
    _copy_project(hook_repo)
    _scratch_repo(target)
    (target / "model.py").write_text(BUGGY)
    (target / "notes.txt").write_text("W @ x is not Python\n")  # not a Python file: not passed to the hook
    _git(target, "add", "-A")

    failed = _try_repo(hook_repo, target, tmp_path / "cache")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "shapelint" in output and "Failed" in output, output
    assert "model.py:5:5: SL001 [error]" in output, output
    assert "notes.txt" not in output.split("Failed", 1)[1], output

    (target / "model.py").write_text(FIXED)
    _git(target, "add", "-A")
    passed = _try_repo(hook_repo, target, tmp_path / "cache")
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output, output
