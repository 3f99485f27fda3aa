"""Build the example Bundles from data files through the one writer (the ``examples`` step of ``scripts/regen.py``).

Sources (hand-edited, read here, never written):

- ``examples/cases/<case>.logical.json``: each synthetic case as a logical record (docs/logical-record.md);
  ``examples/cases/index.json`` gives each case's title, scenario and the learning points it was written to show
  (``focus``), and for a case that shows a failure the rule ids it must raise (``findings``).
- ``examples/invalid/mutations.json``: files that are a data file with a few edits. Each entry names the file it
  makes, the rule ids it must raise (none for a clean test record) and its records, each a ``base`` data file
  (relative to ``examples/``) plus ``edits``. An edit is a JSON Patch operation (``add``, ``remove``,
  ``replace``; RFC 6902) whose path may name an item of a list by its local id instead of its position
  (``/incidents/incident1/behaviour``). ``"logicalRecordValid": false`` marks a record whose fault is a field the
  logical record itself requires: the mutated record is written without being validated, and the build checks
  that it is indeed not valid (and that every other mutated record is).

Output: ``examples/fhir/<case>.json``, ``examples/cases.json`` (the index with the learning points each Bundle
exercises, derived from its content by ``exercised``) and every file named in ``mutations.json``. The Bundles
leave out the conversion Provenance (the data file is the source, not a conversion of one). A data file that
does not validate, or an edit whose path does not resolve, raises ``ValueError`` naming the file and the path.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from dastandard.logical import logical_to_bundle, validate_logical

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CASES = EXAMPLES / "cases"
FHIR = EXAMPLES / "fhir"
CASE_INDEX = CASES / "index.json"
PUBLISHED_INDEX = EXAMPLES / "cases.json"
MUTATIONS = EXAMPLES / "invalid" / "mutations.json"

JSON = dict[str, Any]
Files = dict[Path, bytes]


def load(path: Path) -> Any:
    """The parsed JSON of ``path``."""
    return orjson.loads(path.read_bytes())


def case_bundle(doc: Mapping[str, Any], *, name: str, checked: bool = False) -> JSON:
    """The DACaseBundle of a case data file (no conversion Provenance); ValueError names ``name`` and the path."""
    try:
        return logical_to_bundle(doc, checked=checked, conversion_provenance=False)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc


def _pretty(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------------- the cases


def render_cases() -> Files:
    """``examples/fhir/<case>.json`` for every case in the index, and the published index ``examples/cases.json``."""
    index = load(CASE_INDEX)
    files: Files = {}
    published: list[JSON] = []
    for case in index["cases"]:
        name = f"{case['case']}.logical.json"
        bundle = case_bundle(load(CASES / name), name=f"examples/cases/{name}")
        files[FHIR / f"{case['case']}.json"] = _pretty(bundle)
        published.append(
            {
                "file": f"{case['case']}.json",
                "title": case["title"],
                "scenario": case["scenario"],
                "focus": sorted(case["focus"]),
                **({"findings": sorted(case["findings"])} if case.get("findings") else {}),
                "learning_points": sorted(set(case["focus"]) | exercised(bundle)),
            }
        )
    files[PUBLISHED_INDEX] = _pretty(
        {
            "description": index["description"],
            "generator": "scripts/regen.py (examples step) from examples/cases/",
            "cases": published,
        }
    )
    return files


# Learning points shown by the presence of a profile, an extension or a code (see docs/learning-points.json).
PROFILE_POINTS: dict[str, tuple[str, ...]] = {
    "DAIncident": ("L01", "L04", "L24"),
    "DAChildVictimStatus": ("L05",),
    "DAAbuseClassification": ("L03",),
    "DAChildContact": ("L07",),
    "DADisclosure": ("L19",),
    "DAMaracReferral": ("L11",),
    "DARiskFactor": ("L22",),
    "DAOffendingHistory": ("L21",),
    "DAHistoryCheck": ("L21",),
    "DAContactArrangement": ("L17",),
    "DAAdultAssessment": ("L15",),
    "DAServiceEpisode": ("L20",),
    "DAInformationSharing": ("L11", "L24"),
    "DAProvenance": ("L25",),
    "DAPerson": ("L09",),
}
NON_PHYSICAL_KINDS = frozenset(
    {"controlling-or-coercive", "economic", "psychological-or-emotional", "technology-facilitated", "verbal"}
)
SPECIALIST_SERVICES = frozenset({"idva", "childrens-da-service", "by-and-for-service", "refuge"})


def _collect(value: Any, key: str) -> set[str]:
    """Every string held under ``key`` anywhere inside ``value``."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get(key), str):
                found.add(node[key])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def exercised(bundle: Mapping[str, Any]) -> set[str]:
    """The learning points a Bundle's content exercises, derived from its resources (not declared by hand)."""
    points: set[str] = set()
    for item in bundle["entry"]:
        resource = item["resource"]
        profile = resource["meta"]["profile"][0].rsplit("/", 1)[-1]
        points.update(PROFILE_POINTS.get(profile, ()))
        urls = {u.rsplit("/", 1)[-1] for u in _collect(resource, "url")}
        codes = _collect(resource, "code")
        if "last-verified" in urls:
            points.add("L18")
        if profile == "DAIncident":
            if "linked-incident" in urls:
                points.add("L13")
            if codes & NON_PHYSICAL_KINDS:
                points.add("L02")
        if profile == "DAPerson":
            if "children-in-contact" in urls:
                points.add("L23")
            if "unborn" in urls:
                points.add("L20")
        if profile == "DAHousehold" and "membership-change" in urls:
            points.add("L16")
        if profile == "DARelationship" and "relationship-episode" in urls:
            points.add("L17")
        if profile == "DAPlan" and "action-directed-at" in urls:
            points.add("L06")
            if "marac-action-plan" in codes:
                points.add("L11")
        if profile == "DARiskFactor" and codes & {"isolation-from-wider-family", "no-wider-family-contact"}:
            points.add("L26")
        if profile == "DAServiceEpisode":
            if "childrens-da-service" in codes:
                points.add("L08")
            if codes & SPECIALIST_SERVICES:
                points.add("L10")
            if "follow-up" in urls:
                points.add("L12")
    return points


