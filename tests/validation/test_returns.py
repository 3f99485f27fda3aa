"""Return-level rules (DA4xxx): each failing return fires exactly its rule; clean returns fire none; summaries are
small and picklable; malformed records never crash summarize or finish."""

from __future__ import annotations

import copy
import pickle
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.catalog import catalog
from dastandard.config import Settings
from dastandard.findings import Finding, Layer
from dastandard.validation.practice import CHARACTERISTICS
from dastandard.validation.returns import RETURN_RULE_IDS, IncidentKey, RecordSummary, ReturnChecks, summarize

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
INVALID = ROOT / "examples" / "invalid"


def records(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def check(items: list[Any], settings: Settings | None = None, file: str = "ret.ndjson") -> list[Finding]:
    checks = ReturnChecks(settings or Settings())
    for number, record in enumerate(items, 1):
        checks.add(summarize(record, file=file, record_no=number))
    return list(checks.finish())


def clean() -> dict[str, Any]:
    return orjson.loads((DATA / "clean_case.json").read_bytes())  # type: ignore[no-any-return]


@pytest.mark.parametrize("rule_id", RETURN_RULE_IDS)
def test_failing_return_fires_exactly_its_rule(rule_id: str) -> None:
    items = records(INVALID / f"{rule_id}.ndjson")
    assert len(items) >= 2
    findings = check(items)
    assert {f.rule_id for f in findings} == {rule_id}
    for finding in findings:
        assert finding.layer is Layer.RETURN
        assert finding.severity is catalog()[rule_id].severity


def test_catalog_lists_every_return_rule() -> None:
    assert {rid for rid, r in catalog().items() if r.layer is Layer.RETURN} == set(RETURN_RULE_IDS)


def test_clean_returns_raise_nothing() -> None:
    same_sex = orjson.loads((DATA / "clean_same_sex.json").read_bytes())
    assert check([clean(), clean(), same_sex]) == []
    assert check([clean()]) == []
    assert check([]) == []


def test_findings_name_the_record() -> None:
    (first, second) = check(records(INVALID / "DA4004.ndjson"))
    assert (first.file, first.record, first.path) == ("ret.ndjson", 2, "Bundle")
    assert dict(first.details)["dates"] == ("2023-09-10",)
    assert dict(first.details)["child"] != dict(second.details)["child"]


def test_order_of_records_does_not_matter_for_historic_exposure() -> None:
    items = records(INVALID / "DA4004.ndjson")
    assert [f.record for f in check(items[::-1])] == [1, 1]


def test_rate_threshold_is_a_param() -> None:
    items = records(INVALID / "DA4001.ndjson")
    assert check(items, Settings(params={"DA4001": {"threshold": 0.5}})) == []
    findings = check([clean()], Settings(params={"DA4001": {"threshold": 1.01}}))
    assert len(findings) == 8 and {f.rule_id for f in findings} == {"DA4001"}


def test_disabled_return_rules_report_nothing() -> None:
    everything = frozenset(RETURN_RULE_IDS)
    for rule_id in RETURN_RULE_IDS:
        assert check(records(INVALID / f"{rule_id}.ndjson"), Settings(disabled=everything)) == []


def test_same_identifier_on_two_persons_in_one_record() -> None:
    record = clean()
    patients = [e["resource"] for e in record["entry"] if e["resource"]["resourceType"] == "Patient"]
    patients[1]["identifier"][0] = copy.deepcopy(patients[0]["identifier"][0])
    findings = check([record])
    assert [f.rule_id for f in findings] == ["DA4002"]
    assert findings[0].record == 1


def _with_identifiers(record: dict[str, Any], person_id: str, values: dict[str, str | None]) -> dict[str, Any]:
    """``record`` with the identifiers of the person ``person_id`` whose system ends in a key of ``values`` set to
    its value (None: removed)."""
    record = copy.deepcopy(record)
    for entry in record["entry"]:
        resource = entry["resource"]
        if resource.get("id") == person_id:
            kept = []
            for ident in resource["identifier"]:
                kind = next((k for k in values if ident["system"].endswith(k)), None)
                if kind is None:
                    kept.append(ident)
                elif values[kind] is not None:
                    kept.append({**ident, "value": values[kind]})
            resource["identifier"] = kept
    return record


CHILD = "0b8f76ac-11f2-5cc5-9bff-467fe5269037"  # NHS number 9400000030, LA child id LA-C1, born 2014-02-10


def test_an_la_child_id_on_persons_with_different_nhs_numbers_across_records() -> None:
    """Two agencies' records give one LA child id to children with different NHS numbers (same birth date): two
    children's histories would be merged through the id."""
    other_child = _with_identifiers(clean(), CHILD, {"nhs-number": "9400000065"})
    found = [f for f in check([clean(), other_child], file="family.ndjson") if f.rule_id == "DA4002"]
    assert len(found) == 1
    (finding,) = found
    assert (finding.file, finding.record, dict(finding.details)["identifier"]) == ("family.ndjson", 2, "la:LA-C1")
    assert "different NHS numbers (9400000030 in family.ndjson record 1, 9400000065 here)" in finding.message
    assert "Patient" in finding.resource or CHILD in finding.resource


def test_two_children_sharing_an_la_child_id_are_not_merged_into_one_history() -> None:
    """DA4004's return: the later record's child with LA-C1 has another NHS number, so the earlier child's exposure
    is not demanded of it (that child is not in the later record); the other child's still is."""
    first, later = records(INVALID / "DA4004.ndjson")
    later = _with_identifiers(later, CHILD, {"nhs-number": "9400000065"})
    found = [
        (f.rule_id, dict(f.details).get("identifier") or dict(f.details).get("child")) for f in check([first, later])
    ]
    assert sorted(found) == [("DA4002", "la:LA-C1"), ("DA4004", "nhs:9400000049")]


def test_an_identifier_seen_first_without_an_nhs_number_is_checked_against_the_first_one_met() -> None:
    no_nhs = _with_identifiers(clean(), CHILD, {"nhs-number": None})
    other_child = _with_identifiers(clean(), CHILD, {"nhs-number": "9400000065"})
    found = [f for f in check([no_nhs, clean(), no_nhs, other_child]) if f.rule_id == "DA4002"]
    assert [(f.record, dict(f.details)["identifier"]) for f in found] == [(4, "la:LA-C1")]
    assert "(9400000030 in ret.ndjson record 2, 9400000065 here)" in found[0].message


def test_one_child_known_by_nhs_number_to_some_agencies_and_by_la_id_alone_to_others_is_not_a_conflict() -> None:
    la_only = _with_identifiers(clean(), CHILD, {"nhs-number": None})
    nhs_only = _with_identifiers(clean(), CHILD, {"la-child-id": None})
    moved = _with_identifiers(clean(), CHILD, {"la-child-id": "LA-OTHER-7"})  # a new council's id, same NHS number
    assert [f for f in check([clean(), la_only, nhs_only, moved, clean()]) if f.rule_id == "DA4002"] == []


def test_linking_by_identifier_clears_unlinked_incidents() -> None:
    first, second = records(INVALID / "DA4003.ndjson")
    incident = next(e["resource"] for e in second["entry"] if "valueString" in e["resource"])
    earlier = next(
        e["resource"] for e in first["entry"] if e["resource"].get("effectiveDateTime", "").startswith("2023")
    )
    incident["extension"].append(
        {
            "url": "https://dastandard.org.uk/fhir/StructureDefinition/linked-incident",
            "valueReference": {"identifier": earlier["identifier"][0]},
        }
    )
    assert check([first, second]) == []


def test_summary_is_small_and_picklable() -> None:
    summary = summarize(clean(), file="a.json", record_no=None)
    assert isinstance(summary, RecordSummary)
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert len(pickle.dumps(summary)) < 4000
    assert summary.persons == 5 and summary.reference_date == "2024-06-30"


@pytest.mark.parametrize("record", [None, 1, "x", [], {}, {"resourceType": "Bundle", "entry": [1, None, {}]}])
def test_malformed_records_summarize_and_finish(record: Any) -> None:
    summary = summarize(record, file="x", record_no=1)
    assert summary.persons == 0
    assert check([record, clean()]) == []


def _distinct_summary(n: int) -> RecordSummary:
    """A record with persons, a pair and a child nobody else has (so every key is new to the return)."""
    child, harm, victim = f"nhs|c{n}", f"nhs|h{n}", f"nhs|v{n}"
    return RecordSummary(
        file="big.ndjson",
        record_no=n,
        reference_date="2025-03-31",
        persons=3,
        recorded=tuple((name, 3) for name in CHARACTERISTICS),
        identities=((child, "2015-01-01", "Patient/c"), (harm, "1980-01-01", "Patient/h"), (victim, "", "Patient/v")),
        incidents=(IncidentKey(harm, victim, "2025-01-02", frozenset({f"inc|{n}"}), frozenset()),),
        exposure=((child, frozenset({"2025-01-02"})),),
        children=(child,),
    )


def _peak_adding(count: int) -> int:
    checks = ReturnChecks(Settings())
    tracemalloc.start()
    try:
        for n in range(count):
            checks.add(_distinct_summary(n))
        found = list(checks.finish())
        assert [f.rule_id for f in found] == []  # nothing to report: every record is about other people
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_return_check_memory_does_not_grow_with_the_people_in_the_return() -> None:
    _peak_adding(10)
    small, large = _peak_adding(500), _peak_adding(10_000)
    # Twenty times the people: the key tables live on disk, so the peak is that of a few rows in flight.
    assert large < small * 1.5 + 256 * 1024, (small, large)


def test_findings_from_the_key_tables_come_in_rule_id_order() -> None:
    """Records that fire DA4004, DA4003 and DA4002 fed in that order: the findings still come in rule-id order."""
    items = [r for rule_id in ("DA4004", "DA4003", "DA4002") for r in records(INVALID / f"{rule_id}.ndjson")]
    rules = [f.rule_id for f in check(items)]
    assert {"DA4002", "DA4003", "DA4004"} <= set(rules)
    assert rules == sorted(rules)


def _placeholder_summary(n: int, day: str) -> RecordSummary:
    """A record of another family whose persons carry the same placeholder police person ids ("adult-a", ...)."""
    harm, victim, child = "police|adult-b", "police|adult-a", "police|child-1"
    return RecordSummary(
        file="force.csv",
        record_no=n,
        reference_date="2025-03-31",
        persons=3,
        identities=((harm, "", "Patient/h"), (victim, "", "Patient/v"), (child, "", "Patient/c")),
        incidents=(IncidentKey(harm, victim, day, frozenset({f"inc|{n}"}), frozenset()),),
        exposure=((child, frozenset({day})),),
        children=(child,),
    )


def _days(count: int) -> list[str]:
    start = date(2020, 1, 1)
    return [(start + timedelta(days=n)).isoformat() for n in range(count)]


def test_a_placeholder_identifier_on_thousands_of_records_is_reported_once_not_compared_pairwise() -> None:
    from dastandard.validation.returns import MAX_LINKED_RECORDS

    count = MAX_LINKED_RECORDS * 5
    checks = ReturnChecks(Settings())
    for n, day in enumerate(reversed(_days(count)), 1):  # latest first: the order a full scan is slowest in
        checks.add(_placeholder_summary(n, day))
    started = time.process_time()
    found = list(checks.finish())
    assert time.process_time() - started < 20  # pairwise comparison would be 25 million record pairs per rule
    crowded = [f for f in found if f.rule_id == "DA4002"]
    assert sorted(dict(f.details)["identifier"] for f in crowded) == [
        "police|adult-b and police|adult-a",
        "police|child-1",
    ]
    assert all(dict(f.details)["records"] == count and f.record == 1 for f in crowded)
    assert "placeholder" in crowded[0].message
    assert not [f for f in found if f.rule_id in ("DA4003", "DA4004")]
    assert [f.rule_id for f in found] == sorted(f.rule_id for f in found)  # still in rule-id order


def test_below_the_limit_each_later_record_names_the_record_where_the_pair_began() -> None:
    checks = ReturnChecks(Settings())
    days = _days(50)
    for n, day in enumerate(days, 1):
        checks.add(_placeholder_summary(n, day))
    found = [f for f in checks.finish() if f.rule_id == "DA4003"]
    assert [f.record for f in found] == list(range(2, 51))  # every record after the first holds no earlier one
    assert all("force.csv record 1 " in f.message for f in found)
