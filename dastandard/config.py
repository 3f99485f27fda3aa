"""Run configuration: severity overrides, disabled rules, thresholds and suppressions.

Read from ``[tool.dastandard]`` in pyproject.toml or from ``.dastandard.toml`` (see ``load_settings``). A
``Settings`` value is immutable and passed explicitly; there is no global configuration state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dastandard.catalog import Rule, catalog
from dastandard.errors import CONFIG_INVALID, USAGE, FatalError
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


# ------------------------------------------------------------------------------------------------------- loading

CONFIG_FILENAME = ".dastandard.toml"
MAX_CONFIG_BYTES = 1024 * 1024  # a configuration is a few lines; anything larger is refused unread
_TOP_LEVEL_KEYS = ("fail-on", "disable", "suppress", "rules")
_CONFIGURABLE_SEVERITIES = tuple(s.value for s in Severity if s is not Severity.FATAL)
_RULE_ID = re.compile(r"^DA\d{4}$")


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``.

    In each directory ``.dastandard.toml`` wins over ``pyproject.toml``; a ``pyproject.toml`` without a
    ``[tool.dastandard]`` table (or that cannot be parsed) is passed over. Returns None when there is none.
    """
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            import tomllib  # loaded when there is a file to read, not at every start

            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, MemoryError):
                continue
            if isinstance(data.get("tool"), dict) and "dastandard" in data["tool"]:
                return pyproject
    return None


def _read_table(path: Path) -> dict[str, Any]:
    """The dastandard table of ``path``; FatalError(CONFIG_INVALID) if it cannot be read or parsed."""
    import tomllib

    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise FatalError(f"{path}: configuration is over {MAX_CONFIG_BYTES} bytes", CONFIG_INVALID)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FatalError(f"{path}: cannot read configuration: {exc.strerror or exc}", CONFIG_INVALID) from None
    except UnicodeDecodeError:
        raise FatalError(f"{path}: configuration is not UTF-8 text", CONFIG_INVALID) from None
    except tomllib.TOMLDecodeError as exc:
        raise FatalError(f"{path}: invalid TOML: {exc}", CONFIG_INVALID) from None
    except (RecursionError, MemoryError):  # a hostile file: nesting or size the parser cannot hold
        raise FatalError(f"{path}: configuration is nested too deeply or too large to read", CONFIG_INVALID) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("dastandard", {}) if isinstance(data.get("tool"), dict) else {}
        if not isinstance(table, dict):
            raise FatalError(f"{path}: [tool.dastandard] must be a table", CONFIG_INVALID)
        return table
    return data


