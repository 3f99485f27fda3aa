"""The conformance resources in profiles/: well-formed, internally consistent, traceable and in sync with sources."""

from __future__ import annotations

import importlib
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from fhirpathpy import evaluate
from fhirpathpy.models import models

from dastandard.cli import cli
from dastandard.standard import standard

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
MANIFEST: dict[str, Any] = orjson.loads((PROFILES / "package.json").read_bytes())
CANONICAL: str = MANIFEST["canonical"]
EXTERNAL: dict[str, Any] = orjson.loads((PROFILES / "generated" / "other" / "external-canonicals.json").read_bytes())
R4 = models["r4"]

sys.path.insert(0, str(ROOT / "scripts"))
import build_ig  # noqa: E402
import regen  # noqa: E402
from build_profiles import build  # noqa: E402
from profile_sources.common import GENERATED as GENERATED_DIR  # noqa: E402
from profile_sources.common import Context  # noqa: E402

# Files written by scripts/build_profiles.py; the others (converter code lists and maps) are maintained by hand.
GENERATED = {GENERATED_DIR / p for p in build(Context.from_manifest(MANIFEST))}


def _resource_files() -> list[Path]:
    return [p for p in sorted(PROFILES.rglob("*.json")) if p.name not in {"package.json", "external-canonicals.json"}]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data


RESOURCES = {p: _load(p) for p in _resource_files()}
BY_URL = {r["url"]: r for r in RESOURCES.values() if isinstance(r.get("url"), str)}
SDS = [r for r in RESOURCES.values() if r["resourceType"] == "StructureDefinition"]
OWN_SDS = [r for r in SDS if r["url"].startswith(CANONICAL)]
EXTERNAL_SDS = set(EXTERNAL["structureDefinitions"])
EXTERNAL_VS = set(EXTERNAL["valueSets"])
FRAGMENTS = set(EXTERNAL["codeSystemFragments"])
ALLOWED_OTHER = (
    EXTERNAL_SDS
    | EXTERNAL_VS
    | FRAGMENTS
    | set(EXTERNAL["codeSystems"])
    | set(EXTERNAL["identifierSystems"])
    | set(EXTERNAL["implementationGuides"])
    | set(EXTERNAL["other"])
)


def _elements(sd: dict[str, Any]) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = sd["differential"]["element"]
    return elements


def _sd(artifact_id: str) -> dict[str, Any]:
    return BY_URL[f"{CANONICAL}/StructureDefinition/{artifact_id}"]


def _constraint(sd_id: str, key: str) -> str:
    for element in _elements(_sd(sd_id)):
        for c in element.get("constraint", []):
            if c["key"] == key:
                return str(c["expression"])
    raise KeyError(key)


def _codes(concepts: list[dict[str, Any]]) -> Iterator[str]:
    for concept in concepts:
        yield concept["code"]
        yield from _codes(concept.get("concept", []))


def _cs_codes(url: str) -> set[str]:
    return set(_codes(BY_URL[url].get("concept", [])))


# ---- well-formedness


@pytest.mark.parametrize("path", _resource_files(), ids=lambda p: str(p.relative_to(PROFILES)))
def test_every_resource_parses_as_fhir(path: Path) -> None:
    resource = RESOURCES[path]
    resource_type = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    getattr(module, resource_type).model_validate(resource)
    assert path.stem == resource["id"]
    assert path.parent.name == resource_type


def test_every_artifact_has_a_canonical_built_from_type_and_id() -> None:
    for resource in RESOURCES.values():
        url = resource["url"]
        if url not in FRAGMENTS:
            assert url == f"{CANONICAL}/{resource['resourceType']}/{resource['id']}"
            assert resource["version"] == MANIFEST["version"], url
            assert resource["status"] == "draft", url


