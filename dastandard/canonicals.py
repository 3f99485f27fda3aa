"""Canonical URLs of other publishers that the standard uses, defined once.

The standard's own canonical base comes from ``profiles/package.json`` (see ``dastandard.standard``); the
external canonicals the profiles may name are listed in ``profiles/external-canonicals.json``. These constants
are the ones the Python code needs by name.
"""

from __future__ import annotations

from typing import Final

DATA_ABSENT_REASON: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
NHS_NUMBER_SYSTEM: Final = "https://fhir.nhs.uk/Id/nhs-number"
V3_CONFIDENTIALITY: Final = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
V3_ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
PROVENANCE_PARTICIPANT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
WORKFLOW_EPISODE_OF_CARE: Final = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"
