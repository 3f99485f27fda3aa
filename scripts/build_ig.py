"""Write ``profiles/generated/ImplementationGuide/dastandard.json``, listing every conformance resource in profiles/.

It lists generated and hand-written resources alike. ``render()`` is the ``ig`` step of ``scripts/regen.py``;
``python scripts/build_ig.py [--check]`` runs that one step. Output is deterministic: resources are listed by
type, then id, and the date is the package's fixed publication date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_sources.common import DATE  # the package's one publication date

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
IG_PATH = PROFILES / "generated" / "ImplementationGuide" / "dastandard.json"
IG_ID = "dastandard"
LISTED_TYPES = ("StructureDefinition", "CodeSystem", "ValueSet", "ConceptMap", "SearchParameter")
UKCORE_IG = "https://fhir.hl7.org.uk/ImplementationGuide/hl7.fhir.r4.ukcore.stu2"


def artifacts(root: Path = PROFILES) -> list[dict[str, Any]]:
    """Every listed conformance resource under ``root``, sorted by (type, id)."""
    found: list[dict[str, Any]] = []
    for path in sorted(root.rglob("*.json")):
        if path.name in {"package.json", "external-canonicals.json"}:
            continue
        resource = json.loads(path.read_text(encoding="utf-8"))
        if resource.get("resourceType") in LISTED_TYPES and isinstance(resource.get("url"), str):
            found.append(resource)
    return sorted(found, key=lambda r: (LISTED_TYPES.index(r["resourceType"]), str(r["id"])))


def build(manifest: dict[str, Any], resources: list[dict[str, Any]]) -> dict[str, Any]:
    canonical = manifest["canonical"]
    deps = manifest["dependencies"]
    return {
        "resourceType": "ImplementationGuide",
        "id": IG_ID,
        "url": f"{canonical}/ImplementationGuide/{IG_ID}",
        "version": manifest["version"],
        "name": "DAStandard",
        "title": manifest["title"],
        "status": manifest["status"],
        "experimental": False,
        "date": DATE,
        "publisher": manifest["publisher"],
        "description": manifest["description"],
        "jurisdiction": [
            {
                "coding": [
                    {
                        "system": "urn:iso:std:iso:3166",
                        "code": manifest["jurisdiction"],
                        "display": "United Kingdom of Great Britain and Northern Ireland",
                    }
                ]
            }
        ],
        "packageId": manifest["name"],
        "license": "MIT",
        "fhirVersion": list(manifest["fhirVersions"]),
        "dependsOn": [
            {
                "id": "hl7_fhir_r4_core",
                "uri": "http://hl7.org/fhir",
                "packageId": "hl7.fhir.r4.core",
                "version": deps["hl7.fhir.r4.core"],
            },
            {
                "id": "uk_core",
                "uri": UKCORE_IG,
                "packageId": "fhir.r4.ukcore.stu2",
                "version": deps["fhir.r4.ukcore.stu2"],
            },
        ],
        "definition": {
            "resource": [
                {
                    "reference": {"reference": f"{r['resourceType']}/{r['id']}"},
                    "name": str(r.get("title") or r.get("name") or r["id"]),
                    "description": str(r.get("description", "")).split(". ")[0].rstrip(".") + ".",
                    "exampleBoolean": False,
                }
                for r in resources
            ]
        },
    }


def render(root: Path = PROFILES) -> str:
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    return json.dumps(build(manifest, artifacts(root)), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``regen.py --only ig`` (passing ``--check`` through)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import regen

    return regen.main(["--only", "ig", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
