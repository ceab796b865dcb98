"""Checking files in worker processes (``-j N``), without ever losing a file's findings.

The files go to a ``ProcessPoolExecutor`` in chunks (largest files first, so that the workers
finish together).  Each worker initialises once (the Project of all checked files, the recursion
limit; on Linux it is forked from a process that has already imported libcst and the rules) and
checks its chunks with ``runner.check_one``, which turns exceptions and time-outs (SIGALRM) into
findings.  What a worker cannot report itself is handled here:

* **a hang the alarm cannot interrupt** (native code): every worker publishes the file it is on
  and since when in shared memory; a file that runs ``HARD_GRACE`` seconds past the time limit
  gets the time-out finding and its worker is killed;
* **a crashed worker** (segfault, abort, killed by the system): the executor breaks and the
  chunks in flight are lost.  The files that were being checked at that moment are suspects:
  each is re-checked alone in a fresh one-worker pool, and one that breaks it again gets an SL999
  finding.  Every other unfinished file is checked again in a new pool.

Results are keyed by path, and the runner sorts the findings, so the output does not depend on
which worker checked what.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Collection, Optional, Sequence

from . import runner

HARD_GRACE = 5.0  # seconds past --timeout before the watchdog kills a worker
POLL = 0.25  # seconds between two looks of the watchdog
CHUNKS_PER_WORKER = 4
# libcst's native parser needs about 20 KB per bracket of the file while it runs; a file with
# this many brackets needs more than 40 MB (130 MB for numpy's test_function_base.py)
HEAVY_BRACKETS = 2_000

_worker: dict = {}


def _context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # workers inherit the imports: no start-up cost
    return multiprocessing.get_context()


def _init(files, settings, timeout, slot_file, slot_start, slot_pid, counter, plan, jobs) -> None:
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    slot_pid[slot] = os.getpid()
    runner.prepare_process()
    # what the project may forget, by the position in the run after which no file needs it
    forget = sorted((k, path) for path, k in plan.last_use.items())
    _worker.update(slot=slot, settings=settings, timeout=timeout, slot_file=slot_file,
                   slot_start=slot_start, project_of=runner.ProjectHolder(files, plan.keep(), jobs),
                   forget=forget, forgotten=0)


def _forget_up_to(position: int) -> None:
    """Every file at or before ``position`` in the run has been handed to a worker (the chunks
    go out in order) and this worker is past it: what only those files needed can go."""
    w = _worker
    forget, done = w["forget"], w["forgotten"]
    end = done
    while end < len(forget) and forget[end][0] <= position:
        end += 1
    if end > done:
        w["project_of"].release([path for _, path in forget[done:end]])
        w["forgotten"] = end


def _work(chunk: list) -> tuple:
    """``([(path, outcome)...], worker pid, the worker's CPU seconds so far)``; ``chunk``:
    ``(position in the run, path, mode)``."""
    w = _worker
    slot, slot_file, slot_start = w["slot"], w["slot_file"], w["slot_start"]
    out = []
    if chunk:
        _forget_up_to(chunk[0][0] - 1)
    for index, path, mode in chunk:
        slot_start[slot] = time.monotonic()  # before the index: the watchdog reads the index first
        slot_file[slot] = index
        outcome = runner.check_one(path, w["settings"], mode, w["timeout"], w["project_of"])
        out.append((path, outcome))
        _forget_up_to(index)
        if outcome.parsed:
            runner.after_file(give_back=True)
    slot_file[slot] = -1
    return out, os.getpid(), time.process_time()


def _chunks(paths: Sequence[str], sizes: dict, jobs: int, heavy: Collection[str] = ()) -> list[list[str]]:
    """The files in chunks of about equal size, largest files first; the ``heavy`` ones (whose
    parse needs the most memory, see HEAVY_BRACKETS) first of all, in chunks of their own of at
    most a worker's share: one worker parses them one after the other while the others check
    the rest, rather than all workers needing that memory at the same time."""
    total = sum(sizes.get(p, 0) for p in paths)
    chunks: list[list[str]] = []
    share = total / jobs
    current: list[str] = []
    size = 0
    if jobs > 1:
        for p in sorted((p for p in paths if p in heavy), key=lambda p: (-sizes.get(p, 0), p)):
            if current and size + sizes.get(p, 0) > share:
                chunks.append(current)
                current, size = [], 0
            current.append(p)
            size += sizes.get(p, 0)
        if current:
            chunks.append(current)
        paths = [p for p in paths if p not in heavy]
    ordered = sorted(paths, key=lambda p: (-sizes.get(p, 0), p))
    # each chunk a share of what is left (guided scheduling): large chunks first, small ones at
    # the end, so that the workers finish within a small chunk of each other
    remaining = sum(sizes.get(p, 0) for p in ordered)
    floor = max(total / (jobs * CHUNKS_PER_WORKER * 4), 1)
    target = max(remaining / (jobs * 2), floor)
    current, size = [], 0
    for p in ordered:
        current.append(p)
        size += sizes.get(p, 0)
        if size >= target:
            chunks.append(current)
            remaining -= size
            current, size = [], 0
            target = max(remaining / (jobs * 2), floor)
    if current:
        chunks.append(current)
    return chunks


def _kill(pid: int) -> None:
    try:
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except (OSError, ValueError):
        pass


def _round(paths: list[str], modes: dict, sizes: dict, files: Sequence[str], settings, jobs: int,
           timeout: Optional[float], results: dict, cpu: dict, isolated: bool = False,
           graph=None, heavy: Collection[str] = ()) -> Optional[set]:
    """Check ``paths`` in one pool, adding to ``results``.  Returns the suspects of a crash (the
    files in flight when the pool broke), or None if the pool could not even start.  ``graph``
    (the import graph of ``files``, if known) orders each chunk, files before their importers,
    and tells the workers' projects what to keep and when to forget it."""
    ctx = _context()
    jobs = max(1, min(jobs, len(paths)))
    chunks = _chunks(paths, sizes, jobs, heavy)
    if graph is not None:
        index_of = {p: i for i, p in enumerate(graph.paths)}
        chunks = [[graph.paths[i] for i in graph.imported_first(index_of[p] for p in chunk)] for chunk in chunks]
    paths = [p for chunk in chunks for p in chunk]  # the run's order: positions are indexes into it
    plan = runner.Plan.of(paths, graph.paths, graph, in_order=True) if graph is not None else runner.Plan(paths, {})
    slot_file = ctx.Array("i", [-1] * jobs, lock=False)
    slot_start = ctx.Array("d", jobs, lock=False)
    slot_pid = ctx.Array("i", jobs, lock=False)
    counter = ctx.Value("i", 0)
    index = {p: i for i, p in enumerate(paths)}
    try:
        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init,
                                       initargs=(files, settings, timeout, slot_file, slot_start, slot_pid, counter,
                                                 plan, jobs))
    except (OSError, ValueError, RuntimeError):
        return None
    broken = killed = False
    suspects: set = set()
    try:
        futures = {}
        try:
            for chunk in chunks:  # in order: the executor hands them out first come, first served
                futures[executor.submit(_work, [(index[p], p, modes[p]) for p in chunk])] = chunk
        except (OSError, RuntimeError, BrokenProcessPool):
            broken = True
        not_done = set(futures)
        while not_done and not broken:
            done, not_done = wait(not_done, timeout=POLL if timeout else None, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    chunk_results, pid, seconds = future.result()
                    for path, outcome in chunk_results:
                        results[path] = outcome
                    cpu[pid] = max(cpu.get(pid, 0.0), seconds)
                except BrokenProcessPool:
                    broken = True
                except Exception:  # noqa: BLE001 - e.g. a result that cannot be pickled
                    suspects.update(p for p in futures[future] if p not in results)
            if timeout and not broken:
                now = time.monotonic()
                for s in range(jobs):
                    i = slot_file[s]
                    if i >= 0 and now - slot_start[s] > timeout + HARD_GRACE and paths[i] not in results:
                        path = paths[i]
                        results[path] = runner.FileOutcome(
                            runner.internal_finding(path, settings, runner.timeout_message(timeout)), None, False,
                            failure="timeout")
                        killed = True
                        _kill(slot_pid[s])
        if broken:
            in_flight = {paths[i] for i in slot_file if 0 <= i < len(paths)}
            if not killed:
                suspects.update(in_flight)
            if isolated and not killed:
                for path in paths:
                    if path not in results:
                        results[path] = runner.FileOutcome(
                            runner.internal_finding(path, settings, runner.CRASH_MESSAGE), None, False,
                            failure="crash")
                suspects = set()
    except BaseException:  # Ctrl-C: the workers ignore SIGINT, so stop them here
        for pid in list(slot_pid):
            if pid > 0:
                _kill(pid)
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    # a broken pool has already terminated its workers (they are not reaped yet, so their ids are
    # still ours until this shutdown)
    executor.shutdown(wait=True, cancel_futures=True)
    return {p for p in suspects if p not in results}


def run(todo: list[str], modes: dict, sizes: dict, files: Sequence[str], settings, jobs: int,
        timeout: Optional[float], graph=None, heavy: Collection[str] = ()) -> tuple[dict, dict]:
    """``path -> FileOutcome`` for every path in ``todo``, and each worker's CPU seconds
    (``graph``: the import graph of ``files``, if known; ``heavy``: the files whose parse needs
    the most memory)."""
    results: dict = {}
    cpu: dict = {}
    pending = list(todo)
    while pending:
        before = len(results)
        suspects = _round(pending, modes, sizes, files, settings, jobs, timeout, results, cpu, graph=graph, heavy=heavy)
        for path in sorted(suspects or ()):
            if path not in results:
                _round([path], modes, sizes, files, settings, 1, timeout, results, cpu, isolated=True)
        pending = [p for p in pending if p not in results]
        if pending and (suspects is None or len(results) == before):
            # the pool cannot work here at all: check the rest in this process
            project_of = runner.ProjectHolder(files)
            for path in pending:
                results[path] = runner.check_one(path, settings, modes[path], timeout, project_of)
            break
    return results, cpu
