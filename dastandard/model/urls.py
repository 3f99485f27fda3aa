"""Every canonical and external URL the Python code uses, defined once.

The standard's own canonicals are built from its base in ``profiles/package.json`` (see ``dastandard.model.ids``).
Canonicals of other publishers that the profiles themselves name are read from
``profiles/generated/other/external-canonicals.json`` (written by ``scripts/build_profiles.py``), so the generator
and the toolkit cannot disagree; the few the profiles never name (code systems of core FHIR elements, namespaces,
schema ids) are spelled out here.

Error policy: a canonical missing from ``external-canonicals.json`` raises ``LookupError`` at import, because
the shipped artifacts and the code would otherwise disagree silently.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from dastandard.standard import external_canonicals


@cache
def _external_lists() -> dict[str, tuple[str, ...]]:
    manifest = external_canonicals()
    return {key: tuple(value) for key, value in manifest.items() if isinstance(value, list)}


def external(kind: str, tail: str) -> str:
    """The one canonical of ``kind`` (a list of ``external-canonicals.json``) whose URL ends with ``tail``."""
    found = [url for url in _external_lists().get(kind, ()) if url.endswith(tail)]
    if len(found) != 1:
        raise LookupError(f"external-canonicals.json {kind}: expected one URL ending {tail!r}, found {found}")
    return found[0]


# --- extensions and profiles of other publishers (named by the profiles) ------------------------------------------
DATA_ABSENT_REASON: Final = external("structureDefinitions", "/data-absent-reason")
PATIENT_RELIGION: Final = external("structureDefinitions", "/patient-religion")
PATIENT_DISABILITY: Final = external("structureDefinitions", "/patient-disability")
WORKFLOW_EPISODE_OF_CARE: Final = external("structureDefinitions", "/workflow-episodeOfCare")
UKCORE_ETHNIC_CATEGORY: Final = external("structureDefinitions", "/Extension-UKCore-EthnicCategory")

# --- code systems (shipped as fragments under their real canonical) -------------------------------------------------
DATA_ABSENT_REASON_SYSTEM: Final = external("codeSystemFragments", "/data-absent-reason")
V3_CONFIDENTIALITY: Final = external("codeSystemFragments", "/v3-Confidentiality")
V3_ACT_CODE: Final = external("codeSystemFragments", "/v3-ActCode")
V3_MARITAL_STATUS: Final = external("codeSystemFragments", "/v3-MaritalStatus")
UKCORE_ETHNIC_CATEGORY_ENGLAND: Final = external("codeSystemFragments", "/UKCore-EthnicCategoryEngland")

# --- identifier systems of other publishers ------------------------------------------------------------------------
NHS_NUMBER_SYSTEM: Final = external("identifierSystems", "/Id/nhs-number")

# --- canonicals the profiles do not name -----------------------------------------------------------------------------
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
"""Code system of ``Observation.category`` (FHIR R4 core, example binding)."""
PROVENANCE_PARTICIPANT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
"""Code system of ``Provenance.agent.type``."""
EPISODE_OF_CARE_STATUS: Final = "http://hl7.org/fhir/episode-of-care-status"
CARE_PLAN_ACTIVITY_STATUS: Final = "http://hl7.org/fhir/care-plan-activity-status"
"""Code system of ``EpisodeOfCare.status`` (a required binding in FHIR R4)."""
FHIR_CORE_EXTENSION_BASE: Final = "http://hl7.org/fhir/StructureDefinition/"
"""Prefix of the FHIR core extensions (used when naming issue extensions in reports)."""
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
"""The schema id SARIF reports declare."""
JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of the logical record's schema."""
