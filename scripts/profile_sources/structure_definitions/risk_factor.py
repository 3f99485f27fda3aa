# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DARiskFactor (Risk factor), a profile of Observation."""

from __future__ import annotations

from profile_sources.common import JSON
from profile_sources.structures import Builder, simple_obs


def build(b: Builder) -> JSON:
    """The DARiskFactor StructureDefinition."""
    return simple_obs(
        b,
        "DARiskFactor",
        "Risk factor",
        "A dated trigger or risk factor in one person's life (separation, contact dispute, job loss, ill health, substance misuse, suicidal thoughts, stopping medication or engagement, pregnancy, birth, isolation from wider family).",
        "risk-factor",
        "L22, L17, L26",
        "The person the factor concerns.",
        "risk-factor",
        "extensible",
        [],
    )
