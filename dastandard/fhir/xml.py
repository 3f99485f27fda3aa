"""FHIR XML <-> FHIR JSON, following the FHIR R4 XML and JSON representation rules.

- Elements are in the ``http://hl7.org/fhir`` namespace; primitives carry their value in a ``value`` attribute
  and may carry an ``id`` attribute and ``extension`` children, which become the ``_name`` sibling in JSON.
- Repeating elements are repeated XML elements and JSON arrays; which names repeat and which are primitives comes
  from the base plan (``validators/fhir-r4-base.json``), so JSON -> XML -> JSON is the identity.
- ``Narrative.div`` is XHTML (``http://www.w3.org/1999/xhtml``), kept as a string in JSON.
- Resources nested in ``contained``, ``Bundle.entry.resource`` and similar are wrapped in an element named after
  their type.

Parsing is hardened: any DOCTYPE, DTD or entity declaration is refused before parsing, entities are never
resolved, no network or file access happens and huge trees are refused. Every problem raises ``FhirXmlError``
with a 1-based line and column where known; no other exception escapes ``parse_fhir_xml`` or ``to_fhir_xml``.
Elements the base plan does not know are kept best-effort (value attribute -> string, else object) so that the
structure layer can report them with a location.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from dastandard.fhir.baseplan import ABSTRACT_RESOURCES, BasePlan, ElementDef, base_plan

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
_F = "{" + FHIR_NS + "}"
_HOSTILE = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_INT = re.compile(r"-?(0|[1-9][0-9]*)")

Segment = str | int


class FhirXmlError(ValueError):
    """FHIR XML could not be read or written. ``hostile`` marks refused DTD/entity content."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, *, hostile: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hostile = hostile

    def __str__(self) -> str:
        where = f" (line {self.line}, column {self.column})" if self.line else ""
        return f"{self.message}{where}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=False,
    )


