"""Shared helpers for the conformance-resource generator: canonical URLs, metadata and file writing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "profiles"
# Everything a generator writes lives under profiles/generated/; the other files in profiles/ are hand-written.
GENERATED = PROFILES / "generated"
# The resource folders build_profiles.py owns under GENERATED (the ImplementationGuide is written by build_ig.py).
GENERATED_TYPES = ("CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition")

# The publication date of this version of the artifacts (kept fixed so output is deterministic).
DATE = "2026-11-23"

JSON = dict[str, Any]

# Canonicals of other publishers that the artifacts refer to. The tests allow exactly these (plus our own).
FHIR_SD = "http://hl7.org/fhir/StructureDefinition/"
THO_CS = "http://terminology.hl7.org/CodeSystem/"
UKCORE_PATIENT = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
UKCORE_ETHNIC_EXT = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
UKCORE_ETHNIC_CS = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
DAR_EXT = FHIR_SD + "data-absent-reason"
RELIGION_EXT = FHIR_SD + "patient-religion"
DISABILITY_EXT = FHIR_SD + "patient-disability"
# Core R4 extension naming the EpisodeOfCare an event belongs to; converters put it on CIN assessments and plans.
WORKFLOW_EPISODE_EXT = FHIR_SD + "workflow-episodeOfCare"
DAR_CS = THO_CS + "data-absent-reason"
# The data-absent-reason codes the standard uses to state why a value is absent. Every ValueSet bound to an element
# whose absence must be statable includes them, so a stated absence is a coding a required binding accepts.
ABSENT_REASON_CODES = ("not-asked", "asked-declined", "asked-unknown", "unknown", "not-applicable")
CONFIDENTIALITY_CS = THO_CS + "v3-Confidentiality"
ACTCODE_CS = THO_CS + "v3-ActCode"
MARITAL_CS = THO_CS + "v3-MaritalStatus"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"


@dataclass
class Context:
    """The package identity (from ``profiles/package.json``) and the external canonicals used so far."""

    canonical: str
    version: str
    publisher: str
    jurisdiction: str
    package_id: str

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> Context:
        return cls(
            canonical=manifest["canonical"],
            version=manifest["version"],
            publisher=manifest["publisher"],
            jurisdiction=manifest["jurisdiction"],
            package_id=manifest["name"],
        )

    # canonical URLs of our own artifacts
    def sd(self, artifact_id: str) -> str:
        return f"{self.canonical}/StructureDefinition/{artifact_id}"

    def cs(self, artifact_id: str) -> str:
        return f"{self.canonical}/CodeSystem/{artifact_id}"

    def vs(self, artifact_id: str) -> str:
        return f"{self.canonical}/ValueSet/{artifact_id}"

    def cm(self, artifact_id: str) -> str:
        return f"{self.canonical}/ConceptMap/{artifact_id}"

    def id_system(self, name: str) -> str:
        return f"{self.canonical}/Id/{name}"

    @property
    def learning_uri(self) -> str:
        return f"{self.canonical}/learning-points"

    def metadata(self, resource_type: str, artifact_id: str, name: str, title: str, description: str) -> JSON:
        """The common metadata every artifact carries, in FHIR element order."""
        return {
            "resourceType": resource_type,
            "id": artifact_id,
            "url": f"{self.canonical}/{resource_type}/{artifact_id}",
            "version": self.version,
            "name": name,
            "title": title,
            "status": "draft",
            "experimental": False,
            "date": DATE,
            "publisher": self.publisher,
            "description": description,
            "jurisdiction": [
                {
                    "coding": [
                        {
                            "system": "urn:iso:std:iso:3166",
                            "code": self.jurisdiction,
                            "display": "United Kingdom of Great Britain and Northern Ireland",
                        }
                    ]
                }
            ],
        }

    def external_canonicals(self) -> JSON:
        """The one list of canonicals of other publishers that the artifacts may use."""
        structure_definitions = sorted(
            {
                UKCORE_PATIENT,
                UKCORE_ETHNIC_EXT,
                DAR_EXT,
                RELIGION_EXT,
                DISABILITY_EXT,
                WORKFLOW_EPISODE_EXT,
                *(
                    FHIR_SD + t
                    for t in (
                        "Bundle",
                        "Group",
                        "RelatedPerson",
                        "Observation",
                        "Encounter",
                        "Communication",
                        "RiskAssessment",
                        "ServiceRequest",
                        "CarePlan",
                        "EpisodeOfCare",
                        "Organization",
                        "Provenance",
                        "Extension",
                        "Practitioner",
                        "PractitionerRole",
                        "Location",
                        "Resource",
                        "Consent",
                    )
                ),
            }
        )
        return {
            "description": (
                "Canonical URLs of other publishers that the dastandard artifacts refer to. Code systems listed "
                "under codeSystemFragments are shipped in profiles/generated/CodeSystem as offline fragments (content "
                "fragment) under their real canonical URL; everything else here is resolved from the FHIR R4 core "
                "package (hl7.fhir.r4.core 4.0.1) or UK Core (fhir.r4.ukcore.stu2). namespacePrefixes name the "
                "namespaces of converter source fields used as ConceptMap group sources; they are not artifacts."
            ),
            "structureDefinitions": structure_definitions,
            "valueSets": sorted(
                {
                    "http://hl7.org/fhir/ValueSet/security-labels",
                    "http://hl7.org/fhir/ValueSet/v3-ActEncounterCode",
                }
            ),
            "codeSystemFragments": sorted({UKCORE_ETHNIC_CS, DAR_CS, CONFIDENTIALITY_CS, ACTCODE_CS, MARITAL_CS}),
            "codeSystems": sorted({"urn:iso:std:iso:3166"}),
            "identifierSystems": sorted(
                {
                    NHS_NUMBER_SYSTEM,
                    self.id_system("la-child-id"),
                    self.id_system("police-person-id"),
                    self.id_system("case-reference"),
                }
            ),
            "implementationGuides": sorted(
                {"http://hl7.org/fhir", "https://fhir.hl7.org.uk/ImplementationGuide/hl7.fhir.r4.ukcore.stu2"}
            ),
            "other": sorted({self.learning_uri}),
            "namespacePrefixes": [f"{self.canonical}/converters/"],
        }


def dump(resource: Mapping[str, Any]) -> str:
    """Deterministic JSON text: two-space indent, key order as built, trailing newline."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
