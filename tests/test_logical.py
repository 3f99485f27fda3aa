"""The logical record: its schema, its validation and its conversion to and from a DACaseBundle.

Golden files: ``examples/logical/<case>.logical.json`` must convert to ``<case>.expected.bundle.json`` (compared as
parsed JSON). ``python scripts/regen.py`` rewrites the expected Bundles after a deliberate change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from dastandard.convert.base import ConversionReport, Loss
from dastandard.logical import (
    SCHEMA_FILE,
    SECTIONS,
    build_schema,
    bundle_to_logical,
    logical_to_bundle,
    validate_logical,
    value_set_codes,
)
from dastandard.logical.model import ABSENT_REASONS, absence_codings
from dastandard.model.ids import identifier_system
from dastandard.standard import standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "logical"
CASES = sorted(p.name.removesuffix(".logical.json") for p in EXAMPLES.glob("*.logical.json"))
# Code lists the logical record names whose ValueSet is not shipped yet (their codes are not checked).
PENDING_VALUE_SETS = {"relationship-type"}
# External HL7 code lists the standard names but ships no ValueSet for (their codes are not checked here).
EXTERNAL_UNCHECKED = {"observation-category", "provenance-agent-type"}


def load(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def case(name: str) -> dict[str, Any]:
    return dict(load(EXAMPLES / f"{name}.logical.json"))


def walk_schema(node: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        yield path, node
        for key, sub in node.items():
            yield from walk_schema(sub, f"{path}.{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from walk_schema(sub, f"{path}[{index}]")


# ------------------------------------------------------------------------------------------------ schema


def test_shipped_schema_is_the_generated_one() -> None:
    assert load(ROOT / "validators" / SCHEMA_FILE) == build_schema()


def test_schema_is_valid_draft_2020_12_with_id_under_canonical() -> None:
    schema = build_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{standard().canonical}/logical-record.schema.json"


def test_every_property_has_a_description() -> None:
    missing = [
        f"{path}.properties.{name}"
        for path, node in walk_schema(build_schema())
        if isinstance(node.get("properties"), dict)
        for name, prop in node["properties"].items()
        if not (isinstance(prop, dict) and prop.get("description"))
    ]
    assert missing == []


def test_schema_has_every_section_of_the_model() -> None:
    expected = {
        "agencies", "persons", "households", "relationships", "incidents", "childVictimStatuses",
        "abuseClassifications", "childContacts", "disclosures", "riskAssessments", "maracReferrals", "plans",
        "riskFactors", "offendingHistories", "historyChecks", "contactArrangements", "adultAssessments",
        "serviceEpisodes", "informationSharing", "provenance",
    }  # fmt: skip
    properties = build_schema()["properties"]
    assert expected <= set(properties)
    assert {s.key for s in SECTIONS} == expected


def test_every_named_code_list_is_shipped_or_known_pending() -> None:
    named = {node["x-valueSet"] for _, node in walk_schema(build_schema()) if "x-valueSet" in node}
    unshipped = {vs for vs in named if value_set_codes(vs) is None}
    assert unshipped <= PENDING_VALUE_SETS | EXTERNAL_UNCHECKED, unshipped
    assert not any("enum" in node and len(node["enum"]) > 5 for _, node in walk_schema(build_schema()))


# ------------------------------------------------------------------------------------------------ examples


@pytest.mark.parametrize("name", CASES)
def test_example_is_valid(name: str) -> None:
    assert list(validate_logical(case(name))) == []


@pytest.mark.parametrize("name", CASES)
def test_example_converts_to_expected_bundle(name: str) -> None:
    bundle = logical_to_bundle(case(name), source=f"{name}.logical.json")
    expected_path = EXAMPLES / f"{name}.expected.bundle.json"
    assert bundle == load(expected_path)


@pytest.mark.parametrize("name", CASES)
def test_example_round_trips_without_loss(name: str) -> None:
    report = ConversionReport()
    assert bundle_to_logical(logical_to_bundle(case(name)), report) == case(name)
    assert report.lossless, report.losses


def test_at_least_two_rich_examples() -> None:
    assert len(CASES) >= 2
    for name in CASES:
        doc = case(name)
        assert sum(1 for s in SECTIONS if doc.get(s.key)) >= 18, name


@pytest.mark.parametrize("name", CASES)
def test_output_is_deterministic(name: str) -> None:
    first = orjson.dumps(logical_to_bundle(case(name), source="x"))
    assert orjson.dumps(logical_to_bundle(case(name), source="x")) == first


@pytest.mark.parametrize("name", CASES)
def test_bundle_references_resolve_and_ids_are_unique(name: str) -> None:
    bundle = logical_to_bundle(case(name))
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    ids = [(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]]
    assert len(set(ids)) == len(ids)
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        for path, node in walk_schema(entry["resource"]):
            if "reference" in node:
                assert node["reference"] in full_urls, path


@pytest.mark.parametrize("name", CASES)
def test_every_resource_has_profile_and_security(name: str) -> None:
    bundle = logical_to_bundle(case(name))
    for entry in bundle["entry"]:
        meta = entry["resource"]["meta"]
        assert len(meta["profile"]) == 1 and meta["profile"][0].startswith(standard().canonical)
        codes = {c["code"] for c in meta["security"]}
        assert "SDV" in codes and codes & {"R", "V"}


def test_person_security_override_is_carried() -> None:
    bundle = logical_to_bundle(case("separation-and-contact"))
    person = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert {c["code"] for c in person["meta"]["security"]} == {"V", "SDV"}
    assert bundle["meta"]["security"][0]["code"] == "R"


def test_conversion_provenance_names_the_source_and_targets_everything() -> None:
    bundle = logical_to_bundle(case("separation-and-contact"), source="family.logical.json")
    provenance = bundle["entry"][-1]["resource"]
    assert provenance["resourceType"] == "Provenance"
    assert provenance["entity"][0]["what"]["display"] == "family.logical.json"
    assert {t["reference"] for t in provenance["target"]} == {e["fullUrl"] for e in bundle["entry"][:-1]}


def _scalars(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, sub in node.items():
            for path, value in _scalars(sub):
                yield f"{key}.{path}" if path else key, value
    elif isinstance(node, list):
        for sub in node:
            yield from _scalars(sub)
    else:
        yield "", node


@pytest.mark.parametrize("name", CASES)
def test_every_output_value_is_traceable_to_the_input(name: str) -> None:
    """Each leaf of the Bundle is an input value, a canonical URL, a reference, or fixed by the standard."""
    doc = case(name)
    inputs = {v for _, v in _scalars(doc)} | {"source.logical.json"}
    fixed = {"collection", "source", "person", True, "order", "plan", "dastandard logical record converter"}
    fixed |= {s.resource_type for s in SECTIONS} | {"Bundle"}
    fixed |= {f.code for s in SECTIONS for f in s.fields if hasattr(f, "code") and isinstance(f.code, str)}
    fixed |= {s.record_type for s in SECTIONS}
    # a stated absence is coded with the code the bound ValueSet takes for the reason (UK Core: Z or 99)
    fixed |= {code for r in ABSENT_REASONS for _, code in absence_codings("nhs-ethnic-category", r)}
    structural_keys = ("system", "url", "reference", "fullUrl", "id", "profile")
    for path, value in _scalars(logical_to_bundle(doc, source="source.logical.json")):
        last = path.rsplit(".", 1)[-1]
        if last in structural_keys or (isinstance(value, str) and value.startswith(("http", "urn:uuid:"))):
            continue
        assert value in inputs or value in fixed, (path, value)


# ------------------------------------------------------------------------------------------------ validation


def errors(doc: Any) -> list[tuple[str, str]]:
    return list(validate_logical(doc))


def test_dangling_and_mistyped_references_are_reported_with_path() -> None:
    doc = case("separation-and-contact")
    doc["incidents"][0]["parties"][0]["person"] = "nobody"
    doc["incidents"][0]["agency"] = "adult-a"
    found = errors(doc)
    assert ("$.incidents[0].parties[0].person", "local id 'nobody' does not name any item in the record") in found
    assert any(p == "$.incidents[0].agency" and "expected agencies" in m for p, m in found)


def test_duplicate_local_ids_are_reported() -> None:
    doc = case("separation-and-contact")
    doc["agencies"][1]["id"] = "adult-a"
    assert any(p == "$.persons[0].id" and "already used" in m for p, m in errors(doc))


def test_codes_are_checked_against_shipped_value_sets() -> None:
    doc = case("separation-and-contact")
    doc["incidents"][0]["abuseKinds"] = ["physical", "not-a-kind"]
    doc["persons"][0]["sex"] = "X"
    found = errors(doc)
    assert ("$.incidents[0].abuseKinds[1]", "code 'not-a-kind' is not in the value set abuse-kind") in found
    assert ("$.persons[0].sex", "code 'X' is not in the value set sex") in found


def test_silent_characteristics_and_bad_absent_reasons_fail() -> None:
    doc = case("separation-and-contact")
    del doc["persons"][1]["sexualOrientation"]
    doc["persons"][1]["genderIdentity"] = {"absentReason": "forgot"}
    paths = {p for p, _ in errors(doc)}
    assert "$.persons[1]" in paths  # required property missing
    assert "$.persons[1].genderIdentity" in paths


def test_not_an_object_is_an_error_not_a_traceback() -> None:
    assert errors([1, 2]) and errors(None) and errors({"recordType": "something-else"})


def test_logical_to_bundle_refuses_an_invalid_record_with_the_path() -> None:
    doc = case("separation-and-contact")
    doc["riskAssessments"][0]["items"][0]["question"] = "one"
    with pytest.raises(ValueError, match=r"\$\.riskAssessments\[0\]\.items\[0\]\.question"):
        logical_to_bundle(doc)


# ------------------------------------------------------------------------------------------------ FHIR -> logical


def _bundle() -> dict[str, Any]:
    return logical_to_bundle(case("separation-and-contact"))


def _index(bundle: dict[str, Any], resource_type: str) -> int:
    return next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == resource_type)


def test_what_the_record_cannot_hold_is_reported_with_its_location() -> None:
    bundle = _bundle()
    patient_at = _index(bundle, "Patient")
    patient = bundle["entry"][patient_at]["resource"]
    patient["photo"] = [{"contentType": "image/png", "data": "07700"}]
    patient["extension"].append({"url": "https://example.org/unknown", "valueString": "x"})
    patient["extension"][0]["valueCodeableConcept"]["coding"][0]["userSelected"] = True
    bundle["entry"].append({"fullUrl": "urn:uuid:0000", "resource": {"resourceType": "Medication", "id": "m"}})
    incident_at = _index(bundle, "Observation")
    bundle["entry"][incident_at]["resource"]["subject"] = {"reference": "Patient/elsewhere"}
    report = ConversionReport()
    doc = bundle_to_logical(bundle, report)
    lost = {(e.kind, e.location) for e in report.losses}
    base = f"Bundle.entry[{patient_at}].resource"
    assert (Loss.UNMAPPED_FIELD, f"{base}.photo[0].contentType") in lost
    assert (Loss.UNMAPPED_FIELD, f"{base}.photo[0].data") in lost
    assert (Loss.UNMAPPED_FIELD, f"{base}.extension[{len(patient['extension']) - 1}].url") in lost
    assert (Loss.UNMAPPED_FIELD, f"{base}.extension[0].valueCodeableConcept.coding[0].userSelected") in lost
    assert (Loss.UNMAPPED_FIELD, f"Bundle.entry[{len(bundle['entry']) - 1}].resource.resourceType") in lost
    assert (Loss.UNMAPPED_FIELD, f"Bundle.entry[{incident_at}].resource.subject.reference") in lost
    assert all("07700" not in e.message for e in report.entries)  # values are never copied into the report
    assert "subject" not in doc["incidents"][0]
    assert doc["persons"][0]["sex"] == "F"


def test_a_display_and_a_code_from_another_system_are_carried() -> None:
    bundle = _bundle()
    patient = bundle["entry"][_index(bundle, "Patient")]["resource"]
    coding = patient["extension"][0]["valueCodeableConcept"]["coding"][0]
    coding["system"] = "https://example.org/sex"
    coding["display"] = "Female"
    report = ConversionReport()
    doc = bundle_to_logical(bundle, report)
    assert report.losses == []
    assert doc["persons"][0]["sex"] == {"code": "F", "system": "https://example.org/sex", "display": "Female"}
    again = logical_to_bundle(doc)
    patient_again = again["entry"][_index(again, "Patient")]["resource"]
    assert patient_again["extension"][0]["valueCodeableConcept"]["coding"][0] == coding


def test_a_bundle_without_local_ids_still_converts_to_a_valid_record() -> None:
    bundle = copy.deepcopy(_bundle())
    for entry in bundle["entry"]:
        identifiers = entry["resource"].get("identifier", [])
        kept = [i for i in identifiers if i.get("system") != identifier_system("local-id")]
        if kept:
            entry["resource"]["identifier"] = kept
        else:
            entry["resource"].pop("identifier", None)
    report = ConversionReport()
    doc = bundle_to_logical(bundle, report)
    assert report.lossless
    assert errors(doc) == []
    assert logical_to_bundle(doc)["entry"][0]["resource"]["name"] == "Northshire Police"


def test_garbage_never_raises() -> None:
    for junk in ({}, {"resourceType": "Bundle", "entry": "x"}, {"entry": [1, {"resource": []}]}):
        report = ConversionReport()
        bundle_to_logical(junk, report)
        assert not report.lossless


@pytest.mark.parametrize("name", CASES)
def test_bundle_parses_as_fhir(name: str) -> None:
    """An independent FHIR model (fhir.resources, R4B: structurally R4 for these resources) accepts the Bundle."""
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    bundle_model.Bundle.model_validate(logical_to_bundle(case(name)))


DAR_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
DAR_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
UKCORE_ETHNIC = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"


def _absent_concepts(node: Any) -> Iterator[dict[str, Any]]:
    """Every CodeableConcept of a Bundle whose codings state absence (a data-absent-reason coding)."""
    if isinstance(node, dict):
        codings = node.get("coding")
        if isinstance(codings, list) and any(c.get("system") == DAR_SYSTEM for c in codings):
            yield node
        for value in node.values():
            yield from _absent_concepts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _absent_concepts(value)


def test_absence_is_written_as_codings_the_bound_value_sets_take() -> None:
    """The writer codes absence (no data-absent-reason extension on a concept); UK Core's ethnic category, whose
    ValueSet the standard does not own, takes its own Z or 99 first and keeps the precise reason beside it."""
    bundle = logical_to_bundle(case("same-sex-couple-victim-left"))
    concepts = list(_absent_concepts(bundle))
    assert concepts and all("extension" not in c for c in concepts)
    ethnic = [c["coding"] for c in concepts if c["coding"][0]["system"] == UKCORE_ETHNIC]
    assert [{"system": UKCORE_ETHNIC, "code": "99"}, {"system": DAR_SYSTEM, "code": "not-asked"}] in ethnic
    assert all(len(c["coding"]) == 1 for c in concepts if c["coding"][0]["system"] == DAR_SYSTEM)


def _as_extensions(node: Any) -> Any:
    """The Bundle as older records stated absence: a lone data-absent-reason extension instead of codings."""
    if isinstance(node, dict):
        codings = node.get("coding")
        if isinstance(codings, list) and any(c.get("system") == DAR_SYSTEM for c in codings):
            reason = next(c["code"] for c in codings if c.get("system") == DAR_SYSTEM)
            return {"extension": [{"url": DAR_EXTENSION, "valueCode": reason}]}
        return {k: _as_extensions(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_extensions(v) for v in node]
    return node


@pytest.mark.parametrize("name", CASES)
def test_the_reader_maps_coded_and_older_absence_to_the_same_absent_reason(name: str) -> None:
    bundle = logical_to_bundle(case(name))
    coded, older = ConversionReport(), ConversionReport()
    assert _as_extensions(bundle) != bundle
    assert bundle_to_logical(_as_extensions(bundle), older) == bundle_to_logical(bundle, coded)
    assert coded.lossless and older.lossless


def test_a_national_not_stated_code_alone_is_a_value_not_an_absent_reason() -> None:
    """Only the writer's exact coded absence reads as ``absentReason``: UK Core Z on its own is the code Z."""
    doc = case("same-sex-couple-victim-left")
    doc["persons"][0]["ethnicityNhs"] = "Z"
    report = ConversionReport()
    back = bundle_to_logical(logical_to_bundle(doc), report)
    assert back["persons"][0]["ethnicityNhs"] == "Z" and report.lossless


