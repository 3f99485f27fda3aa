"""``dastandard report``: validate inputs and write the data-quality report as static HTML pages.

Exit status: 0 when the report was written (whatever it found; the report is the result), 2 on a usage error,
``errors.CONFIG_INVALID`` for a bad configuration file, ``errors.OUTPUT_UNWRITABLE`` when the pages cannot be
written, ``errors.INPUT_UNREADABLE`` when an input could not be read (the report is still written and lists it).
"""

from __future__ import annotations

from pathlib import Path

import click

from dastandard._parallel import DEFAULT_JOBS_HELP, default_jobs
from dastandard.commands._progress import progress as show_progress
from dastandard.commands._progress import wanted
from dastandard.commands.validate import FORMAT_HELP, check_input_format
from dastandard.config import load_settings
from dastandard.errors import INPUT_UNREADABLE, OUTPUT_UNWRITABLE, FatalError
from dastandard.htmlreport import write_report


@click.command("report")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="report.html (the index; other pages go to report-pages/ beside it) or a folder (index.html and pages/).",
)
@click.option("--format", "input_format", default="auto", show_default=True, metavar="FORMAT", help=FORMAT_HELP)
@click.option("--title", default="Data-quality report", show_default=True, help="Title of the report.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (.dastandard.toml or pyproject.toml). Default: the nearest one upwards.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help=f"Worker processes. {DEFAULT_JOBS_HELP}")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when a terminal).")
def command(
    inputs: tuple[str, ...],
    output: Path,
    input_format: str,
    title: str,
    config_file: Path | None,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Write an HTML data-quality report (headline figures, completeness, findings by rule, a page per child)."""
    settings = load_settings(config_file=config_file)
    check_input_format(input_format)
    try:
        with show_progress(wanted(progress), "report: {task.completed} records") as tick:
            summary = write_report(
                inputs,
                output,
                settings=settings,
                input_format=None if input_format == "auto" else input_format,
                jobs=jobs or default_jobs(inputs),
                title=title,
                on_record=tick,
            )
    except OSError as exc:
        raise FatalError(f"cannot write the report to {output}: {exc.strerror or exc}", OUTPUT_UNWRITABLE) from None
    index = output if output.suffix.lower() == ".html" else output / "index.html"
    click.echo(
        f"{summary.records} records, {summary.children} children, {summary.findings} findings: {index}", err=True
    )
    click.get_current_context().exit(INPUT_UNREADABLE if summary.by_rule.get("DA0001") else 0)
