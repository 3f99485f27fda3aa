"""The synthetic example cases: data files in examples/cases/, their Bundles in examples/fhir/ (in sync, built by
the one writer), well formed, and valid."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from dastandard.standard import standard
from dastandard.validation import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "fhir"
INDEX = json.loads((EXAMPLES.parent / "cases.json").read_text(encoding="utf-8"))
CASE_FILES = sorted(p.name for p in EXAMPLES.glob("case-*.json"))
DAR_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DAR_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ABSENT_REASONS = {"not-asked", "asked-declined", "asked-unknown", "unknown", "not-applicable"}
ALL_POINTS = {f"L{n:02d}" for n in range(1, 27)}


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_cases", ROOT / "scripts" / "example_cases.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["example_cases"] = module
    spec.loader.exec_module(module)
    return module


BUILDER = _load_builder()
CASE_DATA = sorted(p.name for p in (ROOT / "examples" / "cases").glob("case-*.logical.json"))


def _bundle(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _ext(resource: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in resource.get("extension", []) if e["url"] == url]


def _patients(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]


def _mod11_ok(number: str) -> bool:
    if not re.fullmatch(r"\d{10}", number):
        return False
    check = 11 - sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


def test_committed_files_match_the_generator() -> None:
    rendered = BUILDER.render_cases()
    assert rendered, "the generator wrote nothing"
    for path, content in rendered.items():
        assert path.read_bytes() == content, f"{path.name} is stale: run python scripts/regen.py"
    assert {p.name for p in rendered} == {*CASE_FILES, "cases.json"}


def test_each_bundle_comes_from_one_valid_data_file() -> None:
    """One logical record per case, listed once in the index, valid; each of its items is one entry of the Bundle
    (ids kept), and nothing else is: no conversion Provenance, as the data file is the source."""
    from dastandard.logical import validate_logical

    assert [f"{c['case']}.logical.json" for c in BUILDER.load(BUILDER.CASE_INDEX)["cases"]] == CASE_DATA
    assert [name.replace(".logical.json", ".json") for name in CASE_DATA] == CASE_FILES
    for name in CASE_DATA:
        doc = json.loads((ROOT / "examples" / "cases" / name).read_text(encoding="utf-8"))
        assert list(validate_logical(doc)) == [], name
        items = [item for value in doc.values() if isinstance(value, list) for item in value if isinstance(item, dict)]
        bundle = _bundle(name.replace(".logical.json", ".json"))
        assert sorted(e["resource"]["id"] for e in bundle["entry"]) == sorted(i["resourceId"] for i in items)


def test_at_least_ten_cases_and_the_index_lists_each_once() -> None:
    assert len(CASE_FILES) >= 10
    listed = [case["file"] for case in INDEX["cases"]]
    assert sorted(listed) == CASE_FILES
    for case in INDEX["cases"]:
        assert case["title"].strip() and len(case["scenario"]) > 200
        assert set(case["focus"]) <= set(case["learning_points"]) <= ALL_POINTS


def test_every_learning_point_is_exercised_somewhere() -> None:
    exercised = set().union(*(case["learning_points"] for case in INDEX["cases"]))
    assert exercised == ALL_POINTS


@pytest.mark.parametrize(
    ("file", "points"),
    [
        ("case-01-post-separation-contact.json", {"L17", "L22"}),
        ("case-02-female-person-causing-harm.json", {"L14"}),
        ("case-03-same-sex-couple.json", {"L14"}),
        ("case-04-coercive-control.json", {"L02"}),
        ("case-05-new-partner-clares-law.json", {"L21"}),
        ("case-06-adolescent-past-exposure.json", {"L12"}),
        ("case-07-disengagement-unborn.json", {"L20"}),
        ("case-08-victim-leaves-children-stay.json", {"L16"}),
        ("case-09-marac-actions-for-children.json", {"L10", "L11"}),
        ("case-10-retracted-disclosure.json", {"L19", "L25"}),
    ],
)
def test_required_case_focus(file: str, points: set[str]) -> None:
    case = next(c for c in INDEX["cases"] if c["file"] == file)
    assert points <= set(case["focus"])


def test_exercised_points_are_derived_from_content() -> None:
    """The detector really reads the Bundle: removing the incidents removes what only incidents show."""
    bundle = _bundle("case-04-coercive-control.json")
    assert {"L01", "L02", "L13"} <= BUILDER.exercised(bundle)
    without = dict(
        bundle, entry=[e for e in bundle["entry"] if "DAIncident" not in e["resource"]["meta"]["profile"][0]]
    )
    assert not {"L01", "L02", "L13"} & BUILDER.exercised(without)


@pytest.mark.parametrize("name", CASE_FILES)
def test_parses_as_fhir_r4b_bundle(name: str) -> None:
    bundle = Bundle.model_validate(_bundle(name))
    assert bundle.type == "collection"
    # A whole family's record: a conflict call-out has fewer items than a case of abuse, but never a handful.
    assert bundle.entry and len(bundle.entry) > 20


@pytest.mark.parametrize("name", CASE_FILES)
def test_bundle_shape_profiles_and_security(name: str) -> None:
    bundle = _bundle(name)
    canonical = standard().canonical
    assert bundle["meta"]["profile"] == [f"{canonical}/StructureDefinition/DACaseBundle"]
    security = {(s["system"], s["code"]) for s in bundle["meta"]["security"]}
    assert ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SDV") in security
    assert security & {
        ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
        ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "V"),
    }
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", resource["id"])
        (profile,) = resource["meta"]["profile"]
        assert profile.startswith(f"{canonical}/StructureDefinition/DA")
        assert standard().get(profile) is not None, f"{profile} is not a shipped StructureDefinition"
    # every reference points at an entry of the same Bundle
    for node in _walk(bundle["entry"]):
        if "reference" in node and isinstance(node["reference"], str):
            assert node["reference"] in set(full_urls), node["reference"]


@pytest.mark.parametrize("name", CASE_FILES)
def test_protected_characteristics_of_every_person(name: str) -> None:
    canonical = standard().canonical
    required = [
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory",
        f"{canonical}/StructureDefinition/person-sex",
        f"{canonical}/StructureDefinition/gender-identity",
        f"{canonical}/StructureDefinition/sexual-orientation",
        f"{canonical}/StructureDefinition/pregnancy-status",
        "http://hl7.org/fhir/StructureDefinition/patient-religion",
        "http://hl7.org/fhir/StructureDefinition/patient-disability",
    ]
    people = _patients(_bundle(name))
    assert len(people) >= 2
    for person in people:
        assert "birthDate" in person or person["_birthDate"]["extension"][0]["url"] == DAR_URL
        concepts = [person["maritalStatus"]]
        for url in required:
            for holder in _ext(person, url):
                if url.endswith("/pregnancy-status"):  # complex: the status part carries the value or reason
                    holder = next(s for s in holder["extension"] if s["url"] == "status")
                concepts.append(holder["valueCodeableConcept"])
        for concept in concepts:
            # a value, or absence stated by a coding the bound ValueSet accepts (never an extension alone)
            assert concept.get("coding"), f"{person['id']}: a coding (a value or a coded absent reason)"
            assert "extension" not in concept, f"{person['id']}: absence is coded, not an extension"
            reasons = {c["code"] for c in concept["coding"] if c["system"] == DAR_SYSTEM}
            assert reasons <= ABSENT_REASONS
        for url in required:
            assert len(_ext(person, url)) == 1, f"{person['id']} lacks {url}"


def test_absent_reasons_are_used_explicitly() -> None:
    """Across the cases each absent reason appears, e.g. sexual orientation not applicable for a young child."""
    seen: set[str] = set()
    for name in CASE_FILES:
        for node in _walk(_bundle(name)["entry"]):
            if node.get("system") == DAR_SYSTEM:
                seen.add(node["code"])
    assert {"not-applicable", "asked-declined", "not-asked", "asked-unknown", "unknown"} <= seen


@pytest.mark.parametrize("name", CASE_FILES)
def test_nhs_numbers_are_synthetic_and_valid(name: str) -> None:
    numbers = [
        i["value"]
        for p in _patients(_bundle(name))
        for i in p.get("identifier", [])
        if i["system"] == "https://fhir.nhs.uk/Id/nhs-number"
    ]
    assert numbers
    for number in numbers:
        assert number.startswith("999") and _mod11_ok(number), number


def test_mod11_check_rejects_a_wrong_digit() -> None:
    good = "9998590310"  # Claire Ashworth in case 01
    assert _mod11_ok(good)
    assert not _mod11_ok(good[:9] + str((int(good[9]) + 1) % 10))


@pytest.mark.parametrize("name", CASE_FILES)
def test_risk_items_carry_question_numbers_only(name: str) -> None:
    bundle = _bundle(name)
    assessments = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment"]
    assert assessments
    for ra in assessments:
        items = [e for e in ra["extension"] if e["url"].endswith("/risk-item")]
        assert items
        yes = 0
        for item in items:
            names = {sub["url"] for sub in item["extension"]}
            assert names <= {"question", "answer", "comment"} and "comment" not in names
            answer = next(s for s in item["extension"] if s["url"] == "answer")
            yes += answer["valueCodeableConcept"]["coding"][0]["code"] == "yes"
        score = next(e for e in ra["extension"] if e["url"].endswith("/risk-score"))
        assert score["valueInteger"] == yes


@pytest.mark.parametrize("name", CASE_FILES)
def test_plans_direct_actions_at_the_person_causing_harm(name: str) -> None:
    bundle = _bundle(name)
    harm = set()
    for entry in bundle["entry"]:
        for party in _ext(entry["resource"], f"{standard().canonical}/StructureDefinition/incident-party"):
            parts = {s["url"]: s for s in party["extension"]}
            if parts["role"]["valueCodeableConcept"]["coding"][0]["code"] == "person-causing-harm":
                harm.add(parts["person"]["valueReference"]["reference"])
    directed = {
        e["valueReference"]["reference"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "CarePlan"
        for activity in entry["resource"]["activity"]
        for e in activity["extension"]
    }
    if not harm:  # a call-out assessed as parental conflict: every incident says so, and no plan targets a "harmer"
        incidents = [
            e["resource"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "Observation"
            and e["resource"]["code"]["coding"][0]["code"] == "incident"
        ]
        classified = [
            c["valueCodeableConcept"]["coding"][0]["code"]
            for inc in incidents
            for c in inc.get("component", [])
            if c["code"]["coding"][0]["code"] == "classification"
        ]
        assert incidents and classified == ["parental-conflict"] * len(incidents)
        return
    assert harm & directed


def test_a_retraction_keeps_the_original_disclosure() -> None:
    bundle = _bundle("case-10-retracted-disclosure.json")
    comms = {e["fullUrl"]: e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"}
    retractions = [c for c in comms.values() if c["category"][0]["coding"][0]["code"] == "retraction"]
    assert len(retractions) == 1
    (retracts,) = [e for e in retractions[0]["extension"] if e["url"].endswith("/retracts")]
    original = comms[retracts["valueReference"]["reference"]]
    assert original["status"] == "completed" and original["category"][0]["coding"][0]["code"] == "disclosure"


# A good-practice example has no findings at all, whatever their severity; an example written to show a failure
# raises exactly the rule ids its index entry names (``findings``), and nothing else.
@pytest.mark.parametrize("name", CASE_FILES)
def test_validates_with_exactly_the_findings_it_shows(name: str) -> None:
    report = validate([EXAMPLES / name])
    expected = set(next(c for c in INDEX["cases"] if c["file"] == name).get("findings", ()))
    problems = [f"{f.rule_id} {f.severity} {f.path}: {f.message}" for f in report.findings if f.rule_id not in expected]
    assert not problems, "\n".join(problems)
    assert {f.rule_id for f in report.findings} == expected
