"""The data dictionary: a static, offline, searchable site of the standard (``dastandard docs -o site/``).

One page per profile and extension (its elements from the shipped snapshot: cardinality, type, binding with the
codes and their displays, invariants in words, the learning points each element serves, an example from the
synthetic cases), one page per ValueSet, CodeSystem and ConceptMap (a lossy map is marked, row by row), the
logical record's fields beside the FHIR paths they fill, and the rule catalog. Pages use the HTML report's base
template and stylesheet, rendered by its Jinja2 environment with autoescaping. The search is one small inline
script over an inline index on the front page, allowed by its hash in the Content-Security-Policy; nothing is
loaded from the network (no scripts, fonts or images from elsewhere).

Error policy: the shipped resources are trusted package data; ``build_site`` raises OSError when the output
folder cannot be written (the command turns it into its exit status).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from dastandard._resources import data_path
from dastandard.catalog import catalog
from dastandard.htmlreport.render import render, stylesheet
from dastandard.htmlreport.report import _learning_points
from dastandard.logical import SECTIONS, At, Comp, Complex, Ext, Field, Items
from dastandard.model.urls import FHIR_CORE_EXTENSION_BASE
from dastandard.standard import Artifact, standard

# Equivalences of a ConceptMap target that lose information (R4 ConceptMapEquivalence).
LOSSY_EQUIVALENCES = frozenset({"wider", "subsumes", "narrower", "specializes", "inexact", "unmatched", "disjoint"})
SEARCH_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById('search-index').textContent);
  var box = document.getElementById('search');
  var list = document.getElementById('search-results');
  var count = document.getElementById('search-count');
  function show() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!words.length) { count.textContent = ''; return; }
    var hits = data.filter(function (d) {
      var text = d.s;
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    count.textContent = hits.length + (hits.length === 1 ? ' match' : ' matches');
    hits.slice(0, 200).forEach(function (d) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = d.u;
      a.textContent = d.t;
      li.appendChild(a);
      var kind = document.createElement('span');
      kind.className = 'muted';
      kind.textContent = ' ' + d.k + (d.d ? ': ' + d.d : '');
      li.appendChild(kind);
      list.appendChild(li);
    });
  }
  box.addEventListener('input', show);
  show();
})();
""".strip()


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@cache
def site_csp() -> str:
    """The report's policy plus the one search script, by its hash: nothing else may load or run."""
    return (
        f"default-src 'none'; style-src 'sha256-{_hash(stylesheet())}'; script-src 'sha256-{_hash(SEARCH_SCRIPT)}'; "
        "img-src 'none'; form-action 'none'; base-uri 'none'"
    )


# ---------------------------------------------------------------------------------------------------- terminology


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str
    definition: str = ""


def _concepts(concepts: Sequence[Mapping[str, Any]], system: str, depth: int = 0) -> Iterator[Code]:
    for concept in concepts:
        label = ("\u2003" * depth) + str(concept.get("display", ""))
        yield Code(system, str(concept["code"]), label, str(concept.get("definition", "")))
        yield from _concepts(concept.get("concept", []), system, depth + 1)


def expand(value_set_url: str) -> tuple[list[Code], list[str]]:
    """The codes of a shipped ValueSet with their displays, and the parts it cannot list here (a filter, another
    ValueSet, a code system that is not shipped), in words."""
    std = standard()
    artifact = std.get(value_set_url)
    if artifact is None:
        return [], [f"{value_set_url} is published elsewhere (not shipped with the standard)"]
    codes: list[Code] = []
    notes: list[str] = []
    for include in artifact.resource.get("compose", {}).get("include", []):
        system = str(include.get("system", ""))
        if include.get("valueSet"):
            notes.extend(f"every code of {vs}" for vs in include["valueSet"])
        if include.get("filter"):
            notes.append(f"codes of {system} chosen by a filter")
            continue
        if include.get("concept"):
            known = {c.code: c for c in _system_codes(system)}
            for concept in include["concept"]:
                code = str(concept["code"])
                shipped = known.get(code)
                display = concept.get("display") or (shipped.display.strip() if shipped else "")
                codes.append(Code(system, code, str(display), shipped.definition if shipped else ""))
        elif system:
            listed = _system_codes(system)
            if listed:
                codes.extend(listed)
            else:
                notes.append(f"every code of {system} (not shipped with the standard)")
    return codes, notes


