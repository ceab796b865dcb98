"""Settings that affect results: one frozen object, passed everywhere.

This module also reads the configuration: ``[tool.shapelint]`` in ``pyproject.toml`` (or the
top level of ``shapelint.toml`` / ``.shapelint.toml``), found by walking up from each checked
file, or named with ``--config``; command-line options override it (``combine``).  Errors are
``ConfigError``: one line naming the file and the key.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Optional


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # codes or prefixes; empty = all
    ignore: tuple[str, ...] = ()
    distinct_symbols: bool = True  # two different declared symbols are different sizes
    trust_docstrings: bool = False  # docstring shapes as contracts, names distinct everywhere (opt in)
    verbose: bool = False  # SL999 carries the traceback
    extend_select: tuple[str, ...] = ()  # codes or prefixes enabled on top of a non-empty select
    # (root directory, glob, codes or prefixes): never report these codes in the matching files
    per_file_ignores: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # extra regexes naming a gradient after its parameter (group "p"), tried before the built-in ones
    gradient_patterns: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        if self.select and not _matches(code, self.select) and not _matches(code, self.extend_select):
            return False
        return not _matches(code, self.ignore)

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """The codes and prefixes that ``per_file_ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return ()
        return _per_file_ignored(self.per_file_ignores, os.path.abspath(path))

    def enabled_for(self, path: str, code: str) -> bool:
        """``enabled(code)``, and not turned off for this file by ``per_file_ignores``."""
        return self.enabled(code) and not _matches(code, self.ignored_in(path))


# --- paths and globs ---------------------------------------------------------------------------
#
# A pattern without a "/" ("build", "*_pb2.py") matches any file or directory name below its
# root; a pattern with a "/" ("src/gen/*.py", "tests/**") matches the path relative to its root
# (the directory of the configuration file, or the current directory for command-line options),
# and everything below a directory it matches.  "*" and "?" stay within one name, "**" crosses
# directories, "[abc]" / "[!abc]" are character classes.


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> "re.Pattern[str]":
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                if i + 2 < n and pattern[i + 2] == "/":  # "**/": any directories, or none
                    out.append("(?:[^/]*/)*")
                    i += 3
                else:
                    out.append(".*")
                    i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def _components(root: str, abspath: str) -> tuple[list[str], bool]:
    """The names from ``root`` down to ``abspath``, and whether ``abspath`` is below ``root``."""
    try:
        rel = os.path.relpath(abspath, root)
    except ValueError:  # another drive (Windows)
        rel = abspath
    inside = not (rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel))
    parts = [p for p in re.split(r"[\\/]", rel) if p not in ("", ".", "..")]
    return parts, inside


def path_matches(root: str, pattern: str, abspath: str, floor: Optional[str] = None) -> bool:
    """Whether the glob ``pattern`` (relative to the directory ``root``) matches ``abspath``.

    ``floor``: a directory named on the command line; only the names below it count, so naming
    an excluded directory yourself still checks it.
    """
    pat = pattern.strip().replace("\\", "/") if os.sep == "\\" else pattern.strip()
    if os.path.isabs(pat):
        drive, rest = os.path.splitdrive(pat)
        root, pat = (drive or "") + os.sep, rest.lstrip("/")
    while pat.startswith("./"):
        pat = pat[2:]
    pat = pat.rstrip("/")
    if not pat:
        return False
    parts, inside = _components(root, abspath)
    skip = 0
    if floor is not None:
        floor_parts, floor_inside = _components(root, floor)
        if floor_inside:
            skip = len(floor_parts)
        elif not inside:
            parts, _ = _components(floor, abspath)
    if "/" not in pat:
        return any(fnmatch.fnmatchcase(p, pat) for p in parts[skip:])
    if not inside:
        return False
    rx = _glob_regex(pat)
    return any(rx.match("/".join(parts[:k])) for k in range(skip + 1, len(parts) + 1))


@functools.lru_cache(maxsize=4096)
def _per_file_ignored(entries: tuple, abspath: str) -> tuple[str, ...]:
    out: list[str] = []
    for root, pattern, codes in entries:
        if path_matches(root, pattern, abspath):
            out.extend(codes)
    return tuple(dict.fromkeys(out))


# --- reading configuration files -----------------------------------------------------------------

CONFIG_NAMES = (".shapelint.toml", "shapelint.toml", "pyproject.toml")  # looked for in this order

# key -> what its value must be
KEYS = {
    "select": "codes",
    "extend-select": "codes",
    "ignore": "codes",
    "per-file-ignores": "per-file",
    "exclude": "globs",
    "extend-exclude": "globs",
    "force-exclude": "bool",
    "respect-gitignore": "bool",
    "gradient-patterns": "regexes",
    "distinct-symbols": "bool",
    "trust-docstrings": "bool",
}


