"""Which configuration applies to which file, and which discovered files are left out.

``plan`` takes the files ``files.discover`` found and returns them grouped by the
configuration that applies to each (the nearest configuration file above it, or the one named
with ``--config``), without the files that ``exclude``/``extend-exclude`` or ``.gitignore``
leave out.  A file named on the command line is always checked (unless ``force-exclude``, for
the exclude patterns: pre-commit names every file); a directory named on the command line is
entered even when a pattern would exclude it, and only the names below it are matched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Optional

from . import gitignore
from .config import ConfigError, Configuration, ConfigFinder, Options, combine, load_options


@dataclass
class Plan:
    groups: list[tuple[Configuration, list[str]]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # broken configurations; their files are not checked

    @property
    def files(self) -> list[str]:
        return [f for _, group in self.groups for f in group]


def _named(paths: Iterable[str]) -> tuple[set[str], list[str]]:
    files, dirs = set(), []
    for p in paths:
        if os.path.isdir(p):
            dirs.append(os.path.abspath(p))
        else:
            files.add(os.path.normpath(p))
    return files, sorted(dirs, key=len, reverse=True)


def _floor(path: str, dirs: list[str]) -> Optional[str]:
    """The deepest directory named on the command line that contains ``path``."""
    abspath = os.path.abspath(path)
    for d in dirs:
        if abspath.startswith(d.rstrip(os.sep) + os.sep):
            return d
    return None


def plan(paths: Iterable[str], files: Iterable[str], cli: Options, known_codes: Iterable[str], *,
         config_file: Optional[str] = None, isolated: bool = False, verbose: bool = False) -> Plan:
    """Raises ``config.ConfigError`` for a configuration file that cannot be used."""
    known_codes = list(known_codes)
    named_files, named_dirs = _named(paths)
    fixed: Optional[Options] = None
    if config_file is not None:
        if not os.path.isfile(config_file):
            raise ConfigError(f"{config_file}: configuration file not found")
        fixed = load_options(config_file, known_codes)
    finder = ConfigFinder(known_codes)
    configurations: dict[Optional[str], Configuration] = {}
    result = Plan()
    kept: list[tuple[str, Configuration, bool]] = []
    for f in files:
        if config_file is not None:
            opts = fixed
        elif isolated:
            opts = None
        else:
            try:
                opts = finder.for_file(f)
            except ConfigError as err:
                # a broken configuration below: its files cannot be checked as meant; the rest still are
                if str(err) not in result.errors:
                    result.errors.append(str(err))
                result.skipped.append((f, "its configuration cannot be read"))
                continue
        key = opts.path if opts is not None else None
        if key not in configurations:
            configurations[key] = combine(opts, cli, verbose)
        conf = configurations[key]
        is_named = os.path.normpath(f) in named_files
        if not is_named or conf.force_exclude:
            pattern = conf.excluded(f, None if is_named else _floor(f, named_dirs))
            if pattern is not None:
                result.skipped.append((f, f"excluded by {pattern!r}"))
                continue
        kept.append((f, conf, is_named))
    ask = [f for f, conf, is_named in kept if conf.respect_gitignore and not is_named]
    ignored: set[str] = set()
    if ask:
        ignored, result.warnings = gitignore.ignored(ask)
    by_conf: dict[int, tuple[Configuration, list[str]]] = {}
    for f, conf, _ in kept:
        if f in ignored:
            result.skipped.append((f, "ignored by git"))
            continue
        by_conf.setdefault(id(conf), (conf, []))[1].append(f)
    result.groups = list(by_conf.values())
    return result


__all__ = ["Plan", "plan"]
