"""The ``shapelint`` command.

``shapelint [OPTIONS] [PATHS]...`` checks files (it is short for ``shapelint check``);
``shapelint rules`` lists the rules, ``shapelint rule CODE`` documents one and
``shapelint shapes FILE[:LINE]`` shows what was inferred.

Exit status: 0 no findings (notes do not count), 1 findings, 2 usage error, missing path or
internal error.  ``--exit-zero`` turns 1 into 0.

Heavy modules (the engine, libcst) are imported inside the commands, so ``--version``,
``--help`` and ``rules`` start quickly.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from typing import Callable, Optional, Sequence

import click

from . import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _version_option(f: Callable) -> Callable:
    return click.version_option(
        __version__, "--version", prog_name="shapelint", message="%(prog)s %(version)s"
    )(f)


def _error(message: str) -> None:
    click.echo(f"shapelint: error: {message}", err=True)


def _registry():
    """``(ALL_RULES, get_rule)`` from the rules package (imported on first use)."""
    from .rules import ALL_RULES, get_rule

    return ALL_RULES, get_rule


class DefaultGroup(click.Group):
    """A group whose unknown first word is not a command but the start of the default command.

    ``shapelint src/ --format json`` runs ``check src/ --format json``; ``shapelint`` alone runs
    ``check``; ``shapelint rules`` and the group's own options (``--version``, ``--help``) keep
    their meaning.  To check a directory called like a command, say ``shapelint check rules``
    or ``shapelint ./rules``.
    """

    def __init__(self, *args, default_command: str = "check", **kwargs):
        super().__init__(*args, **kwargs)
        self.default_command = default_command

    def _own_options(self, ctx: click.Context) -> set[str]:
        names: set[str] = set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                names.update(param.opts)
                names.update(param.secondary_opts)
        return names

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in self._own_options(ctx)):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and self.get_command(ctx, args[0]) is None and args[0] not in self._own_options(ctx):
            cmd = self.get_command(ctx, self.default_command)
            return self.default_command, cmd, list(args)
        return super().resolve_command(ctx, args)


@click.group(
    cls=DefaultGroup,
    context_settings=CONTEXT_SETTINGS,
    subcommand_metavar="[PATHS]... | COMMAND [ARGS]...",
)
@_version_option
def cli() -> None:
    """Find numpy shape errors without running the code.

    \b
    shapelint [OPTIONS] [PATHS]...   check files (the same as 'shapelint check')
    shapelint rules                  list the rules
    shapelint rule CODE              explain one rule
    shapelint shapes FILE[:LINE]     show the shapes inferred for each name

    Run 'shapelint check --help' for the checking options.
    """


def _split_codes(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[str, ...]:
    """Split ``--select SL001,SL1 --select SL2`` into codes and check each names a rule or prefix."""
    codes: list[str] = []
    for value in values:
        codes.extend(c.strip().upper() for c in value.split(",") if c.strip())
    if not codes:
        return ()
    all_rules, _ = _registry()
    known = [rule.code for rule in all_rules]
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise click.BadParameter(
                f"unknown rule code or prefix: {code!r} (run 'shapelint rules' for the list)",
                ctx=ctx,
                param=param,
            )
    return tuple(dict.fromkeys(codes))


def _use_color(flag: Optional[bool]) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):  # https://no-color.org: set and not empty
        return False
    # Not click.get_text_stream: it is deprecated since Click 8.5 and goes away in 9.0.
    stream = sys.stdout
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _load_lines(path: str) -> list[str]:
    from .files import read_source, split_lines

    return split_lines(read_source(path))


def _split_list(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[str, ...]:
    """``--exclude a,b --exclude c`` -> ("a", "b", "c")."""
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(dict.fromkeys(out))


def _per_file_ignores(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple:
    """``--per-file-ignores 'tests/*:SL001,SL002'`` -> (("tests/*", ("SL001", "SL002")),)."""
    out = []
    for value in values:
        glob, sep, codes = value.rpartition(":")
        if not sep or not glob.strip() or not codes.strip():
            raise click.BadParameter(f"expected PATTERN:CODES, like 'tests/*:SL001,SL002', got {value!r}",
                                     ctx=ctx, param=param)
        out.append((glob.strip(), _split_codes(ctx, param, [codes])))
    return tuple(out)


def _gradient_patterns(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[str, ...]:
    from .config import check_gradient_pattern

    for value in values:
        try:
            check_gradient_pattern(value)
        except ValueError as err:
            raise click.BadParameter(str(err), ctx=ctx, param=param) from None
    return tuple(values)


FORMATS = ["text", "concise", "json", "json-lines", "github", "sarif"]
_SHOWS_FIXES = ("text", "concise", "sarif")  # formats that mark fixable findings


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fix_stage(diagnostics: list, settings_of: dict, mode: Optional[str], errors: list[str]) -> tuple[list, list, int]:
    """Apply (``mode="fix"``), preview (``"diff"``) or only verify (None) the findings' fixes.

    Returns (diagnostics, diffs, number of findings fixed).  In "fix" mode the fixed files'
    findings are those of the fixed text; otherwise a fix that would be refused is dropped from
    its finding, so that ``[*]`` never promises what ``--fix`` would not do.
    """
    from dataclasses import replace

    from . import fix as fixer

    paths = sorted({d.path for d in diagnostics if d.fix is not None and d.path in settings_of})
    if not paths:
        return diagnostics, [], 0
    out = [d for d in diagnostics if d.path not in paths]
    diffs: list[str] = []
    fixed = 0
    for path in paths:
        mine = [d for d in diagnostics if d.path == path]
        try:
            result = fixer.fix_file(path, settings_of[path])
            if mode == "fix" and result.changed:
                fixer.write(result)
        except fixer.FixError as err:
            errors.append(str(err))
            _error(str(err))
            out.extend(replace(d, fix=None) for d in mine)
            continue
        if result.changed:
            fixed += len(result.applied)
            diffs.append(fixer.unified_diff(result))
        if mode == "fix":
            out.extend(result.remaining)
        else:
            applied = list(result.applied)
            for d in mine:
                if d.fix is not None and d in applied:
                    applied.remove(d)
                    out.append(d)
                else:
                    out.append(replace(d, fix=None))
    return out, diffs, fixed


@cli.command("check")
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS, case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format: text or concise for people; json, json-lines, github (workflow annotations) "
         "or sarif (code scanning) for programs.",
)
@click.option("--config", "config_file", metavar="FILE",
              help="Use this configuration file (pyproject.toml or shapelint.toml) instead of searching for one.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    callback=_split_codes,
    help="Only report these rule codes or prefixes (comma-separated, repeatable).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    callback=_split_codes,
    help="Never report these rule codes or prefixes (comma-separated, repeatable).",
)
@click.option("--extend-select", multiple=True, metavar="CODES", callback=_split_codes,
              help="Also report these rule codes or prefixes, on top of --select or the configured select.")
@click.option("--per-file-ignores", multiple=True, metavar="PATTERN:CODES", callback=_per_file_ignores,
              help="Never report CODES in files matching PATTERN (repeatable); replaces the configured table.")
@click.option("--extend-per-file-ignores", multiple=True, metavar="PATTERN:CODES", callback=_per_file_ignores,
              help="Like --per-file-ignores, added to the configured table.")
@click.option("--exclude", multiple=True, metavar="PATTERNS", callback=_split_list,
              help="Skip files and directories matching these glob patterns (comma-separated, repeatable); "
                   "replaces the configured exclude.")
@click.option("--extend-exclude", multiple=True, metavar="PATTERNS", callback=_split_list,
              help="Like --exclude, added to the configured patterns.")
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Apply the exclude patterns to files named on the command line too (for pre-commit).")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip files that git ignores (.gitignore, .git/info/exclude).  [default: respect]")
@click.option("--trust-docstrings/--no-trust-docstrings", default=None,
              help="Read docstring shapes as contracts whose differently named sizes differ (off: hints only).")
@click.option("--distinct-symbols/--no-distinct-symbols", default=None,
              help="Assume that differently named dimensions (n, d) have different sizes.  [default: distinct]")
@click.option("--gradient-pattern", multiple=True, metavar="REGEX", callback=_gradient_patterns,
              help="Another naming convention for gradients: a regex whose group 'p' is the parameter's name, "
                   "like '^g_(?P<p>\\w+)$' (repeatable).")
@click.option("--fix", is_flag=True, help="Apply the fixes of fixable findings ([*]) to the files.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them.")
@click.option("--statistics", is_flag=True, help="Print the number of findings of each code instead of the findings.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check files in N processes.  [default: the number of CPU cores]")
@click.option("--timeout", type=click.FloatRange(min=0), default=60.0, show_default=True, metavar="SECONDS",
              help="Give up on a file after this long and report SL999 for it (0: no limit).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--cache-dir", metavar="DIR", default=".shapelint_cache", show_default=True,
              envvar="SHAPELINT_CACHE_DIR", help="Where to keep results between runs.")
@click.option("--exit-zero", is_flag=True, help="Exit with 0 even when there are findings.")
@click.option("-q", "--quiet", is_flag=True, help="One line per finding, no source, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="List the files checked; show tracebacks of internal errors.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text output.  [default: when stdout is a terminal and NO_COLOR is not set]",
)
@_version_option
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exit_zero: bool,
    quiet: bool,
    verbose: bool,
    color: Optional[bool],
    config_file: Optional[str] = None,
    isolated: bool = False,
    extend_select: tuple[str, ...] = (),
    per_file_ignores: tuple = (),
    extend_per_file_ignores: tuple = (),
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
    force_exclude: Optional[bool] = None,
    respect_gitignore: Optional[bool] = None,
    distinct_symbols: Optional[bool] = None,
    trust_docstrings: Optional[bool] = None,
    gradient_pattern: tuple[str, ...] = (),
    fix: bool = False,
    diff: bool = False,
    statistics: bool = False,
    jobs: Optional[int] = None,
    timeout: float = 60.0,
    no_cache: bool = False,
    cache_dir: str = ".shapelint_cache",
) -> None:
    """Check Python files for numpy shape errors.

    PATHS are files or directories (default: the current directory).  Directories are searched
    for *.py files, skipping hidden directories, __pycache__, node_modules, build, dist,
    *.egg-info, virtual environments, files git ignores and the configured exclude patterns.
    Settings come from [tool.shapelint] in the nearest pyproject.toml (or shapelint.toml);
    options given here override them.
    """
    from .config import ConfigError, Options
    from .files import SourceError, discover
    from .selection import plan as plan_files

    started = time.perf_counter()
    output_format = output_format.lower()
    if statistics and output_format in ("github", "sarif"):
        raise click.UsageError(f"--statistics cannot be combined with --format {output_format}", ctx=ctx)
    files, errors = discover(paths or (".",))
    for message in errors:
        _error(message)

    all_rules, _ = _registry()
    overrides = Options(
        root=os.getcwd(), select=select or None, extend_select=extend_select, ignore=ignore,
        per_file_ignores=per_file_ignores or None, extend_per_file_ignores=extend_per_file_ignores,
        exclude=exclude or None, extend_exclude=extend_exclude, force_exclude=force_exclude,
        respect_gitignore=respect_gitignore, gradient_patterns=gradient_pattern, distinct_symbols=distinct_symbols,
        trust_docstrings=trust_docstrings,
    )
    try:
        planned = plan_files(paths or (".",), files, overrides, [r.code for r in all_rules],
                             config_file=config_file, isolated=isolated, verbose=verbose)
    except ConfigError as err:
        _error(str(err))
        ctx.exit(EXIT_ERROR)
    for warning in planned.warnings:
        click.echo(f"shapelint: warning: {warning}", err=True)
    for message in planned.errors:
        _error(message)
        errors.append(message)
    files = planned.files
    if verbose:
        for configuration in dict.fromkeys(c.source for c, _ in planned.groups if c.source):
            click.echo(f"shapelint: using configuration {configuration}", err=True)
        for path, why in planned.skipped:
            click.echo(f"shapelint: skipping {path} ({why})", err=True)
        for path in files:
            click.echo(f"shapelint: checking {path}", err=True)

    settings_of = {f: conf.settings for conf, group in planned.groups for f in group}
    try:
        diagnostics = []
        if files:
            from . import engine
            from .runner import RunStats, default_jobs

            run_stats = RunStats()
            for configuration, group in planned.groups:
                diagnostics.extend(engine.check_paths(
                    group, configuration.settings, jobs=jobs or default_jobs(), timeout=timeout or None,
                    cache_dir=None if no_cache else cache_dir, stats=run_stats))
            if verbose:
                click.echo(f"shapelint: {run_stats.cached} files from the cache, {run_stats.skipped} without a "
                           f"finding possible (not parsed), {run_stats.parsed} parsed, in "
                           f"{run_stats.workers} process{'es' if run_stats.workers > 1 else ''}"
                           + (f" (CPU seconds per worker: {', '.join(f'{c:.2f}' for c in run_stats.worker_cpu)})"
                              if run_stats.worker_cpu else ""), err=True)
            diagnostics.sort(key=lambda d: d.sort_key())
    except SourceError as err:
        _error(str(err))
        ctx.exit(EXIT_ERROR)
    except Exception as err:  # a bug in shapelint: say so in one line, traceback with -v
        if verbose:
            traceback.print_exc()
        hint = "" if verbose else " (run with -v for the traceback)"
        click.echo(f"shapelint: internal error: {type(err).__name__}: {err}{hint}", err=True)
        ctx.exit(EXIT_ERROR)

    mode = "diff" if diff else "fix" if fix else None
    fixed = 0
    if mode is not None or output_format in _SHOWS_FIXES or statistics:
        diagnostics, diffs, fixed = _fix_stage(diagnostics, settings_of, mode, errors)
        if mode == "diff":
            click.echo("".join(diffs), nl=False)
            summary = f"Would fix {_plural(fixed, 'finding')}." if fixed else "No fixes available."
            click.echo(f"shapelint: {summary}", err=True)
            ctx.exit(EXIT_ERROR if errors else EXIT_FINDINGS if fixed else EXIT_OK)

    use_color = _use_color(color) and output_format in ("text", "concise") and not statistics
    fixed_line = f"Fixed {_plural(fixed, 'finding')}." if mode == "fix" and fixed else ""
    if statistics:
        from .report import statistics as stats

        out = stats.render(diagnostics, output_format)
    else:
        from .report import get_renderer

        out = get_renderer(output_format)(diagnostics, _load_lines, use_color, quiet=quiet, files_checked=len(files),
                                          rules=all_rules, errors=tuple(errors))
        if output_format in ("text", "concise") and errors and not files:
            out = ""  # nothing was checked: "no findings in 0 files" would only mislead
    click.echo(out, nl=False, color=use_color)
    if fixed_line and not quiet:
        human = output_format in ("text", "concise") and not statistics
        click.echo(fixed_line if human else f"shapelint: {fixed_line}", err=not human)

    if verbose:
        elapsed = time.perf_counter() - started
        click.echo(f"shapelint: checked {len(files)} files in {elapsed:.2f}s", err=True)

    status = EXIT_OK
    if any(d.severity != "note" for d in diagnostics) and not exit_zero:
        status = EXIT_FINDINGS
    if errors:
        status = EXIT_ERROR
    ctx.exit(status)


@cli.command("shapes")
@click.argument("targets", nargs=-1, required=True, metavar="FILE[:LINE]...")
@click.option("--format", "output_format", type=click.Choice(["text", "json"], case_sensitive=False),
              default="text", show_default=True, help="Output format.")
@click.option("--config", "config_file", metavar="FILE", help="Use this configuration file.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--with", "context_paths", multiple=True, metavar="PATH",
              help="Follow calls into the Python files under PATH, as a check of them all would.  Repeatable.")
@click.pass_context
def shapes_command(ctx: click.Context, targets: tuple[str, ...], output_format: str, config_file: Optional[str],
                   isolated: bool, context_paths: tuple[str, ...]) -> None:
    """Show the shape inferred for every parameter and assigned name, and where it came from.

    \b
    shapelint shapes model.py                 every name in model.py
    shapelint shapes model.py:42              only the names bound on line 42
    shapelint shapes model.py:42 --with src/  calls into the files under src/ followed
    """
    import json as _json

    import libcst as cst

    from .config import ConfigError, ConfigFinder, Options, combine, load_options
    from .explain import bindings, render_text, split_target
    from .files import SourceError, read_source

    all_rules, _ = _registry()
    codes = [r.code for r in all_rules]
    status = EXIT_OK
    found = []
    finder = ConfigFinder(codes)
    project = None
    if context_paths:
        from .files import discover
        from .project import Project

        extra, errors = discover(context_paths)
        for message in errors:
            _error(message)
        if errors:
            ctx.exit(EXIT_ERROR)
        named = [split_target(t)[0] for t in targets]
        project = Project(list(dict.fromkeys(named + extra)))
    for target in targets:
        path, line = split_target(target)
        try:
            if config_file is not None:
                opts = load_options(config_file, codes)
            else:
                opts = None if isolated else finder.for_file(path)
            settings = combine(opts, Options(root=os.getcwd())).settings
            source = read_source(path)
            here = bindings(path, source, settings, project)
        except ConfigError as err:
            _error(str(err))
            ctx.exit(EXIT_ERROR)
        except SourceError as err:
            _error(str(err))
            status = EXIT_ERROR
            continue
        except cst.ParserSyntaxError as err:
            _error(f"{path}: cannot parse: {str(err).splitlines()[0] if str(err) else 'invalid syntax'}")
            status = EXIT_ERROR
            continue
        except (ValueError, RecursionError) as err:
            _error(f"{path}: {err}")
            status = EXIT_ERROR
            continue
        if line is not None:
            here = [b for b in here if b.line == line]
            if not here:
                click.echo(f"shapelint: no parameter or assignment on line {line} of {path}", err=True)
        found.extend(here)
    if output_format.lower() == "json":
        click.echo(_json.dumps([b.to_json() for b in found], indent=2))
    else:
        click.echo(render_text(found), nl=False)
    ctx.exit(status)


@cli.command("rules")
def rules_command() -> None:
    """List every rule: code, name, default severity and summary."""
    all_rules, _ = _registry()
    rows = [("CODE", "NAME", "SEVERITY", "SUMMARY")]
    rows += [(r.code, r.name, r.severity, r.summary) for r in sorted(all_rules, key=lambda r: r.code)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        click.echo("  ".join([*cells, row[3]]).rstrip())


@cli.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Show the documentation of the rule CODE (for example SL001)."""
    _, get_rule = _registry()
    rule = get_rule(code.strip().upper())
    if rule is None:
        raise click.BadParameter(
            f"unknown rule: {code!r} (run 'shapelint rules' for the list)", param_hint="'CODE'"
        )
    click.echo(rule.documentation(), nl=False)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Entry point of the ``shapelint`` console script and ``python -m shapelint``."""
    # A file name that is not valid UTF-8 (b"caf\xe9.py" on Linux) reaches the report as a lone
    # surrogate, which a strict UTF-8 stdout refuses: the whole report was lost to a traceback.
    # Write such names back as the bytes they are, as ls and grep do.
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")
    cli.main(args=list(argv) if argv is not None else None, prog_name="shapelint")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
