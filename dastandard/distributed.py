"""Validation past one machine: a partitioned NDJSON dataset checked with Dask.

Each partition (one file, or with ``blocksize`` a byte range of a file cut at line ends) is checked on a worker
by the engine's own per-record core (``engine.check_unit``: syntax, structure, profile and practice layers), which
returns findings and the compact per-record summaries of ``dastandard.validation.returns``. The driver runs the
return-level checks (``ReturnChecks``) over those summaries, in input order, so the findings are those of
``dastandard.validation.validate(files, input_format="ndjson")``: same rule, file, record, line and path, in the
same order. Every input is read as NDJSON (one Bundle or logical record per line).

Memory: a worker holds one line at a time plus the findings and summaries of its partition; the driver holds the
results of at most ``window`` partitions and the return-level keys (see ``returns``).

Dask (``pip install 'dastandard[dask]'``) is imported only when ``validate_partitions`` runs; importing this module
does not need it. Error policy: as the engine, bad input never raises (unreadable files are DA0001, empty ones
DA0002, over-long lines DA0005, a fault inside a check DA0900); ``validate_partitions`` raises ImportError when
Dask is missing, ValueError for a ``blocksize`` or ``window`` below 1, and whatever the scheduler raises when a
worker is lost.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path
from typing import IO, Any

from dastandard.config import DEFAULT_SETTINGS, Settings
from dastandard.fhir.detect import HEAD_BYTES
from dastandard.findings import Finding
from dastandard.validation import engine
from dastandard.validation.inputs import walk_inputs
from dastandard.validation.units import Emitter, Unit

__all__ = ["Partition", "PartitionResult", "check_partition", "find_partitions", "validate_partitions"]

_READ = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Partition:
    """Bytes ``start`` .. ``end`` (None: to the end) of ``file``; ``first_line`` is the 1-based line at ``start``."""

    file: str
    start: int = 0
    end: int | None = None
    first_line: int = 1


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """What a worker sends back: the partition's findings in order, its record summaries and its line count."""

    findings: tuple[Finding, ...]
    summaries: tuple[Any, ...]  # returns.RecordSummary
    lines: int
    names: dict[tuple[str, int | None], tuple[str, str]] = field(default_factory=dict)  # Subjects.names()


def _expand(paths_or_glob: str | Path | Sequence[str | Path]) -> list[str]:
    """Input labels in order: a glob pattern expands (sorted), a folder is walked (sorted, hidden entries skipped)."""
    items = [paths_or_glob] if isinstance(paths_or_glob, str | Path) else list(paths_or_glob)
    out: list[str] = []
    for item in items:
        text = str(item)
        if glob.has_magic(text):
            out.extend(sorted(glob.glob(text)))  # noqa: PTH207 - absolute patterns; Path.glob takes relative ones
        elif Path(text).is_dir():
            out.extend(str(p) for p in walk_inputs(Path(text)))
        else:
            out.append(text)
    return out


def _boundaries(file: str, blocksize: int) -> list[int]:
    """Start offsets of the partitions of ``file``: 0, then the first line start at or after each block."""
    try:
        with Path(file).open("rb") as handle:
            return _cuts(handle, Path(file).stat().st_size, blocksize)
    except OSError:
        return [0]  # reported as unreadable by the worker


def _cuts(handle: IO[bytes], size: int, blocksize: int) -> list[int]:
    starts = [0]
    for offset in range(blocksize, size, blocksize):
        if offset <= starts[-1]:
            continue  # inside a line that began before this block
        handle.seek(offset - 1)
        line_start = -1
        while line_start < 0:
            chunk = handle.read(_READ)
            if not chunk:
                return starts
            cut = chunk.find(b"\n")
            if cut >= 0:
                line_start = handle.tell() - len(chunk) + cut + 1
        if line_start >= size:
            break
        starts.append(line_start)
    return starts


