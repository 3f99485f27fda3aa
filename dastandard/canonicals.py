"""Temporary re-export of the canonicals now defined in ``dastandard.model.urls``.

Deprecated: import from ``dastandard.model.urls``. This module goes away once nothing imports it.
"""

from __future__ import annotations

from dastandard.model.urls import DATA_ABSENT_REASON, NHS_NUMBER_SYSTEM, V3_ACT_CODE, V3_CONFIDENTIALITY

__all__ = ["DATA_ABSENT_REASON", "NHS_NUMBER_SYSTEM", "V3_ACT_CODE", "V3_CONFIDENTIALITY"]
