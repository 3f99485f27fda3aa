"""DAHousehold (Household), a profile of Group."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, ref


def build(b: Builder) -> JSON:
    """The DAHousehold StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    return b.profile(
        "DAHousehold",
        "Household",
        "A household's composition over time: who lived there, from when to when, and why each person left.",
        "Group",
        FHIR_SD + "Group",
        [
            el(
                "Group",
                "A household over time",
                "The people who live or have lived in one household, with dated membership.",
                learning="L16, L18",
            ),
            ext_root("Group"),
            b.ext_slice(
                "Group.extension",
                "lastVerified",
                "last-verified",
                0,
                "1",
                "Composition last verified",
                "When and by whom the household composition was last verified.",
                "L18",
            ),
            el("Group.type", "person", "A household is a group of persons.", fixedCode="person"),
            el("Group.actual", "Actual", "A household is an actual group.", fixedBoolean=True),
            el(
                "Group.member",
                "A member of the household",
                "A person who lives or lived in the household.",
                min=1,
                must=True,
                learning="L16",
            ),
            ext_root("Group.member"),
            b.ext_slice(
                "Group.member.extension",
                "membershipChange",
                "membership-change",
                0,
                "*",
                "Why the person joined or left",
                "Why the member joined or left and where they went.",
                "L16",
            ),
            b.ext_slice(
                "Group.member.extension",
                "lastVerified",
                "last-verified",
                0,
                "1",
                "Membership last verified",
                "When and by whom this membership was last verified.",
                "L18",
            ),
            el("Group.member.entity", "The person", "The household member.", types=[ref(person)]),
            el(
                "Group.member.period",
                "When the person lived there",
                "When the person joined and (if they left) left the household.",
                min=1,
                must=True,
                learning="L16",
            ),
        ],
    )
