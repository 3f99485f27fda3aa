"""Streaming validation: NDJSON records made on the fly and read from standard input are checked in bounded
memory and reported before the input ends; ``jobs=2`` reports exactly what ``jobs=1`` does, in the same order."""

from __future__ import annotations

import io
import itertools
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

import dastandard.validation.engine as engine
from dastandard.generate import case_line, case_record
from dastandard.validation import iter_findings


def _line(i: int) -> bytes:
    """A small Patient whose birthDate has month 13: one structure finding per record, some padding."""
    resource = {
        "resourceType": "Patient",
        "id": f"p{i}",
        "birthDate": f"2015-13-0{1 + i % 9}",
        "gender": "female",
        "name": [{"text": "x" * 600}],
    }
    return orjson.dumps(resource) + b"\n"


class LineSource(io.RawIOBase):
    """A readable byte stream over lines produced on demand (``count`` None: without end)."""

    def __init__(self, count: int | None) -> None:
        self._lines: Iterator[bytes] = map(_line, itertools.count() if count is None else range(count))
        self._pending = b""
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer):
            line = next(self._lines, None)
            if line is None:
                break
            self.produced += 1
            self._pending += line
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _stdin(monkeypatch: pytest.MonkeyPatch, source: LineSource) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(source)))


def _peak(monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[int, int]:
    """(findings, peak traced bytes) for ``count`` generated records validated from standard input."""
    _stdin(monkeypatch, LineSource(count))
    tracemalloc.start()
    try:
        findings = sum(1 for _ in iter_findings(["-"]))
        return findings, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_records(monkeypatch: pytest.MonkeyPatch) -> None:
    _peak(monkeypatch, 5)  # load the standard (catalog, profiles) before measuring
    small_findings, small_peak = _peak(monkeypatch, 200)
    large_findings, large_peak = _peak(monkeypatch, 2000)
    assert small_findings >= 200
    assert large_findings >= 2000
    assert large_findings == small_findings * 10
    # Ten times the records: the peak stays that of a read buffer and one record, not ten times more.
    assert large_peak < small_peak * 1.25 + 64 * 1024, (small_peak, large_peak)


def test_findings_arrive_before_an_endless_input_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    source = LineSource(None)
    _stdin(monkeypatch, source)
    first = list(itertools.islice(iter_findings(["-"]), 50))
    assert [f.record for f in first] == list(range(1, 51))
    assert {f.file for f in first} == {"<stdin>"}
    assert all(f.rule_id.startswith("DA1") for f in first)
    # Only about one read buffer of lines ahead of the last reported record has been produced.
    assert source.produced < 50 + 300


@pytest.fixture(scope="module")
def flawed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated cases with every flaw, lines that are not records, and a repeat of a person across cases."""
    lines = [case_line(9, n, "ndjson", flaws) for n, flaws in enumerate([(), ("child-not-spoken-with",)] * 4)]
    lines.insert(3, b"{not json\n")
    lines.insert(5, b"\n")
    lines.insert(6, b"[1, 2]\n")
    repeat = next(n for n in itertools.count(20) if len(case_record(9, n)["incidents"]) > 1)
    lines.append(case_line(9, repeat, "ndjson", ("missing-characteristic", "unlinked-repeat-incident")))
    lines.append(lines[0])  # the same case twice: return-level checks see its persons again
    path = tmp_path_factory.mktemp("stream") / "flawed.ndjson"
    path.write_bytes(b"".join(lines))
    return path


def test_two_jobs_report_exactly_what_one_does(flawed_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_BATCH_UNITS", 2)  # several batches in flight across both workers
    one = list(iter_findings([flawed_file], jobs=1))
    two = list(iter_findings([flawed_file], jobs=2))
    assert two == one
    rules = {f.rule_id for f in one}
    assert {"DA0010", "DA0011", "DA3202", "DA3301", "DA3106"} <= rules
    records = [f.record for f in one if f.record is not None and f.layer.value != "return"]
    assert records == sorted(records)
