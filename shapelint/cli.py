"""The ``shapelint`` command.

``shapelint [OPTIONS] [PATHS]...`` checks files (it is short for ``shapelint check``);
``shapelint rules`` lists the rules and ``shapelint rule CODE`` documents one.

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


@cli.command("check")
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format: text for people, json for programs.",
)
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
) -> None:
    """Check Python files for numpy shape errors.

    PATHS are files or directories (default: the current directory).  Directories are searched
    for *.py files, skipping hidden directories, __pycache__, node_modules, build, dist,
    *.egg-info and virtual environments.
    """
    from .config import Settings
    from .files import SourceError, discover

    started = time.perf_counter()
    files, errors = discover(paths or (".",))
    for message in errors:
        _error(message)
    if verbose:
        for path in files:
            click.echo(f"shapelint: checking {path}", err=True)

    settings = Settings(select=select, ignore=ignore, verbose=verbose)
    try:
        if files:
            from . import engine

            diagnostics = list(engine.check_paths(files, settings))
        else:
            diagnostics = []
    except SourceError as err:
        _error(str(err))
        ctx.exit(EXIT_ERROR)
    except Exception as err:  # a bug in shapelint: say so in one line, traceback with -v
        if verbose:
            traceback.print_exc()
        hint = "" if verbose else " (run with -v for the traceback)"
        click.echo(f"shapelint: internal error: {type(err).__name__}: {err}{hint}", err=True)
        ctx.exit(EXIT_ERROR)

    output_format = output_format.lower()
    use_color = _use_color(color) and output_format == "text"
    if output_format == "json":
        from .report.json import render as render_json

        out = render_json(diagnostics, None, False)
    else:
        from .report.text import render as render_text

        out = render_text(diagnostics, _load_lines, use_color, quiet=quiet, files_checked=len(files))
        if errors and not files:
            out = ""  # nothing was checked: "no findings in 0 files" would only mislead
    click.echo(out, nl=False, color=use_color)

    if verbose:
        elapsed = time.perf_counter() - started
        click.echo(f"shapelint: checked {len(files)} files in {elapsed:.2f}s", err=True)

    status = EXIT_OK
    if any(d.severity != "note" for d in diagnostics) and not exit_zero:
        status = EXIT_FINDINGS
    if errors:
        status = EXIT_ERROR
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
    cli.main(args=list(argv) if argv is not None else None, prog_name="shapelint")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
