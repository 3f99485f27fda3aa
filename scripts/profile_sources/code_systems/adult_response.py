# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The adult-response code system (How an adult responds to concerns)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "adult-response",
        "AdultResponse",
        "How an adult responds to concerns",
        "How an adult responds to the concerns about domestic abuse, assessed by the practitioner: denial and minimisation are their own kind, not a disclosure, and apparent or disguised compliance is not engagement (learning points L19, L20, L25).",
        [
            C("accepts", "Accepts", "The adult acknowledges the abuse and its effect on the children."),
            C("minimises", "Minimises", "The adult acknowledges events but plays down their seriousness or effect."),
            C("denies", "Denies", "The adult denies that the abuse happened."),
            C("blames-victim", "Blames the victim", "The adult says the victim caused or deserved the abuse."),
            C("apparent-compliance", "Apparent compliance", "The adult agrees to what is asked but nothing changes."),
            C(
                "disguised-compliance",
                "Disguised compliance",
                "The adult appears to co-operate in order to deflect attention from the abuse.",
            ),
        ],
    )
