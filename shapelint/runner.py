"""Many files: pre-filter, cache, process pool, time limits, crash isolation.

``check_paths`` is what ``shapelint check`` runs (``engine.check_paths`` is the same function).
For each file it decides, from the text alone, how much work is needed:

* **cached**: the cache has its findings under the same key (``shapelint.cache``);
* **skip**: nothing in it, nor in the checked files it imports, can give a shape
  (``files.prefilter``): it is only parsed with ``ast.parse`` (CPython's parser, about ten times
  faster than libcst, parsing only) so that a syntax error is still reported;
* **tree**: as skip, but it has an ``@`` or a string escape, so Python's syntax tree decides;
* **full**: libcst parse, inference, rules, suppressions (``engine.check_source``).

The files are checked one by one in this process (``jobs == 1``, or a small run), or in a pool of
worker processes (``shapelint.pool``).  Either way each file is isolated: an exception, a time-out
(``timeout`` seconds, enforced with ``SIGALRM`` where there is one, and by the pool's watchdog)
or, in the pool, a crashed worker becomes an SL999 finding on that file and every other file's
findings are kept.  The findings come back sorted on every field, so the output is the same,
byte for byte, whatever the number of jobs and whether or not the cache was used.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from .config import Settings
from .diagnostics import Diagnostic
from .files import SourceError, decode_source, prefilter, relevant_tree

DEFAULT_TIMEOUT = 60.0  # seconds per file
RECURSION_LIMIT = 20_000  # deeply nested expressions are legal Python; the tree walk is recursive
POOL_MIN_BYTES = 48 * 1024  # less source than this is checked in-process: a pool would cost more

FULL, TREE, SKIP, CLEAN = "full", "tree", "skip", "clean"


@dataclass
class FileOutcome:
    diagnostics: list
    digest: Optional[str] = None  # SHA-256 of the bytes that were checked
    cacheable: bool = True  # False for results that depend on the run (time-out, crash, MemoryError)
    parsed: bool = False  # libcst parsed it
    failure: Optional[str] = None  # "timeout" or "crash": the run, not the file, decided the result


@dataclass
class RunStats:
    """What a run did, for ``-v`` and the benchmarks."""

    files: int = 0
    cached: int = 0
    skipped: int = 0  # not parsed by libcst (pre-filter)
    parsed: int = 0
    workers: int = 1
    failures: list = field(default_factory=list)  # (path, what) for time-outs and crashes
    worker_cpu: list = field(default_factory=list)  # CPU seconds of each worker process


# --- one file ------------------------------------------------------------------------------------


class FileTimeout(BaseException):
    """Raised by the alarm in the file being checked (a BaseException: no ``except Exception``
    in the analyser can swallow it)."""


class _Deadline:
    """``with _Deadline(seconds):`` raises FileTimeout in the block after that long, using SIGALRM
    (POSIX, main thread only; elsewhere it does nothing and the pool's watchdog is the limit)."""

    def __init__(self, seconds: Optional[float]):
        self.seconds = seconds
        self.armed = False
        self.previous = None

    def _fire(self, signum, frame) -> None:
        if self.armed:
            self.armed = False
            raise FileTimeout()

    def __enter__(self) -> "_Deadline":
        if (self.seconds and self.seconds > 0 and hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()):
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            self.previous = None


def _enabled(settings: Settings, path: str, code: str) -> bool:
    enabled_for = getattr(settings, "enabled_for", None)
    return enabled_for(path, code) if enabled_for is not None else settings.enabled(code)


def internal_finding(path: str, settings: Settings, message: str, notes=()) -> list[Diagnostic]:
    """An SL999 finding on line 1 of ``path`` (if SL999 is enabled there)."""
    from .rules.meta import INTERNAL

    if not _enabled(settings, path, INTERNAL.code):
        return []
    return [Diagnostic(path, 1, 1, 1, 2, INTERNAL.code, INTERNAL.name, INTERNAL.severity, message, tuple(notes))]


def timeout_message(seconds: float) -> str:
    return (f"shapelint gave up on this file after {seconds:g} s (--timeout); "
            f"the other files were checked")


CRASH_MESSAGE = "the shapelint process checking this file crashed; the other files were checked"


def _quiet_ast_parse(text: str):
    import ast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like: not our business
        return ast.parse(text)


def _check_text(path: str, text: str, settings: Settings, mode: str, project_of) -> tuple[list, bool]:
    """(findings, parsed by libcst) for one decoded file."""
    if mode == CLEAN:
        return [], False
    if mode != FULL:
        try:
            tree = _quiet_ast_parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            tree = None  # not valid Python for CPython: libcst reports it as it always does
        if tree is not None and (mode == SKIP or not relevant_tree(tree)):
            return [], False
    else:
        tree = None
    from . import engine

    return engine.check_source(path, text, settings, project_of(), ast_tree=tree), True


def check_one(path: str, settings: Settings, mode: str = FULL, timeout: Optional[float] = None,
              project_of=lambda: None) -> FileOutcome:
    """Every finding for one file, whatever happens: never raises (but KeyboardInterrupt)."""
    from .cache import digest

    data_digest = None
    try:
        with _Deadline(timeout):
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
                data_digest = digest(data)
                text = decode_source(path, data)
            except (OSError, SourceError):
                from . import engine  # let the engine word the problem as it always does

                return FileOutcome(engine.check_file(path, settings, project_of()), None, False)
            found, parsed = _check_text(path, text, settings, mode, project_of)
            return FileOutcome(found, data_digest, True, parsed)
    except FileTimeout:
        return FileOutcome(internal_finding(path, settings, timeout_message(timeout or 0)), data_digest, False,
                           failure="timeout")
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - one file's failure is a finding
        notes = [traceback.format_exc()] if settings.verbose else []
        message = f"shapelint failed on this file: {type(exc).__name__}: {exc}"
        return FileOutcome(internal_finding(path, settings, message, notes), data_digest, False)


class ProjectHolder:
    """The Project of all checked files (calls between them are followed), built on first use so
    that a run whose files are all skipped never imports libcst."""

    def __init__(self, files: Sequence[str], keep: Sequence[str] = (), share: int = 1):
        self.files = files
        self.keep = keep  # files whose tree is kept after their check, for files checked later
        self.share = share  # processes sharing the memory for trees kept (Project.spare_chars)
        self.project = None

    def __call__(self):
        if self.project is None:
            from .project import SPARE_CHARS, Project

            self.project = Project(self.files, self.keep, SPARE_CHARS // self.share)
        return self.project

    def release(self, paths: Sequence[str]) -> None:
        """No file left to check in this process needs ``paths``: forget them."""
        if self.project is not None and paths:
            _released[0] += self.project.release(paths)


@dataclass
class Plan:
    """The order in which one process checks files, and what its project may keep or forget."""

    order: list  # the paths to check, each after the files it imports (outside import cycles)
    last_use: dict  # path -> the last position in ``order`` of a file that may call into it

    @classmethod
    def of(cls, todo: Sequence[str], unique: Sequence[str], graph, in_order: bool = False) -> "Plan":
        """``todo`` ordered by ``graph`` (the import graph of ``unique``; None: as it is), or as
        it is (``in_order``)."""
        if graph is None:
            return cls(list(todo), {})
        index = {p: i for i, p in enumerate(unique)}
        order = [index[p] for p in todo] if in_order else graph.imported_first(index[p] for p in todo)
        last = graph.last_use(order)
        return cls([unique[i] for i in order], {unique[v]: k for v, k in enumerate(last) if k >= 0})

    def keep(self) -> list[str]:
        """The files checked before a file that may call into them: their tree is kept."""
        position = {p: k for k, p in enumerate(self.order)}
        return [p for p, k in self.last_use.items() if position.get(p, k) < k]

    def releases(self) -> list[list[str]]:
        """For each position in ``order``, the files no later position needs."""
        out: list[list[str]] = [[] for _ in self.order]
        for path, k in self.last_use.items():
            out[k].append(path)
        return out


GC_THRESHOLD = (1_000_000, 1_000, 1_000)  # automatic collections: only a safety net
# files between two collections of the middle generation: rare, since what lives there is mostly
# the trees kept for later files (scanning them again cost 2% of a run) and cycles are rare too
GC_YOUNG_EVERY = 256


def prepare_process():
    """Once per process that checks files: the recursion limit, and the garbage collector.

    A parse tree is a few hundred thousand objects that are all alive until the file is done
    and then all garbage at once (the interpreter breaks its cycles: ``Interpreter.forget``).
    CPython's default collector scans them every 700 allocations while they are built and again
    as they age: measured, 15-30% of the CPU time of a run.  Instead: the long-lived objects (modules, tables) are frozen out of
    every collection, automatic collections are rare, and ``after_file`` collects what the file
    left, once.  Returns a function that puts the collector back."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)

    def restore() -> None:
        gc.set_threshold(*threshold)
        gc.unfreeze()

    return restore


_files_done = [0]
_released = [0]  # characters of source whose trees the project let go since the last full collection
GC_FULL_RELEASED = 1024 * 1024


def after_file(give_back: bool = False) -> None:
    """What a checked file left behind in cycles, collected once (see ``prepare_process``); and,
    once the project has let go of enough old trees (in the oldest generation by then, should a
    cycle still hold one), everything.  ``give_back``: return memory to the system when
    the process has grown (see ``give_back_memory``)."""
    _files_done[0] += 1
    if _released[0] >= GC_FULL_RELEASED:
        _released[0] = 0
        gc.collect()
    else:
        gc.collect(1 if _files_done[0] % GC_YOUNG_EVERY == 0 else 0)
    if give_back:
        give_back_memory()


GIVE_BACK_MB = 32  # growth of the process since the last give-back that makes it give back again
_resident_floor = [0.0]
_malloc_trim: list = []


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def give_back_memory(always: bool = False) -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; elsewhere nothing),
    if the process grew by GIVE_BACK_MB since it last did.

    libcst's native parser needs about 20 KB per bracket of the file while it runs (130 MB for
    some 160 KB test files) and frees it all before returning, but the C allocator keeps the
    pages: each worker of a pool would stay at the size of its largest parse so far, all of
    them at once.  Giving back costs a few milliseconds, and page faults when the next large
    parse needs the memory again: only workers do it, and only after a large parse."""
    if not _malloc_trim:
        trim = None
        if sys.platform.startswith("linux") and os.path.exists("/proc/self/statm"):
            try:
                import ctypes

                trim = ctypes.CDLL("libc.so.6").malloc_trim
                trim.argtypes = [ctypes.c_size_t]
            except (OSError, AttributeError):
                trim = None
        _malloc_trim.append(trim)
    if _malloc_trim[0] is None:
        return
    if always or _resident_mb() - _resident_floor[0] > GIVE_BACK_MB:
        _malloc_trim[0](0)
        _resident_floor[0] = _resident_mb()


# --- many files ------------------------------------------------------------------------------------


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:
            pass
    return max(1, os.cpu_count() or 1)


def _scan(files: Sequence[str], want_digests: bool, code_imports: Optional[list] = None):
    """Read every file once: its digest, what the pre-filter says, its imports, its size (and
    into ``code_imports``, if given, its imports outside doctests)."""
    from .cache import digest
    from .deps import scan_imports

    digests: list[Optional[str]] = []
    own: list[Optional[bool]] = []
    imports: list[list] = []
    sizes: list[int] = []
    undecided: dict[int, str] = {}  # index -> text, for modes_for
    for i, path in enumerate(files):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            digests.append(None)
            own.append(True)  # the full check reports what is wrong with it
            imports.append([])
            if code_imports is not None:
                code_imports.append([])
            sizes.append(0)
            continue
        sizes.append(len(data))
        digests.append(digest(data) if want_digests else None)
        try:
            text = decode_source(path, data)
        except SourceError:
            own.append(True)
            imports.append([])
            if code_imports is not None:
                code_imports.append([])
            continue
        own.append(prefilter(text))
        if own[-1] is None:
            undecided[i] = text
        imports.append(scan_imports(text) if "import" in text else [])
        if code_imports is not None:
            code_imports.append(scan_imports(text, doctests=False) if ">>>" in text else imports[-1])
    return digests, own, imports, sizes, undecided


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _total_order(d: Diagnostic) -> tuple:
    return (d.sort_key(), d.end_line, d.end_column, d.severity, d.name, d.notes, d.suggestion or "")


def _tree_verdict(text: str) -> bool:
    """For a file ``prefilter`` leaves undecided: whether it needs the full check."""
    try:
        tree = _quiet_ast_parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return True  # libcst reports it
    return relevant_tree(tree)


def modes_for(paths: Sequence[str], own: Sequence[Optional[bool]], graph,
              undecided_texts: Optional[dict] = None) -> dict[str, str]:
    """How much work each file needs.

    FULL if it can give a shape itself (``prefilter`` True) or imports, directly or not, a checked
    file that may (calls between files carry shapes across); else TREE (Python's syntax tree
    decides, in the worker) or SKIP.  An undecided file that such a candidate for skipping imports
    is settled here on its syntax tree (``undecided_texts``: index -> text), since the candidate's
    fate depends on it; one found clean is CLEAN (nothing left to do).
    """
    own = list(own)
    settled: set[int] = set()
    if undecided_texts:
        stack = [j for i, o in enumerate(own) if o is not True for j in graph.edges[i]]
        seen: set[int] = set()
        while stack:
            j = stack.pop()
            if j not in seen:
                seen.add(j)
                stack.extend(graph.edges[j])
        for j in sorted(seen):
            if own[j] is None and j in undecided_texts:
                own[j] = _tree_verdict(undecided_texts[j])
                settled.add(j)
    reaches = graph.reaches_marked([o is not False for o in own])
    modes = {}
    for i, path in enumerate(paths):
        if own[i] is True or reaches[i]:
            modes[path] = FULL
        elif i in settled:
            modes[path] = CLEAN
        else:
            modes[path] = TREE if own[i] is None else SKIP
    return modes


def check_paths(files: Iterable[str], settings: Settings, *, jobs: int = 1, timeout: Optional[float] = None,
                cache_dir: Optional[str] = None, use_prefilter: bool = True,
                stats: Optional[RunStats] = None) -> list[Diagnostic]:
    """Every finding in ``files``, sorted.

    ``jobs``: worker processes (1: this process); ``timeout``: seconds per file (None: no limit);
    ``cache_dir``: where to keep results between runs (None: no cache); ``use_prefilter``: skip
    files that cannot have findings without parsing them with libcst.  ``stats`` (added to, so
    one RunStats can count several calls) says what was done.
    """
    files = list(files)
    stats = stats if stats is not None else RunStats()
    stats.files += len(files)
    unique = list(dict.fromkeys(files))
    results: dict[str, list[Diagnostic]] = {}

    cache = None
    if cache_dir is not None:
        from .cache import Cache

        cache = Cache.open(cache_dir, settings)

    modes = {path: FULL for path in unique}
    graph = None
    if cache is None and not use_prefilter:
        sizes = {path: _size(path) for path in unique}
    else:
        from .deps import ImportGraph

        code_imports: list = []
        digests, own, imports, size_list, undecided = _scan(unique, cache is not None, code_imports)
        sizes = dict(zip(unique, size_list))
        graph = ImportGraph(unique, imports, code_imports)
        graph.sizes = size_list
        if use_prefilter:
            modes = modes_for(unique, own, graph, undecided)
        del undecided, imports, code_imports
        if cache is not None:
            cache.set_keys(unique, digests, graph.hashes(digests))
            for path in unique:
                hit = cache.get(path)
                if hit is not None:
                    results[path] = hit
            stats.cached += len(results)

    plan = Plan.of([path for path in unique if path not in results], unique, graph)
    todo = plan.order
    outcomes: dict[str, FileOutcome] = {}
    if todo:
        restore_gc = prepare_process()
        try:
            todo_bytes = sum(sizes.get(p, 0) for p in todo)
            workers = min(jobs, len(todo))
            if workers > 1 and todo_bytes >= POOL_MIN_BYTES:
                from . import pool

                if any(modes[p] == FULL for p in todo):
                    from . import engine  # noqa: F401 - imported once here, inherited by forked workers
                outcomes, worker_cpu = pool.run(todo, modes, sizes, unique, settings, workers, timeout, graph)
                stats.workers = max(stats.workers, workers)
                stats.worker_cpu.extend(sorted(worker_cpu.values(), reverse=True))
            else:
                project_of = ProjectHolder(unique, plan.keep())
                for path, done_with in zip(todo, plan.releases()):
                    outcomes[path] = check_one(path, settings, modes[path], timeout, project_of)
                    project_of.release(done_with)
                    if outcomes[path].parsed:
                        after_file()
        finally:
            restore_gc()

    for path, outcome in outcomes.items():
        results[path] = outcome.diagnostics
        stats.parsed += outcome.parsed
        stats.skipped += not outcome.parsed
        if outcome.failure is not None:
            stats.failures.append((path, outcome.failure))
        if cache is not None and outcome.cacheable and outcome.digest is not None \
                and outcome.digest == cache.content_digest(path):
            cache.put(path, outcome.diagnostics)
    out = [d for path in files for d in results[path]]
    return sorted(out, key=_total_order)
