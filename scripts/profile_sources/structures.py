"""StructureDefinitions: the standard's profiles and extensions."""

from __future__ import annotations

from profile_sources.common import JSON, Context


def structure_definitions(ctx: Context) -> list[JSON]:
    return []
