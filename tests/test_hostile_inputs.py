"""A hostile-input corpus, generated here (nothing large is committed), run through the real command line.

Every case must end with a documented exit code, no traceback, no hang (each run has a timeout), no partial output
and no ``.part`` file, the previous content of the target intact when the run failed, and nothing fetched.
"""

from __future__ import annotations

import codecs
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from dastandard import errors, validate
from dastandard.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CASE = EXAMPLES / "fhir" / "case-01-post-separation-contact.json"
NDJSON = EXAMPLES / "fhir-formats" / "cases.ndjson"
POLICE = EXAMPLES / "police-csv" / "notification.csv"
LOGICAL = EXAMPLES / "logical" / "separation-and-contact.logical.json"
PREVIOUS = b"previous content\n"
INTERRUPTED, TERMINATED = 130, 143
CLI = (sys.executable, "-c", "from dastandard.cli import main; main()")
DOCUMENTED = {0, 1, 2, 10, 11, 12, 13, 14, 15}


def cli(
    *args: str, cwd: Path, timeout: float = 60, stdout: int | None = None, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``dastandard`` as a user would (signal handlers installed) and check what every run must satisfy."""
    done = subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=timeout,
        preexec_fn=preexec,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert done.returncode in DOCUMENTED, (done.returncode, done.stderr)
    assert not list(cwd.rglob("*.part")), "a temporary file was left behind"
    return done


def refused(tmp_path: Path, name: str, data: bytes, *args: str, status: int = errors.CONVERSION_FAILED) -> None:
    """Converting ``data`` fails with ``status`` and the existing target keeps its content."""
    source = tmp_path / name
    source.write_bytes(data)
    target = tmp_path / "out.target"
    target.write_bytes(PREVIOUS)
    done = cli("convert", str(source), "-o", str(target), *args, cwd=tmp_path)
    assert done.returncode == status, done.stderr
    assert target.read_bytes() == PREVIOUS
    assert b"error:" in done.stderr and len(done.stderr.strip().splitlines()) <= 3


# ------------------------------------------------------------------------------- empty success (nothing readable)


def test_all_nul_json_is_refused_and_the_target_survives(tmp_path: Path) -> None:
    refused(tmp_path, "nul.json", b"\0" * 4096, "--from", "fhir-json", "--to", "ndjson")


def test_utf16_police_csv_is_refused(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + POLICE.read_text(encoding="utf-8").encode("utf-16-le")
    refused(tmp_path, "police.csv", data, "--from", "police-csv", "--to", "ndjson")


def test_logical_record_without_security_is_refused(tmp_path: Path) -> None:
    record = orjson.loads(LOGICAL.read_bytes())
    record.pop("security", None)
    refused(tmp_path, "case.logical.json", orjson.dumps(record), "--to", "fhir-json")


def test_a_repeated_meta_is_refused_never_picked(tmp_path: Path) -> None:
    text = CASE.read_bytes().decode()
    second = (
        '"meta": {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "N"}]},'
    )
    data = text.replace('"resourceType": "Bundle",', '"resourceType": "Bundle",\n  ' + second, 1).encode()
    assert data.count(b'"meta"') > text.count('"meta"')
    refused(tmp_path, "dup.json", data, "--to", "ndjson")


# ------------------------------------------------------------------------------- entity, DTD and nesting attacks

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE Bundle [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8))
    + b']><Bundle xmlns="http://hl7.org/fhir"><id value="&i;"/></Bundle>'
)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, "laughs.xml", LAUGHS, "--to", "ndjson")


def test_external_entities_are_never_fetched(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(5)
        server.settimeout(0.2)
        port = server.getsockname()[1]
        for doc in (
            f'<?xml version="1.0"?><!DOCTYPE Bundle [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>'
            '<Bundle xmlns="http://hl7.org/fhir"><id value="&x;"/></Bundle>',
            f'<?xml version="1.0"?><!DOCTYPE Bundle SYSTEM "http://127.0.0.1:{port}/dtd">'
            '<Bundle xmlns="http://hl7.org/fhir"><id value="a"/></Bundle>',
            f'<?xml version="1.0"?><!DOCTYPE Bundle [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>'
            '<Bundle xmlns="http://hl7.org/fhir"><id value="a"/></Bundle>',
        ):
            refused(tmp_path, "xxe.xml", doc.encode(), "--from", "fhir-xml", "--to", "ndjson")
            assert "DA0031" in {f.rule_id for f in validate([tmp_path / "xxe.xml"]).findings}
        with pytest.raises(TimeoutError):
            server.accept()  # nobody connected


@pytest.mark.parametrize(
    ("name", "data", "args"),
    [
        ("deep.json", b'{"resourceType": "Bundle", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ("--to", "ndjson")),
        (
            "deep.xml",
            b'<Bundle xmlns="http://hl7.org/fhir">' + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</Bundle>",
            ("--to", "ndjson"),
        ),
        (
            "deep.ndjson",
            b'{"resourceType": "Bundle", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
            ("--to", "fhir-json"),
        ),
    ],
)
def test_deep_nesting_is_refused(tmp_path: Path, name: str, data: bytes, args: tuple[str, ...]) -> None:
    refused(tmp_path, name, data, *args)
    assert validate([tmp_path / name]).findings


# ------------------------------------------------------------------------------- size limits and endless input

SMALL_LIMITS = b"[rules.DA0005]\nmax_file_bytes = 2000000\nmax_record_bytes = 100000\n"


def test_a_huge_line_is_skipped_with_its_location_under_the_configured_limit(tmp_path: Path) -> None:
    (tmp_path / ".dastandard.toml").write_bytes(SMALL_LIMITS)
    good = NDJSON.read_bytes().splitlines()[0]
    assert len(good) < 100_000
    source = tmp_path / "in.ndjson"
    source.write_bytes(b'{"resourceType": "Bundle", "id": "' + b"x" * 500_000 + b'"}\n' + good + b"\n")
    out = tmp_path / "out.ndjson"
    done = cli("convert", str(source), "--to", "ndjson", "-o", str(out), "--report", "json", cwd=tmp_path)
    assert done.returncode == errors.OK
    assert out.read_bytes().count(b"\n") == 1
    entries = orjson.loads(done.stdout)["entries"]
    assert any(e["kind"] == "invalid-input" and e["location"] == "line 1" for e in entries)
    assert cli("validate", str(source), cwd=tmp_path).returncode == errors.FINDINGS_AT_FAIL_LEVEL


@pytest.mark.parametrize("source_format", ["ndjson", "fhir-json", "police-csv", "fhir-xml", "cin-census", "logical"])
def test_dev_zero_ends_quickly_within_the_limits(tmp_path: Path, source_format: str) -> None:
    (tmp_path / ".dastandard.toml").write_bytes(SMALL_LIMITS)
    out = tmp_path / "out.json"
    start = time.monotonic()
    done = cli("convert", "/dev/zero", "--from", source_format, "--to", "ndjson", "-o", str(out), cwd=tmp_path)
    assert done.returncode == errors.CONVERSION_FAILED, done.stderr
    assert time.monotonic() - start < 30 and not out.exists()


def test_dev_zero_undetected_ends_with_unknown_format(tmp_path: Path) -> None:
    done = cli("convert", "/dev/zero", "--to", "ndjson", "-o", str(tmp_path / "out.ndjson"), cwd=tmp_path)
    assert done.returncode == errors.UNKNOWN_FORMAT


def test_standard_input_is_bounded_too(tmp_path: Path) -> None:
    (tmp_path / ".dastandard.toml").write_bytes(SMALL_LIMITS)
    with Path("/dev/zero").open("rb") as zero:
        done = subprocess.run(
            [*CLI, "convert", "-", "--from", "ndjson", "--to", "ndjson", "-o", "-"],
            cwd=tmp_path,
            stdin=zero,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == errors.CONVERSION_FAILED and b"Traceback" not in done.stderr


# ------------------------------------------------------------------------------- outputs: injection, misdirection


def _bundle_with_child_named(family: str) -> bytes:
    bundle = orjson.loads(CASE.read_bytes())
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["name"][0]["family"] = family
    return orjson.dumps(bundle)


def test_formula_and_bidi_injection_never_reach_csv_or_html_raw(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://x")\u202eevil\u2066<script>alert(1)</script>'
    source = tmp_path / "case.json"
    source.write_bytes(_bundle_with_child_named(hostile))
    for fmt, ext in (("chronology-csv", "csv"), ("chronology-html", "html"), ("police-csv", "csv")):
        out = tmp_path / f"out.{fmt}.{ext}"
        done = cli("convert", str(source), "--to", fmt, "-o", str(out), "--report", "json", cwd=tmp_path)
        assert done.returncode == errors.OK, done.stderr
        text = out.read_text(encoding="utf-8")
        assert "\u202e" not in text and "\u2066" not in text
        assert "[U+202E]" in text and "[U+2066]" in text
        if ext == "html":
            assert "<script>" not in text
        if ext == "csv":
            assert not any(cell.startswith("=") for line in text.splitlines() for cell in line.split(","))
        kinds = {e["kind"] for e in orjson.loads(done.stdout)["entries"]}
        assert "altered" in kinds
    assert cli("validate", str(source), cwd=tmp_path).stdout.count(b"DA0013") >= 2


def test_a_symlinked_target_is_replaced_never_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(PREVIOUS)
    link = tmp_path / "out.ndjson"
    link.symlink_to(elsewhere)
    done = cli("convert", str(CASE), "--to", "ndjson", "-o", str(link), cwd=tmp_path)
    assert done.returncode == errors.OK
    assert elsewhere.read_bytes() == PREVIOUS
    assert not link.is_symlink() and link.read_bytes().startswith(b'{"resourceType":"Bundle"')


def test_an_output_below_a_file_is_unwritable(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    done = cli("convert", str(CASE), "--to", "ndjson", "-o", str(tmp_path / "file" / "out.ndjson"), cwd=tmp_path)
    assert done.returncode == errors.OUTPUT_UNWRITABLE


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_unwritable(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        done = cli("convert", str(CASE), "--to", "ndjson", "-o", str(folder / "out.ndjson"), cwd=tmp_path)
    finally:
        folder.chmod(0o700)
    assert done.returncode == errors.OUTPUT_UNWRITABLE


# ------------------------------------------------------------------------------- full disks


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("convert", str(NDJSON), "--to", "ndjson", "-o", "-"),
        ("convert", str(NDJSON), "--to", "ndjson", "-o", "/dev/full"),
        ("validate", str(CASE), "--output", "/dev/full"),
        ("validate", str(CASE)),
        ("rules",),
        ("formats",),
        ("explain", "DA0012"),
        ("profiles",),
    ],
)
def test_a_full_device_is_status_11_with_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    with Path("/dev/full").open("wb") as full:
        done = cli(*args, cwd=tmp_path, stdout=full.fileno())
    assert done.returncode == errors.OUTPUT_UNWRITABLE, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def _file_size_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


@pytest.mark.parametrize("fmt", ["ndjson", "chronology-html", "police-csv"])
def test_a_file_size_limit_is_status_11_and_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out.target"
    target.write_bytes(PREVIOUS)
    done = cli("convert", str(NDJSON), "--to", fmt, "-o", str(target), cwd=tmp_path, preexec=_file_size_limit)
    assert done.returncode == errors.OUTPUT_UNWRITABLE, done.stderr
    assert target.read_bytes() == PREVIOUS


# ------------------------------------------------------------------------------- hostile configuration files


@pytest.mark.parametrize(
    "config",
    [
        b"a = " + b"[" * 5000 + b"1" + b"]" * 5000 + b"\n",
        b"x = " + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n",
        b"\xff\xfe\x00\x00",
        b"fail-on = [1, 2]\n",
        b"[rules.DA0005]\nmax_file_bytes = 'huge'\n",
        b"# padding\n" * 200_000,
        b"disable = ['DA9999']\n",
    ],
    ids=["deep-array", "deep-table", "not-utf8", "wrong-type", "wrong-param", "huge", "unknown-rule"],
)
def test_a_hostile_configuration_is_status_12_for_every_command_that_reads_one(
    tmp_path: Path, config: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".dastandard.toml").write_bytes(config)
    monkeypatch.chdir(tmp_path)
    for args in (("validate", str(CASE)), ("convert", str(CASE), "--to", "ndjson", "-o", str(tmp_path / "o"))):
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        stderr = capsys.readouterr().err
        assert exc.value.code == errors.CONFIG_INVALID, (args, stderr)
        assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert not (tmp_path / "o").exists()


def test_a_deeply_nested_configuration_is_status_12_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / ".dastandard.toml").write_bytes(b"a = " + b"[" * 5000 + b"1" + b"]" * 5000 + b"\n")
    for args in (("validate", str(CASE)), ("convert", str(CASE), "--to", "ndjson", "-o", str(tmp_path / "o"))):
        done = cli(*args, cwd=tmp_path)
        assert done.returncode == errors.CONFIG_INVALID, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_hostile_pyproject_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n")
    assert cli("validate", str(CASE), cwd=tmp_path).returncode == errors.OK


# ------------------------------------------------------------------------------- interrupts


def _as_from_a_terminal() -> None:
    """Give the child the SIGINT disposition a command typed at a terminal has.

    A shell that runs the test suite in the background (as CI runners and job scripts do) starts it with SIGINT
    ignored, and children inherit that; Python then rightly keeps ignoring Ctrl-C, as ``nohup`` asks. The test is
    about what Ctrl-C does to a conversion started from a terminal, so it restores the default first.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("sig", "status"),
    [
        (signal.SIGINT, INTERRUPTED),
        (signal.SIGTERM, TERMINATED),
    ],
)
@pytest.mark.parametrize("layout", ["file", "folder"])
def test_an_interrupted_conversion_leaves_no_temporary_file(
    tmp_path: Path, sig: signal.Signals, status: int, layout: str
) -> None:
    line = NDJSON.read_bytes().splitlines()[0] + b"\n"
    source = tmp_path / "in"
    source.mkdir()
    for number in range(2 if layout == "folder" else 1):
        (source / f"big{number}.ndjson").write_bytes(line * 20000)
    target = tmp_path / "out"
    if layout == "file":
        args = [str(source / "big0.ndjson"), "-o", str(tmp_path / "out.ndjson")]
    else:
        args = [str(source), "-o", str(target), "--jobs", "2"]
    process = subprocess.Popen(
        [*CLI, "convert", *args, "--to", "chronology-csv", "--allow-label-loss"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so that SIGINT can reach every process as Ctrl-C does
        preexec_fn=_as_from_a_terminal,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.rglob("*.part")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the conversion ended before it could be interrupted"
    if sig == signal.SIGINT:
        os.killpg(process.pid, sig)  # Ctrl-C in a terminal: the whole process group, workers included
    else:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == status, stderr
    assert b"Traceback" not in stderr
    assert not list(tmp_path.rglob("*.part"))
    assert not (tmp_path / "out.ndjson").exists()
    assert not target.exists() or not any(p.is_file() for p in target.rglob("*"))
