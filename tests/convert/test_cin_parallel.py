"""Reading a CIN census return with worker processes gives exactly what one process gives: the same lines in the
same order and the same report, whatever the return holds (flaws, unknown elements, repeated ids, a cut-off
document)."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from dastandard import _parallel
from dastandard.cli import cli
from dastandard.convert import cin_census
from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.cin_census import CinCensusFormat
from dastandard.convert.fhir_formats import ndjson_line
from dastandard.generate import write_dataset

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "examples" / "cin-census" / "da-factors.xml").read_bytes()


def _flawed_return() -> bytes:
    """The example return, its Children repeated and salted with what the reader must report."""
    head = EXAMPLE[: EXAMPLE.index(b"<Children>")]
    children = EXAMPLE[EXAMPLE.index(b"<Children>") + len(b"<Children>") : EXAMPLE.index(b"</Children>")]
    flawed = (
        children.replace(b"<Ethnicity>WROM</Ethnicity>", b"<Ethnicity>NOPE</Ethnicity>")
        .replace(b"<ReferralSource>6</ReferralSource>", b"<ReferralSource>6</ReferralSource>stray")
        .replace(b"</ChildIdentifiers>", b"<ShoeSize>4</ShoeSize></ChildIdentifiers>", 1)
        .replace(b"<PersonBirthDate>2016-02-11", b"<PersonBirthDate>2016-02-31")
    )
    body = b"".join(
        (flawed if n % 3 == 0 else children) + (b"<Unexpected><Inner>x</Inner></Unexpected>" if n % 7 == 0 else b"")
        for n in range(40)
    )
    # one Child whose first ChildIdentifiers has no LAchildID: the id the walk finds is '' (not the second's)
    odd = (
        b"<Child><ChildIdentifiers><UPN>A999123456789</UPN></ChildIdentifiers>"
        b"<ChildIdentifiers><LAchildID>EX0001</LAchildID></ChildIdentifiers></Child>"
    )
    return head + b"<Extra>before children</Extra><Children>" + body + odd + b"</Children><Tail>1</Tail></Message>"


def _one_process(data: bytes) -> tuple[list[bytes], ConversionReport]:
    report = ConversionReport()
    lines = [ndjson_line(b) for b in CinCensusFormat().read(io.BytesIO(data), "return.xml", report)]
    return lines, report


def _workers(data: bytes, jobs: int) -> tuple[list[bytes], ConversionReport]:
    report = ConversionReport()
    lines = list(CinCensusFormat().read_encoded(io.BytesIO(data), "return.xml", report, ndjson_line, jobs))
    return lines, report


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 5 Children, so that a small return spans many batches and workers."""
    monkeypatch.setattr(cin_census, "_BATCH_CHILDREN", 5)


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("cut", [None, 0.6])
def test_two_workers_give_the_lines_and_report_of_one_process(cut: float | None) -> None:
    data = _flawed_return()
    if cut is not None:  # a document cut off part-way: reading stops with a report entry
        data = data[: int(len(data) * cut)]
    expected_lines, expected = _one_process(data)
    lines, report = _workers(data, 2)
    assert lines == expected_lines
    assert report.entries == expected.entries
    assert report.records_in == expected.records_in
    kinds = {e.kind for e in report.entries}
    assert {Loss.MAPPED, Loss.UNMAPPED_FIELD, Loss.UNMAPPED_CODE, Loss.INVALID_INPUT} <= kinds
    assert any("more than one Child" in e.message for e in report.entries)
    if cut is not None:
        assert "not well-formed" in report.entries[-1 - sum(e.kind is Loss.MAPPED for e in report.entries)].message
        assert 0 < len(lines) < 81
    else:
        assert len(lines) == 81
        assert any(e.location == "/Message/Tail" for e in report.entries)


def test_one_job_is_the_plain_reader() -> None:
    data = _flawed_return()
    expected_lines, expected = _one_process(data)
    lines, report = _workers(data, 1)
    assert lines == expected_lines and report.entries == expected.entries


def test_a_refused_document_reads_nothing_with_workers() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x "y">]><Message><Children/></Message>'
    lines, report = _workers(data, 2)
    assert lines == [] and "DOCTYPE" in report.entries[0].message


def test_cli_converts_one_return_with_two_workers_as_with_one(tmp_path: Path) -> None:
    src = tmp_path / "return.xml"
    write_dataset(src, "cin-census", count=150, seed=5)
    outputs = []
    for jobs in ("1", "2"):
        dst = tmp_path / f"out-{jobs}.ndjson"
        report = tmp_path / f"report-{jobs}.json"
        args = ["convert", str(src), "--to", "ndjson", "-o", str(dst), "--jobs", jobs, "--report", "json"]
        result = CliRunner().invoke(cli, [*args, "--report-file", str(report)])
        assert result.exit_code == 0, result.output
        outputs.append((dst.read_bytes(), orjson.loads(report.read_bytes())))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") == 150


def test_ordered_map_keeps_order_and_raises_a_worker_error() -> None:
    squares = list(_parallel.ordered_map(pow, ((n, 2) for n in range(50)), 2))
    assert squares == [n * n for n in range(50)]
    with pytest.raises(ZeroDivisionError):
        list(_parallel.ordered_map(divmod, [(1, 1), (1, 0), (2, 1)], 2))


def test_batched_reads_lazily_in_lists() -> None:
    assert list(_parallel.batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(_parallel.batched([], 3)) == []