def test_every_generated_artifact_has_the_common_metadata() -> None:
    for path, resource in RESOURCES.items():
        if path not in GENERATED:
            continue
        url = resource["url"]
        if url in FRAGMENTS:
            assert resource["content"] == "fragment", url
            continue
        assert url == f"{CANONICAL}/{resource['resourceType']}/{resource['id']}"
        for key in ("version", "name", "title", "status", "date", "publisher", "description", "jurisdiction"):
            assert resource.get(key), f"{url} lacks {key}"
        assert resource["version"] == MANIFEST["version"]
        assert resource["experimental"] is False
        assert resource["jurisdiction"][0]["coding"][0]["code"] == "GB"
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", resource["name"]), resource["name"]


def test_every_canonical_outside_the_package_is_a_listed_fragment() -> None:
    outside = {url for url in BY_URL if not url.startswith(CANONICAL + "/")}
    assert outside == FRAGMENTS


def test_structure_definitions_are_r4_differentials() -> None:
    for sd in SDS:
        assert sd["fhirVersion"] == "4.0.1"
        assert sd["derivation"] == "constraint"
        assert sd["abstract"] is False
        assert "snapshot" not in sd
        assert sd["kind"] == ("complex-type" if sd["type"] == "Extension" else "resource")


def test_every_element_has_a_short_and_a_definition() -> None:
    for sd in SDS:
        for element in _elements(sd):
            assert element.get("definition"), f"{sd['id']} {element['id']}"
            assert element.get("short"), f"{sd['id']} {element['id']}"


# ---- terminology


def test_value_set_codes_exist_in_the_shipped_code_systems() -> None:
    for vs in (r for r in RESOURCES.values() if r["resourceType"] == "ValueSet"):
        for include in vs["compose"]["include"]:
            system = include["system"]
            assert system in BY_URL, f"{vs['id']} includes unshipped system {system}"
            known = _cs_codes(system)
            for concept in include.get("concept", []):
                assert concept["code"] in known, f"{vs['id']}: {concept['code']} not in {system}"
            if "concept" not in include:
                assert BY_URL[system]["content"] == "complete", f"{vs['id']} includes all of a fragment"


def test_code_systems_are_complete_with_definitions() -> None:
    for cs in (r for r in RESOURCES.values() if r["resourceType"] == "CodeSystem" and r["url"] not in FRAGMENTS):
        assert cs["caseSensitive"] is True
        if not cs["url"].startswith(f"{CANONICAL}/CodeSystem/cin-"):  # converter-owned source code lists
            assert cs["content"] == "complete"
            codes = list(_codes(cs["concept"]))
            assert len(codes) == len(set(codes)), cs["id"]
            assert cs["count"] == len(codes)

            def walk(concepts: list[dict[str, Any]], cs_id: str = cs["id"]) -> None:
                for c in concepts:
                    assert c.get("display") and c.get("definition"), f"{cs_id}#{c['code']}"
                    walk(c.get("concept", []))

            walk(cs["concept"])


def test_national_code_lists_are_exactly_as_sourced() -> None:
    assert len(_cs_codes(f"{CANONICAL}/CodeSystem/ethnicity-ons-2021")) == 19
    assert len(_cs_codes(f"{CANONICAL}/CodeSystem/ethnicity-dfe")) == 20
    assert _cs_codes(f"{CANONICAL}/CodeSystem/sex") == {"M", "F", "U"}
    assert _cs_codes(f"{CANONICAL}/CodeSystem/nhs-gender-identity") == {"1", "2", "3", "4", "Z", "X"}
    assert _cs_codes(f"{CANONICAL}/CodeSystem/nhs-sexual-orientation") == {"1", "2", "3", "4", "U", "Z", "9"}
    nhs = _cs_codes("https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland")
    assert nhs == set("ABCDEFGHJKLMNPRSZ") | {"99"}
    kinds = BY_URL[f"{CANONICAL}/CodeSystem/abuse-kind"]["concept"]
    statutory = [c["code"] for c in kinds if {"code": "statutory", "valueBoolean": True} in c.get("property", [])]
    assert len(statutory) == 5


def test_no_snomed_codes_are_shipped() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in _resource_files())
    assert "http://snomed.info/sct" not in text


