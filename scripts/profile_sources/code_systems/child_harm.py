# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The child-harm code system (Harm to a child beyond exposure)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "child-harm",
        "ChildHarm",
        "Harm to a child",
        "Abuse or neglect of a child within a household where there is domestic abuse, beyond the child's exposure to the abuse between adults (learning point L05). The four categories follow Working Together to Safeguard Children; they are the standard's own codes, not the DfE census codes.",
        [
            C(
                "physical-abuse",
                "Physical abuse",
                "The child was hit, shaken, thrown, burned or otherwise physically harmed.",
            ),
            C(
                "emotional-abuse",
                "Emotional abuse",
                "The child was persistently ill-treated emotionally, for example threatened, humiliated or used to control the adult victim.",
            ),
            C("sexual-abuse", "Sexual abuse", "The child was forced or enticed to take part in sexual activity."),
            C("neglect", "Neglect", "The child's basic physical or psychological needs were persistently not met."),
        ],
    )
