"""Generate docs/rules/ from the rule catalog: index.md plus one <ID>.md per rule, from a fixed template.

Usage: python scripts/gen_rule_docs.py [--out DIR] [--check]

The page template is ``dastandard.commands.explain.rule_markdown`` (the same text ``dastandard explain --format
markdown`` prints). Output is deterministic. ``--check`` writes nothing and exits 1 if DIR differs from what
would be generated (a missing, changed or stale page). tests/test_catalog.py runs the same comparison.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from dastandard.catalog import Rule, catalog
from dastandard.commands.explain import rule_markdown
from dastandard.findings import Layer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "rules"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_index(rules: Mapping[str, Rule]) -> str:
    """The catalog overview: one table per layer, in id order."""
    lines = [
        "# Validation rules",
        "",
        "Generated from `validators/rules/*.json` by `scripts/gen_rule_docs.py`; do not edit by hand.",
        "`dastandard rules` lists the same catalog and `dastandard explain ID` prints one page.",
        "",
        f"{len(rules)} rules.",
    ]
    for layer in Layer:
        members = [r for r in rules.values() if r.layer is layer]
        if not members:
            continue
        lines += [
            "",
            f"## {layer.value}",
            "",
            "| id | name | severity | since | status | summary |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| [{r.id}]({r.id}.md) | {r.name} | {r.severity.value} | {r.since} | {r.status} | {_cell(r.summary)} |"
            for r in members
        ]
    return "\n".join(lines) + "\n"


def render(rules: Mapping[str, Rule]) -> dict[str, str]:
    """File name -> content for every page of docs/rules/."""
    pages = {"index.md": render_index(rules)}
    pages.update({f"{rule_id}.md": rule_markdown(rule) for rule_id, rule in rules.items()})
    return pages


def differences(pages: Mapping[str, str], out: Path) -> list[str]:
    """What differs between ``pages`` and the Markdown files in ``out`` (missing, changed or stale files)."""
    problems = []
    present = {p.name for p in out.glob("*.md")} if out.is_dir() else set()
    for name, content in pages.items():
        path = out / name
        if name not in present:
            problems.append(f"missing {path}")
        elif path.read_text(encoding="utf-8") != content:
            problems.append(f"out of date {path}")
    problems += [f"stale {out / name}" for name in sorted(present - set(pages))]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when the docs have drifted")
    args = parser.parse_args(argv)
    pages = render(catalog())
    if args.check:
        problems = differences(pages, args.out)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in {p.name for p in args.out.glob("*.md")} - set(pages):
        (args.out / stale).unlink()
    for name, content in pages.items():
        (args.out / name).write_text(content, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
