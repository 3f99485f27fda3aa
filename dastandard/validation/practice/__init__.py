"""Safeguarding-practice rules (``DA3xxx``): checks on one ``DACaseBundle`` drawn from case-review learning.

``check_record`` indexes the record once (``RecordIndex``) and runs every enabled rule over the index. Rules are
plain generator functions registered with ``@_rule``; each yields ``Finding`` values whose ``path`` points at the
offending resource (``Bundle.entry[4].resource``) or deeper.

Error policy: rules never raise on malformed or partial records. Missing or odd-typed elements are treated as
absent, unresolvable references as pointing nowhere, unreadable dates as unknown; a rule that needs a fact it
cannot find stays silent rather than guessing. No rule reads sex or gender to decide a person's role (learning
point L14): roles come only from incident parties and relationships. Time-dependent rules measure against a
reference date (the ``reference-date`` param, else ``Bundle.timestamp``, else the latest date in the record), never
the wall clock. Codes are matched on system and code against the named lists of ``dastandard.model.practice_codes``
(ValueSets ``practice-*`` in ``profiles/``); see docs/practice-rules.md.

The rules live in one module per theme: ``harm`` (DA31xx incidents and parties), ``children`` (DA32xx child victim
and voice), ``characteristics`` (DA33xx), ``household`` (DA34xx relationships, separation and contact), ``risk``
(DA35xx risk and MARAC), ``plans`` (DA36xx plans, safety and engagement), ``sharing`` (DA37xx disclosures and
information sharing) and ``locations`` (DA38xx where a victim is); ``_base`` holds the registry, the rule context
and the helpers they share.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dastandard.config import Settings
from dastandard.findings import Finding
from dastandard.validation._record_index import RecordIndex
from dastandard.validation.practice import characteristics as _characteristics
from dastandard.validation.practice import children as _children
from dastandard.validation.practice import harm as _harm
from dastandard.validation.practice import household as _household
from dastandard.validation.practice import locations as _locations
from dastandard.validation.practice import plans as _plans
from dastandard.validation.practice import risk as _risk
from dastandard.validation.practice import sharing as _sharing
from dastandard.validation.practice._base import _RULES, _Ctx, _RuleFn
from dastandard.validation.practice.characteristics import (
    CHARACTERISTICS,
    _characteristic_present,
    characteristics_recorded,
)

__all__ = [
    "CHARACTERISTICS",
    "RULE_IDS",
    "THEMES",
    "_characteristic_present",
    "characteristics_recorded",
    "check_record",
]

THEMES = (_harm, _children, _characteristics, _household, _risk, _plans, _sharing, _locations)
"""The theme modules; importing them registers their rules."""

# The rule parameters of the last Settings seen; Settings values are immutable, so they are read once per run.
_PARAMS: tuple[Settings, dict[tuple[str, str], Any]] | None = None


def check_record(
    record: Mapping[str, Any], *, settings: Settings, file: str, record_no: int | None
) -> Iterator[Finding]:
    """Run every enabled practice rule over one record (a Bundle as a plain dict). Anything that is not a Bundle
    yields nothing (the structure layer reports it). Findings come rule by rule, in rule-id order."""
    idx = RecordIndex.build(record)
    if not idx.is_bundle:
        return
    global _PARAMS
    if _PARAMS is None or _PARAMS[0] is not settings:
        _PARAMS = (settings, {})
    idx.memo["bundle"] = record  # the Bundle's own elements (its labels), for rules that need them
    ctx = _Ctx(idx, settings, file, record_no, _PARAMS[1])
    for rule_id, rule in _ORDERED_RULES:
        if settings.enabled(rule_id):
            yield from rule(ctx)


RULE_IDS: tuple[str, ...] = tuple(sorted(_RULES))
"""Every practice rule id this module implements."""

_ORDERED_RULES: tuple[tuple[str, _RuleFn], ...] = tuple(sorted(_RULES.items()))
