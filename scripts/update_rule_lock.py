"""Append newly issued rule ids to validators/rule-ids.lock; never remove or rename a line.

Reads every ``validators/rules/*.json`` file, and appends ``<ID> <name>`` for each id the lock lacks. ``render()``
is the ``rule-lock`` step of ``scripts/regen.py``; it fails (and nothing is written) when a locked id has a
different name in the catalog, since names are fixed once issued. ``python scripts/update_rule_lock.py
[--check]`` runs that one step.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "validators" / "rule-ids.lock"
RULES_DIR = ROOT / "validators" / "rules"
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


def render(lock: Path = LOCK, rules_dir: Path = RULES_DIR) -> str:
    """The lock text with every id the catalog issued since appended, in catalog order.

    Raises ValueError for a malformed lock or rule file, and when a locked id has a different name in the
    catalog (names are fixed once issued).
    """
    text = lock.read_text(encoding="utf-8") if lock.exists() else ""
    locked = read_lock(lock) if lock.exists() else {}
    try:
        issued = read_catalog(rules_dir)
    except (OSError, KeyError, TypeError) as exc:
        raise ValueError(f"cannot read the rule catalog: {exc}") from exc
    renamed = [f"{i}: locked as {locked[i]!r}, catalog says {n!r}" for i, n in issued.items() if locked.get(i, n) != n]
    if renamed:
        raise ValueError("rule names are fixed once issued: " + "; ".join(renamed))
    new = [(i, n) for i, n in issued.items() if i not in locked]
    if not new:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "".join(f"{i} {n}\n" for i, n in new)


def main(argv: list[str] | None = None) -> int:
    """``regen.py --only rule-lock`` (passing ``--check`` through)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import regen

    return regen.main(["--only", "rule-lock", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
