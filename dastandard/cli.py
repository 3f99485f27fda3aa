"""The ``dastandard`` command line.

Each subcommand lives in ``dastandard.commands.<name>``; this module only assembles them and turns a FatalError
into its message and exit code (never a traceback). A subcommand's module is imported when the command is first
looked up (plain imports in ``_load``), so ``dastandard validate`` does not load the converters, the generator or
the HTML report.

Interrupts end a run by convention: SIGINT (Ctrl-C) with 130, SIGTERM with 143 (128 + the signal number), after
the conversion has removed its temporary files. An output that cannot be written (a full disk, ``ulimit -f``,
standard output on a full device) ends with ``OUTPUT_UNWRITABLE`` and a one-line message.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import sys
from collections.abc import Iterator, MutableMapping
from types import FrameType

import click

from dastandard import __version__
from dastandard.errors import OUTPUT_UNWRITABLE, FatalError

# The subcommands. Each module ``dastandard.commands.<name>`` exposes a click command named ``command``.
COMMAND_NAMES = (
    "validate",
    "rules",
    "explain",
    "convert",
    "formats",
    "profiles",
    "generate",
    "report",
    "package",
    "docs",
)


def _load(name: str) -> click.Command:
    """The subcommand ``name``, its module imported now."""
    match name:
        case "validate":
            from dastandard.commands import validate

            return validate.command
        case "rules":
            from dastandard.commands import rules

            return rules.command
        case "explain":
            from dastandard.commands import explain

            return explain.command
        case "convert":
            from dastandard.commands import convert

            return convert.command
        case "formats":
            from dastandard.commands import formats

            return formats.command
        case "profiles":
            from dastandard.commands import profiles

            return profiles.command
        case "generate":
            from dastandard.commands import generate

            return generate.command
        case "report":
            from dastandard.commands import report

            return report.command
        case "package":
            from dastandard.commands import package

            return package.command
        case "docs":
            from dastandard.commands import docs

            return docs.command
    raise KeyError(name)


class _Commands(MutableMapping[str, click.Command]):
    """The group's subcommands by name, each loaded on first access."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = dict.fromkeys(names)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        found = self._loaded.get(name)
        if found is None:
            if name not in self._names:
                raise KeyError(name)
            found = self._loaded[name] = _load(name)
        return found

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._names[name] = None
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._names[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version and how this copy was built (compiled or pure Python), then exit."""
    if not value or ctx.resilient_parsing:
        return
    from dastandard._version import build_description

    click.echo(f"dastandard, version {__version__}, {build_description()}")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and how this copy was built, and exit.",
)
def cli() -> None:
    """Validate and convert domestic abuse records about children against the dastandard FHIR R4 standard."""


cli.commands = _Commands(COMMAND_NAMES)


INTERRUPTED = 130  # 128 + SIGINT
TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM arrives, so that clean-up code runs as for Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def _install_signal_handlers() -> None:
    """SIGTERM unwinds like Ctrl-C; SIGXFSZ (``ulimit -f``) becomes an ordinary write error (EFBIG)."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _silence_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _flush_stdout() -> None:
    sys.stdout.flush()
    sys.stdout.buffer.flush()


def _ease_start_up() -> None:
    """Let the cycle collector run less often while the command's modules and plans load: they are many young
    objects that all live to the end, and collecting them over and over costs about 5% of a one-file run. The
    commands that process records set the same threshold, and freeze what exists, when their loop starts."""
    from dastandard._parallel import GC_YOUNG

    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_YOUNG), *threshold[1:])


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a FatalError prints its message on stderr and exits with its status."""
    if argv is None:
        _install_signal_handlers()
        _ease_start_up()
    try:
        status = _run(argv)
        _flush_stdout()
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(INTERRUPTED)
    except Terminated:
        click.echo("terminated", err=True)
        sys.exit(TERMINATED)
    except OSError as exc:  # writing standard output or another output failed outside the pipeline's care
        _silence_stdout()
        if exc.errno == errno.EPIPE:
            sys.exit(OUTPUT_UNWRITABLE)
        click.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
        sys.exit(OUTPUT_UNWRITABLE)
    if argv is None:
        _exit_at_once(status)
    sys.exit(status)


def _exit_at_once(status: int) -> None:
    """End the console script's process without tearing down the interpreter.

    Every output is complete and closed when the command returns; what is left is freeing every object (the
    standard, the compiled plans, the modules) one by one, which costs about a tenth of a run validating one file.
    The exit handlers still run (a tool measuring coverage, or a library's clean-up, registers one). Returns, for
    ``sys.exit``, when a thread other than a daemon is still running or an output cannot be flushed."""
    import atexit
    import threading

    if any(t.is_alive() and not t.daemon and t is not threading.main_thread() for t in threading.enumerate()):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status if isinstance(status, int) and 0 <= status <= 255 else 1)


def _run(argv: list[str] | None) -> int:
    """Run the command; the exit status it ends with (a FatalError's message is printed here)."""
    try:
        status = cli.main(args=argv, prog_name="dastandard", standalone_mode=False)
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except FatalError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.details:
            click.echo(exc.details, err=True)
        return exc.status
    except click.exceptions.Exit as exc:
        return exc.exit_code
    # In non-standalone mode click returns the code a command passed to ``ctx.exit`` (or the command's return value).
    return status if isinstance(status, int) else 0
