"""Generate the standard's conformance resources under ``profiles/generated/`` (the single source of those files).

``render()`` returns every CodeSystem, ValueSet, ConceptMap and StructureDefinition, and
``profiles/generated/other/external-canonicals.json``, as exact bytes. It is the ``profiles`` step of
``scripts/regen.py``; ``python scripts/build_profiles.py [--check]`` runs that one step. The ImplementationGuide is
written by the ``ig`` step (``scripts/build_ig.py``), which lists everything under ``profiles/``, including the
hand-written converter code lists and maps outside ``profiles/generated/``.

The canonical base, version and publisher come from ``profiles/package.json``; nothing here spells them out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_sources import RESOURCE_SOURCES
from profile_sources.common import GENERATED, PROFILES, Context, dump


def build(ctx: Context) -> dict[Path, dict[str, Any]]:
    """Every generated resource, keyed by its path relative to ``profiles/generated/``."""
    out: dict[Path, dict[str, Any]] = {}
    for source in RESOURCE_SOURCES:
        for resource in source(ctx):
            path = Path(resource["resourceType"]) / f"{resource['id']}.json"
            if path in out:
                raise ValueError(f"duplicate artifact {path}")
            out[path] = resource
    out[Path("other") / "external-canonicals.json"] = ctx.external_canonicals()
    return out


def render() -> dict[Path, bytes]:
    """Absolute path -> exact file content for every resource this generator owns."""
    manifest = json.loads((PROFILES / "package.json").read_text(encoding="utf-8"))
    resources = build(Context.from_manifest(manifest))
    return {GENERATED / path: dump(resource).encode("utf-8") for path, resource in resources.items()}


def main(argv: list[str] | None = None) -> int:
    """``regen.py --only profiles`` (passing ``--check`` through)."""
    import regen

    return regen.main(["--only", "profiles", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
