"""Declarative agency specifications and the code maps they name.

``load_columns`` reads a ``columns.json`` from ``converters/``; ``code_map`` reads a ConceptMap shipped in
``profiles/`` into source code -> standard code (and back, for writers). ``Mapped.value`` gives a mapped code in
the logical record's terms, ready for the one DACaseBundle writer.

Shipped artifacts (specifications, ConceptMaps) are trusted; a malformed or missing one raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from dastandard._resources import read_json
from dastandard.standard import standard

# ---------------------------------------------------------------------------------------------------- specifications


@dataclass(frozen=True)
class Column:
    """One column of a declarative CSV specification (``converters/<format>/columns.json``)."""

    name: str
    type: str
    required: bool
    scope: str
    description: str
    target: str
    codes: str = ""  # ConceptMap id for coded columns
    separator: str = ""  # multi-valued cells: the separator between values


@cache
def load_columns(folder: str) -> tuple[Column, ...]:
    """The ordered columns of ``converters/<folder>/columns.json``."""
    spec = read_json("converters", f"{folder}/columns.json")
    columns = []
    for raw in spec["columns"]:
        columns.append(
            Column(
                name=raw["name"],
                type=raw["type"],
                required=bool(raw.get("required", False)),
                scope=raw.get("scope", ""),
                description=raw["description"],
                target=raw["target"],
                codes=raw.get("codes", ""),
                separator=raw.get("separator", ""),
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ValueError(f"converters/{folder}/columns.json repeats a column name")
    return tuple(columns)


# ---------------------------------------------------------------------------------------------------- code maps

EXACT = frozenset({"equal", "equivalent"})
LOSSY = frozenset({"wider", "subsumes", "narrower", "specializes", "inexact", "relatedto"})


@dataclass(frozen=True)
class Mapped:
    """One target of a source code in a ConceptMap."""

    source: str
    system: str
    code: str
    display: str
    equivalence: str
    depends: tuple[tuple[str, str], ...] = ()

    @property
    def lossy(self) -> bool:
        return self.equivalence not in EXACT

    def value(self) -> dict[str, str]:
        """The target as a logical code value (``code``, ``system`` and any ``display``), for the one writer."""
        out = {"code": self.code, "system": self.system}
        if self.display:
            out["display"] = self.display
        return out


@dataclass
class CodeMap:
    """A ConceptMap read for conversion: source code -> targets, and target -> the source code to write back."""

    id: str
    forward: dict[str, list[Mapped]] = field(default_factory=dict)
    reverse: dict[tuple[str, str], Mapped] = field(default_factory=dict)

    def lookup(self, code: str, depends: Mapping[str, str] | None = None) -> Mapped | None:
        """The target of ``code`` (exact match first, then case-insensitive); None if the map has none."""
        targets = self.forward.get(code)
        if targets is None:
            folded = {k.casefold(): v for k, v in self.forward.items()}
            targets = folded.get(code.casefold())
        if not targets:
            return None
        for target in targets:
            if all((depends or {}).get(k, "").casefold() == v.casefold() for k, v in target.depends):
                return target
        return None

    def source_for(self, system: str, code: str) -> Mapped | None:
        """The source code that writes back a target code (an exact mapping is preferred to a lossy one)."""
        return self.reverse.get((system, code))

    @property
    def source_codes(self) -> list[str]:
        return list(self.forward)


@cache
def code_map(map_id: str) -> CodeMap:
    """Load ``{canonical}/ConceptMap/<map_id>`` from the shipped profiles. Raises ValueError if it is missing."""
    artifact = standard().get(standard().url("ConceptMap", map_id))
    if artifact is None:
        raise ValueError(f"ConceptMap {map_id} is not shipped in profiles/")
    result = CodeMap(map_id)
    for group in artifact.resource.get("group", []):
        system = group["target"]
        for element in group.get("element", []):
            source = element["code"]
            for tgt in element.get("target", []):
                if tgt.get("equivalence") in ("unmatched", "disjoint") or "code" not in tgt:
                    continue
                depends = tuple((d["property"], d["value"]) for d in tgt.get("dependsOn", []))
                mapped = Mapped(source, system, tgt["code"], tgt.get("display", ""), tgt["equivalence"], depends)
                result.forward.setdefault(source, []).append(mapped)
                key = (system, tgt["code"])
                current = result.reverse.get(key)
                if current is None or (current.lossy and not mapped.lossy):
                    result.reverse[key] = mapped
    return result
