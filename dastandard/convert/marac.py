"""MARAC referral (``marac-json``, ``marac-csv``): read only.

SafeLives-style referral fields declared once in ``converters/marac-referral/fields.json`` as paths
(``victim.surname``, ``children[].dob``, ``risk.answers.*``). The JSON reader takes one referral object or an array
of them; the CSV reader takes one referral per row with dotted column names (``children.1.dob``,
``risk.answers.14``). Both flatten their input to the same ``{path: value}`` record, which one mapper turns into a
DACaseBundle (DAMaracReferral, DARiskAssessment, persons, relationships, agencies, DAProvenance).

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
from dastandard.convert import _csv
from dastandard.convert._csv import meta
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.provenance import as_instant, build_provenance
from dastandard.fhir.jsonkeys import duplicate_keys
from dastandard.model.fragments import absent, own_concept, own_extension, sub_extension
from dastandard.model.ids import entry, identifier_system, profile_url, reference, stable_id
from dastandard.model.urls import PROVENANCE_PARTICIPANT_TYPE, UKCORE_ETHNIC_CATEGORY

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

    def code(self, key: str) -> _csv.Mapped | None:
        value = self.text(key)
        if not value:
            return None
        mapped = _csv.code_map(self.spec[pattern_of(key)].codes).lookup(value)
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
        parsed = _csv.parse_date(value)
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
        person: dict[str, Any] = {"resourceType": "Patient", "id": person_id, "meta": meta("DAPerson")}
        identifiers = []
        if self.text(f"{prefix}.nhs_number"):
            identifiers.append({"system": _csv.NHS_NUMBER, "value": self.text(f"{prefix}.nhs_number")})
        if self.text(f"{prefix}.la_child_id"):
            identifiers.append(
                {"system": identifier_system("la-child-id"), "value": self.text(f"{prefix}.la_child_id")}
            )
        if identifiers:
            person["identifier"] = identifiers
        name: dict[str, Any] = {}
        if self.text(f"{prefix}.surname"):
            name["family"] = self.text(f"{prefix}.surname")
        if self.text(f"{prefix}.forenames"):
            name["given"] = self.text(f"{prefix}.forenames").split()
        if name:
            person["name"] = [name]
        birth = self.date(f"{prefix}.dob")
        if birth:
            person["birthDate"] = birth
        else:
            person["_birthDate"] = absent("unknown")
        sex = self.code(f"{prefix}.sex")
        unasked = _csv.unasked_characteristics()
        person["maritalStatus"] = unasked["maritalStatus"]
        person["extension"] = [
            own_extension("person-sex", valueCodeableConcept={"coding": [sex.coding()]} if sex else absent("unknown")),
            {"url": UKCORE_ETHNIC_CATEGORY, "valueCodeableConcept": absent("not-asked")},
            *unasked["extension"],
        ]
        return person

    def relationship(self, key: str, patient: str, related: str) -> dict[str, Any] | None:
        mapped = self.code(key)
        if mapped is None:
            return None
        return _csv.relationship(patient, related, mapped.coding(), mapped.code)

    def bundle(self) -> dict[str, Any]:
        self.check_fields()
        ref = self.text("referral_id")
        key = ("marac", ref)
        agency_id = stable_id("agency", "marac-referrer", self.text("referrer.agency_name"))
        agency_type = self.code("referrer.agency_type")
        referrer: dict[str, Any] = {
            "resourceType": "Organization",
            "id": agency_id,
            "meta": meta("DAAgency"),
            "type": [{"coding": [agency_type.coding()]} if agency_type else own_concept("agency-type", "other")],
        }
        if self.text("referrer.agency_name"):
            referrer["name"] = self.text("referrer.agency_name")
        resources: list[dict[str, Any]] = [referrer]
        marac_id = ""
        if self.text("marac_name"):
            marac_id = stable_id("agency", "marac", self.text("marac_name"))
            resources.append(
                {
                    "resourceType": "Organization",
                    "id": marac_id,
                    "meta": meta("DAAgency"),
                    "type": [own_concept("agency-type", "marac")],
                    "name": self.text("marac_name"),
                }
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
        resources += people + [r for r in relationships if r is not None]

        criteria = []
        raw = self.record.get("criteria", [])
        for code in raw if isinstance(raw, list) else str(raw).split(";"):
            if code.strip():
                mapped = _csv.code_map(self.spec["criteria"].codes).lookup(code.strip())
                if mapped is None:
                    self._add(Loss.UNMAPPED_CODE, "criteria", "no mapping for this code; not converted", code=code)
                else:
                    criteria.append(mapped)
        risk = self.risk(key, victim_id, agency_id, criteria)
        if risk is not None:
            resources.append(risk)
        resources.append(self.referral(key, ref, victim_id, pch_id, child_ids, agency_id, marac_id, criteria, risk))
        extra = []
        who = ", ".join(p for p in (self.text("referrer.name"), self.text("referrer.role")) if p)
        if who:
            extra.append(
                {
                    "type": {
                        "coding": [
                            {
                                "system": PROVENANCE_PARTICIPANT_TYPE,
                                "code": "informant",
                            }
                        ]
                    },
                    "who": {"display": who},
                }
            )
        prov = build_provenance(
            resource_id=stable_id(*key, "provenance"),
            targets=[r["id"] for r in resources],
            source_file=self.name or "(input)",
            source_record=self.locate(""),
            system="marac-referral",
            agency_id=agency_id,
            recorded=as_instant(self.date("referral_date") or ""),
            fact_source="reported-by-other",
        )
        prov["agent"].extend(extra)
        resources.append(prov)
        for resource in resources:
            resource["meta"]["security"] = _csv.bundle_security()
        self.report.records_out += 1
        return {
            "resourceType": "Bundle",
            "id": stable_id(*key, "bundle"),
            "meta": {"profile": [profile_url("DACaseBundle")], "security": _csv.bundle_security()},
            "identifier": {"system": identifier_system("marac-referral-id"), "value": ref},
            "type": "collection",
            "timestamp": as_instant(self.date("referral_date") or "") or "1970-01-01T00:00:00+00:00",
            "entry": [entry(r) for r in resources],
        }

    def risk(
        self, key: tuple[str, str], victim_id: str, agency_id: str, criteria: list[_csv.Mapped]
    ) -> dict[str, Any] | None:
        if not any(k.startswith("risk.") for k in self.record):
            return None
        assessment: dict[str, Any] = {
            "resourceType": "RiskAssessment",
            "id": stable_id(*key, "risk"),
            "meta": meta("DARiskAssessment"),
            "status": "final",
            "subject": reference(victim_id),
            "performer": reference(agency_id),
        }
        when = self.date("risk.date")
        if when:
            assessment["occurrenceDateTime"] = when
        tool = self.code("risk.tool")
        if tool:
            assessment["method"] = {"coding": [tool.coding()]}
        extensions = []
        answers = sorted((int(k.rsplit(".", 1)[1]), k) for k in self.record if re.fullmatch(r"risk\.answers\.\d+", k))
        for number, answer_key in answers:
            answer = self.code(answer_key)
            if answer:
                extensions.append(
                    own_extension(
                        "risk-item",
                        extension=[
                            sub_extension("question", valueInteger=number),
                            sub_extension("answer", valueCodeableConcept={"coding": [answer.coding()]}),
                        ],
                    )
                )
        score = self.text("risk.score")
        if score.isdigit():
            extensions.append(own_extension("risk-score", valueInteger=int(score)))
        elif score:
            self._add(Loss.INVALID_INPUT, "risk.score", "not a whole number; not converted")
        judgement = self.text("risk.professional_judgement")
        level = self.code("risk.level")
        if judgement:
            parts = [sub_extension("reason", valueString=judgement)]
            if level:
                parts.insert(0, sub_extension("level", valueCodeableConcept={"coding": [level.coding()]}))
            extensions.append(own_extension("professional-judgement", extension=parts))
        for criterion in criteria:
            extensions.append(own_extension("marac-criterion", valueCodeableConcept={"coding": [criterion.coding()]}))
        if extensions:
            assessment["extension"] = extensions
        if level:
            assessment["prediction"] = [{"qualitativeRisk": {"coding": [level.coding()]}}]
        return assessment

    def referral(
        self,
        key: tuple[str, str],
        ref: str,
        victim_id: str,
        pch_id: str,
        child_ids: list[str],
        agency_id: str,
        marac_id: str,
        criteria: list[_csv.Mapped],
        risk: dict[str, Any] | None,
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "id": stable_id(*key, "referral"),
            "meta": meta("DAMaracReferral"),
            "identifier": [{"system": identifier_system("marac-referral-id"), "value": ref}],
            "status": "active",
            "intent": "order",
            "code": own_concept("record-type", "marac-referral"),
            "subject": reference(victim_id),
            "requester": reference(agency_id),
        }
        when = self.date("referral_date")
        if when:
            request["authoredOn"] = when
        if marac_id:
            request["performer"] = [reference(marac_id)]
        if criteria:
            request["reasonCode"] = [{"coding": [c.coding()]} for c in criteria]
        if risk is not None:
            request["supportingInfo"] = [reference(risk["id"])]
        if self.text("reason"):
            request["note"] = [{"text": self.text("reason")}]
        extensions = [own_extension("marac-person-causing-harm", valueReference=reference(pch_id))]
        extensions += [own_extension("marac-child", valueReference=reference(c)) for c in child_ids]
        given = self.text("consent.given").upper()
        basis_code = self.text("consent.basis_without_consent")
        basis: _csv.Mapped | None = None
        if given in ("YES", "Y", "TRUE"):
            basis = _csv.code_map(self.spec["consent.basis_without_consent"].codes).lookup("CONSENT")
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
        extensions.append(
            own_extension(
                "sharing-basis", valueCodeableConcept={"coding": [basis.coding()]} if basis else absent("unknown")
            )
        )
        request["extension"] = extensions
        return request


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