@cache
def _system_codes(system: str) -> tuple[Code, ...]:
    artifact = standard().get(system)
    if artifact is None or artifact.resource_type != "CodeSystem":
        return ()
    return tuple(_concepts(artifact.resource.get("concept", []), system))


# ------------------------------------------------------------------------------------------------- profiles


@dataclass
class ElementRow:
    path: str
    min: int
    max: str
    types: str
    short: str
    binding: dict[str, Any] | None
    invariants: list[dict[str, str]]
    learning: list[str]
    constrained: bool


def _type_text(element: Mapping[str, Any]) -> str:
    parts = []
    for t in element.get("type", []):
        code = str(t.get("code", ""))
        targets = [str(p).rsplit("/", 1)[-1] for p in t.get("targetProfile", []) + t.get("profile", [])]
        parts.append(f"{code}({' | '.join(targets)})" if targets else code)
    return " | ".join(parts)


def _own_invariant(constraint: Mapping[str, Any]) -> bool:
    source = str(constraint.get("source", ""))
    return not source.startswith(FHIR_CORE_EXTENSION_BASE)  # the core resources' own invariants are left out


def _element_rows(sd: Mapping[str, Any]) -> list[ElementRow]:
    constrained = {str(e.get("id", e.get("path"))) for e in sd.get("differential", {}).get("element", [])}
    rows = []
    for element in sd.get("snapshot", {}).get("element", []):
        ident = str(element.get("id", element.get("path")))
        binding = element.get("binding")
        bound = None
        if binding and binding.get("valueSet"):
            url = str(binding["valueSet"]).split("|", 1)[0]
            target = standard().get(url)
            bound = {
                "strength": binding.get("strength", ""),
                "url": url,
                "title": target.title if target else url,
                "page": _page_of(target) if target else "",
            }
        learning = [
            point.strip()
            for m in element.get("mapping", [])
            if m.get("identity") == "learning"
            for point in str(m.get("map", "")).split(",")
            if point.strip()
        ]
        rows.append(
            ElementRow(
                path=ident,
                min=int(element.get("min", 0)),
                max=str(element.get("max", "*")),
                types=_type_text(element),
                short=str(element.get("short", "")),
                binding=bound,
                invariants=[
                    {"key": str(c.get("key", "")), "severity": str(c.get("severity", "")), "human": str(c["human"])}
                    for c in element.get("constraint", [])
                    if _own_invariant(c) and c.get("human")
                ],
                learning=learning,
                constrained=ident in constrained,
            )
        )
    return rows


@cache
def _examples() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Profile URL -> (example file, resource) of the synthetic example Bundles and the converters' golden outputs,
    and extension URL -> (example file, resource using it)."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    root = data_path("examples")
    bundles = [(f"fhir/{p.name}", orjson.loads(p.read_bytes())) for p in sorted((root / "fhir").glob("*.json"))]
    for path in sorted(root.glob("*/*.expected.ndjson")):  # the converters' golden outputs (census extensions)
        lines = path.read_bytes().splitlines()
        bundles.extend((path.relative_to(root).as_posix(), orjson.loads(line)) for line in lines if line.strip())
    for name, bundle in bundles:
        for entry in bundle.get("entry", []):
            resource = entry.get("resource", {})
            for profile in resource.get("meta", {}).get("profile", []):
                found.setdefault(profile, []).append((name, resource))
            for url in _extension_urls(resource):
                found.setdefault(url, []).append((name, resource))
        for profile in bundle.get("meta", {}).get("profile", []):
            found.setdefault(profile, []).append((name, bundle))
    return found


