"""The conversion pipeline: one input (file, folder or stream) to one output in a registered format.

``convert`` is the library entry point behind ``dastandard convert`` (and ``dastandard.convert``). It chooses the
reader (``--from`` or detection through the registry, whose FHIR formats use ``dastandard.fhir.detect``), writes
every output to a temporary file in the target's folder and moves it into place only when its conversion
succeeded, so no partial output is ever left behind, and converts the files of a folder in a process pool when
``jobs > 1``. With ``strict`` any loss (anything in a report that is not ``mapped``) is an error: nothing is written
and the status is ``CONVERSION_LOSSY_STRICT``. Statuses are those of ``dastandard.errors``.

Bounded resources: every input is read through ``dastandard.limits.BoundedInput`` with the limits of rule DA0005
(the same, configurable, limits ``validate`` applies), so no input, however large or endless, is read past
``max_file_bytes`` in total or ``max_record_bytes`` in one line; going past either fails that input
(``CONVERSION_FAILED``, a located ``invalid-input`` entry). An error writing the output (a full disk, ``ulimit -f``)
is ``OUTPUT_UNWRITABLE``. An interrupt (KeyboardInterrupt, or SIGTERM turned into an exception by the CLI) removes
every temporary file before it propagates; the previous content of a target is replaced only by a complete output.

Error policy: a problem that stops the run before anything is converted (an unknown or unwritable target format,
a missing input, a file given where a folder is needed or the reverse, a folder with nothing to convert, standard
input that cannot be read, an in-memory output that cannot be written) raises ``FatalError`` with its status. A
problem with one input (unreadable, undetectable, invalid, lossy under ``strict``, a defect in a format) never
raises: it is the ``ConversionResult``'s status and message, and its report says what happened.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from dastandard import errors
from dastandard._parallel import BackgroundWriter, default_jobs
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.labels import guard_labels
from dastandard.convert.registry import RegistryError, all_formats, detect_candidates, get_format
from dastandard.fhir.detect import HEAD_BYTES
from dastandard.fhir.shape import well_typed
from dastandard.limits import BoundedInput, InputTooLarge, Limits, default_limits
from dastandard.tempfiles import temp_beside

STDIO = "-"

Tick = Callable[..., None]
ProgressFactory = Callable[..., AbstractContextManager[Tick | None]]
"""``progress(total, label)``: a context giving a callable to call once per record (one input read as a stream) or
file (a folder), or None for no progress display; ``total`` is None when unknown. For one input file the total is
its size and the call is ``progress(size, label, unit="bytes")``: the callable is then given the number of bytes read
since its last call, once per record."""

# The status a run ends with when several inputs failed differently: the first of these that occurred.
_STATUS_ORDER = (
    errors.UNKNOWN_FORMAT,
    errors.CONVERSION_LOSSY_STRICT,
    errors.INPUT_UNREADABLE,
    errors.OUTPUT_UNWRITABLE,
    errors.CONVERSION_FAILED,
)


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
    limits: Limits | None = None  # None: the catalog defaults of DA0005
    allow_label_loss: bool = False  # write even when a security label cannot be carried (it is still reported)


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


def _well_typed(bundles: Iterable[Any], report: ConversionReport) -> Iterator[dict[str, Any]]:
    """The Bundles with every value of the wrong JSON type left out, each a located ``invalid-input`` entry
    (``record 2: Bundle.entry[3].resource.identifier``); something that is not a resource at all is skipped."""
    for number, bundle in enumerate(bundles, 1):

        def problem(location: str, message: str, number: int = number) -> None:
            field_name = location.rsplit(".", 1)[-1].split("[", 1)[0]
            report.add(ReportEntry(Loss.INVALID_INPUT, field_name, f"record {number}: {location}", message))

        if well_typed(bundle, problem):
            yield bundle


class OutputFailed(errors.FatalError):
    """Writing the output failed (a full disk, a file size limit, a closed pipe)."""

    def __init__(self, exc: OSError) -> None:
        super().__init__(f"cannot write the output: {exc.strerror or exc}", errors.OUTPUT_UNWRITABLE)


class _GuardedOutput(io.RawIOBase):
    """A write-only view of ``target`` whose write errors are ``OutputFailed`` (never taken for input errors)."""

    def __init__(self, target: IO[bytes]) -> None:
        super().__init__()
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            self._target.write(data)
        except OSError as exc:
            raise OutputFailed(exc) from None
        return len(data)

    def flush(self) -> None:
        try:
            self._target.flush()
        except OSError as exc:
            raise OutputFailed(exc) from None


def _too_large(report: ConversionReport, exc: InputTooLarge, name: str) -> Outcome:
    where = f"line {exc.line}" if exc.line is not None else "(input)"
    report.add(ReportEntry(Loss.INVALID_INPUT, "(size)", where, exc.message))
    return Outcome(report, exc.status, f"{name}: {exc.message}")


def convert_stream(
    source: IO[bytes],
    name: str,
    path: Path | None,
    target: IO[bytes],
    opts: Options,
    tick: Callable[[], None] | None = None,
) -> Outcome:
    """Convert one input stream into ``target``. Never raises: every failure is an Outcome status and message
    (a KeyboardInterrupt or other BaseException propagates)."""
    report = ConversionReport(source=name, target_format=opts.to_name)
    if not isinstance(source, BoundedInput):
        source = cast(IO[bytes], BoundedInput(source, opts.limits or default_limits()))
    target = cast(IO[bytes], _GuardedOutput(target))
    try:
        head = source.read(HEAD_BYTES)
        source.seek(0)
    except InputTooLarge as exc:  # a configured file limit below the detection window
        return _too_large(report, exc, name)
    except OSError as exc:
        return Outcome(report, errors.INPUT_UNREADABLE, f"{name}: cannot read the input: {exc.strerror or exc}")
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
    # A writer counts into its own report (sharing the entries), so a Bundle a reader counted is not counted again.
    written = ConversionReport(source=name, target_format=opts.to_name, entries=report.entries)
    try:
        if encode is not None:  # line output: written by a background thread while the next records are made
            jobs = opts.jobs if reader.reads_in_parallel else 1
            with BackgroundWriter(target) as sink:
                for line in reader.read_encoded(source, name, report, encode, jobs):
                    sink.write(line)
                    seen[0] += 1  # counts the output only when the reader did not count its records
                    if tick:
                        tick()
        else:
            bundles = _counted(reader.read(source, name, report), tick, seen)
            if writer.writes_well_typed_only:
                bundles = _well_typed(bundles, report)
            if writer.implied_labels is not None:
                bundles = guard_labels(bundles, writer.implied_labels, writer.name, report)
            writer.write(bundles, target, written)
    except InputTooLarge as exc:
        return _too_large(report, exc, name)
    except errors.FatalError as exc:
        return Outcome(report, exc.status, f"{name}: {exc.message}")
    except OSError as exc:  # output errors are OutputFailed, so this is the input
        return Outcome(report, errors.INPUT_UNREADABLE, f"{name}: cannot read the input: {exc.strerror or exc}")
    except RecursionError:
        report.add(ReportEntry(Loss.INVALID_INPUT, "(nesting)", "(input)", "the input is nested too deeply"))
        return Outcome(report, errors.CONVERSION_FAILED, f"{name}: the input is nested too deeply")
    except Exception as exc:  # a defect in a format must not become a traceback
        return Outcome(report, errors.CONVERSION_FAILED, f"{name}: conversion failed: {type(exc).__name__}: {exc}")
    if not report.records_out:
        report.records_out = written.records_out or seen[0]
    if report.records_out == 0 and (report.records_in > 0 or any(e.kind is Loss.INVALID_INPUT for e in report.entries)):
        # Nothing came out and something was read or could not be read (every record rejected, whatever the
        # reason): a failure, never an empty output and status 0; the previous target is kept.
        return Outcome(report, errors.CONVERSION_FAILED, f"{name}: nothing could be converted (see the report)")
    lowered = sum(1 for e in report.entries if e.kind is Loss.LABEL_LOWERED)
    if lowered and not opts.allow_label_loss:
        return Outcome(
            report,
            errors.CONVERSION_LOSSY_STRICT,
            f"{name}: {writer.name} cannot carry every security label ({lowered} label-lowered entries): nothing "
            "written; --allow-label-loss writes it anyway, the output to be protected at the labels' level",
        )
    if opts.strict and report.losses:
        return Outcome(
            report,
            errors.CONVERSION_LOSSY_STRICT,
            f"{name}: --strict and the conversion would lose or alter data ({len(report.losses)} entries)",
        )
    return Outcome(report)


def convert_file(
    src: str, dst: str, opts: Options, tick: Callable[..., None] | None = None, *, by_bytes: bool = False
) -> Outcome:
    """Convert ``src`` into a temporary file beside ``dst`` (returned in ``Outcome.temp`` on success only).

    ``tick`` is called once per record written, for a progress bar in a single process: with no argument, or with
    ``by_bytes`` the number of bytes of ``src`` read since its last call.
    """
    src_path, dst_path = Path(src), Path(dst)
    try:
        source = src_path.open("rb")
    except OSError as exc:
        return Outcome(ConversionReport(source=src), errors.INPUT_UNREADABLE, f"cannot read {src}: {exc.strerror}")
    if tick is not None and by_bytes:
        tick = _bytes_read(source, tick)
    temp = ""
    try:
        dst_path.parent.mkdir(parents=True, exist_ok=True)
        with temp_beside(dst_path) as (fd, temp):  # an interrupt from here on removes the temporary file
            outcome = _convert_into(source, fd, src_path, dst, opts, tick)
    except OSError as exc:  # the temporary file could not be made (failures after that are outcomes)
        source.close()
        return Outcome(
            ConversionReport(source=src), errors.OUTPUT_UNWRITABLE, f"cannot write in {dst_path.parent}: {exc.strerror}"
        )
    outcome.report.source = src
    if outcome.status == errors.OK:
        outcome.temp = temp
    else:
        Path(temp).unlink(missing_ok=True)
    return outcome


def _convert_into(
    source: IO[bytes], fd: int, src_path: Path, dst: str, opts: Options, tick: Callable[[], None] | None
) -> Outcome:
    """Convert ``source`` into the open temporary file ``fd``; every OSError becomes the outcome's status."""
    src = str(src_path)
    try:
        with source, os.fdopen(fd, "wb") as target:
            try:
                outcome = convert_stream(source, src_path.name, src_path, target, opts, tick)
            except OSError as exc:
                outcome = Outcome(ConversionReport(source=src), errors.INPUT_UNREADABLE, f"cannot read {src}: {exc}")
            if outcome.status == errors.OK:
                try:
                    target.flush()
                except OSError as exc:
                    outcome.status = errors.OUTPUT_UNWRITABLE
                    outcome.message = f"cannot write {dst}: {exc.strerror or exc}"
    except OSError as exc:  # closing (flushing) the temporary file failed
        outcome = Outcome(ConversionReport(source=src), errors.OUTPUT_UNWRITABLE, f"cannot write {dst}: {exc}")
    return outcome


