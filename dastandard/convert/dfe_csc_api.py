"""The DfE children's social care API payload (``dfe-csc-api``, read and write).

The payload is the JSON child record local authorities send to the DfE children's social care API, as documented
by Data to Insight in ``data-to-insight/dfe-csc-api-data-flows`` (docs/json_payload_structure.md, DfE
specification v0.7), under the MIT licence copied in ``converters/dfe-csc-api/LICENSE``. DfE's own OpenAPI
description is the authority; where it differs from that page, the page is what this format follows (see
``converters/dfe-csc-api/README.md``).

Its child, episode, assessment, plan and section 47 fields are those of the CIN census under other names, so the
format goes through the census reader and writer (one meaning, one place): reading turns each child into the
census's nested form and lets ``ChildReader`` build the logical record (names are added from ``first_name`` and
``surname``, which the census lacks) and the one writer the Bundle; writing lets the census writer build the Child
and renames it. Report entries carry the payload's own names and JSON paths. Fields the standard has no place for
(looked-after placements, adoption, care leavers, SDQ scores, worker ids, the payload's own record ids) are
reported as ``unmapped-field``; ``purge: false`` markers are transmission flags, ``not-projected``.

A file holds one payload (``{"la_code": ..., "Children": {...}}``), a JSON array of payloads, or one payload per
line; ``Children`` may be one child or a list. Writing gives one payload per line, one child each.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, ClassVar

from lxml import etree

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.convert.base import Format
from dastandard.convert.cin_census.reader import EPOCH, ChildReader, Context
from dastandard.convert.cin_census.vocabulary import CHILD_PATH, ID, CensusHeader, mapping
from dastandard.convert.cin_census.writer import _ChildWriter, _label, _read
from dastandard.convert.cin_census.xml_walk import Node, node_of
from dastandard.logical import RECORD_TYPE, RECORD_VERSION, logical_problems, logical_to_bundle

# Payload key -> census tag, per container; a tuple is a container (its census tag and its own map).
_EPISODE: dict[str, Any] = {
    "referral_date": "CINreferralDate",
    "referral_source": "ReferralSource",
    "referral_no_further_action_flag": "ReferralNFA",
    "closure_date": "CINclosureDate",
    "closure_reason": "ReasonForClosure",
    "child_and_family_assessments": (
        "Assessments",
        {
            "start_date": "AssessmentActualStartDate",
            "authorisation_date": "AssessmentAuthorisationDate",
            "factors": ("FactorsIdentifiedAtAssessment", "AssessmentFactors"),
        },
    ),
    "child_in_need_plans": ("CINPlanDates", {"start_date": "CINPlanStartDate", "end_date": "CINPlanEndDate"}),
    "section_47_assessments": (
        "Section47",
        {"start_date": "S47ActualStartDate", "icpc_date": "DateOfInitialCPC", "icpc_required_flag": "ICPCnotRequired"},
    ),
    "child_protection_plans": ("ChildProtectionPlans", {"start_date": "CPPstartDate", "end_date": "CPPendDate"}),
}
_IDENTIFIERS = {
    "unique_pupil_number": "UPN",
    "former_unique_pupil_number": "FormerUPN",
    "unique_pupil_number_unknown_reason": "UPNunknown",
    "date_of_birth": "PersonBirthDate",
    "expected_date_of_birth": "ExpectedPersonBirthDate",
    "sex": "Sex",
}
_NAMES = {"first_name": "given", "surname": "family"}
_NOT_HELD = (
    "a field the standard has no place for (placements, adoption, care leavers, SDQ scores, workers and the "
    "payload's own record ids are outside its scope)"
)
_TRUE = {True: "true", False: "false"}


def _census_tags() -> dict[str, str]:
    """Census tag -> payload key, for putting the census reader's entries in the payload's terms."""
    tags = {"LAchildID": "la_child_id", "Ethnicity": "ethnicity", "Disability": "disabilities"}
    tags |= {tag: key for key, tag in _IDENTIFIERS.items()}

    def walk(table: Mapping[str, Any]) -> None:
        for key, value in table.items():
            if isinstance(value, tuple) and isinstance(value[1], dict):
                tags[value[0]] = key
                walk(value[1])
            elif isinstance(value, tuple):
                tags[value[0]] = key
                tags[value[1]] = key
            else:
                tags[value] = key

    walk(_EPISODE)
    tags["CINdetails"] = "social_care_episodes"
    return tags


_TAGS = _census_tags()
_TAG_WORDS = re.compile(r"\b(" + "|".join(sorted(_TAGS, key=len, reverse=True)) + r")\b")
# Census container -> the logical record section its fields come from (for naming what the payload cannot hold).
_SECTION_OF = {
    "ChildIdentifiers": "persons",
    "ChildCharacteristics": "persons",
    "CINdetails": "serviceEpisodes",
    "Assessments": "riskAssessments",
    "FactorsIdentifiedAtAssessment": "riskFactors",
    "Section47": "riskAssessments",
    "CINPlanDates": "plans",
    "ChildProtectionPlans": "plans",
    "Reviews": "plans",
}
_PARENTS = {"ChildIdentifiers": "child_details", "ChildCharacteristics": "child_details", "Disabilities": ""}


def _payload_path(xpath: str, base: str) -> str:
    """The census reader's XPath of one child as the payload's JSON path under ``base``."""
    rest = xpath.removeprefix(f"{CHILD_PATH}[1]")
    out = base
    for step in filter(None, rest.split("/")):
        tag, _, pos = step.partition("[")
        if tag in _PARENTS:
            out += f".{_PARENTS[tag]}" if _PARENTS[tag] else ""
            continue
        key = _TAGS.get(tag, tag)
        if out.endswith(f".{key}"):  # a list container and its item share a payload key (factors)
            continue
        out += f".{key}"
        if tag in ("CINdetails", "Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"):
            out += f"[{int(pos.rstrip(']')) - 1 if pos else 0}]"
    return out


class _ChildIn:
    """One payload child: its census form, and report entries in the payload's terms."""

    def __init__(self, report: ConversionReport) -> None:
        self.report = report

    def add(self, kind: Loss, fld: str, path: str, message: str = "", target: str = "") -> None:
        self.report.add(ReportEntry(kind, fld, path, message, target=target))

    def flags(self, obj: Mapping[str, Any], fld: str, path: str) -> None:
        if "purge" in obj:
            if obj["purge"] is False:
                self.add(Loss.NOT_PROJECTED, f"{fld}purge", f"{path}.purge", "a transmission flag, not case content")
            else:
                self.add(Loss.UNMAPPED_FIELD, f"{fld}purge", f"{path}.purge", "a purge request is not converted")

    def leaf(self, value: Any, tag: str, fld: str, path: str) -> str | list[str] | None:
        generic = f"{CHILD_PATH}/{tag}"
        target = next((f["target"] for g, f in mapping()["fields"].items() if g.endswith(f"/{tag}")), generic)
        self.add(Loss.MAPPED, fld, path, target=str(target))
        if isinstance(value, bool):
            return _TRUE[value]
        if isinstance(value, list):
            return [str(v) for v in value]
        return None if value is None else str(value)

    def table(self, obj: Mapping[str, Any], table: Mapping[str, Any], fld: str, path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in obj.items():
            here, name = f"{path}.{key}", f"{fld}{key}"
            spec = table.get(key)
            if key == "purge":
                continue
            if spec is None:
                self.add(Loss.UNMAPPED_FIELD, name, here, _NOT_HELD)
            elif isinstance(spec, tuple) and isinstance(spec[1], dict):
                items = value if isinstance(value, list) else []
                out[spec[0]] = [
                    self.table(item, spec[1], f"{name}.", f"{here}[{i}]")
                    for i, item in enumerate(items)
                    if isinstance(item, dict)
                ]
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        self.flags(item, f"{name}.", f"{here}[{i}]")
            elif isinstance(spec, tuple):
                text = self.leaf(value, spec[1], name, here)
                out[spec[0]] = {spec[1]: text if isinstance(text, list) else [text]}
            elif key == "icpc_required_flag" and isinstance(value, bool):
                self.add(Loss.MAPPED, name, here, target="ICPC not required (the flag's negation)")
                out[spec] = _TRUE[not value]
            else:
                text = self.leaf(value, spec, name, here)
                if text is not None:
                    out[spec] = text
        return out


class DfeCscApiFormat(Format):
    """The DfE children's social care API JSON payload (DfE specification v0.7)."""

    name: ClassVar[str] = "dfe-csc-api"
    description: ClassVar[str] = "DfE children's social care API JSON payload (one child per payload)"
    extensions: ClassVar[tuple[str, ...]] = (".dfe-csc.json", ".dfe-csc.jsonl")
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path | None) -> bool:
        return b'"la_code"' in head and b'"Children"' in head and b'"la_child_id"' in head

    # ------------------------------------------------------------------------------------------------ reading

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        data = source.read()
        try:
            document: Any = json.loads(data)
            payloads = document if isinstance(document, list) else [document]
            paths = [f"$[{i}]" for i in range(len(payloads))] if isinstance(document, list) else ["$"]
        except ValueError:
            payloads, paths = [], []
            for number, line in enumerate(data.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    payloads.append(json.loads(line))
                    paths.append(f"line {number}: $")
                except json.JSONDecodeError as exc:
                    report.add(ReportEntry(Loss.INVALID_INPUT, "payload", f"line {number}", f"not JSON: {exc.msg}"))
        for payload, where in zip(payloads, paths, strict=True):
            if not isinstance(payload, dict):
                report.add(ReportEntry(Loss.INVALID_INPUT, "payload", where, "a payload is a JSON object"))
                continue
            children = payload.get("Children")
            many = isinstance(children, list)
            listed: list[Any] = children if isinstance(children, list) else [children]
            for i, child in enumerate(listed):
                here = f"{where}.Children[{i}]" if many else f"{where}.Children"
                report.records_in += 1
                if not isinstance(child, dict):
                    report.add(ReportEntry(Loss.INVALID_INPUT, "Children", here, "a child is a JSON object"))
                    continue
                bundle = self._child(payload, child, here, Path(name).name if name else "", report)
                if bundle is not None:
                    report.records_out += 1
                    yield bundle
            for key in payload:
                if key not in ("la_code", "Children"):
                    report.add(ReportEntry(Loss.UNMAPPED_FIELD, key, f"{where}.{key}", _NOT_HELD))

    def _child(
        self, payload: Mapping[str, Any], child: Mapping[str, Any], where: str, name: str, report: ConversionReport
    ) -> dict[str, Any] | None:
        la_code = payload.get("la_code")
        lea = "" if la_code is None else str(la_code)
        report.add(ReportEntry(Loss.MAPPED, "la_code", where.rsplit(".Children", 1)[0] + ".la_code", target="DAAgency"))
        unit = _ChildIn(report)
        found = child.get("child_details")
        details: Mapping[str, Any] = found if isinstance(found, dict) else {}
        census: dict[str, Any] = {}
        ids: dict[str, Any] = {}
        if "la_child_id" in child:
            ids["LAchildID"] = unit.leaf(child["la_child_id"], "LAchildID", "la_child_id", f"{where}.la_child_id")
        chars: dict[str, Any] = {}
        for key, value in details.items():
            here, fld = f"{where}.child_details.{key}", f"child_details.{key}"
            if key in _IDENTIFIERS:
                ids[_IDENTIFIERS[key]] = unit.leaf(value, _IDENTIFIERS[key], fld, here)
            elif key == "ethnicity":
                chars["Ethnicity"] = unit.leaf(value, "Ethnicity", fld, here)
            elif key == "disabilities":
                chars["Disabilities"] = {"Disability": unit.leaf(value, "Disability", fld, here)}
            elif key in _NAMES:
                unit.add(Loss.MAPPED, fld, here, target=f"DAPerson.name.{_NAMES[key]}")
            elif key != "purge":
                unit.add(Loss.UNMAPPED_FIELD, fld, here, _NOT_HELD)
        unit.flags(details, "child_details.", f"{where}.child_details")
        census["ChildIdentifiers"] = ids
        census["ChildCharacteristics"] = chars
        listed = child.get("social_care_episodes")
        episodes: list[Any] = listed if isinstance(listed, list) else []
        census["CINdetails"] = []
        for i, episode in enumerate(episodes):
            if isinstance(episode, dict):
                here = f"{where}.social_care_episodes[{i}]"
                census["CINdetails"].append(unit.table(episode, _EPISODE, "social_care_episodes.", here))
                unit.flags(episode, "social_care_episodes.", here)
        for key in child:
            if key not in ("la_child_id", "child_details", "social_care_episodes", "purge"):
                unit.add(Loss.UNMAPPED_FIELD, key, f"{where}.{key}", _NOT_HELD)
        unit.flags(child, "", where)
        return self._bundle(census, details, lea, name, where, report)

    def _bundle(
        self,
        census: dict[str, Any],
        details: Mapping[str, Any],
        lea: str,
        name: str,
        where: str,
        report: ConversionReport,
    ) -> dict[str, Any] | None:
        inner = ConversionReport()
        header = CensusHeader(sources=[{"LEA": lea}] if lea else [])
        ctx = Context(inner, name, header, {})
        xpath = f"{CHILD_PATH}[1]"
        record = ChildReader(ctx, xpath, 1).record(node_of(census, Node("Child", CHILD_PATH, loc=xpath)), [])
        for e in inner.entries:  # the census reader's findings, in the payload's names and paths
            if e.kind is Loss.INVALID_INPUT and "required but missing" in e.message and e.source_field not in _TAGS:
                continue  # a census field the payload does not have
            path = _payload_path(e.location, where)
            fld = re.sub(r"\[\d+\]", "", path.removeprefix(where).lstrip(".")) or _TAGS.get(e.source_field, "")
            message = _TAG_WORDS.sub(lambda m: _TAGS[m.group(0)], e.message)
            report.add(ReportEntry(e.kind, fld, path, message, e.code, e.target))
        person = next((p for p in record.get("persons", []) if p.get("id") == "child"), None)
        name_parts = {_NAMES[k]: str(v) for k, v in details.items() if k in _NAMES and v}
        if person is not None and name_parts:
            person["name"] = {
                **({"family": name_parts["family"]} if "family" in name_parts else {}),
                **({"given": name_parts["given"].split()} if "given" in name_parts else {}),
            }
        # The census reader's record is complete but for its header fields; a payload says nothing of when it was
        # extracted, which the writer states as unknown.
        checked = {"recordType": RECORD_TYPE, "version": RECORD_VERSION, "extractedAt": EPOCH, **record}
        problems = logical_problems(checked)
        for problem in problems:
            report.add(ReportEntry(Loss.INVALID_INPUT, problem.path, where, problem.message))
        if problems:
            return None
        return logical_to_bundle(record, checked=True, conversion_provenance=False)

    # ------------------------------------------------------------------------------------------------ writing

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """One payload per line, one child each; what the payload cannot hold is reported."""
        for n, given in enumerate(bundles, 1):
            bundle, record, label = _read(given, _label(n, given), report)
            if record is None:
                continue
            element = _ChildWriter(bundle, record, label, 2024, report).build()
            if element is None:
                continue
            self._unheld(element, label, report)
            self._further_sex_codings(record, label, report)
            payload = {"la_code": self._la_code(record), "Children": self._child_out(element, record)}
            target.write(json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n")
            report.records_out += 1

    @staticmethod
    def _unheld(element: etree._Element, label: str, report: ConversionReport) -> None:
        """Report every census field the writer filled that the payload has no key for, by the record's section."""
        for leaf in element.iter():
            if len(leaf) or not (leaf.text or "").strip() or leaf.tag in _TAGS:
                continue
            container = leaf.getparent()
            tag = container.tag if container is not None else ""
            section = _SECTION_OF.get(str(tag), "persons")
            report.add(
                ReportEntry(
                    Loss.UNMAPPED_FIELD,
                    section,
                    f"{label}: {tag}/{leaf.tag}",
                    f"the census field {leaf.tag} has no place in the DfE payload",
                )
            )

    @staticmethod
    def _further_sex_codings(record: Mapping[str, Any], label: str, report: ConversionReport) -> None:
        """The payload's ``sex`` is one code: a further coding kept beside it (a census GenderCurrent) is lost."""
        for person in record.get("persons", []):
            sex = person.get("sex")
            if isinstance(sex, dict) and sex.get("codings"):
                report.add(
                    ReportEntry(
                        Loss.UNMAPPED_FIELD,
                        "persons.sex",
                        f"{label}: {person.get('id')}",
                        "the payload holds one sex code; the further codings recorded beside it are not written",
                    )
                )

    @staticmethod
    def _la_code(record: Mapping[str, Any]) -> int | str:
        lea = ""
        for item in record.get("provenance", []):
            lea = str(item.get("cinHeaderSource", {}).get("lea", "")) or lea
        if not lea:
            for agency in record.get("agencies", []):
                for ident in agency.get("identifiers", []):
                    if ident.get("system") == ID["la-code"]:
                        lea = str(ident.get("value", ""))
        return int(lea) if lea.isdigit() else lea

    def _child_out(self, element: etree._Element, record: Mapping[str, Any]) -> dict[str, Any]:
        ids = element.find("ChildIdentifiers")
        chars = element.find("ChildCharacteristics")
        details: dict[str, Any] = {}
        la_child_id = ids.findtext("LAchildID") if ids is not None else ""
        person: Mapping[str, Any] = next(
            (
                p
                for p in record.get("persons", [])
                if any(
                    i.get("system") == ID["la-child-id"] and i.get("value") == la_child_id
                    for i in p.get("identifiers", [])
                )
            ),
            {},
        )
        name = person.get("name") or {}
        if name.get("given"):
            details["first_name"] = " ".join(name["given"])
        if name.get("family"):
            details["surname"] = name["family"]
        for key, tag in _IDENTIFIERS.items():
            text = ids.findtext(tag) if ids is not None else None
            if text:
                details[key] = text
        if chars is not None and chars.findtext("Ethnicity"):
            details["ethnicity"] = chars.findtext("Ethnicity")
        disabilities = [d.text or "" for d in chars.iterfind("Disabilities/Disability")] if chars is not None else []
        if disabilities:
            details["disabilities"] = disabilities
        out: dict[str, Any] = {"la_child_id": ids.findtext("LAchildID") if ids is not None else ""}
        out["child_details"] = details
        out["social_care_episodes"] = [self._table_out(ep, _EPISODE) for ep in element.iterfind("CINdetails")]
        return out

    def _table_out(self, element: etree._Element, table: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, spec in table.items():
            if isinstance(spec, tuple) and isinstance(spec[1], dict):
                out[key] = [self._table_out(item, spec[1]) for item in element.iterfind(spec[0])]
            elif isinstance(spec, tuple):
                values = [v.text or "" for v in element.iterfind(f"{spec[0]}/{spec[1]}")]
                if values:
                    out[key] = values
            else:
                text = element.findtext(spec)
                if text is None or text == "":
                    continue
                if key == "icpc_required_flag":
                    out[key] = text not in ("true", "1")
                elif key == "referral_no_further_action_flag":
                    out[key] = text in ("true", "1")
                else:
                    out[key] = text
        return out
