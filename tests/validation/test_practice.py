"""Practice rules (DA3xxx): each failing example fires exactly its rule; the clean cases fire none; no rule reads
sex or gender to decide a role (L14); settings (disable, severity, params, reference date) are honoured; malformed
records never crash a rule."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dastandard.catalog import catalog
from dastandard.config import Settings
from dastandard.findings import Finding, Layer, Severity
from dastandard.model.ids import extension_url
from dastandard.validation.practice import RULE_IDS, check_record

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
INVALID = ROOT / "examples" / "invalid"
DEFAULT = Settings()


def load(path: Path) -> dict[str, Any]:
    return orjson.loads(path.read_bytes())  # type: ignore[no-any-return]


def run(record: Any, settings: Settings = DEFAULT) -> list[Finding]:
    return list(check_record(record, settings=settings, file="x.json", record_no=7))


def ids(record: Any, settings: Settings = DEFAULT) -> set[str]:
    return {f.rule_id for f in run(record, settings)}


CLEAN = [DATA / "clean_case.json", DATA / "clean_same_sex.json"]


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_cases_raise_nothing(path: Path) -> None:
    assert run(load(path)) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_failing_example_fires_exactly_its_rule(rule_id: str) -> None:
    findings = run(load(INVALID / f"{rule_id}.json"))
    assert {f.rule_id for f in findings} == {rule_id}
    for finding in findings:
        assert finding.layer is Layer.PRACTICE
        assert finding.severity is catalog()[rule_id].severity
        assert finding.file == "x.json" and finding.record == 7
        assert finding.path.startswith("Bundle.entry[")
        assert finding.resource.count("/") == 1


def test_catalog_lists_every_practice_rule_with_its_example() -> None:
    practice = {rid for rid, rule in catalog().items() if rule.layer is Layer.PRACTICE}
    assert practice == set(RULE_IDS)
    for rule_id in RULE_IDS:
        assert catalog()[rule_id].bad_example == f"invalid/{rule_id}.json"
        assert catalog()[rule_id].learning_points


def test_every_checkable_learning_point_has_a_rule() -> None:
    covered = {lp for rid in RULE_IDS for lp in catalog()[rid].learning_points}
    wanted = {f"L{n:02d}" for n in [*range(1, 14), *range(15, 26)]} - {"L22"}
    assert wanted <= covered


def test_findings_point_at_the_offending_resource() -> None:
    record = load(INVALID / "DA3101.json")
    (finding,) = run(record)
    position = int(finding.path.split("[")[1].split("]")[0])
    resource = record["entry"][position]["resource"]
    assert finding.path.endswith(".valueString")
    assert finding.resource == f"Observation/{resource['id']}"
    assert "valueString" not in resource


# --- L14: roles never come from sex or gender -----------------------------------------------------------------------

SEX_URLS = {extension_url("person-sex"), extension_url("gender-identity"), extension_url("sexual-orientation")}


def swap_sex(record: dict[str, Any], sex: str) -> dict[str, Any]:
    out = copy.deepcopy(record)
    for entry in out["entry"]:
        res = entry["resource"]
        if res["resourceType"] != "Patient":
            continue
        res["gender"] = {"F": "female", "M": "male"}.get(sex, "unknown")
        for item in res.get("extension", []):
            if item["url"] == extension_url("person-sex"):
                item["valueCodeableConcept"] = {"coding": [{"code": sex}]}
            if item["url"] == extension_url("gender-identity"):
                item["valueCodeableConcept"] = {"coding": [{"code": {"F": "2", "M": "1"}.get(sex, "X")}]}
    return out


@pytest.mark.parametrize("path", [*CLEAN, *sorted(INVALID.glob("DA3*.json"))], ids=lambda p: p.name)
def test_no_rule_reads_sex_or_gender_to_decide_a_role(path: Path) -> None:
    record = load(path)
    baseline = [(f.rule_id, f.path) for f in run(record)]
    for sex in ("F", "M", "U"):
        assert [(f.rule_id, f.path) for f in run(swap_sex(record, sex))] == baseline


def test_sex_and_gender_are_read_only_for_completeness() -> None:
    """Every mention of sex or gender in the practice rules is inside the L09 completeness check."""
    import ast
    import re

    package = ROOT / "dastandard" / "validation" / "practice"
    tree = ast.Module(
        body=[
            node for path in sorted(package.glob("*.py")) for node in ast.parse(path.read_text(encoding="utf-8")).body
        ],
        type_ignores=[],
    )
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in ("_characteristic_present", "_urls_for"):
            allowed |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") in ("CHARACTERISTICS", "ASKABLE") for t in node.targets
        ):
            allowed |= {id(n) for n in ast.walk(node)}
    mentions = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and {"sex", "gender"} & set(re.split(r"[^a-z]+", node.value.lower()))
        and id(node) not in allowed
        and len(node.value) < 40  # messages and docstrings are prose, not element names
    ]
    assert mentions == []


def test_female_person_causing_harm_and_same_sex_couple_are_clean() -> None:
    clean = load(DATA / "clean_case.json")
    same_sex = load(DATA / "clean_same_sex.json")
    sexes = {}
    for record in (clean, same_sex):
        for entry in record["entry"]:
            res = entry["resource"]
            for item in res.get("extension", []):
                if item["url"] == extension_url("person-sex"):
                    sexes[(id(record), res["name"][0]["given"][0])] = item["valueCodeableConcept"]["coding"][0]["code"]
    assert sexes[(id(clean), "Pch")] == "F" and sexes[(id(clean), "Victim")] == "M"
    assert sexes[(id(same_sex), "Pch")] == "F" and sexes[(id(same_sex), "Victim")] == "F"
    assert run(clean) == [] and run(same_sex) == []


# --- settings ---------------------------------------------------------------------------------------------------------


def test_disabled_rule_is_not_run() -> None:
    record = load(INVALID / "DA3101.json")
    assert ids(record, Settings(disabled=frozenset({"DA3101"}))) == set()


def test_severity_override_is_applied() -> None:
    record = load(INVALID / "DA3101.json")
    (finding,) = run(record, Settings(severity={"DA3101": Severity.INFO}))
    assert finding.severity is Severity.INFO


def test_verification_period_is_a_param() -> None:
    record = load(INVALID / "DA3404.json")
    assert ids(record, Settings(params={"DA3404": {"days": 400}})) == set()
    assert ids(load(DATA / "clean_case.json"), Settings(params={"DA3404": {"days": 10}})) == {"DA3404"}


def test_reference_date_param_replaces_bundle_timestamp() -> None:
    clean = load(DATA / "clean_case.json")
    assert ids(clean, Settings(params={"DA3602": {"reference-date": "2024-12-31"}})) == {"DA3602"}
    assert ids(load(INVALID / "DA3602.json"), Settings(params={"DA3602": {"reference-date": "2024-03-01"}})) == set()


def test_reference_date_falls_back_to_latest_date_not_the_clock() -> None:
    record = load(INVALID / "DA3602.json")
    del record["timestamp"]
    # the latest date in the record (a last-verified or contact date in 2024) is the reference: still fires
    assert ids(record) == {"DA3602"}


def test_escalation_threshold_params() -> None:
    record = load(INVALID / "DA3501.json")
    assert ids(record, Settings(params={"DA3501": {"incidents": 4}})) == set()
    assert ids(record, Settings(params={"DA3501": {"months": 5}})) == set()
    assert ids(load(DATA / "clean_case.json"), Settings(params={"DA3501": {"incidents": 2}})) == set()


def test_escalation_is_cleared_by_a_later_marac_referral() -> None:
    record = load(INVALID / "DA3501.json")
    for entry in record["entry"]:
        if entry["resource"]["resourceType"] == "ServiceRequest":
            entry["resource"]["authoredOn"] = "2024-03-12"
    assert "DA3501" not in ids(record)


def test_separation_window_is_a_param() -> None:
    record = load(INVALID / "DA3403.json")
    assert ids(record, Settings(params={"DA3403": {"months": 0}})) == set()


def test_pregnancy_declined_is_an_answer() -> None:
    record = load(INVALID / "DA3302.json")
    for entry in record["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "Patient" and res["name"][0]["given"][0] == "Victim":
            res["extension"].append(
                {
                    "url": extension_url("pregnancy-status"),
                    "valueCodeableConcept": {
                        "extension": [
                            {
                                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                "valueCode": "asked-declined",
                            }
                        ]
                    },
                }
            )
    assert ids(record) == set()


def test_rationale_clears_both_adults_causing_harm() -> None:
    record = load(INVALID / "DA3105.json")
    incident = next(e["resource"] for e in record["entry"] if e["resource"].get("valueString", "").startswith("Mother"))
    party = incident["extension"][1]
    party["extension"].append({"url": "roleRationale", "valueString": "Each pushed the other; both arrested."})
    assert ids(record) == set()


# --- robustness -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        None,
        [],
        "x",
        3,
        {},
        {"resourceType": "Patient"},
        {"resourceType": "Bundle"},
        {"resourceType": "Bundle", "entry": 5},
        {"resourceType": "Bundle", "entry": [None, 1, "x", {"resource": None}, {"resource": {"resourceType": 3}}]},
    ],
)
def test_non_bundles_and_empty_bundles_yield_nothing(record: Any) -> None:
    assert run(record) == []


def _breakers() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.booleans(),
        st.just([]),
        st.just({}),
        st.just([None, 1]),
        st.just({"reference": 4}),
        st.just("2024-13-45"),
        st.just({"coding": "x"}),
    )


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


_CLEAN = load(DATA / "clean_case.json")
_PATHS = _paths(_CLEAN)[1:]


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _breakers()), min_size=1, max_size=6))
def test_rules_never_crash_on_damaged_records(damage: list[tuple[tuple[Any, ...], Any]]) -> None:
    record = copy.deepcopy(_CLEAN)
    for path, value in damage:
        node: Any = record
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    for finding in run(record):
        assert finding.rule_id in RULE_IDS


def test_rules_never_crash_when_any_single_resource_is_removed() -> None:
    for i in range(len(_CLEAN["entry"])):
        record = copy.deepcopy(_CLEAN)
        del record["entry"][i]
        run(record)


def test_a_record_indexes_fast() -> None:
    import time

    record = load(DATA / "clean_case.json")
    start = time.perf_counter()
    for _ in range(50):
        run(record)
    assert (time.perf_counter() - start) / 50 < 0.05