def _count_lines(part: Partition) -> int:
    """Newlines in the partition's byte range (0 when the file cannot be read)."""
    count = 0
    try:
        with Path(part.file).open("rb") as handle:
            handle.seek(part.start)
            left = None if part.end is None else part.end - part.start
            while left is None or left > 0:
                chunk = handle.read(_READ if left is None else min(_READ, left))
                if not chunk:
                    break
                count += chunk.count(b"\n")
                if left is not None:
                    left -= len(chunk)
    except OSError:
        return count
    return count


def find_partitions(
    paths_or_glob: str | Path | Sequence[str | Path], *, blocksize: int | None = None
) -> list[Partition]:
    """The partitions of the inputs, in input order, without line numbers (``first_line`` 1 for each).

    Without ``blocksize`` each file is one partition. With it, a file is cut at the first line end after every
    ``blocksize`` bytes (only the bytes around each cut are read here).
    """
    if blocksize is not None and blocksize < 1:
        raise ValueError(f"blocksize must be at least 1, got {blocksize}")
    parts: list[Partition] = []
    for file in _expand(paths_or_glob):
        if blocksize is None:
            parts.append(Partition(file))
            continue
        starts = _boundaries(file, blocksize)
        ends: list[int | None] = [*starts[1:], None]
        parts.extend(Partition(file, s, e) for s, e in zip(starts, ends, strict=True))
    return parts


def _range_lines(handle: IO[bytes], part: Partition, max_record: int) -> Iterator[bytes | None]:
    """The lines of the partition (without their newline); an over-long line is ``None`` and is skipped."""
    handle.seek(part.start)
    position = part.start
    while part.end is None or position < part.end:
        line = handle.readline(max_record + 2)
        if not line:
            return
        position += len(line)
        if line.endswith(b"\n"):
            line = line[:-1]
        elif len(line) > max_record:
            while True:  # skip the rest of the over-long line
                rest = handle.readline(_READ)
                position += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield None if len(line) > max_record else line


def _max_record(settings: Settings) -> int:
    """The configured ``DA0005`` ``max_record_bytes``; an unusable configured value falls back to the catalog's
    default (the one place the limit is defined)."""
    try:
        return int(settings.param("DA0005", "max_record_bytes"))
    except (KeyError, TypeError, ValueError):
        return int(DEFAULT_SETTINGS.param("DA0005", "max_record_bytes"))


def check_partition(
    part: Partition, settings: Settings = DEFAULT_SETTINGS, want_summary: bool = True
) -> PartitionResult:
    """Check every NDJSON line of one partition as the engine does; never raises on bad input."""
    try:
        with Path(part.file).open("rb") as handle:
            return _check_open(handle, part, settings, want_summary)
    except OSError as exc:
        findings: list[Finding] = []
        if part.start == 0:
            emitter = Emitter(settings, None, part.file, None)
            emitter.add("DA0001", f"cannot open input: {exc.strerror or exc}")
            findings = emitter.findings
        return PartitionResult(tuple(findings), (), 0)


def _check_open(handle: IO[bytes], part: Partition, settings: Settings, want_summary: bool) -> PartitionResult:
    findings: list[Finding] = []
    summaries: list[Any] = []
    if not handle.read(HEAD_BYTES).strip():  # as validation: an input whose head is blank is empty
        if part.start == 0:
            emitter = Emitter(settings, None, part.file, None)
            emitter.add("DA0002", "the input is empty", line=1, column=1)
            findings.extend(emitter.findings)
        return PartitionResult(tuple(findings), (), 0)
    from dastandard.htmlreport.digest import digest_record
    from dastandard.validation.subjects import Subjects

    subjects = Subjects()
    max_record = _max_record(settings)
    lines = 0
    for line_no, line in enumerate(_range_lines(handle, part, max_record), start=part.first_line):
        lines += 1
        if line is None:
            emitter = Emitter(settings, None, part.file, line_no)
            emitter.add("DA0005", f"NDJSON line is over the limit of {max_record} bytes", line=line_no, column=1)
            findings.extend(emitter.findings)
        elif line.strip():
            unit = Unit(part.file, line_no, line_no, line.rstrip(b"\r"), "ndjson-line")
            result = engine.check_unit(unit, settings, want_summary, digest_record)
            subjects.on_digest(result.digest)
            findings.extend(subjects.annotate(f) for f in result.findings)
            if result.summary is not None:
                summaries.append(result.summary)
    return PartitionResult(tuple(findings), tuple(summaries), lines, subjects.names())


