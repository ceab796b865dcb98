#!/usr/bin/env python3
"""How fast shapelint is on real code, against the floor (libcst parsing) and against mypy.

What it does (the README's "Speed" section quotes its output):

1. Downloads pinned wheels of scikit-learn, scipy and numpy from PyPI (``pip download``, for a
   fixed platform: only their ``.py`` files are used, nothing is installed or imported) and
   unpacks their Python sources; installs a pinned mypy with ``pip install --target`` into the
   same temporary folder.  Nothing is written into the repository.
2. Picks the corpus (``--corpus``): by default scipy.linalg, sklearn.linear_model, sklearn.utils
   and numpy.lib (about 170,000 lines); ``full`` is all three packages (1.2 million lines).
3. Measures whole processes (wall time, CPU time of the process and its workers, peak memory):
   shapelint cold in one process (``-j 1 --no-cache``) over all files and over the files that
   use numpy, each against a process that only runs ``libcst.parse_module`` over the same
   files; shapelint cold on all cores against ``mypy --no-incremental --follow-imports=skip
   --ignore-missing-imports`` over the same files; all cores against one process; a warm cache
   against a cold one; one small file (what pre-commit pays) against ``python -c "import
   libcst"``; for reference, the parse alone in one process against the same in N processes
   (each a share of the files: what N cores can give at all); peak memory (the largest process, and all of shapelint's processes together,
   sampled from /proc on Linux: their resident sizes added up, which counts the pages that
   forked workers share with the main process once per process, and their proportional set
   sizes added up, which splits each shared page between its sharers: the memory the run
   takes from the machine; sampled in a run of its own, since sampling takes CPU time from
   the timed runs).
4. Checks the pre-filter on the corpus: the files it skips are checked in full anyway, and must
   have no findings.
5. Prints a table: absolute times, ratios, targets.  Exits 0 whatever it measured (2 when the
   setup fails).

The machine this runs on may be shared, and its speed drifts: here the same parse took 12 s in
one minute and 20 s a few minutes later, CPU time as much as wall time.  So ``--repeat N`` runs N
rounds, each running every measurement once with the two sides of each ratio side by side; a
ratio is the median of the rounds' own ratios, and an absolute time the best of the rounds.

Usage::

    pip install . && python benchmarks/speed.py [--corpus default|full|small] [--repeat N] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_PACKAGES = ["scikit-learn==1.7.2", "scipy==1.15.3", "numpy==2.2.6"]
MYPY = "mypy==1.18.2"
# wheels for one fixed platform, whatever this machine is: only their .py files are read
WHEEL_PLATFORM = ["--platform", "manylinux_2_17_x86_64", "--python-version", "3.11",
                  "--implementation", "cp", "--abi", "cp311"]
CORPORA = {
    "small": ["scipy/linalg"],
    "default": ["scipy/linalg", "sklearn/linear_model", "sklearn/utils", "numpy/lib"],
    "full": ["scipy", "sklearn", "numpy"],
}
SMALL_FILE = "sklearn/linear_model/_huber.py"

PARSE_ONLY = """
import sys, libcst
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        libcst.parse_module(data)
    except Exception:
        pass
"""

# the parse alone in N processes, each a share of the files of about equal size: how much faster
# than one process this machine can be at all (the ceiling for shapelint's -j N)
PARSE_SPLIT = """
import os, subprocess, sys
jobs, files = int(sys.argv[1]), sys.argv[3:]
shares = [[] for _ in range(jobs)]
sizes = [0] * jobs
for path in sorted(files, key=lambda p: -os.path.getsize(p)):
    i = sizes.index(min(sizes))
    shares[i].append(path)
    sizes[i] += os.path.getsize(path)
