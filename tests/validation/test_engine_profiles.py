"""The profile compiler and checker on small StructureDefinitions made here (independent of the shipped ones)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dastandard.config import DEFAULT_SETTINGS
from dastandard.validation.profile import ProfileChecker

BASE = "https://example.org/fhir"
INVALID = Path(__file__).resolve().parents[2] / "examples" / "invalid"

CODES = {
    "resourceType": "CodeSystem",
    "url": f"{BASE}/CodeSystem/kind",
    "content": "complete",
    "concept": [{"code": "police", "concept": [{"code": "police-force"}]}, {"code": "school"}, {"code": "other"}],
}
MAIN_KINDS = {
    "resourceType": "ValueSet",
    "url": f"{BASE}/ValueSet/main-kinds",
    "compose": {
        "include": [{"system": f"{BASE}/CodeSystem/kind"}],
        "exclude": [{"system": f"{BASE}/CodeSystem/kind", "concept": [{"code": "other"}]}],
    },
}


def sd(url: str, rtype: str, elements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "StructureDefinition",
        "url": url,
        "type": rtype,
        "baseDefinition": f"http://hl7.org/fhir/StructureDefinition/{rtype}",
        "differential": {"element": elements},
        **extra,
    }


AGENCY = sd(
    f"{BASE}/StructureDefinition/TestAgency",
    "Organization",
    [
        {
            "id": "Organization",
            "path": "Organization",
            "constraint": [
                {"key": "t-1", "severity": "error", "human": "name is not blank", "expression": "name.length() > 2"},
                {"key": "t-2", "severity": "warning", "human": "has an alias", "expression": "alias.exists()"},
            ],
        },
        {
            "id": "Organization.type",
            "path": "Organization.type",
            "min": 1,
            "max": "1",
            "binding": {"strength": "preferred", "valueSet": f"{BASE}/ValueSet/main-kinds"},
        },
        {
            "id": "Organization.identifier",
            "path": "Organization.identifier",
            "slicing": {"discriminator": [{"type": "value", "path": "system"}], "rules": "closed"},
        },
        {
            "id": "Organization.identifier:ods",
            "path": "Organization.identifier",
            "sliceName": "ods",
            "min": 1,
            "max": "1",
        },
        {
            "id": "Organization.identifier:ods.system",
            "path": "Organization.identifier.system",
            "fixedUri": "https://fhir.nhs.uk/Id/ods-organization-code",
        },
        {
            "id": "Organization.extension",
            "path": "Organization.extension",
            "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"},
        },
        {
            "id": "Organization.extension:rating",
            "path": "Organization.extension",
            "sliceName": "rating",
            "min": 1,
            "type": [{"code": "Extension", "profile": [f"{BASE}/StructureDefinition/rating"]}],
        },
        {
            "id": "Organization.partOf",
            "path": "Organization.partOf",
            "type": [{"code": "Reference", "targetProfile": [f"{BASE}/StructureDefinition/TestAgency"]}],
        },
    ],
)
RATING = sd(
    f"{BASE}/StructureDefinition/rating",
    "Extension",
    [
        {"id": "Extension", "path": "Extension"},
        {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "integer"}]},
    ],
    context=[{"type": "element", "expression": "Organization"}],
)


def checker(*extra: dict[str, Any]) -> ProfileChecker:
    return ProfileChecker([CODES, MAIN_KINDS, AGENCY, RATING, *extra], BASE, {"codeSystems": []})


def good() -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": "a1",
        "meta": {"profile": [f"{BASE}/StructureDefinition/TestAgency"]},
        "extension": [{"url": f"{BASE}/StructureDefinition/rating", "valueInteger": 3}],
        "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "X1"}],
        "type": [{"coding": [{"system": f"{BASE}/CodeSystem/kind", "code": "police-force"}]}],
        "name": "Northshire Police",
        "alias": ["NP"],
    }


def issues(resource: dict[str, Any], check: ProfileChecker | None = None) -> list[tuple[str, str]]:
    out: list[Any] = []
    (check or checker()).check(resource, (resource["resourceType"],), out, DEFAULT_SETTINGS)
    return [(rule, ".".join(str(p) for p in path)) for rule, path, _message, _label in out]


def test_a_conforming_resource_has_no_issues() -> None:
    assert issues(good()) == []


def test_value_sets_expand_nested_concepts_and_exclusions() -> None:
    expansion = checker().valuesets[f"{BASE}/ValueSet/main-kinds"]
    assert expansion == {(f"{BASE}/CodeSystem/kind", c) for c in ("police", "police-force", "school")}


def test_cardinality_slices_closed_slicing_and_invariants() -> None:
    res = good()
    res["identifier"] = [{"system": "https://example.org/other", "value": "1"}]
    del res["alias"]
    res["name"] = "NP"
    res["type"].append(res["type"][0])
    got = issues(res)
    assert ("DA2003", "Organization.type.1") in got  # max 1
    assert ("DA2013", "Organization.identifier.0") in got  # closed slicing, no match
    assert ("DA2003", "Organization.identifier") in got  # slice ods min 1
    assert ("DA2014", "Organization") in got and ("DA2015", "Organization") in got


def test_preferred_binding_is_info_and_extension_slices_are_checked() -> None:
    res = good()
    res["type"] = [{"coding": [{"system": f"{BASE}/CodeSystem/kind", "code": "other"}]}]
    res["extension"] = [{"url": f"{BASE}/StructureDefinition/rating", "valueString": "high"}]
    got = issues(res)
    assert ("DA2007", "Organization.type.0") in got
    assert ("DA2012", "Organization.extension.0.valueString") in got


def test_remembered_extension_results_are_replayed_at_each_place_and_resource() -> None:
    """The same faulty extension in two resources (and twice in one) reports at every path, with each label."""
    check = checker()
    bad = {"url": f"{BASE}/StructureDefinition/rating", "valueString": "high"}
    first = good() | {
        "id": "a1",
        "extension": [dict(bad), {"url": f"{BASE}/StructureDefinition/rating", "valueInteger": 2}],
    }
    second = good() | {"id": "a2", "extension": [dict(bad), dict(bad)]}
    out: list[Any] = []
    check.check(first, ("Organization",), out, DEFAULT_SETTINGS)
    check.check(second, ("Organization",), out, DEFAULT_SETTINGS)
    found = [(rule, ".".join(str(p) for p in path), label) for rule, path, _message, label in out]
    assert [f for f in found if f[0] == "DA2012"] == [
        ("DA2012", "Organization.extension.0.valueString", "Organization/a1"),
        ("DA2012", "Organization.extension.0.valueString", "Organization/a2"),
        ("DA2012", "Organization.extension.1.valueString", "Organization/a2"),
    ]
    assert len(check.remembered) == 2  # the faulty content and the good one, each checked once


def test_extension_context_and_unknown_code_system() -> None:
    patient = {
        "resourceType": "Patient",
        "extension": [{"url": f"{BASE}/StructureDefinition/rating", "valueInteger": 1}],
    }
    assert issues(patient) == [("DA2011", "Patient.extension.0.url")]
    res = good()
    res["type"] = [{"coding": [{"system": "https://nowhere.example/cs", "code": "x"}]}]
    assert {rule for rule, _ in issues(res)} == {"DA2008", "DA2007"}


def test_reference_target_profile_inside_a_bundle() -> None:
    target = {"resourceType": "Organization", "id": "b2", "name": "Parent"}
    res = good() | {"id": "a1", "partOf": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000002"}}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001", "resource": res},
            {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002", "resource": target},
        ],
    }
    assert issues(bundle) == [("DA2017", "Bundle.entry.0.resource.partOf.reference")]
    target["meta"] = {"profile": [f"{BASE}/StructureDefinition/TestAgency"]}
    assert "DA2017" not in {rule for rule, _ in issues(bundle)}


def test_invariant_that_cannot_be_evaluated_is_reported() -> None:
    broken = json.loads(json.dumps(AGENCY))
    broken["differential"]["element"][0]["constraint"] = [
        {"key": "t-9", "severity": "error", "human": "bad", "expression": "name.where("}
    ]
    got = issues(good(), ProfileChecker([CODES, MAIN_KINDS, broken, RATING], BASE, {}))
    assert got == [("DA2016", "Organization")]


def test_profile_examples_da2007_and_da2016() -> None:
    """The catalog's examples for the two rules no shipped profile can trigger, checked with the profiles above."""
    example = json.loads((INVALID / "DA2007.json").read_text())
    check = ProfileChecker(
        [CODES, MAIN_KINDS, sd(AGENCY["url"], "Organization", AGENCY["differential"]["element"][1:2])], BASE, {}
    )
    assert issues(example, check) == [("DA2007", "Organization.type.0")]
    broken = sd(
        AGENCY["url"],
        "Organization",
        [
            {
                "id": "Organization",
                "path": "Organization",
                "constraint": [{"key": "t-9", "severity": "error", "human": "bad", "expression": "name.where("}],
            }
        ],
    )
    assert issues(json.loads((INVALID / "DA2016.json").read_text()), ProfileChecker([broken], BASE, {})) == [
        ("DA2016", "Organization")
    ]


