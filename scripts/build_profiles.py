"""Generate the standard's conformance resources under ``profiles/`` (the single source of those JSON files).

Run ``python scripts/build_profiles.py`` to (re)write every CodeSystem, ValueSet, ConceptMap and
StructureDefinition, and ``profiles/external-canonicals.json``; ``--check`` exits 1 if any file on disk differs
from what this script would write. The ImplementationGuide is written by ``scripts/build_ig.py``, which lists
whatever is under ``profiles/`` (including concept maps that converters add by hand).

The canonical base, version and publisher come from ``profiles/package.json``; nothing here spells them out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_sources.common import PROFILES, Context, write_all
from profile_sources.practice_value_sets import practice_value_sets
from profile_sources.structures import structure_definitions
from profile_sources.terminology import terminology


def build(ctx: Context) -> dict[Path, dict[str, Any]]:
    """Every generated resource, keyed by its path relative to ``profiles/``."""
    out: dict[Path, dict[str, Any]] = {}
    for resource in [*terminology(ctx), *practice_value_sets(ctx), *structure_definitions(ctx)]:
        path = Path(resource["resourceType"]) / f"{resource['id']}.json"
        if path in out:
            raise ValueError(f"duplicate artifact {path}")
        out[path] = resource
    out[Path("external-canonicals.json")] = ctx.external_canonicals()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report files that are out of date; write nothing")
    args = parser.parse_args(argv)
    manifest = json.loads((PROFILES / "package.json").read_text(encoding="utf-8"))
    stale = write_all(build(Context.from_manifest(manifest)), check=args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: profiles/{path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
