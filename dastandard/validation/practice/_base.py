"""The practice rules' registry, rule context and the helpers several themes share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from dastandard.config import Settings
from dastandard.findings import Finding, Layer, Severity
from dastandard.htmlreport.digest import person_ids
from dastandard.model.fragments import as_list, as_map, as_str
from dastandard.model.ids import identifier_system
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

    def finding(
        self,
        rule_id: str,
        message: str,
        entry: Entry | None,
        suffix: str = "",
        *,
        at_most: Severity | None = None,
        **details: Any,
    ) -> Finding:
        """A finding of ``rule_id`` at ``entry`` (plus ``suffix``); ``at_most`` caps the configured severity (a
        query rather than an error where the record gives a reason, or cannot carry the fact)."""
        severity = self.settings.severity_of(rule_id)
        if at_most is not None and _RANK[severity] > _RANK[at_most]:
            severity = at_most
        return Finding(
            rule_id=rule_id,
            severity=severity,
            layer=Layer.PRACTICE,
            message=message,
            file=self.file,
            path=(entry.path + suffix) if entry else "Bundle",
            record=self.record_no,
            resource=entry.label if entry else "",
            details=tuple(sorted(details.items())),
        )


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2, Severity.FATAL: 3}

_RuleFn = Callable[[_Ctx], Iterator[Finding]]
_RULES: dict[str, _RuleFn] = {}


def _rule(rule_id: str) -> Callable[[_RuleFn], _RuleFn]:
    def register(fn: _RuleFn) -> _RuleFn:
        _RULES[rule_id] = fn
        return fn

    return register


# --- shared helpers -----------------------------------------------------------------------------------------------


_LOCAL_ID = identifier_system("local-id")


def _name(ctx: _Ctx, key: str | None) -> str:
    """How the record's author names a person or incident: a person's name and local id (``Grace Okafor
    (adult-a)``), else the person's source identifier (``LAchildID EX0001``), an incident's reference
    (``NP-INC-2024-88121``) or local id, else ``Type/id``."""
    entry = ctx.idx.entry(key)
    if entry is None:
        return str(key)
    memo: dict[int, str] | None = ctx.idx.memo.get("names")
    if memo is None:
        memo = ctx.idx.memo["names"] = {}
    found = memo.get(entry.pos)
    if found is None:
        found = memo[entry.pos] = _display(entry)
    return found


def _display(entry: Entry) -> str:
    res = entry.res
    local: str | None = None
    reference: str | None = None
    for ident in as_list(res.get("identifier")):
        ident_map = as_map(ident)
        value = as_str(ident_map.get("value"))
        if not value:
            continue
        if ident_map.get("system") == _LOCAL_ID:
            local = local or value
        else:
            reference = reference or value
    if entry.rtype in ("Patient", "RelatedPerson"):
        person_name = _person_name(res)
        if person_name and local:
            return f"{person_name} ({local})"
        if person_name or local:
            return person_name or str(local)
        source = person_ids(res)
        return f"{source[0][0]} {source[0][1]}" if source else entry.label
    if entry.rtype == "Observation" and reference:
        return f"{local} ({reference})" if local else reference
    return local or entry.label


def _person_name(res: Any) -> str | None:
    for item in as_list(as_map(res).get("name")):
        name = as_map(item)
        text = as_str(name.get("text"))
        if text:
            return text
        parts = [p for p in as_list(name.get("given")) if isinstance(p, str) and p.strip()]
        family = as_str(name.get("family"))
        if family:
            parts.append(family)
        if parts:
            return " ".join(parts)
    return None


def _quote(text: str | None, limit: int = 80) -> str:
    """``text`` in double quotes for a message, shortened to ``limit`` characters."""
    flat = " ".join((text or "").split())
    return '"' + (flat if len(flat) <= limit else flat[: limit - 3] + "...") + '"'


_WORD = re.compile(r"[A-Za-z0-9']+")


def _words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower())


def _says_any(text: str | None, phrases: tuple[str, ...]) -> str | None:
    """The first of ``phrases`` (lower-case words) that ``text`` contains as whole words, else ``None``."""
    if not text:
        return None
    padded = " " + " ".join(_words(text)) + " "
    for phrase in phrases:
        if f" {phrase} " in padded:
            return phrase
    return None


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
