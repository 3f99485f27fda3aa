"""DA3802: a person holding a confidential address, shared with another agency, needs a recorded need to know.

The near-miss corpus (tests/validation/near_miss/DA3802) covers the plain cases; these cover what a logical record
cannot show (a person named as the Communication's subject), sharing kept within the agency, how the finding names
the person and the receiving agencies, and that the recorded need to know survives the logical record.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson

from dastandard.config import Settings
from dastandard.findings import Finding
from dastandard.logical import bundle_to_logical, logical_to_bundle
from dastandard.logical.schema import validate_logical
from dastandard.model.ids import code_system_url, extension_url, identifier_system
from dastandard.validation.practice import check_record

BASE = Path(__file__).resolve().parent / "near_miss" / "base-okafor.logical.json"


def _record(**sharing: Any) -> dict[str, Any]:
    """The base family with the victim (adult-a, refuge address marked confidential, labelled V) shared."""
    record = orjson.loads(BASE.read_bytes())
    share = record["informationSharing"][0]
    share["about"] = [*share["about"], "adult-a"]
    share.update(sharing)
    return record


def _da3802(bundle: Any) -> list[Finding]:
    found = check_record(bundle, settings=Settings(), file="x.json", record_no=None)
    return [f for f in found if f.rule_id == "DA3802"]


def _local(bundle: dict[str, Any], local_id: str) -> dict[str, Any]:
    """The entry whose local id is ``local_id``."""
    ident = {"system": identifier_system("local-id"), "value": local_id}
    return next(e for e in bundle["entry"] if ident in e["resource"].get("identifier", []))


def _sharing(bundle: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = _local(bundle, "share-1")["resource"]
    return resource


def test_finding_names_the_person_and_the_receiving_agencies_at_the_about_entry() -> None:
    found = _da3802(logical_to_bundle(_record()))
    assert len(found) == 1
    message = found[0].message
    assert "(adult-a)" in message
    assert "Organization/" not in message  # agencies are named as the record names them
    assert found[0].path.endswith(".about[3]")


def test_person_named_as_subject_is_shared_too() -> None:
    record = _record()
    record["informationSharing"][0]["about"].remove("adult-a")
    bundle = logical_to_bundle(record)
    sharing = _sharing(bundle)
    victim = _local(bundle, "adult-a")
    assert _da3802(bundle) == []
    sharing["subject"] = {"reference": victim["fullUrl"]}
    found = _da3802(bundle)
    assert len(found) == 1 and found[0].path.endswith(".subject")


def test_sharing_kept_within_the_agency_is_not_checked() -> None:
    record = _record(to=["police"])
    assert _da3802(logical_to_bundle(record)) == []


def test_recorded_need_to_know_passes_and_a_local_code_does_not() -> None:
    bundle = logical_to_bundle(_record(needToKnow="risk-management-marac"))
    assert _da3802(bundle) == []
    ext = next(x for x in _sharing(bundle)["extension"] if x["url"] == extension_url("need-to-know"))
    ext["valueCodeableConcept"]["coding"] = [{"system": code_system_url("need-to-know"), "code": "none-recorded"}]
    assert len(_da3802(bundle)) == 1


def test_need_to_know_survives_the_logical_record() -> None:
    record = _record(needToKnow="statutory-duty")
    assert list(validate_logical(record)) == []
    back = bundle_to_logical(logical_to_bundle(copy.deepcopy(record)))
    assert back["informationSharing"][0]["needToKnow"] == "statutory-duty"


def test_unknown_need_to_know_code_is_refused_by_the_schema() -> None:
    assert any("needToKnow" in path for path, _ in validate_logical(_record(needToKnow="curiosity")))
