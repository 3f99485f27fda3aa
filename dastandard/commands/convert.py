"""``dastandard convert``: convert a file, a folder of files or standard input between registered formats.

The command only parses its options, runs ``dastandard.convert.pipeline.convert`` (temporary files, atomic commit,
process pool, strict mode: see there) with a rich progress bar when wanted, prints the report and ends with the
run's status (``dastandard.errors``). The size limits on what is read are DA0005's parameters, from the same
configuration file ``validate`` uses (``--config``, else the nearest ``.dastandard.toml`` or ``pyproject.toml``); a
bad configuration ends the run with ``CONFIG_INVALID`` before anything is read.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from dastandard import errors
from dastandard._parallel import DEFAULT_JOBS_HELP
from dastandard.commands._progress import progress as show_progress
from dastandard.commands._progress import wanted
from dastandard.config import load_settings
from dastandard.convert.base import ConversionReport
from dastandard.convert.pipeline import Tick, convert, write_atomic
from dastandard.convert.report_render import render
from dastandard.limits import Limits


@contextlib.contextmanager
def _rich_progress(total: int | None, label: str, unit: str = "") -> Iterator[Tick | None]:
    with show_progress(True, label, total, unit=unit) as advance:
        yield None if advance is None else (lambda n=1: advance(n))


def _emit_report(reports: list[ConversionReport], report_fmt: str, report_file: Path | None, to_stderr: bool) -> None:
    data = render(reports, report_fmt)
    if report_file is not None:
        write_atomic(report_file, data)
        return
    stream = sys.stderr.buffer if to_stderr else sys.stdout.buffer
    stream.write(data)
    stream.flush()


@click.command("convert")
@click.argument("input_path", metavar="INPUT")
@click.option("--from", "from_name", metavar="FMT", help="Source format (detected from the content when omitted).")
@click.option("--to", "to_name", metavar="FMT", required=True, help="Target format (see `dastandard formats`).")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="OUTPUT",
    help="Output file, folder (when INPUT is a folder) or - for standard output.",
)
@click.option("--strict", is_flag=True, help="Any loss or alteration is an error; nothing is written.")
@click.option(
    "--allow-label-loss",
    is_flag=True,
    help="Write even when the target format cannot carry a security label of the input (such as V, DELAU or PDS "
    "into police CSV); each label is still reported. Without it such a conversion writes nothing (exit 13).",
)
@click.option("--report", "report_fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--report-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes: for a folder, files converted at once; for one file read into NDJSON by a format that "
    f"can (cin-census), Bundles built at once. {DEFAULT_JOBS_HELP}",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.option(
    "--cin-year",
    type=click.IntRange(2017, 2100),
    default=None,
    help="CIN census writer: 2024 and later write Sex (M/F/U), earlier years GenderCurrent. Default 2024.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file for the input size limits (DA0005). Default: the nearest .dastandard.toml or "
    "pyproject.toml [tool.dastandard].",
)
def command(
    input_path: str,
    from_name: str | None,
    to_name: str,
    output: str,
    strict: bool,
    allow_label_loss: bool,
    report_fmt: str,
    report_file: Path | None,
    jobs: int | None,
    progress: bool | None,
    cin_year: int | None,
    config_file: Path | None,
) -> None:
    """Convert INPUT (a file, a folder of files, or - for standard input) from one format to another."""
    settings = load_settings(config_file=config_file)
    result = convert(
        input_path,
        output,
        to=to_name,
        source_format=from_name,
        strict=strict,
        cin_year=cin_year,
        jobs=jobs,
        progress=_rich_progress if wanted(progress) else None,
        limits=Limits.from_params(settings.param),
        allow_label_loss=allow_label_loss,
    )
    _emit_report(result.reports, report_fmt, report_file, to_stderr=output == "-")
    if not result.ok:
        problems = result.problems or [f"conversion failed (status {result.status})"]
        errors.fatal(problems[0], result.status, "\n".join(problems[1:]))
