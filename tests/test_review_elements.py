"""The elements that record what case reviews found missing are carried by the logical record, the one writer and
the one reader, and the written Bundle conforms to the profiles."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from dastandard.convert.base import ConversionReport
from dastandard.logical import bundle_to_logical, logical_to_bundle, validate_logical
from dastandard.validation import validate

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "validation" / "near_miss" / "base-okafor.logical.json"


def _record() -> dict[str, Any]:
    doc = json.loads(BASE.read_text(encoding="utf-8"))
    by_id = {item["id"]: item for v in doc.values() if isinstance(v, list) for item in v if "id" in item}
    by_id["adult-a"].update(
        {
            "interpreterNeeded": True,
            "language": "Yoruba",
            "immigrationStatus": "limited-leave",
            "noRecourseToPublicFunds": True,
        }
    )
    by_id["child-2"]["parentNotRecorded"] = "declined-to-name"
    inc = by_id["inc-1"]
    inc["classification"] = "domestic-abuse"
    inc["parties"][1]["abuseKinds"] = inc["abuseKinds"][:1]
    inc["parties"][3]["harm"] = ["physical-abuse"]
    by_id["contact-1"].update({"practitioner": "PC 4471 Hughes", "personsPresent": ["adult-a"]})
    by_id["disc-1"].update({"practitioner": "SW J. Patel", "personsPresent": ["adult-b"]})
    by_id["ra-1"]["practitioner"] = "IDVA R. Khan"
    by_id["aa-1"].update(
        {"seen": True, "seenAlone": False, "askedAlone": False, "response": ["minimises", "disguised-compliance"]}
    )
    by_id["marac-1"]["meeting"] = {
        "heard": "2025-05-29",
        "agenciesPresent": ["police", "csc", "idva"],
        "repeat": False,
        "victimInformed": True,
        "victimInformedDate": "2025-05-30",
    }
    by_id["plan-1"]["activities"][0].update({"due": "2025-06-13", "completed": "2025-06-10"})
    by_id["share-1"]["frontDoorDecision"] = {
        "outcome": "strategy-discussion",
        "decided": "2025-05-12T15:00:00Z",
        "by": "csc",
    }
    return doc


def test_new_elements_are_valid_round_trip_and_conform(tmp_path: Path) -> None:
    doc = _record()
    assert list(validate_logical(doc)) == []
    bundle = logical_to_bundle(copy.deepcopy(doc))
    report = ConversionReport()
    back = bundle_to_logical(bundle, report)
    again = logical_to_bundle(back)
    assert json.dumps(again, sort_keys=True) == json.dumps(bundle, sort_keys=True)
    people = {p["id"]: p for p in back["persons"]}
    assert "limited-leave" in json.dumps(people["adult-a"]["immigrationStatus"])
    assert back["incidents"][0]["parties"][3]["harm"] and back["adultAssessments"][0]["response"]
    path = tmp_path / "all.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    profile = [f for f in validate([path]).findings if f.rule_id.startswith(("DA1", "DA2"))]
    assert profile == [], [f.message for f in profile]
    assert back["maracReferrals"][0]["meeting"]["victimInformedDate"] == "2025-05-30"
    assert back["informationSharing"][0]["frontDoorDecision"]["decided"] == "2025-05-12T15:00:00Z"


def test_parental_conflict_call_out_needs_no_person_causing_harm_or_kind(tmp_path: Path) -> None:
    doc = json.loads(BASE.read_text(encoding="utf-8"))
    inc = doc["incidents"][0]
    inc["classification"] = "parental-conflict"
    del inc["abuseKinds"]
    for party in inc["parties"][:2]:
        party["role"] = "other-party"
    assert list(validate_logical(doc)) == []
    path = tmp_path / "conflict.json"
    path.write_text(json.dumps(logical_to_bundle(doc)), encoding="utf-8")
    profile = [f for f in validate([path]).findings if f.rule_id.startswith(("DA1", "DA2"))]
    assert profile == [], [f.message for f in profile]
    # Without the classification the same incident breaks da-inc-1 and da-inc-3, and the logical record says so.
    del inc["classification"]
    assert any("abuseKinds" in message for _, message in validate_logical(doc))