class _Builder:
    """Accumulates settings from one source, checking each key against the catalog.

    ``where`` names the source in error messages; ``status`` is the exit code for a bad value.
    """

    def __init__(self, rules: Mapping[str, Rule], base: Settings) -> None:
        self.rules = rules
        self.severity: dict[str, Severity] = dict(base.severity)
        self.disabled: set[str] = set(base.disabled)
        self.params: dict[str, dict[str, Any]] = {k: dict(v) for k, v in base.params.items()}
        self.suppress: list[str] = list(base.suppress)
        self.fail_on = base.fail_on

    def settings(self) -> Settings:
        return Settings(
            severity=dict(sorted(self.severity.items())),
            disabled=frozenset(self.disabled),
            params={k: dict(v) for k, v in sorted(self.params.items())},
            suppress=tuple(dict.fromkeys(self.suppress)),
            fail_on=self.fail_on,
        )

    def rule_id(self, value: Any, where: str, status: int) -> str:
        if not isinstance(value, str) or not _RULE_ID.match(value):
            raise FatalError(f"{where}: {value!r} is not a rule id (expected DA followed by 4 digits)", status)
        if value not in self.rules:
            raise FatalError(f"{where}: unknown rule id {value} (see `dastandard rules`)", status)
        return value

    def level(self, value: Any, where: str, status: int) -> Severity:
        if not isinstance(value, str) or value.lower() not in _CONFIGURABLE_SEVERITIES:
            choices = ", ".join(_CONFIGURABLE_SEVERITIES)
            raise FatalError(f"{where}: severity must be one of {choices}, not {value!r}", status)
        return Severity(value.lower())

    def apply_table(self, table: Mapping[str, Any], source: str) -> None:
        status = CONFIG_INVALID
        for key in table:
            if key not in _TOP_LEVEL_KEYS:
                raise FatalError(f"{source}: unknown key {key!r} (known: {', '.join(_TOP_LEVEL_KEYS)})", status)
        if "fail-on" in table:
            self.fail_on = self.level(table["fail-on"], f"{source}: fail-on", status)
        if "disable" in table:
            items = table["disable"]
            if not isinstance(items, list):
                raise FatalError(f"{source}: disable must be a list of rule ids", status)
            for item in items:
                self.disabled.add(self.rule_id(item, f"{source}: disable", status))
        if "suppress" in table:
            items = table["suppress"]
            if not isinstance(items, list):
                raise FatalError(f"{source}: suppress must be a list of 'RULE-ID@path' strings", status)
            for item in items:
                self.add_suppression(item, f"{source}: suppress", status)
        rules = table.get("rules", {})
        if not isinstance(rules, dict):
            raise FatalError(f"{source}: rules must be a table of [rules.DAnnnn] tables", status)
        for rule_id, options in rules.items():
            where = f"{source}: rules.{rule_id}"
            self.rule_id(rule_id, where, status)
            if not isinstance(options, dict):
                raise FatalError(f"{where} must be a table", status)
            self.apply_rule(rule_id, options, where, status)

    def apply_rule(self, rule_id: str, options: Mapping[str, Any], where: str, status: int) -> None:
        defaults = self.rules[rule_id].params
        for key, value in options.items():
            if key == "severity":
                self.severity[rule_id] = self.level(value, f"{where}.severity", status)
            elif key == "enabled":
                if not isinstance(value, bool):
                    raise FatalError(f"{where}.enabled must be true or false, not {value!r}", status)
                if value:
                    self.disabled.discard(rule_id)
                else:
                    self.disabled.add(rule_id)
            elif key in defaults:
                self.params.setdefault(rule_id, {})[key] = _check_param(value, defaults[key], f"{where}.{key}")
            else:
                known = ", ".join(["severity", "enabled", *sorted(defaults)])
                raise FatalError(f"{where}: unknown parameter {key!r} (known: {known})", status)

    def add_suppression(self, item: Any, where: str, status: int) -> None:
        if not isinstance(item, str):
            raise FatalError(f"{where}: {item!r} is not a 'RULE-ID@path' string", status)
        rule_id, _, path = item.partition("@")
        self.rule_id(rule_id, f"{where}: {item!r}", status)
        self.suppress.append(f"{rule_id}@{path}" if path else rule_id)


def _check_param(value: Any, default: Any, where: str) -> Any:
    """``value`` if it has the type of the catalog default (an int is accepted where a float is expected)."""
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(default, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float)
    elif default is None:
        ok = True
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise FatalError(f"{where} must be of type {type(default).__name__}, not {value!r}", CONFIG_INVALID)
    return float(value) if isinstance(default, float) else value


def load_settings(
    start: Path | None = None,
    config_file: Path | None = None,
    *,
    fail_on: str | None = None,
    disable: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
    suppress: Iterable[str] = (),
    rules: Mapping[str, Rule] | None = None,
) -> Settings:
    """Build the Settings for a run.

    The configuration file is ``config_file`` when given, else the nearest one found from ``start`` (default: the
    current directory) by ``find_config``; with neither, the defaults apply. Command-line values (``fail_on``,
    ``disable``, ``severity`` as rule id -> level, ``suppress``) are applied on top. ``rules`` is the catalog to
    check ids and parameters against (the shipped one by default).

    Errors: a bad configuration file raises FatalError with ``errors.CONFIG_INVALID`` and a message naming the
    file and key; a bad command-line value raises FatalError with ``errors.USAGE`` naming the option.
    """
    known = catalog() if rules is None else rules
    builder = _Builder(known, DEFAULT_SETTINGS)
    path = config_file if config_file is not None else find_config(start if start is not None else Path.cwd())
    if path is not None:
        table = _read_table(path)
        source = f"{path} [tool.dastandard]" if path.name == "pyproject.toml" else str(path)
        builder.apply_table(table, source)
    for rule_id in disable:
        builder.disabled.add(builder.rule_id(rule_id, "--disable", USAGE))
    for rule_id, level in (severity or {}).items():
        builder.severity[builder.rule_id(rule_id, "--severity", USAGE)] = builder.level(level, "--severity", USAGE)
    for item in suppress:
        builder.add_suppression(item, "--suppress", USAGE)
    if fail_on is not None:
        builder.fail_on = builder.level(fail_on, "--fail-on", USAGE)
    return builder.settings()
