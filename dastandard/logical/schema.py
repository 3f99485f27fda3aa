"""The logical record's JSON Schema (generated from the field model) and its validation.

Error policy: ``validate_logical`` never raises on bad input; it yields ``(json_path, message)`` pairs.
``logical_problems`` gives all of them at once, each with its line and column when the record's text is given, and
``LogicalRecordError`` carries that whole list when a conversion refuses an invalid record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from jsonschema import Draft202012Validator

from dastandard._resources import read_json
from dastandard.fhir.positions import locate, parse_path
from dastandard.logical.model import (
    ABSENT_REASONS,
    CODE_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    INSTANT_PATTERN,
    LOCAL_ID_PATTERN,
    RECORD_TYPE,
    RECORD_VERSION,
    SCHEMA_FILE,
    SECTION_BY_KEY,
    SECTIONS,
    STRING_PATTERN,
    Complex,
    Field,
    Items,
    Section,
    Val,
    code_system_codes,
    ref,
    system_for,
    value_set_codes,
)
from dastandard.model.urls import JSON_SCHEMA_DIALECT
from dastandard.standard import standard

# --------------------------------------------------------------------------------------------------------------
# JSON Schema generation.

_ABSENT_SCHEMA: Final[Mapping[str, Any]] = {
    "type": "object",
    "description": "The value is absent, and why.",
    "properties": {
        "absentReason": {
            "description": "Why the value is absent (FHIR data-absent-reason; not-applicable covers age).",
            "enum": list(ABSENT_REASONS),
        }
    },
    "required": ["absentReason"],
    "additionalProperties": False,
}


def _period_schema(doc: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": doc,
        "properties": {
            "start": {"type": "string", "pattern": DATETIME_PATTERN, "description": "Start (dateTime)."},
            "end": {"type": "string", "pattern": DATETIME_PATTERN, "description": "End (dateTime)."},
        },
        "additionalProperties": False,
        "minProperties": 1,
    }


def _fhir_code(doc: str) -> dict[str, Any]:
    """A code of a FHIR-required code list (checked by FHIR validation, not copied here)."""
    return {"type": "string", "pattern": CODE_PATTERN, "description": doc}


def _code_schema(val: Val, doc: str) -> dict[str, Any]:
    return {"type": "string", "pattern": CODE_PATTERN, "x-valueSet": val.value_set, "description": doc}


def _coding_properties(val: Val) -> dict[str, Any]:
    return {
        "code": _code_schema(val, "The code."),
        "system": {
            "type": "string",
            "format": "uri",
            "description": "The code system, when it is not the one the code list implies.",
        },
        "display": {"type": "string", "pattern": STRING_PATTERN, "description": "The display, as written."},
    }


def _coding_schema(val: Val) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A code with its display or its own code system.",
        "properties": _coding_properties(val),
        "required": ["code"],
        "additionalProperties": False,
    }


def _concept_schema(val: Val) -> dict[str, Any]:
    further = {
        "type": "object",
        "description": "A further coding of the same concept (another code system).",
        "properties": {
            **_coding_properties(val),
            "system": {"type": "string", "format": "uri", "description": "The code system."},
        },
        "required": ["code", "system"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "A code with its display, further codings and text, or why it is absent.",
        "properties": {
            **_coding_properties(val),
            "codings": {"type": "array", "items": further, "minItems": 1, "description": "Further codings."},
            "text": {"type": "string", "pattern": STRING_PATTERN, "description": "The text as written."},
            "absentReason": _ABSENT_SCHEMA["properties"]["absentReason"],
        },
        "additionalProperties": False,
        "minProperties": 1,
    }


def _local_id_schema(val: Val) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": LOCAL_ID_PATTERN,
        "x-references": list(val.targets) or ["*"],
        "description": "A local id.",
    }


def _reference_schema(val: Val) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A reference with a display, or only a display, or why it is absent.",
        "properties": {
            "id": _local_id_schema(val),
            "display": {"type": "string", "pattern": STRING_PATTERN, "description": "Text naming the target."},
            "absentReason": _ABSENT_SCHEMA["properties"]["absentReason"],
        },
        "additionalProperties": False,
        "minProperties": 1,
    }


def _value_schema(val: Val, doc: str) -> dict[str, Any]:
    kind = val.kind
    if kind in ("string", "annotation"):
        return {"type": "string", "pattern": STRING_PATTERN, "description": doc}
    if kind == "boolean":
        return {"type": "boolean", "description": doc}
    if kind == "integer":
        return {"type": "integer", "description": doc}
    if kind in ("date", "dateTime", "instant"):
        pattern = {"date": DATE_PATTERN, "dateTime": DATETIME_PATTERN, "instant": INSTANT_PATTERN}[kind]
        return {"type": "string", "pattern": pattern, "description": doc}
    if kind == "record-kind":
        return {"type": "string", "pattern": CODE_PATTERN, "x-valueSet": val.value_set, "description": doc}
    if kind in ("code", "characteristic"):
        return {
            "description": doc,
            "oneOf": [_code_schema(val, "A code from the named code list."), _concept_schema(val)],
        }
    if kind == "coding":
        return {
            "description": doc,
            "oneOf": [_code_schema(val, "A code from the named code list."), _coding_schema(val)],
        }
    if kind == "ref":
        return {"description": doc, "oneOf": [_local_id_schema(val), _reference_schema(val)]}
    if kind == "telecom":
        text = {"type": "string", "pattern": STRING_PATTERN}
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "system": _fhir_code("The kind of contact point (FHIR contact-point-system)."),
                "value": {**text, "description": "The number or address."},
                "use": _fhir_code("The use (FHIR contact-point-use)."),
            },
            "required": ["value"],
            "additionalProperties": False,
        }
    if kind == "period":
        return _period_schema(doc)
    if kind == "identifier":
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "use": _fhir_code("The identifier's use (FHIR identifier-use)."),
                "system": {"type": "string", "format": "uri", "description": "The identifier namespace (a URI)."},
                "value": {"type": "string", "pattern": STRING_PATTERN, "description": "The identifier value."},
                "assigner": {
                    "description": "The agency that assigned it.",
                    "oneOf": [_local_id_schema(ref("agencies")), _reference_schema(ref("agencies"))],
                },
            },
            "required": ["value"],
            "additionalProperties": False,
        }
    if kind == "date-or-absent":
        return {
            "description": doc,
            "oneOf": [{"type": "string", "pattern": DATE_PATTERN, "description": "The date."}, dict(_ABSENT_SCHEMA)],
        }
    if kind == "dateTime-or-absent":
        return {
            "description": doc,
            "oneOf": [
                {"type": "string", "pattern": DATETIME_PATTERN, "description": "The date and time."},
                dict(_ABSENT_SCHEMA),
            ],
        }
    if kind == "name":
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "use": _fhir_code("The name's use (FHIR name-use)."),
                "text": {"type": "string", "pattern": STRING_PATTERN, "description": "The full name as written."},
                "family": {"type": "string", "pattern": STRING_PATTERN, "description": "Family name."},
                "given": {
                    "type": "array",
                    "items": {"type": "string", "pattern": STRING_PATTERN},
                    "minItems": 1,
                    "description": "Given names.",
                },
            },
            "additionalProperties": False,
            "minProperties": 1,
        }
    if kind == "address":
        text = {"type": "string", "pattern": STRING_PATTERN}
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "use": {"enum": ["home", "work", "temp", "old", "billing"], "description": "Address use."},
                "text": {**text, "description": "The address as written."},
                "line": {"type": "array", "items": text, "minItems": 1, "description": "Street lines."},
                "city": {**text, "description": "Town or city."},
                "district": {**text, "description": "District or county."},
                "postalCode": {**text, "description": "Postcode."},
                "country": {**text, "description": "Country."},
                "period": _period_schema("When the person lived there."),
                "confidential": {"type": "boolean", "description": "A confidential (refuge) address (L16)."},
            },
            "additionalProperties": False,
            "minProperties": 1,
        }
    raise ValueError(f"no schema for value kind {kind!r}")


def _field_schema(f: Field) -> dict[str, Any]:
    if isinstance(f, Complex | Items):
        item = {**_object_schema(f.fields, f.doc), "minProperties": 1}
    else:
        assert f.val is not None
        item = _value_schema(f.val, f.doc)
    if f.many:
        return {"type": "array", "description": f.doc, "items": item, "minItems": 1}
    return item


def _object_schema(fields: Sequence[Field], doc: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = dict(extra or {})
    for f in fields:
        properties[f.key] = _field_schema(f)
    required = [k for k in (extra or {}) if k == "id"] + [f.key for f in fields if f.required]
    schema: dict[str, Any] = {"type": "object", "description": doc, "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


_SECURITY_CODE: Final = Val("code", "confidentiality")


def _security_schema(doc: str, *, top: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": doc,
        "properties": {
            "confidentiality": {
                "description": "v3-Confidentiality code (R restricted, V very restricted), with its display if any.",
                "oneOf": [_code_schema(_SECURITY_CODE, "The code."), _label_schema(_SECURITY_CODE)],
            },
            "labels": {
                "type": "array",
                "items": {"oneOf": [{"type": "string", "pattern": CODE_PATTERN}, _label_schema(None)]},
                "description": "v3-ActCode security labels (SDV: sensitive domestic violence), displays kept.",
            },
        },
        "required": ["confidentiality", "labels"],
        "additionalProperties": False,
    }
    if top:
        schema["properties"]["labels"]["contains"] = {
            "oneOf": [
                {"const": "SDV"},
                {
                    "type": "object",
                    "properties": {"code": {"const": "SDV", "description": "The SDV label."}},
                    "required": ["code"],
                },
            ]
        }
    return schema


def _label_schema(val: Val | None) -> dict[str, Any]:
    coded = (
        _code_schema(val, "The code.")
        if val
        else {"type": "string", "pattern": CODE_PATTERN, "description": "The code."}
    )
    return {
        "type": "object",
        "description": "A security code with its display.",
        "properties": {
            "code": coded,
            "display": {"type": "string", "pattern": STRING_PATTERN, "description": "The display, as written."},
        },
        "required": ["code", "display"],
        "additionalProperties": False,
    }


def _code_is(code: str) -> dict[str, Any]:
    """A code field holding ``code`` (as a bare code or as a coding object)."""
    coding = {"const": code, "description": f"The code {code}."}
    return {
        "description": f"The code {code}, bare or as a coding.",
        "anyOf": [coding, {"type": "object", "properties": {"code": coding}, "required": ["code"]}],
    }


# Requirements that depend on another field (the profile's invariants of the same meaning).
_CONDITIONS: Final[Mapping[str, dict[str, Any]]] = {
    # da-inc-3: an incident records a kind of abuse unless it is classified as parental conflict.
    "incidents": {
        "if": {"properties": {"classification": _code_is("parental-conflict")}, "required": ["classification"]},
        "else": {"required": ["abuseKinds"]},
    },
}


def build_schema() -> dict[str, Any]:
    """The logical record's JSON Schema, generated from ``SECTIONS`` (the shipped file must equal it)."""
    properties: dict[str, Any] = {
        "recordType": {"const": RECORD_TYPE, "description": "Always dastandard-logical-record."},
        "version": {"const": RECORD_VERSION, "description": "The version of the logical record format."},
        "caseId": {
            "type": "string",
            "pattern": STRING_PATTERN,
            "description": "The case reference (DACaseBundle.identifier).",
        },
        "extractedAt": {
            "type": "string",
            "pattern": INSTANT_PATTERN,
            "description": "When the record was extracted (Bundle.timestamp and the conversion Provenance).",
        },
        "security": _security_schema("Security labels of the whole record (meta.security).", top=True),
        "labelEntries": {
            "type": "boolean",
            "description": "Whether every entry carries the record's security labels (the default) or only its own.",
        },
        "caseIdSystem": {
            "type": "string",
            "format": "uri",
            "description": "The system of the case reference, when it is not the standard's case-reference system.",
        },
        "bundleId": {
            "type": "string",
            "pattern": "^[A-Za-z0-9\\-\\.]{1,64}$",
            "description": "The Bundle id, when it is not derived from the case reference.",
        },
        "entryOrder": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[a-zA-Z]+$", "description": "A section key."},
            "description": "The section of each Bundle entry in turn, when the entries are not in section order.",
        },
    }
    item_extra = {
        "id": {"type": "string", "pattern": LOCAL_ID_PATTERN, "description": "Local id, unique in the record."},
        "security": _security_schema("Security labels of this item when they differ from the record's.", top=False),
        "resourceId": {
            "type": "string",
            "pattern": "^[A-Za-z0-9\\-\\.]{1,64}$",
            "description": "The FHIR resource id, when it is not derived from the case reference and the local id; "
            "the resource then carries no local-id identifier of its own.",
        },
    }
    for section in SECTIONS:
        extra = item_extra if section.identifier else {k: v for k, v in item_extra.items() if k != "id"}
        items = _object_schema(section.fields, f"One {section.profile} ({section.resource_type}).", extra)
        items.update(_CONDITIONS.get(section.key, {}))
        properties[section.key] = {"type": "array", "description": section.doc, "items": items}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"{standard().canonical}/{SCHEMA_FILE}",
        "title": "dastandard logical record",
        "description": "A plain JSON record holding the same information as a DACaseBundle. Items refer to each "
        "other by local id; x-valueSet names the shipped ValueSet a code must come from.",
        "type": "object",
        "properties": properties,
        "required": ["recordType", "version", "caseId", "extractedAt", "security"],
        "additionalProperties": False,
    }


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(read_json("validators", SCHEMA_FILE))


