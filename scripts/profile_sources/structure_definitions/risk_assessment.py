# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DARiskAssessment (Risk assessment), a profile of RiskAssessment."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, inv, ref, t


def build(b: Builder) -> JSON:
    """The DARiskAssessment StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    incident = ctx.sd("DAIncident")
    practitioner = FHIR_SD + "Practitioner"
    ext = ctx.sd
    item = ext("risk-item")
    score = ext("risk-score")
    ra_cs = ctx.cs("risk-answer")
    return b.profile(
        "DARiskAssessment",
        "Risk assessment",
        "A domestic abuse risk assessment: tool and version, answers by question number (never the licensed wording), score, level, professional judgement and MARAC criteria met.",
        "RiskAssessment",
        FHIR_SD + "RiskAssessment",
        [
            el(
                "RiskAssessment",
                "A risk assessment",
                "A risk assessment of a victim's situation.",
                learning="L02, L10, L22",
                constraints=[
                    inv(
                        "da-ra-1",
                        "warning",
                        "The score equals the number of items answered yes.",
                        f"(extension.where(url = '{item}').exists() and extension.where(url = '{score}').exists()) implies extension.where(url = '{score}').value = extension.where(url = '{item}').where(extension.where(url = 'answer').value.ofType(CodeableConcept).coding.where(system = '{ra_cs}' and code = 'yes').exists()).count()",
                    ),
                ],
            ),
            ext_root("RiskAssessment"),
            b.ext_slice(
                "RiskAssessment.extension",
                "practitioner",
                "practitioner",
                0,
                "1",
                "The individual practitioner",
                "The practitioner who completed the assessment (name or staff id).",
                "L02",
            ),
            b.ext_slice(
                "RiskAssessment.extension",
                "toolVersion",
                "risk-tool-version",
                0,
                "1",
                "Tool version",
                "The version of the tool.",
                "L02",
            ),
            b.ext_slice(
                "RiskAssessment.extension",
                "item",
                "risk-item",
                0,
                "*",
                "Checklist answers",
                "The answers by question number.",
                "L02, L22",
            ),
            b.ext_slice(
                "RiskAssessment.extension",
                "score",
                "risk-score",
                0,
                "1",
                "Score",
                "The number of yes answers.",
                "L02",
            ),
            b.ext_slice(
                "RiskAssessment.extension",
                "professionalJudgement",
                "professional-judgement",
                0,
                "1",
                "Professional judgement",
                "A professional judgement raising the level.",
                "L02",
            ),
            b.ext_slice(
                "RiskAssessment.extension",
                "maracCriterion",
                "marac-criterion",
                0,
                "*",
                "MARAC criteria met",
                "MARAC referral criteria the assessment meets.",
                "L11",
            ),
            el("RiskAssessment.status", "Record status", "The status of the assessment.", must=True),
            el(
                "RiskAssessment.method",
                "Tool",
                "The risk assessment tool used.",
                min=1,
                must=True,
                learning="L02",
                binding=b.bind("extensible", "risk-tool", "The known UK tools; forces may name local variants."),
            ),
            el(
                "RiskAssessment.subject",
                "The victim",
                "The person whose risk is assessed.",
                types=[ref(person)],
                must=True,
            ),
            el(
                "RiskAssessment.occurrence[x]",
                "When assessed",
                "When the assessment was completed.",
                min=1,
                types=[t("dateTime")],
                must=True,
            ),
            el(
                "RiskAssessment.performer",
                "Who assessed",
                "The agency or practitioner who completed the assessment.",
                types=[ref(agency, practitioner)],
                must=True,
                learning="L10",
            ),
            el(
                "RiskAssessment.basis",
                "Incidents and risk factors considered",
                "The incidents the assessment considered and the risk factors it identified. A DfE children in need assessment records factors (e.g. 3A domestic abuse concerning the child, 8B alcohol misuse by a parent) rather than incidents, so its basis lists them as DARiskFactor or DAIncident records.",
                types=[ref(incident, ctx.sd("DARiskFactor"))],
            ),
            el("RiskAssessment.prediction", "Risk level", "The assessed level of risk.", must=True),
            el(
                "RiskAssessment.prediction.qualitativeRisk",
                "Level",
                "Standard, medium or high.",
                must=True,
                learning="L02",
                binding=b.bind("required", "risk-level", "SafeLives risk levels."),
            ),
        ],
    )
