"""``dastandard convert`` and ``dastandard formats``: detection, strict mode, atomic output, batch, reports."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import orjson
import pytest

from dastandard import errors
from dastandard.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cin-census" / "da-factors.xml"
SHARED = ROOT.parent / "shared" / "reference" / "cin-census"


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsysbinary.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err.decode()


def test_convert_detects_the_source_and_writes_atomically(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    out = tmp_path / "out.ndjson"
    code, stdout, _ = run(capsysbinary, "convert", str(EXAMPLE), "--to", "ndjson", "-o", str(out))
    assert code == errors.OK
    assert b"cin-census -> ndjson" in stdout
    lines = out.read_bytes().splitlines()
    assert len(lines) == 2 and orjson.loads(lines[0])["resourceType"] == "Bundle"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ndjson"]  # no temporary file left behind


def test_output_is_byte_identical_across_runs(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    for name in ("a.ndjson", "b.ndjson"):
        run(capsysbinary, "convert", str(EXAMPLE), "--to", "ndjson", "-o", str(tmp_path / name))
    assert (tmp_path / "a.ndjson").read_bytes() == (tmp_path / "b.ndjson").read_bytes()


def test_strict_refuses_lossy_conversion_and_writes_nothing(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    out = tmp_path / "out.ndjson"
    code, _, err = run(capsysbinary, "convert", str(EXAMPLE), "--to", "ndjson", "-o", str(out), "--strict")
    assert code == errors.CONVERSION_LOSSY_STRICT
    assert "--strict" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_source_format_lists_candidates(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    src = tmp_path / "mystery.bin"
    src.write_bytes(b"\x00\x01 not a known format")
    code, _, err = run(capsysbinary, "convert", str(src), "--to", "ndjson", "-o", str(tmp_path / "o.ndjson"))
    assert code == errors.UNKNOWN_FORMAT
    assert "use --from" in err and "cin-census" in err
    code, _, err = run(capsysbinary, "convert", str(EXAMPLE), "--to", "nope", "-o", str(tmp_path / "o"))
    assert code == errors.UNKNOWN_FORMAT and "known formats" in err
    assert not (tmp_path / "o.ndjson").exists()


def test_missing_input_and_malformed_input(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = run(capsysbinary, "convert", str(tmp_path / "absent.xml"), "--to", "ndjson", "-o", "x")
    assert code == errors.INPUT_UNREADABLE and "absent.xml" in err
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<?xml version='1.0'?><Message><Children><Child><ChildIdentifiers>")
    code, _, err = run(
        capsysbinary, "convert", str(bad), "--from", "cin-census", "--to", "ndjson", "-o", str(tmp_path / "bad.ndjson")
    )
    assert code == errors.CONVERSION_FAILED and "Traceback" not in err
    assert not (tmp_path / "bad.ndjson").exists()


def test_json_report_file(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    report = tmp_path / "report.json"
    code, stdout, _ = run(
        capsysbinary,
        "convert",
        str(EXAMPLE),
        "--to",
        "ndjson",
        "-o",
        str(tmp_path / "o.ndjson"),
        "--report",
        "json",
        "--report-file",
        str(report),
    )
    assert code == errors.OK and stdout == b""
    data = orjson.loads(report.read_bytes())
    assert data["from"] == "cin-census" and data["records_in"] == 2 and data["records_out"] == 2
    assert {e["kind"] for e in data["entries"]} >= {"mapped", "lossy-code"}


def test_round_trip_through_the_cli_with_cin_year(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    mid, back = tmp_path / "mid.ndjson", tmp_path / "back.xml"
    assert run(capsysbinary, "convert", str(EXAMPLE), "--to", "ndjson", "-o", str(mid))[0] == 0
    assert run(capsysbinary, "convert", str(mid), "--to", "cin-census", "--cin-year", "2023", "-o", str(back))[0] == 0
    text = back.read_text()
    assert "<GenderCurrent>2</GenderCurrent>" in text and "<Sex>" not in text
    assert run(capsysbinary, "convert", str(mid), "--to", "cin-census", "-o", str(back))[0] == 0
    assert "<Sex>F</Sex>" in back.read_text()


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    fake_stdin = io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes()))
    monkeypatch.setattr(sys, "stdin", fake_stdin)
    code, stdout, err = run(capsysbinary, "convert", "-", "--to", "ndjson", "-o", "-")
    assert code == errors.OK
    assert len(stdout.splitlines()) == 2
    assert "cin-census -> ndjson" in err  # the report goes to stderr when the output is stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folder_batch_mirrors_names(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], jobs: str) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLE, src / "one.xml")
    shutil.copy(EXAMPLE, src / "sub" / "two.xml")
    (src / "notes.txt").write_text("ignored")
    dst = tmp_path / "out"
    code, stdout, _ = run(
        capsysbinary,
        "convert",
        str(src),
        "--from",
        "cin-census",
        "--to",
        "ndjson",
        "-o",
        str(dst),
        "--jobs",
        jobs,
        "--report",
        "json",
    )
    assert code == errors.OK
    assert sorted(p.relative_to(dst).as_posix() for p in dst.rglob("*")) == ["one.ndjson", "sub", "sub/two.ndjson"]
    assert len(orjson.loads(stdout)["files"]) == 2
    code, _, _ = run(
        capsysbinary,
        "convert",
        str(src),
        "--from",
        "cin-census",
        "--to",
        "ndjson",
        "-o",
        str(tmp_path / "strict"),
        "--strict",
        "--jobs",
        jobs,
    )
    assert code == errors.CONVERSION_LOSSY_STRICT
    assert not any((tmp_path / "strict").rglob("*.ndjson"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the CIN census reference files (../shared) are absent")
def test_real_return_converts(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, stdout, _ = run(
        capsysbinary, "convert", str(SHARED / "CIN_Census_2026.xml"), "--to", "ndjson", "-o", str(tmp_path / "o.ndjson")
    )
    assert code == errors.OK and b"unmapped-field" in stdout


def test_formats_command(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, stdout, _ = run(capsysbinary, "formats", "--format", "json")
    assert code == 0
    rows = {r["name"]: r for r in orjson.loads(stdout)["formats"]}
    assert rows["cin-census"] == {
        "name": "cin-census",
        "reads": True,
        "writes": True,
        "extensions": [".xml"],
        "description": rows["cin-census"]["description"],
    }
    code, stdout, _ = run(capsysbinary, "formats")
    assert code == 0 and b"cin-census" in stdout
