"""Folder walks: a FHIR package's own metadata (its manifest and ``other/``) is not validated as a resource."""

from __future__ import annotations

import json
from pathlib import Path

from dastandard.findings import Severity
from dastandard.validation import validate
from dastandard.validation.inputs import walk_inputs

ROOT = Path(__file__).resolve().parents[2]
PATIENT = {"resourceType": "Patient", "id": "p1"}


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_package_folder_leaves_out_its_manifest_and_other_folder(tmp_path: Path) -> None:
    _write(tmp_path / "package.json", {"name": "example.fhir", "version": "1.0.0"})
    _write(tmp_path / "generated" / "other" / "list.json", {"urls": []})
    _write(tmp_path / "generated" / "Patient-p1.json", PATIENT)
    _write(tmp_path / "generated" / "package.json", {"name": "nested"})
    assert [p.relative_to(tmp_path).as_posix() for p in walk_inputs(tmp_path)] == ["generated/Patient-p1.json"]


def test_outside_a_package_every_file_is_read(tmp_path: Path) -> None:
    """Without a manifest an ``other/`` folder is ordinary, and a JSON object without resourceType is an error."""
    _write(tmp_path / "other" / "record.json", {"id": "no-type"})
    report = validate([tmp_path])
    assert [f.rule_id for f in report.findings if f.severity is Severity.ERROR] == ["DA1001"]


def test_a_manifest_named_on_the_command_line_is_still_checked(tmp_path: Path) -> None:
    _write(tmp_path / "package.json", {"name": "example.fhir", "version": "1.0.0"})
    assert [f.rule_id for f in validate([tmp_path / "package.json"]).findings] == ["DA1001"]


def test_the_standards_profiles_folder_validates_without_errors() -> None:
    report = validate([ROOT / "profiles"])
    assert report.files and not [f for f in report.findings if f.severity.rank >= Severity.ERROR.rank]
