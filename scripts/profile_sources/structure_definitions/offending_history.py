"""DAOffendingHistory (Offending history), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import JSON
from profile_sources.structures import Builder, el, ref, simple_obs


def build(b: Builder) -> JSON:
    """The DAOffendingHistory StructureDefinition."""
    ctx = b.ctx
    agency = ctx.sd("DAAgency")
    return simple_obs(
        b,
        "DAOffendingHistory",
        "Offending history",
        "A person's known history of violence or offending, and the agency that holds it.",
        "offending-history",
        "L21",
        "The adult whose history this is.",
        "offending-history",
        "extensible",
        [
            el(
                "Observation.performer",
                "Agency holding the history",
                "The agency that holds the information.",
                types=[ref(agency)],
                must=True,
            )
        ],
        effective_min=0,
    )
