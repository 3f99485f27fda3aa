"""``dastandard explain ID``: one rule's full documentation; also the Markdown template of ``docs/rules/``.

An unknown id is a usage error (exit 2) with the closest known ids suggested.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import orjson

from dastandard._resources import data_path
from dastandard.catalog import Rule, catalog

# A failing example no larger than this is printed inline by ``explain``.
INLINE_EXAMPLE_LIMIT = 4000


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The catalog entry as JSON-ready data (the shape of ``validators/rules/*.json``)."""
    examples = {k: v for k, v in (("bad", rule.bad_example), ("good", rule.good_example)) if v}
    return {
        "id": rule.id,
        "name": rule.name,
        "layer": rule.layer.value,
        "severity": rule.severity.value,
        "since": rule.since,
        "status": rule.status,
        "summary": rule.summary,
        "rationale": rule.rationale,
        "learning_points": list(rule.learning_points),
        "references": list(rule.references),
        "params": dict(rule.params),
        "examples": examples,
    }


def example_path(relative: str) -> Path | None:
    """The shipped example file ``relative`` (a path under ``examples/``), or None if it is absent."""
    if not relative:
        return None
    try:
        path = data_path("examples") / relative
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def _param_value(value: Any) -> str:
    return orjson.dumps(value).decode()


def rule_markdown(rule: Rule) -> str:
    """The fixed documentation page of one rule (the template of ``docs/rules/<ID>.md``)."""
    lines = [
        f"# {rule.id} {rule.name}",
        "",
        f"Layer: {rule.layer.value} | Default severity: {rule.severity.value} | Since: {rule.since} | "
        f"Status: {rule.status}",
        "",
        "## What it checks",
        "",
        rule.summary,
        "",
        "## Why it matters",
        "",
        rule.rationale,
        "",
        "## Learning points",
        "",
    ]
    lines += [f"- {p}" for p in rule.learning_points] or ["None recorded."]
    lines += ["", "## Parameters", ""]
    if rule.params:
        lines += ["| parameter | default |", "|---|---|"]
        lines += [f"| `{k}` | `{_param_value(v)}` |" for k, v in sorted(rule.params.items())]
        lines += ["", f"Set them under `[tool.dastandard.rules.{rule.id}]` (see docs/configuration.md)."]
    else:
        lines.append("None.")
    for heading, relative in (("Failing example", rule.bad_example), ("Passing example", rule.good_example)):
        lines += ["", f"## {heading}", ""]
        lines.append(f"[`examples/{relative}`](../../examples/{relative})" if relative else "None yet.")
    lines += ["", "## References", ""]
    lines += [f"- {r}" for r in rule.references] or ["None."]
    return "\n".join(lines) + "\n"


def rule_text(rule: Rule) -> str:
    """The plain-text documentation printed by ``dastandard explain``."""
    out = [
        f"{rule.id} {rule.name}",
        f"  layer {rule.layer.value}, default severity {rule.severity.value}, since {rule.since}, {rule.status}",
        "",
        "What it checks:",
        f"  {rule.summary}",
        "",
        "Why it matters:",
        f"  {rule.rationale}",
    ]
    if rule.learning_points:
        out += ["", "Learning points: " + ", ".join(rule.learning_points)]
    out += ["", "Parameters:"]
    out += [f"  {k} = {_param_value(v)}" for k, v in sorted(rule.params.items())] or ["  none"]
    if rule.references:
        out += ["", "References:"] + [f"  - {r}" for r in rule.references]
    for label, relative in (("Failing example", rule.bad_example), ("Passing example", rule.good_example)):
        if relative:
            present = "" if example_path(relative) else " (missing from this installation)"
            out += ["", f"{label}: examples/{relative}{present}"]
    bad = example_path(rule.bad_example)
    if bad is not None and bad.stat().st_size <= INLINE_EXAMPLE_LIMIT:
        content = bad.read_text(encoding="utf-8", errors="replace").rstrip("\n")
        out += ["", "Failing example content:"] + [f"  {line}" for line in content.splitlines()]
    return "\n".join(out) + "\n"


def find_rule(key: str, rules: Mapping[str, Rule]) -> Rule:
    """The rule with id (any case) or name ``key``; click.BadParameter (exit 2) with suggestions otherwise."""
    upper = key.strip().upper()
    if upper in rules:
        return rules[upper]
    for rule in rules.values():
        if rule.name == key.strip().lower():
            return rule
    candidates = list(rules) + [r.name for r in rules.values()]
    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `dastandard rules` lists them"
    raise click.BadParameter(f"no rule {key!r} in the catalog{hint}", param_hint="ID")


@click.command("explain")
@click.argument("rule_key", metavar="ID")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
def command(rule_key: str, output_format: str) -> None:
    """Show one rule's documentation: what it checks, why, parameters, examples, references."""
    rule = find_rule(rule_key, catalog())
    if output_format == "json":
        click.echo(orjson.dumps(rule_to_dict(rule), option=orjson.OPT_INDENT_2).decode())
    elif output_format == "markdown":
        click.echo(rule_markdown(rule), nl=False)
    else:
        click.echo(rule_text(rule), nl=False)
