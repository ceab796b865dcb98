"""Each file parsed once per process, memory handed back: the order of a run (files after what they
import), trees handed from a file's check to the project, what the project forgets and when, and
the pool's chunks.  None of it may change a finding."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from shapelint import engine, pool, project, runner
from shapelint.config import Settings
from shapelint.deps import ImportGraph, scan_imports

ROOT = Path(__file__).resolve().parent.parent


def graph_of(tmp_path, sources: dict[str, str]) -> tuple[list[str], ImportGraph]:
    for name, text in sources.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = sorted(str(tmp_path / name) for name in sources)
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    return paths, ImportGraph(paths, [scan_imports(t) for t in texts])


def names(paths, order):
    return [os.path.basename(paths[i]) for i in order]


# --- the order of a run ----------------------------------------------------------------------------


def test_imported_files_come_first_and_last_use_covers_every_importer(tmp_path):
    paths, graph = graph_of(tmp_path, {
        "a.py": "import b\n",  # a -> b -> c; d imports c; e alone
        "b.py": "import c\n",
        "c.py": "x = 1\n",
        "d.py": "from c import x\n",
        "e.py": "y = 2\n",
    })
    order = graph.imported_first(range(len(paths)))
    got = names(paths, order)
    assert sorted(got) == sorted(os.path.basename(p) for p in paths)
    assert got.index("c.py") < got.index("b.py") < got.index("a.py")
    assert got.index("c.py") < got.index("d.py")
    last = dict(zip((os.path.basename(p) for p in paths), graph.last_use(order)))
    position = {n: k for k, n in enumerate(got)}
    assert last["c.py"] == max(position["a.py"], position["b.py"], position["d.py"])
    assert last["b.py"] == position["a.py"]
    assert last["a.py"] == position["a.py"] and last["e.py"] == position["e.py"]
    # files not in the run: their last use is that of the files of the run that import them
    some = [i for i, p in enumerate(paths) if not p.endswith(("c.py", "d.py"))]
    order = graph.imported_first(some)
    last = graph.last_use(order)
    assert last[paths.index(str(tmp_path / "c.py"))] == order.index(paths.index(str(tmp_path / "a.py")))
    assert last[paths.index(str(tmp_path / "d.py"))] == -1


def test_in_an_import_cycle_the_files_naming_fewest_of_it_come_first(tmp_path):
    os.mkdir(tmp_path / "pkg")
    paths, graph = graph_of(tmp_path, {
        "pkg/__init__.py": "from .m1 import f\nfrom .m2 import g\nfrom .m3 import h\n",
        "pkg/m1.py": "from pkg import g, h\n",
        "pkg/m2.py": "from pkg import h\n",
        "pkg/m3.py": "import numpy\n",
    })
    got = names(paths, graph.imported_first(range(len(paths))))
    assert got[0] == "m3.py" and got.index("m1.py") < got.index("m2.py")


def test_importing_a_package_names_what_its_init_names(tmp_path):
    # expm calls pkg.solve: solve is checked first, rather than parsed for expm's calls before
    # its own check; an import in a doctest names nothing
    os.mkdir(tmp_path / "pkg")
    paths, graph = graph_of(tmp_path, {
        "pkg/__init__.py": "from .solve import solve\nfrom .expm import expm\n",
        "pkg/expm.py": "import pkg\n",
        "pkg/solve.py": "from .lapack import get\n'''\n    >>> from pkg.expm import expm\n'''\n",
        "pkg/lapack.py": "x = 1\n",
    })
    got = names(paths, graph.imported_first(range(len(paths))))
    assert got.index("solve.py") < got.index("expm.py")
    solve = Path(paths[names(paths, range(len(paths))).index("solve.py")]).read_text(encoding="utf-8")
    assert [m for _, m, _ in scan_imports(solve, doctests=False)] == ["lapack"]
    assert [m for _, m, _ in scan_imports(solve)] == ["lapack", "pkg.expm"]


def test_plan_keeps_what_later_files_may_need_and_releases_after_the_last(tmp_path):
    paths, graph = graph_of(tmp_path, {"a.py": "import b\n", "b.py": "x = 1\n", "c.py": "y = 2\n"})
    plan = runner.Plan.of(paths, paths, graph)
    assert [os.path.basename(p) for p in plan.order][:2] == ["b.py", "a.py"]
    assert [os.path.basename(p) for p in plan.keep()] == ["b.py"]
    releases = plan.releases()
    released_at = {os.path.basename(p): k for k, done in enumerate(releases) for p in done}
    assert released_at["b.py"] == plan.order.index(str(tmp_path / "a.py"))
    assert runner.Plan.of(paths, paths, None).order == paths  # no graph: as given, nothing kept


# --- parsed once -------------------------------------------------------------------------------------


@pytest.fixture
def count_parses(monkeypatch):
    parsed: list[str] = []
    real = engine.cst.parse_module

    def counting(source, *args, **kw):
        parsed.append(source)
        return real(source, *args, **kw)

    monkeypatch.setattr(engine.cst, "parse_module", counting)
    return parsed


def test_a_file_called_into_is_parsed_once_and_findings_do_not_change(tmp_path, monkeypatch, count_parses):
    shutil.copytree(ROOT / "fixtures" / "crossfile", tmp_path / "crossfile")
    monkeypatch.chdir(tmp_path)
    files = sorted(str(p) for p in Path("crossfile").glob("*.py"))
    once = runner.check_paths(files, Settings(), jobs=1)
    assert len(count_parses) == len(files)  # layers.py: by its own check only, before its importers
    assert any(d.code == "SL007" for d in once)
    count_parses.clear()
    # without the import graph (no pre-filter, no cache) the files are parsed again where called into
    again = runner.check_paths(files, Settings(), jobs=1, use_prefilter=False)
    assert len(count_parses) > len(files)
    assert [repr(d) for d in again] == [repr(d) for d in once]
    # and whatever order, whatever process: the same findings
    monkeypatch.setattr(runner, "POOL_MIN_BYTES", 0)
    assert [repr(d) for d in runner.check_paths(files[::-1], Settings(), jobs=2)] == [repr(d) for d in once]


def test_project_adopts_only_what_it_was_told_to_keep_within_its_budget(tmp_path):
    paths = []
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text("x = 1\n", encoding="utf-8")
        paths.append(str(tmp_path / f"{name}.py"))
    proj = project.Project(paths, keep=paths[:2] + paths[2:], spare_chars=10)
    tree = engine.cst.parse_module("x = 1\n")
    proj.adopt(paths[0], tree, 6)
    assert proj.tree("a") is tree  # no parse: the checked file's tree
    proj.adopt(paths[1], tree, 6)
    proj.adopt(paths[2], tree, 6)  # over budget: the oldest spare tree (b; a is in use) goes
    assert set(proj._trees) == {paths[0], paths[2]}
    assert proj.release([paths[0], paths[2]]) == 12
    assert not proj._trees and not proj.interpreters
    other = project.Project(paths)  # nothing to keep: nothing adopted
    other.adopt(paths[0], tree, 6)
    assert not other._trees


def test_the_project_never_gives_libcst_what_the_engine_refuses(tmp_path, monkeypatch):
    deep = tmp_path / "deep.py"
    deep.write_text("x = " + "(" * 3000 + "1" + ")" * 3000 + "\n", encoding="utf-8")

    def boom(*args, **kw):
        raise AssertionError("libcst was given a file nested 3,000 deep")

    monkeypatch.setattr(engine.cst, "parse_module", boom)
    assert project.Project([str(deep)]).tree("deep") is None


# --- the pool's chunks --------------------------------------------------------------------------------


def test_lanes_keep_directories_whole_and_balance_their_sizes(tmp_path):
    sizes = {}
    for folder, n, size in (("a", 10, 100), ("b", 5, 150), ("c", 4, 60), ("c/tests", 4, 10)):
        for i in range(n):
            sizes[str(tmp_path / folder / f"f{i}.py")] = size
    lanes = pool._lanes(list(sizes), sizes, 2)
    assert sorted(p for lane in lanes for p in lane) == sorted(sizes)
    assert sorted(sum(sizes[p] for p in lane) for lane in lanes) == [1000, 1030]
    for folder in ("a", "b", "c"):  # a package and its tests stay in one lane
        assert sum(any(os.sep + folder + os.sep in p for p in lane) for lane in lanes) == 1
    assert pool._lanes(list(sizes), sizes, 1) == [list(sizes)]
    # a directory larger than a lane's share is split into what it holds
    big = {str(tmp_path / "pkg" / sub / f"f{i}.py"): 100 for sub in ("x", "y") for i in range(4)}
    assert [len(lane) for lane in pool._lanes(list(big), big, 2)] == [4, 4]


def test_chunks_keep_the_lanes_order_and_are_small():
    sizes = {f"f{i:02}.py": 100 for i in range(40)}
    chunks = pool._chunks(list(sizes), sizes, 150)
    assert [p for c in chunks for p in c] == list(sizes)
    assert [sum(sizes[p] for p in c) for c in chunks] == [200] * 20


def test_a_lanes_unimported_files_at_its_end_go_last_largest_first():
    lane = ["a.py", "t_small.py", "b.py", "t_big.py", "t_mid.py", "c.py"]
    sizes = {"a.py": 600, "t_small.py": 10, "b.py": 100, "t_big.py": 300, "t_mid.py": 200, "c.py": 50}
    imported = {"a.py", "b.py", "c.py"}
    # the last 30% of 1260 bytes reaches back to t_big.py: b.py and t_small.py stay where they are
    assert pool._largest_leaves_first(lane, imported, sizes) == [
        "a.py", "t_small.py", "b.py", "c.py", "t_big.py", "t_mid.py"]


def test_workers_parse_heavy_files_one_at_a_time(monkeypatch):
    entered = []

    class Gate:
        def __enter__(self):
            entered.append(1)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(engine, "PARSE_GATE", (Gate(), 10, lambda always: entered.append(always)))
    assert engine.parse_checked("a.py", "x = (1)\n", None)[0] is not None and not entered
    assert engine.parse_checked("a.py", "x = " + "(" * 12 + "1" + ")" * 12 + "\n", None)[0] is not None
    assert entered == [1, True, True]


def test_giving_memory_back_is_harmless_anywhere(monkeypatch):
    runner.give_back_memory()
    monkeypatch.setattr(runner, "_resident_floor", [0.0])
    runner.give_back_memory()  # grown since the floor: gives back (glibc), or does nothing
    assert runner._resident_floor[0] >= 0.0


def test_a_pool_plan_keeps_the_chunks_order(tmp_path):
    paths, graph = graph_of(tmp_path, {"a.py": "import b\n", "b.py": "x = 1\n"})
    plan = runner.Plan.of(paths, paths, graph, in_order=True)  # a first: b cannot be kept for it
    assert plan.order == paths and plan.keep() == []
    assert plan.last_use[paths[1]] == 1 and plan.last_use[paths[0]] == 0


def test_of_a_packages_star_imports_only_the_module_with_the_name_is_parsed(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .a import *\nfrom .b import *\n")
    (pkg / "a.py").write_text("import numpy as np\n\ndef first(x):\n    return x\n")
    (pkg / "b.py").write_text("import numpy as np\n\ndef second(x):\n    return x.T\n\nCONST: int = 3\n")
    (tmp_path / "use.py").write_text("import numpy as np\nfrom pkg import second\n\nsecond(np.zeros((2, 3)))\n")
    files = sorted(str(p) for p in tmp_path.rglob("*.py"))
    proj = project.Project(files)
    assert proj.may_define("pkg.b", "second") and proj.may_define("pkg.b", "CONST")
    assert not proj.may_define("pkg.a", "second")
    assert proj.may_define("pkg", "anything")  # a star import of its own: it may bind any name
    engine.check_source(str(tmp_path / "use.py"), (tmp_path / "use.py").read_text(), Settings(), proj)
    parsed = {os.path.relpath(p, tmp_path) for p, tree in proj._trees.items() if tree is not None}
    assert parsed == {os.path.join("pkg", "__init__.py"), os.path.join("pkg", "b.py")}  # not a.py


def test_parsing_without_validation_gives_libcst_s_tree_and_validates_nodes_built_after():
    import libcst as cst

    source = (ROOT / "shapelint" / "engine.py").read_text(encoding="utf-8")
    tree = engine.parse_module(source)
    assert tree.code == source and tree.deep_equals(cst.parse_module(source))
    with pytest.raises(cst.CSTValidationError):
        cst.SimpleWhitespace("x")  # not whitespace: refused, as ever


def test_releasing_a_module_releases_the_interpreters_built_on_it(tmp_path):
    # B is built on A; forgetting a's interpreter empties A: b's must not outlive it, else C
    # (built on B, loaded later) meets an emptied class (once a crash, SL999, seen in -j 2 only)
    sources = {
        "a.py": ("import numpy as np\nfrom jaxtyping import Float\n\nclass A:\n"
                 "    def f(self, x: Float[np.ndarray, 'n d']) -> Float[np.ndarray, 'd n']:\n"
                 "        return x.T\n"),
        "b.py": "from a import A\n\nclass B(A):\n    pass\n",
        "c.py": "from b import B\n\nclass C(B):\n    pass\n",
        "uses_b.py": "import numpy as np\nfrom b import B\n\nB().f(np.ones((2, 3))) @ np.ones((2,))\n",
        "uses_c.py": "import numpy as np\nfrom c import C\n\nC().f(np.ones((2, 3))) @ np.ones((3,))\n",
    }
    paths = []
    for name, text in sources.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    proj = project.Project(paths)
    assert engine.check_source(paths[3], sources["uses_b.py"], Settings(), proj) == []
    assert {"a", "b"} <= set(proj.interpreters)
    proj.release([paths[0]])
    assert "a" not in proj.interpreters and "b" not in proj.interpreters
    found = engine.check_source(paths[4], sources["uses_c.py"], Settings(), proj)
    assert [(d.code, d.line) for d in found] == [("SL001", 4)]  # (3, 2) @ (3,)