def test_concept_map_codes_exist_in_shipped_code_systems() -> None:
    for cm in (r for r in RESOURCES.values() if r["resourceType"] == "ConceptMap"):
        for group in cm["group"]:
            for side, key in (("source", "code"), ("target", None)):
                system = group.get(side)
                if system not in BY_URL:
                    continue
                known = _cs_codes(system)
                for element in group["element"]:
                    codes = [element["code"]] if key else [t["code"] for t in element.get("target", []) if "code" in t]
                    for code in codes:
                        assert code in known, f"{cm['id']}: {code} not in {system}"
            for element in group["element"]:
                for target in element.get("target", []):
                    if target["equivalence"] in {"wider", "narrower", "inexact", "unmatched"}:
                        assert target.get("comment"), f"{cm['id']}: lossy map of {element['code']} has no comment"


# ---- references between artifacts


def _canonical_refs(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    canonical_keys = {
        "baseDefinition", "profile", "targetProfile", "valueSet", "system", "fixedUri",
        "sourceCanonical", "targetCanonical", "source", "target", "uri",
    }  # fmt: skip
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _canonical_refs(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _canonical_refs(item, key)
    elif isinstance(node, str) and key in canonical_keys and node.startswith(("http://", "https://")):
        yield key, node


def test_every_canonical_reference_resolves() -> None:
    prefixes = tuple(EXTERNAL.get("namespacePrefixes", []))
    for path, resource in RESOURCES.items():
        for key, url in _canonical_refs(resource):
            url = url.split("|", 1)[0]
            if url in BY_URL or url in ALLOWED_OTHER or (prefixes and url.startswith(prefixes)):
                continue
            raise AssertionError(f"{path.relative_to(PROFILES)}: {key} {url} is neither shipped nor listed")


def test_bindings_and_extensions_point_at_shipped_or_listed_artifacts() -> None:
    for sd in SDS:
        for element in _elements(sd):
            binding = element.get("binding")
            if binding:
                assert binding["valueSet"] in BY_URL or binding["valueSet"] in EXTERNAL_VS, element["id"]
                assert binding.get("description"), element["id"]
                assert binding["strength"] in {"required", "extensible"}, element["id"]
            for type_ in element.get("type", []):
                if type_["code"] == "Extension":
                    for profile in type_.get("profile", []):
                        assert profile in BY_URL or profile in EXTERNAL_SDS, f"{sd['id']} {element['id']}"


def test_model_names_every_shipped_profile_extension_and_value_set() -> None:
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    value_sets = set(re.findall(r"\{vs\}([a-z0-9-]+)", model))
    extensions = set(re.findall(r"\{ext\}([a-z0-9-]+)", model))
    profiles = set(re.findall(r"^\| (DA[A-Za-z]+) \|", model, flags=re.MULTILINE))
    assert len(profiles) == 21
    for vs in value_sets:
        assert f"{CANONICAL}/ValueSet/{vs}" in BY_URL, vs
    for ext in extensions:
        assert BY_URL[f"{CANONICAL}/StructureDefinition/{ext}"]["type"] == "Extension", ext
    for profile in profiles:
        assert _sd(profile)["kind"] == "resource", profile


def test_extensions_are_well_formed() -> None:
    for sd in (s for s in OWN_SDS if s["type"] == "Extension"):
        assert sd["context"], sd["id"]
        assert "existing" in sd["description"] or "No extension" in sd["description"], sd["id"]
        by_id = {e["id"]: e for e in _elements(sd)}
        assert by_id["Extension.url"]["fixedUri"] == sd["url"]
        subs = [e for e in _elements(sd) if e["id"].count(":") == 1 and e["id"].endswith(".url")]
        if subs:
            assert by_id["Extension.value[x]"]["max"] == "0"
            for sub in subs:
                name = sub["id"].split(":")[1].split(".")[0]
                assert sub["fixedUri"] == name
                assert by_id[f"Extension.extension:{name}.value[x]"]["type"], name
        else:
            assert by_id["Extension.value[x]"]["type"]


# ---- traceability


def test_every_structure_definition_declares_the_learning_mapping() -> None:
    for sd in OWN_SDS:
        assert sd["mapping"] == [
            {
                "identity": "learning",
                "uri": f"{CANONICAL}/learning-points",
                "name": "Case review learning points (docs/traceability.md)",
            }
        ]


def test_learning_point_mappings_cover_l01_to_l26() -> None:
    covered: set[str] = set()
    for sd in OWN_SDS:
        for element in _elements(sd):
            for mapping in element.get("mapping", []):
                assert mapping["identity"] == "learning"
                points = [p.strip() for p in mapping["map"].split(",")]
                assert all(re.fullmatch(r"L(0[1-9]|1\d|2[0-6])", p) for p in points), mapping["map"]
                covered.update(points)
    assert covered == {f"L{i:02d}" for i in range(1, 27)}


# ---- invariants, evaluated with fhirpathpy


def _nhs_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{10}", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


def _patient(number: str) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [
            {"system": f"{CANONICAL}/Id/la-child-id", "value": "ABC123"},
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": number},
        ],
    }


def _holds(resource: dict[str, Any], expression: str) -> bool:
    result = evaluate(resource, expression, {}, R4)
    assert len(result) == 1 and isinstance(result[0], bool), (expression, result)
    return bool(result[0])


@pytest.mark.parametrize("number", ["9434765919", "9000000009", "4010232137", "9876543210", "0000000000"])
def test_nhs_invariant_accepts_valid_numbers(number: str) -> None:
    assert _nhs_valid(number)
    assert _holds(_patient(number), _constraint("DAPerson", "da-nhs-1"))


@pytest.mark.parametrize(
    "number", ["9434765918", "943476591", "94347659190", "943476591X", "943 476 5919", "1000000000"]
)
def test_nhs_invariant_rejects_invalid_numbers(number: str) -> None:
    assert not _nhs_valid(number)
    assert not _holds(_patient(number), _constraint("DAPerson", "da-nhs-1"))


def test_nhs_invariant_agrees_with_the_modulus_11_algorithm() -> None:
    rng = random.Random(20261123)
    expression = _constraint("DAPerson", "da-nhs-1")
    numbers = [f"{rng.randrange(10**10):010d}" for _ in range(150)]
    # include numbers whose check digit would be 10 (always invalid)
    numbers += [
        n
        for n in (f"{rng.randrange(10**9):09d}" for _ in range(400))
        if 11 - sum(int(d) * w for d, w in zip(n, range(10, 1, -1), strict=True)) % 11 == 10
    ][:10]
    numbers = [n if len(n) == 10 else n + "0" for n in numbers]
    assert any(_nhs_valid(n) for n in numbers) and not all(_nhs_valid(n) for n in numbers)
    for number in numbers:
        assert _holds(_patient(number), expression) is _nhs_valid(number), number


def test_nhs_invariant_ignores_other_identifiers() -> None:
    patient = {"resourceType": "Patient", "identifier": [{"system": f"{CANONICAL}/Id/police-person-id", "value": "X"}]}
    assert _holds(patient, _constraint("DAPerson", "da-nhs-1"))


def _coding(system: str, code: str) -> dict[str, str]:
    return {"system": system, "code": code}


def test_case_bundle_requires_confidentiality_and_sdv_labels() -> None:
    expression = _constraint("DACaseBundle", "da-bundle-1")
    conf = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
    act = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

    def bundle(*labels: dict[str, str]) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "collection", "meta": {"security": list(labels)}}

    assert _holds(bundle(_coding(conf, "R"), _coding(act, "SDV")), expression)
    assert _holds(bundle(_coding(conf, "V"), _coding(act, "SDV")), expression)
    assert not _holds(bundle(_coding(conf, "N"), _coding(act, "SDV")), expression)
    assert not _holds(bundle(_coding(conf, "R")), expression)
    assert not _holds(bundle(), expression)


