# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAChildContact (Child contact), a profile of Encounter."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, inv, ref


def build(b: Builder) -> JSON:
    """The DAChildContact StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    ext = ctx.sd
    cv = ext("child-voice")
    return b.profile(
        "DAChildContact",
        "Child contact",
        "A practitioner's contact with a child: whether the child was seen, spoken with and seen alone, by which agency, and the child's own words and wishes.",
        "Encounter",
        FHIR_SD + "Encounter",
        [
            el(
                "Encounter",
                "A practitioner's contact with a child",
                "One contact between a practitioner and a child.",
                learning="L07",
                constraints=[
                    inv(
                        "da-cc-1",
                        "error",
                        "A child seen alone was seen.",
                        f"extension.where(url = '{cv}').all(extension.where(url = 'seenAlone').value = true implies extension.where(url = 'seen').value = true)",
                    ),
                    inv(
                        "da-cc-2",
                        "warning",
                        "If the child was not spoken with, the reason is recorded.",
                        f"extension.where(url = '{cv}').all(extension.where(url = 'spokenWith').value = false implies extension.where(url = 'notSpokenWithReason').exists())",
                    ),
                ],
            ),
            ext_root("Encounter"),
            b.ext_slice(
                "Encounter.extension",
                "practitioner",
                "practitioner",
                0,
                "1",
                "The individual practitioner",
                "The practitioner who made the contact (name or staff id).",
                "L07",
            ),
            b.ext_slice(
                "Encounter.extension",
                "interpreter",
                "interpreter",
                0,
                "1",
                "Who interpreted",
                "Who interpreted at the contact, when the child needs an interpreter (DA3708).",
                "L07",
            ),
            b.ext_slice(
                "Encounter.extension",
                "personPresent",
                "persons-present",
                0,
                "*",
                "Who else was present",
                "A person of the record present at the contact.",
                "L07",
            ),
            b.ext_slice(
                "Encounter.extension",
                "childVoice",
                "child-voice",
                1,
                "1",
                "Seen, spoken with, seen alone; words",
                "The child's voice at this contact.",
                "L07",
            ),
            el(
                "Encounter.class",
                "Setting of the contact",
                "Where the contact took place: field, home, office or virtual.",
                binding=b.bind(
                    "extensible",
                    "encounter-class",
                    "v3 ActCode encounter classes; others from the base value set may be used.",
                ),
            ),
            el("Encounter.subject", "The child", "The child.", min=1, types=[ref(person)], must=True),
            el("Encounter.period", "When", "When the contact took place.", min=1, must=True),
            el("Encounter.period.start", "Start", "When the contact started.", min=1),
            el(
                "Encounter.serviceProvider",
                "The agency",
                "The agency whose practitioner made the contact.",
                min=1,
                types=[ref(agency)],
                must=True,
                learning="L07",
            ),
        ],
    )
