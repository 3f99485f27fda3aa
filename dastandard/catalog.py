"""The rule catalog: every check's stable id, name, default severity and documentation.

The catalog is language-neutral data in ``validators/rules/<layer>.json`` (one JSON array of rule objects per
layer). Every id ever issued is listed in ``validators/rule-ids.lock``; an id is never renumbered or reused, and
a retired rule stays in the catalog with ``"status": "retired"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson

from dastandard._resources import data_path
from dastandard.findings import Layer, Severity


@dataclass(frozen=True)
class Rule:
    """One catalog entry. ``params`` holds default thresholds that configuration may override."""

    id: str
    name: str
    layer: Layer
    severity: Severity
    since: str
    summary: str
    rationale: str
    status: str = "stable"  # stable | preview | retired
    learning_points: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    bad_example: str = ""  # path under examples/, or "" when the rule has none yet
    good_example: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        examples = data.get("examples", {})
        return cls(
            id=data["id"],
            name=data["name"],
            layer=Layer(data["layer"]),
            severity=Severity(data["severity"]),
            since=data["since"],
            summary=data["summary"],
            rationale=data["rationale"],
            status=data.get("status", "stable"),
            learning_points=tuple(data.get("learning_points", ())),
            references=tuple(data.get("references", ())),
            params=dict(data.get("params", {})),
            bad_example=examples.get("bad", ""),
            good_example=examples.get("good", ""),
        )


@cache
def catalog() -> Mapping[str, Rule]:
    """Every rule by id, in id order. Raises ValueError on a duplicate id."""
    rules: dict[str, Rule] = {}
    for path in sorted((data_path("validators") / "rules").glob("*.json")):
        for entry in orjson.loads(path.read_bytes()):
            rule = Rule.from_json(entry)
            if rule.id in rules:
                raise ValueError(f"rule id {rule.id} is defined twice (second time in {path.name})")
            rules[rule.id] = rule
    return dict(sorted(rules.items()))


def rule(rule_id: str) -> Rule:
    """The catalog entry for ``rule_id``; KeyError if there is none."""
    return catalog()[rule_id]
