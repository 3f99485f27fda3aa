"""The acme-cases format: one JSON object per line, one case per line, each about one child.

    {"case_ref": "ACME-0001", "extracted": "2025-06-30T09:00:00Z",
     "child": {"ref": "LA-900001", "given": "Maya", "family": "Example", "dob": "2016-04-12", "sex": "female"}}

Reading builds each case's logical record (the standard's plain JSON form) and lets dastandard's one writer make
the DACaseBundle, so the plugin writes no FHIR. Writing reads each Bundle back into a logical record and writes
what the line can hold; everything else it received is reported, field by field, so that a conversion to
acme-cases never calls itself lossless when it is not. Its test is one call:
``dastandard.testing.assert_conformant(AcmeCasesFormat(), [Path("sample.acme.jsonl")])``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.logical import bundle_to_logical, logical_problems, logical_to_bundle
from dastandard.model.ids import identifier_system, stable_id

NOT_ASKED = {"absentReason": "not-asked"}
UNKNOWN = {"absentReason": "unknown"}
SEX = {"female": "F", "male": "M", "unknown": "U"}  # acme's sex values -> the standard's sex codes
SEX_BACK = {code: text for text, code in SEX.items()}
CHILD_FIELDS = ("ref", "given", "family", "dob", "sex")
CASE_FIELDS = ("case_ref", "extracted", "child")
# What the reader states for a characteristic acme does not record; written back, it is not a loss.
UNRECORDED = {
    "genderIdentity": NOT_ASKED,
    "sexualOrientation": NOT_ASKED,
    "ethnicityNhs": NOT_ASKED,
    "religion": [NOT_ASKED],
    "disability": [NOT_ASKED],
}
# Fields of a person the line holds.
WRITTEN = {"id", "resourceId", "identifiers", "name", "birthDate", "sex"}


class AcmeCasesFormat(Format):
    """acme-cases: a fictional vendor's JSON lines export, one child per case."""

    name: ClassVar[str] = "acme-cases"
    description: ClassVar[str] = "acme-cases JSON lines export (example plugin)"
    extensions: ClassVar[tuple[str, ...]] = (".acme.jsonl",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    # ---------------------------------------------------------------------------------------------- sniffing

    def sniff(self, head: bytes, path: Path | None) -> bool:
        """Only content that is unmistakably acme: a JSON object whose first line has case_ref and child."""
        first = head.lstrip().split(b"\n", 1)[0]
        return first.startswith(b"{") and b'"case_ref"' in first and b'"child"' in first

    # ------------------------------------------------------------------------------------------------ reading

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """One Bundle per line, streaming: a line is read, converted and yielded before the next is read."""
        for number, raw in enumerate(source, 1):
            if not raw.strip():
                continue
            report.records_in += 1  # every case seen counts, converted or not
            where = f"line {number}"
            try:
                case = json.loads(raw)
            except ValueError as exc:
                report.add(ReportEntry(Loss.INVALID_INPUT, "line", where, f"not JSON: {exc}"))
                continue
            if not isinstance(case, dict) or not isinstance(case.get("child"), dict):
                report.add(ReportEntry(Loss.INVALID_INPUT, "child", where, "a case is an object with a child object"))
                continue
            record = self._record(case, where, report)
            problems = logical_problems(record)
            for problem in problems:  # e.g. a malformed date: reported, the case is left out
                report.add(ReportEntry(Loss.INVALID_INPUT, problem.path, where, problem.message))
            if problems:
                continue
            report.records_out += 1  # counted when the Bundle is made
            yield logical_to_bundle(record, source=Path(name).name if name else "", checked=True)

    def _record(self, case: dict[str, Any], where: str, report: ConversionReport) -> dict[str, Any]:
        child = case["child"]
        for key in case:
            if key not in CASE_FIELDS:
                report.add(ReportEntry(Loss.UNMAPPED_FIELD, key, f"{where}: {key}", "not part of the standard"))
        for key in child:
            if key not in CHILD_FIELDS:
                report.add(ReportEntry(Loss.UNMAPPED_FIELD, f"child.{key}", f"{where}: child.{key}"))
        case_ref = str(case.get("case_ref", ""))
        report.add(ReportEntry(Loss.MAPPED, "case_ref", where, target="Bundle.identifier"))
        report.add(ReportEntry(Loss.MAPPED, "extracted", where, target="Bundle.timestamp"))
        person: dict[str, Any] = {"id": "child", "resourceId": stable_id("acme", case_ref, "child")}
        if child.get("ref"):
            person["identifiers"] = [{"system": identifier_system("la-child-id"), "value": str(child["ref"])}]
            report.add(ReportEntry(Loss.MAPPED, "child.ref", where, target="DAPerson.identifier"))
        name = {k: v for k, v in (("family", child.get("family")), ("given", child.get("given"))) if v}
        if name:
            person["name"] = {**name, **({"given": str(name["given"]).split()} if "given" in name else {})}
            for key in name:
                report.add(ReportEntry(Loss.MAPPED, f"child.{key}", where, target="DAPerson.name"))
        person["birthDate"] = child.get("dob") or UNKNOWN
        if "dob" in child:
            report.add(ReportEntry(Loss.MAPPED, "child.dob", where, target="DAPerson.birthDate"))
        sex = SEX.get(str(child.get("sex", "")).lower())
        if sex is None and "sex" in child:
            report.add(ReportEntry(Loss.UNMAPPED_CODE, "child.sex", where, code=str(child["sex"])))
        elif sex:
            report.add(ReportEntry(Loss.MAPPED, "child.sex", where, target="DAPerson.extension:sex"))
        person["sex"] = sex or UNKNOWN
        person.update(UNRECORDED)
        return {
            "recordType": "dastandard-logical-record",
            "version": "0.1.0",
            "caseId": case_ref,
            "extractedAt": case.get("extracted") or "1970-01-01T00:00:00Z",
            "security": {"confidentiality": "R", "labels": ["SDV"]},
            "persons": [person],
        }

    # ------------------------------------------------------------------------------------------------ writing

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """One line per Bundle, streaming; every field the line cannot hold is reported."""
        for number, bundle in enumerate(bundles, 1):
            record = bundle_to_logical(bundle, report)
            where = f"Bundle {number}"
            persons = record.get("persons", [])
            child = next((p for p in persons if self._la_child_id(p)), persons[0] if persons else None)
            for section, items in record.items():
                if section == "persons" or not isinstance(items, list):
                    continue
                kind = Loss.NOT_PROJECTED if section == "provenance" else Loss.UNMAPPED_FIELD
                report.add(ReportEntry(kind, section, where, f"{len(items)} item(s) acme-cases cannot hold"))
            for other in persons:
                if other is not child:
                    report.add(ReportEntry(Loss.UNMAPPED_FIELD, "persons", f"{where}: {other.get('id')}"))
            line: dict[str, Any] = {"case_ref": record.get("caseId", ""), "extracted": record.get("extractedAt", "")}
            line["child"] = self._child(child, where, report) if child else {}
            target.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
            report.records_out += 1

    @staticmethod
    def _la_child_id(person: dict[str, Any]) -> str:
        system = identifier_system("la-child-id")
        return next((str(i["value"]) for i in person.get("identifiers", []) if i.get("system") == system), "")

    def _child(self, person: dict[str, Any], where: str, report: ConversionReport) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ref = self._la_child_id(person)
        if ref:
            out["ref"] = ref
        if len(person.get("identifiers", [])) > int(bool(ref)):
            report.add(ReportEntry(Loss.UNMAPPED_FIELD, "persons.identifiers", where, "only the LA child id is kept"))
        else:
            report.add(ReportEntry(Loss.MAPPED, "persons.identifiers", where, target="child.ref"))
        name = person.get("name") or {}
        if name.get("given"):
            out["given"] = " ".join(name["given"])
        if name.get("family"):
            out["family"] = name["family"]
        if set(name) - {"given", "family"}:
            report.add(ReportEntry(Loss.UNMAPPED_FIELD, "persons.name", where, "only given and family names are kept"))
        else:
            report.add(ReportEntry(Loss.MAPPED, "persons.name", where, target="child.given, child.family"))
        if isinstance(person.get("birthDate"), str):
            out["dob"] = person["birthDate"]
        report.add(ReportEntry(Loss.MAPPED, "persons.birthDate", where, target="child.dob"))
        sex = person.get("sex")
        if isinstance(sex, str) and sex in SEX_BACK:
            out["sex"] = SEX_BACK[sex]
        report.add(ReportEntry(Loss.MAPPED, "persons.sex", where, target="child.sex"))
        for key, value in person.items():
            if key in WRITTEN:
                continue
            if UNRECORDED.get(key) == value:
                report.add(ReportEntry(Loss.NOT_PROJECTED, f"persons.{key}", where, "not recorded; read as not asked"))
            else:
                report.add(ReportEntry(Loss.UNMAPPED_FIELD, f"persons.{key}", where, "acme-cases cannot hold it"))
        return out