class ConfigError(Exception):
    """A configuration that cannot be used.  ``str(err)`` is one line: file, key, what is wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Options:
    """What one configuration file, or the command line, says.  None: not said."""

    path: Optional[str] = None  # the configuration file; None for defaults or the command line
    root: str = "."  # the directory its patterns are relative to
    select: Optional[tuple[str, ...]] = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Optional[tuple[tuple[str, tuple[str, ...]], ...]] = None  # (glob, codes)
    extend_per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: Optional[tuple[str, ...]] = None
    extend_exclude: tuple[str, ...] = ()
    force_exclude: Optional[bool] = None
    respect_gitignore: Optional[bool] = None
    gradient_patterns: tuple[str, ...] = ()
    distinct_symbols: Optional[bool] = None
    trust_docstrings: Optional[bool] = None


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _check_codes(value: Any, known: Iterable[str], where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        what = _toml_type(value) if not isinstance(value, list) else "an array with a non-string item"
        hint = f' (write ["{value}"])' if isinstance(value, str) else ""
        raise ValueError(f"expected an array of rule codes, got {what}{hint}")
    known = list(known)
    codes: list[str] = []
    for raw in value:
        code = raw.strip().upper()
        if not code or not any(k.startswith(code) for k in known):
            close = difflib.get_close_matches(code, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (run 'shapelint rules' for the list)"
            raise ValueError(f"unknown rule code or prefix {raw!r}{hint}")
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def _check_strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        got = _toml_type(value) if not isinstance(value, list) else "an array with a non-string item"
        hint = f' (write ["{value}"])' if isinstance(value, str) else ""
        raise ValueError(f"expected an array of {what}, got {got}{hint}")
    if any(not v.strip() for v in value):
        raise ValueError(f"expected an array of {what}, got an empty string")
    return tuple(value)


def check_gradient_pattern(pattern: str) -> None:
    """Raise ValueError unless ``pattern`` is a regex with a group named ``p``."""
    try:
        rx = re.compile(pattern)
    except re.error as err:
        raise ValueError(f"invalid regular expression '{pattern}': {err}") from None
    if "p" not in rx.groupindex:
        raise ValueError(
            f"the regular expression '{pattern}' needs a group named p that captures the parameter's "
            f"name, like '^g_(?P<p>\\w+)$'"
        )


def _check_value(key: str, kind: str, value: Any, known: Iterable[str]) -> Any:
    if kind == "codes":
        return _check_codes(value, known, key)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {_toml_type(value)}")
        return value
    if kind == "globs":
        return _check_strings(value, "path patterns")
    if kind == "regexes":
        patterns = _check_strings(value, "regular expressions")
        for p in patterns:
            check_gradient_pattern(p)
        return patterns
    if kind == "per-file":
        if not isinstance(value, dict):
            raise ValueError(f'expected a table of path patterns to rule codes, like {{"tests/*" = ["SL001"]}}, '
                             f"got {_toml_type(value)}")
        out = []
        for glob, codes in value.items():
            try:
                out.append((glob, _check_codes(codes, known, glob)))
            except ValueError as err:
                raise ValueError(f"{glob!r}: {err}") from None
        return tuple(out)
    raise AssertionError(kind)  # pragma: no cover


def _read_toml(path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the configuration file ({err.strerror or err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({err.reason})") from None


def _table(path: str, document: dict, require_tool: bool) -> tuple[Optional[dict], str]:
    """The shapelint table of a TOML document and how to name it in messages."""
    tool = document.get("tool")
    if isinstance(tool, dict) and "shapelint" in tool:
        table = tool["shapelint"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.shapelint]: expected a table, got {_toml_type(table)}")
        return table, "[tool.shapelint] "
    if require_tool:
        return None, ""
    return document, ""


def parse_options(path: str, table: dict, known_codes: Iterable[str], section: str = "") -> Options:
    """Validate a shapelint table (read from ``path``) into Options."""
    known_codes = list(known_codes)
    values: dict[str, Any] = {}
    for key, value in table.items():
        kind = KEYS.get(key)
        if kind is None:
            close = difflib.get_close_matches(key.replace("_", "-"), list(KEYS), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(f"{path}: {section}{key}: unknown key{hint}")
        try:
            values[key.replace("-", "_")] = _check_value(key, kind, value, known_codes)
        except ValueError as err:
            raise ConfigError(f"{path}: {section}{key}: {err}") from None
    root = os.path.dirname(os.path.abspath(path))
    return Options(path=path, root=root, **values)


def load_options(path: str, known_codes: Iterable[str], *, require_tool: bool = False) -> Optional[Options]:
    """Options from one file; None when ``require_tool`` and it has no ``[tool.shapelint]``."""
    document = _read_toml(path)
    table, section = _table(path, document, require_tool)
    if table is None:
        return None
    return parse_options(path, table, known_codes, section)


class ConfigFinder:
    """For each file, the nearest configuration: walking up from its directory, the first
    ``.shapelint.toml``, ``shapelint.toml``, or ``pyproject.toml`` with a ``[tool.shapelint]``
    table.  Results are cached per directory and per file."""

    def __init__(self, known_codes: Iterable[str]):
        self.known_codes = list(known_codes)
        self._dirs: dict[str, Optional[Options]] = {}
        self._files: dict[str, Optional[Options]] = {}

    def _in_dir(self, directory: str) -> Optional[Options]:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if not os.path.isfile(candidate):
                continue
            if candidate not in self._files:
                pyproject = name == "pyproject.toml"
                if pyproject and not _mentions_shapelint(candidate):
                    self._files[candidate] = None
                else:
                    shown = _shown(candidate)
                    self._files[candidate] = load_options(shown, self.known_codes, require_tool=pyproject)
            if self._files[candidate] is not None:
                return self._files[candidate]
        return None

    def for_directory(self, directory: str) -> Optional[Options]:
        directory = os.path.abspath(directory)
        walked: list[str] = []
        found: Optional[Options] = None
        while True:
            if directory in self._dirs:
                found = self._dirs[directory]
                break
            walked.append(directory)
            found = self._in_dir(directory)
            if found is not None:
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for d in walked:
            self._dirs[d] = found
        return found

    def for_file(self, path: str) -> Optional[Options]:
        return self.for_directory(os.path.dirname(os.path.abspath(path)))


def _shown(path: str) -> str:
    """A path as messages show it: relative to the current directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel.startswith("..") else rel


