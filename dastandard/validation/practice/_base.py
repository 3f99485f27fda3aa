"""The practice rules' registry, rule context and the helpers several themes share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from dastandard.config import Settings
from dastandard.findings import Finding, Layer
from dastandard.model.fragments import as_list, as_map, as_str
from dastandard.model.practice_codes import (
    CHILD_VICTIM,
)
from dastandard.validation._record_index import (
    DAR_URL,
    Entry,
    Incident,
    RecordIndex,
    absent_reason,
    effective_date,
    extensions,
    has_code,
    has_value_code,
    parse_date,
    value_codings,
)

# --- registry -----------------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    idx: RecordIndex
    settings: Settings
    file: str
    record_no: int | None
    params: dict[tuple[str, str], Any]  # rule parameters already read from ``settings``

    def param(self, rule_id: str, name: str) -> Any:
        key = (rule_id, name)
        params = self.params
        if key in params:
            return params[key]
        value = params[key] = self.settings.param(rule_id, name)
        return value

    def int_param(self, rule_id: str, name: str, default: int) -> int:
        value = self.param(rule_id, name)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def ref_date(self, rule_id: str) -> date | None:
        return self.idx.reference_date(self.param(rule_id, "reference-date"))

    def finding(self, rule_id: str, message: str, entry: Entry | None, suffix: str = "", **details: Any) -> Finding:
        return Finding(
            rule_id=rule_id,
            severity=self.settings.severity_of(rule_id),
            layer=Layer.PRACTICE,
            message=message,
            file=self.file,
            path=(entry.path + suffix) if entry else "Bundle",
            record=self.record_no,
            resource=entry.label if entry else "",
            details=tuple(sorted(details.items())),
        )


_RuleFn = Callable[[_Ctx], Iterator[Finding]]
_RULES: dict[str, _RuleFn] = {}


def _rule(rule_id: str) -> Callable[[_RuleFn], _RuleFn]:
    def register(fn: _RuleFn) -> _RuleFn:
        _RULES[rule_id] = fn
        return fn

    return register


# --- shared helpers -----------------------------------------------------------------------------------------------


def _name(ctx: _Ctx, key: str | None) -> str:
    entry = ctx.idx.entry(key)
    return entry.label if entry else str(key)


def _subject(ctx: _Ctx, entry: Entry, element: str = "subject") -> str | None:
    return ctx.idx.resolve(entry.res.get(element))


def _assessed_or_engaged(ctx: _Ctx) -> set[str]:
    """Persons with an adult assessment, a risk assessment or a service episode about them."""
    idx = ctx.idx
    out: set[str] = set()
    for entry in idx.kind("adult-assessment"):
        out.update(idx.resolve_all(entry.res.get("subject")))
    for entry in idx.of_type("RiskAssessment"):
        out.update(idx.resolve_all(entry.res.get("subject")))
    for entry in idx.of_type("EpisodeOfCare"):
        out.update(idx.resolve_all(entry.res.get("patient")))
    return out


def _child_victims(ctx: _Ctx) -> dict[str, Entry]:
    """Children with a child-victim status (s3 or s1) -> the status resource (worked out once per record)."""
    memo = ctx.idx.memo
    out: dict[str, Entry] | None = memo.get("child-victims")
    if out is None:
        out = memo["child-victims"] = {}
        for entry in ctx.idx.kind("child-victim-status"):
            if CHILD_VICTIM.matches(value_codings(entry.res)) and (child := _subject(ctx, entry)):
                out.setdefault(child, entry)
    return out


def _has_value_or_reason(element: Any) -> bool:
    """Whether an element carries a value (code, text, any ``value[x]`` or sub-extension) or a data-absent-reason."""
    item = element if type(element) is dict else as_map(element)
    if not item:
        return False
    concept = item.get("valueCodeableConcept")
    if type(concept) is dict:  # the usual shapes: a coded CodeableConcept, or one with a data-absent-reason
        codings = concept.get("coding")
        if type(codings) is list:
            for coding in codings:
                if type(coding) is dict:
                    code = coding.get("code")
                    if isinstance(code, str) and code.strip():
                        return True
        reasons = concept.get("extension")
        if type(reasons) is list:
            for reason in reasons:
                if type(reason) is dict and reason.get("url") == DAR_URL:
                    return True
    if has_value_code(item) or absent_reason(item) or as_str(as_map(item.get("valueCodeableConcept")).get("text")):
        return True
    if any(key.startswith("value") and key != "valueCodeableConcept" for key in item):
        return True
    return any(as_map(sub).get("url") != DAR_URL for sub in as_list(item.get("extension")))


def _concept_present(concept: Any) -> bool:
    item = as_map(concept)
    return bool(has_code(item) or as_str(item.get("text")) or absent_reason(item))


def _pairs(inc: Incident) -> frozenset[tuple[str, str]]:
    return inc.pairs()


def _entry_date(entry: Entry) -> date | None:
    res = entry.res
    return effective_date(res) or parse_date(res.get("occurrenceDateTime"))


def _plan_targets(ctx: _Ctx, plan: Entry) -> tuple[list[set[str]], set[str]]:
    """Per-activity target sets and their union (``action-directed-at`` on the activity or its detail), worked
    out once per plan of the record."""
    memo: dict[int, tuple[list[set[str]], set[str]]] | None = ctx.idx.memo.get("plan-targets")
    if memo is None:
        memo = ctx.idx.memo["plan-targets"] = {}
    found = memo.get(plan.pos)
    if found is not None:
        return found
    per_activity: list[set[str]] = []
    union: set[str] = set()
    for activity in as_list(plan.res.get("activity")):
        targets: set[str] = set()
        for holder in (as_map(activity), as_map(as_map(activity).get("detail"))):
            for _, ext in extensions(holder, "action-directed-at"):
                key = ctx.idx.resolve(ext.get("valueReference"))
                if key:
                    targets.add(key)
        per_activity.append(targets)
        union |= targets
    found = memo[plan.pos] = (per_activity, union)
    return found