def _check_partitions(parts: list[Partition], settings: Settings) -> list[PartitionResult]:
    return [check_partition(part, settings) for part in parts]


def _counts(parts: list[Partition]) -> list[int]:
    return [_count_lines(part) for part in parts]


def _numbered(parts: list[Partition], counts: Sequence[int]) -> list[Partition]:
    """``parts`` with ``first_line`` set from the newline counts of the earlier partitions of the same file."""
    out: list[Partition] = []
    for n, part in enumerate(parts):
        if n and part.start > 0 and parts[n - 1].file == part.file:
            part = replace(part, first_line=out[-1].first_line + counts[n - 1])
        out.append(part)
    return out


def validate_partitions(
    paths_or_glob: str | Path | Sequence[str | Path],
    *,
    settings: Settings | None = None,
    scheduler: Any = None,
    blocksize: int | None = None,
    window: int = 64,
) -> list[Finding]:
    """Validate a partitioned NDJSON dataset with Dask; the findings equal single-machine validation's.

    ``paths_or_glob``: files, folders or glob patterns (expanded in sorted order). ``scheduler`` is passed to
    ``dask.compute`` (None: the active ``distributed.Client`` if there is one, else Dask's default for bags);
    ``blocksize`` cuts large files into byte ranges (a first, cheap pass counts each range's lines so record
    numbers stay exact); ``window`` is how many partitions' results the driver holds at once.
    """
    return list(
        iter_validate_partitions(
            paths_or_glob, settings=settings, scheduler=scheduler, blocksize=blocksize, window=window
        )
    )


def iter_validate_partitions(
    paths_or_glob: str | Path | Sequence[str | Path],
    *,
    settings: Settings | None = None,
    scheduler: Any = None,
    blocksize: int | None = None,
    window: int = 64,
) -> Iterator[Finding]:
    """As ``validate_partitions``, yielding findings partition by partition; return-level findings come last."""
    try:
        dask: Any = import_module("dask")
        db: Any = import_module("dask.bag")
    except ImportError as exc:
        raise ImportError("validate_partitions needs Dask: pip install 'dastandard[dask]'") from exc
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    settings = settings or DEFAULT_SETTINGS
    parts = find_partitions(paths_or_glob, blocksize=blocksize)
    if not parts:
        return
    if blocksize is not None and any(p.start > 0 for p in parts):
        counts_bag = db.from_sequence(parts, npartitions=len(parts)).map_partitions(_counts)
        counts = dask.compute(counts_bag, scheduler=scheduler)[0]
        parts = _numbered(parts, counts)

    from dastandard.validation import returns
    from dastandard.validation.subjects import Subjects

    subjects = Subjects()  # names the return-level findings after the records they point at
    checks = returns.ReturnChecks(settings)
    bag = db.from_sequence(parts, npartitions=len(parts)).map_partitions(_check_partitions, settings)
    delayed = bag.to_delayed()
    for begin in range(0, len(delayed), window):
        computed = dask.compute(*delayed[begin : begin + window], scheduler=scheduler)
        for results in computed:
            for result in results:
                yield from result.findings
                subjects.add_names(result.names)
                for summary in result.summaries:
                    try:
                        checks.add(summary)
                    except Exception as exc:
                        emitter = Emitter(settings, None, "", None)
                        emitter.add("DA0900", f"internal error in the return checks: {type(exc).__name__}: {exc}")
                        yield from emitter.findings
    emitter = Emitter(settings, None, "", None)
    try:
        for finding in checks.finish():
            emitter.external(finding)
    except Exception as exc:  # as the engine: a fault in the return checks is a finding, not a crash
        emitter.add("DA0900", f"internal error in the return checks: {type(exc).__name__}: {exc}")
    yield from (subjects.annotate(f) for f in emitter.findings)
