"""The command line (shapelint.cli).

Most tests drive the click command in-process with CliRunner and a stand-in engine and rule
registry, so they test the CLI alone.  The subprocess tests at the end run the real thing
(``python -m shapelint``) with the real engine and rules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

import shapelint
from shapelint import __version__, cli
from shapelint.diagnostics import Diagnostic
from shapelint.rules.base import Rule

REPO = Path(__file__).resolve().parent.parent


def make_runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless asked not to
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


FAKE_RULES = [
    Rule("SL001", "matmul-mismatch", "error", "Matrix product of incompatible shapes.", "## What it does\n\nChecks @."),
    Rule("SL002", "broadcast-mismatch", "error", "Arrays that do not broadcast.", "## What it does\n\nChecks +."),
    Rule("SL101", "unknown-shape", "note", "A shape could not be inferred.", "## What it does\n\nExplains."),
]


class FakeEngine:
    """Stands in for shapelint.engine: returns canned diagnostics and records its calls."""

    def __init__(self):
        self.calls = []
        self.results: dict[str, list[Diagnostic]] = {}
        self.raises: BaseException | None = None

    def check_paths(self, files, settings, **options):  # options: jobs, timeout, cache_dir, stats
        self.calls.append((list(files), settings))
        if self.raises is not None:
            raise self.raises
        out = []
        for f in files:
            out += [d for d in self.results.get(os.path.basename(f), []) if settings.enabled(d.code)]
        return out


@pytest.fixture
def engine(monkeypatch):
    fake = FakeEngine()
    module = types.ModuleType("shapelint.engine")
    module.check_paths = fake.check_paths
    monkeypatch.setitem(sys.modules, "shapelint.engine", module)
    monkeypatch.setattr(shapelint, "engine", module, raising=False)
    monkeypatch.setattr(cli, "_registry", lambda: (FAKE_RULES, lambda c: {r.code: r for r in FAKE_RULES}.get(c)))
    return fake


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text("import numpy as np\n\ny = a @ b\n")
    (tmp_path / "src" / "clean.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def finding(path="src/model.py", code="SL001", severity="error", line=3):
    return Diagnostic(path, line, 5, line, 10, code, "matmul-mismatch", severity, "cannot multiply (2, 3) by (4, 5)")


def run(*args, **kw):
    return make_runner().invoke(cli.cli, list(args), prog_name="shapelint", **kw)


# --- routing -----------------------------------------------------------------------------------


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"shapelint {__version__}\n"


def test_version_after_paths(engine, project):
    result = run("src", "--version")
    assert result.exit_code == 0
    assert result.stdout == f"shapelint {__version__}\n"
    assert engine.calls == []


def test_group_help_mentions_default_command():
    result = run("--help")
    assert result.exit_code == 0
    assert "shapelint [OPTIONS] [PATHS]..." in result.stdout
    assert "rules" in result.stdout and "rule" in result.stdout


def test_check_help_after_path():
    result = run("src", "-h")
    assert result.exit_code == 0
    assert "--format" in result.stdout and "--exit-zero" in result.stdout


def test_paths_default_to_check(engine, project):
    result = run("src", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    files, settings = engine.calls[0]
    assert files == [os.path.join("src", "clean.py"), os.path.join("src", "model.py")]


def test_options_before_paths(engine, project):
    result = run("--format", "json", "src")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_no_arguments_checks_the_current_directory(engine, project):
    result = run()
    assert result.exit_code == 0, result.output
    assert engine.calls[0][0] == [os.path.join("src", "clean.py"), os.path.join("src", "model.py")]
    assert result.stdout == "All checked: no findings in 2 files.\n"


def test_explicit_check_command(engine, project):
    result = run("check", "src/clean.py")
    assert result.exit_code == 0
    assert engine.calls[0][0] == [os.path.join("src", "clean.py")]


def test_unknown_option_is_a_usage_error(engine, project):
    result = run("src", "--bogus")
    assert result.exit_code == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.output


# --- check ------------------------------------------------------------------------------------


def test_findings_exit_1_with_text_report(engine, project):
    engine.results["model.py"] = [finding()]
    result = run("src")
    assert result.exit_code == 1
    assert result.stdout == (
        "src/model.py:3:5: SL001 [error] cannot multiply (2, 3) by (4, 5)\n"
        "  3 | y = a @ b\n"
        "    |     ^^^^^\n"
        "\n"
        "Found 1 error, 0 warnings in 1 file.\n"
    )
    assert result.stderr == ""


def test_quiet(engine, project):
    engine.results["model.py"] = [finding()]
    result = run("src", "-q")
    assert result.exit_code == 1
    assert result.stdout == "src/model.py:3:5: SL001 [error] cannot multiply (2, 3) by (4, 5)\n"


def test_json_output(engine, project):
    engine.results["model.py"] = [finding(line=3), finding(line=1, code="SL002")]
    result = run("src", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["line"], d["code"]) for d in data] == [(1, "SL002"), (3, "SL001")]
    assert list(data[0]) == list(finding().to_json())


def test_notes_do_not_fail_the_run(engine, project):
    engine.results["model.py"] = [finding(code="SL101", severity="note")]
    result = run("src")
    assert result.exit_code == 0
    assert "[note]" in result.stdout


def test_warnings_fail_the_run(engine, project):
    engine.results["model.py"] = [finding(severity="warning")]
    assert run("src").exit_code == 1


def test_exit_zero(engine, project):
    engine.results["model.py"] = [finding()]
    result = run("src", "--exit-zero")
    assert result.exit_code == 0
    assert "SL001" in result.stdout


def test_missing_path_is_reported_and_the_rest_checked(engine, project):
    engine.results["model.py"] = [finding()]
    result = run("src", "nope.py", "--exit-zero")
    assert result.exit_code == 2
    assert result.stderr == "shapelint: error: path does not exist: nope.py\n"
    assert "SL001" in result.stdout
    assert engine.calls[0][0] == [os.path.join("src", "clean.py"), os.path.join("src", "model.py")]


def test_only_missing_paths(engine, project):
    result = run("nope.py", "gone")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "shapelint: error: path does not exist: nope.py",
        "shapelint: error: path does not exist: gone",
    ]
    assert result.stdout == ""
    assert engine.calls == []


def test_select_and_ignore_reach_the_engine(engine, project):
    result = run("src", "--select", "SL0,sl101", "--select", "SL002", "--ignore", "SL002")
    assert result.exit_code == 0, result.output
    settings = engine.calls[0][1]
    assert settings.select == ("SL0", "SL101", "SL002")
    assert settings.ignore == ("SL002",)
    assert settings.verbose is False


def test_select_filters(engine, project):
    engine.results["model.py"] = [finding(code="SL001"), finding(code="SL002", line=1)]
    result = run("src", "-q", "--ignore", "SL001")
    assert result.stdout == "src/model.py:1:5: SL002 [error] cannot multiply (2, 3) by (4, 5)\n"


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("value", ["E501", "SL001,XX", "SL9"])
def test_unknown_codes_are_usage_errors(engine, project, option, value):
    result = run("src", option, value)
    assert result.exit_code == 2
    assert "unknown rule code or prefix" in result.stderr
    assert "Traceback" not in result.output
    assert engine.calls == []


def test_bad_format_is_a_usage_error(engine, project):
    result = run("src", "--format", "xml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_verbose(engine, project):
    result = run("src", "-v")
    assert result.exit_code == 0
    assert engine.calls[0][1].verbose is True
    assert f"shapelint: checking {os.path.join('src', 'model.py')}" in result.stderr
    assert "shapelint: checked 2 files in" in result.stderr


def test_colour_flags(engine, project):
    engine.results["model.py"] = [finding()]
    assert "\x1b[" in run("src", "--color").stdout
    assert "\x1b[" not in run("src", "--no-color").stdout
    assert "\x1b[" not in run("src").stdout  # not a terminal
    assert "\x1b[" not in run("src", "--color", "--format", "json").stdout


def test_colour_default_follows_terminal_and_no_color(monkeypatch):
    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", Stream(True))
    assert cli._use_color(None) is True
    assert cli._use_color(False) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_color(None) is False
    assert cli._use_color(True) is True
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: an empty value does not count
    assert cli._use_color(None) is True
    monkeypatch.setattr(sys, "stdout", Stream(False))
    assert cli._use_color(None) is False


def test_internal_error_is_one_line(engine, project):
    engine.raises = RuntimeError("boom")
    result = run("src")
    assert result.exit_code == 2
    assert result.stderr == "shapelint: internal error: RuntimeError: boom (run with -v for the traceback)\n"
    result = run("src", "-v")
    assert "Traceback" in result.stderr


# --- rules / rule ------------------------------------------------------------------------------


def test_rules_table(engine):
    result = run("rules")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "CODE   NAME                SEVERITY  SUMMARY",
        "SL001  matmul-mismatch     error     Matrix product of incompatible shapes.",
        "SL002  broadcast-mismatch  error     Arrays that do not broadcast.",
        "SL101  unknown-shape       note      A shape could not be inferred.",
    ]


def test_rule_documentation(engine):
    result = run("rule", "sl001")
    assert result.exit_code == 0
    assert result.stdout == FAKE_RULES[0].documentation()


def test_unknown_rule(engine):
    result = run("rule", "SL999x")
    assert result.exit_code == 2
    assert "unknown rule" in result.stderr
    assert "Traceback" not in result.output


# --- the real thing, in a subprocess -----------------------------------------------------------


def shapelint_process(*args, cwd=None, env=None):
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "shapelint", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120,
    )


def test_process_version():
    proc = shapelint_process("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"shapelint {__version__}\n"


def test_version_and_help_do_not_import_the_engine():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from shapelint.cli import cli\n"
        "for args in (['--version'], ['--help'], ['check', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0\n"
        "heavy = [m for m in ('shapelint.engine', 'libcst', 'numpy') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[]\n"


def test_process_missing_path(tmp_path):
    proc = shapelint_process("does-not-exist", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "shapelint: error: path does not exist: does-not-exist\n"
    assert proc.stdout == ""


def test_process_usage_error_has_no_traceback(tmp_path):
    proc = shapelint_process(".", "--format", "yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


# These need the real engine and rule registry (shapelint/engine.py, shapelint/rules/__init__.py).


def test_process_rules_lists_every_rule():
    from shapelint.rules import ALL_RULES

    proc = shapelint_process("rules")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "SEVERITY", "SUMMARY"]
    assert [line.split()[0] for line in lines[1:]] == sorted(r.code for r in ALL_RULES)


def test_process_rule_documentation():
    from shapelint.rules import ALL_RULES

    rule = ALL_RULES[0]
    proc = shapelint_process("rule", rule.code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == rule.documentation()


def test_process_clean_file(tmp_path):
    (tmp_path / "ok.py").write_text("import numpy as np\n\nx = np.zeros((2, 3))\ny = x + 1\n")
    proc = shapelint_process("ok.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checked: no findings in 1 file.\n"


MATMUL_BUG = "import numpy as np\n\na = np.zeros((2, 3))\nb = np.zeros((4, 5))\nc = a @ b\n"


def test_process_finds_a_shape_error(tmp_path):
    (tmp_path / "bug.py").write_text(MATMUL_BUG)
    proc = shapelint_process(".", "--no-color", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("bug.py:5:")
    assert "  5 | c = a @ b\n" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("Found ")

    proc = shapelint_process(".", "--exit-zero", cwd=tmp_path)
    assert proc.returncode == 0


def test_process_json(tmp_path):
    (tmp_path / "bug.py").write_text(MATMUL_BUG)
    proc = shapelint_process("--format", "json", "bug.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data and all(d["path"] == "bug.py" for d in data)
    assert list(data[0]) == list(Diagnostic("p", 1, 1, 1, 1, "c", "n", "error", "m").to_json())


def test_process_suppression(tmp_path):
    (tmp_path / "bug.py").write_text(MATMUL_BUG.replace("c = a @ b\n", "c = a @ b  # shapelint: ignore\n"))
    proc = shapelint_process("bug.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(not (REPO / "fixtures" / "demo").is_dir(), reason="fixtures/demo not there yet")
def test_process_demo_quick_start():
    proc = shapelint_process("fixtures/demo", cwd=REPO)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Found " in proc.stdout
    assert "Traceback" not in proc.stderr
