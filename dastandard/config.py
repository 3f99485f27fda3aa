"""Run configuration: severity overrides, disabled rules, thresholds and suppressions.

Read from ``[tool.dastandard]`` in pyproject.toml or from ``.dastandard.toml`` (see ``load_settings``). A
``Settings`` value is immutable and passed explicitly; there is no global configuration state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dastandard.catalog import catalog
from dastandard.findings import Finding, Severity


@dataclass(frozen=True)
class Settings:
    """Configuration for one validation run.

    - ``severity``: rule id -> severity that replaces the catalog default;
    - ``disabled``: rule ids that are not run (or whose findings are dropped);
    - ``params``: rule id -> {parameter: value}, overriding the catalog's default thresholds;
    - ``suppress``: ``RULE-ID@path`` strings; a finding with that rule id whose path equals (or, with a trailing
      ``*``, starts with) the given path is dropped;
    - ``fail_on``: the lowest severity that makes the run fail.
    """

    severity: Mapping[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    suppress: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR

    def param(self, rule_id: str, name: str) -> Any:
        """A rule parameter: the configured value, else the catalog default. KeyError if neither has it."""
        configured = self.params.get(rule_id, {})
        if name in configured:
            return configured[name]
        return catalog()[rule_id].params[name]

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def severity_of(self, rule_id: str) -> Severity:
        """The effective severity of a rule (configured override, else catalog default)."""
        override = self.severity.get(rule_id)
        if override is not None:
            return override
        entry = catalog().get(rule_id)
        return entry.severity if entry else Severity.ERROR

    def is_suppressed(self, finding: Finding) -> bool:
        for item in self.suppress:
            rule_id, _, path = item.partition("@")
            if rule_id != finding.rule_id:
                continue
            if not path or path == finding.path or (path.endswith("*") and finding.path.startswith(path[:-1])):
                return True
        return False


DEFAULT_SETTINGS = Settings()
