"""``dastandard generate``: write a synthetic, seeded dataset (see ``dastandard.generate``).

Every case is invented and depends only on ``(seed, case number)``, so the same arguments always give the same
bytes, whatever ``--jobs``. Exit status: 0 on success; 2 on a usage error (unknown format or flaw, a flaw the
format cannot carry, ``--min-bytes`` or ``--jobs`` with a format that ignores them); ``errors.OUTPUT_UNWRITABLE``
when the output cannot be written (no partial file is left for single-file formats).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from dastandard.commands._output import unwritable
from dastandard.commands._progress import progress as show_progress
from dastandard.commands._progress import wanted
from dastandard.errors import OUTPUT_UNWRITABLE, FatalError
from dastandard.generate import FLAWS, WRITABLE, write_dataset

LINE_FORMATS = ("ndjson", "logical")


def _size(path: Path) -> int:
    """Bytes written at ``path``: a file's size, or the total of a folder's files."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


@click.command("generate")
@click.argument("output", type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(WRITABLE),
    default="ndjson",
    show_default=True,
    help="ndjson: one Bundle per line; logical: one logical record per line; fhir-json: a folder of Bundle files; "
    "cin-census, police-csv: those agency formats.",
)
@click.option("--count", type=click.IntRange(min=0), default=100, show_default=True, help="Number of cases.")
@click.option("--seed", type=int, default=0, show_default=True, help="Dataset seed.")
@click.option(
    "--flaw",
    "flaws",
    multiple=True,
    type=click.Choice(sorted(FLAWS)),
    help="Put this practice problem in every case (repeatable).",
)
@click.option(
    "--min-bytes",
    type=click.IntRange(min=0),
    default=0,
    help="ndjson/logical only: write as many cases as it takes to reach this size (overrides --count).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="ndjson/logical only: worker processes; the output is byte-identical to --jobs 1.",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
def command(
    output: Path,
    fmt: str,
    count: int,
    seed: int,
    flaws: tuple[str, ...],
    min_bytes: int,
    jobs: int,
    progress: bool | None,
) -> None:
    """Write a synthetic dataset of invented cases to OUTPUT and print a one-line summary on stderr."""
    if fmt not in LINE_FORMATS and min_bytes:
        raise click.UsageError(f"--min-bytes applies to {' and '.join(LINE_FORMATS)} only, not {fmt}")
    if fmt not in LINE_FORMATS and jobs > 1:
        raise click.UsageError(f"--jobs applies to {' and '.join(LINE_FORMATS)} only, not {fmt}")
    if output.exists() and not output.is_file() and not output.is_dir():
        raise FatalError(f"cannot write {output}: not a regular file or folder", OUTPUT_UNWRITABLE)
    began = time.perf_counter()
    try:
        with show_progress(wanted(progress), "generating cases", None if min_bytes else count) as advance:
            written = write_dataset(
                output, fmt, count=count, seed=seed, flaws=flaws, min_bytes=min_bytes, jobs=jobs, progress=advance
            )
        size = _size(output)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise unwritable(output, exc) from None
    seconds = time.perf_counter() - began
    click.echo(f"generated {written} cases, {size} bytes, in {seconds:.2f} s: {output} ({fmt})", err=True)