def _commit(temp: str, dst: Path) -> str:
    try:
        Path(temp).chmod(_umask_mode())
        Path(temp).replace(dst)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        return f"cannot write {dst}: {exc.strerror}"
    return ""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in its folder; FatalError OUTPUT_UNWRITABLE on failure.

    A device or FIFO (``/dev/null``) is written in place, never replaced by a file."""
    if _is_special(path):
        _write_in_place(path, data)
        return
    temp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp_beside(path) as (fd, temp):  # removed on any exception, an interrupt included
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


@dataclass
class ConversionResult:
    """What ``convert`` did: one report per input (in input order), the outputs written, and the exit status.

    ``status`` is ``errors.OK`` when every input converted; otherwise ``problems`` holds one message per failed
    input (and, when ``strict`` stopped a batch, a last line saying nothing was written).
    """

    reports: list[ConversionReport]
    outputs: list[Path] = field(default_factory=list)
    status: int = errors.OK
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every input converted and every output was written."""
        return self.status == errors.OK


def _bytes_read(source: Any, advance: Callable[[int], None]) -> Callable[[], None]:
    """A per-record tick that gives ``advance`` the bytes of ``source`` read since the last record."""
    done = 0

    def tick() -> None:
        nonlocal done
        try:
            position = source.tell()
        except (OSError, ValueError):
            return
        if position > done:
            advance(position - done)
            done = position

    return tick