procs = [subprocess.Popen([sys.executable, "-c", sys.argv[2], *share]) for share in shares if share]
sys.exit(max(p.wait() for p in procs))
"""


def log(message: str) -> None:
    print(f"[speed] {message}", file=sys.stderr, flush=True)


# --- setup -----------------------------------------------------------------------------------------


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    log(" ".join(cmd[1:]))
    subprocess.run(cmd, check=True)


def setup(work: Path) -> tuple[Path, Path]:
    wheels, corpus, tools = work / "wheels", work / "corpus", work / "tools"
    if not any(wheels.glob("*.whl")):
        pip("download", "--no-deps", "--only-binary=:all:", *WHEEL_PLATFORM, "-d", str(wheels), *CORPUS_PACKAGES)
    if not corpus.exists():
        for wheel in sorted(wheels.glob("*.whl")):
            with zipfile.ZipFile(wheel) as z:
                for name in z.namelist():
                    if name.endswith(".py") and ".dist-info/" not in name and ".data/" not in name:
                        z.extract(name, corpus)
    if not (tools / "mypy").exists():
        pip("install", "--no-compile", "--target", str(tools), MYPY)
    return corpus, tools


def corpus_files(corpus: Path, parts: list[str]) -> list[str]:
    files: list[str] = []
    for part in parts:
        files += sorted(str(p.relative_to(corpus)) for p in (corpus / part).rglob("*.py"))
    return files


def lines_of(corpus: Path, files: list[str]) -> int:
    return sum((corpus / f).read_bytes().count(b"\n") for f in files)


def uses_numpy(corpus: Path, path: str) -> bool:
    return b"numpy" in (corpus / path).read_bytes()


# --- measuring one process ------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float  # user + system, the process and every worker it waited for
    maxrss_mb: float  # the largest single process
    tree_mb: float  # all processes of the run together: resident sizes added (sampled; 0 without /proc)
    tree_pss_mb: float  # the same, proportional set sizes (shared pages split between sharers)
    returncode: int
    output: str = ""


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes (0 where the kernel does not say)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_memory(root: int) -> tuple[float, float]:
    """Resident and proportional memory of ``root`` and all its descendants, in MB (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(b")") + 2:].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * page
        except (OSError, ValueError, IndexError):
            continue
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree) / 2**20, sum(_pss(pid) for pid in tree) / 2**20


ENV: dict | None = None  # the environment of every measured process (set by run)


def measure(cmd: list[str], cwd: Path, env: dict | None = None, keep_output: bool = False,
            sample_memory: bool = False) -> Run:
    """One run of ``cmd``.  ``sample_memory``: also sample the memory of all its processes every
    50 ms; that costs the sampler about a tenth of a core, which on a 2-core machine slows a
    2-process run, so timed runs do without it and the memory of -j N is measured apart."""
    env = env if env is not None else ENV
    out = subprocess.PIPE if keep_output else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT if keep_output else
                            subprocess.DEVNULL)
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                rss, pss = _tree_memory(proc.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            except OSError:
                pass
            done.wait(0.05)

    sampler = None
    if sample_memory and os.path.isdir("/proc"):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    output = proc.stdout.read().decode(errors="replace") if keep_output else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    if sampler is not None:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_mb = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)
    return Run(wall, usage.ru_utime + usage.ru_stime, rss_mb, peak[0], peak[1], proc.returncode, output)


def best(runs: list[Run]) -> Run:
    """The fastest run, with the least CPU time of all runs (each is a best of N on its own)."""
    fastest = min(runs, key=lambda r: r.wall)
    return Run(fastest.wall, min(r.cpu for r in runs), fastest.maxrss_mb, fastest.tree_mb, fastest.tree_pss_mb,
               fastest.returncode,
               fastest.output)


@dataclass
class Step:
    key: str
    what: str
    cmd: list[str]
    env: dict | None = None
    before: object = None  # called before each run (clearing the cache)
    keep_output: bool = False


def rounds(n: int, steps: list[Step], cwd: Path) -> dict[str, list[Run]]:
    """Each step once per round, n rounds.  The speed of a shared machine drifts over minutes (the
    same parse took 12 s and 20 s in one run of this script): the two sides of a ratio run one
    right after the other, within the same round, and a ratio is the median of the rounds' own
    ratios, not the ratio of two bests taken minutes apart."""
    out: dict[str, list[Run]] = {s.key: [] for s in steps}
    for i in range(n):
        for step in steps:
            if step.before is not None:
                step.before()
            r = measure(step.cmd, cwd, step.env, step.keep_output)
            log(f"round {i + 1}/{n}, {step.what}: {r.wall:.2f} s wall, {r.cpu:.2f} s CPU, {r.maxrss_mb:.0f} MB "
                f"(exit {r.returncode})")
            out[step.key].append(r)
    return out


def parse_worker_cpu(output: str) -> list[float]:
    """The CPU seconds of each worker, from shapelint -v."""
    for line in output.splitlines():
        if "CPU seconds per worker:" in line:
            return [float(x) for x in line.split("CPU seconds per worker:")[1].strip(" )").split(",")]
    return []


