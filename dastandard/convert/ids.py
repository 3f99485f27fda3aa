"""Temporary re-export of ``dastandard.model.ids`` for modules not yet moved to the model package.

Deprecated: import from ``dastandard.model`` instead. This module goes away once nothing imports it.
"""

from __future__ import annotations

from dastandard.model.ids import (
    code_system_url,
    entry,
    extension_url,
    full_url,
    identifier_system,
    profile_url,
    reference,
    stable_id,
)

__all__ = [
    "code_system_url",
    "entry",
    "extension_url",
    "full_url",
    "identifier_system",
    "profile_url",
    "reference",
    "stable_id",
]