@contextlib.contextmanager
def _no_progress(total: int | None, label: str, unit: str = "") -> Iterator[Tick | None]:
    yield None


def convert(
    source: str | Path,
    target: str | Path,
    *,
    to: str,
    source_format: str | None = None,
    strict: bool = False,
    cin_year: int | None = None,
    jobs: int | None = None,
    progress: ProgressFactory | None = None,
    limits: Limits | None = None,
    allow_label_loss: bool = False,
) -> ConversionResult:
    """Convert ``source`` into the format ``to`` at ``target``.

    ``source`` is a file, a folder (every file below it whose name the source format claims, or any readable
    format's when ``source_format`` is None; ``target`` is then a folder mirroring the relative paths, with the
    target format's first extension) or ``"-"`` for standard input; ``target`` is a file, a folder or ``"-"`` for
    standard output. ``source_format`` None detects the format of each input from its content. ``cin_year`` is
    passed to formats that have that option. ``jobs`` worker processes (None: as ``dastandard._parallel``'s
    ``default_jobs``) convert the files of a folder at once, or build the records of one input for a reader that
    can. ``limits`` bounds what is read of each input (None: the catalog defaults of DA0005).
    ``allow_label_loss`` writes an output even when it cannot carry a security label of its input (otherwise such a
    conversion is ``CONVERSION_LOSSY_STRICT``; see ``dastandard.convert.labels``). See the module docstring for what
    raises and what is a status.
    """
    source_text, target_text = str(source), str(target)
    workers = jobs or default_jobs([source_text])
    opts = Options(source_format, to, strict, cin_year, workers, limits or default_limits(), allow_label_loss)
    show = progress or _no_progress
    try:
        to_fmt = get_format(to)
    except RegistryError as exc:
        errors.fatal(str(exc), errors.UNKNOWN_FORMAT)
    if not to_fmt.can_write:
        errors.fatal(f"format {to!r} cannot be written", errors.UNKNOWN_FORMAT)
    src = Path(source_text)
    if source_text != STDIO and not src.exists():
        errors.fatal(f"cannot read {source_text}: no such file or folder", errors.INPUT_UNREADABLE)
    if source_text != STDIO and src.is_dir():
        return _convert_folder(src, Path(target_text), opts, to_fmt, workers, show)
    if STDIO in (source_text, target_text) or _is_special(Path(target_text)):
        return _convert_in_memory(source_text, target_text, opts, show)
    dst = Path(target_text)
    if dst.is_dir():
        errors.fatal(
            f"{target_text} is a folder; give a file name (a folder output needs a folder INPUT)", errors.USAGE
        )
    size = _file_size(src)
    with show(None, src.name) if size is None else show(size, src.name, unit="bytes") as tick:
        outcome = convert_file(str(src), str(dst), opts, tick, by_bytes=size is not None)
    return _finish([outcome], [dst])