def critical_path(r: Run) -> float:
    """CPU seconds of a -j N run's critical path: the main process's own work plus its busiest worker."""
    worker_cpu = parse_worker_cpu(r.output)
    return (r.cpu - sum(worker_cpu)) + max(worker_cpu) if worker_cpu else r.cpu


# --- the pre-filter on real code ------------------------------------------------------------------


def audit_prefilter(corpus: Path, files: list[str]) -> tuple[int, int, int]:
    """(files the pre-filter skips, their lines, findings in them when checked in full)."""
    sys.path.insert(0, str(REPO))
    from shapelint import runner
    from shapelint.config import Settings
    from shapelint.deps import ImportGraph

    cwd = os.getcwd()
    os.chdir(corpus)
    try:
        _, own, imports, _, undecided = runner._scan(files, False)
        modes = runner.modes_for(files, own, ImportGraph(files, imports), undecided)
        skipped = [f for f in files if modes[f] != runner.FULL]
        holder = runner.ProjectHolder(files)
        restore = runner.prepare_process()
        try:
            found = sum(len(runner.check_one(f, Settings(), runner.FULL, 60, holder).diagnostics) for f in skipped)
        finally:
            restore()
        return len(skipped), lines_of(corpus, skipped), found
    finally:
        os.chdir(cwd)


# --- the table -------------------------------------------------------------------------------------


def fmt_s(r: Run) -> str:
    return f"{r.wall:.2f} s ({r.cpu:.2f} s CPU)"


def paired(a: list[Run], b: list[Run], cpu_a=None) -> tuple[float, float]:
    """(wall, CPU) ratio of a to b: the median over the rounds of each round's ratio.
    ``cpu_a``: the CPU seconds to count for each run of a (a -j N run's critical path)."""
    cpus = cpu_a or [r.cpu for r in a]
    return (statistics.median(x.wall / y.wall for x, y in zip(a, b)),
            statistics.median(c / y.cpu for c, y in zip(cpus, b)))


def ratio(a: list[Run], b: list[Run], cpu_a=None) -> str:
    wall, cpu = paired(a, b, cpu_a)
    return f"{wall:.2f} ({cpu:.2f} CPU)"


def verdict(value: float, target: float, at_most: bool = True) -> str:
    ok = value <= target if at_most else value >= target
    return "yes" if ok else "**no**"


