"""Snapshot generation: a StructureDefinition's full element list from its differential over its base's snapshot.

Follows the profiling rules of FHIR R4 (profiling.html, "Snapshot generation"), for what differentials in practice
use:

- the snapshot starts as a copy of the base's snapshot, ids and paths unchanged (a constraint keeps the type);
- a differential element with an id already in the snapshot is merged into it: the elements it states replace the
  base's (cardinality, types, binding, fixed/pattern values, slicing, short, definition, ...), constraints and
  mappings are added to the base's, never dropped;
- a slice (``Patient.identifier:nhsNumber``) is a copy of the sliced element and all below it, inserted after the
  sliced element's other slices, with ``sliceName`` set and without the sliced element's ``slicing``;
- an element below a complex-typed element that the snapshot does not yet expand (``Patient.address.extension``,
  ``Extension.extension:part.url``) first has its parent's type unrolled from that type's snapshot (for an element
  of a profiled type, the profile's snapshot when the resolver has it, else the base type's);
- choice types: ``value[x]`` narrowed by ``type`` stays one element; an explicit type slice
  (``value[x]:valueQuantity``) is a slice like any other; a renamed path (``Observation.valueQuantity``, and the
  elements below it) is the choice element with its types narrowed to that one;
- new constraints get ``source`` set to the profile's url, inherited ones without a ``source`` the base's url.

Nothing here knows any particular profile. Errors (an element whose parent cannot be found or unrolled, a base
without snapshot) raise ``SnapshotError`` naming the element.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

Resolver = Callable[[str], Mapping[str, Any] | None]
"""Finds a StructureDefinition with snapshot by canonical url or by type name (``Address``); None if unknown."""

# Differential keys that are list-valued and add to the base's rather than replace it.
_ADDITIVE = ("constraint", "mapping", "condition", "alias")
# Keys of a differential element that never overwrite the snapshot element's.
_IDENTITY = ("id", "path")


class SnapshotError(ValueError):
    """The differential cannot be laid over the base snapshot (the message names the element)."""


def element_id(element: Mapping[str, Any]) -> str:
    """The element's id, or one made from its path and slice name when it has none (older differentials)."""
    ident = element.get("id")
    if isinstance(ident, str) and ident:
        return ident
    path = str(element.get("path") or "")
    slice_name = element.get("sliceName")
    return f"{path}:{slice_name}" if slice_name else path


