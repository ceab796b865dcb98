"""Which files git ignores: ``git check-ignore --stdin`` run once per work tree.

Git itself answers, so every source of ignore rules counts exactly as git counts it:
``.gitignore`` files at every level, ``.git/info/exclude``, the global excludes file, negated
patterns.  A file git tracks is never ignored (as in ``git status``).  Files outside any git work
tree, or when git is not installed, are not filtered; the caller is told why.
"""

from __future__ import annotations

import os
import subprocess
from typing import Iterable, Optional

TIMEOUT = 60  # seconds for one git call; a hung git must not hang the linter


def work_tree(directory: str, cache: dict[str, Optional[str]]) -> Optional[str]:
    """The top of the git work tree containing ``directory`` (a ``.git`` entry), or None."""
    walked = []
    top: Optional[str] = None
    d = os.path.abspath(directory)
    while True:
        if d in cache:
            top = cache[d]
            break
        walked.append(d)
        if os.path.exists(os.path.join(d, ".git")):  # a directory, or a file (worktrees, submodules)
            top = d
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for w in walked:
        cache[w] = top
    return top


def ignored(files: Iterable[str]) -> tuple[set[str], list[str]]:
    """``(the files git ignores, warnings)``; files are returned as given."""
    groups: dict[str, list[str]] = {}
    cache: dict[str, Optional[str]] = {}
    for f in files:
        top = work_tree(os.path.dirname(os.path.abspath(f)), cache)
        if top is not None:
            groups.setdefault(top, []).append(f)
    out: set[str] = set()
    warnings: list[str] = []
    for top, members in sorted(groups.items()):
        by_rel = {}
        for f in members:
            by_rel.setdefault(os.path.relpath(os.path.abspath(f), top).replace(os.sep, "/"), []).append(f)
        payload = b"".join(os.fsencode(rel) + b"\0" for rel in by_rel)
        try:
            proc = subprocess.run(
                # core.fsmonitor=false: a checked tree's own .git/config must not make git run a command
                ["git", "-c", "core.fsmonitor=false", "-C", top, "check-ignore", "--stdin", "-z"],
                input=payload, capture_output=True, timeout=TIMEOUT, check=False,
            )
        except FileNotFoundError:
            warnings.append("git is not installed: .gitignore files were not applied "
                            "(use --no-respect-gitignore to silence this)")
            return out, warnings
        except (OSError, subprocess.SubprocessError) as err:
            warnings.append(f"cannot run git in {top}: {err}; .gitignore files were not applied there")
            continue
        if proc.returncode not in (0, 1):  # 1: nothing ignored
            message = proc.stderr.decode(errors="replace").strip().splitlines()
            why = message[0] if message else f"exit status {proc.returncode}"
            warnings.append(f"git check-ignore failed in {top} ({why}); .gitignore files were not applied there")
            continue
        for rel in proc.stdout.split(b"\0"):
            if rel:
                out.update(by_rel.get(os.fsdecode(rel), ()))
    return out, warnings
