"""Checking files in worker processes (``-j N``), without ever losing a file's findings.

The files are split into one lane per worker, by directory (a package and the files that call
into it stay together, so a worker seldom parses for itself a module another worker checks), and
each lane into chunks, in import order.  A worker takes the chunks of its own lane first, then
those left at the end of the busiest other lane, so the workers still finish together.  Each
worker initialises once (the Project of all checked files, the recursion limit; on Linux it is
forked from a process that has already imported libcst and the rules) and checks its chunks with
``runner.check_one``, which turns exceptions and time-outs (SIGALRM) into findings.  What a worker
cannot report itself is handled here:

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
from typing import Optional, Sequence

from . import runner

HARD_GRACE = 5.0  # seconds past --timeout before the watchdog kills a worker
POLL = 0.25  # seconds between two looks of the watchdog
# a lane's chunks: this share of a worker's work each
CHUNK_SHARE = 1 / 32
# the share of a lane (by size) at its end whose unimported files go last, largest first
TAIL_SHARE = 0.3
# libcst's native parser needs about 20 KB per bracket of the file while it runs; a file with
# this many brackets needs more than 40 MB (130 MB for numpy's test_function_base.py): workers
# parse such files one at a time (``engine.PARSE_GATE``), so that their peaks do not add up
HEAVY_BRACKETS = 2_000
# source characters of other lanes' modules (parsed for calls into them) a worker keeps when its
# own files are done with them (their trees take 15-80 bytes a character)
KEEP_OTHERS_CHARS = 512 * 1024

_worker: dict = {}


def _context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # workers inherit the imports: no start-up cost
    return multiprocessing.get_context()


def _init(files, settings, timeout, slot_file, slot_start, slot_pid, counter, lanes, claimed, claim_lock, gate,
          jobs) -> None:
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    slot_pid[slot] = os.getpid()
    runner.prepare_process()
    from . import engine

    engine.PARSE_GATE = (gate, HEAVY_BRACKETS, runner.give_back_memory)
    lane = lanes.lanes[slot % len(lanes.lanes)]
    # what the project may forget, by the position in the lane after which no file of it needs it
    forget = sorted((k, path) for path, k in lane.plan.last_use.items())
    # trees adopted but not used yet: each worker's share.  Half of it (tried before) dropped
    # numpy.lib's large modules before the tests that call into them, which the lane checks at
    # its end: 0.3 s of parsing again on the speed corpus.  With the full share, the processes'
    # proportional set sizes add up to 276 MB there (263 MB with half)
    _worker.update(slot=slot, settings=settings, timeout=timeout, slot_file=slot_file,
                   slot_start=slot_start, project_of=runner.ProjectHolder(files, lane.plan.keep(), jobs),
                   forget=forget, forgotten=0, lanes=lanes, home=slot % len(lanes.lanes), claimed=claimed,
                   claim_lock=claim_lock, own=set(lane.plan.order), kept_chars=0)


def _forget_up_to(position: int) -> None:
    """This worker is past ``position`` in its lane (the chunks before it that it did not take,
    another worker did): what only those files needed can go."""
    w = _worker
    forget, done = w["forget"], w["forgotten"]
    end = done
    while end < len(forget) and forget[end][0] <= position:
        end += 1
    if end > done:
        release = []
        project = w["project_of"].project
        for _, path in forget[done:end]:
            chars = project.tree_chars(path) if project is not None and path not in w["own"] else 0
            if chars and w["kept_chars"] + chars <= KEEP_OTHERS_CHARS:
                # another lane's module, parsed for calls into it: kept for the chunks this worker
                # may take from that lane at the end
                w["kept_chars"] += chars
            else:
                release.append(path)
        w["project_of"].release(release)
        w["forgotten"] = end


def _claim() -> tuple[int, bool]:
    """``(chunk, stolen)``: the next chunk of this worker's lane, else the last one left in the
    lane with the most work left; ``(-1, False)`` when every chunk is taken."""
    w = _worker
    lanes, claimed = w["lanes"], w["claimed"]
    with w["claim_lock"]:
        for c in lanes.lanes[w["home"]].chunks:
            if not claimed[c]:
                claimed[c] = 1
                return c, False
        best, left = -1, (-1, 0)
        for lane in lanes.lanes:
            todo = [c for c in lane.chunks if not claimed[c]]
            size = (sum(lanes.sizes[c] for c in todo), len(todo))
            if todo and size > left:
                best, left = todo[-1], size
        if best >= 0:
            claimed[best] = 1
        return best, False if best < 0 else True


def _work(task: int) -> tuple:
    """``(chunk, [(path, outcome)...], worker pid, the worker's CPU seconds so far)`` for the
    chunk this task took (-1: none was left); each chunk is ``(position in the run, path, mode,
    position in its lane)``."""
    w = _worker
    slot, slot_file, slot_start = w["slot"], w["slot_file"], w["slot_start"]
    c, stolen = _claim()
    out = []
    if c < 0:
        return c, out, os.getpid(), time.process_time()
    w["lanes"].task_of[c] = task
    chunk = w["lanes"].chunks[c]
    if chunk and not stolen:
        _forget_up_to(chunk[0][3] - 1)
    for index, path, mode, position in chunk:
        slot_start[slot] = time.monotonic()  # before the index: the watchdog reads the index first
        slot_file[slot] = index
        outcome = runner.check_one(path, w["settings"], mode, w["timeout"], w["project_of"])
        out.append((path, outcome))
        if not stolen:
            _forget_up_to(position)
        if outcome.parsed:
            runner.after_file(give_back=True)
    slot_file[slot] = -1
    return c, out, os.getpid(), time.process_time()


def _lanes(paths: Sequence[str], sizes: dict, jobs: int) -> list[list[str]]:
    """``paths`` in ``jobs`` lanes of about equal size that keep directories whole: the
    directories below the one all files share are split into their subdirectories only while one
    is more than a lane's share, then placed largest first on the lightest lane.  A package, its
    tests and the modules they call into mostly stay in one lane, so that one worker parses
    them (once) rather than each worker for itself."""
    if jobs <= 1:
        return [list(paths)]
    folders = {p: tuple(os.path.dirname(os.path.abspath(p)).split(os.sep)) for p in paths}
    common = 0  # the folders all files share
    while all(len(f) > common for f in folders.values()) and len({f[common] for f in folders.values()}) == 1:
        common += 1
    share = sum(sizes.get(p, 0) for p in paths) / jobs

    def unit(p: str, depth: int) -> tuple:
        f = folders[p]
        return f[:depth] if len(f) >= depth else ("\0", p)  # a file above that depth: on its own

    units: dict[tuple, list[str]] = {}
    for p in paths:
        units.setdefault(unit(p, common + 1), []).append(p)
    while True:
        big = [k for k, ps in units.items()
               if k[0] != "\0" and len(ps) > 1 and sum(sizes.get(p, 0) for p in ps) > share]
        if not big:
            break
        for k in big:
            for p in units.pop(k):
                units.setdefault(unit(p, len(k) + 1), []).append(p)
    weight = {k: sum(sizes.get(p, 0) for p in ps) for k, ps in units.items()}
    lanes: list[list[str]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    for k in sorted(units, key=lambda k: (-weight[k], k)):
        lane = min(range(jobs), key=lambda i: (load[i], i))
        lanes[lane] += units[k]
        load[lane] += weight[k]
    position = {p: i for i, p in enumerate(paths)}
    return [sorted(lane, key=position.__getitem__) for lane in lanes if lane]


def _largest_leaves_first(lane: list[str], imported: set, sizes: dict) -> list[str]:
    """``lane`` with the files of its last ``TAIL_SHARE`` (by size) that no checked file imports
    (tests, mostly) moved to its end, largest first: the lane then ends in small files, which
    another worker can take without either waiting long for the other.  Moving such a file later
    keeps every file after those it imports."""
    left = TAIL_SHARE * sum(sizes.get(p, 0) for p in lane)
    k = len(lane)
    while k > 0 and left > 0:
        k -= 1
        left -= sizes.get(lane[k], 0)
    tail = lane[k:]
    leaves = sorted((p for p in tail if p not in imported), key=lambda p: -sizes.get(p, 0))
    return lane[:k] + [p for p in tail if p in imported] + leaves


def _chunks(paths: Sequence[str], sizes: dict, floor: float) -> list[list[str]]:
    """One lane's files (``paths``, in their order) in chunks of about ``floor`` bytes: where
    the worker of the lane and one taking chunks from its end meet, neither waits longer than
    one small chunk for the other."""
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for p in paths:
        current.append(p)
        size += sizes.get(p, 0)
        if size >= floor:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


class _Lane:
    def __init__(self, plan, chunks: list[int]):
        self.plan = plan  # order, what to keep and when to forget it, for the worker at home here
        self.chunks = chunks  # indexes into _Lanes.chunks


class _Lanes:
    """The run's lanes and chunks, as every worker sees them."""

    def __init__(self, lanes: list, chunks: list, sizes: list, task_of):
        self.lanes = lanes
        self.chunks = chunks  # [(position in the run, path, mode, position in its lane)...]
        self.sizes = sizes  # bytes of each chunk
        self.task_of = task_of  # shared: chunk -> the task that took it


def _kill(pid: int) -> None:
    try:
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except (OSError, ValueError):
        pass


def _round(paths: list[str], modes: dict, sizes: dict, files: Sequence[str], settings, jobs: int,
           timeout: Optional[float], results: dict, cpu: dict, isolated: bool = False,
           graph=None) -> Optional[set]:
    """Check ``paths`` in one pool, adding to ``results``.  Returns the suspects of a crash (the
    files in flight when the pool broke), or None if the pool could not even start.  ``graph``
    (the import graph of ``files``, if known) orders each lane, files before their importers,
    and tells the workers' projects what to keep and when to forget it."""
    ctx = _context()
    jobs = max(1, min(jobs, len(paths)))
    lane_paths = _lanes(paths, sizes, jobs)
    if graph is not None:
        index_of = {p: i for i, p in enumerate(graph.paths)}
        imported = {graph.paths[i] for i in set().union(*graph.edges)}
        lane_paths = [_largest_leaves_first([graph.paths[i] for i in graph.imported_first(index_of[p] for p in lane)],
                                            imported, sizes) for lane in lane_paths]
    floor = max(sum(sizes.get(p, 0) for p in paths) / jobs * CHUNK_SHARE, 1)
    paths = [p for lane in lane_paths for p in lane]  # the run's order: positions are indexes into it
    index = {p: i for i, p in enumerate(paths)}
    lanes, chunks, chunk_sizes = [], [], []
    for lane in lane_paths:
        plan = runner.Plan.of(lane, graph.paths, graph, in_order=True) if graph is not None else runner.Plan(lane, {})
        position = {p: k for k, p in enumerate(lane)}
        ids = []
        for chunk in _chunks(lane, sizes, floor):
            ids.append(len(chunks))
            chunks.append([(index[p], p, modes[p], position[p]) for p in chunk])
            chunk_sizes.append(sum(sizes.get(p, 0) for p in chunk))
        lanes.append(_Lane(plan, ids))
    task_of = ctx.Array("i", [-1] * len(chunks), lock=False)
    shared = _Lanes(lanes, chunks, chunk_sizes, task_of)
    claimed = ctx.Array("b", len(chunks), lock=False)
    claim_lock = ctx.Lock()
    gate = ctx.Lock()
    slot_file = ctx.Array("i", [-1] * jobs, lock=False)
    slot_start = ctx.Array("d", jobs, lock=False)
    slot_pid = ctx.Array("i", jobs, lock=False)
    counter = ctx.Value("i", 0)
    try:
        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init,
                                       initargs=(files, settings, timeout, slot_file, slot_start, slot_pid, counter,
                                                 shared, claimed, claim_lock, gate, jobs))
    except (OSError, ValueError, RuntimeError):
        return None
    broken = killed = False
    suspects: set = set()
    try:
        futures = {}
        try:
            # one task per chunk: each takes whichever chunk its worker should do next
            for task in range(len(chunks)):
                futures[executor.submit(_work, task)] = task
        except (OSError, RuntimeError, BrokenProcessPool):
            broken = True
        not_done = set(futures)
        while not_done and not broken:
            done, not_done = wait(not_done, timeout=POLL if timeout else None, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    _, chunk_results, pid, seconds = future.result()
                    for path, outcome in chunk_results:
                        results[path] = outcome
                    cpu[pid] = max(cpu.get(pid, 0.0), seconds)
                except BrokenProcessPool:
                    broken = True
                except Exception:  # noqa: BLE001 - e.g. a result that cannot be pickled
                    taken = [c for c in range(len(chunks)) if task_of[c] == futures[future]]
                    suspects.update(p for c in taken for _, p, _, _ in chunks[c] if p not in results)
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
        timeout: Optional[float], graph=None) -> tuple[dict, dict]:
    """``path -> FileOutcome`` for every path in ``todo``, and each worker's CPU seconds
    (``graph``: the import graph of ``files``, if known)."""
    results: dict = {}
    cpu: dict = {}
    pending = list(todo)
    while pending:
        before = len(results)
        suspects = _round(pending, modes, sizes, files, settings, jobs, timeout, results, cpu, graph=graph)
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