def _file_size(path: Path) -> int | None:
    """The size of a regular file (the total of a progress bar in bytes read), else None."""
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def _is_special(target: Path) -> bool:
    """True for an existing target that is not a regular file or a folder (a device such as /dev/null, a FIFO):
    it is written in place once the conversion succeeded, never replaced by a file beside it."""
    try:
        return target.exists() and not target.is_file() and not target.is_dir()
    except OSError:
        return False


def _write_in_place(target: Path, data: bytes) -> None:
    try:
        with target.open("wb") as handle:
            handle.write(data)
    except OSError as exc:
        errors.fatal(f"cannot write {target}: {exc.strerror or exc}", errors.OUTPUT_UNWRITABLE)


def _convert_in_memory(source: str, target: str, opts: Options, show: ProgressFactory) -> ConversionResult:
    name = "<stdin>" if source == STDIO else Path(source).name
    limits = opts.limits or default_limits()
    try:
        if source == STDIO:
            data = sys.stdin.buffer.read(limits.max_file_bytes + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        errors.fatal(f"cannot read {source}: {exc.strerror}", errors.INPUT_UNREADABLE)
    if len(data) > limits.max_file_bytes:
        errors.fatal(
            f"{name}: the input is over the limit of {limits.max_file_bytes} bytes (DA0005)", errors.CONVERSION_FAILED
        )
    path = None if source == STDIO else Path(source)
    buffer = io.BytesIO()
    with show(None, name) as tick:
        outcome = convert_stream(io.BytesIO(data), name, path, buffer, opts, tick)
    outputs: list[Path] = []
    if outcome.status == errors.OK:
        if target == STDIO:
            try:
                sys.stdout.buffer.write(buffer.getvalue())
                sys.stdout.buffer.flush()
            except OSError as exc:
                errors.fatal(f"cannot write standard output: {exc.strerror or exc}", errors.OUTPUT_UNWRITABLE)
        elif _is_special(Path(target)):
            _write_in_place(Path(target), buffer.getvalue())
            outputs.append(Path(target))
        else:
            write_atomic(Path(target), buffer.getvalue())
            outputs.append(Path(target))
    result = _finish([outcome], [])
    result.outputs = outputs
    return result


def _convert_folder(
    src: Path, dst: Path, opts: Options, to_fmt: Format, jobs: int, show: ProgressFactory
) -> ConversionResult:
    if dst.exists() and not dst.is_dir():
        errors.fatal(f"{dst} is a file; a folder INPUT needs a folder OUTPUT", errors.USAGE)
    files = _batch_inputs(src, opts)
    if not files:
        errors.fatal(f"no convertible files in {src}", errors.INPUT_UNREADABLE)
    targets = [dst / _output_name(f.relative_to(src), to_fmt) for f in files]
    outcomes: list[Outcome] = []
    with show(len(files), f"converting {len(files)} files") as tick:
        if jobs > 1 and len(files) > 1:
            one_each = dataclasses.replace(opts, jobs=1)  # the files share the workers; none starts its own
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_signals)
            futures: list[Future[Outcome]] = []
            try:  # submitting is inside: an interrupt that arrives while workers start must stop them too
                for f, t in zip(files, targets, strict=True):
                    futures.append(pool.submit(convert_file, str(f), str(t), one_each))
                for future in futures:
                    outcomes.append(future.result())
                    if tick:
                        tick()
            except BaseException:
                _abandon(pool, futures)
                raise
            pool.shutdown()
        else:
            try:
                for f, t in zip(files, targets, strict=True):
                    outcomes.append(convert_file(str(f), str(t), opts))
                    if tick:
                        tick()
            except BaseException:
                _discard(outcomes)
                raise
    return _finish(outcomes, targets)


