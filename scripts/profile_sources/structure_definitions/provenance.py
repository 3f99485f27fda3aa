# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAProvenance (Provenance), a profile of Provenance."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, ref


def build(b: Builder) -> JSON:
    """The DAProvenance StructureDefinition."""
    ctx = b.ctx
    agency = ctx.sd("DAAgency")
    practitioner = FHIR_SD + "Practitioner"
    return b.profile(
        "DAProvenance",
        "Provenance",
        "The source of facts: the agency and system they came from, the source file and record, and how they are known (self-reported by whom, observed, verified, record check).",
        "Provenance",
        FHIR_SD + "Provenance",
        [
            el(
                "Provenance",
                "Where facts came from",
                "The source of the facts in the target resources.",
                learning="L25",
            ),
            ext_root("Provenance"),
            b.ext_slice(
                "Provenance.extension",
                "factSource",
                "fact-source",
                0,
                "1",
                "How the facts are known",
                "How the facts are known.",
                "L25",
            ),
            b.ext_slice(
                "Provenance.extension",
                "factSourcePerson",
                "fact-source-person",
                0,
                "1",
                "Who reported the facts",
                "The person who reported the facts.",
                "L25",
            ),
            el(
                "Provenance.target",
                "The resources",
                "The resources whose facts this provenance covers.",
                min=1,
                must=True,
            ),
            el("Provenance.recorded", "When recorded", "When the provenance was recorded.", must=True),
            el("Provenance.agent", "Who", "The agency or system the facts came from.", min=1, must=True),
            el(
                "Provenance.agent.who",
                "Agency or practitioner",
                "The agency or practitioner.",
                types=[ref(agency, practitioner, FHIR_SD + "PractitionerRole")],
            ),
            el("Provenance.entity", "Source record", "The source file and record.", must=True),
            el(
                "Provenance.entity.what",
                "Source identifier",
                "The source file and record, as an identifier.",
                must=True,
            ),
        ],
    )
