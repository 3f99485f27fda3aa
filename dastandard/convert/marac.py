"""MARAC referral (``marac-json``, ``marac-csv``): read only.

SafeLives-style referral fields declared once in ``converters/marac-referral/fields.json`` as paths
(``victim.surname``, ``children[].dob``, ``risk.answers.*``). The JSON reader takes one referral object or an array
of them; the CSV reader takes one referral per row with dotted column names (``children.1.dob``,
``risk.answers.14``). Both flatten their input to the same ``{path: value}`` record, which one mapper turns into a
case record in the logical record's domain terms (DAMaracReferral, DARiskAssessment, persons, relationships,
agencies, DAProvenance); the Bundle comes from the one writer (``logical_to_bundle``).

Error policy: never raises on input. Unknown fields are UNMAPPED_FIELD; bad dates, missing required fields and
malformed JSON are INVALID_INPUT; unknown codes UNMAPPED_CODE, lossy ones LOSSY_CODE; each with its location
(``$[0].victim.dob`` for JSON, ``row N, column "victim.dob"`` for CSV).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson

from dastandard._resources import read_json
from dastandard.convert import _csv, _spec, _values
from dastandard.convert._record import NOT_ASKED, SECURITY, UNKNOWN, unasked_characteristics
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.provenance import as_instant, provenance_item
from dastandard.fhir.jsonkeys import duplicate_keys
from dastandard.logical import RECORD_TYPE, RECORD_VERSION, logical_to_bundle
from dastandard.model.ids import identifier_system, stable_id
from dastandard.model.urls import NHS_NUMBER_SYSTEM

SPEC = "marac-referral/fields.json"


@dataclass(frozen=True)
class Field:
    """One field of the MARAC referral specification."""

    path: str
    type: str
    required: bool
    description: str
    target: str
    codes: str = ""


@cache
def fields() -> dict[str, Field]:
    """The referral fields by path, in specification order."""
    spec = read_json("converters", SPEC)
    return {
        f["path"]: Field(
            f["path"], f["type"], bool(f.get("required")), f["description"], f["target"], f.get("codes", "")
        )
        for f in spec["fields"]
    }


def pattern_of(key: str) -> str:
    """The specification path of a flattened key: ``children.2.dob`` -> ``children[].dob``; answers -> ``*``."""
    out: list[str] = []
    for part in key.split("."):
        if part.isdigit() and out:
            if out[-1] == "answers":
                out.append("*")
            else:
                out[-1] += "[]"
        else:
            out.append(part)
    return ".".join(out)


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        for index, item in enumerate(value, start=1):
            _flatten(item, f"{prefix}.{index}", out)
    elif isinstance(value, list):
        out[prefix] = [str(v) for v in value]
    elif value is not None:
        out[prefix] = value if isinstance(value, bool) else str(value)


class _Mapper:
    """Turns one flattened referral into a Bundle; every problem goes to the report."""

    def __init__(self, record: dict[str, Any], locate: Callable[[str], str], name: str, report: ConversionReport):
        self.record = record
        self.locate = locate
        self.name = name
        self.report = report
        self.spec = fields()

    def _add(self, kind: Loss, key: str, message: str = "", code: str = "", target: str = "") -> None:
        self.report.add(ReportEntry(kind, key, self.locate(key), message, code, target))

    def text(self, key: str) -> str:
        value = self.record.get(key, "")
        return ";".join(value) if isinstance(value, list) else str(value).strip()

    def code(self, key: str) -> _spec.Mapped | None:
        value = self.text(key)
        if not value:
            return None
        mapped = _spec.code_map(self.spec[pattern_of(key)].codes).lookup(value)
        if mapped is None:
            self._add(Loss.UNMAPPED_CODE, key, "no mapping for this code; not converted", code=value)
        elif mapped.lossy:
            self._add(
                Loss.LOSSY_CODE,
                key,
                f"mapped {mapped.equivalence}",
                code=value,
                target=f"{mapped.system}#{mapped.code}",
            )
        return mapped

    def date(self, key: str) -> str | None:
        value = self.text(key)
        if not value:
            return None
        parsed = _values.parse_date(value)
        if parsed is None:
            self._add(Loss.INVALID_INPUT, key, "not a valid date; not converted")
        return parsed

    def check_fields(self) -> None:
        for key in self.record:
            field = self.spec.get(pattern_of(key))
            if field is None:
                self._add(Loss.UNMAPPED_FIELD, key, "not a field of the MARAC referral specification; not converted")
            else:
                self._add(Loss.MAPPED, key, target=field.target)
        for path, field in self.spec.items():
            if field.required and not self.text(path):
                self._add(Loss.INVALID_INPUT, path, "required field missing")

    def person(self, prefix: str, person_id: str) -> dict[str, Any]:
        person: dict[str, Any] = {"id": person_id, "resourceId": person_id}
        identifiers = []
        if self.text(f"{prefix}.nhs_number"):
            identifiers.append({"system": NHS_NUMBER_SYSTEM, "value": self.text(f"{prefix}.nhs_number")})
        if self.text(f"{prefix}.la_child_id"):
            identifiers.append(
                {"system": identifier_system("la-child-id"), "value": self.text(f"{prefix}.la_child_id")}
            )
        if identifiers:
            person["identifiers"] = identifiers
        name: dict[str, Any] = {}
        if self.text(f"{prefix}.surname"):
            name["family"] = self.text(f"{prefix}.surname")
        if self.text(f"{prefix}.forenames"):
            name["given"] = self.text(f"{prefix}.forenames").split()
        if name:
            person["name"] = name
        person["birthDate"] = self.date(f"{prefix}.dob") or UNKNOWN
        sex = self.code(f"{prefix}.sex")
        person["sex"] = sex.value() if sex else UNKNOWN
        person["ethnicityNhs"] = NOT_ASKED
        person.update(unasked_characteristics())
        return person

    def relationship(self, key: str, patient: str, related: str) -> dict[str, Any] | None:
        mapped = self.code(key)
        if mapped is None:
            return None
        relationship_id = stable_id("relationship", patient, related, mapped.code)
        return {
            "id": relationship_id,
            "resourceId": relationship_id,
            "person": patient,
            "relatedPerson": related,
            "relationship": [mapped.value()],
        }

    def bundle(self) -> dict[str, Any]:
        """The referral's DACaseBundle, written by the one writer from the record this mapper builds."""
        record = self.record_of()
        self.report.records_out += 1
        return logical_to_bundle(record, checked=True, conversion_provenance=False)

    def record_of(self) -> dict[str, Any]:
        """The referral in the logical record's domain terms (items per section); ids are the resource ids."""
        self.check_fields()
        ref = self.text("referral_id")
        key = ("marac", ref)
        agency_id = stable_id("agency", "marac-referrer", self.text("referrer.agency_name"))
        agency_type = self.code("referrer.agency_type")
        referrer: dict[str, Any] = {
            "id": agency_id,
            "resourceId": agency_id,
            "types": [agency_type.value() if agency_type else "other"],
        }
        if self.text("referrer.agency_name"):
            referrer["name"] = self.text("referrer.agency_name")
        agencies: list[dict[str, Any]] = [referrer]
        marac_id = ""
        if self.text("marac_name"):
            marac_id = stable_id("agency", "marac", self.text("marac_name"))
            agencies.append(
                {"id": marac_id, "resourceId": marac_id, "types": ["marac"], "name": self.text("marac_name")}
            )
        victim_id = stable_id(*key, "victim")
        pch_id = stable_id(*key, "person-causing-harm")
        people = [self.person("victim", victim_id), self.person("person_causing_harm", pch_id)]
        relationships = [self.relationship("person_causing_harm.relationship_to_victim", victim_id, pch_id)]
        child_numbers = sorted({int(k.split(".")[1]) for k in self.record if re.fullmatch(r"children\.\d+\..+", k)})
        child_ids = []
        for n in child_numbers:
            child_id = stable_id(*key, "child", n)
            child_ids.append(child_id)
            people.append(self.person(f"children.{n}", child_id))
            relationships.append(self.relationship(f"children.{n}.relationship_to_victim", victim_id, child_id))
            relationships.append(self.relationship(f"children.{n}.relationship_to_pch", pch_id, child_id))

        criteria = []
        raw = self.record.get("criteria", [])
        for code in raw if isinstance(raw, list) else str(raw).split(";"):
            if code.strip():
                mapped = _spec.code_map(self.spec["criteria"].codes).lookup(code.strip())
                if mapped is None:
                    self._add(Loss.UNMAPPED_CODE, "criteria", "no mapping for this code; not converted", code=code)
                else:
                    criteria.append(mapped)
        referred = self.date("referral_date")
        record: dict[str, Any] = {
            "recordType": RECORD_TYPE,
            "version": RECORD_VERSION,
            "caseId": ref,
            "caseIdSystem": identifier_system("marac-referral-id"),
            "bundleId": stable_id(*key, "bundle"),
            "extractedAt": as_instant(referred or "") or "1970-01-01T00:00:00+00:00",
            "security": {**SECURITY, "labels": list(SECURITY["labels"])},
            "agencies": agencies,
            "persons": people,
            "relationships": [r for r in relationships if r is not None],
        }
        risk = self.risk(key, victim_id, agency_id, criteria)
        if risk is not None:
            record["riskAssessments"] = [risk]
        record["maracReferrals"] = [
            self.referral(key, ref, victim_id, pch_id, child_ids, agency_id, marac_id, criteria, risk)
        ]
        provenance = provenance_item(
            resource_id=stable_id(*key, "provenance"),
            targets=[i["id"] for s in record.values() if isinstance(s, list) for i in s],
            source_file=self.name or "(input)",
            source_record=self.locate(""),
            system="marac-referral",
            agency_id=agency_id,
            recorded=as_instant(referred or ""),
            fact_source="reported-by-other",
        )
        who = ", ".join(p for p in (self.text("referrer.name"), self.text("referrer.role")) if p)
        if who:
            provenance["agents"].append({"type": "informant", "who": {"display": who}})
        record["provenance"] = [provenance]
        return record

    def risk(
        self, key: tuple[str, str], victim_id: str, agency_id: str, criteria: list[_spec.Mapped]
    ) -> dict[str, Any] | None:
        if not any(k.startswith("risk.") for k in self.record):
            return None
        risk_id = stable_id(*key, "risk")
        item: dict[str, Any] = {
            "id": risk_id,
            "resourceId": risk_id,
            "status": "final",
            "victim": victim_id,
            "agency": agency_id,
        }
        when = self.date("risk.date")
        if when:
            item["date"] = when
        tool = self.code("risk.tool")
        if tool:
            item["tool"] = tool.value()
        answers = []
        numbered = sorted((int(k.rsplit(".", 1)[1]), k) for k in self.record if re.fullmatch(r"risk\.answers\.\d+", k))
        for number, answer_key in numbered:
            answer = self.code(answer_key)
            if answer:
                answers.append({"question": number, "answer": answer.value()})
        if answers:
            item["items"] = answers
        score = self.text("risk.score")
        if score.isdigit():
            item["score"] = int(score)
        elif score:
            self._add(Loss.INVALID_INPUT, "risk.score", "not a whole number; not converted")
        judgement = self.text("risk.professional_judgement")
        level = self.code("risk.level")
        if judgement:
            item["professionalJudgement"] = {**({"level": level.value()} if level else {}), "reason": judgement}
        if criteria:
            item["maracCriteria"] = [c.value() for c in criteria]
        if level:
            item["level"] = level.value()
        return item

    def referral(
        self,
        key: tuple[str, str],
        ref: str,
        victim_id: str,
        pch_id: str,
        child_ids: list[str],
        agency_id: str,
        marac_id: str,
        criteria: list[_spec.Mapped],
        risk: dict[str, Any] | None,
    ) -> dict[str, Any]:
        referral_id = stable_id(*key, "referral")
        item: dict[str, Any] = {
            "id": referral_id,
            "resourceId": referral_id,
            "identifiers": [{"system": identifier_system("marac-referral-id"), "value": ref}],
            "status": "active",
            "victim": victim_id,
            "referrer": agency_id,
        }
        when = self.date("referral_date")
        if when:
            item["authoredOn"] = when
        if marac_id:
            item["performers"] = [marac_id]
        if criteria:
            item["criteria"] = [c.value() for c in criteria]
        if risk is not None:
            item["supportingInfo"] = [risk["id"]]
        if self.text("reason"):
            item["notes"] = [self.text("reason")]
        item["personCausingHarm"] = pch_id
        if child_ids:
            item["children"] = child_ids
        given = self.text("consent.given").upper()
        basis_code = self.text("consent.basis_without_consent")
        basis: _spec.Mapped | None = None
        if given in ("YES", "Y", "TRUE"):
            basis = _spec.code_map(self.spec["consent.basis_without_consent"].codes).lookup("CONSENT")
            if basis_code:
                self._add(
                    Loss.INVALID_INPUT,
                    "consent.basis_without_consent",
                    "given although consent was given; not converted",
                )
        elif given in ("NO", "N", "FALSE"):
            basis = self.code("consent.basis_without_consent")
            if not basis_code:
                self._add(
                    Loss.INVALID_INPUT,
                    "consent.basis_without_consent",
                    "referred without consent but no lawful basis is recorded",
                )
        elif given:
            self._add(Loss.INVALID_INPUT, "consent.given", "expected YES or NO; not converted")
        item["sharingBasis"] = basis.value() if basis else UNKNOWN
        return item