def verdict2(wall: float, cpu: float, target: float, at_most: bool = True) -> str:
    return f"wall {verdict(wall, target, at_most)}, CPU {verdict(cpu, target, at_most)}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="default")
    ap.add_argument("--repeat", type=int, default=1, help="rounds of measurements (see above)")
    ap.add_argument("--work", type=Path, help="where to download and unpack (kept); default: a temporary folder")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="all cores (default: os.cpu_count())")
    ap.add_argument("--skip-mypy", action="store_true")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="shapelint-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus, tools = setup(work)
    except (subprocess.CalledProcessError, OSError) as err:
        log(f"setup failed: {err}")
        return 2
    try:
        return run(args, work, corpus, tools)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path, corpus: Path, tools: Path) -> int:
    py = sys.executable
    # as installed: bytecode cached (in the work folder, not in the repository), whatever this
    # shell says (PYTHONDONTWRITEBYTECODE would make every run compile shapelint from source)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    global ENV
    ENV = base_env
    files = corpus_files(corpus, CORPORA[args.corpus])
    numpy_files = [f for f in files if uses_numpy(corpus, f)]
    n_lines, np_lines = lines_of(corpus, files), lines_of(corpus, numpy_files)
    log(f"corpus {args.corpus}: {len(files)} files, {n_lines} lines; using numpy: {len(numpy_files)} files, "
        f"{np_lines} lines")
    cache_dir = work / "shapelint_cache"
    shapelint = [py, "-m", "shapelint", "check", "-q", "--exit-zero", "--timeout", "600"]
    n = args.repeat
    jobs = str(args.jobs)

    small = SMALL_FILE if (corpus / SMALL_FILE).exists() else min(numpy_files, key=lambda f: (corpus / f).stat().st_size)
    log("warming up (bytecode of shapelint, libcst and mypy)")
    measure([*shapelint, "--no-cache", small], corpus)
    measure([py, "-c", "import libcst"], corpus)
    if not args.skip_mypy:
        measure([py, "-m", "mypy", "--no-incremental", "--follow-imports=skip", "--cache-dir", os.devnull, small],
                corpus, dict(base_env, PYTHONPATH=str(tools)))

    coldn_memory = measure([*shapelint, "-j", jobs, "--no-cache", *files], corpus, sample_memory=True)
    log(f"shapelint -j {jobs}, all files, memory sampled: {coldn_memory.maxrss_mb:.0f} MB largest, "
        f"{coldn_memory.tree_mb:.0f} MB RSS, {coldn_memory.tree_pss_mb:.0f} MB PSS all together")

    def clear_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    cached = [*shapelint, "-j", jobs, "--cache-dir", str(cache_dir), *files]
    mypy_env = dict(base_env, PYTHONPATH=str(tools))
    mypy_cmd = [py, "-m", "mypy", "--no-incremental", "--follow-imports=skip", "--ignore-missing-imports",
                "--cache-dir", os.devnull, *files]
    # each pair compared by a ratio runs side by side within a round (see rounds())
    steps = [
        Step("parse_all", "libcst parse, all files", [py, "-c", PARSE_ONLY, *files]),
        Step("cold1_all", "shapelint -j 1, all files", [*shapelint, "-j", "1", "--no-cache", *files]),
        Step("coldn", f"shapelint -j {jobs}, all files", [*shapelint, "-v", "-j", jobs, "--no-cache", *files],
             keep_output=True),
        *([] if args.skip_mypy else [Step("mypy", "mypy", mypy_cmd, env=mypy_env, keep_output=True)]),
        Step("parse_split", f"libcst parse, all files, {jobs} processes",
             [py, "-c", PARSE_SPLIT, jobs, PARSE_ONLY, *files]),
        Step("parse_np", "libcst parse, numpy files", [py, "-c", PARSE_ONLY, *numpy_files]),
        Step("cold1_np", "shapelint -j 1, numpy files", [*shapelint, "-j", "1", "--no-cache", *numpy_files]),
        Step("cold_cache", "shapelint cold cache", cached, before=clear_cache),
        Step("warm", "shapelint warm cache", cached),
    ]
    runs = rounds(n, steps, corpus)
    parse_all, parse_split, cold1_all = best(runs["parse_all"]), best(runs["parse_split"]), best(runs["cold1_all"])
    parse_np, cold1_np, coldn = best(runs["parse_np"]), best(runs["cold1_np"]), best(runs["coldn"])
    cold_cache, warm = best(runs["cold_cache"]), best(runs["warm"])
    # on a machine that others are using too, wall time says little about parallelism: the CPU
    # time of the run's critical path (the main process's own work, plus its busiest worker) is
    # what the wall time would be with the cores to ourselves
    criticals = [critical_path(r) for r in runs["coldn"]]
    critical = min(criticals)
    worker_cpu = parse_worker_cpu(min(runs["coldn"], key=critical_path).output)
    log(f"worker CPU seconds: {worker_cpu}; critical path {critical:.2f} s")

    mypy = None
    if not args.skip_mypy:
        mypy = best(runs["mypy"])
        log(f"mypy said: {mypy.output.strip().splitlines()[-1] if mypy.output.strip() else '(nothing)'}")
        if mypy.returncode not in (0, 1):
            log(f"mypy did not check the files (exit {mypy.returncode}): {mypy.output[-800:]}")

    small_lines = lines_of(corpus, [small])
    reps = max(7, n)
    small_runs = [measure([*shapelint, "--no-cache", small], corpus) for _ in range(reps)]
    import_runs = [measure([py, "-c", "import libcst"], corpus) for _ in range(reps)]
    small_wall = statistics.median(r.wall for r in small_runs)
    import_wall = statistics.median(r.wall for r in import_runs)
    log(f"one file: {small_wall:.3f} s; import libcst: {import_wall:.3f} s")

    skipped, skipped_lines, skipped_findings = audit_prefilter(corpus, files)

    R = runs
    np_wall, np_cpu = paired(R["cold1_np"], R["parse_np"])
    rows = [
        ("cold, 1 process, all files: shapelint / libcst.parse_module",
         f"{fmt_s(cold1_all)} / {fmt_s(parse_all)}", ratio(R["cold1_all"], R["parse_all"]), "-", ""),
        ("cold, 1 process, files using numpy: shapelint / libcst.parse_module",
         f"{fmt_s(cold1_np)} / {fmt_s(parse_np)}", ratio(R["cold1_np"], R["parse_np"]), "<= 1.3",
         verdict2(np_wall, np_cpu, 1.3)),
    ]
    if mypy is not None:
        my_wall, my_cpu = paired(R["coldn"], R["mypy"], criticals)
        rows.append((f"cold, all cores (-j {jobs}): shapelint / mypy (CPU: critical path of -j {jobs}, below)",
                     f"{coldn.wall:.2f} s ({critical:.2f} s CPU) / {fmt_s(mypy)}",
                     ratio(R["coldn"], R["mypy"], criticals), "<= 1.0", verdict2(my_wall, my_cpu, 1.0)))
        rows.append(("for reference, the floor: libcst.parse_module alone (one process) / mypy",
                     f"{fmt_s(parse_all)} / {fmt_s(mypy)}", ratio(R["parse_all"], R["mypy"]), "-", ""))
    speedup, _ = paired(R["cold1_all"], R["coldn"])
    cpu_speedup = statistics.median(a.cpu / c for a, c in zip(R["cold1_all"], criticals))
    split_speedup, _ = paired(R["parse_all"], R["parse_split"])
    warm_wall, warm_cpu = paired(R["warm"], R["cold_cache"])
    rows += [
        (f"cold: 1 process / all cores (-j {jobs})", f"{fmt_s(cold1_all)} / {fmt_s(coldn)}",
         f"{speedup:.2f}x faster", ">= 1.7x on 2 cores", verdict(speedup, 1.7, at_most=False)),
        (f"same, in CPU time: 1 process / critical path of -j {jobs} (main process + busiest of "
         f"{len(worker_cpu)} workers: {', '.join(f'{c:.1f}' for c in worker_cpu)} s)",
         f"{cold1_all.cpu:.2f} s / {critical:.2f} s", f"{cpu_speedup:.2f}x faster",
         ">= 1.7x on 2 cores", verdict(cpu_speedup, 1.7, at_most=False)),
        (f"for reference, the ceiling: libcst.parse_module alone, 1 process / {jobs} processes (each "
         f"a share of the files)", f"{fmt_s(parse_all)} / {fmt_s(parse_split)}",
         f"{split_speedup:.2f}x faster", "-", ""),
        (f"warm cache / cold cache (-j {jobs})", f"{fmt_s(warm)} / {fmt_s(cold_cache)}",
         ratio(R["warm"], R["cold_cache"]), "<= 0.1", verdict2(warm_wall, warm_cpu, 0.1)),
        (f"one small file ({small}, {small_lines} lines), whole process / python -c \"import libcst\"",
         f"{small_wall:.3f} s / {import_wall:.3f} s", f"{small_wall / import_wall:.2f}", "<= 2",
         verdict(small_wall / import_wall, 2.0)),
        ("peak memory, -j 1 over the corpus (one process)", f"{cold1_all.maxrss_mb:.0f} MB", "", "<= 300 MB",
         verdict(cold1_all.maxrss_mb, 300)),
        (f"peak memory, -j {jobs} over the corpus (largest process; all processes together: "
         f"resident sizes added, proportional set sizes added)",
         f"{coldn_memory.maxrss_mb:.0f} MB; {coldn_memory.tree_mb:.0f} MB RSS, {coldn_memory.tree_pss_mb:.0f} MB PSS",
         "", "<= 300 MB",
         verdict(max(coldn_memory.maxrss_mb, coldn_memory.tree_pss_mb or coldn_memory.tree_mb), 300)),
        ("pre-filter: files skipped without libcst (lines); their findings when checked in full",
         f"{skipped} of {len(files)} ({skipped_lines} lines); {skipped_findings} findings", "", "0 findings",
         verdict(skipped_findings, 0)),
    ]

    print(f"shapelint speed: corpus '{args.corpus}' ({', '.join(CORPORA[args.corpus])}): {len(files)} files, "
          f"{n_lines} lines; {len(numpy_files)} files ({np_lines} lines) use numpy.  {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, {n} round(s).  Absolute times are the best of the rounds, wall "
          f"clock, CPU time (user + system, all processes) in parentheses; a ratio is the median of the rounds' own "
          f"ratios, each between runs side by side (a shared machine's speed drifts over minutes).")
    print()
    print("| measurement | absolute | ratio | target | met |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
