"""Base FHIR R4 conformance: the core invariants, and for each base rule a passing and a failing instance.

The instances are written from the R4 specification's text (datatypes.html, references.html, bundle.html, the
resource pages' constraint tables); each pair differs only in what the rule is about.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from dastandard.config import Settings
from dastandard.fhir.baseplan import base_plan
from dastandard.findings import Severity
from dastandard.validation import validate
from dastandard.validation.structure import StructureChecker, structure_checker

ROOT = Path(__file__).resolve().parents[2]


def _script_skips() -> dict[str, str]:
    import importlib.util
    import sys

    scripts = str(ROOT / "scripts")
    spec = importlib.util.spec_from_file_location("build_base_plan", ROOT / "scripts" / "build_base_plan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, scripts)  # the script imports its sibling build_snapshots
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(scripts)
    return dict(module.SKIPPED_CONSTRAINTS)


def base_issues(resource: dict[str, Any], best_practice: bool = False) -> list[tuple[str, str, str]]:
    """(rule, path, message) of the structure layer for one resource."""
    out: list[Any] = []
    structure_checker().check(resource, (resource["resourceType"],), out, {}, True, best_practice)
    return [(rule, ".".join(str(s) for s in path), message) for rule, path, message, _label in out]


def keys_failed(resource: dict[str, Any], best_practice: bool = False) -> set[str]:
    """The invariant keys reported for ``resource`` ("per-1" ...)."""
    found = set()
    for rule, _path, message in base_issues(resource, best_practice):
        if rule in ("DA1010", "DA1011", "DA1012"):
            found.add(message.split()[1])
    return found


def rules(resource: dict[str, Any]) -> set[str]:
    return {rule for rule, _path, _message in base_issues(resource)}


# ------------------------------------------------------------------------------------- every core invariant


def _minimal(type_name: str) -> dict[str, Any]:
    plan = base_plan()
    if type_name in plan.resources:
        return {"resourceType": type_name, "id": "x"}
    return {"id": "x"}


def test_every_core_invariant_compiles_and_runs() -> None:
    plan = base_plan()
    checker = StructureChecker(plan)
    keys: set[str] = set()
    for type_name, by_element in plan.constraints.items():
        compiled = checker.compiled(type_name)
        value = _minimal(type_name)
        env = {"resource": value, "rootResource": value, "ucum": "http://unitsofmeasure.org"}
        items = [*compiled.own, *(item for _name, group in compiled.elements for item in group)]
        assert len(items) == sum(len(group) for group in by_element.values())
        for key, _rule, _human, evaluator, _guard in items:
            keys.add(key)
            assert not isinstance(evaluator, str), f"{type_name}: {key} does not compile: {evaluator}"
            result = evaluator(value, env)
            assert isinstance(result, list) and all(isinstance(r, bool) for r in result), (type_name, key, result)
    skipped = _script_skips()
    assert not keys & set(skipped), "skipped invariants must not be in the plan"
    assert {"per-1", "ras-2", "que-12", "bdl-7", "dom-3", "ref-1", "obs-6", "sqty-1", "age-1"} <= keys
    assert len(keys) >= 230  # 236 distinct keys in R4, less the skipped ones


def test_domain_resource_invariants_reach_every_domain_resource() -> None:
    plan = base_plan()
    for rtype in ("Patient", "Observation", "RiskAssessment", "Questionnaire"):
        assert {c[0] for c in plan.constraints[rtype][""]} >= {"dom-2", "dom-3", "dom-4", "dom-5", "dom-6"}
    assert "dom-2" not in {c[0] for c in plan.constraints["Bundle"][""]}  # Bundle is not a DomainResource
    # The walk runs Reference's invariants only on local references: ref-1 must stay its only one.
    assert {name: [c[0] for c in group] for name, group in plan.constraints["Reference"].items()} == {"": ["ref-1"]}


# -------------------------------------------------------------------------------- invariants, pass and fail


PERIOD_OK = {"start": "2025-01-01", "end": "2025-06-01"}
PERIOD_BAD = {"start": "2025-06-01", "end": "2025-01-01"}


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        (
            "per-1",
            {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}, "period": PERIOD_OK},
            {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}, "period": PERIOD_BAD},
        ),
        (
            "ras-2",
            {
                "resourceType": "RiskAssessment",
                "status": "final",
                "subject": {"reference": "Patient/p"},
                "prediction": [{"probabilityDecimal": 80}],
            },
            {
                "resourceType": "RiskAssessment",
                "status": "final",
                "subject": {"reference": "Patient/p"},
                "prediction": [{"probabilityDecimal": 120}],
            },
        ),
        (
            "que-12",
            {
                "resourceType": "Questionnaire",
                "status": "draft",
                "item": [
                    {"linkId": "1", "type": "boolean"},
                    {
                        "linkId": "2",
                        "type": "string",
                        "enableBehavior": "any",
                        "enableWhen": [
                            {"question": "1", "operator": "=", "answerBoolean": True},
                            {"question": "1", "operator": "!=", "answerBoolean": False},
                            {"question": "1", "operator": "exists", "answerBoolean": True},
                        ],
                    },
                ],
            },
            {
                "resourceType": "Questionnaire",
                "status": "draft",
                "item": [
                    {"linkId": "1", "type": "boolean"},
                    {
                        "linkId": "2",
                        "type": "string",
                        "enableWhen": [
                            {"question": "1", "operator": "=", "answerBoolean": True},
                            {"question": "1", "operator": "!=", "answerBoolean": False},
                            {"question": "1", "operator": "exists", "answerBoolean": True},
                        ],
                    },
                ],
            },
        ),
        (
            "obs-6",
            {"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueBoolean": True},
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "x"},
                "valueBoolean": True,
                "dataAbsentReason": {"text": "unknown"},
            },
        ),
        (
            "qty-3",
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "x"},
                "valueQuantity": {"value": 3, "code": "kg", "system": "http://unitsofmeasure.org"},
            },
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "x"},
                "valueQuantity": {"value": 3, "code": "kg"},
            },
        ),
        (
            "ref-1",
            {
                "resourceType": "Patient",
                "contained": [{"resourceType": "Organization", "id": "o1", "name": "A"}],
                "managingOrganization": {"reference": "#o1"},
            },
            {
                "resourceType": "Patient",
                "contained": [{"resourceType": "Organization", "id": "o1", "name": "A"}],
                "managingOrganization": {"reference": "#o2"},
            },
        ),
        (
            "dom-3",
            {
                "resourceType": "Patient",
                "contained": [{"resourceType": "Organization", "id": "o1", "name": "A"}],
                "managingOrganization": {"reference": "#o1"},
            },
            {"resourceType": "Patient", "contained": [{"resourceType": "Organization", "id": "o1", "name": "A"}]},
        ),
        (
            "bdl-7",
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"fullUrl": "https://example.org/Patient/1", "resource": {"resourceType": "Patient", "id": "1"}},
                    {"fullUrl": "https://example.org/Patient/2", "resource": {"resourceType": "Patient", "id": "2"}},
                ],
            },
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"fullUrl": "https://example.org/Patient/1", "resource": {"resourceType": "Patient", "id": "1"}},
                    {"fullUrl": "https://example.org/Patient/1", "resource": {"resourceType": "Patient", "id": "1"}},
                ],
            },
        ),
        (
            "bdl-3",
            {
                "resourceType": "Bundle",
                "type": "transaction",
                "entry": [{"resource": {"resourceType": "Patient"}, "request": {"method": "POST", "url": "Patient"}}],
            },
            {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {"resourceType": "Patient"}}]},
        ),
        (
            "pat-1",
            {"resourceType": "Patient", "contact": [{"name": {"text": "A"}}]},
            {"resourceType": "Patient", "contact": [{"gender": "female"}]},
        ),
    ],
)
def test_core_invariant_pass_and_fail(key: str, good: dict[str, Any], bad: dict[str, Any]) -> None:
    assert key not in keys_failed(good)
    assert key in keys_failed(bad)


def test_native_invariants_agree_with_fhirpath() -> None:
    """The invariants answered in plain Python give fhirpathpy's answers on passing and failing values."""
    import fhirpathpy
    from fhirpathpy.engine.nodes import ResourceNode
    from fhirpathpy.models import models

    from dastandard.fhir.invariants import NATIVE, prepare

    bundles = [
        {"resourceType": "Bundle", "type": kind, "entry": entries}
        for kind in ("collection", "transaction", "history", "batch-response")
        for entries in (
            [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "meta": {"versionId": "1"}}}],
            [{"fullUrl": "urn:uuid:1", "request": {"method": "GET", "url": "x"}, "response": {"status": "200"}}],
            [{"fullUrl": "urn:uuid:1"}, {"fullUrl": "urn:uuid:1"}],
        )
    ]
    observations = [
        {
            "resourceType": "Observation",
            "code": {"coding": [{"system": "s", "code": "a"}]},
            "valueBoolean": True,
            "component": [{"code": {"coding": [{"system": "s", "code": c}]}}],
        }
        for c in ("a", "b")
    ] + [
        {
            "resourceType": "Observation",
            "code": {"coding": [{"system": "s", "code": "a"}]},
            "component": [{"code": {"coding": [{"system": "s", "code": "a"}]}}],
        }
    ]
    periods = [
        {"start": start, "end": end}
        for start, end in [
            ("2025-01-01", "2025-06-01"),
            ("2025-06-01", "2025-01-01"),
            ("2025", "2025-03"),
            ("2026", "2025-03"),
            ("2025-03", "2025-03"),
            ("2025-03-01T10:00:00Z", "2025-03-01T09:00:00-02:00"),
            ("2025-03-01T10:00:00+01:00", "2025-03-01T09:30:00Z"),
            ("2025-03-02T10:00:00Z", "2025-03-01T10:00:00Z"),
        ]
    ] + [{"start": "2025-01-01"}, {"end": "2025-01-01"}]
    root = {"resourceType": "Patient", "contained": [{"resourceType": "Organization", "id": "o1"}]}
    references = [{"reference": r} for r in ("#o1", "#o2", "Patient/1", "#")] + [{"display": "x"}]
    predictions = [
        {"probabilityDecimal": 80},
        {"probabilityDecimal": 100},
        {"probabilityDecimal": 120.5},
        {"probabilityRange": {"low": {"value": 1}}},
        {"outcome": {"text": "x"}},
    ]
    entries = [
        {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient"}},
        {"fullUrl": "http://example.org/Patient/1/_history/2", "request": {"method": "GET", "url": "x"}},
        {"response": {"status": "200"}},
        {"fullUrl": "urn:uuid:2"},
        {"fullUrl": "urn:uuid:3", "resource": {}},
        {"resource": [], "request": [{"method": "GET"}]},
        {},
    ]
    cases: list[tuple[str, list[dict[str, Any]], str]] = [
        ("resource.exists()", entries, ""),
        ("fullUrl.contains", entries, ""),
        ("entry.all(request", bundles, ""),
        ("entry.all(response", bundles, ""),
        ("(type = 'history')", bundles, ""),
        ("value.empty()", observations, ""),
        ("start.", periods, "Period"),
        ("reference.", references, "Reference"),
        ("probability", predictions, "RiskAssessment.prediction"),
    ]
    assert len(cases) == len(NATIVE)
    for expression, native in NATIVE.items():
        ((samples, base),) = [(samples, base) for prefix, samples, base in cases if expression.startswith(prefix)]
        for sample in samples:
            env = {"resource": sample, "rootResource": root if base == "Reference" else sample}
            node = ResourceNode.create_node(sample, base) if base else sample
            expected = fhirpathpy.evaluate(node, prepare(expression), env, models["r4"])
            for known, answer in FHIRPATHPY_DIFFERS:
                if sample == known:
                    expected = answer
            assert native(sample, env) == expected, (expression, sample)


# Where fhirpathpy departs from the FHIRPath specification: dates equal as far as both go but of different
# precision compare as empty (unknown), and times are compared in UTC.
FHIRPATHPY_DIFFERS: list[tuple[dict[str, str], list[bool]]] = [
    ({"start": "2025", "end": "2025-03"}, []),
    ({"start": "2025-03-01T10:00:00Z", "end": "2025-03-01T09:00:00-02:00"}, [True]),
    ({"start": "2025-03-01T10:00:00+01:00", "end": "2025-03-01T09:30:00Z"}, [True]),
]


def test_per1_compares_dates_at_their_precision() -> None:
    def fails(start: str, end: str) -> bool:
        return "per-1" in keys_failed({**ORG, "identifier": [{"value": "1", "period": {"start": start, "end": end}}]})

    assert fails("2025-03-02", "2025-03-01")
    assert fails("2026", "2025-12-31")
    assert fails("2025-03-01T10:00:00Z", "2025-03-01T09:00:00Z")
    assert not fails("2025-03-01T10:00:00+01:00", "2025-03-01T09:30:00Z")  # 09:00Z before 09:30Z
    assert not fails("2025-03-01", "2025-03")  # equal as far as both go: unknown, not a failure
    assert not fails("2025-03", "2025")
    assert not fails("2025-03-01T10:00:00Z", "2025-03-01T10:00:00.5Z")


def test_best_practice_invariants_only_when_asked() -> None:
    patient = {"resourceType": "Patient", "id": "p"}
    assert "dom-6" not in keys_failed(patient)
    assert "dom-6" in keys_failed(patient, best_practice=True)
    narrated = {**patient, "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">P</div>'}}
    assert "dom-6" not in keys_failed(narrated, best_practice=True)


def test_best_practice_parameter_in_settings(tmp_path: Path) -> None:
    example = ROOT / "examples" / "invalid" / "DA1012.json"
    assert "DA1012" not in {f.rule_id for f in validate([example]).findings}
    settings = Settings(params={"DA1012": {"report": True}})
    assert {f.rule_id for f in validate([example], settings=settings).findings} == {"DA1012"}


def test_trace_in_an_invariant_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    keys_failed({"resourceType": "Patient", "contained": [{"resourceType": "Organization", "id": "o"}]})
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------------------------- element ids are strings


def test_element_ids_are_strings_and_resource_ids_are_ids() -> None:
    good = {"resourceType": "Patient", "id": "p1", "name": [{"id": "name:usual one", "text": "A"}]}
    assert rules(good) == set()
    assert "DA1005" in rules({"resourceType": "Patient", "id": "p 1"})


def test_shipped_profiles_have_no_errors() -> None:
    files = [p for p in sorted((ROOT / "profiles").rglob("*.json")) if "resourceType" in json.loads(p.read_text())]
    assert len(files) > 100
    report = validate(files)
    errors = [f"{f.file}: {f.rule_id} {f.message}" for f in report.findings if f.severity >= Severity.ERROR]
    assert errors == []


# ------------------------------------------------------------------------------------ security and structure


ORG = {"resourceType": "Organization", "id": "o", "name": "Northshire Police"}


@pytest.mark.parametrize(
    "text",
    ["Police <script>alert(1)</script>", "see <a href='https://example.org'>here</a>", "<IMG SRC=x onerror=y>"],
)
def test_html_like_tags_in_strings(text: str) -> None:
    assert rules({**ORG, "name": text}) == {"DA1014"}
    assert rules({**ORG, "alias": ["x", text]}) == {"DA1014"}


@pytest.mark.parametrize("text", ["risk < 5 and > 2", "<none recorded>", "a<b", "email <a.b@example.org>"])
def test_angle_brackets_that_are_not_tags(text: str) -> None:
    assert rules({**ORG, "name": text}) == set()


def test_one_megabyte_string_limit() -> None:
    assert rules({**ORG, "name": "x" * 2**20}) == set()
    assert rules({**ORG, "name": "x" * (2**20 + 1)}) == {"DA1015"}
    assert rules({**ORG, "name": "é" * (2**19 + 1)}) == {"DA1015"}  # 2 bytes a character in UTF-8


@pytest.mark.parametrize(
    ("system", "ok"),
    [
        ("http://snomed.info/sct", True),
        ("urn:oid:2.16.840.1.113883.6.1", True),
        ("urn:uuid:0b7c4f0e-8d1a-4c55-9a59-3f0f3c2b6a11", True),
        ("2.16.840.1.113883.6.1", False),
        ("CodeSystem/local", False),
        ("local-codes", False),
    ],
)
def test_coding_and_identifier_systems_are_absolute(system: str, ok: bool) -> None:
    coded = {**ORG, "type": [{"coding": [{"system": system, "code": "govt"}]}]}
    identified = {**ORG, "identifier": [{"system": system, "value": "1"}]}
    for resource in (coded, identified):
        assert rules(resource) == (set() if ok else {"DA1016"})


def test_contained_resources_have_unique_ids() -> None:
    def container(*contained: dict[str, Any]) -> dict[str, Any]:
        return {**ORG, "contained": list(contained), "partOf": {"reference": "#a"}, "endpoint": [{"reference": "#b"}]}

    a = {"resourceType": "Organization", "id": "a", "name": "A"}
    b = {
        "resourceType": "Endpoint",
        "id": "b",
        "status": "active",
        "connectionType": {"code": "x"},
        "payloadType": [{"text": "x"}],
        "address": "https://example.org",
    }
    assert rules(container(a, b)) == set()
    assert rules(container(a, {**b, "id": "a"})) >= {"DA1017"}
    no_id = {k: v for k, v in b.items() if k != "id"}
    assert "DA1017" in rules(container(a, no_id))


def test_attachment_size_and_hash_against_data() -> None:
    content = b"Referral letter"
    data = base64.b64encode(content).decode()
    digest = base64.b64encode(hashlib.sha1(content).digest()).decode()

    def document(**attachment: Any) -> dict[str, Any]:
        return {
            "resourceType": "DocumentReference",
            "status": "current",
            "content": [{"attachment": {"contentType": "text/plain", "data": data, **attachment}}],
        }

    assert rules(document(size=len(content), hash=digest)) == set()
    assert rules(document(size=len(content) + 1)) == {"DA1018"}
    assert rules(document(hash=base64.b64encode(b"0" * 20).decode())) == {"DA1018"}


def test_an_empty_parameters_is_valid_and_an_empty_patient_is_not() -> None:
    assert rules({"resourceType": "Parameters"}) == set()
    assert rules({"resourceType": "Patient"}) == {"DA1006"}


# ---------------------------------------------------------------------------- profile layer: scope and policy


def _findings(tmp_path: Path, resource: dict[str, Any], settings: Settings | None = None) -> set[str]:
    file = tmp_path / "r.json"
    file.write_text(json.dumps(resource), encoding="utf-8")
    report = validate([file], settings=settings) if settings else validate([file])
    return {f.rule_id for f in report.findings}


def test_unknown_profile_is_a_warning_and_configurable(tmp_path: Path) -> None:
    claimed = {**ORG, "meta": {"profile": ["https://example.org/fhir/StructureDefinition/Other"]}}
    report_file = tmp_path / "r.json"
    report_file.write_text(json.dumps(claimed), encoding="utf-8")
    (finding,) = validate([report_file]).findings
    assert (finding.rule_id, finding.severity) == ("DA2001", Severity.WARNING)
    strict = Settings(severity={"DA2001": Severity.ERROR})
    (finding,) = validate([report_file], settings=strict).findings
    assert finding.severity is Severity.ERROR


def test_case_bundle_rules_only_for_case_bundles(tmp_path: Path) -> None:
    mismatched = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "https://example.org/fhir/Patient/2", "resource": {"resourceType": "Patient", "id": "1"}},
            {"fullUrl": "https://example.org/fhir/Patient/3", "resource": {"resourceType": "Patient", "id": "1"}},
        ],
    }
    assert {r for r in _findings(tmp_path, mismatched) if r.startswith("DA2")} == set()
    case = {**mismatched, "meta": {"profile": ["https://dastandard.org.uk/fhir/StructureDefinition/DACaseBundle"]}}
    assert {"DA2020", "DA2021"} <= _findings(tmp_path, case)


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://example.org/fhir/StructureDefinition/local", None),
        ("https://fhir.example.com/StructureDefinition/local", None),
        ("http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "DA2010"),
        ("https://agency.gov.uk/fhir/StructureDefinition/local", "DA2009"),
        ("https://dastandard.org.uk/fhir/StructureDefinition/no-such-extension", "DA2009"),
    ],
)
def test_unknown_extensions(tmp_path: Path, url: str, rule: str | None) -> None:
    resource = {**ORG, "extension": [{"url": url, "valueString": "x"}]}
    found = _findings(tmp_path, resource)
    if rule is None:
        assert found <= {"DA2010"} and "DA2009" not in found
    else:
        assert rule in found


def test_an_invariant_that_cannot_be_evaluated_is_reported() -> None:
    from dastandard.validation.structure import TypeInvariants

    checker = StructureChecker(base_plan())
    compiled = checker.compiled("Period")

    def failing(value: Any, environment: Any = None) -> list[Any]:
        raise RuntimeError("no answer")

    own = tuple((key, rule, human, failing, guard) for key, rule, human, _evaluator, guard in compiled.own)
    checker._compiled["Period"] = TypeInvariants(own, compiled.elements)
    out: list[Any] = []
    checker.check({**ORG, "identifier": [{"value": "1", "period": PERIOD_OK}]}, ("Organization",), out, {})
    assert [(rule, message.split(":")[0]) for rule, _path, message, _label in out] == [
        ("DA2016", "core invariant per-1 could not be evaluated")
    ]