def _worker_signals() -> None:
    """In a folder worker: Ctrl-C is left to the main process (which stops the workers), and SIGTERM ends the
    worker quietly after its conversion removed its temporary file (SystemExit unwinds through ``convert_file``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _discard(outcomes: Iterable[Outcome]) -> None:
    """Remove the temporary files of finished but uncommitted conversions."""
    for outcome in outcomes:
        if outcome.temp:
            Path(outcome.temp).unlink(missing_ok=True)


def _abandon(pool: ProcessPoolExecutor, futures: list[Future[Outcome]]) -> None:
    """After an interrupt: cancel what has not started, stop the running conversions (SIGTERM, which a worker
    turns into SystemExit after removing its temporary file: ``_worker_signals``), wait for the workers and remove
    the temporary files of conversions that finished but were not committed."""
    workers = list(getattr(pool, "_processes", None) or {})  # pids; the executor has no public way to stop them
    for future in futures:
        future.cancel()
    for pid in workers:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    pool.shutdown(wait=True, cancel_futures=True)
    done = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
    _discard(done)


def _finish(outcomes: list[Outcome], targets: list[Path]) -> ConversionResult:
    """Commit the outputs (all or, under strict, none) and work out the run's status and messages."""
    strict_failed = any(o.status == errors.CONVERSION_LOSSY_STRICT for o in outcomes)
    written: list[Path] = []
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
        else:
            written.append(target)
    result = ConversionResult([o.report for o in outcomes], written)
    failed = [o for o in outcomes if o.status != errors.OK]
    if not failed:
        return result
    result.status = min(
        (o.status for o in failed),
        key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else len(_STATUS_ORDER),
    )
    result.problems = [o.message for o in failed if o.message]
    if strict_failed and len(outcomes) > 1:
        result.problems.append("--strict: no output was written")
    return result
