"""Domain-term building blocks shared by the agency readers that build logical records (police, MARAC).

The readers build items of the logical record's sections and get their Bundles from the one writer
(``dastandard.logical.logical_to_bundle``); nothing here is FHIR.
"""

from __future__ import annotations

from typing import Any, Final

UNKNOWN: Final = {"absentReason": "unknown"}
NOT_ASKED: Final = {"absentReason": "not-asked"}
SECURITY: Final = {"confidentiality": "R", "labels": ["SDV"]}  # every agency reader's Bundles: restricted, SDV


def unasked_characteristics() -> dict[str, Any]:
    """The protected characteristics an agency file does not record, each stated as ``not-asked``."""
    return {
        "genderIdentity": NOT_ASKED,
        "sexualOrientation": NOT_ASKED,
        "religion": [NOT_ASKED],
        "disability": [NOT_ASKED],
        "pregnancy": {"status": NOT_ASKED},
        "maritalStatus": NOT_ASKED,
    }