def _line(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def parse_xml_document(data: bytes) -> etree._Element:
    """Parse XML bytes safely (see the module docstring); raise FhirXmlError on hostile or malformed input."""
    hostile = _HOSTILE.search(data)
    if hostile:
        line, col = _line_col(data, hostile.start())
        raise FhirXmlError(
            "XML DOCTYPE, DTD and entity declarations are refused (they are never resolved)", line, col, hostile=True
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        raise FhirXmlError(f"malformed XML: {exc.msg}", line, col) from None
    except ValueError as exc:  # e.g. an unsupported encoding declaration with str input
        raise FhirXmlError(f"malformed XML: {exc}") from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise FhirXmlError("XML DOCTYPE declarations are refused", 1, 1, hostile=True)
    return root


def _local(el: etree._Element) -> tuple[str | None, str]:
    tag = el.tag
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return None, tag


def _primitive_value(plan: BasePlan, type_name: str, raw: str) -> Any:
    kind = plan.primitives[type_name].json
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if kind == "integer":
        return int(raw) if _INT.fullmatch(raw.strip()) else raw
    if kind == "number":
        text = raw.strip()
        if _INT.fullmatch(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            return raw
    return raw


class _Reader:
    def __init__(self, plan: BasePlan, lines: dict[tuple[Segment, ...], int] | None) -> None:
        self.plan = plan
        self.lines = lines

    def error(self, el: etree._Element, message: str) -> FhirXmlError:
        return FhirXmlError(message, _line(el), 1)

    def resource(self, el: etree._Element, path: tuple[Segment, ...]) -> dict[str, Any]:
        ns, name = _local(el)
        if ns != FHIR_NS:
            raise self.error(el, f"element <{name}> is not in the FHIR namespace {FHIR_NS}")
        out: dict[str, Any] = {"resourceType": name}
        if self.lines is not None:
            self.lines[path] = _line(el) or 0
        type_name = name if name in self.plan.types else "DomainResource"
        self.children(el, type_name, out, path, is_resource=True)
        return out

    def children(
        self, el: etree._Element, type_name: str, out: dict[str, Any], path: tuple[Segment, ...], *, is_resource: bool
    ) -> None:
        if el.text and el.text.strip():
            raise self.error(el, f"unexpected text content in <{_local(el)[1]}>")
        if not is_resource:
            for attr, value in el.attrib.items():
                if attr == "id" or (attr == "url" and type_name == "Extension"):
                    out[str(attr)] = value
        elements = self.plan.types.get(type_name)
        for child in el:
            ns, name = _local(child)
            if child.tail and child.tail.strip():
                raise self.error(child, f"unexpected text after <{name}>")
            if ns is None and not name:
                continue
            edef = elements.get(name) if elements is not None else None
            if ns != (XHTML_NS if edef is not None and edef.type == "xhtml" else FHIR_NS):
                raise self.error(child, f"element <{name}> is not in the expected namespace")
            self.element(child, name, edef, out, path)

    def element(
        self,
        el: etree._Element,
        name: str,
        edef: ElementDef | None,
        out: dict[str, Any],
        path: tuple[Segment, ...],
    ) -> None:
        many = edef.many if edef is not None else name in out
        index: int | None = None
        if many:
            existing = out.setdefault(name, [])
            if not isinstance(existing, list):
                existing = out[name] = [existing]
            index = len(existing)
        here = (*path, name, index) if index is not None else (*path, name)
        if self.lines is not None:
            self.lines[here] = _line(el) or 0
        value: Any
        if edef is not None and edef.type == "xhtml":
            value = etree.tostring(el, encoding="unicode", with_tail=False)
        elif edef is not None and edef.primitive:
            raw = el.get("value")
            extras: dict[str, Any] = {}
            if el.get("id") is not None:
                extras["id"] = el.get("id")
            for child in el:
                ns, cname = _local(child)
                if not cname:
                    continue
                if ns != FHIR_NS or cname != "extension":
                    raise self.error(child, f"primitive element <{name}> may only contain <extension>")
                self.element(child, "extension", self.plan.types["Element"]["extension"], extras, (*path, "_" + name))
            value = _primitive_value(self.plan, edef.type, raw) if raw is not None else None
            if extras:
                self._put_extras(out, name, index, extras)
            elif raw is None:
                raise self.error(el, f"primitive element <{name}> has neither a value nor extensions")
        elif edef is not None and edef.resource:
            inner = [c for c in el if _local(c)[1]]
            if len(inner) != 1:
                raise self.error(el, f"<{name}> must wrap exactly one resource")
            value = self.resource(inner[0], here)
        elif edef is None and el.get("value") is not None and len(el) == 0:
            value = el.get("value")
        else:
            value = {}
            self.children(el, edef.type if edef is not None else "", value, here, is_resource=False)
        if index is not None:
            out[name].append(value)
        elif value is not None:
            out[name] = value

    @staticmethod
    def _put_extras(out: dict[str, Any], name: str, index: int | None, extras: dict[str, Any]) -> None:
        key = "_" + name
        if index is None:
            out[key] = extras
            return
        holder = out.setdefault(key, [])
        while len(holder) < index:
            holder.append(None)
        holder.append(extras)


def _fix_primitive_arrays(obj: Any) -> None:
    """Pad ``_name`` arrays to the length of ``name`` and turn leftover ``None`` values into JSON nulls."""
    if isinstance(obj, dict):
        for key in [k for k in obj if k.startswith("_") and isinstance(obj[k], list)]:
            base = obj.get(key[1:])
            if isinstance(base, list):
                obj[key].extend([None] * (len(base) - len(obj[key])))
        for value in obj.values():
            _fix_primitive_arrays(value)
    elif isinstance(obj, list):
        for value in obj:
            _fix_primitive_arrays(value)


def parse_fhir_xml(data: bytes, *, lines: dict[tuple[Segment, ...], int] | None = None) -> dict[str, Any]:
    """Parse one FHIR XML resource into its FHIR JSON form. Raises FhirXmlError (with line/column).

    When ``lines`` is given it is filled with the source line of every element, keyed by its JSON path.
    """
    root = parse_xml_document(data)
    reader = _Reader(base_plan(), lines)
    result = reader.resource(root, (root.tag.rpartition("}")[2] if isinstance(root.tag, str) else "",))
    _fix_primitive_arrays(result)
    return result


# ---------------------------------------------------------------- JSON -> XML


def _xml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise TypeError(type(value).__name__)


class _Writer:
    def __init__(self, plan: BasePlan) -> None:
        self.plan = plan

    def resource(self, resource: Mapping[str, Any], parent: etree._Element | None, where: str) -> etree._Element:
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str) or not self.plan.is_resource_type(rtype) or rtype in ABSTRACT_RESOURCES:
            raise FhirXmlError(f"{where}: not a resource (resourceType {rtype!r})")
        if parent is None:
            nsmap: Any = {None: FHIR_NS}
            el = etree.Element(_F + rtype, nsmap=nsmap)
        else:
            el = etree.SubElement(parent, _F + rtype)
        self.fill(el, resource, rtype, where=rtype, is_resource=True)
        return el

    def fill(
        self, el: etree._Element, obj: Mapping[str, Any], type_name: str, *, where: str, is_resource: bool
    ) -> None:
        elements = self.plan.types.get(type_name, {})
        for key in obj:
            if key == "resourceType" and is_resource:
                continue
            if key.startswith("_"):
                edef = elements.get(key[1:])
                if edef is None or not edef.primitive:
                    raise FhirXmlError(f"{where}: unknown element {key!r}")
            elif key not in elements:
                raise FhirXmlError(f"{where}: unknown element {key!r}")
        if not is_resource:
            if "id" in obj:
                el.set("id", _xml_scalar(obj["id"]))
            if type_name == "Extension" and "url" in obj:
                el.set("url", _xml_scalar(obj["url"]))
        for name, edef in elements.items():
            if not is_resource and (name == "id" or (type_name == "Extension" and name == "url")):
                continue
            if name not in obj and "_" + name not in obj:
                continue
            value = obj.get(name)
            extra = obj.get("_" + name)
            if edef.many:
                values = value if isinstance(value, list) else ([] if value is None else [value])
                extras = extra if isinstance(extra, list) else ([] if extra is None else [extra])
                for i in range(max(len(values), len(extras))):
                    v = values[i] if i < len(values) else None
                    x = extras[i] if i < len(extras) else None
                    self.element(el, name, edef, v, x, f"{where}.{name}[{i}]")
            else:
                self.element(el, name, edef, value, extra, f"{where}.{name}")

    def element(self, parent: etree._Element, name: str, edef: ElementDef, value: Any, extra: Any, where: str) -> None:
        if edef.type == "xhtml":
            if not isinstance(value, str):
                raise FhirXmlError(f"{where}: narrative div must be a string")
            div = parse_xml_document(value.encode("utf-8"))
            if div.tag != "{" + XHTML_NS + "}div":
                raise FhirXmlError(f"{where}: narrative must be an XHTML <div>")
            parent.append(div)
            return
        if edef.primitive:
            child = etree.SubElement(parent, _F + name)
            if value is not None:
                try:
                    child.set("value", _xml_scalar(value))
                except TypeError:
                    raise FhirXmlError(f"{where}: a primitive value cannot be {type(value).__name__}") from None
            if isinstance(extra, Mapping):
                if "id" in extra:
                    child.set("id", _xml_scalar(extra["id"]))
                for ext in extra.get("extension") or []:
                    self.element(child, "extension", self.plan.types["Element"]["extension"], ext, None, where)
            return
        if not isinstance(value, Mapping):
            raise FhirXmlError(f"{where}: expected an object, found {type(value).__name__}")
        child = etree.SubElement(parent, _F + name)
        if edef.resource:
            self.resource(value, child, where)
        else:
            self.fill(child, value, edef.type, where=where, is_resource=False)


def to_fhir_xml(resource: Mapping[str, Any]) -> bytes:
    """Serialise one FHIR JSON resource as FHIR XML (UTF-8, with declaration). Raises FhirXmlError."""
    if not isinstance(resource, Mapping):
        raise FhirXmlError("expected a FHIR resource object")
    try:
        root = _Writer(base_plan()).resource(resource, None, "resource")
    except (TypeError, ValueError) as exc:
        if isinstance(exc, FhirXmlError):
            raise
        raise FhirXmlError(str(exc)) from None
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
