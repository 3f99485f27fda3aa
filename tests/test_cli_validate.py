"""``dastandard validate`` end to end: exit codes, options, output files, every format, and the pre-commit hook.

Most tests replace the engine with a stub returning fixed findings, so they check the command itself; the tests at
the end run the real engine on inputs made here.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from lxml import etree

import dastandard.commands._output as output_module
import dastandard.commands.validate as validate_command
from dastandard import _parallel, errors
from dastandard.cli import cli, main
from dastandard.config import Settings
from dastandard.findings import Finding, Layer, Severity

ROOT = Path(__file__).resolve().parent.parent
WARN = Finding("DA3302", Severity.WARNING, Layer.PRACTICE, "pregnancy unknown", file="a.json", path="Bundle", line=3)
ERR = Finding("DA1005", Severity.ERROR, Layer.STRUCTURE, "bad primitive", file="b.json", path="Bundle.id", line=2)
GONE = Finding("DA0001", Severity.FATAL, Layer.SYNTAX, "cannot open input", file="gone.json")


@dataclass
class StubEngine:
    findings: tuple[Finding, ...]
    files: tuple[str, ...] = ("a.json", "b.json")
    UNREADABLE_RULE: str = "DA0001"

    def __post_init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def validate(self, inputs: list[str], **kwargs: Any) -> SimpleNamespace:
        self.calls.append({"inputs": inputs, **kwargs})
        settings: Settings = kwargs["settings"]
        kept = tuple(f for f in self.findings if settings.enabled(f.rule_id))
        return SimpleNamespace(findings=kept, files=self.files)


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> StubEngine:
    engine = StubEngine((WARN, ERR))
    monkeypatch.setattr(validate_command, "_engine", lambda: engine)
    monkeypatch.chdir(tmp_path)  # no configuration file above tmp_path is picked up from the repository
    return engine


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the real entry point (dastandard.cli.main) and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


# ------------------------------------------------------------------------------------------------ exit codes


def test_exit_1_when_an_error_is_found(stub: StubEngine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "a.json", "b.json"], capsys)
    assert code == 1
    assert "b.json:2: error DA1005 bad primitive [Bundle.id]" in out
    assert out.rstrip().endswith("1 error, 1 warning, 0 info in 2 files")


def test_exit_0_when_nothing_reaches_fail_on(stub: StubEngine, capsys: pytest.CaptureFixture[str]) -> None:
    stub.findings = (WARN,)
    assert run(["validate", "a.json"], capsys)[0] == 0
    assert run(["validate", "a.json", "--fail-on", "warning"], capsys)[0] == 1
    assert run(["validate", "a.json", "--fail-on", "info"], capsys)[0] == 1


def test_fail_on_from_configuration(stub: StubEngine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stub.findings = (WARN,)
    (tmp_path / ".dastandard.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    assert run(["validate", "a.json"], capsys)[0] == 1
    assert run(["validate", "a.json", "--fail-on", "error"], capsys)[0] == 0


def test_unreadable_input_exit_code_and_other_inputs_still_reported(
    stub: StubEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.findings = (GONE, ERR)
    code, out, _ = run(["validate", "gone.json", "b.json"], capsys)
    assert code == errors.INPUT_UNREADABLE
    assert "gone.json: fatal DA0001" in out and "DA1005" in out
    assert "1 input could not be read" in out


def test_usage_errors_exit_2(stub: StubEngine, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate"], capsys)[0] == 2
    assert run(["validate", "a.json", "--output-format", "html"], capsys)[0] == 2
    assert run(["validate", "a.json", "--jobs", "0"], capsys)[0] == 2
    code, _, err = run(["validate", "a.json", "--severity", "DA3302"], capsys)
    assert code == 2 and "RULE-ID=LEVEL" in err
    code, _, err = run(["validate", "a.json", "--disable", "DA0000"], capsys)
    assert code == 2 and "--disable: unknown rule id DA0000" in err
    code, _, err = run(["validate", "a.json", "--severity", "DA3302=loud"], capsys)
    assert code == 2 and "--severity" in err
    assert not stub.calls


def test_invalid_configuration_exit_code(stub: StubEngine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.DA0000]\nseverity = 'info'\n", encoding="utf-8")
    code, _, err = run(["validate", "a.json", "--config", str(bad)], capsys)
    assert code == errors.CONFIG_INVALID
    assert str(bad) in err and "DA0000" in err and "Traceback" not in err
    code, _, err = run(["validate", "a.json", "--config", str(tmp_path / "missing.toml")], capsys)
    assert code == errors.CONFIG_INVALID and "missing.toml" in err


# --------------------------------------------------------------------------------------------------- options


def test_options_reach_the_engine(stub: StubEngine, capsys: pytest.CaptureFixture[str]) -> None:
    run(
        ["validate", "x", "-", "--disable", "DA1005", "--severity", "DA3302=error", "--format", "ndjson", "-j", "3"],
        capsys,
    )
    call = stub.calls[-1]
    assert call["inputs"] == ["x", "-"]
    assert call["input_format"] == "ndjson" and call["jobs"] == 3
    assert call["settings"].disabled == frozenset({"DA1005"})
    assert call["settings"].severity == {"DA3302": Severity.ERROR}
    run(["validate", "x"], capsys)
    assert stub.calls[-1]["input_format"] is None
    assert stub.calls[-1]["jobs"] == 1  # "x" does not exist: nothing to share out


def test_default_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "usable_cpus", lambda: 16)
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.json").write_bytes(b"{}" * 100)
    assert _parallel.default_jobs([str(small), str(tmp_path / "missing")]) == 1
    big = tmp_path / "big.ndjson"
    with big.open("wb") as handle:
        handle.truncate(_parallel.PARALLEL_THRESHOLD_BYTES)
    assert _parallel.default_jobs([str(small), str(big)]) == _parallel.MAX_DEFAULT_JOBS
    assert _parallel.default_jobs(["-"]) == _parallel.MAX_DEFAULT_JOBS
    monkeypatch.setattr(_parallel, "usable_cpus", lambda: 2)
    assert _parallel.default_jobs([str(big)]) == 2


def test_quiet_and_verbose(stub: StubEngine, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["validate", "a.json", "-q"], capsys)
    assert out.splitlines() == [
        "Summary",
        "  by layer:  practice 1, structure 1",
        "  by rule:",
        "    DA1005   error          1  invalid-primitive",
        "    DA3302   warning        1  adult-victim-pregnancy-unknown",
        "1 error, 1 warning, 0 info in 2 files",
    ]
    _, out, _ = run(["validate", "a.json", "-qq"], capsys)
    assert out == ""
    _, out, _ = run(["validate", "a.json", "-v"], capsys)
    assert "a.json:3: warning DA3302" in out


@pytest.mark.parametrize("fmt", ["text", "json", "operationoutcome", "sarif", "junit", "github"])
def test_every_output_format_through_the_cli(fmt: str, stub: StubEngine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "a.json", "-o", fmt], capsys)
    assert code == 1
    if fmt in {"json", "operationoutcome", "sarif"}:
        doc = json.loads(out)
        assert doc
    elif fmt == "junit":
        assert etree.fromstring(out.encode()).tag == "testsuites"
    else:
        assert "DA1005" in out


def test_output_file_is_written_whole(stub: StubEngine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "results.sarif"
    target.write_text("old", encoding="utf-8")
    code, out, err = run(["validate", "a.json", "-o", "sarif", "--output", str(target)], capsys)
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "1 error, 1 warning" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_unwritable_output_leaves_nothing(stub: StubEngine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(["validate", "a.json", "--output", str(tmp_path / "no" / "such" / "dir" / "r.json")], capsys)
    assert code == errors.OUTPUT_UNWRITABLE and "cannot write" in err
    folder = tmp_path / "folder"
    folder.mkdir()
    code, _, _ = run(["validate", "a.json", "--output", str(folder)], capsys)
    assert code == 2  # click refuses a directory as --output
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------------------------------------------- hooks


def test_pre_commit_hook_names_an_existing_command() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    hook = by_id["dastandard-validate"]
    assert hook["language"] == "python"
    program, subcommand, *_ = hook["entry"].split()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'{program} = "dastandard.cli:main"' in pyproject
    assert subcommand in cli.commands
    import re

    pattern = re.compile(hook["files"])
    for name in ("examples/fhir/case.json", "a/b.xml", "export.ndjson"):
        assert pattern.search(name), name
    for name in ("README.md", "x.json.bak", "script.py"):
        assert not pattern.search(name), name
    for arg in hook.get("args", []):
        if arg.startswith("--"):
            assert any(arg in p.opts for p in cli.commands["validate"].params), arg


# ------------------------------------------------------------------------------------------- the real engine


real_engine = pytest.mark.skipif(
    not hasattr(__import__("dastandard.validation", fromlist=["validate"]), "validate"),
    reason="the validation engine is not installed",
)


@real_engine
def test_real_engine_one_bad_file_never_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json").write_text('{"resourceType": ', encoding="utf-8")
    code, out, _ = run(["validate", "missing.json", "broken.json", "-o", "json", "-j", "1"], capsys)
    doc = json.loads(out)
    assert code == errors.INPUT_UNREADABLE
    files = {f["file"] for f in doc["findings"]}
    assert {"missing.json", "broken.json"} <= files
    assert doc["summary"]["unreadable"] == ["missing.json"]


@real_engine
def test_real_engine_reads_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"not json at all")))
    code, out, _ = run(["validate", "-", "-o", "junit", "-j", "1"], capsys)
    assert code == 1
    assert etree.fromstring(out.encode()).find("testsuite/testcase/failure") is not None


@real_engine
@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe\x00garbage", b"<Patient xmlns='http://hl7.org/fhir'><id value='x'/>", b"[1,2,3]", b"{}\n{}\n"],
)
def test_real_engine_no_traceback_for_odd_input(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "odd.json").write_bytes(content)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dastandard.cli import main; main()",
            "validate",
            "odd.json",
            "-o",
            "sarif",
            "-j",
            "1",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["version"] == "2.1.0"


def test_a_binary_output_failing_midway_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    """The one atomic write the commands share (``package`` writes its .tgz through it)."""
    target = tmp_path / "p.tgz"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), output_module.atomic(target, binary=True) as stream:
        stream.write(b"half a package")
        raise RuntimeError("packaging broke")
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.tgz"]
    with output_module.atomic(target, binary=True) as stream:
        stream.write(b"whole")
    assert target.read_bytes() == b"whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.tgz"]


def test_report_failure_midway_keeps_the_old_output(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), output_module.atomic(target) as stream:
        stream.write("half a report")
        raise RuntimeError("reporter broke")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_an_unverified_relationship_reads_as_never_verified() -> None:
    """A record with no verification date says so in words, not as a date of "never"."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dastandard.cli import main; main()",
            "validate",
            str(root / "examples" / "police-csv" / "notification.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if ": warning DA3405 " in line]
    assert lines
    assert all("has never been verified (it is due every 180 days" in line for line in lines)
    assert not any("verified never" in line for line in done.stdout.splitlines())
