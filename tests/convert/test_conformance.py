"""Every FHIR output of every reading format, and of the generator, conforms to the standard's own profiles.

Each example input is converted and the Bundles are validated with ``dastandard.validation.validate``: no finding
of the syntax, structure or profile layer may be an error. Practice findings (DA3xxx/DA4xxx) are out of scope:
on converted data they report what the source format does not record. The warnings accepted here are listed in
``ACCEPTED_WARNINGS`` with the reason; any other conformance warning fails the test too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from dastandard.convert.base import ConversionReport
from dastandard.convert.registry import get_format
from dastandard.findings import Finding, Layer, Severity
from dastandard.generate import generate_bundles
from dastandard.validation import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED_CIN = Path("/work/shared/reference/cin-census")
CONFORMANCE = (Layer.SYNTAX, Layer.STRUCTURE, Layer.PROFILE)

# (rule id, text in the message) -> why it is accepted
ACCEPTED_WARNINGS: dict[tuple[str, str], str] = {
    ("DA2006", "CodeSystem/cin-closure-reason#"): (
        "a CIN closure reason (RC1-RC9) has no equivalent in service-end-reason; the binding is extensible and the "
        "national code is kept as recorded rather than guessed"
    ),
    ("DA2006", "CodeSystem/cin-assessment-factor#"): (
        "a CIN assessment factor with no standard risk factor is kept as its national code (extensible binding)"
    ),
    ("DA2006", "CodeSystem/cin-category-of-abuse#"): (
        "the latest category of abuse of a child protection plan is a national code beside plan-type (extensible)"
    ),
    ("DA2006", "CodeSystem/cin-activity#cpp-review"): (
        "a child protection plan review is a CIN activity with no plan-action equivalent (extensible binding)"
    ),
    (
        "DA2006",
        "no code provided, and a code should be provided from the value set https://dastandard.org.uk/fhir/ValueSet/risk-factor",
    ): (
        "an assessment factor the census code list does not know is kept as its text and reported as unmapped; the "
        "binding is extensible, and the reference validator warns of a text-only concept in the same way"
    ),
    ("DA2006", "RelatedPerson.relationship: no code provided"): (
        "the census does not say how a parent or carer it does not name is related to the child; the relationship "
        "is kept as text under an extensible binding, which the reference validator warns of in the same way"
    ),
}

READ_EXAMPLES: list[tuple[str, Path]] = [
    ("cin-census", EXAMPLES / "cin-census" / "da-factors.xml"),
    ("police-csv", EXAMPLES / "police-csv" / "notification.csv"),
    ("marac-json", EXAMPLES / "marac" / "referral.marac.json"),
    ("marac-csv", EXAMPLES / "marac" / "referral.marac.csv"),
    ("logical", EXAMPLES / "logical" / "separation-and-contact.logical.json"),
    ("logical", EXAMPLES / "logical" / "same-sex-couple-victim-left.logical.json"),
    ("fhir-json", EXAMPLES / "fhir-formats" / "separation-and-contact.bundle.json"),
    ("fhir-json", EXAMPLES / "fhir-formats" / "same-sex-couple-victim-left.bundle.json"),
    ("fhir-xml", EXAMPLES / "fhir-formats" / "separation-and-contact.bundle.xml"),
    ("fhir-xml", EXAMPLES / "fhir-formats" / "same-sex-couple-victim-left.bundle.xml"),
    ("ndjson", EXAMPLES / "fhir-formats" / "cases.ndjson"),
]
SHARED_SAMPLES = ("CIN_Census_2024.xml", "CIN_Census_2026.xml", "fake_CIN_data.xml")


def convert(fmt_name: str, path: Path) -> list[dict[str, Any]]:
    report = ConversionReport()
    bundles = list(get_format(fmt_name).read(io.BytesIO(path.read_bytes()), path.name, report))
    assert bundles, f"{fmt_name} read nothing from {path.name}"
    return bundles


def conformance_findings(bundles: Iterable[dict[str, Any]], tmp_path: Path) -> list[Finding]:
    out = tmp_path / "output.ndjson"
    out.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bundles), encoding="utf-8")
    return conformance_of_file(out)


def conformance_of_file(path: Path) -> list[Finding]:
    return [f for f in validate([path]).findings if f.layer in CONFORMANCE]


def accepted(finding: Finding) -> bool:
    return finding.severity is Severity.WARNING and any(
        finding.rule_id == rule and text in finding.message for rule, text in ACCEPTED_WARNINGS
    )


def describe(findings: Iterable[Finding]) -> str:
    return "\n".join(f"{f.severity} {f.rule_id} {f.message} [{f.path}]" for f in findings)


def assert_conforms(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity.rank >= Severity.ERROR.rank]
    assert not errors, describe(errors)
    unexpected = [f for f in findings if not accepted(f)]
    assert not unexpected, describe(unexpected)


@pytest.mark.parametrize(("fmt_name", "path"), READ_EXAMPLES, ids=lambda v: v.name if isinstance(v, Path) else v)
def test_reader_output_conforms(fmt_name: str, path: Path, tmp_path: Path) -> None:
    assert_conforms(conformance_findings(convert(fmt_name, path), tmp_path))


@pytest.mark.skipif(not SHARED_CIN.is_dir(), reason="the CIN census reference returns are not available")
@pytest.mark.parametrize("name", SHARED_SAMPLES)
def test_cin_reference_returns_conform(name: str, tmp_path: Path) -> None:
    path = SHARED_CIN / name
    if not path.is_file():
        pytest.skip(f"{name} is not available")
    assert_conforms(conformance_findings(convert("cin-census", path), tmp_path))


def test_generator_output_conforms(tmp_path: Path) -> None:
    bundles = list(generate_bundles(20, seed=3))
    assert len(bundles) == 20
    assert_conforms(conformance_findings(bundles, tmp_path))


@pytest.mark.parametrize(
    "path",
    [
        *sorted((EXAMPLES / "logical").glob("*.expected.bundle.json")),
        EXAMPLES / "cin-census" / "da-factors.expected.ndjson",
        EXAMPLES / "police-csv" / "notification.expected.ndjson",
        EXAMPLES / "marac" / "referral.expected.ndjson",
    ],
    ids=lambda p: p.name,
)
def test_shipped_expected_outputs_conform(path: Path) -> None:
    assert_conforms(conformance_of_file(path))


def test_the_check_catches_a_profile_error(tmp_path: Path) -> None:
    """The assertion is not vacuous: a converted Bundle that loses a required element fails it."""
    bundle = convert("police-csv", EXAMPLES / "police-csv" / "notification.csv")[0]
    del bundle["timestamp"]
    findings = conformance_findings([bundle], tmp_path)
    assert any(f.rule_id == "DA2003" and "Bundle.timestamp" in f.message for f in findings)
    with pytest.raises(AssertionError):
        assert_conforms(findings)


def test_cin_incident_names_the_unidentified_person_causing_harm() -> None:
    """A CIN domestic abuse factor gives an incident whose person causing harm is stated as unknown (da-inc-1)."""
    bundles = convert("cin-census", EXAMPLES / "cin-census" / "da-factors.xml")
    incidents = [
        e["resource"]
        for b in bundles
        for e in b["entry"]
        if e["resource"]["meta"]["profile"][0].endswith("/DAIncident")
    ]
    assert incidents
    for incident in incidents:
        parties = [x for x in incident["extension"] if x["url"].endswith("/incident-party")]
        harm = [
            p
            for p in parties
            if any(s["url"] == "role" and s["valueCodeableConcept"]["coding"][0]["code"] == "person-causing-harm"
                   for s in p["extension"])
        ]  # fmt: skip
        assert len(harm) == 1
        person = next(s for s in harm[0]["extension"] if s["url"] == "person")["valueReference"]
        assert "reference" not in person
        assert person["extension"][0]["valueCode"] == "unknown"
