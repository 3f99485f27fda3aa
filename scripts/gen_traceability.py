"""Generate ``docs/traceability.md``: learning point -> profile elements -> rule ids -> example files.

Everything is read from the artifacts, never typed in here:

- the learning points and their titles from ``docs/learning-points.json``;
- the profile elements from the StructureDefinitions in ``profiles/`` (element ``mapping`` entries with identity
  ``learning``; ``map`` lists points such as ``L05``, ``L05,L12`` or a range ``L01-L05``);
- the rules from ``validators/rules/*.json`` (``learning_points``; retired rules are left out);
- the examples from ``examples/cases.json`` (``focus`` per case file: an example is credited only for the
  learning points it was written to show, not for every element it happens to carry).

The output is deterministic. Usage: ``python scripts/gen_traceability.py [--check]`` (``--check`` exits 1 when
the committed file differs from what would be written).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POINTS_FILE = ROOT / "docs" / "learning-points.json"
PROFILES_DIR = ROOT / "profiles"
RULES_DIR = ROOT / "validators" / "rules"
EXAMPLES_INDEX = ROOT / "examples" / "cases.json"
OUTPUT = ROOT / "docs" / "traceability.md"

LEARNING_IDENTITY = "learning"
_TOKEN = re.compile(r"L(\d{2})(?:\s*[-\u2013]\s*L(\d{2}))?")


@dataclass(frozen=True)
class LearningPoint:
    id: str
    title: str
    source: str
    checkable: bool
    why_not_checkable: str = ""


@dataclass
class Trace:
    """What holds, checks and exercises one learning point."""

    elements: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    examples: set[str] = field(default_factory=set)


def parse_points(text: str) -> list[str]:
    """Learning point ids in a mapping string: ``"L05, L12"`` -> [L05, L12]; ``"L01-L03"`` -> [L01, L02, L03]."""
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        out.extend(f"L{n:02d}" for n in range(first, max(first, last) + 1))
    return out


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_points(path: Path = POINTS_FILE) -> list[LearningPoint]:
    data = _read_json(path)
    return [
        LearningPoint(
            id=p["id"],
            title=p["title"],
            source=p["source"],
            checkable=bool(p["checkable"]),
            why_not_checkable=p.get("why_not_checkable", ""),
        )
        for p in data["points"]
    ]


def _elements(sd: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    seen: set[str] = set()
    for part in ("differential", "snapshot"):
        for element in sd.get(part, {}).get("element", []):
            key = str(element.get("id") or element.get("path"))
            if key not in seen:
                seen.add(key)
                yield element


def element_traces(profiles_dir: Path = PROFILES_DIR) -> dict[str, set[str]]:
    """Learning point -> ``"SDid: element.id"`` labels from every StructureDefinition's learning mappings."""
    out: dict[str, set[str]] = {}
    for path in sorted(profiles_dir.rglob("*.json")):
        try:
            sd = _read_json(path)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(sd, dict) or sd.get("resourceType") != "StructureDefinition":
            continue
        for element in _elements(sd):
            for mapping in element.get("mapping", []):
                if mapping.get("identity") != LEARNING_IDENTITY:
                    continue
                label = f"{sd.get('id')}: {element.get('id') or element.get('path')}"
                for point in parse_points(str(mapping.get("map", ""))):
                    out.setdefault(point, set()).add(label)
    return out


def rule_traces(rules_dir: Path = RULES_DIR) -> dict[str, set[str]]:
    """Learning point -> ids of the (non-retired) catalog rules that check it."""
    out: dict[str, set[str]] = {}
    for path in sorted(rules_dir.glob("*.json")):
        for rule in _read_json(path):
            if rule.get("status") == "retired":
                continue
            for point in rule.get("learning_points", []):
                out.setdefault(point, set()).add(str(rule["id"]))
    return out


def example_traces(index_path: Path = EXAMPLES_INDEX) -> dict[str, set[str]]:
    """Learning point -> example files (relative to the repository) written to show it (their ``focus``)."""
    out: dict[str, set[str]] = {}
    base = index_path.parent.relative_to(ROOT).as_posix()
    for case in _read_json(index_path)["cases"]:
        for point in case["focus"]:
            out.setdefault(point, set()).add(f"{base}/{case['file']}")
    return out


def build_traces() -> tuple[list[LearningPoint], dict[str, Trace]]:
    points = load_points()
    elements, rules, examples = element_traces(), rule_traces(), example_traces()
    traces = {p.id: Trace(elements.get(p.id, set()), rules.get(p.id, set()), examples.get(p.id, set())) for p in points}
    return points, traces


def _cell(items: Sequence[str], code: bool = True) -> str:
    if not items:
        return "(none)"
    return "<br>".join(f"`{item}`" if code else item for item in items)


def _example_link(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return f"[{name.removesuffix('.json')}](../{path})"


def render() -> str:
    points, traces = build_traces()
    lines = [
        "# Traceability: learning points to profiles, rules and examples",
        "",
        "<!-- Generated by scripts/gen_traceability.py from docs/learning-points.json, the StructureDefinitions in",
        "     profiles/, the rule catalog in validators/rules/ and examples/cases.json. Do not edit by hand. -->",
        "",
        "Each learning point drawn from the case-review briefings (P: Child Safeguarding Practice Review Panel, 2022;",
        "N: NSPCC, 2020) is traced to the profile elements that hold it (element mappings with identity `learning`),",
        "the rules that check it (`learning_points` in the rule catalog) and the synthetic example cases written to",
        "show it (their `focus` in `examples/cases.json`, built with each Bundle from the case data files in",
        "`examples/cases/`; an example is not credited for points it only touches).",
        "",
        "## Summary",
        "",
        "| Point | Learning point | Elements | Rules | Examples | Machine-checkable |",
        "|---|---|---|---|---|---|",
    ]
    for p in points:
        t = traces[p.id]
        checkable = "yes" if p.checkable else "not machine-checkable"
        lines.append(
            f"| [{p.id}](#{p.id.lower()}) | {p.title} ({p.source}) | {len(t.elements)} | {len(t.rules)} | "
            f"{len(t.examples)} | {checkable} |"
        )
    gaps = [
        p.id
        for p in points
        if not traces[p.id].elements or not traces[p.id].examples or (p.checkable and not traces[p.id].rules)
    ]
    lines += [
        "",
        f"Gaps (a point with no element, no example, or checkable with no rule): {', '.join(gaps) or 'none'}.",
    ]
    lines += ["", "## Detail", ""]
    for p in points:
        t = traces[p.id]
        lines += [f"### {p.id}", "", f"{p.title} (source {p.source}).", ""]
        if not p.checkable:
            lines += [f"Not machine-checkable: {p.why_not_checkable}", ""]
        lines += [
            "| Profile elements | Rules | Examples |",
            "|---|---|---|",
            f"| {_cell(sorted(t.elements))} | {_cell(sorted(t.rules))} | "
            f"{_cell([_example_link(e) for e in sorted(t.examples)], code=False)} |",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``regen.py --only traceability`` (passing ``--check`` through)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import regen

    return regen.main(["--only", "traceability", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