class MaracJsonFormat(Format):
    """MARAC referral as JSON (one object or an array), fields per ``converters/marac-referral/fields.json``."""

    name: ClassVar[str] = "marac-json"
    description: ClassVar[str] = "MARAC referral (SafeLives-style fields), JSON, read only"
    extensions: ClassVar[tuple[str, ...]] = (".marac.json",)
    can_read: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path | None) -> bool:
        """True for JSON naming a referral id and MARAC criteria."""
        return head.lstrip()[:1] in (b"{", b"[") and b'"referral_id"' in head and b'"criteria"' in head

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """One DACaseBundle per referral; malformed JSON is one INVALID_INPUT entry."""
        report.source_format = report.source_format or self.name
        data = source.read()
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            report.add(ReportEntry(Loss.INVALID_INPUT, "(json)", name or "$", f"not valid JSON: {exc}"))
            return
        repeated = duplicate_keys(data, document)
        for dup in repeated:  # never read with one of the values picked silently
            where = f"line {dup.line}, column {dup.column}"
            report.add(
                ReportEntry(Loss.INVALID_INPUT, "(json)", where, f"the key {dup.key!r} is repeated in one object")
            )
        if repeated:
            return
        referrals = document if isinstance(document, list) else [document]
        for index, referral in enumerate(referrals):
            report.records_in += 1
            if not isinstance(referral, Mapping):
                report.add(ReportEntry(Loss.INVALID_INPUT, "(referral)", f"$[{index}]", "not a JSON object"))
                continue
            flat: dict[str, Any] = {}
            _flatten(referral, "", flat)

            def locate(key: str, index: int = index) -> str:
                return f"$[{index}]" + (f".{key}" if key else "")

            yield _Mapper(flat, locate, name, report).bundle()


