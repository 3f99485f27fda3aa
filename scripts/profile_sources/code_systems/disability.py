"""The disability code system (Disability (DfE))."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "disability",
        "Disability",
        "Disability (DfE)",
        "The disability codes of the DfE children in need census (item N00099), 0..* per child. Source: DfE CIN "
        "census schema disabilitytype (as published with the CIN census validator tooling). NONE may not be "
        "combined with another code.",
        [
            C("NONE", "No disability", "The child has no disability."),
            C("MOB", "Mobility", "Mobility: getting about the house and beyond."),
            C("HAND", "Hand function", "Hand function: using hands to carry out everyday tasks."),
            C("PC", "Personal care", "Personal care, such as eating, washing, going to the toilet or dressing."),
            C("INC", "Incontinence", "Incontinence or bladder and bowel control."),
            C("COMM", "Communication", "Communication: speaking or understanding others."),
            C("LD", "Learning", "Learning: learning or understanding."),
            C("HEAR", "Hearing", "Hearing."),
            C("VIS", "Vision", "Vision."),
            C("BEH", "Behaviour", "Behaviour: a condition leading to behavioural difficulties."),
            C("CON", "Consciousness", "Consciousness: seizures or loss of consciousness."),
            C("AUT", "Autism", "Autism or Asperger syndrome, diagnosed by a qualified medical practitioner."),
            C("DDA", "Other", "Another disability under the Equality Act 2010 definition."),
        ],
        vs_description="A person's disability (Equality Act 2010 s6): DfE children in need census disability codes.",
        absence=True,
    )
