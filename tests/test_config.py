"""Configuration: [tool.shapelint] in pyproject.toml, shapelint.toml, --config, command-line
overrides, exclude patterns, .gitignore, and the errors a bad configuration gives.

Most tests run the real command in a subprocess in a temporary project, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from shapelint import config
from shapelint.config import ConfigError, ConfigFinder, Options, Settings, combine, path_matches

REPO = Path(__file__).resolve().parent.parent

# one SL001 (line 5) and one SL006 (line 9) in a file that every test copies around
BUGS = """\
import numpy as np

W = np.zeros((4, 5))
x = np.zeros((4, 1))
h = W @ x

col = np.zeros((3, 1))
row = np.zeros(3)
outer = col - row
"""
CLEAN = "import numpy as np\n\nx = np.zeros((2, 3)) + 1\n"
CODES = sorted(["SL000", "SL001", "SL002", "SL003", "SL004", "SL005", "SL006", "SL007", "SL008", "SL009",
                "SL012", "SL100", "SL900", "SL901", "SL999"])


def run(cwd, *args):
    env = dict(os.environ, NO_COLOR="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def codes(proc) -> list[tuple[str, str]]:
    """(path, code) of each finding in ``--format concise -q`` output."""
    out = []
    for line in proc.stdout.splitlines():
        path, _, rest = line.partition(":")
        out.append((path.replace("\\", "/"), rest.split(": ", 1)[1].split()[0]))
    return out


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


@pytest.fixture
def project(tmp_path):
    return write(tmp_path, {"src/model.py": BUGS, "src/clean.py": CLEAN})


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def check(cwd, *args):
    """The real command, in process (fast): ``shapelint check --format concise -q ARGS`` in ``cwd``."""
    from click.testing import CliRunner

    from shapelint import cli

    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 keeps them apart anyway
        runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli.cli, ["check", "--format", "concise", "-q", "--no-cache", *args],
                               env={"NO_COLOR": "1"})
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


def check_process(cwd, *args):
    """The same, as a user runs it: a subprocess."""
    return run(cwd, "check", "--format", "concise", "-q", "--no-cache", *args)


# --- reading the file ------------------------------------------------------------------------------


def test_select_ignore_from_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    assert codes(check(project, "src")) == [("src/model.py", "SL001")]
    (project / "pyproject.toml").write_text('[tool.shapelint]\nignore = ["SL00"]\n')
    proc = check(project, "src")
    assert codes(proc) == [] and proc.returncode == 0, proc.stdout + proc.stderr


def test_extend_select_adds_to_select(project):
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\nextend-select = ["SL006"]\n')
    assert codes(check(project, "src")) == [("src/model.py", "SL001"), ("src/model.py", "SL006")]


def test_command_line_overrides_the_file(project):
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\nignore = ["SL006"]\n')
    # --select replaces select, extend-select and ignore of the file
    assert codes(check(project, "src", "--select", "SL006")) == [("src/model.py", "SL006")]
    # --ignore adds to the file's
    assert codes(check(project, "src", "--ignore", "SL001")) == []
    # --extend-select adds to the file's select (ignore still wins)
    assert codes(check(project, "src", "--extend-select", "SL006")) == [("src/model.py", "SL001")]


def test_per_file_ignores(project):
    write(project, {"tests/test_model.py": BUGS})
    (project / "pyproject.toml").write_text(
        '[tool.shapelint.per-file-ignores]\n"tests/**" = ["SL001"]\n"model.py" = ["SL006"]\n')
    assert codes(check(project, ".")) == [("src/model.py", "SL001"), ("tests/test_model.py", "SL006")]
    # the command line replaces the table, or extends it
    assert codes(check(project, ".", "--per-file-ignores", "src/*:SL0")) == [
        ("tests/test_model.py", "SL001"), ("tests/test_model.py", "SL006")]
    assert codes(check(project, ".", "--extend-per-file-ignores", "tests/*:SL006")) == [("src/model.py", "SL001")]


def test_nearest_configuration_applies_to_each_file(project):
    write(project, {"sub/pkg/model.py": BUGS, "sub/plain/model.py": BUGS})
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    (project / "sub" / "pkg" / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL006"]\n')
    # a pyproject.toml without [tool.shapelint] is passed over
    (project / "sub" / "plain" / "pyproject.toml").write_text('[project]\nname = "plain"\n')
    assert codes(check(project, ".")) == [
        ("src/model.py", "SL001"), ("sub/pkg/model.py", "SL006"), ("sub/plain/model.py", "SL001")]
    # found by walking up from the file, wherever the command runs
    assert codes(check(project / "sub", "pkg/model.py")) == [("pkg/model.py", "SL006")]


def test_shapelint_toml_wins_over_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    (project / "shapelint.toml").write_text('select = ["SL006"]\n')
    assert codes(check(project, "src")) == [("src/model.py", "SL006")]


def test_config_option_and_isolated(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere") / "ci.toml"
    other.write_text('[tool.shapelint]\nselect = ["SL006"]\n')
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    assert codes(check(project, "src", "--config", str(other))) == [("src/model.py", "SL006")]
    assert codes(check(project, "src", "--isolated")) == [("src/model.py", "SL001"), ("src/model.py", "SL006")]
    proc = check(project, "src", "--config", "missing.toml")
    assert proc.returncode == 2 and "missing.toml: configuration file not found" in proc.stderr


def test_distinct_symbols(tmp_path):
    write(tmp_path, {"m.py": (
        "import numpy as np\nfrom jaxtyping import Float\n\n\n"
        "def f(a: Float[np.ndarray, 'n d'], b: Float[np.ndarray, 'd m']):\n"
        "    return b @ a\n")})
    assert codes(check(tmp_path, "m.py")) == [("m.py", "SL001")]
    assert codes(check(tmp_path, "m.py", "--no-distinct-symbols")) == []
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\ndistinct-symbols = false\n")
    assert codes(check(tmp_path, "m.py")) == []
    assert codes(check(tmp_path, "m.py", "--distinct-symbols")) == [("m.py", "SL001")]


GRADIENT = """\
import numpy as np
from jaxtyping import Float


