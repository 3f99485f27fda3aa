"""The ``dastandard`` command line.

Each subcommand lives in ``dastandard.commands.<name>``; this module only assembles them (plain imports, in help
order) and turns a FatalError into its message and exit code (never a traceback).
"""

from __future__ import annotations

import sys

import click

from dastandard import __version__
from dastandard.commands import convert, explain, formats, generate, package, profiles, report, rules, validate
from dastandard.errors import FatalError

# Subcommand modules, in help order. Each exposes a click command or group named ``command``.
_COMMAND_MODULES = (validate, rules, explain, convert, formats, profiles, generate, report, package)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dastandard")
def cli() -> None:
    """Validate and convert domestic abuse records about children against the dastandard FHIR R4 standard."""


for _module in _COMMAND_MODULES:
    cli.add_command(_module.command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a FatalError prints its message on stderr and exits with its status."""
    try:
        status = cli.main(args=argv, prog_name="dastandard", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except FatalError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.details:
            click.echo(exc.details, err=True)
        sys.exit(exc.status)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    # In non-standalone mode click returns the code a command passed to ``ctx.exit`` (or the command's return value).
    sys.exit(status if isinstance(status, int) else 0)