def _party(role: str, rationale: bool = False) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "person", "valueReference": {"reference": "urn:uuid:1"}},
        {"url": "role", "valueCodeableConcept": {"coding": [_coding(f"{CANONICAL}/CodeSystem/incident-role", role)]}},
    ]
    if rationale:
        parts.append({"url": "roleRationale", "valueString": "Both adults used violence; see incident narrative."})
    return {"url": f"{CANONICAL}/StructureDefinition/incident-party", "extension": parts}


def test_incident_needs_a_person_causing_harm_and_a_rationale_for_two() -> None:
    one = _constraint("DAIncident", "da-inc-1")
    two = _constraint("DAIncident", "da-inc-2")

    def obs(*parties: dict[str, Any]) -> dict[str, Any]:
        return {"resourceType": "Observation", "status": "final", "extension": list(parties)}

    assert _holds(obs(_party("person-causing-harm"), _party("victim")), one)
    assert not _holds(obs(_party("victim"), _party("child-present")), one)
    assert not _holds(obs(_party("person-causing-harm"), _party("person-causing-harm")), two)
    assert _holds(obs(_party("person-causing-harm", True), _party("person-causing-harm", True)), two)
    assert _holds(obs(_party("person-causing-harm"), _party("victim")), two)


def test_retraction_must_name_the_disclosure_it_retracts() -> None:
    expression = _constraint("DADisclosure", "da-dis-1")
    category = {"coding": [_coding(f"{CANONICAL}/CodeSystem/record-type", "retraction")]}
    retracts = {"url": f"{CANONICAL}/StructureDefinition/retracts", "valueReference": {"reference": "urn:uuid:2"}}
    bare: dict[str, Any] = {"resourceType": "Communication", "status": "completed", "category": [category]}
    assert not _holds(bare, expression)
    assert _holds({**bare, "extension": [retracts]}, expression)
    disclosure = {**bare, "category": [{"coding": [_coding(f"{CANONICAL}/CodeSystem/record-type", "disclosure")]}]}
    assert _holds(disclosure, expression)
    assert not _holds({**disclosure, "extension": [retracts]}, _constraint("DADisclosure", "da-dis-2"))