def _bound(strength: str) -> ProfileChecker:
    """The test agency with its type bound to main-kinds at ``strength`` (a profile of its own)."""
    agency = json.loads(json.dumps(AGENCY))
    for element in agency["differential"]["element"]:
        if element["id"] == "Organization.type":
            element["binding"]["strength"] = strength
    return ProfileChecker([CODES, MAIN_KINDS, agency, RATING], BASE, {"codeSystems": []})


DAR_ONLY = {
    "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}]
}


def test_a_concept_with_no_code_fails_a_required_binding_even_with_a_data_absent_reason() -> None:
    """As the reference validator does (Terminology_TX_Code_ValueSet): no coding is an error under a required
    binding, whatever extension the concept carries; text alone is no code either."""
    for concept in (DAR_ONLY, {"text": "police"}, {"coding": [{"display": "Police"}]}):
        res = good()
        res["type"] = [concept]
        assert ("DA2005", "Organization.type.0") in issues(res, _bound("required")), concept
    res = good()
    res["type"] = [DAR_ONLY]
    got = issues(res, _bound("extensible"))
    assert ("DA2006", "Organization.type.0") in got and ("DA2005", "Organization.type.0") not in got
    assert not [i for i in issues(res) if i[1] == "Organization.type.0"]  # preferred: nothing, as in HL7


