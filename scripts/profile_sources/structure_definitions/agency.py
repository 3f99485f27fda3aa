# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAAgency (Agency), a profile of Organization."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el


def build(b: Builder) -> JSON:
    """The DAAgency StructureDefinition."""
    return b.profile(
        "DAAgency",
        "Agency",
        "An agency that holds or shares domestic abuse records: police force, children's social care, health, school, MARAC, Idva service, specialist services.",
        "Organization",
        FHIR_SD + "Organization",
        [
            el("Organization", "An agency", "An agency.", learning="L10, L11"),
            el(
                "Organization.identifier",
                "Agency identifiers",
                "The agency's identifiers, such as an ODS code or a DfE LA code.",
                must=True,
            ),
            el(
                "Organization.type",
                "Agency type",
                "The kind of agency.",
                min=1,
                must=True,
                learning="L10",
                binding=b.bind("extensible", "agency-type", "Agencies may use finer local types."),
            ),
            el("Organization.name", "Name", "The agency's name.", min=1, must=True),
        ],
    )