def test_risk_score_must_match_the_yes_answers() -> None:
    expression = _constraint("DARiskAssessment", "da-ra-1")
    answers = f"{CANONICAL}/CodeSystem/risk-answer"

    def item(n: int, answer: str) -> dict[str, Any]:
        return {
            "url": f"{CANONICAL}/StructureDefinition/risk-item",
            "extension": [
                {"url": "question", "valueInteger": n},
                {"url": "answer", "valueCodeableConcept": {"coding": [_coding(answers, answer)]}},
            ],
        }

    def assessment(score: int) -> dict[str, Any]:
        return {
            "resourceType": "RiskAssessment",
            "status": "final",
            "extension": [
                item(1, "yes"),
                item(2, "no"),
                item(3, "yes"),
                {"url": f"{CANONICAL}/StructureDefinition/risk-score", "valueInteger": score},
            ],
        }

    assert _holds(assessment(2), expression)
    assert not _holds(assessment(3), expression)


def test_child_seen_alone_must_have_been_seen() -> None:
    expression = _constraint("DAChildContact", "da-cc-1")

    def contact(seen: bool, alone: bool) -> dict[str, Any]:
        voice = {
            "url": f"{CANONICAL}/StructureDefinition/child-voice",
            "extension": [
                {"url": "seen", "valueBoolean": seen},
                {"url": "spokenWith", "valueBoolean": False},
                {"url": "seenAlone", "valueBoolean": alone},
            ],
        }
        return {"resourceType": "Encounter", "status": "finished", "extension": [voice]}

    assert _holds(contact(True, True), expression)
    assert _holds(contact(False, False), expression)
    assert not _holds(contact(False, True), expression)