def test_a_coded_value_in_the_value_set_meets_a_required_binding() -> None:
    res = good()
    res["type"] = [{"coding": [{"system": f"{BASE}/CodeSystem/kind", "code": "school"}], "text": "A school"}]
    assert issues(res, _bound("required")) == []


def _bundle(kind: str, *relations: str) -> dict[str, Any]:
    links = [{"relation": r, "url": f"https://example.org/fhir/Organization?page={i}"} for i, r in enumerate(relations)]
    return {"resourceType": "Bundle", "id": "b", "type": kind, "link": links}


def test_bundle_links_follow_the_reference_validator() -> None:
    """Paging links belong to search and history results (DA2026); self, and a result's paging links, once (DA2027).
    Any Bundle is checked, not only the standard's case Bundle."""
    assert issues(_bundle("searchset", "self", "first", "previous", "next", "last", "alternate", "alternate")) == []
    assert issues(_bundle("history", "self", "next")) == []
    assert issues(_bundle("collection", "self", "describedby")) == []
    assert issues(_bundle("collection", "self", "next")) == [("DA2026", "Bundle.link.1.relation")]
    assert issues(_bundle("transaction", "last", "first")) == [
        ("DA2026", "Bundle.link.0.relation"),
        ("DA2026", "Bundle.link.1.relation"),
    ]
    assert issues(_bundle("searchset", "self", "next", "next", "self")) == [
        ("DA2027", "Bundle.link.2.relation"),
        ("DA2027", "Bundle.link.3.relation"),
    ]
    assert issues(_bundle("document", "self", "self")) == [("DA2027", "Bundle.link.1.relation")]


def test_profiles_are_compiled_on_first_use_and_errors_still_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    original = ProfileChecker._compile

    def counting(self: ProfileChecker, sd: Any, sds: Any) -> Any:
        compiled.append(str(sd.get("url")))
        return original(self, sd, sds)

    monkeypatch.setattr(ProfileChecker, "_compile", counting)
    no_type = {"resourceType": "StructureDefinition", "url": f"{BASE}/StructureDefinition/NoType"}
    check = checker(no_type)
    assert compiled == []
    assert check.profiles.get(AGENCY["url"]) is not None
    assert compiled == [AGENCY["url"]]
    assert check.profiles.get(AGENCY["url"]) is check.profiles.get(AGENCY["url"])
    assert compiled == [AGENCY["url"]]
    assert check.profiles.get(f"{BASE}/StructureDefinition/Unknown") is None
    assert check.extensions.get(AGENCY["url"]) is None  # a profile is never looked up as an extension
    assert check.errors == [f"{BASE}/StructureDefinition/NoType: 'type'"]
    assert check.profiles.get(no_type["url"]) is None
