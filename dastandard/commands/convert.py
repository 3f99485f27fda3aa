"""``dastandard convert``: convert a file, a folder of files or standard input between registered formats.

Every output is written to a temporary file in the target's folder and moved into place only when the conversion
succeeded, so no partial output is ever left behind. With ``--strict`` any loss (anything in the report that is
not ``mapped``) is an error: nothing is written and the exit status is ``CONVERSION_LOSSY_STRICT``. Exit statuses
are those of ``dastandard.errors``.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from dastandard import errors
from dastandard._parallel import DEFAULT_JOBS_HELP, BackgroundWriter, default_jobs
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.registry import RegistryError, all_formats, detect_candidates, get_format
from dastandard.convert.report_render import render

HEAD_BYTES = 65536


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@dataclass(frozen=True)
class Options:
    """What every single conversion needs; picklable so that ``--jobs`` can send it to worker processes."""

    from_name: str | None
    to_name: str
    strict: bool
    cin_year: int | None = None
    jobs: int = 1  # worker processes within one input, for a reader that can use them (reads_in_parallel)


@dataclass
class Outcome:
    """The result of one conversion: the report, the exit status, a message, and the finished temporary file."""

    report: ConversionReport
    status: int = errors.OK
    message: str = ""
    temp: str | None = None


def _configured(fmt: Format, opts: Options) -> Format:
    """A copy of ``fmt`` with the format-specific options applied (``--cin-year`` for formats that have it)."""
    if opts.cin_year is not None and hasattr(fmt, "cin_year"):
        fmt = copy.copy(fmt)
        fmt.cin_year = opts.cin_year
    return fmt


def _resolve_reader(head: bytes, path: Path | None, opts: Options) -> tuple[Format | None, str]:
    if opts.from_name:
        try:
            fmt = get_format(opts.from_name)
        except RegistryError as exc:
            return None, str(exc)
        if not fmt.can_read:
            return None, f"format {fmt.name!r} cannot be read"
        return _configured(fmt, opts), ""
    candidates = detect_candidates(head, path)
    if len(candidates) == 1:
        return _configured(get_format(candidates[0]), opts), ""
    where = str(path) if path else "standard input"
    if candidates:
        return None, f"cannot tell the format of {where}: it could be {', '.join(candidates)}; use --from"
    readable = ", ".join(f.name for f in all_formats() if f.can_read)
    return None, f"cannot tell the format of {where}; use --from (readable formats: {readable})"


def _counted(
    bundles: Iterable[dict[str, Any]], tick: Callable[[], None] | None, seen: list[int]
) -> Iterator[dict[str, Any]]:
    for bundle in bundles:
        seen[0] += 1
        if tick:
            tick()
        yield bundle


def convert_stream(
    source: IO[bytes],
    name: str,
    path: Path | None,
    target: IO[bytes],
    opts: Options,
    tick: Callable[[], None] | None = None,
) -> Outcome:
    """Convert one input stream into ``target``. Never raises: every failure is an Outcome status and message."""
    report = ConversionReport(source=name, target_format=opts.to_name)
    head = source.read(HEAD_BYTES)
    source.seek(0)
    reader, problem = _resolve_reader(head, path, opts)
    if reader is None:
        return Outcome(report, errors.UNKNOWN_FORMAT, problem)
    report.source_format = reader.name
    try:
        writer = _configured(get_format(opts.to_name), opts)
    except RegistryError as exc:
        return Outcome(report, errors.UNKNOWN_FORMAT, str(exc))
    if not writer.can_write:
        return Outcome(report, errors.UNKNOWN_FORMAT, f"format {writer.name!r} cannot be written")
    seen = [0]
    encode = writer.record_encoder()
    try:
        if encode is not None:  # line output: written by a background thread while the next records are made
            jobs = opts.jobs if reader.reads_in_parallel else 1
            with BackgroundWriter(target) as sink:
                for line in reader.read_encoded(source, name, report, encode, jobs):
                    sink.write(line)
                    report.records_out += 1
                    if tick:
                        tick()
        else:
            writer.write(_counted(reader.read(source, name, report), tick, seen), target, report)
    except errors.FatalError as exc:
        return Outcome(report, exc.status, f"{name}: {exc.message}")
    except Exception as exc:  # a defect in a format must not become a traceback
        return Outcome(report, errors.CONVERSION_FAILED, f"{name}: conversion failed: {type(exc).__name__}: {exc}")
    if not report.records_out:
        report.records_out = seen[0]
    if report.records_in == 0 and report.records_out == 0 and any(e.kind is Loss.INVALID_INPUT for e in report.entries):
        return Outcome(report, errors.CONVERSION_FAILED, f"{name}: nothing could be converted (see the report)")
    if opts.strict and report.losses:
        return Outcome(
            report,
            errors.CONVERSION_LOSSY_STRICT,
            f"{name}: --strict and the conversion would lose or alter data ({len(report.losses)} entries)",
        )
    return Outcome(report)


def convert_file(src: str, dst: str, opts: Options, tick: Callable[[], None] | None = None) -> Outcome:
    """Convert ``src`` into a temporary file beside ``dst`` (returned in ``Outcome.temp`` on success only).

    ``tick`` is called once per record written, for a progress bar in a single process.
    """
    src_path, dst_path = Path(src), Path(dst)
    try:
        source = src_path.open("rb")
    except OSError as exc:
        return Outcome(ConversionReport(source=src), errors.INPUT_UNREADABLE, f"cannot read {src}: {exc.strerror}")
    try:
        dst_path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=dst_path.parent, prefix=f".{dst_path.name}.", suffix=".part")
    except OSError as exc:
        source.close()
        return Outcome(
            ConversionReport(source=src), errors.OUTPUT_UNWRITABLE, f"cannot write in {dst_path.parent}: {exc.strerror}"
        )
    with source, os.fdopen(fd, "wb") as target:
        try:
            outcome = convert_stream(source, src_path.name, src_path, target, opts, tick)
        except OSError as exc:
            outcome = Outcome(ConversionReport(source=src), errors.INPUT_UNREADABLE, f"cannot read {src}: {exc}")
    outcome.report.source = src
    if outcome.status == errors.OK:
        outcome.temp = temp
    else:
        Path(temp).unlink(missing_ok=True)
    return outcome


def _commit(temp: str, dst: Path) -> str:
    try:
        Path(temp).chmod(_umask_mode())
        Path(temp).replace(dst)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        return f"cannot write {dst}: {exc.strerror}"
    return ""


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(temp).chmod(_umask_mode())
        Path(temp).replace(path)
    except OSError as exc:
        errors.fatal(f"cannot write {path}: {exc.strerror}", errors.OUTPUT_UNWRITABLE)


def _batch_inputs(folder: Path, opts: Options) -> list[Path]:
    """Files in ``folder`` (recursively, sorted) that the source format, or any readable format, claims by name."""
    if opts.from_name:
        try:
            exts = get_format(opts.from_name).extensions
        except RegistryError as exc:
            errors.fatal(str(exc), errors.UNKNOWN_FORMAT)
    else:
        exts = tuple(e for f in all_formats() if f.can_read for e in f.extensions)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    if exts:
        files = [p for p in files if any(p.name.lower().endswith(e.lower()) for e in exts)]
    return files


def _output_name(rel: Path, to_fmt: Format) -> Path:
    ext = to_fmt.extensions[0] if to_fmt.extensions else rel.suffix
    name = rel.name
    for known in sorted((e for f in all_formats() for e in f.extensions), key=len, reverse=True):
        if name.lower().endswith(known.lower()):
            name = name[: -len(known)]
            break
    return rel.with_name(name + ext)


def _progress_wanted(flag: bool | None) -> bool:
    return flag if flag is not None else sys.stderr.isatty()


@contextlib.contextmanager
def _progress(enabled: bool, total: int | None, label: str) -> Iterator[Callable[[], None] | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def _emit_report(reports: list[ConversionReport], report_fmt: str, report_file: Path | None, to_stderr: bool) -> None:
    data = render(reports, report_fmt)
    if report_file is not None:
        _write_atomic(report_file, data)
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
def command(
    input_path: str,
    from_name: str | None,
    to_name: str,
    output: str,
    strict: bool,
    report_fmt: str,
    report_file: Path | None,
    jobs: int | None,
    progress: bool | None,
    cin_year: int | None,
) -> None:
    """Convert INPUT (a file, a folder of files, or - for standard input) from one format to another."""
    workers = jobs or default_jobs([input_path])
    opts = Options(from_name, to_name, strict, cin_year, workers)
    try:
        to_fmt = get_format(to_name)
    except RegistryError as exc:
        errors.fatal(str(exc), errors.UNKNOWN_FORMAT)
    if not to_fmt.can_write:
        errors.fatal(f"format {to_name!r} cannot be written", errors.UNKNOWN_FORMAT)
    src = Path(input_path)
    if input_path != "-" and not src.exists():
        errors.fatal(f"cannot read {input_path}: no such file or folder", errors.INPUT_UNREADABLE)
    if input_path != "-" and src.is_dir():
        _convert_folder(src, Path(output), opts, to_fmt, report_fmt, report_file, workers, _progress_wanted(progress))
        return
    if input_path == "-" or output == "-":
        _convert_in_memory(input_path, output, opts, report_fmt, report_file, _progress_wanted(progress))
        return
    dst = Path(output)
    if dst.is_dir():
        errors.fatal(f"{output} is a folder; give a file name (a folder output needs a folder INPUT)", errors.USAGE)
    with _progress(_progress_wanted(progress), None, src.name) as tick:
        outcome = convert_file(str(src), str(dst), opts, tick)
    _finish([outcome], [dst], report_fmt, report_file, to_stderr=False)


def _convert_in_memory(
    input_path: str, output: str, opts: Options, report_fmt: str, report_file: Path | None, show: bool
) -> None:
    try:
        data = sys.stdin.buffer.read() if input_path == "-" else Path(input_path).read_bytes()
    except OSError as exc:
        errors.fatal(f"cannot read {input_path}: {exc.strerror}", errors.INPUT_UNREADABLE)
    name = "<stdin>" if input_path == "-" else Path(input_path).name
    path = None if input_path == "-" else Path(input_path)
    buffer = io.BytesIO()
    with _progress(show, None, name) as tick:
        outcome = convert_stream(io.BytesIO(data), name, path, buffer, opts, tick)
    if outcome.status == errors.OK:
        if output == "-":
            sys.stdout.buffer.write(buffer.getvalue())
            sys.stdout.buffer.flush()
        else:
            _write_atomic(Path(output), buffer.getvalue())
    _finish([outcome], [], report_fmt, report_file, to_stderr=output == "-")


def _convert_folder(
    src: Path,
    dst: Path,
    opts: Options,
    to_fmt: Format,
    report_fmt: str,
    report_file: Path | None,
    jobs: int,
    show: bool,
) -> None:
    if dst.exists() and not dst.is_dir():
        errors.fatal(f"{dst} is a file; a folder INPUT needs a folder OUTPUT", errors.USAGE)
    files = _batch_inputs(src, opts)
    if not files:
        errors.fatal(f"no convertible files in {src}", errors.INPUT_UNREADABLE)
    targets = [dst / _output_name(f.relative_to(src), to_fmt) for f in files]
    outcomes: list[Outcome] = []
    with _progress(show, len(files), f"converting {len(files)} files") as tick:
        if jobs > 1 and len(files) > 1:
            one_each = dataclasses.replace(opts, jobs=1)  # the files share the workers; none starts its own
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for outcome in pool.map(convert_file, map(str, files), map(str, targets), [one_each] * len(files)):
                    outcomes.append(outcome)
                    if tick:
                        tick()
        else:
            for f, t in zip(files, targets, strict=True):
                outcomes.append(convert_file(str(f), str(t), opts))
                if tick:
                    tick()
    _finish(outcomes, targets, report_fmt, report_file, to_stderr=False)


def _finish(
    outcomes: list[Outcome], targets: list[Path], report_fmt: str, report_file: Path | None, *, to_stderr: bool
) -> None:
    """Commit the outputs (all or, under --strict, none), print the report, and end with the right status."""
    strict_failed = any(o.status == errors.CONVERSION_LOSSY_STRICT for o in outcomes)
    problems: list[str] = []
    for outcome, target in zip(outcomes, targets, strict=False):
        if outcome.temp is None:
            continue
        if strict_failed:
            Path(outcome.temp).unlink(missing_ok=True)
            continue
        problem = _commit(outcome.temp, target)
        if problem:
            outcome.status, outcome.message = errors.OUTPUT_UNWRITABLE, problem
            outcome.report.add(ReportEntry(Loss.INVALID_INPUT, "(output)", str(target), problem))
    reports = [o.report for o in outcomes]
    _emit_report(reports, report_fmt, report_file, to_stderr)
    failed = [o for o in outcomes if o.status != errors.OK]
    if not failed:
        return
    order = (
        errors.UNKNOWN_FORMAT,
        errors.CONVERSION_LOSSY_STRICT,
        errors.INPUT_UNREADABLE,
        errors.OUTPUT_UNWRITABLE,
        errors.CONVERSION_FAILED,
    )
    status = min((o.status for o in failed), key=lambda s: order.index(s) if s in order else len(order))
    problems = [o.message for o in failed if o.message]
    if strict_failed and len(outcomes) > 1:
        problems.append("--strict: no output was written")
    errors.fatal(problems[0], status, "\n".join(problems[1:]))
