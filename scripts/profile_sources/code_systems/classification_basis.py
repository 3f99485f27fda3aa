"""The classification-basis code system (Basis of an abuse classification)."""

from __future__ import annotations

from profile_sources.terminology import CS, INDICATES, C


def code_system() -> CS:
    return CS(
        "classification-basis",
        "ClassificationBasis",
        "Basis of an abuse classification",
        "Indicators on which a decision between domestic abuse and parental conflict rests.",
        [
            C("fear", "Fear", "One person is afraid of the other.", props={INDICATES[0]: True}),
            C("control", "Control", "One person controls or coerces the other.", props={INDICATES[0]: True}),
            C("injury", "Injury", "One person has been injured by the other.", props={INDICATES[0]: True}),
            C("threats", "Threats", "One person has threatened the other.", props={INDICATES[0]: True}),
            C(
                "power-imbalance",
                "Power imbalance",
                "There is an imbalance of power between the two people.",
                props={INDICATES[0]: True},
            ),
            C(
                "pattern-of-behaviour",
                "Pattern of behaviour",
                "The behaviour is repeated by the same person.",
                props={INDICATES[0]: True},
            ),
            C(
                "mutual-disagreement",
                "Mutual disagreement",
                "The disagreement is mutual, with neither person dominating.",
                props={INDICATES[0]: False},
            ),
            C("no-fear", "No fear", "Neither person is afraid of the other.", props={INDICATES[0]: False}),
            C(
                "no-power-imbalance",
                "No power imbalance",
                "There is no imbalance of power between the two people.",
                props={INDICATES[0]: False},
            ),
        ],
        properties=[INDICATES],
    )