def step(W: Float[np.ndarray, "d k"], X: Float[np.ndarray, "n d"], E: Float[np.ndarray, "n k"]):
    g_W = E.T @ X
    return W - 0.1 * g_W.T
"""


def test_gradient_patterns(tmp_path):
    write(tmp_path, {"g.py": GRADIENT})
    assert codes(check(tmp_path, "g.py")) == []  # g_W is not a gradient name shapelint knows
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\ngradient-patterns = ['^g_(?P<p>\\w+)$']\n")
    assert codes(check(tmp_path, "g.py")) == [("g.py", "SL003")]
    assert codes(check(tmp_path, "g.py", "--isolated", "--gradient-pattern", r"^g_(?P<p>\w+)$")) == [("g.py", "SL003")]


# --- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    ('selcet = ["SL001"]', "[tool.shapelint] selcet: unknown key; did you mean 'select'?"),
    ('extend_select = ["SL001"]', "[tool.shapelint] extend_select: unknown key; did you mean 'extend-select'?"),
    ('select = "SL001"', '[tool.shapelint] select: expected an array of rule codes, got a string'),
    ('ignore = ["E501"]', "[tool.shapelint] ignore: unknown rule code or prefix 'E501'"),
    ('ignore = ["SL00l"]', "[tool.shapelint] ignore: unknown rule code or prefix 'SL00l'"),
    ('respect-gitignore = 1', "[tool.shapelint] respect-gitignore: expected true or false, got an integer"),
    ('exclude = "build"', "[tool.shapelint] exclude: expected an array of path patterns, got a string"),
    ("gradient-patterns = ['^g_(\\w+)$']", "[tool.shapelint] gradient-patterns: the regular expression"),
    ("gradient-patterns = ['(?P<p>']", "[tool.shapelint] gradient-patterns: invalid regular expression"),
    ('per-file-ignores = ["SL001"]', "[tool.shapelint] per-file-ignores: expected a table"),
    ('per-file-ignores = {"tests/*" = ["XX1"]}', "[tool.shapelint] per-file-ignores: 'tests/*': unknown rule code"),
    ('select = [SL001]', "invalid TOML"),
])
def test_bad_configuration_is_one_line_naming_file_and_key(project, body, message):
    (project / "pyproject.toml").write_text(f"[tool.shapelint]\n{body}\n")
    proc = check(project, "src")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("shapelint: error: pyproject.toml: "), proc.stderr
    assert message in lines[0], proc.stderr


def test_bad_configuration_in_a_real_process(project):
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001", "E501"]\n')
    proc = check_process(project, "src")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ("shapelint: error: pyproject.toml: [tool.shapelint] select: unknown rule code or "
                           "prefix 'E501' (run 'shapelint rules' for the list)\n")


def test_configuration_in_a_real_process(project):
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    proc = check_process(project, "src")
    assert proc.returncode == 1 and codes(proc) == [("src/model.py", "SL001")], proc.stderr
    proc = check_process(project, "src", "--select", "SL006")
    assert codes(proc) == [("src/model.py", "SL006")], proc.stderr


def test_bad_standalone_file_is_named(project):
    (project / "shapelint.toml").write_text("selcet = []\n")
    proc = check(project, "src")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "shapelint: error: shapelint.toml: selcet: unknown key; did you mean 'select'?"


def test_bad_command_line_values_are_usage_errors(project):
    for args in (["--per-file-ignores", "tests"], ["--gradient-pattern", "^g_(\\w+)$"], ["--extend-select", "E1"]):
        proc = check(project, "src", *args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr


# --- which files -------------------------------------------------------------------------------------------


def test_exclude_and_extend_exclude(project):
    write(project, {"src/gen/out_pb2.py": BUGS, "legacy/old.py": BUGS, "legacy/keep/new.py": BUGS})
    (project / "pyproject.toml").write_text(
        '[tool.shapelint]\nselect = ["SL001"]\nexclude = ["gen"]\nextend-exclude = ["legacy/*.py"]\n')
    assert codes(check(project, ".")) == [("legacy/keep/new.py", "SL001"), ("src/model.py", "SL001")]
    # --exclude replaces exclude (not extend-exclude)
    assert codes(check(project, ".", "--exclude", "keep,model.py")) == [("src/gen/out_pb2.py", "SL001")]
    # --extend-exclude adds
    assert codes(check(project, ".", "--extend-exclude", "src")) == [("legacy/keep/new.py", "SL001")]


def test_named_paths_are_checked_unless_force_exclude(project):
    write(project, {"gen/out.py": BUGS})
    (project / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\nexclude = ["gen"]\n')
    assert codes(check(project, ".")) == [("src/model.py", "SL001")]
    # a directory or a file you name is checked
    assert codes(check(project, "gen")) == [("gen/out.py", "SL001")]
    assert codes(check(project, "gen/out.py")) == [("gen/out.py", "SL001")]
    # unless exclusion is forced (the pre-commit hook)
    proc = check(project, "gen/out.py", "--force-exclude")
    assert codes(proc) == [] and proc.returncode == 0


def test_verbose_says_what_was_skipped_and_why(project):
    write(project, {"gen/out.py": BUGS})
    (project / "pyproject.toml").write_text('[tool.shapelint]\nexclude = ["gen"]\n')
    proc = check(project, ".", "-v")
    assert "shapelint: using configuration pyproject.toml" in proc.stderr
    assert "shapelint: skipping gen/out.py (excluded by 'gen')" in proc.stderr.replace(os.sep, "/")


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_gitignored_files_are_skipped(project):
    _git(project, "init", "-q")
    write(project, {".gitignore": "ignored/\n*_gen.py\n", "ignored/a.py": BUGS, "src/x_gen.py": BUGS,
                    "src/tracked_gen.py": BUGS})
    _git(project, "add", "-f", "src/tracked_gen.py")  # tracked: git does not ignore it
    found = {p for p, _ in codes(check_process(project, "."))}
    assert found == {"src/model.py", "src/tracked_gen.py"}
    found = {p for p, _ in codes(check(project, ".", "--no-respect-gitignore"))}
    assert found == {"ignored/a.py", "src/model.py", "src/tracked_gen.py", "src/x_gen.py"}
    # named files are checked even when ignored
    assert {p for p, _ in codes(check(project, "src/x_gen.py"))} == {"src/x_gen.py"}
    (project / "pyproject.toml").write_text("[tool.shapelint]\nrespect-gitignore = false\n")
    assert len({p for p, _ in codes(check(project, "."))}) == 4


def test_outside_a_git_work_tree_nothing_is_filtered(project):
    write(project, {".gitignore": "src/\n"})
    assert {p for p, _ in codes(check(project, "."))} == {"src/model.py"}


# --- the pieces, in process ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, path, expected", [
    ("build", "build/x.py", True),
    ("build", "src/build/x.py", True),
    ("build", "src/builder/x.py", False),
    ("*_pb2.py", "src/a/m_pb2.py", True),
    ("src/*.py", "src/m.py", True),
    ("src/*.py", "src/a/m.py", False),
    ("src/**/*.py", "src/a/b/m.py", True),
    ("src/**/*.py", "src/m.py", True),
    ("src/gen", "src/gen/a/m.py", True),
    ("./src/gen/", "src/gen/m.py", True),
    ("src/gen", "lib/src/gen/m.py", False),
    ("tests/**", "tests/unit/t.py", True),
    ("m[0-9].py", "m1.py", True),
    ("m[!0-9].py", "m1.py", False),
    ("?.py", "ab.py", False),
])
def test_path_matches(tmp_path, pattern, path, expected):
    assert path_matches(str(tmp_path), pattern, str(tmp_path / path)) is expected


def test_path_matches_below_a_named_directory_only(tmp_path):
    root = str(tmp_path)
    assert path_matches(root, "gen", str(tmp_path / "gen" / "m.py"))
    assert not path_matches(root, "gen", str(tmp_path / "gen" / "m.py"), floor=str(tmp_path / "gen"))
    assert path_matches(root, "gen", str(tmp_path / "gen" / "gen" / "m.py"), floor=str(tmp_path / "gen"))


def test_settings_keep_their_meaning():
    s = Settings(select=("SL00",), ignore=("SL006",))
    assert s.enabled("SL001") and not s.enabled("SL006") and not s.enabled("SL100")
    s = Settings(select=("SL001",), extend_select=("SL1",), ignore=("SL100",))
    assert s.enabled("SL001") and not s.enabled("SL100") and not s.enabled("SL002")
    assert Settings().enabled("SL999")


def test_combine_layers(tmp_path):
    file = Options(path="pyproject.toml", root=str(tmp_path), select=("SL001",), ignore=("SL006",),
                   per_file_ignores=(("tests/*", ("SL002",)),), exclude=("gen",), extend_exclude=("old",),
                   distinct_symbols=False)
    conf = combine(file, Options(root=str(tmp_path)))
    assert conf.settings.select == ("SL001",) and conf.settings.ignore == ("SL006",)
    assert not conf.settings.distinct_symbols
    assert conf.settings.ignored_in(str(tmp_path / "tests" / "t.py")) == ("SL002",)
    assert conf.settings.ignored_in(str(tmp_path / "src" / "t.py")) == ()
    assert conf.excluded(str(tmp_path / "gen" / "a.py")) == "gen"
    assert conf.excluded(str(tmp_path / "old" / "a.py")) == "old"
    conf = combine(file, Options(root=str(tmp_path), select=("SL002",), exclude=("x",), distinct_symbols=True))
    assert conf.settings.select == ("SL002",) and conf.settings.ignore == ()
    assert conf.settings.distinct_symbols
    assert conf.excluded(str(tmp_path / "gen" / "a.py")) is None
    assert conf.excluded(str(tmp_path / "old" / "a.py")) == "old"  # extend-exclude stays


def test_finder_caches_and_walks_up(tmp_path):
    write(tmp_path, {"a/b/c/m.py": "", "a/pyproject.toml": "[tool.shapelint]\nignore = ['SL001']\n"})
    finder = ConfigFinder(CODES)
    found = finder.for_file(str(tmp_path / "a" / "b" / "c" / "m.py"))
    assert found is not None and found.ignore == ("SL001",)
    assert finder.for_directory(str(tmp_path / "a" / "b")) is found
    assert ConfigFinder(CODES).for_directory(str(tmp_path)) is None


def test_python_310_reads_with_tomli(tmp_path, monkeypatch):
    """On Python 3.10 the standard library has no tomllib: the tomli package is used."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the real tomli is installed
        tomllib = pytest.importorskip("tomli")

    fake = types.ModuleType("tomli")
    fake.load = tomllib.load
    fake.TOMLDecodeError = tomllib.TOMLDecodeError
    monkeypatch.setitem(sys.modules, "tomli", fake)
    monkeypatch.setattr(config.sys, "version_info", (3, 10, 12, "final", 0))
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nselect = ['SL001']\n")
    opts = config.load_options(str(tmp_path / "pyproject.toml"), CODES)
    assert opts is not None and opts.select == ("SL001",)
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        config.load_options(str(tmp_path / "pyproject.toml"), CODES)


def test_tomli_is_a_dependency_only_before_311():
    text = (REPO / "pyproject.toml").read_text()
    assert "\"tomli>=1.1; python_version<'3.11'\"" in text
