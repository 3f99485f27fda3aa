"""Police domestic abuse notification CSV (``police-csv``): read and write.

The layout is one row per party per incident, defined by ``converters/police-notification/columns.json`` (the single
source for the reader, the writer and the documentation). Incident columns repeat on every row of an incident; the
rows of one incident are consecutive. Each incident becomes one ``DACaseBundle``.

Error policy: the reader never raises on input. Unknown columns are UNMAPPED_FIELD; a row with the wrong number of
cells, a bad date, a missing required value or a conflicting incident value is INVALID_INPUT; an unknown code is
UNMAPPED_CODE and a lossy one LOSSY_CODE; each with its ``row N, column "name"``. A value that could not be read is
left out of the Bundle and the report says so. The writer reports what a Bundle holds that the CSV cannot carry.

The reader builds each incident as a case record in the logical record's domain terms (agencies, persons,
relationships, the incident, its risk assessment, the information sharing and the reader's own provenance) and
gets the Bundle from the one writer (``logical_to_bundle``); the writer reads each Bundle with the one reader
(``bundle_to_logical``) and projects the record onto the columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, Final

from dastandard.convert import _csv, _spec, _values
from dastandard.convert._record import NOT_ASKED, SECURITY, UNKNOWN, unasked_characteristics
from dastandard.convert._spec import Column
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.labels import AGENCY_LABELS
from dastandard.convert.locations import confidential_agencies, redacted
from dastandard.convert.provenance import as_instant, provenance_item
from dastandard.logical import (
    RECORD_TYPE,
    RECORD_VERSION,
    SECTION_BY_KEY,
    SECTIONS,
    bundle_to_logical,
    logical_to_bundle,
    system_for,
)
from dastandard.model.ids import identifier_system, stable_id

SPEC = "police-notification"
RISK_QUESTIONS = range(1, 28)
SYSTEM_INCIDENT_REF = "police-incident-reference"
SYSTEM_PERSON = "police-person-id"
SYSTEM_FORCE = "police-force-code"
SYSTEM_CRIME_REF = "police-crime-reference"
SYSTEM_SCHOOL = "school-urn"
PERCEIVED_PREFIX = "Officer-perceived ethnicity (6+1), party "
CHILD_ROLES = ("child-present", "child-not-present")


def columns() -> tuple[Column, ...]:
    """The police notification columns, in file order."""
    return _spec.load_columns(SPEC)


_loc = _csv.cell_location


@dataclass
class _Row:
    number: int
    values: dict[str, str]


@dataclass
class _Incident:
    ref: str
    rows: list[_Row] = field(default_factory=list)


class _Reader:
    """Turns the parsed rows of one file into Bundles; all problems go to the report."""

    def __init__(self, name: str, report: ConversionReport) -> None:
        self.name = name
        self.report = report
        self.spec = {c.name: c for c in columns()}

    def _add(self, kind: Loss, column: str, location: str, message: str = "", code: str = "", target: str = "") -> None:
        self.report.add(ReportEntry(kind, column, location, message, code, target))

    # ------------------------------------------------------------------ rows

    def run(self, source: IO[bytes]) -> Iterator[dict[str, Any]]:
        header: list[str | None] = []
        current: _Incident | None = None
        finished: dict[str, int] = {}
        for number, cells in _csv.read_csv_rows(source, self.name, self.report):
            if number == 1:
                header = self._header(cells)
                continue
            if not cells or all(not c.strip() for c in cells):
                continue
            self.report.records_in += 1
            if len(cells) != len(header):
                self._add(
                    Loss.INVALID_INPUT,
                    "(row)",
                    f"row {number}",
                    f"has {len(cells)} cells but the header has {len(header)}; the row is not converted",
                )
                continue
            if not self._usable:
                self._add(Loss.INVALID_INPUT, "(row)", f"row {number}", "not converted: a key column is missing")
                continue
            values = {name: cell for name, cell in zip(header, cells, strict=True) if name is not None}
            ref = values.get("incident_ref", "").strip()
            if not ref:
                self._add(
                    Loss.INVALID_INPUT,
                    "incident_ref",
                    _loc(number, "incident_ref"),
                    "required value missing; the row is not converted",
                )
                continue
            if current is not None and current.ref != ref:
                finished[current.ref] = current.rows[-1].number
                yield self._bundle(current)
                current = None
            if current is None:
                if ref in finished:
                    self._add(
                        Loss.INVALID_INPUT,
                        "incident_ref",
                        _loc(number, "incident_ref"),
                        f"the rows of this incident ended at row {finished[ref]}; rows of one incident must be "
                        "consecutive, so these rows become a separate Bundle",
                    )
                current = _Incident(ref)
            current.rows.append(_Row(number, values))
        if current is not None:
            yield self._bundle(current)

    def _header(self, cells: list[str]) -> list[str | None]:
        names: list[str | None] = []
        seen: set[str] = set()
        for index, raw in enumerate(cells, start=1):
            name = raw.strip().lower()
            column = self.spec.get(name)
            if column is None:
                self._add(
                    Loss.UNMAPPED_FIELD,
                    raw,
                    f"column {index}",
                    "not a column of the police notification specification; its values are not converted",
                )
                names.append(None)
            elif name in seen:
                self._add(Loss.INVALID_INPUT, raw, f"column {index}", "repeats an earlier column; not converted")
                names.append(None)
            else:
                seen.add(name)
                names.append(name)
                self._add(Loss.MAPPED, name, f"column {index}", target=column.target)
        missing = [c.name for c in self.spec.values() if c.required and c.name not in seen]
        for name in missing:
            self._add(Loss.INVALID_INPUT, name, "header", "required column is missing")
        self._usable = not {"incident_ref", "party_id", "role"} & set(missing)
        return names

    _usable = True

    # ------------------------------------------------------------------ values

    def _incident_values(self, incident: _Incident) -> tuple[dict[str, str], dict[str, int]]:
        """One value per incident column (the first non-blank), reporting rows that disagree."""
        values: dict[str, str] = {}
        where: dict[str, int] = {}
        for column in self.spec.values():
            if column.scope != "incident":
                continue
            for row in incident.rows:
                cell = row.values.get(column.name, "")
                if not cell.strip():
                    continue
                if column.name not in values:
                    values[column.name] = cell
                    where[column.name] = row.number
                elif cell.strip() != values[column.name].strip():
                    self._add(
                        Loss.INVALID_INPUT,
                        column.name,
                        _loc(row.number, column.name),
                        f"differs from the value on row {where[column.name]} of the same incident; that value is kept",
                    )
            if column.name not in values and column.required:
                self._add(
                    Loss.INVALID_INPUT,
                    column.name,
                    _loc(incident.rows[0].number, column.name),
                    "required value missing",
                )
        return values, where

    def _code(self, column: str, row: int, code: str, depends: Mapping[str, str] | None = None) -> _spec.Mapped | None:
        spec = self.spec[column]
        mapped = _spec.code_map(spec.codes).lookup(code.strip(), depends)
        if mapped is None:
            self._add(
                Loss.UNMAPPED_CODE,
                column,
                _loc(row, column),
                "no mapping for this code; not converted",
                code=code.strip(),
            )
        elif mapped.lossy:
            self._add(
                Loss.LOSSY_CODE,
                column,
                _loc(row, column),
                f"mapped {mapped.equivalence}",
                code=code.strip(),
                target=f"{mapped.system}#{mapped.code}",
            )
        return mapped

    def _codes(self, column: str, row: int, cell: str) -> list[_spec.Mapped]:
        sep = self.spec[column].separator or ";"
        out = []
        for code in cell.split(sep):
            if code.strip():
                mapped = self._code(column, row, code)
                if mapped is not None:
                    out.append(mapped)
        return out

    def _yes_no(self, column: str, row: int, cell: str) -> bool | None:
        text = cell.strip().upper()
        if not text:
            return None
        if text in ("Y", "YES"):
            return True
        if text in ("N", "NO"):
            return False
        self._add(Loss.INVALID_INPUT, column, _loc(row, column), "expected Y or N; not converted")
        return None

    def _datetime(self, column: str, row: int, cell: str) -> str | None:
        if not cell.strip():
            return None
        value = _values.parse_local_datetime(cell)
        if value is None:
            self._add(
                Loss.INVALID_INPUT,
                column,
                _loc(row, column),
                "not a valid UK local date and time (YYYY-MM-DDTHH:MM); not converted",
            )
        return value

    # ------------------------------------------------------------------ the case record

    def _bundle(self, incident: _Incident) -> dict[str, Any]:
        """The incident's DACaseBundle, written by the one writer from the record this reader builds."""
        self.report.records_out += 1
        return logical_to_bundle(self._record(incident), checked=True, conversion_provenance=False)

    def _record(self, incident: _Incident) -> dict[str, Any]:
        """The incident in the logical record's domain terms (items per section); ids are the resource ids."""
        inc, where = self._incident_values(incident)
        first = incident.rows[0].number

        def row_of(column: str) -> int:
            return where.get(column, first)

        force_code = inc.get("force_code", "").strip()
        key = (force_code, incident.ref)
        force_id = stable_id("agency", "police", force_code)
        force: dict[str, Any] = {
            "id": force_id,
            "resourceId": force_id,
            "types": ["police"],
            "identifiers": [{"system": identifier_system(SYSTEM_FORCE), "value": force_code}],
        }
        if inc.get("force_name", "").strip():
            force["name"] = inc["force_name"].strip()
        if inc.get("force_contact", "").strip():
            force["telecom"] = [{"system": "other", "value": inc["force_contact"].strip()}]
        agencies: list[dict[str, Any]] = [force]

        persons: list[dict[str, Any]] = []
        parties: list[dict[str, Any]] = []
        party_ids: dict[str, str] = {}
        pending_relationships: list[tuple[int, str, str]] = []  # (row, this party's id, cell)
        pending_s3: list[tuple[_Row, dict[str, Any]]] = []  # child rows that state an s3 status
        notes: list[str] = []
        for row in incident.rows:
            values = row.values
            party = values.get("party_id", "").strip()
            if not party:
                self._add(
                    Loss.INVALID_INPUT,
                    "party_id",
                    _loc(row.number, "party_id"),
                    "required value missing; the row's party is not converted",
                )
                continue
            if party in party_ids:
                self._add(
                    Loss.INVALID_INPUT,
                    "party_id",
                    _loc(row.number, "party_id"),
                    "this party already has a row in this incident; the row is not converted",
                )
                continue
            person_id = stable_id("police-person", force_code, party)
            party_ids[party] = person_id
            persons.append(self._person(row, person_id, party, force_id))
            parties.append(self._party(row, person_id, agencies))
            if values.get("child_s3_status", "").strip() or values.get("child_s3_reason", "").strip():
                pending_s3.append((row, parties[-1]))
            perceived = values.get("ethnicity_officer", "").strip()
            if perceived:
                notes.append(f"{PERCEIVED_PREFIX}{party}: {perceived}")
            if values.get("relationships", "").strip():
                pending_relationships.append((row.number, person_id, values["relationships"]))

        relationships = self._relationships(pending_relationships, party_ids)
        roles = [(p["person"], p.get("role")) for p in parties]
        subject = next((pid for pid, role in roles if _code_of(role) == "victim"), roles[0][0] if roles else "")
        incident_id = stable_id("police-incident", *key)
        item = self._incident(incident, inc, row_of, incident_id, force_id, subject, parties)
        if notes:
            item["notes"] = notes
        statuses = [
            status
            for row, party in pending_s3
            if (status := self._s3_status(row, party, item, relationships, force_id)) is not None
        ]
        risk = self._risk(inc, row_of, key, force_id, subject, incident_id, item)
        recipient = self._recipient(inc, row_of)  # after the risk assessment: the report keeps the source order
        agencies.append(recipient)
        record: dict[str, Any] = {
            "recordType": RECORD_TYPE,
            "version": RECORD_VERSION,
            "caseId": incident.ref,
            "caseIdSystem": identifier_system(SYSTEM_INCIDENT_REF),
            "bundleId": stable_id("police-bundle", *key),
            "extractedAt": as_instant(_values.parse_local_datetime(inc.get("notification_datetime", "")) or "")
            or "1970-01-01T00:00:00+00:00",
            "security": {**SECURITY, "labels": list(SECURITY["labels"])},
            "agencies": agencies,
            "persons": persons,
            "relationships": relationships,
            "incidents": [item],
        }
        if statuses:
            record["childVictimStatuses"] = statuses
        if risk is not None:
            record["riskAssessments"] = [risk]
        sharing = self._sharing(inc, row_of, stable_id("police-notification", *key), force_id, incident_id)
        sharing["to"] = [recipient["id"]]
        record["informationSharing"] = [sharing]
        numbers = [r.number for r in incident.rows]
        record["provenance"] = [
            provenance_item(
                resource_id=stable_id("police-provenance", *key),
                targets=[i["id"] for s in record.values() if isinstance(s, list) for i in s],
                source_file=self.name or "(input)",
                source_record=f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}-{numbers[-1]}",
                system="police-csv",
                agency_id=force_id,
                recorded=as_instant(_values.parse_local_datetime(inc.get("notification_datetime", "")) or ""),
                fact_source="observed",
            )
        ]
        return record

    def _person(self, row: _Row, person_id: str, party: str, force_id: str) -> dict[str, Any]:
        values = row.values
        person: dict[str, Any] = {
            "id": person_id,
            "resourceId": person_id,
            "identifiers": [{"system": identifier_system(SYSTEM_PERSON), "value": party, "assigner": force_id}],
        }
        name: dict[str, Any] = {}
        if values.get("surname", "").strip():
            name["family"] = values["surname"].strip()
        if values.get("forenames", "").strip():
            name["given"] = values["forenames"].split()
        if name:
            person["name"] = name
        dob = values.get("dob", "")
        birth = _values.parse_date(dob) if dob.strip() else None
        if dob.strip() and birth is None:
            self._add(Loss.INVALID_INPUT, "dob", _loc(row.number, "dob"), "not a valid date; not converted")
        person["birthDate"] = birth or UNKNOWN
        sex = values.get("sex", "")
        mapped = self._code("sex", row.number, sex) if sex.strip() else None
        person["sex"] = mapped.value() if mapped else UNKNOWN
        ethnicity = values.get("ethnicity_self", "")
        mapped = self._code("ethnicity_self", row.number, ethnicity) if ethnicity.strip() else None
        person["ethnicityNhs"] = mapped.value() if mapped else NOT_ASKED
        person.update(unasked_characteristics())
        return person

    def _party(self, row: _Row, person_id: str, agencies: list[dict[str, Any]]) -> dict[str, Any]:
        values = row.values
        present = self._yes_no("child_present", row.number, values.get("child_present", ""))
        depends = {"child_present": "" if present is None else ("Y" if present else "N")}
        role_cell = values.get("role", "")
        roles = _spec.code_map(self.spec["role"].codes)
        mapped = None
        if not role_cell.strip():
            self._add(Loss.INVALID_INPUT, "role", _loc(row.number, "role"), "required value missing")
        else:
            mapped = roles.lookup(role_cell.strip(), depends)
            if mapped is None and roles.lookup(role_cell.strip(), None) is None:
                if role_cell.strip().upper() in {k.upper() for k in roles.forward}:
                    self._add(
                        Loss.INVALID_INPUT,
                        "child_present",
                        _loc(row.number, "child_present"),
                        "required for a child (Y or N); the child's role is recorded as other-party",
                    )
                    mapped = roles.lookup("O")
                else:
                    self._add(
                        Loss.UNMAPPED_CODE,
                        "role",
                        _loc(row.number, "role"),
                        "no mapping for this code",
                        code=role_cell.strip(),
                    )
        role = mapped.code if mapped else ""
        if present is not None and role not in CHILD_ROLES:
            self._add(
                Loss.INVALID_INPUT,
                "child_present",
                _loc(row.number, "child_present"),
                "given for a party who is not a child; not converted",
            )
        party: dict[str, Any] = {"person": person_id, "role": mapped.value() if mapped else UNKNOWN}
        exposures = [e.value() for e in self._codes("child_witnessed", row.number, values.get("child_witnessed", ""))]
        if exposures:
            party["exposure"] = exposures
        injured = self._yes_no("injured", row.number, values.get("injured", ""))
        if injured is not None:
            party["injured"] = injured
        school_name = values.get("school_name", "").strip()
        school_urn = values.get("school_urn", "").strip()
        if school_name or school_urn:
            school_id = stable_id("agency", "school", school_urn or school_name)
            if not any(a["id"] == school_id for a in agencies):
                school: dict[str, Any] = {"id": school_id, "resourceId": school_id, "types": ["school"]}
                if school_urn:
                    school["identifiers"] = [{"system": identifier_system(SYSTEM_SCHOOL), "value": school_urn}]
                if school_name:
                    school["name"] = school_name
                agencies.append(school)
            party["school"] = school_id
        return party

    def _s3_status(
        self,
        row: _Row,
        party: Mapping[str, Any],
        incident: Mapping[str, Any],
        relationships: list[dict[str, Any]],
        force_id: str,
    ) -> dict[str, Any] | None:
        """The child's victim status for this incident (DA Act 2021 s3) from ``child_s3_status`` and
        ``child_s3_reason``; ``None`` (and a report entry) when the row cannot state one."""
        cell = row.values.get("child_s3_status", "").strip()
        given = row.values.get("child_s3_reason", "")
        reason = given if given.strip() else ""  # free text is kept as written, never reflowed
        if _code_of(party.get("role")) not in CHILD_ROLES:
            self._add(
                Loss.INVALID_INPUT,
                "child_s3_status" if cell else "child_s3_reason",
                _loc(row.number, "child_s3_status" if cell else "child_s3_reason"),
                "given for a party who is not a child (role C with child_present); not converted",
            )
            return None
        if not cell:
            self._add(
                Loss.INVALID_INPUT,
                "child_s3_reason",
                _loc(row.number, "child_s3_reason"),
                "a reason without a child_s3_status; not converted",
            )
            return None
        mapped = self._code("child_s3_status", row.number, cell)
        if mapped is None:
            return None
        person = str(party["person"])
        status: dict[str, Any] = {
            "id": stable_id("police-child-s3", str(incident["id"]), person),
            "status": "final",
            "child": person,
            "incidents": [incident["id"]],
            "effectiveDateTime": incident["effectiveDateTime"],
            "victimStatus": mapped.value(),
            "agency": force_id,
        }
        status["resourceId"] = status["id"]
        if mapped.code == "not-a-victim":
            if not reason:
                self._add(
                    Loss.INVALID_INPUT,
                    "child_s3_reason",
                    _loc(row.number, "child_s3_reason"),
                    "required when child_s3_status is N (a child recorded as not a victim needs the reason); the "
                    "status is not converted",
                )
                return None
            status["notVictimReason"] = reason
            return status
        if reason:
            self._add(
                Loss.INVALID_INPUT,
                "child_s3_reason",
                _loc(row.number, "child_s3_reason"),
                "a reason is given only with child_s3_status N; not converted",
            )
        basis = sorted({_S3_BASIS[c] for e in party.get("exposure", ()) if (c := _code_of(e)) in _S3_BASIS})
        status["basis"] = basis or [{"absentReason": "unknown"}]
        adults = {str(p["person"]) for p in incident.get("parties", ()) if _code_of(p.get("role")) in ("victim", _PCH)}
        related = sorted(
            {
                _S3_RELATED[code]
                for rel in relationships
                if rel.get("relatedPerson") == person and rel.get("person") in adults
                for code in (_code_of(c) for c in rel.get("relationship", ()))
                if code in _S3_RELATED
            }
        )
        status["relatedTo"] = related or [{"absentReason": "unknown"}]
        return status

    def _relationships(self, pending: list[tuple[int, str, str]], party_ids: dict[str, str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for number, person_b, cell in pending:
            for pair in cell.split(self.spec["relationships"].separator or ";"):
                if not pair.strip():
                    continue
                other, sep, code = pair.partition(":")
                if not sep or not other.strip() or not code.strip():
                    self._add(
                        Loss.INVALID_INPUT,
                        "relationships",
                        _loc(number, "relationships"),
                        "expected party_id:CODE; this pair is not converted",
                    )
                    continue
                person_a = party_ids.get(other.strip())
                if person_a is None:
                    self._add(
                        Loss.INVALID_INPUT,
                        "relationships",
                        _loc(number, "relationships"),
                        "names a party who is not in this incident; this pair is not converted",
                    )
                    continue
                mapped = self._code("relationships", number, code)
                if mapped is None:
                    continue
                relationship_id = stable_id("relationship", person_a, person_b, mapped.code)
                out.append(
                    {
                        "id": relationship_id,
                        "resourceId": relationship_id,
                        "person": person_a,
                        "relatedPerson": person_b,
                        "relationship": [mapped.value()],
                    }
                )
        return out

    def _incident(
        self,
        incident: _Incident,
        inc: dict[str, str],
        row_of: Callable[[str], int],
        incident_id: str,
        force_id: str,
        subject: str,
        parties: list[dict[str, Any]],
    ) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": incident_id,
            "resourceId": incident_id,
            "status": "final",
            "identifiers": [
                {"system": identifier_system(SYSTEM_INCIDENT_REF), "value": incident.ref, "assigner": force_id}
            ],
            "agency": force_id,
        }
        if subject:
            item["subject"] = subject
        when = self._datetime("incident_datetime", row_of("incident_datetime"), inc.get("incident_datetime", ""))
        item["effectiveDateTime"] = when or UNKNOWN
        if "behaviour" in inc:
            item["behaviour"] = inc["behaviour"]
        kinds = self._codes("abuse_kinds", row_of("abuse_kinds"), inc.get("abuse_kinds", ""))
        if kinds:
            item["abuseKinds"] = [k.value() for k in kinds]
        if inc.get("risk_level", "").strip():
            level = self._code("risk_level", row_of("risk_level"), inc["risk_level"])
            if level:
                item["riskLevel"] = level.value()
        for name, field_key in (("weapon_used", "weaponUsed"), ("strangulation", "strangulation")):
            flag = self._yes_no(name, row_of(name), inc.get(name, ""))
            if flag is not None:
                item[field_key] = flag
        reason = inc.get("no_arrest_reason", "")
        if inc.get("arrest", "").strip():
            outcome = self._code("arrest", row_of("arrest"), inc["arrest"])
            if outcome:
                item["policeOutcome"] = {**outcome.value(), **({"text": reason} if reason.strip() else {})}
        elif reason.strip():
            item["policeOutcome"] = {"text": reason}
        item["parties"] = parties
        if inc.get("crime_ref", "").strip():
            item["crimeReference"] = {"system": identifier_system(SYSTEM_CRIME_REF), "value": inc["crime_ref"].strip()}
        return item

    def _risk(
        self,
        inc: dict[str, str],
        row_of: Callable[[str], int],
        key: tuple[str, str],
        force_id: str,
        subject: str,
        incident_id: str,
        incident: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        risk_columns = ["risk_tool", *(f"risk_q{n:02d}" for n in RISK_QUESTIONS), "risk_score", "risk_level"]
        if not any(inc.get(c, "").strip() for c in risk_columns):
            return None
        risk_id = stable_id("police-risk", *key)
        item: dict[str, Any] = {
            "id": risk_id,
            "resourceId": risk_id,
            "status": "final",
            "agency": force_id,
            "incidents": [incident_id],
        }
        if subject:
            item["victim"] = subject
        if isinstance(incident.get("effectiveDateTime"), str):
            item["date"] = incident["effectiveDateTime"]
        tool = inc.get("risk_tool", "")
        if tool.strip():
            mapped = self._code("risk_tool", row_of("risk_tool"), tool)
            if mapped:
                item["tool"] = mapped.value()
        else:
            self._add(
                Loss.INVALID_INPUT,
                "risk_tool",
                _loc(row_of("risk_score"), "risk_tool"),
                "risk answers, score or level are given without a risk tool",
            )
        answers: list[dict[str, Any]] = []
        yes = 0
        for n in RISK_QUESTIONS:
            column = f"risk_q{n:02d}"
            if not inc.get(column, "").strip():
                continue
            answer = self._code(column, row_of(column), inc[column])
            if answer is None:
                continue
            yes += answer.code == "yes"
            answers.append({"question": n, "answer": answer.value()})
        if answers:
            item["items"] = answers
        score_text = inc.get("risk_score", "").strip()
        if score_text:
            if score_text.isdigit():
                item["score"] = int(score_text)
                if answers and item["score"] != yes:
                    self._add(
                        Loss.INVALID_INPUT,
                        "risk_score",
                        _loc(row_of("risk_score"), "risk_score"),
                        f"differs from the {yes} yes answers given; the recorded score is kept",
                    )
            else:
                self._add(
                    Loss.INVALID_INPUT,
                    "risk_score",
                    _loc(row_of("risk_score"), "risk_score"),
                    "not a whole number; not converted",
                )
        if inc.get("risk_level", "").strip():
            level = _spec.code_map(self.spec["risk_level"].codes).lookup(inc["risk_level"].strip())
            if level:  # unmapped levels were reported with the incident component
                item["level"] = level.value()
        return item

    def _recipient(self, inc: dict[str, str], row_of: Callable[[str], int]) -> dict[str, Any]:
        name = inc.get("shared_with", "").strip()
        type_cell = inc.get("shared_with_type", "")
        mapped = self._code("shared_with_type", row_of("shared_with_type"), type_cell) if type_cell.strip() else None
        agency_id = stable_id("agency", "recipient", name, mapped.code if mapped else "")
        agency: dict[str, Any] = {
            "id": agency_id,
            "resourceId": agency_id,
            "types": [mapped.value() if mapped else UNKNOWN],
        }
        if name:
            agency["name"] = name
        return agency

    def _sharing(
        self, inc: dict[str, str], row_of: Callable[[str], int], sharing_id: str, force_id: str, incident_id: str
    ) -> dict[str, Any]:
        sent = self._datetime(
            "notification_datetime", row_of("notification_datetime"), inc.get("notification_datetime", "")
        )
        item: dict[str, Any] = {
            "id": sharing_id,
            "resourceId": sharing_id,
            "status": "completed",
            "from": force_id,
            "about": [incident_id],
            "sent": sent or UNKNOWN,
        }
        consent = self._yes_no("consent_to_share", row_of("consent_to_share"), inc.get("consent_to_share", ""))
        basis_cell = inc.get("no_consent_basis", "").strip()
        basis: _spec.Mapped | None = None
        if consent is True:
            basis = _spec.code_map(self.spec["no_consent_basis"].codes).lookup("CONSENT")
            if basis_cell:
                self._add(
                    Loss.INVALID_INPUT,
                    "no_consent_basis",
                    _loc(row_of("no_consent_basis"), "no_consent_basis"),
                    "given although consent_to_share is Y; not converted",
                )
        elif consent is False:
            if basis_cell:
                basis = self._code("no_consent_basis", row_of("no_consent_basis"), basis_cell)
            else:
                self._add(
                    Loss.INVALID_INPUT,
                    "no_consent_basis",
                    _loc(row_of("consent_to_share"), "no_consent_basis"),
                    "shared without consent but no lawful basis is recorded",
                )
        item["sharingBasis"] = basis.value() if basis else UNKNOWN
        return item


# How a child's exposure (child_witnessed) and relationship to the victim or the person causing harm
# (relationships) give the s3 basis and relatedness (DA Act 2021 s3(2), s3(3)); being present or directly harmed
# is not itself a basis, and a relationship outside s3(3) gives none.
_S3_BASIS: Final[Mapping[str, str]] = {"saw": "sees", "heard": "hears", "experienced-effects": "experiences-effects"}
_S3_RELATED: Final[Mapping[str, str]] = {
    "child": "parent-of-child",
    "step-child": "relative",
    "grandchild": "relative",
    "sibling": "relative",
    "other-relative": "relative",
}
_PCH: Final = "person-causing-harm"


def _code_of(value: Any) -> str:
    """The code of a logical code value (a code string or an object with ``code``); "" when there is none."""
    if isinstance(value, str):
        return value
    return str(value.get("code", "")) if isinstance(value, Mapping) else ""


# ---------------------------------------------------------------------------------------------------- writer

# What the police CSV carries of each section; every other property of a used item is reported.
_CARRIED: Final[Mapping[str, frozenset[str]]] = {
    "incidents": frozenset(
        {
            "id",
            "resourceId",
            "status",
            "identifiers",
            "agency",
            "subject",
            "effectiveDateTime",
            "behaviour",
            "abuseKinds",
            "riskLevel",
            "weaponUsed",
            "strangulation",
            "policeOutcome",
            "parties",
            "crimeReference",
            "notes",
        }
    ),
    "persons": frozenset({"id", "resourceId", "identifiers", "name", "birthDate", "sex", "ethnicityNhs"}),
    "riskAssessments": frozenset(
        {"id", "resourceId", "status", "tool", "victim", "date", "agency", "incidents", "level", "items", "score"}
    ),
    "informationSharing": frozenset({"id", "resourceId", "status", "about", "sent", "to", "from", "sharingBasis"}),
    "relationships": frozenset({"id", "resourceId", "person", "relatedPerson", "relationship"}),
    "childVictimStatuses": frozenset(
        {
            "id",
            "resourceId",
            "status",
            "child",
            "incidents",
            "effectiveDateTime",
            "victimStatus",
            "basis",
            "relatedTo",
            "notVictimReason",
            "agency",
        }
    ),
}
_PARTY_CARRIED: Final = frozenset({"person", "role", "exposure", "injured", "school"})
_UNASKED: Final = unasked_characteristics()
# Sections whose items are written only through what refers to them, or made again by the reader.
_NOT_ROWS: Final = frozenset({"agencies", "provenance"})


def _local(value: Any) -> str:
    """The local id a logical reference names ("" for a display or an absent reason)."""
    if isinstance(value, str):
        return value
    return str(value.get("id", "")) if isinstance(value, Mapping) else ""


def _identifier(item: Mapping[str, Any], system: str) -> str:
    """The value of the item's identifier of ``system`` ("" when it has none)."""
    for ident in item.get("identifiers", ()):
        if ident.get("system") == system:
            return str(ident.get("value", ""))
    return ""


class _Writer:
    """Projects case records (read from Bundles by the one reader) onto the police notification columns.

    What the columns cannot carry is reported (UNMAPPED_FIELD), as is what the Bundle holds that the case record
    cannot (the reader's located entries; a value of the wrong FHIR type is INVALID_INPUT).
    """

    def __init__(self, report: ConversionReport) -> None:
        self.report = report
        self.spec = {c.name: c for c in columns()}
        self.confidential: dict[str, str] = {}  # agencies that are confidential locations (convert.locations)

    def _lost(self, field_name: str, location: str, message: str = "not representable in police-csv") -> None:
        self.report.add(ReportEntry(Loss.UNMAPPED_FIELD, field_name, location, message))

    def _source(self, column: str, value: Any, location: str, value_set: str) -> str:
        """The police code for a logical code value of ``value_set`` ("" and a report entry when there is none)."""
        if isinstance(value, str):
            code, system = value, system_for(value_set, value)
        elif isinstance(value, Mapping) and isinstance(value.get("code"), str):
            code = value["code"]
            system = str(value.get("system") or system_for(value_set, code))
        else:
            return ""
        mapped = _spec.code_map(self.spec[column].codes).source_for(system, code)
        if mapped is None:
            self.report.add(
                ReportEntry(
                    Loss.UNMAPPED_CODE,
                    column,
                    location,
                    "no police code for this standard code; left blank",
                    code=code,
                    target=column,
                )
            )
            return ""
        return mapped.source

    def _read(self, bundle: Any) -> dict[str, Any] | None:
        """The Bundle as a case record; the reader's findings go to the report, located."""
        if not isinstance(bundle, Mapping):
            self.report.add(ReportEntry(Loss.INVALID_INPUT, "Bundle", "Bundle", "not a JSON object; nothing written"))
            return None
        found = ConversionReport()
        record = bundle_to_logical(bundle, found)
        for entry in found.losses:
            kind = Loss.INVALID_INPUT if entry.message.startswith("not a ") else entry.kind
            self.report.add(ReportEntry(kind, entry.source_field, entry.location, entry.message, entry.code))
        return record

    def rows(self, bundle: Any) -> Iterator[dict[str, str]]:
        """One row per party of each incident of the Bundle."""
        record = self._read(bundle)
        if record is None:
            return
        self.confidential = confidential_agencies(record)
        bundle_loc = f"Bundle/{bundle.get('id', '')}"
        items: dict[str, tuple[str, dict[str, Any]]] = {}
        for section in SECTIONS:
            for item in record.get(section.key, ()):
                if "id" in item:
                    items[item["id"]] = (section.key, item)
        used: set[str] = set()
        incidents = record.get("incidents", [])
        if not incidents:
            self._lost("Bundle", bundle_loc, "holds no DAIncident; nothing is written for it")
        for incident in incidents:
            used.add(incident["id"])
            yield from self._incident_rows(incident, record, items, used, bundle_loc)
        for local, (section_key, item) in items.items():
            if local in used or section_key in _NOT_ROWS:
                continue
            kind = SECTION_BY_KEY[section_key].resource_type
            self._lost(kind, f"{bundle_loc}/{kind}/{self._rid(item)}")

    @staticmethod
    def _rid(item: Mapping[str, Any]) -> str:
        return str(item.get("resourceId") or item.get("id", ""))

    def _extra(
        self, section_key: str, item: Mapping[str, Any], loc: str, carried: frozenset[str] | None = None
    ) -> None:
        """Report each property of ``item`` the columns do not carry (the reader's unasked defaults aside)."""
        defaults = _UNASKED if section_key == "persons" else {}
        for key, value in item.items():
            if key not in (carried or _CARRIED[section_key]) and defaults.get(key) != value:
                self._lost(f"{SECTION_BY_KEY[section_key].resource_type}.{key}", loc)
        if section_key == "persons" and isinstance(item.get("birthDate"), Mapping) and item["birthDate"] != UNKNOWN:
            self._lost(f"Patient.birthDate ({item['birthDate'].get('absentReason')})", loc)

    def _incident_rows(
        self,
        incident: Mapping[str, Any],
        record: Mapping[str, Any],
        items: Mapping[str, tuple[str, dict[str, Any]]],
        used: set[str],
        bundle_loc: str,
    ) -> Iterator[dict[str, str]]:
        loc = f"{bundle_loc}/Observation/{self._rid(incident)}"
        self._extra("incidents", incident, loc)
        if incident.get("status", "final") != "final":
            self._lost("Observation.status", loc, f"status {incident['status']!r} is not representable in police-csv")
        inc: dict[str, str] = {c.name: "" for c in columns() if c.scope == "incident"}
        inc["incident_ref"] = _identifier(incident, identifier_system(SYSTEM_INCIDENT_REF))
        if not inc["incident_ref"] and incident.get("identifiers"):
            inc["incident_ref"] = str(incident["identifiers"][0].get("value", ""))
        when = incident.get("effectiveDateTime")
        inc["incident_datetime"] = _values.format_local_datetime(when) if isinstance(when, str) else ""
        force = items.get(_local(incident.get("agency")), ("", {}))[1]
        inc["force_code"] = _identifier(force, identifier_system(SYSTEM_FORCE)) or self._rid(force)
        inc["force_name"] = str(force.get("name", ""))
        inc["force_contact"] = str((force.get("telecom") or [{}])[0].get("value", ""))
        inc["crime_ref"] = str(incident.get("crimeReference", {}).get("value", ""))
        inc["behaviour"] = str(incident.get("behaviour", ""))
        kinds = [self._source("abuse_kinds", k, loc, "abuse-kind") for k in incident.get("abuseKinds", ())]
        inc["abuse_kinds"] = ";".join(k for k in kinds if k)
        if "riskLevel" in incident:
            inc["risk_level"] = self._source("risk_level", incident["riskLevel"], loc, "risk-level")
        for name, key in (("weapon_used", "weaponUsed"), ("strangulation", "strangulation")):
            if key in incident:
                inc[name] = "Y" if incident[key] else "N"
        outcome = incident.get("policeOutcome")
        if isinstance(outcome, Mapping):
            inc["arrest"] = self._source("arrest", outcome, loc, "police-outcome")
            inc["no_arrest_reason"] = str(outcome.get("text", ""))
        elif outcome is not None:
            inc["arrest"] = self._source("arrest", outcome, loc, "police-outcome")
        self._risk_values(incident, record, used, inc, loc)
        risk_columns = [f"risk_q{n:02d}" for n in RISK_QUESTIONS] + ["risk_score", "risk_level"]
        if not inc["risk_tool"] and any(inc[c] for c in risk_columns):
            for column in risk_columns:
                inc[column] = ""
            self._lost(
                "RiskAssessment",
                loc,
                "risk answers, score and level are not written without a police risk tool (the columns need one)",
            )
        self._sharing_values(incident, record, items, used, inc, loc)
        related: dict[str, list[tuple[str, Any]]] = {}  # person B -> [(person A, relationship)]
        for relation in record.get("relationships", ()):
            self._extra("relationships", relation, f"{bundle_loc}/RelatedPerson/{self._rid(relation)}")
            first = (relation.get("relationship") or [None])[0]
            related.setdefault(_local(relation.get("relatedPerson")), []).append(
                (_local(relation.get("person")), first)
            )
            used.add(relation["id"])
        prefixes = {}
        for note in incident.get("notes", ()):
            if note.startswith(PERCEIVED_PREFIX) and ": " in note:
                party, _, perceived = note[len(PERCEIVED_PREFIX) :].partition(": ")
                prefixes[party] = perceived
            else:
                self._lost("Observation.note", loc)
        subjects = {_local(p.get("person")) for p in incident.get("parties", ())}
        if "subject" in incident and _local(incident["subject"]) not in subjects:
            self._lost("Observation.subject", loc, "a subject who is not a party is not representable in police-csv")
        for party in incident.get("parties", ()):
            person_id = _local(party.get("person"))
            person = items.get(person_id, ("", {}))[1]
            if person_id not in used:
                self._extra("persons", person, f"{bundle_loc}/Patient/{self._rid(person)}")
            used.add(person_id)
            self._extra("incidents", party, loc, _PARTY_CARRIED)
            row = dict(inc)
            row.update(self._party_values(party, person, items, related, loc, prefixes))
            self._s3_values(row, incident, person_id, record, used, loc)
            yield row

    def _s3_values(
        self,
        row: dict[str, str],
        incident: Mapping[str, Any],
        person_id: str,
        record: Mapping[str, Any],
        used: set[str],
        loc: str,
    ) -> None:
        """``child_s3_status`` and ``child_s3_reason`` from the child's victim status for this incident."""
        for status in record.get("childVictimStatuses", ()):
            if _local(status.get("child")) != person_id or incident["id"] not in {
                _local(i) for i in status.get("incidents", ())
            }:
                continue
            if status["id"] in used:
                continue
            used.add(status["id"])
            self._extra("childVictimStatuses", status, loc)
            row["child_s3_status"] = self._source("child_s3_status", status.get("victimStatus"), loc, "victim-status")
            row["child_s3_reason"] = str(status.get("notVictimReason", "")) if row["child_s3_status"] == "N" else ""
            return

    def _party_id(self, person: Mapping[str, Any]) -> str:
        return _identifier(person, identifier_system(SYSTEM_PERSON)) or self._rid(person)

    def _party_values(
        self,
        party: Mapping[str, Any],
        person: Mapping[str, Any],
        items: Mapping[str, tuple[str, dict[str, Any]]],
        related: Mapping[str, list[tuple[str, Any]]],
        loc: str,
        perceived: Mapping[str, str],
    ) -> dict[str, str]:
        out = {c.name: "" for c in columns() if c.scope == "party"}
        out["party_id"] = self._party_id(person)
        role = party.get("role")
        role_code = _code_of(role)
        system = role.get("system") if isinstance(role, Mapping) else None
        mapped = _spec.code_map(self.spec["role"].codes).source_for(
            str(system or system_for("incident-role", role_code)), role_code
        )
        if mapped is None:
            if role_code:
                self.report.add(
                    ReportEntry(Loss.UNMAPPED_CODE, "role", loc, "no police role for this code", code=role_code)
                )
        else:
            out["role"] = mapped.source
            for key, value in mapped.depends:
                out[key] = value
        name = person.get("name", {})
        out["surname"] = str(name.get("family", ""))
        out["forenames"] = " ".join(str(g) for g in name.get("given", []))
        birth = person.get("birthDate")
        out["dob"] = birth if isinstance(birth, str) else ""
        if "sex" in person:
            out["sex"] = self._source("sex", person["sex"], loc, "sex")
        if "ethnicityNhs" in person:
            out["ethnicity_self"] = self._source("ethnicity_self", person["ethnicityNhs"], loc, "nhs-ethnic-category")
        out["ethnicity_officer"] = perceived.get(out["party_id"], "")
        pairs = []
        for other_id, concept in related.get(str(person.get("id", "")), []):
            code = self._source("relationships", concept, loc, "relationship-type") if concept is not None else ""
            if code:
                pairs.append(f"{self._party_id(items.get(other_id, ('', {'id': other_id}))[1])}:{code}")
        out["relationships"] = ";".join(pairs)
        injured = party.get("injured")
        out["injured"] = "" if injured is None else ("Y" if injured else "N")
        exposures = [self._source("child_witnessed", e, loc, "child-exposure") for e in party.get("exposure", ())]
        out["child_witnessed"] = ";".join(e for e in exposures if e)
        school_id = _local(party.get("school"))
        school = items.get(school_id, ("", {}))[1]
        if school_id in self.confidential:
            redacted(self.report, "school_name, school_urn", loc, self.confidential[school_id], "left blank")
            school = {}
        out["school_name"] = str(school.get("name", ""))
        out["school_urn"] = _identifier(school, identifier_system(SYSTEM_SCHOOL))
        return out

    def _risk_values(
        self, incident: Mapping[str, Any], record: Mapping[str, Any], used: set[str], inc: dict[str, str], loc: str
    ) -> None:
        for risk in record.get("riskAssessments", ()):
            if incident["id"] not in {_local(b) for b in risk.get("incidents", ())}:
                continue
            used.add(risk["id"])
            self._extra("riskAssessments", risk, loc)
            if "tool" in risk:
                inc["risk_tool"] = self._source("risk_tool", risk["tool"], loc, "risk-tool")
            for answer in risk.get("items", ()):
                question = answer.get("question")
                extra = set(answer) - {"question", "answer"}
                if isinstance(question, int) and question in RISK_QUESTIONS and not extra:
                    column = f"risk_q{question:02d}"
                    inc[column] = self._source(column, answer.get("answer"), loc, "risk-answer")
                else:
                    self._lost("risk-item", loc, f"question {question} has no police column")
            if "score" in risk:
                inc["risk_score"] = str(risk["score"])
            if "level" in risk:
                level = self._source("risk_level", risk["level"], loc, "risk-level")
                if level:
                    inc["risk_level"] = level
            return

    def _sharing_values(
        self,
        incident: Mapping[str, Any],
        record: Mapping[str, Any],
        items: Mapping[str, tuple[str, dict[str, Any]]],
        used: set[str],
        inc: dict[str, str],
        loc: str,
    ) -> None:
        for sharing in record.get("informationSharing", ()):
            if incident["id"] not in {_local(a) for a in sharing.get("about", ())}:
                continue
            used.add(sharing["id"])
            self._extra("informationSharing", sharing, loc)
            sent = sharing.get("sent")
            inc["notification_datetime"] = _values.format_local_datetime(sent) if isinstance(sent, str) else ""
            recipient_id = _local((sharing.get("to") or [""])[0])
            recipient = items.get(recipient_id, ("", {}))[1]
            used.add(recipient_id)
            if recipient_id in self.confidential:
                why = self.confidential[recipient_id]
                redacted(self.report, "shared_with, shared_with_type", loc, why, "left blank")
                recipient = {}
            inc["shared_with"] = str(recipient.get("name", ""))
            types = recipient.get("types") or [None]
            inc["shared_with_type"] = self._source("shared_with_type", types[0], loc, "agency-type")
            basis = sharing.get("sharingBasis")
            if basis is not None and _code_of(basis):
                source = self._source("no_consent_basis", basis, loc, "sharing-basis")
                if source == "CONSENT":
                    inc["consent_to_share"] = "Y"
                elif source:
                    inc["consent_to_share"] = "N"
                    inc["no_consent_basis"] = source
            return


class PoliceCsvFormat(Format):
    """Police domestic abuse notification CSV, one row per party (``converters/police-notification/``)."""

    name: ClassVar[str] = "police-csv"
    description: ClassVar[str] = "Police domestic abuse notification CSV (one row per party per incident)"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True
    implied_labels: ClassVar[frozenset[tuple[str, str]] | None] = AGENCY_LABELS

    def sniff(self, head: bytes, path: Path | None) -> bool:
        """True when the first line names the key police columns."""
        first = head.split(b"\n", 1)[0].lower()
        return all(key in first for key in (b"incident_ref", b"party_id", b"role"))

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Stream one DACaseBundle per incident; every problem is a report entry (see the module docstring)."""
        report.source = report.source or name
        report.source_format = report.source_format or self.name
        yield from _Reader(name, report).run(source)

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write one row per incident party, every cell formula-safe; unrepresentable content is reported."""
        report.target_format = report.target_format or self.name
        writer = _Writer(report)
        header = [c.name for c in columns()]

        def all_rows() -> Iterator[list[str]]:
            for bundle in bundles:
                report.records_in += 1
                for row in writer.rows(bundle):
                    report.records_out += 1
                    yield [row.get(h, "") for h in header]

        _csv.write_csv(target, header, all_rows(), report)
