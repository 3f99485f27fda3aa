"""Reading inputs into records to check: files, folders, standard input, NDJSON line by line.

Inputs are read lazily: files one at a time, NDJSON line by line (never more than one line and one read chunk in
memory), folders walked in sorted order (hidden entries skipped, and a FHIR package's own metadata: see
``walk_inputs``). The format of each input is decided by
``dastandard.fhir.detect.detect_shape``, the detector conversion uses too, unless the caller names it. Problems
reading an input (unreadable, empty, undetectable, over a size limit) become syntax findings with a location;
nothing raises.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from dastandard.config import Settings
from dastandard.fhir.detect import HEAD_BYTES, detect_shape
from dastandard.fhir.ndjson import bounded_lines
from dastandard.findings import Finding
from dastandard.limits import Limits
from dastandard.validation.units import Emitter, Unit

STDIN = "-"
STDIN_LABEL = "<stdin>"
# What validation calls each container shape of dastandard.fhir.detect ("json" is FHIR JSON or a logical record,
# told apart once parsed).
_FORMAT_OF_SHAPE: dict[str | None, str] = {"json": "json", "ndjson": "ndjson", "xml": "fhir-xml"}


def iter_units(
    inputs: Sequence[str | Path], settings: Settings, input_format: str | None, files: list[str] | None = None
) -> Iterator[Unit | list[Finding]]:
    """Yield each record to check, or a list of input-level findings, in input order.

    The label of every file opened is appended to ``files`` when it is given.
    """
    seen = files if files is not None else []
    for item in inputs:
        if str(item) == STDIN:
            seen.append(STDIN_LABEL)
            yield from _read_stream(STDIN_LABEL, sys.stdin.buffer, settings, input_format, size=None)
            continue
        path = Path(item)
        if path.is_dir():
            for file in walk_inputs(path):
                seen.append(str(file))
                yield from _read_file(file, settings, input_format)
        else:
            seen.append(str(path))
            yield from _read_file(path, settings, input_format)


PACKAGE_MANIFEST = "package.json"
"""The manifest of a FHIR NPM package (and of the standard's own ``profiles/`` folder)."""
PACKAGE_OTHER = "other"
"""The folder in which a FHIR package keeps files that are not FHIR resources."""


def walk_inputs(root: Path, *, in_package: bool = False) -> Iterator[Path]:
    """Every file below ``root`` in sorted order, hidden entries and symlinked folders skipped.

    A folder holding a ``package.json`` is laid out as a FHIR package: that manifest, and any ``other/`` folder in
    it or below it, are the package's own metadata, not resources, and are left out (``.index.json`` is hidden
    anyway). A file named on the command line is always read, whatever its name.
    """
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    in_package = in_package or any(e.name == PACKAGE_MANIFEST and e.is_file() for e in entries)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if not (in_package and entry.name == PACKAGE_OTHER):
                yield from walk_inputs(Path(entry.path), in_package=in_package)
        elif entry.is_file() and not (in_package and entry.name == PACKAGE_MANIFEST):
            yield Path(entry.path)


def _read_file(path: Path, settings: Settings, input_format: str | None) -> Iterator[Unit | list[Finding]]:
    label = str(path)
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        emitter = Emitter(settings, None, label, None)
        emitter.add("DA0001", f"cannot open input: {exc.strerror or exc}")
        yield emitter.findings
        return
    with handle:
        yield from _read_stream(label, handle, settings, input_format, size=size, path=path)


def _read_stream(
    label: str,
    handle: IO[bytes],
    settings: Settings,
    input_format: str | None,
    size: int | None,
    path: Path | None = None,
) -> Iterator[Unit | list[Finding]]:
    emitter = Emitter(settings, None, label, None)
    limits = Limits.from_params(settings.param)
    max_file, max_record = limits.max_file_bytes, limits.max_record_bytes
    try:
        head = handle.read(HEAD_BYTES)
    except OSError as exc:
        emitter.add("DA0001", f"cannot read input: {exc.strerror or exc}")
        yield emitter.findings
        return
    if not head.strip():
        emitter.add("DA0002", "the input is empty", line=1, column=1)
        yield emitter.findings
        return
    fmt = input_format or _FORMAT_OF_SHAPE.get(detect_shape(head, path))
    if fmt is None:
        emitter.add(
            "DA0006",
            "the input format could not be detected (expected FHIR JSON, FHIR XML or NDJSON)",
            line=1,
            column=1,
        )
        yield emitter.findings
        return
    if fmt == "ndjson":
        yield from _ndjson_units(label, head, handle, settings, max_record)
        return
    if size is not None and size > max_file:
        emitter.add("DA0005", f"the input is {size} bytes, over the limit of {max_file} bytes", line=1, column=1)
        yield emitter.findings
        return
    try:
        rest = handle.read(max_file + 1 - len(head)) if len(head) <= max_file else b""
    except OSError as exc:
        emitter.add("DA0001", f"cannot read input: {exc.strerror or exc}")
        yield emitter.findings
        return
    data = head + rest
    if len(data) > max_file:
        emitter.add("DA0005", f"the input is over the limit of {max_file} bytes", line=1, column=1)
        yield emitter.findings
        return
    yield Unit(label, None, 1, data, "json" if fmt in ("fhir-json", "json") else fmt)


def _ndjson_units(
    label: str, head: bytes, handle: IO[bytes], settings: Settings, max_record: int
) -> Iterator[Unit | list[Finding]]:
    for line_no, line in enumerate(bounded_lines(head, handle, max_record), start=1):
        if line is None:
            emitter = Emitter(settings, None, label, line_no)
            emitter.add("DA0005", f"NDJSON line is over the limit of {max_record} bytes", line=line_no, column=1)
            yield emitter.findings
        elif line.strip():
            yield Unit(label, line_no, line_no, line.rstrip(b"\r"), "ndjson-line")