def test_an_absence_code_is_not_a_code_value_of_the_logical_record() -> None:
    """The bound ValueSets include the data-absent-reason codes, but the record states absence one way only."""
    doc = case("separation-and-contact")
    doc["persons"][0]["sex"] = "not-asked"
    assert list(validate_logical(doc)) == [("$.persons[0].sex", "code 'not-asked' is not in the value set sex")]


def test_reading_never_changes_the_bundle_read() -> None:
    """The reader copies only what it takes from (shallow copies, copied on write), so the Bundle it is given is
    never changed: not for a shipped example, nor for one whose nested parts are of odd shapes (a repeated
    extension, a wrong list, components the standard does not code, a second coding of the record type)."""
    shipped = [load(p) for p in sorted((ROOT / "examples" / "fhir").glob("*.json"))]
    odd = copy.deepcopy(_bundle())
    for entry in odd["entry"]:
        resource = entry["resource"]
        if isinstance(resource.get("extension"), list) and resource["extension"]:
            resource["extension"].append(copy.deepcopy(resource["extension"][0]))
        if resource.get("resourceType") == "Observation":
            resource.setdefault("component", []).append({"code": {"text": "not a standard component"}})
            resource["code"]["coding"].append({"system": "https://example.org/other", "code": "x"})
            resource["performer"] = {"reference": "not a list"}
        if resource.get("resourceType") == "Patient":
            resource["name"] = [{"family": "Example", "given": ["Alex"]}, {"text": "second name"}]
    for bundle in [*shipped, odd]:
        before = copy.deepcopy(bundle)
        bundle_to_logical(bundle, ConversionReport())
        assert bundle == before
