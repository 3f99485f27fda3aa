"""Police domestic abuse notification CSV (``police-csv``): read and write.

The layout is one row per party per incident, defined by ``converters/police-notification/columns.json`` (the single
source for the reader, the writer and the documentation). Incident columns repeat on every row of an incident; the
rows of one incident are consecutive. Each incident becomes one ``DACaseBundle``.

Error policy: the reader never raises on input. Unknown columns are UNMAPPED_FIELD; a row with the wrong number of
cells, a bad date, a missing required value or a conflicting incident value is INVALID_INPUT; an unknown code is
UNMAPPED_CODE and a lossy one LOSSY_CODE; each with its ``row N, column "name"``. A value that could not be read is
left out of the Bundle and the report says so. The writer reports what a Bundle holds that the CSV cannot carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

from dastandard.convert import _csv
from dastandard.convert._csv import Column, meta
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.provenance import as_instant, build_provenance
from dastandard.model.fragments import absent, own_concept, own_extension, sub_extension
from dastandard.model.ids import (
    code_system_url,
    entry,
    extension_url,
    identifier_system,
    profile_url,
    reference,
    stable_id,
)
from dastandard.model.urls import UKCORE_ETHNIC_CATEGORY

SPEC = "police-notification"
RISK_QUESTIONS = range(1, 28)
INCIDENT_COMPONENT = "observation-component"  # CodeSystem of DAIncident.component.code
SYSTEM_INCIDENT_REF = "police-incident-reference"
SYSTEM_PERSON = "police-person-id"
SYSTEM_FORCE = "police-force-code"
SYSTEM_CRIME_REF = "police-crime-reference"
SYSTEM_SCHOOL = "school-urn"
PERCEIVED_PREFIX = "Officer-perceived ethnicity (6+1), party "
CHILD_ROLES = ("child-present", "child-not-present")


def columns() -> tuple[Column, ...]:
    """The police notification columns, in file order."""
    return _csv.load_columns(SPEC)


def _loc(row: int, column: str) -> str:
    return f'row {row}, column "{column}"'


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

    def _code(self, column: str, row: int, code: str, depends: Mapping[str, str] | None = None) -> _csv.Mapped | None:
        spec = self.spec[column]
        mapped = _csv.code_map(spec.codes).lookup(code.strip(), depends)
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

    def _codes(self, column: str, row: int, cell: str) -> list[_csv.Mapped]:
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
        value = _csv.parse_local_datetime(cell)
        if value is None:
            self._add(
                Loss.INVALID_INPUT,
                column,
                _loc(row, column),
                "not a valid UK local date and time (YYYY-MM-DDTHH:MM); not converted",
            )
        return value

    # ------------------------------------------------------------------ the Bundle

    def _bundle(self, incident: _Incident) -> dict[str, Any]:
        inc, where = self._incident_values(incident)
        first = incident.rows[0].number

        def row_of(column: str) -> int:
            return where.get(column, first)

        force_code = inc.get("force_code", "").strip()
        key = (force_code, incident.ref)
        force_id = stable_id("agency", "police", force_code)
        force: dict[str, Any] = {
            "resourceType": "Organization",
            "id": force_id,
            "meta": meta("DAAgency"),
            "identifier": [{"system": identifier_system(SYSTEM_FORCE), "value": force_code}],
            "type": [own_concept("agency-type", "police")],
        }
        if inc.get("force_name", "").strip():
            force["name"] = inc["force_name"].strip()
        if inc.get("force_contact", "").strip():
            force["telecom"] = [{"system": "other", "value": inc["force_contact"].strip()}]
        agencies: list[dict[str, Any]] = [force]

        # parties
        persons: list[dict[str, Any]] = []
        party_ext: list[dict[str, Any]] = []
        party_ids: dict[str, str] = {}
        pending_relationships: list[tuple[int, str, str]] = []  # (row, this party id, cell)
        notes: list[dict[str, str]] = []
        roles: list[tuple[str, str]] = []
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
            role_ext, role = self._party(row, person_id, agencies)
            perceived = values.get("ethnicity_officer", "").strip()
            if perceived:
                notes.append({"text": f"{PERCEIVED_PREFIX}{party}: {perceived}"})
            party_ext.append(role_ext)
            roles.append((person_id, role))
            if values.get("relationships", "").strip():
                pending_relationships.append((row.number, person_id, values["relationships"]))

        relationships = self._relationships(pending_relationships, party_ids)

        subject = next((pid for pid, role in roles if role == "victim"), roles[0][0] if roles else "")
        incident_id = stable_id("police-incident", *key)
        observation = self._incident(incident, inc, row_of, incident_id, force_id, subject, party_ext)
        if notes:
            observation["note"] = notes
        resources: list[dict[str, Any]] = [*agencies, *persons, *relationships, observation]
        risk = self._risk(incident, inc, row_of, key, force_id, subject, incident_id, observation)
        if risk is not None:
            resources.append(risk)
        sharing_id = stable_id("police-notification", *key)
        recipient = self._recipient(inc, row_of)
        resources.insert(len(agencies), recipient)
        resources.append(self._sharing(inc, row_of, sharing_id, force_id, incident_id))
        resources[-1]["recipient"] = [reference(recipient["id"])]

        numbers = [r.number for r in incident.rows]
        record = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}-{numbers[-1]}"
        prov = build_provenance(
            resource_id=stable_id("police-provenance", *key),
            targets=[r["id"] for r in resources],
            source_file=self.name or "(input)",
            source_record=record,
            system="police-csv",
            agency_id=force_id,
            recorded=as_instant(_csv.parse_local_datetime(inc.get("notification_datetime", "")) or ""),
            fact_source="observed",
        )
        resources.append(prov)
        for resource in resources:
            resource["meta"]["security"] = _csv.bundle_security()
        self.report.records_out += 1
        return {
            "resourceType": "Bundle",
            "id": stable_id("police-bundle", *key),
            "meta": {"profile": [profile_url("DACaseBundle")], "security": _csv.bundle_security()},
            "identifier": {"system": identifier_system(SYSTEM_INCIDENT_REF), "value": incident.ref},
            "type": "collection",
            "timestamp": as_instant(_csv.parse_local_datetime(inc.get("notification_datetime", "")) or "")
            or "1970-01-01T00:00:00+00:00",
            "entry": [entry(r) for r in resources],
        }

    def _person(self, row: _Row, person_id: str, party: str, force_id: str) -> dict[str, Any]:
        values = row.values
        person: dict[str, Any] = {
            "resourceType": "Patient",
            "id": person_id,
            "meta": meta("DAPerson"),
            "identifier": [
                {"system": identifier_system(SYSTEM_PERSON), "value": party, "assigner": reference(force_id)}
            ],
        }
        name: dict[str, Any] = {}
        if values.get("surname", "").strip():
            name["family"] = values["surname"].strip()
        if values.get("forenames", "").strip():
            name["given"] = values["forenames"].split()
        if name:
            person["name"] = [name]
        dob = values.get("dob", "")
        birth = _csv.parse_date(dob) if dob.strip() else None
        if dob.strip() and birth is None:
            self._add(Loss.INVALID_INPUT, "dob", _loc(row.number, "dob"), "not a valid date; not converted")
        if birth:
            person["birthDate"] = birth
        else:
            person["_birthDate"] = absent("unknown")
        extensions: list[dict[str, Any]] = []
        sex = values.get("sex", "")
        mapped = self._code("sex", row.number, sex) if sex.strip() else None
        extensions.append(
            own_extension(
                "person-sex", valueCodeableConcept={"coding": [mapped.coding()]} if mapped else absent("unknown")
            )
        )
        ethnicity = values.get("ethnicity_self", "")
        mapped = self._code("ethnicity_self", row.number, ethnicity) if ethnicity.strip() else None
        extensions.append(
            {
                "url": UKCORE_ETHNIC_CATEGORY,
                "valueCodeableConcept": {"coding": [mapped.coding()]} if mapped else absent("not-asked"),
            }
        )
        unasked = _csv.unasked_characteristics()
        person["maritalStatus"] = unasked["maritalStatus"]
        person["extension"] = extensions + unasked["extension"]
        return person

    def _party(self, row: _Row, person_id: str, agencies: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
        values = row.values
        present = self._yes_no("child_present", row.number, values.get("child_present", ""))
        depends = {"child_present": "" if present is None else ("Y" if present else "N")}
        role_cell = values.get("role", "")
        mapped = None
        if not role_cell.strip():
            self._add(Loss.INVALID_INPUT, "role", _loc(row.number, "role"), "required value missing")
        else:
            mapped = _csv.code_map(self.spec["role"].codes).lookup(role_cell.strip(), depends)
            if mapped is None and _csv.code_map(self.spec["role"].codes).lookup(role_cell.strip(), None) is None:
                known = _csv.code_map(self.spec["role"].codes).forward
                if role_cell.strip().upper() in {k.upper() for k in known}:
                    self._add(
                        Loss.INVALID_INPUT,
                        "child_present",
                        _loc(row.number, "child_present"),
                        "required for a child (Y or N); the child's role is recorded as other-party",
                    )
                    mapped = _csv.code_map(self.spec["role"].codes).lookup("O")
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
        parts: list[dict[str, Any]] = [sub_extension("person", valueReference=reference(person_id))]
        if mapped:
            parts.append(sub_extension("role", valueCodeableConcept={"coding": [mapped.coding()]}))
        else:
            parts.append(sub_extension("role", valueCodeableConcept=absent("unknown")))
        for exposure in self._codes("child_witnessed", row.number, values.get("child_witnessed", "")):
            parts.append(sub_extension("exposure", valueCodeableConcept={"coding": [exposure.coding()]}))
        injured = self._yes_no("injured", row.number, values.get("injured", ""))
        if injured is not None:
            parts.append(sub_extension("injured", valueBoolean=injured))
        school_name = values.get("school_name", "").strip()
        school_urn = values.get("school_urn", "").strip()
        if school_name or school_urn:
            school_id = stable_id("agency", "school", school_urn or school_name)
            if not any(a["id"] == school_id for a in agencies):
                school: dict[str, Any] = {
                    "resourceType": "Organization",
                    "id": school_id,
                    "meta": meta("DAAgency"),
                    "type": [own_concept("agency-type", "school")],
                }
                if school_urn:
                    school["identifier"] = [{"system": identifier_system(SYSTEM_SCHOOL), "value": school_urn}]
                if school_name:
                    school["name"] = school_name
                agencies.append(school)
            parts.append(sub_extension("school", valueReference=reference(school_id)))
        return own_extension("incident-party", extension=parts), role

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
                out.append(_csv.relationship(person_a, person_b, mapped.coding(), mapped.code))
        return out

    def _incident(
        self,
        incident: _Incident,
        inc: dict[str, str],
        row_of: Any,
        incident_id: str,
        force_id: str,
        subject: str,
        parties: list[dict[str, Any]],
    ) -> dict[str, Any]:
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": incident_id,
            "meta": meta("DAIncident"),
            "status": "final",
            "code": own_concept("record-type", "incident"),
            "identifier": [
                {
                    "system": identifier_system(SYSTEM_INCIDENT_REF),
                    "value": incident.ref,
                    "assigner": reference(force_id),
                }
            ],
            "performer": [reference(force_id)],
        }
        if subject:
            obs["subject"] = reference(subject)
        when = self._datetime("incident_datetime", row_of("incident_datetime"), inc.get("incident_datetime", ""))
        if when:
            obs["effectiveDateTime"] = when
        else:
            obs["_effectiveDateTime"] = absent("unknown")
        if "behaviour" in inc:
            obs["valueString"] = inc["behaviour"]
        components: list[dict[str, Any]] = []

        def component(slice_name: str, **value: Any) -> None:
            components.append({"code": own_concept(INCIDENT_COMPONENT, slice_name), **value})

        for kind in self._codes("abuse_kinds", row_of("abuse_kinds"), inc.get("abuse_kinds", "")):
            component("abuse-kind", valueCodeableConcept={"coding": [kind.coding()]})
        if inc.get("risk_level", "").strip():
            level = self._code("risk_level", row_of("risk_level"), inc["risk_level"])
            if level:
                component("risk-level", valueCodeableConcept={"coding": [level.coding()]})
        for name, slice_name in (("weapon_used", "weapon-used"), ("strangulation", "strangulation")):
            flag = self._yes_no(name, row_of(name), inc.get(name, ""))
            if flag is not None:
                component(slice_name, valueBoolean=flag)
        reason = inc.get("no_arrest_reason", "")
        if inc.get("arrest", "").strip():
            outcome = self._code("arrest", row_of("arrest"), inc["arrest"])
            if outcome:
                value: dict[str, Any] = {"coding": [outcome.coding()]}
                if reason.strip():
                    value["text"] = reason
                component("police-outcome", valueCodeableConcept=value)
        elif reason.strip():
            component("police-outcome", valueCodeableConcept={"text": reason})
        if components:
            obs["component"] = components
        extensions = list(parties)
        if inc.get("crime_ref", "").strip():
            extensions.append(
                own_extension(
                    "crime-reference",
                    valueIdentifier={"system": identifier_system(SYSTEM_CRIME_REF), "value": inc["crime_ref"].strip()},
                )
            )
        obs["extension"] = extensions
        return obs

    def _risk(
        self,
        incident: _Incident,
        inc: dict[str, str],
        row_of: Any,
        key: tuple[str, str],
        force_id: str,
        subject: str,
        incident_id: str,
        observation: dict[str, Any],
    ) -> dict[str, Any] | None:
        risk_columns = ["risk_tool", *(f"risk_q{n:02d}" for n in RISK_QUESTIONS), "risk_score", "risk_level"]
        if not any(inc.get(c, "").strip() for c in risk_columns):
            return None
        assessment: dict[str, Any] = {
            "resourceType": "RiskAssessment",
            "id": stable_id("police-risk", *key),
            "meta": meta("DARiskAssessment"),
            "status": "final",
            "performer": reference(force_id),
            "basis": [reference(incident_id)],
        }
        if subject:
            assessment["subject"] = reference(subject)
        if "effectiveDateTime" in observation:
            assessment["occurrenceDateTime"] = observation["effectiveDateTime"]
        tool = inc.get("risk_tool", "")
        if tool.strip():
            mapped = self._code("risk_tool", row_of("risk_tool"), tool)
            if mapped:
                assessment["method"] = {"coding": [mapped.coding()]}
        else:
            self._add(
                Loss.INVALID_INPUT,
                "risk_tool",
                _loc(row_of("risk_score"), "risk_tool"),
                "risk answers, score or level are given without a risk tool",
            )
        extensions: list[dict[str, Any]] = []
        yes = 0
        answered = 0
        for n in RISK_QUESTIONS:
            column = f"risk_q{n:02d}"
            if not inc.get(column, "").strip():
                continue
            answer = self._code(column, row_of(column), inc[column])
            if answer is None:
                continue
            answered += 1
            yes += answer.code == "yes"
            extensions.append(
                own_extension(
                    "risk-item",
                    extension=[
                        sub_extension("question", valueInteger=n),
                        sub_extension("answer", valueCodeableConcept={"coding": [answer.coding()]}),
                    ],
                )
            )
        score_text = inc.get("risk_score", "").strip()
        if score_text:
            if score_text.isdigit():
                score = int(score_text)
                extensions.append(own_extension("risk-score", valueInteger=score))
                if answered and score != yes:
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
        if extensions:
            assessment["extension"] = extensions
        if inc.get("risk_level", "").strip():
            level = _csv.code_map(self.spec["risk_level"].codes).lookup(inc["risk_level"].strip())
            if level:  # unmapped levels were reported with the incident component
                assessment["prediction"] = [{"qualitativeRisk": {"coding": [level.coding()]}}]
        return assessment

    def _recipient(self, inc: dict[str, str], row_of: Any) -> dict[str, Any]:
        name = inc.get("shared_with", "").strip()
        type_cell = inc.get("shared_with_type", "")
        mapped = self._code("shared_with_type", row_of("shared_with_type"), type_cell) if type_cell.strip() else None
        agency: dict[str, Any] = {
            "resourceType": "Organization",
            "id": stable_id("agency", "recipient", name, mapped.code if mapped else ""),
            "meta": meta("DAAgency"),
            "type": [{"coding": [mapped.coding()]} if mapped else absent("unknown")],
        }
        if name:
            agency["name"] = name
        return agency

    def _sharing(
        self, inc: dict[str, str], row_of: Any, sharing_id: str, force_id: str, incident_id: str
    ) -> dict[str, Any]:
        sharing: dict[str, Any] = {
            "resourceType": "Communication",
            "id": sharing_id,
            "meta": meta("DAInformationSharing"),
            "status": "completed",
            "category": [own_concept("record-type", "information-sharing")],
            "sender": reference(force_id),
            "about": [reference(incident_id)],
        }
        sent = self._datetime(
            "notification_datetime", row_of("notification_datetime"), inc.get("notification_datetime", "")
        )
        if sent:
            sharing["sent"] = sent
        else:
            sharing["_sent"] = absent("unknown")
        consent = self._yes_no("consent_to_share", row_of("consent_to_share"), inc.get("consent_to_share", ""))
        basis_cell = inc.get("no_consent_basis", "").strip()
        basis: _csv.Mapped | None = None
        if consent is True:
            basis = _csv.code_map(self.spec["no_consent_basis"].codes).lookup("CONSENT")
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
        value = {"coding": [basis.coding()]} if basis else absent("unknown")
        sharing["extension"] = [own_extension("sharing-basis", valueCodeableConcept=value)]
        return sharing


# ---------------------------------------------------------------------------------------------------- writer


class _Writer:
    """Projects Bundles onto the police notification columns; what does not fit is reported."""

    def __init__(self, report: ConversionReport) -> None:
        self.report = report
        self.spec = {c.name: c for c in columns()}

    def _source(self, column: str, system: str, code: str, location: str) -> str:
        mapped = _csv.code_map(self.spec[column].codes).source_for(system, code)
        if mapped is None:
            if code:
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

    def _coded(self, column: str, concept: Any, location: str) -> str:
        if not isinstance(concept, Mapping):
            return ""
        for c in concept.get("coding", []):
            return self._source(column, str(c.get("system", "")), str(c.get("code", "")), location)
        return ""

    def rows(self, bundle: Mapping[str, Any]) -> Iterator[dict[str, str]]:
        by_id = {r.get("id", ""): r for r in _csv.resources(bundle)}
        bundle_loc = f"Bundle/{bundle.get('id', '')}"
        used: set[str] = set()
        incidents = [
            r
            for r in by_id.values()
            if r.get("resourceType") == "Observation" and _csv.first_code(r.get("code")) == "incident"
        ]
        if not incidents:
            self.report.add(
                ReportEntry(Loss.UNMAPPED_FIELD, "Bundle", bundle_loc, "holds no DAIncident; nothing is written for it")
            )
        for incident in incidents:
            used.add(incident["id"])
            yield from self._incident_rows(incident, by_id, used, bundle_loc)
        for rid, res in by_id.items():
            kind = res.get("resourceType", "")
            if rid in used or kind in ("Organization", "Provenance"):
                continue
            self.report.add(
                ReportEntry(Loss.UNMAPPED_FIELD, kind, f"{bundle_loc}/{kind}/{rid}", "not representable in police-csv")
            )

    def _incident_rows(
        self, obs: Mapping[str, Any], by_id: Mapping[str, dict[str, Any]], used: set[str], bundle_loc: str
    ) -> Iterator[dict[str, str]]:
        loc = f"{bundle_loc}/Observation/{obs['id']}"
        inc: dict[str, str] = {c.name: "" for c in columns() if c.scope == "incident"}
        for ident in obs.get("identifier", []):
            if ident.get("system") == identifier_system(SYSTEM_INCIDENT_REF):
                inc["incident_ref"] = str(ident.get("value", ""))
        if not inc["incident_ref"] and obs.get("identifier"):
            inc["incident_ref"] = str(obs["identifier"][0].get("value", ""))
        inc["incident_datetime"] = _csv.format_local_datetime(str(obs.get("effectiveDateTime", "")))
        force = by_id.get(_csv.ref_id((obs.get("performer") or [{}])[0]), {})
        for ident in force.get("identifier", []):
            if ident.get("system") == identifier_system(SYSTEM_FORCE):
                inc["force_code"] = str(ident.get("value", ""))
        inc["force_name"] = str(force.get("name", ""))
        inc["force_contact"] = str((force.get("telecom") or [{}])[0].get("value", ""))
        for crime in _csv.find_extensions(obs, extension_url("crime-reference")):
            inc["crime_ref"] = str(crime.get("valueIdentifier", {}).get("value", ""))
        inc["behaviour"] = str(obs.get("valueString", ""))
        kinds = []
        for comp in obs.get("component", []):
            slice_name = _csv.first_code(comp.get("code"))
            value = comp.get("valueCodeableConcept")
            if slice_name == "abuse-kind":
                kinds.append(self._coded("abuse_kinds", value, loc))
            elif slice_name == "risk-level":
                inc["risk_level"] = self._coded("risk_level", value, loc)
            elif slice_name in ("weapon-used", "strangulation"):
                name = "weapon_used" if slice_name == "weapon-used" else "strangulation"
                inc[name] = "Y" if comp.get("valueBoolean") else "N"
            elif slice_name == "police-outcome" and isinstance(value, Mapping):
                inc["arrest"] = self._coded("arrest", value, loc)
                inc["no_arrest_reason"] = str(value.get("text", ""))
            else:
                self.report.add(
                    ReportEntry(Loss.UNMAPPED_FIELD, f"component {slice_name}", loc, "not representable in police-csv")
                )
        inc["abuse_kinds"] = ";".join(k for k in kinds if k)
        self._risk_values(obs, by_id, used, inc, loc)
        self._sharing_values(obs, by_id, used, inc)
        # relationships: B (related-person) -> [(A, code)]
        related: dict[str, list[tuple[str, Any]]] = {}
        for res in by_id.values():
            if res.get("resourceType") != "RelatedPerson":
                continue
            for b in _csv.find_extensions(res, extension_url("related-person")):
                related.setdefault(_csv.ref_id(b.get("valueReference")), []).append(
                    (_csv.ref_id(res.get("patient")), (res.get("relationship") or [None])[0])
                )
                used.add(res["id"])
        for party in _csv.find_extensions(obs, extension_url("incident-party")):
            person_id = _csv.ref_id(_csv.sub_value(party, "person"))
            person = by_id.get(person_id, {})
            used.add(person_id)
            row = dict(inc)
            row.update(self._party_values(party, person, by_id, related, loc, obs.get("note", [])))
            yield row

    def _party_id(self, person: Mapping[str, Any]) -> str:
        for ident in person.get("identifier", []):
            if ident.get("system") == identifier_system(SYSTEM_PERSON):
                return str(ident.get("value", ""))
        return str(person.get("id", ""))

    def _party_values(
        self,
        party: Mapping[str, Any],
        person: Mapping[str, Any],
        by_id: Mapping[str, dict[str, Any]],
        related: Mapping[str, list[tuple[str, Any]]],
        loc: str,
        notes: list[dict[str, Any]],
    ) -> dict[str, str]:
        out = {c.name: "" for c in columns() if c.scope == "party"}
        out["party_id"] = self._party_id(person)
        role = _csv.sub_value(party, "role")
        role_code = _csv.first_code(role)
        mapped = _csv.code_map(self.spec["role"].codes).source_for(code_system_url("incident-role"), role_code)
        if mapped is None:
            if role_code:
                self.report.add(
                    ReportEntry(Loss.UNMAPPED_CODE, "role", loc, "no police role for this code", code=role_code)
                )
        else:
            out["role"] = mapped.source
            for key, value in mapped.depends:
                out[key] = value
        name = (person.get("name") or [{}])[0]
        out["surname"] = str(name.get("family", ""))
        out["forenames"] = " ".join(str(g) for g in name.get("given", []))
        out["dob"] = str(person.get("birthDate", ""))
        for item in person.get("extension", []):
            if item.get("url") == extension_url("person-sex"):
                out["sex"] = self._coded("sex", item.get("valueCodeableConcept"), loc)
            elif item.get("url") == UKCORE_ETHNIC_CATEGORY:
                out["ethnicity_self"] = self._coded("ethnicity_self", item.get("valueCodeableConcept"), loc)
        prefix = f"{PERCEIVED_PREFIX}{out['party_id']}: "
        for note in notes:
            text = str(note.get("text", ""))
            if text.startswith(prefix):
                out["ethnicity_officer"] = text[len(prefix) :]
        pairs = []
        for other_id, concept in related.get(str(person.get("id", "")), []):
            code = self._coded("relationships", concept, loc)
            if code:
                pairs.append(f"{self._party_id(by_id.get(other_id, {'id': other_id}))}:{code}")
        out["relationships"] = ";".join(pairs)
        injured = _csv.sub_value(party, "injured")
        out["injured"] = "" if injured is None else ("Y" if injured else "N")
        exposures = [
            self._coded("child_witnessed", e.get("valueCodeableConcept"), loc)
            for e in _csv.find_extensions(party, "exposure")
        ]
        out["child_witnessed"] = ";".join(e for e in exposures if e)
        school = by_id.get(_csv.ref_id(_csv.sub_value(party, "school")), {})
        out["school_name"] = str(school.get("name", ""))
        for ident in school.get("identifier", []):
            if ident.get("system") == identifier_system(SYSTEM_SCHOOL):
                out["school_urn"] = str(ident.get("value", ""))
        return out

    def _risk_values(
        self,
        obs: Mapping[str, Any],
        by_id: Mapping[str, dict[str, Any]],
        used: set[str],
        inc: dict[str, str],
        loc: str,
    ) -> None:
        for res in by_id.values():
            if res.get("resourceType") != "RiskAssessment":
                continue
            if obs["id"] not in {_csv.ref_id(b) for b in res.get("basis", [])}:
                continue
            used.add(res["id"])
            inc["risk_tool"] = self._coded("risk_tool", res.get("method"), loc)
            for item in _csv.find_extensions(res, extension_url("risk-item")):
                question = _csv.sub_value(item, "question")
                if isinstance(question, int) and question in RISK_QUESTIONS:
                    inc[f"risk_q{question:02d}"] = self._coded(
                        f"risk_q{question:02d}", _csv.sub_value(item, "answer"), loc
                    )
                else:
                    self.report.add(
                        ReportEntry(Loss.UNMAPPED_FIELD, "risk-item", loc, f"question {question} has no police column")
                    )
            for score in _csv.find_extensions(res, extension_url("risk-score")):
                inc["risk_score"] = str(score.get("valueInteger", ""))
            for prediction in res.get("prediction", []):
                level = self._coded("risk_level", prediction.get("qualitativeRisk"), loc)
                if level:
                    inc["risk_level"] = level
            return

    def _sharing_values(
        self, obs: Mapping[str, Any], by_id: Mapping[str, dict[str, Any]], used: set[str], inc: dict[str, str]
    ) -> None:
        for res in by_id.values():
            if (
                res.get("resourceType") != "Communication"
                or _csv.first_code((res.get("category") or [{}])[0]) != "information-sharing"
            ):
                continue
            if obs["id"] not in {_csv.ref_id(a) for a in res.get("about", [])}:
                continue
            used.add(res["id"])
            inc["notification_datetime"] = _csv.format_local_datetime(str(res.get("sent", "")))
            recipient = by_id.get(_csv.ref_id((res.get("recipient") or [{}])[0]), {})
            used.add(str(recipient.get("id", "")))
            inc["shared_with"] = str(recipient.get("name", ""))
            inc["shared_with_type"] = self._coded("shared_with_type", (recipient.get("type") or [None])[0], obs["id"])
            for basis in _csv.find_extensions(res, extension_url("sharing-basis")):
                code = _csv.first_code(basis.get("valueCodeableConcept"))
                source = self._source("no_consent_basis", code_system_url("sharing-basis"), code, obs["id"])
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
