"""Append newly issued rule ids to validators/rule-ids.lock; never remove or rename a line.

Usage: python scripts/update_rule_lock.py [--check] [--lock FILE] [--rules-dir DIR]

Reads every ``validators/rules/*.json`` file, and appends ``<ID> <name>`` for each id the lock lacks. Exits 1
(and changes nothing) when a locked id has a different name in the catalog, since names are fixed once issued;
with ``--check`` it also exits 1 when an id would be appended, without writing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(DA\d{4}) ([a-z0-9]+(?:-[a-z0-9]+)*)$")


def read_lock(path: Path) -> dict[str, str]:
    """Id -> name from a lock file; ValueError naming the line for a malformed or repeated entry."""
    entries: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: expected '<DAnnnn> <kebab-name>', got {line!r}")
        if match[1] in entries:
            raise ValueError(f"{path}:{number}: {match[1]} is listed twice")
        entries[match[1]] = match[2]
    return entries


def read_catalog(rules_dir: Path) -> dict[str, str]:
    """Id -> name from every rule file in ``rules_dir``."""
    out: dict[str, str] = {}
    for path in sorted(rules_dir.glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            out[entry["id"]] = entry["name"]
    return dict(sorted(out.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if the lock is out of date")
    parser.add_argument("--lock", type=Path, default=ROOT / "validators" / "rule-ids.lock")
    parser.add_argument("--rules-dir", type=Path, default=ROOT / "validators" / "rules")
    args = parser.parse_args(argv)
    try:
        locked = read_lock(args.lock) if args.lock.exists() else {}
        issued = read_catalog(args.rules_dir)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    renamed = [f"{i}: locked as {locked[i]!r}, catalog says {n!r}" for i, n in issued.items() if locked.get(i, n) != n]
    if renamed:
        print("error: rule names are fixed once issued:\n  " + "\n  ".join(renamed), file=sys.stderr)
        return 1
    new = [(i, n) for i, n in issued.items() if i not in locked]
    if not new:
        print(f"{args.lock}: up to date ({len(locked)} ids)")
        return 0
    if args.check:
        print(f"{args.lock}: missing {', '.join(i for i, _ in new)}; run scripts/update_rule_lock.py", file=sys.stderr)
        return 1
    text = args.lock.read_text(encoding="utf-8") if args.lock.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{i} {n}\n" for i, n in new)
    args.lock.write_text(text, encoding="utf-8")
    print(f"{args.lock}: added {', '.join(i for i, _ in new)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
