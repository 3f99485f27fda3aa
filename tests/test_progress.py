"""Progress is reported per record (validate) and per case (generate), and never on a pipe unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dastandard.cli import cli
from dastandard.commands.validate import stream
from dastandard.config import DEFAULT_SETTINGS
from dastandard.generate import write_dataset

ROOT = Path(__file__).resolve().parents[1] / "examples"


def test_validate_ticks_once_per_record_with_the_findings_so_far() -> None:
    ticks: list[int] = []
    findings, _ = stream([str(ROOT / "police-csv" / "notification.csv")], DEFAULT_SETTINGS, None, 1, ticks.append)
    total = sum(1 for _ in findings)
    assert len(ticks) == 2  # two incidents, two case Bundles
    assert ticks == sorted(ticks) and ticks[-1] <= total


@pytest.mark.parametrize("fmt", ["ndjson", "logical", "fhir-json", "cin-census", "police-csv"])
def test_generate_reports_every_case(fmt: str, tmp_path: Path) -> None:
    ticks: list[int] = []
    assert write_dataset(tmp_path / f"out.{fmt}", fmt, count=5, progress=ticks.append) == 5
    assert sum(ticks) == 5


def test_no_progress_on_a_pipe_and_none_when_turned_off(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", str(tmp_path / "a.ndjson"), "--count", "3"])
    assert result.exit_code == 0 and "generating cases" not in result.output
    result = CliRunner().invoke(cli, ["validate", "--no-progress", "-q", str(ROOT / "police-csv" / "notification.csv")])
    assert result.exit_code in (0, 1) and result.output.startswith("Summary") and "validating" not in result.output


def test_report_and_validate_take_the_same_formats(tmp_path: Path) -> None:
    police = str(ROOT / "police-csv" / "notification.csv")
    result = CliRunner().invoke(cli, ["report", "--format", "police-csv", police, "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "r-pages").glob("*.html"))
    assert "Police person id P102" in pages and "notification.csv, rows 2-5" in pages
    for args in (["report", "-o", str(tmp_path / "x.html")], ["validate"]):
        bad = CliRunner().invoke(cli, [*args, "--format", "no-such", police])
        assert bad.exit_code == 2 and "cin-census" in bad.output


@pytest.mark.parametrize("fmt", ["cin-census", "police-csv", "ndjson"])
def test_convert_of_one_file_counts_the_bytes_read_against_its_size(fmt: str, tmp_path: Path) -> None:
    import contextlib
    from collections.abc import Iterator
    from typing import Any

    import dastandard

    source = tmp_path / f"in.{'xml' if fmt == 'cin-census' else 'csv' if fmt == 'police-csv' else 'ndjson'}"
    write_dataset(source, fmt, count=40)
    calls: list[tuple[int | None, str, str]] = []
    ticks: list[int] = []

    @contextlib.contextmanager
    def factory(total: int | None, label: str, unit: str = "") -> Iterator[Any]:
        calls.append((total, label, unit))
        yield ticks.append

    target = tmp_path / "out.ndjson"
    result = dastandard.convert(source, target, to="ndjson", jobs=1, progress=factory)
    assert result.ok
    size = source.stat().st_size
    assert calls == [(size, source.name, "bytes")]  # a known total: the bar is determinate
    assert ticks and all(n > 0 for n in ticks)
    assert sum(ticks) <= size
    assert len(ticks) <= sum(1 for line in target.read_bytes().splitlines() if line.strip())


def test_convert_tells_how_many_came_in_and_went_out(tmp_path: Path) -> None:
    source = tmp_path / "in.xml"
    write_dataset(source, "cin-census", count=3)
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "ndjson", "-o", str(tmp_path / "out.ndjson")])
    assert result.exit_code == 0, result.output
    assert "3 children in, 3 case Bundles out" in result.output
    assert "converting" not in result.output  # not a terminal: no progress
