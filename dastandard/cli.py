"""The ``dastandard`` command line.

Each subcommand lives in ``dastandard.commands.<name>``; this module only assembles them (plain imports, in help
order) and turns a FatalError into its message and exit code (never a traceback).

Interrupts end a run by convention: SIGINT (Ctrl-C) with 130, SIGTERM with 143 (128 + the signal number), after
the conversion has removed its temporary files. An output that cannot be written (a full disk, ``ulimit -f``,
standard output on a full device) ends with ``OUTPUT_UNWRITABLE`` and a one-line message.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from types import FrameType

import click

from dastandard import __version__
from dastandard.commands import convert, docs, explain, formats, generate, package, profiles, report, rules, validate
from dastandard.errors import OUTPUT_UNWRITABLE, FatalError

# Subcommand modules, in help order. Each exposes a click command or group named ``command``.
_COMMAND_MODULES = (validate, rules, explain, convert, formats, profiles, generate, report, package, docs)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dastandard")
def cli() -> None:
    """Validate and convert domestic abuse records about children against the dastandard FHIR R4 standard."""


for _module in _COMMAND_MODULES:
    cli.add_command(_module.command)


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


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a FatalError prints its message on stderr and exits with its status."""
    if argv is None:
        _install_signal_handlers()
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
    sys.exit(status)


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
