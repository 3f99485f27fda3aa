"""scripts/regen.py: every generated artifact is in sync with its generator, and drift is reported, not hidden."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import regen  # noqa: E402


def test_every_generated_artifact_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    """The check CI relies on: ``python scripts/regen.py --check`` (offline steps) finds no drift."""
    assert regen.main(["--check"]) == 0, capsys.readouterr().out


def test_steps_have_unique_names_and_the_network_step_is_opt_in() -> None:
    names = [step.name for step in regen.STEPS]
    assert len(names) == len(set(names))
    assert names.index("profiles") < names.index("ig") < names.index("traceability")
    assert names.index("examples") < names.index("rule-docs")
    offline = [step.name for step in regen.select([], network=False)]
    assert "base-plan" not in offline and len(offline) == len(names) - 1
    assert [step.name for step in regen.select(["base-plan"], network=False)] == ["base-plan"]
    with pytest.raises(regen.StepError, match="unknown step"):
        regen.select(["nope"], network=False)


def _step(folder: Path, files: dict[Path, bytes]) -> regen.Step:
    return regen.Step("demo", "demo files", lambda: files, (regen.Owned(folder, "*.json"),))


def test_check_lists_changed_missing_and_stale_files_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "same.json").write_bytes(b"1\n")
    (folder / "changed.json").write_bytes(b"old\n")
    (folder / "stale.json").write_bytes(b"gone\n")
    files = {folder / "same.json": b"1\n", folder / "changed.json": b"new\n", folder / "missing.json": b"2\n"}
    step = _step(folder, files)
    lines: list[str] = []
    monkeypatch.setattr(regen, "ROOT", tmp_path)
    (drift,) = regen.run([step], check=True, echo=lines.append)
    assert drift.changed == ["out/changed.json"]
    assert (drift.missing, drift.stale) == (["out/missing.json"], ["out/stale.json"])
    assert len(lines) == 3
    assert sorted(p.name for p in folder.iterdir()) == ["changed.json", "same.json", "stale.json"]
    assert (folder / "changed.json").read_bytes() == b"old\n"
    regen.run([step], check=False, echo=lines.append)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {p.name: b for p, b in files.items()}
    assert regen.run([step], check=True, echo=lines.append) == []


def test_a_failing_step_is_named() -> None:
    def broken() -> regen.Files:
        raise regen.StepError("renamed rule")

    with pytest.raises(regen.StepError, match=r"^demo: renamed rule$"):
        regen.run([regen.Step("demo", "demo", broken)], check=True)


def test_tests_only_compare_and_never_write_golden_files() -> None:
    """Regeneration has one road: no test module doubles as a script or rewrites files under an environment flag."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^if __name__ == .__main__.:", text, re.M) or re.search(r"environ\S*\(\s*.DASTANDARD_", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_step_whose_outside_source_is_missing_is_skipped_not_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the UK Core reference files beside the repository the snapshots cannot be rebuilt: the step says
    so and leaves the committed snapshots alone, and the other steps still run."""
    import build_snapshots

    monkeypatch.setattr(build_snapshots, "UKCORE_DIR", tmp_path / "absent")
    said: list[str] = []
    steps = [step for step in regen.STEPS if step.name in ("snapshots", "ig")]
    assert regen.run(steps, check=True, echo=said.append) == []
    assert said == [f"snapshots: skipped: the UK Core reference files are not at {tmp_path / 'absent'}"]