def test_unborn_child_needs_expected_birth_date_and_no_definite_sex() -> None:
    expression = _constraint("DAPerson", "da-person-4")
    sex_cs = f"{CANONICAL}/CodeSystem/sex"

    def person(sex: str, expected: bool) -> dict[str, Any]:
        exts: list[dict[str, Any]] = [
            {"url": f"{CANONICAL}/StructureDefinition/unborn", "valueBoolean": True},
            {
                "url": f"{CANONICAL}/StructureDefinition/person-sex",
                "valueCodeableConcept": {"coding": [_coding(sex_cs, sex)]},
            },
        ]
        if expected:
            exts.append({"url": f"{CANONICAL}/StructureDefinition/expected-birth-date", "valueDate": "2027-02-01"})
        return {"resourceType": "Patient", "extension": exts}

    assert _holds(person("U", True), expression)
    assert not _holds(person("F", True), expression)
    assert not _holds(person("U", False), expression)


def test_every_invariant_expression_evaluates() -> None:
    samples = {
        "Patient": {"resourceType": "Patient"},
        "Bundle": {"resourceType": "Bundle", "type": "collection"},
        "Observation": {"resourceType": "Observation", "status": "final"},
        "Encounter": {"resourceType": "Encounter", "status": "finished"},
        "Communication": {"resourceType": "Communication", "status": "completed"},
        "RiskAssessment": {"resourceType": "RiskAssessment", "status": "final"},
        "EpisodeOfCare": {"resourceType": "EpisodeOfCare", "status": "finished"},
    }
    keys: set[str] = set()
    for sd in OWN_SDS:
        for element in _elements(sd):
            for c in element.get("constraint", []):
                assert c["key"] not in keys, c["key"]
                keys.add(c["key"])
                assert c["severity"] in {"error", "warning"} and c["human"]
                result = evaluate(samples[sd["type"]], c["expression"], {}, R4)
                assert result == [] or isinstance(result[0], bool), (c["key"], result)
    assert {"da-nhs-1", "da-bundle-1", "da-inc-1", "da-dis-1"} <= keys


# ---- generated files and the CLI


def _drift(step_name: str) -> list[str]:
    (step,) = regen.select([step_name], network=False)
    return regen.compare(step, step.render()).lines()


def test_generated_resources_are_in_sync_with_their_source() -> None:
    assert _drift("profiles") == []


def test_generated_and_hand_written_resources_are_told_apart_by_folder() -> None:
    generated_on_disk = {p for p in RESOURCES if GENERATED_DIR in p.parents}
    assert generated_on_disk == {p for p in GENERATED if p.suffix == ".json"} - {
        GENERATED_DIR / "other" / "external-canonicals.json"
    } | {build_ig.IG_PATH}
    hand_written = [p for p in RESOURCES if GENERATED_DIR not in p.parents]
    # Hand-written: the converters' own source code lists and the maps from them, named after their format.
    assert hand_written and all(p.stem.split("-")[0] in {"cin", "marac", "police"} for p in hand_written)
    by_path = {a.path: a for a in standard().artifacts.values()}
    assert all(by_path[p].generated == (p in generated_on_disk) for p in RESOURCES)


def test_implementation_guide_lists_exactly_the_shipped_artifacts() -> None:
    assert _drift("ig") == []
    ig = BY_URL[f"{CANONICAL}/ImplementationGuide/dastandard"]
    listed = {r["reference"]["reference"] for r in ig["definition"]["resource"]}
    shipped = {
        f"{r['resourceType']}/{r['id']}" for r in RESOURCES.values() if r["resourceType"] != "ImplementationGuide"
    }
    assert listed == shipped
    assert ig["packageId"] == MANIFEST["name"]
    assert {d["packageId"] for d in ig["dependsOn"]} == {"hl7.fhir.r4.core", "fhir.r4.ukcore.stu2"}
    assert all(r["exampleBoolean"] is False for r in ig["definition"]["resource"])


def test_cli_lists_every_shipped_artifact() -> None:
    result = CliRunner().invoke(cli, ["profiles", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = orjson.loads(result.output)
    assert payload["canonical"] == CANONICAL
    listed = {a["url"] for a in payload["artifacts"]}
    assert listed == set(BY_URL)
    assert listed == set(standard().artifacts)
    assert f"{CANONICAL}/StructureDefinition/DAPerson" in listed
