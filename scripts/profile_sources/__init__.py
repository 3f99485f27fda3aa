"""The sources of the generated conformance resources, one module per profile or code-list family.

``RESOURCE_SOURCES`` lists, in output order, the functions that each return some resources for a ``Context``.
To add a source, write a module with such a function and append it here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from profile_sources.code_systems import code_systems
from profile_sources.common import Context
from profile_sources.concept_maps import concept_maps
from profile_sources.fragments import fragments
from profile_sources.practice_value_sets import practice_value_sets
from profile_sources.structure_definitions import structure_definitions
from profile_sources.value_sets import value_sets

ResourceSource = Callable[[Context], Iterable[dict[str, Any]]]

RESOURCE_SOURCES: tuple[ResourceSource, ...] = (
    code_systems,
    fragments,
    value_sets,
    practice_value_sets,
    concept_maps,
    structure_definitions,
)