def _mentions_shapelint(path: str) -> bool:
    """A cheap look before parsing: a pyproject.toml that never says "shapelint" is not ours."""
    try:
        with open(path, "rb") as fh:
            return b"shapelint" in fh.read()
    except OSError:
        return True  # let the real read report it


# --- configuration file + command line -> what a run uses ------------------------------------------


@dataclass(frozen=True)
class Configuration:
    """Everything a run needs for a group of files: the engine's Settings and the file filters."""

    settings: Settings
    exclude: tuple[tuple[str, str], ...] = ()  # (root, glob)
    force_exclude: bool = False
    respect_gitignore: bool = True
    source: Optional[str] = None  # the configuration file, if any

    def excluded(self, path: str, floor: Optional[str] = None) -> Optional[str]:
        """The first ``exclude``/``extend-exclude`` pattern that matches ``path``, or None."""
        abspath = os.path.abspath(path)
        floor = os.path.abspath(floor) if floor is not None else None
        for root, glob in self.exclude:
            if path_matches(root, glob, abspath, floor):
                return glob
        return None


def combine(file: Optional[Options], cli: Options, verbose: bool = False) -> Configuration:
    """The configuration file's options overridden by the command line's.

    ``--select`` on the command line replaces the file's ``select``, ``extend-select`` and
    ``ignore``; otherwise ``extend-select`` and ``ignore`` from both apply.  ``--exclude`` and
    ``--per-file-ignores`` replace the file's lists, the ``extend-`` options add to them.
    """
    file = file or Options()
    if cli.select is not None:
        select, extend, ignore = cli.select, cli.extend_select, cli.ignore
    else:
        select = file.select or ()
        extend = file.extend_select + cli.extend_select
        ignore = file.ignore + cli.ignore

    if cli.per_file_ignores is not None:
        pfi = [(cli.root, g, c) for g, c in cli.per_file_ignores]
    else:
        pfi = [(file.root, g, c) for g, c in (file.per_file_ignores or ())]
        pfi += [(file.root, g, c) for g, c in file.extend_per_file_ignores]
    pfi += [(cli.root, g, c) for g, c in cli.extend_per_file_ignores]

    if cli.exclude is not None:
        exclude = [(cli.root, g) for g in cli.exclude]
    else:
        exclude = [(file.root, g) for g in (file.exclude or ())]
    exclude += [(file.root, g) for g in file.extend_exclude]
    exclude += [(cli.root, g) for g in cli.extend_exclude]

    def pick(name: str, default: bool) -> bool:
        for opts in (cli, file):
            value = getattr(opts, name)
            if value is not None:
                return value
        return default

    settings = Settings(
        select=tuple(dict.fromkeys(select)),
        ignore=tuple(dict.fromkeys(ignore)),
        distinct_symbols=pick("distinct_symbols", True),
        trust_docstrings=pick("trust_docstrings", False),
        verbose=verbose,
        extend_select=tuple(dict.fromkeys(extend)),
        per_file_ignores=tuple((os.path.abspath(r), g, c) for r, g, c in pfi),
        gradient_patterns=tuple(dict.fromkeys(cli.gradient_patterns + file.gradient_patterns)),
    )
    return Configuration(
        settings=settings,
        exclude=tuple((os.path.abspath(r), g) for r, g in exclude),
        force_exclude=pick("force_exclude", False),
        respect_gitignore=pick("respect_gitignore", True),
        source=file.path,
    )