class MaracCsvFormat(Format):
    """MARAC referrals as CSV, one per row, columns named by dotted field paths."""

    name: ClassVar[str] = "marac-csv"
    description: ClassVar[str] = "MARAC referral (SafeLives-style fields), CSV one referral per row, read only"
    extensions: ClassVar[tuple[str, ...]] = (".marac.csv",)
    can_read: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path | None) -> bool:
        """True when the header names a referral id and the victim."""
        first = head.split(b"\n", 1)[0]
        return b"referral_id" in first and b"victim." in first

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """One DACaseBundle per row; a row with the wrong number of cells is reported and not converted."""
        report.source_format = report.source_format or self.name
        header: list[str] = []
        for number, cells in _csv.read_csv_rows(source, name, report):
            if number == 1:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            report.records_in += 1
            if len(cells) != len(header):
                report.add(
                    ReportEntry(
                        Loss.INVALID_INPUT,
                        "(row)",
                        f"row {number}",
                        f"has {len(cells)} cells but the header has {len(header)}; not converted",
                    )
                )
                continue
            flat: dict[str, Any] = {}
            for column, cell in zip(header, cells, strict=True):
                if cell.strip():
                    flat[column] = [c.strip() for c in cell.split(";")] if column == "criteria" else cell

            def locate(key: str, number: int = number) -> str:
                return f'row {number}, column "{key}"' if key else f"row {number}"

            yield _Mapper(flat, locate, name, report).bundle()
