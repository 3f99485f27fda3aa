"""Security labels are never lowered silently: a format that cannot carry a label refuses unless allowed.

Police CSV, the CIN census, the chronology and Operation Encompass notifications have no place for a label; their
outputs imply restricted ``R`` and ``SDV`` (what the police and CIN readers give back). A Bundle labelled above that
(``V``, ``DELAU``, a Patient's ``PDS``) gives located ``label-lowered`` entries and writes nothing (status 13),
unless ``allow_label_loss``; ``--strict`` refuses in any case. Formats that carry labels keep every one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard import errors
from dastandard.cli import main
from dastandard.conversion_report import Loss
from dastandard.convert.pipeline import convert
from dastandard.model.urls import V3_ACT_CODE, V3_CONFIDENTIALITY

ROOT = Path(__file__).resolve().parents[2]
POLICE = orjson.loads((ROOT / "examples" / "police-csv" / "notification.expected.ndjson").read_bytes().splitlines()[0])
CIN = orjson.loads((ROOT / "examples" / "cin-census" / "da-factors.expected.ndjson").read_bytes().splitlines()[0])
NO_LABEL_PLACE = ["police-csv", "cin-census", "chronology-csv", "chronology-html", "encompass"]
ROUND_TRIPS = {"police-csv": POLICE, "cin-census": CIN}


def _relabel(bundle: dict[str, Any]) -> dict[str, Any]:
    """``bundle`` labelled V + SDV + DELAU, and its first Patient PDS as well."""
    out = copy.deepcopy(bundle)
    out["meta"]["security"] = [
        {"system": V3_CONFIDENTIALITY, "code": "V"},
        {"system": V3_ACT_CODE, "code": "SDV"},
        {"system": V3_ACT_CODE, "code": "DELAU"},
    ]
    patient = next(e["resource"] for e in out["entry"] if e["resource"]["resourceType"] == "Patient")
    patient.setdefault("meta", {}).setdefault("security", []).append({"system": V3_ACT_CODE, "code": "PDS"})
    return out


def _labels(resource: dict[str, Any]) -> set[str]:
    return {c["code"] for c in resource.get("meta", {}).get("security", [])}


def _source(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    path = tmp_path / "in.json"
    path.write_bytes(orjson.dumps(bundle))
    return path


@pytest.mark.parametrize("writer", NO_LABEL_PLACE)
def test_labels_the_output_cannot_carry_refuse_the_conversion_with_located_entries(tmp_path: Path, writer: str) -> None:
    bundle = _relabel(ROUND_TRIPS.get(writer, POLICE))
    target = tmp_path / "out"
    target.write_text("previous")
    result = convert(_source(tmp_path, bundle), target, to=writer, source_format="fhir-json")
    assert result.status == errors.CONVERSION_LOSSY_STRICT
    assert "--allow-label-loss" in result.problems[0]
    assert target.read_text() == "previous"  # nothing written
    lowered = {e.location: e.code for e in result.reports[0].entries if e.kind is Loss.LABEL_LOWERED}
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert lowered[f"Bundle/{bundle['id']}.meta.security"] == "V,DELAU"
    assert lowered[f"Bundle/{bundle['id']}/Patient/{patient['id']}.meta.security"] == "PDS"


@pytest.mark.parametrize("writer", NO_LABEL_PLACE)
def test_agency_labels_need_no_permission(tmp_path: Path, writer: str) -> None:
    result = convert(_source(tmp_path, ROUND_TRIPS.get(writer, POLICE)), tmp_path / "out", to=writer)
    assert not [e for e in result.reports[0].entries if e.kind is Loss.LABEL_LOWERED]
    assert result.status == errors.OK, result.problems


@pytest.mark.parametrize("writer", sorted(ROUND_TRIPS))
def test_allowed_label_loss_is_written_and_reported_and_the_read_back_shows_why(tmp_path: Path, writer: str) -> None:
    bundle = _relabel(ROUND_TRIPS[writer])
    middle, back = tmp_path / "middle", tmp_path / "back.ndjson"
    result = convert(_source(tmp_path, bundle), middle, to=writer, source_format="fhir-json", allow_label_loss=True)
    assert result.status == errors.OK, result.problems
    assert [e for e in result.reports[0].losses if e.kind is Loss.LABEL_LOWERED]
    assert convert(middle, back, to="ndjson", source_format=writer).status == errors.OK
    read = orjson.loads(back.read_bytes().splitlines()[0])
    assert _labels(read) == {"R", "SDV"}  # what the format implies: the loss above was real, and reported
    strict = convert(_source(tmp_path, bundle), middle, to=writer, strict=True, allow_label_loss=True)
    assert strict.status == errors.CONVERSION_LOSSY_STRICT


@pytest.mark.parametrize("writer", ["fhir-json", "fhir-xml", "ndjson", "logical"])
def test_formats_with_labels_carry_every_label_there_and_back(tmp_path: Path, writer: str) -> None:
    bundle = _relabel(POLICE)
    middle, back = tmp_path / "middle", tmp_path / "back.json"
    result = convert(_source(tmp_path, bundle), middle, to=writer, source_format="fhir-json")
    assert result.status == errors.OK, result.problems
    assert not [e for e in result.reports[0].entries if e.kind is Loss.LABEL_LOWERED]
    assert convert(middle, back, to="fhir-json", source_format=writer).status == errors.OK
    read = json.loads(back.read_text())
    assert _labels(read) == {"V", "SDV", "DELAU"}
    patients = [e["resource"] for e in read["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert "PDS" in _labels(patients[0])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return (exc.value.code if isinstance(exc.value.code, int) else 1), out + err


def test_the_command_exits_13_and_names_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = str(_source(tmp_path, _relabel(POLICE))), tmp_path / "o.csv"
    code, output = _run(capsys, "convert", source, "--to", "police-csv", "-o", str(target))
    assert code == errors.CONVERSION_LOSSY_STRICT
    assert "label-lowered" in output and "--allow-label-loss" in output
    assert not target.exists()
    code, _ = _run(capsys, "convert", source, "--to", "police-csv", "-o", str(target), "--allow-label-loss")
    assert code == errors.OK
    assert target.exists()
