"""docs/rules.md and README.md's generated blocks must match what ``python -m shapelint.docs``
generates from the rules (and the demo); the README documents every rule, option and format."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from shapelint import docs
from shapelint.report import FORMATS
from shapelint.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
STALE = "out of date: regenerate with `python -m shapelint.docs` (from the repository root)"


def test_rules_page_is_current():
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == docs.render(), STALE


def test_readme_generated_blocks_are_current(monkeypatch):
    monkeypatch.chdir(REPO)
    current = (REPO / "README.md").read_text(encoding="utf-8")
    assert current == docs.render_readme(current), STALE


def test_rules_page_documents_every_rule():
    page = docs.render()
    for rule in ALL_RULES:
        assert f"## {rule.code} {rule.name}\n" in page
        assert f"](#{docs.anchor(rule)})" in page
        for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
            assert f"### {section}" in page.split(f"## {rule.code} ", 1)[1], (rule.code, section)


def test_check_mode(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    stale = tmp_path / "rules.md"
    stale.write_text("# Rules\n")
    cmd = [sys.executable, "-m", "shapelint.docs", "--no-readme", "-o", str(stale)]
    proc = subprocess.run([*cmd, "--check"], env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "out of date" in proc.stderr
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    assert stale.read_text() == docs.render()
    assert subprocess.run([*cmd, "--check"], env=env, capture_output=True).returncode == 0


def test_readme_documents_options_formats_and_keys():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    options = ["--format", "--config", "--isolated", "--select", "--extend-select", "--ignore", "--per-file-ignores",
               "--extend-per-file-ignores", "--exclude", "--extend-exclude", "--force-exclude",
               "--respect-gitignore", "--distinct-symbols", "--gradient-pattern", "--fix", "--diff", "--statistics"]
    from shapelint.cli import check

    known = {opt for param in check.params for opt in getattr(param, "opts", [])}
    for opt in options:
        assert opt in known, opt
        flag = opt[2:]
        assert opt in readme or f"--no-{flag}" in readme or f"--[no-]{flag}" in readme, f"README lacks {opt}"
    for fmt in FORMATS:
        assert f"### {fmt}" in readme or f"### {fmt} " in readme, fmt
    from shapelint.config import KEYS

    for key in KEYS:
        assert f"`{key}`" in readme, key
    for heading in ("## Install", "## Quick start", "## What it finds", "## Annotating shapes", "## Rules",
                    "## Configuration", "## pre-commit", "## Continuous integration", "## How shapelint compares",
                    "## Fixes", "## Seeing what shapelint inferred"):
        assert re.search(rf"^{re.escape(heading)}\b", readme, re.MULTILINE), heading
