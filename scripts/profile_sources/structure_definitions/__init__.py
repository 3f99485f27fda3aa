"""The StructureDefinitions: the extensions, then one module per profile (each a ``build(b)`` function).

To add a profile, write a module here with ``def build(b: Builder) -> JSON`` and add it to ``PROFILES``.
"""

from __future__ import annotations

from collections.abc import Callable

from profile_sources.common import JSON, Context
from profile_sources.extensions import extensions
from profile_sources.structure_definitions import (
    abuse_classification,
    adult_assessment,
    agency,
    case_bundle,
    child_contact,
    child_victim_status,
    contact_arrangement,
    disclosure,
    history_check,
    household,
    incident,
    information_sharing,
    marac_referral,
    offending_history,
    person,
    plan,
    provenance,
    relationship,
    risk_assessment,
    risk_factor,
    service_episode,
)
from profile_sources.structures import Builder

# In publication order (the order of docs/model.md).
PROFILES: tuple[Callable[[Builder], JSON], ...] = (
    case_bundle.build,
    person.build,
    household.build,
    relationship.build,
    incident.build,
    child_victim_status.build,
    abuse_classification.build,
    child_contact.build,
    disclosure.build,
    risk_assessment.build,
    marac_referral.build,
    plan.build,
    risk_factor.build,
    offending_history.build,
    history_check.build,
    contact_arrangement.build,
    adult_assessment.build,
    service_episode.build,
    information_sharing.build,
    agency.build,
    provenance.build,
)


def structure_definitions(ctx: Context) -> list[JSON]:
    """Every extension and profile."""
    b = Builder(ctx)
    return [*(b.extension(e) for e in extensions(b)), *(build(b) for build in PROFILES)]