# ----------------------------------------------------------------------------------------------------- mutations


def _step(container: Any, segment: str, path: str) -> Any:
    """The key or list position ``segment`` names in ``container`` (a list item may be named by its local id)."""
    if isinstance(container, dict):
        return segment
    if isinstance(container, list):
        for position, item in enumerate(container):
            if isinstance(item, dict) and item.get("id") == segment:
                return position
        if segment == "-":
            return len(container)
        if segment.isdigit() and int(segment) <= len(container):
            return int(segment)
    raise ValueError(f"{path}: {segment!r} names nothing here")


def _parent(doc: Any, path: str) -> tuple[Any, Any]:
    """The container holding the last segment of the JSON Pointer ``path``, and that segment's key or position."""
    if not path.startswith("/"):
        raise ValueError(f"{path}: a path starts with /")
    segments = [s.replace("~1", "/").replace("~0", "~") for s in path[1:].split("/")]
    node = doc
    for segment in segments[:-1]:
        key = _step(node, segment, path)
        try:
            node = node[key]
        except (KeyError, IndexError):
            raise ValueError(f"{path}: {segment!r} names nothing here") from None
    return node, _step(node, segments[-1], path)


def apply_edits(doc: Any, edits: Iterable[Mapping[str, Any]]) -> Any:
    """A copy of ``doc`` with the JSON Patch ``edits`` applied in turn; ValueError names a path that fails."""
    result = copy.deepcopy(doc)
    for edit in edits:
        op, path = edit["op"], edit["path"]
        parent, key = _parent(result, path)
        exists = key in parent if isinstance(parent, dict) else key < len(parent)
        if op == "add":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(edit["value"]))
            else:
                parent[key] = copy.deepcopy(edit["value"])
        elif op in ("remove", "replace") and exists:
            if op == "remove":
                del parent[key]
            else:
                parent[key] = copy.deepcopy(edit["value"])
        elif op in ("remove", "replace"):
            raise ValueError(f"{path}: nothing to {op}")
        else:
            raise ValueError(f"{path}: unknown op {op!r}")
    return result


def mutated_records(entry: Mapping[str, Any]) -> list[tuple[JSON, bool]]:
    """The records of one ``mutations.json`` entry (each base with its edits) and whether each is valid.

    Raises ValueError when an edit fails or a record's validity is not the one its ``logicalRecordValid`` says.
    """
    records: list[tuple[JSON, bool]] = []
    for number, record in enumerate(entry["records"], start=1):
        doc = apply_edits(load(EXAMPLES / record["base"]), record.get("edits", ()))
        valid = not any(True for _ in validate_logical(doc))
        if valid != record.get("logicalRecordValid", True):
            state = "valid" if valid else "not valid"
            raise ValueError(f"{entry['file']} record {number}: the mutated record is {state}, unlike its declaration")
        records.append((doc, valid))
    return records


def render_mutations(entries: Sequence[Mapping[str, Any]] | None = None) -> Files:
    """Every file named in ``mutations.json``: its records as Bundles through the writer (JSON for one, NDJSON for
    a ``.ndjson`` file), or with ``"form": "logical"`` the mutated logical record itself."""
    files: Files = {}
    for entry in entries if entries is not None else load(MUTATIONS)["files"]:
        records = mutated_records(entry)
        path = ROOT / entry["file"]
        if entry.get("form") == "logical":
            if len(records) != 1:
                raise ValueError(f"{entry['file']}: a logical record file holds one record")
            files[path] = _pretty(records[0][0])
            continue
        bundles = [
            case_bundle(doc, name=f"{entry['file']} record {n}", checked=not valid)
            for n, (doc, valid) in enumerate(records, start=1)
        ]
        if path.suffix == ".ndjson":
            files[path] = b"".join(orjson.dumps(b) + b"\n" for b in bundles)
        elif len(bundles) == 1:
            files[path] = orjson.dumps(bundles[0], option=orjson.OPT_INDENT_2) + b"\n"
        else:
            raise ValueError(f"{entry['file']}: several records need an .ndjson file")
    return files


def render() -> Files:
    """Every file the ``examples`` step owns, with its exact bytes."""
    return {**render_cases(), **render_mutations()}