def _extension_urls(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("extension", "modifierExtension") and isinstance(inner, list):
                for ext in inner:
                    if isinstance(ext, dict) and isinstance(ext.get("url"), str):
                        yield ext["url"]
            yield from _extension_urls(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _extension_urls(inner)


def _example_text(url: str, is_bundle: bool) -> tuple[str, str]:
    examples = _examples().get(url, [])
    if not examples:
        return "", ""
    case, resource = examples[0]
    if is_bundle:  # a whole case is too long to read: its first entries show the shape
        resource = {**resource, "entry": resource.get("entry", [])[:2]}
    text = json.dumps(resource, indent=2, ensure_ascii=False)
    lines = text.splitlines()
    if len(lines) > 120:
        text = "\n".join([*lines[:120], "  ..."])
    return case, text


# ---------------------------------------------------------------------------------------------------- pages


_FOLDERS = {
    "StructureDefinition": "profiles",
    "ValueSet": "valuesets",
    "CodeSystem": "codesystems",
    "ConceptMap": "conceptmaps",
}


def _page_of(artifact: Artifact) -> str:
    folder = _FOLDERS.get(artifact.resource_type)
    if artifact.resource_type == "StructureDefinition" and artifact.resource.get("type") == "Extension":
        folder = "extensions"
    return f"{folder}/{artifact.id}.html" if folder else ""


@dataclass
class Site:
    """What ``build_site`` wrote: page paths (relative to the folder) by kind."""

    pages: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, page: str) -> None:
        self.pages.setdefault(kind, []).append(page)


def _write(out: Path, page: str, template: str, **context: Any) -> None:
    target = out / page
    target.parent.mkdir(parents=True, exist_ok=True)
    depth = page.count("/")
    html = render(template, csp=site_csp, root="../" * depth, **context)
    target.write_text(html, encoding="utf-8")


def _structure_pages(out: Path, site: Site, index: list[dict[str, str]]) -> None:
    points = _learning_points()
    folder = data_path("snapshots") / "StructureDefinition"
    rules_by_point: dict[str, list[str]] = {}
    for rule in catalog().values():
        for point in rule.learning_points:
            rules_by_point.setdefault(point, []).append(rule.id)
    for path in sorted(folder.glob("*.json")):
        sd = orjson.loads(path.read_bytes())
        artifact = standard().get(str(sd.get("url", "")))
        if artifact is None:
            continue
        is_extension = sd.get("type") == "Extension"
        kind = "extension" if is_extension else "profile"
        page = _page_of(artifact)
        rows = _element_rows(sd)
        served = sorted({p for row in rows for p in row.learning})
        case, example = _example_text(artifact.url, sd.get("type") == "Bundle")
        _write(
            out,
            page,
            "dd_structure.html.j2",
            title=f"{artifact.title} ({kind})",
            sd=sd,
            kind=kind,
            rows=rows,
            served=[(p, points.get(p, ""), rules_by_point.get(p, [])) for p in served],
            example=example,
            example_case=case,
        )
        site.add(kind, page)
        index.append(
            {
                "t": artifact.title,
                "u": page,
                "k": kind,
                "d": str(sd.get("description", ""))[:160],
                "s": " ".join([artifact.title, artifact.id, str(sd.get("description", ""))] + [r.path for r in rows]),
            }
        )


def _terminology_pages(out: Path, site: Site, index: list[dict[str, str]]) -> None:
    std = standard()
    for artifact in std.of_type("ValueSet"):
        codes, notes = expand(artifact.url)
        page = _page_of(artifact)
        _write(
            out,
            page,
            "dd_valueset.html.j2",
            title=f"{artifact.title} (ValueSet)",
            resource=artifact.resource,
            codes=codes,
            notes=notes,
            systems={c.system: _system_page(c.system) for c in codes},
        )
        site.add("valueset", page)
        index.append(_index_entry(artifact, page, "ValueSet", codes))
    for artifact in std.of_type("CodeSystem"):
        codes = list(_system_codes(artifact.url))
        page = _page_of(artifact)
        _write(
            out, page, "dd_codesystem.html.j2", title=f"{artifact.title} (CodeSystem)", resource=artifact.resource,
            codes=codes,
        )  # fmt: skip
        site.add("codesystem", page)
        index.append(_index_entry(artifact, page, "CodeSystem", codes))
    for artifact in std.of_type("ConceptMap"):
        page = _page_of(artifact)
        groups = []
        lossy = False
        for group in artifact.resource.get("group", []):
            rows = []
            for element in group.get("element", []):
                for target in element.get("target", [{"equivalence": "unmatched"}]):
                    loses = target.get("equivalence") in LOSSY_EQUIVALENCES
                    lossy = lossy or loses
                    rows.append({"source": element, "target": target, "lossy": loses})
            groups.append({"source": group.get("source", ""), "target": group.get("target", ""), "rows": rows})
        _write(
            out, page, "dd_conceptmap.html.j2", title=f"{artifact.title} (ConceptMap)", resource=artifact.resource,
            groups=groups, lossy=lossy,
        )  # fmt: skip
        site.add("conceptmap", page)
        entry = _index_entry(artifact, page, "ConceptMap (lossy)" if lossy else "ConceptMap", [])
        index.append(entry)


def _system_page(system: str) -> str:
    artifact = standard().get(system)
    return _page_of(artifact) if artifact else ""


def _index_entry(artifact: Artifact, page: str, kind: str, codes: Sequence[Code]) -> dict[str, str]:
    description = str(artifact.resource.get("description", ""))
    words = [artifact.title, artifact.id, description] + [f"{c.code} {c.display}" for c in codes]
    return {"t": artifact.title, "u": page, "k": kind, "d": description[:160], "s": " ".join(words)}


def _field_rows(fields: Sequence[Field], resource_type: str, prefix: str = "") -> Iterator[dict[str, Any]]:
    for f in fields:
        key = f"{prefix}{f.key}"
        if isinstance(f, Comp):
            fhir = f"{resource_type}.component where code = {f.code}"
        elif isinstance(f, Complex | Ext):
            fhir = f"{resource_type}.extension({f.url})"
        elif isinstance(f, Items):
            fhir = f"{resource_type}.{f.path}"
        elif isinstance(f, At):
            fhir = f"{resource_type}." + ".".join(str(p) for p in f.path) if f.path else resource_type
        else:
            fhir = ""
        value = ""
        if f.val is not None:
            value = f.val.kind + (f" ({f.val.value_set})" if f.val.value_set else "")
            if f.val.targets:
                value += " -> " + ", ".join(f.val.targets)
        vs = standard().get(standard().url("ValueSet", f.val.value_set)) if f.val and f.val.value_set else None
        yield {
            "key": key,
            "doc": f.doc,
            "value": value,
            "value_page": _page_of(vs) if vs else "",
            "cardinality": f"{1 if f.required else 0}..{'*' if f.many else '1'}",
            "fhir": fhir,
        }
        if isinstance(f, Complex | Items):
            inner_type = f"{resource_type}.{f.path}" if isinstance(f, Items) else "Extension"
            yield from _field_rows(f.fields, inner_type, f"{key}.")


def _logical_page(out: Path, site: Site, index: list[dict[str, str]]) -> None:
    sections: list[dict[str, Any]] = []
    for section in SECTIONS:
        profile = standard().get(standard().url("StructureDefinition", section.profile))
        sections.append(
            {
                "key": section.key,
                "doc": section.doc,
                "profile": section.profile,
                "profile_page": _page_of(profile) if profile else "",
                "rows": list(_field_rows(section.fields, section.resource_type)),
            }
        )
    _write(out, "logical-record.html", "dd_logical.html.j2", title="The logical record", sections=sections)
    site.add("logical", "logical-record.html")
    words = " ".join(f"{s['key']} " + " ".join(r["key"] for r in s["rows"]) for s in sections)
    index.append({"t": "The logical record", "u": "logical-record.html", "k": "logical record", "d": "", "s": words})


def _rules_page(out: Path, site: Site, index: list[dict[str, str]]) -> None:
    rules = sorted(catalog().values(), key=lambda r: r.id)
    points = _learning_points()
    _write(out, "rules.html", "dd_rules.html.j2", title="Rule catalog", rules=rules, points=points)
    site.add("rules", "rules.html")
    for rule in rules:
        index.append(
            {
                "t": f"{rule.id} {rule.name}",
                "u": f"rules.html#{rule.id}",
                "k": "rule",
                "d": rule.summary,
                "s": f"{rule.id} {rule.name} {rule.summary} {' '.join(rule.learning_points)}",
            }
        )


def build_site(out: Path) -> Site:
    """Write the whole site under ``out`` (created if needed); ``index.html`` is the front page with the search."""
    site = Site()
    index: list[dict[str, str]] = []
    _structure_pages(out, site, index)
    _terminology_pages(out, site, index)
    _logical_page(out, site, index)
    _rules_page(out, site, index)
    for entry in index:
        entry["s"] = entry["s"].lower()
    std = standard()
    _write(
        out,
        "index.html",
        "dd_index.html.j2",
        title=f"dastandard {std.version}: data dictionary",
        std=std,
        site=site,
        titles={_page_of(a): a.title for a in std.artifacts.values()},
        search_index=index,
        search_script=SEARCH_SCRIPT,
    )
    site.add("index", "index.html")
    return site
