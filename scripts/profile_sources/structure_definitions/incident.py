# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAIncident (Incident), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON, Context
from profile_sources.structures import Builder, component_slices, el, ext_root, inv, pcah_party, record_code, ref, t


def conflict(ctx: Context) -> str:
    """FHIRPath: the incident is classified as parental conflict (no person causing harm, no kind of abuse)."""
    oc = ctx.cs("observation-component")
    ac = ctx.cs("abuse-classification")
    return (
        f"component.where(code.coding.where(system = '{oc}' and code = 'classification').exists())"
        f".value.ofType(CodeableConcept).coding.where(system = '{ac}' and code = 'parental-conflict').exists()"
    )


def build(b: Builder) -> JSON:
    """The DAIncident StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    household = ctx.sd("DAHousehold")
    cc = [t("CodeableConcept")]
    boolean = [t("boolean")]
    return b.profile(
        "DAIncident",
        "Incident",
        "A domestic abuse incident: when, which agency, its reference, the behaviour described, its kinds and pattern, the parties with roles, injury, risk level at the time and linked earlier incidents.",
        "Observation",
        FHIR_SD + "Observation",
        [
            el(
                "Observation",
                "A domestic abuse incident",
                "One incident of domestic abuse as recorded by one agency.",
                learning="L01, L13, L24",
                constraints=[
                    inv(
                        "da-inc-1",
                        "error",
                        "The incident names at least one party whose role is person causing harm (if the person is not identified, the party's person carries a data-absent-reason), unless it is classified as parental conflict.",
                        f"{pcah_party(ctx)}.exists() or {conflict(ctx)}",
                    ),
                    inv(
                        "da-inc-3",
                        "error",
                        "The incident records at least one kind of abuse, unless it is classified as parental conflict.",
                        f"component.where(code.coding.where(system = '{ctx.cs('observation-component')}' and code = 'abuse-kind').exists()).exists() or {conflict(ctx)}",
                    ),
                    inv(
                        "da-inc-2",
                        "warning",
                        "Where more than one party is recorded as causing harm, each has a role rationale.",
                        f"{pcah_party(ctx)}.count() > 1 implies {pcah_party(ctx)}.all(extension.where(url = 'roleRationale').exists())",
                    ),
                ],
            ),
            ext_root("Observation"),
            b.ext_slice(
                "Observation.extension",
                "party",
                "incident-party",
                1,
                "*",
                "A party and their role",
                "Each person involved, with their role in this incident.",
                "L04, L05, L14",
            ),
            b.ext_slice(
                "Observation.extension",
                "linkedIncident",
                "linked-incident",
                0,
                "*",
                "Earlier linked incident",
                "An earlier incident in the same course of conduct.",
                "L13",
            ),
            b.ext_slice(
                "Observation.extension",
                "crimeReference",
                "crime-reference",
                0,
                "1",
                "Crime reference",
                "The crime reference, if recorded as a crime.",
                "L13",
            ),
            el(
                "Observation.identifier",
                "Agency incident reference",
                "The reporting agency's reference for the incident (e.g. the police incident reference).",
                min=1,
                must=True,
                learning="L24",
            ),
            el(
                "Observation.status",
                "Record status",
                "The status of the record. A record is never set to entered-in-error because the incident is disputed.",
                must=True,
            ),
            record_code(b, "Observation", "incident", "domestic abuse incident"),
            el(
                "Observation.subject",
                "Household or person",
                "The household or person the incident concerns.",
                types=[ref(household, person)],
                must=True,
            ),
            el(
                "Observation.effective[x]",
                "When it happened",
                "When the incident happened (a time or a period).",
                min=1,
                types=[t("dateTime"), t("Period")],
                must=True,
                learning="L13",
            ),
            el("Observation.issued", "When recorded", "When the incident was recorded.", must=True),
            el(
                "Observation.performer",
                "Reporting agency",
                "The agency that recorded the incident.",
                min=1,
                max="1",
                types=[ref(agency)],
                must=True,
                learning="L24",
            ),
            el(
                "Observation.value[x]",
                "What happened",
                "The behaviour described: what happened, by whom and to whom, in the reporting practitioner's words.",
                min=1,
                types=[t("string")],
                must=True,
                learning="L01",
            ),
            *component_slices(
                b,
                "Observation",
                [
                    (
                        "abuseKind",
                        "abuse-kind",
                        "Kind of abuse",
                        "0",
                        "*",
                        cc,
                        b.bind(
                            "required",
                            "abuse-kind",
                            "The five statutory kinds and the statutory guidance categories.",
                        ),
                        "L01, L02",
                    ),
                    (
                        "classification",
                        "classification",
                        "Domestic abuse, parental conflict or teenage relationship abuse",
                        "0",
                        "1",
                        cc,
                        b.bind("required", "abuse-classification", "The standard's closed list."),
                        "L03, L05",
                    ),
                    (
                        "pattern",
                        "pattern",
                        "Single incident or course of conduct",
                        "0",
                        "1",
                        cc,
                        b.bind("required", "conduct-pattern", "Closed list."),
                        "L13",
                    ),
                    (
                        "riskLevel",
                        "risk-level",
                        "Risk level at the time",
                        "0",
                        "1",
                        cc,
                        b.bind("required", "risk-level", "SafeLives risk levels."),
                        "L02, L24",
                    ),
                    ("injury", "injury", "Anyone injured", "0", "1", boolean, None, "L01"),
                    ("weaponUsed", "weapon-used", "Weapon used or threatened", "0", "1", boolean, None, "L01"),
                    (
                        "strangulation",
                        "strangulation",
                        "Strangulation or suffocation",
                        "0",
                        "1",
                        boolean,
                        None,
                        "L01",
                    ),
                    (
                        "policeOutcome",
                        "police-outcome",
                        "Police outcome",
                        "0",
                        "1",
                        cc,
                        b.bind("extensible", "police-outcome", "Forces may record finer local outcomes."),
                        None,
                    ),
                ],
            ),
        ],
    )