# --------------------------------------------------------------------------------------------------------------
# Validation.


def _json_path(parts: Sequence[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _iter_leaf_values(
    f: Field, value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Val, Any]]:
    values = list(enumerate(value)) if f.many and isinstance(value, list) else [(None, value)]
    for index, one in values:
        here = path if index is None else (*path, index)
        if isinstance(f, Complex | Items):
            if isinstance(one, dict):
                for sub in f.fields:
                    if sub.key in one:
                        yield from _iter_leaf_values(sub, one[sub.key], (*here, sub.key))
        elif f.val is not None:
            yield here, f.val, one


def _iter_items(doc: Mapping[str, Any]) -> Iterator[tuple[Section, int, dict[str, Any]]]:
    for section in SECTIONS:
        items = doc.get(section.key)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield section, index, item


@dataclass(frozen=True, slots=True)
class LogicalProblem:
    """One problem of a logical record: its JSON path, the message, and its line and column in the record's text
    (None when no text was given)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line}, column {self.column})" if self.line is not None else self.path
        return f"{where}: {self.message}"


class LogicalRecordError(ValueError):
    """A logical record is invalid; ``problems`` lists every problem, not only the first."""

    def __init__(self, problems: Sequence[LogicalProblem]) -> None:
        self.problems: tuple[LogicalProblem, ...] = tuple(problems)
        first, *rest = [str(problem) for problem in self.problems] or ["the logical record is invalid"]
        more = f"\nand {len(rest)} more problem{'s' if len(rest) != 1 else ''}:\n  " + "\n  ".join(rest) if rest else ""
        super().__init__(first + more)  # the first problem leads, as a one-problem message always did


def logical_problems(doc: Any, text: str | None = None) -> list[LogicalProblem]:
    """Every problem ``validate_logical`` finds, in its order; located in ``text`` (the record's JSON) when given."""
    problems = []
    for path, message in validate_logical(doc):
        line = column = None
        if text is not None:
            line, column = locate(text, parse_path(path))
        problems.append(LogicalProblem(path, message, line, column))
    return problems


def validate_logical(doc: Any) -> Iterator[tuple[str, str]]:
    """Yield ``(json_path, message)`` for every schema error, unknown code and dangling or mistyped local id."""
    schema_errors = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    for error in schema_errors:
        yield _json_path(list(error.absolute_path)), error.message
    if not isinstance(doc, dict):
        return
    owners: dict[str, str] = {}
    for section, index, item in _iter_items(doc):
        local = item.get("id")
        if not isinstance(local, str):
            continue
        if local in owners:
            yield _json_path([section.key, index, "id"]), f"local id {local!r} is already used in {owners[local]}"
        else:
            owners[local] = section.key
    if isinstance(doc.get("security"), dict):
        yield from _check_value(
            _SECURITY_CODE, doc["security"].get("confidentiality"), ("security", "confidentiality"), owners
        )
    yield from _check_entry_order(doc)
    labelled = doc.get("labelEntries", True) is not False
    if not labelled and all("security" in item for _, _, item in _iter_items(doc)):
        yield "$.labelEntries", "false only when some item carries no labels of its own; leave it out otherwise"
    for section, index, item in _iter_items(doc):
        if isinstance(item.get("security"), dict):
            if labelled and item["security"] == doc.get("security"):
                yield (
                    _json_path([section.key, index, "security"]),
                    "the same as the record's security labels; give an item's labels only when they differ",
                )
            where = (section.key, index, "security", "confidentiality")
            yield from _check_value(_SECURITY_CODE, item["security"].get("confidentiality"), where, owners)
        for f in section.fields:
            if f.key not in item:
                continue
            for path, val, value in _iter_leaf_values(f, item[f.key], (section.key, index, f.key)):
                yield from _check_value(val, value, path, owners)


def _check_entry_order(doc: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    order = doc.get("entryOrder")
    if not isinstance(order, list):
        return
    counts = {s.key: len(doc[s.key]) for s in SECTIONS if isinstance(doc.get(s.key), list)}
    unknown = sorted({key for key in order if key not in SECTION_BY_KEY})
    if unknown:
        yield "$.entryOrder", f"names no section: {', '.join(map(str, unknown))}"
        return
    named = {key: order.count(key) for key in set(order)}
    if {k: v for k, v in counts.items() if v} != named:
        yield "$.entryOrder", "must name each section once for every item it holds"


def _check_value(
    val: Val, value: Any, path: tuple[str | int, ...], owners: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    if val.kind == "ref" and isinstance(value, dict):
        value = value.get("id")
        path = (*path, "id")
    if val.kind == "identifier" and isinstance(value, dict) and "assigner" in value:
        yield from _check_value(ref("agencies"), value["assigner"], (*path, "assigner"), owners)
        return
    if val.kind in ("code", "coding", "characteristic") and isinstance(value, dict):
        for index, coding in enumerate(value.get("codings", ())):
            if isinstance(coding, dict):
                yield from _check_system_code(coding, (*path, "codings", index))
        if isinstance(value.get("system"), str) and value["system"] != system_for(
            val.value_set, str(value.get("code"))
        ):
            yield from _check_system_code(value, path)
            return
    if val.kind == "ref" and isinstance(value, str):
        target = owners.get(value)
        if target is None:
            yield _json_path(path), f"local id {value!r} does not name any item in the record"
        elif val.targets and target not in val.targets:
            yield _json_path(path), f"local id {value!r} is in {target}, expected {' or '.join(val.targets)}"
    elif val.kind in ("code", "coding", "characteristic", "record-kind"):
        the_code = value.get("code") if isinstance(value, dict) else value
        if isinstance(the_code, str):
            codes = value_set_codes(val.value_set)
            if codes is not None and the_code not in codes:
                yield _json_path(path), f"code {the_code!r} is not in the value set {val.value_set}"


def _check_system_code(coding: Mapping[str, Any], path: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    """A code given with its own system must be in that CodeSystem when the standard ships it."""
    codes = code_system_codes(str(coding.get("system")))
    if codes is not None and coding.get("code") not in codes:
        yield _json_path(path), f"code {coding.get('code')!r} is not in the code system {coding.get('system')}"
