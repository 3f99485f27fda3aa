"""The location-disclosure guard: a confidential location never leaves the agency in an output.

A refuge, an agency labelled V (a child's new school or GP) and the school of a child marked confidential (V, or
a confidential address) are left out of police CSV, Encompass notifications and the chronology, each a located
``redacted`` entry saying what, why and by which rule; ``--strict`` refuses instead.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard import errors
from dastandard.conversion_report import Loss
from dastandard.convert.locations import RULE, SHOWN
from dastandard.convert.pipeline import Options, Outcome, convert_stream
from dastandard.model.ids import code_system_url, extension_url
from dastandard.model.urls import V3_CONFIDENTIALITY

ROOT = Path(__file__).resolve().parents[2]
POLICE = orjson.loads((ROOT / "examples" / "police-csv" / "notification.expected.ndjson").read_bytes().splitlines()[0])


def _resource(bundle: dict[str, Any], kind: str, name: str | None = None) -> dict[str, Any]:
    return next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == kind and (name is None or e["resource"].get("name") == name)
    )


def _convert(bundle: dict[str, Any], writer: str, strict: bool = False) -> tuple[Outcome, bytes]:
    out = io.BytesIO()
    opts = Options("fhir-json", writer, strict, allow_label_loss=True)  # a V school is a label loss too (tested apart)
    outcome = convert_stream(io.BytesIO(orjson.dumps(bundle)), "in", None, out, opts)
    return outcome, out.getvalue()


def _new_school_labelled_v() -> dict[str, Any]:
    bundle = copy.deepcopy(POLICE)
    school = _resource(bundle, "Organization", "Example Primary School")
    school["meta"]["security"] = [{"system": V3_CONFIDENTIALITY, "code": "V"}, *school["meta"]["security"][1:]]
    return bundle


def _child_with_confidential_address() -> dict[str, Any]:
    bundle = copy.deepcopy(POLICE)
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "Patient":
            flag = {"url": extension_url("confidential-address"), "valueBoolean": True}
            res["address"] = [{"text": "Confidential address", "extension": [flag]}]
    return bundle


def _redactions(outcome: Outcome) -> list[Any]:
    return [e for e in outcome.report.entries if e.kind is Loss.REDACTED]


@pytest.mark.parametrize("make", [_new_school_labelled_v, _child_with_confidential_address])
def test_police_csv_leaves_a_confidential_school_blank_and_says_why(make: Any) -> None:
    plain, _ = _convert(POLICE, "police-csv", False)
    outcome, data = _convert(make(), "police-csv")
    assert outcome.status == errors.OK, outcome.message
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert "Example Primary School" not in data.decode()
    assert all(not r["school_urn"] or r["school_name"] != "Example Primary School" for r in rows)
    entries = _redactions(outcome)
    assert entries and all(e.code == RULE and e.location.startswith("Bundle/") for e in entries)
    assert any("school" in e.source_field and "confidential" in e.message for e in entries)
    assert not _redactions(plain)


def test_encompass_leaves_out_the_notification_to_a_confidential_school() -> None:
    _, plain_data = _convert(POLICE, "encompass")
    outcome, data = _convert(_new_school_labelled_v(), "encompass")
    assert b"Example Primary School" in plain_data and b"Example Primary School" not in data
    assert [e.source_field for e in _redactions(outcome)] == ["incident-party.school"]
    assert "secure" in _redactions(outcome)[0].message


def test_a_refuge_is_never_named_in_police_csv_or_the_chronology() -> None:
    bundle = copy.deepcopy(POLICE)
    mash = _resource(bundle, "Organization", "Exampleshire MASH")
    mash["name"] = "Northbridge Women's Refuge"
    mash["type"] = [{"coding": [{"system": code_system_url("agency-type"), "code": "refuge"}]}]
    for writer in ("police-csv", "chronology-csv", "chronology-html"):
        outcome, data = _convert(bundle, writer)
        assert b"Northbridge" not in data, writer
        assert _redactions(outcome), writer
    _, chronology = _convert(bundle, "chronology-csv")
    assert SHOWN.encode() in chronology


@pytest.mark.parametrize("writer", ["police-csv", "encompass"])
def test_strict_refuses_instead_of_redacting(writer: str) -> None:
    outcome, _ = _convert(_new_school_labelled_v(), writer, strict=True)
    assert outcome.status == errors.CONVERSION_LOSSY_STRICT
