"""Write ``profiles/ImplementationGuide/dastandard.json``, listing every conformance resource under ``profiles/``.

Run it after adding or removing an artifact; ``--check`` exits 1 if the guide on disk is out of date. Output is
deterministic: resources are listed by type, then id, and the date is the package's fixed publication date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_sources.common import DATE  # the package's one publication date

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
IG_PATH = PROFILES / "ImplementationGuide" / "dastandard.json"
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the guide on disk is out of date")
    args = parser.parse_args(argv)
    text = render()
    current = IG_PATH.read_text(encoding="utf-8") if IG_PATH.is_file() else None
    if current == text:
        return 0
    if args.check:
        print(f"out of date: {IG_PATH.relative_to(ROOT)} (run python scripts/build_ig.py)")
        return 1
    IG_PATH.parent.mkdir(parents=True, exist_ok=True)
    IG_PATH.write_text(text, encoding="utf-8")
    print(f"wrote: {IG_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
