"""The standard's own code systems, one module each (a ``code_system()`` function returning a ``CS``).

A code system with ``value_set=True`` also gets the ValueSet of all its codes. To add one, write a module
here and add its ``code_system`` to ``CODE_SYSTEMS``.
"""

from __future__ import annotations

from collections.abc import Callable

from profile_sources.code_systems import (
    abuse_classification,
    abuse_kind,
    adult_response,
    adult_role,
    agency_type,
    child_exposure,
    child_harm,
    children_in_contact,
    civil_partnership_status,
    classification_basis,
    conduct_pattern,
    contact_type,
    court_order,
    disability,
    disclosure_response,
    ethnicity_dfe,
    ethnicity_ons_2021,
    fact_source,
    front_door_outcome,
    history_check_outcome,
    history_check_type,
    immigration_status,
    incident_role,
    interpreter,
    marac_criterion,
    membership_change_reason,
    need_to_know,
    nhs_gender_identity,
    nhs_sexual_orientation,
    observation_component,
    offending_history,
    offer_outcome,
    parent_not_recorded_reason,
    personally_connected,
    plan_action,
    plan_type,
    police_outcome,
    pregnancy_status,
    protective_capacity,
    record_type,
    relationship_status,
    relationship_type,
    religion_ons_2021,
    risk_answer,
    risk_factor,
    risk_level,
    risk_tool,
    s3_basis,
    s3_relatedness,
    service_end_reason,
    service_type,
    sex,
    sharing_basis,
    victim_status,
)
from profile_sources.common import JSON, Context
from profile_sources.terminology import ABSENCE_INCLUDE, ABSENCE_NOTE, CS, codesystem, valueset

# In the order of docs/model.md.
CODE_SYSTEMS: tuple[Callable[[], CS], ...] = (
    record_type.code_system,
    observation_component.code_system,
    abuse_kind.code_system,
    conduct_pattern.code_system,
    risk_level.code_system,
    police_outcome.code_system,
    incident_role.code_system,
    child_exposure.code_system,
    child_harm.code_system,
    victim_status.code_system,
    s3_basis.code_system,
    s3_relatedness.code_system,
    abuse_classification.code_system,
    classification_basis.code_system,
    personally_connected.code_system,
    relationship_type.code_system,
    relationship_status.code_system,
    parent_not_recorded_reason.code_system,
    risk_tool.code_system,
    risk_answer.code_system,
    marac_criterion.code_system,
    sharing_basis.code_system,
    front_door_outcome.code_system,
    need_to_know.code_system,
    interpreter.code_system,
    plan_type.code_system,
    plan_action.code_system,
    risk_factor.code_system,
    offending_history.code_system,
    history_check_type.code_system,
    history_check_outcome.code_system,
    court_order.code_system,
    contact_type.code_system,
    protective_capacity.code_system,
    adult_role.code_system,
    adult_response.code_system,
    service_type.code_system,
    offer_outcome.code_system,
    service_end_reason.code_system,
    agency_type.code_system,
    fact_source.code_system,
    immigration_status.code_system,
    disclosure_response.code_system,
    membership_change_reason.code_system,
    children_in_contact.code_system,
    pregnancy_status.code_system,
    sex.code_system,
    civil_partnership_status.code_system,
    ethnicity_ons_2021.code_system,
    ethnicity_dfe.code_system,
    disability.code_system,
    religion_ons_2021.code_system,
    nhs_gender_identity.code_system,
    nhs_sexual_orientation.code_system,
)


def local_code_systems() -> list[CS]:
    """Every local code system, in the order of docs/model.md."""
    return [code_system() for code_system in CODE_SYSTEMS]


def code_systems(ctx: Context) -> list[JSON]:
    """Every local CodeSystem, each followed by the ValueSet of all its codes where it has one."""
    out: list[JSON] = []
    for cs in local_code_systems():
        out.append(codesystem(ctx, cs))
        if cs.value_set:
            out.append(
                valueset(
                    ctx,
                    cs.id,
                    cs.name,
                    cs.title,
                    (cs.vs_description or f"All codes of the {cs.title} code system. {cs.description}")
                    + (ABSENCE_NOTE if cs.absence else ""),
                    [(ctx.cs(cs.id), None), *([ABSENCE_INCLUDE] if cs.absence else [])],
                )
            )
    return out