class _Snapshot:
    def __init__(self, elements: list[dict[str, Any]], url: str, resolve: Resolver) -> None:
        self.elements = elements
        self.url = url
        self.resolve = resolve

    def index(self, ident: str) -> int | None:
        for i, element in enumerate(self.elements):
            if element.get("id") == ident:
                return i
        return None

    def subtree_end(self, start: int) -> int:
        """The index after the last element below (or a slice of) the element at ``start``."""
        ident = str(self.elements[start]["id"])
        end = start + 1
        while end < len(self.elements):
            other = str(self.elements[end]["id"])
            if other.startswith(ident + ".") or other.startswith(ident + ":"):
                end += 1
            else:
                break
        return end

    def has_children(self, at: int) -> bool:
        ident = str(self.elements[at]["id"])
        return at + 1 < len(self.elements) and str(self.elements[at + 1]["id"]).startswith(ident + ".")

    def ensure(self, ident: str) -> int:
        """The index of element ``ident``, creating it (as a slice or by unrolling its parent's type) if needed."""
        found = self.index(ident)
        if found is not None:
            return found
        if "." not in ident:
            raise SnapshotError(f"{ident}: not the root of the base snapshot")
        parent_id, _, last = ident.rpartition(".")
        name, sep, slice_name = last.partition(":")
        parent_at = self.ensure(parent_id)
        real_parent = str(self.elements[parent_at]["id"])  # differs below a renamed choice (valueQuantity)
        found = self.index(f"{real_parent}.{last}")
        if found is not None:
            return found
        if sep:
            return self._add_slice(f"{real_parent}.{name}", slice_name, f"{real_parent}.{last}")
        if not self.has_children(parent_at):
            self._unroll(parent_at)
        found = self.index(f"{real_parent}.{name}")
        if found is None:
            found = self._renamed_choice(real_parent, name)
        if found is None:
            raise SnapshotError(f"{ident}: no such element in the base or in the type of {parent_id}")
        return found

    def _renamed_choice(self, parent_id: str, name: str) -> int | None:
        """``valueQuantity`` for ``value[x]`` restricted to Quantity: the choice element, its types narrowed."""
        for at, element in enumerate(self.elements):
            ident = str(element["id"])
            if (
                not ident.startswith(parent_id + ".")
                or not ident.endswith("[x]")
                or ident.count(".") != parent_id.count(".") + 1
            ):
                continue
            stem = ident.rsplit(".", 1)[1][:-3]
            if not name.startswith(stem):
                continue
            wanted = name[len(stem) :]
            types = [
                t
                for t in element.get("type") or []
                if str(t.get("code", ""))[:1].upper() + str(t.get("code", ""))[1:] == wanted
            ]
            if types:
                element["type"] = types
                return at
        return None

    def _add_slice(self, sliced_id: str, slice_name: str, ident: str) -> int:
        sliced_at = self.ensure(sliced_id)
        end = self.subtree_end(sliced_at)
        # The slice copies the sliced element and what is below it, but not the other slices.
        block: list[dict[str, Any]] = []
        for element in self.elements[sliced_at:end]:
            other = str(element["id"])
            if other == sliced_id or other.startswith(sliced_id + "."):
                block.append(copy.deepcopy(element))
        for element in block:
            element["id"] = ident + str(element["id"])[len(sliced_id) :]
        block[0].pop("slicing", None)
        block[0]["sliceName"] = slice_name
        self.elements[end:end] = block
        return end

    def _unroll(self, at: int) -> None:
        parent = self.elements[at]
        types = parent.get("type") or []
        if len(types) != 1:
            raise SnapshotError(f"{parent['id']}: cannot expand an element of {len(types)} types")
        code = str(types[0].get("code"))
        definition: Mapping[str, Any] | None = None
        for profile in types[0].get("profile") or []:
            candidate = self.resolve(str(profile))
            if candidate is not None and candidate.get("snapshot"):
                definition = candidate
                break
        if definition is None:
            definition = self.resolve(code)
        if definition is None or not definition.get("snapshot"):
            raise SnapshotError(f"{parent['id']}: no snapshot of type {code} to expand it with")
        source = definition["snapshot"]["element"]
        root_id, root_path = str(source[0]["id"]), str(source[0]["path"])
        block: list[dict[str, Any]] = []
        for element in source[1:]:
            child = copy.deepcopy(element)
            child["id"] = str(parent["id"]) + str(child["id"])[len(root_id) :]
            child["path"] = str(parent["path"]) + str(child["path"])[len(root_path) :]
            block.append(child)
        self.elements[at + 1 : at + 1] = block

    def merge(self, at: int, diff: Mapping[str, Any]) -> None:
        target = self.elements[at]
        for key, value in diff.items():
            if key in _IDENTITY:
                continue
            if key in _ADDITIVE:
                existing = list(target.get(key) or [])
                for item in value:
                    if key == "constraint":
                        item = dict(item)
                        item.setdefault("source", self.url)
                        existing = [c for c in existing if c.get("key") != item.get("key")]
                    if item not in existing:
                        existing.append(copy.deepcopy(item))
                target[key] = existing
                continue
            if key.startswith(("fixed", "pattern")):
                for other in [k for k in target if k.startswith(("fixed", "pattern"))]:
                    del target[other]
            target[key] = copy.deepcopy(value)


def generate_snapshot(structure: Mapping[str, Any], base: Mapping[str, Any], resolve: Resolver) -> list[dict[str, Any]]:
    """The snapshot elements of ``structure`` (a StructureDefinition with a differential) over ``base``.

    ``base`` is the StructureDefinition named by ``structure.baseDefinition``, with its snapshot; ``resolve`` finds
    the snapshots of data types (by type name) and of profiles named in ``type.profile`` (by url) when an element
    must be expanded. Raises SnapshotError when the differential does not fit the base.
    """
    base_snapshot = (base.get("snapshot") or {}).get("element")
    if not base_snapshot:
        raise SnapshotError(f"{base.get('url')}: the base has no snapshot")
    elements = copy.deepcopy(list(base_snapshot))
    for element in elements:  # an inherited constraint keeps where it was defined (the base, when it does not say)
        for constraint in element.get("constraint") or []:
            constraint.setdefault("source", base.get("url"))
    sd_type = str(structure.get("type"))
    base_root = str(elements[0]["path"])
    if base_root != sd_type:
        raise SnapshotError(f"{structure.get('url')}: type {sd_type} differs from the base's {base_root}")
    snapshot = _Snapshot(elements, str(structure.get("url")), resolve)
    for diff in (structure.get("differential") or {}).get("element") or []:
        ident = element_id(diff)
        at = snapshot.ensure(ident)
        snapshot.merge(at, diff)
    return snapshot.elements


def with_snapshot(structure: Mapping[str, Any], base: Mapping[str, Any], resolve: Resolver) -> dict[str, Any]:
    """A copy of ``structure`` with ``snapshot`` generated (placed before ``differential``, as FHIR orders them)."""
    elements = generate_snapshot(structure, base, resolve)
    out: dict[str, Any] = {}
    for key, value in structure.items():
        if key == "differential":
            out["snapshot"] = {"element": elements}
        out[key] = copy.deepcopy(value)
    if "snapshot" not in out:
        out["snapshot"] = {"element": elements}
    return out
