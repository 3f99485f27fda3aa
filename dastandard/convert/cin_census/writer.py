"""Writing a CIN census return (Header + Children) from DACaseBundles.

Each Bundle is read by the one reader (``dastandard.logical.bundle_to_logical``) and its Child is written from the
record's domain terms; this module parses no FHIR itself. ``cin_year`` chooses the sex item: 2024 and later (the
2024-25 return on) write ``Sex`` (M/F/U); earlier years write ``GenderCurrent`` (0/1/2/9), as in
``CIN_schema_2024.xsd``. Never raises on content: what the record cannot hold (the reader's losses), what the
census cannot hold (other resources, and every security label: the census has no place for one) and what it
needs but the Bundle lacks are report entries located in the Bundle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain
from typing import IO, Any

from lxml import etree

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.convert.cin_census.vocabulary import CS, DA_FACTORS, HEADER_KEYS, ID, SOURCE_KEYS, code_map
from dastandard.logical import SECTIONS, bundle_to_logical, system_for
from dastandard.model.ids import stable_id

_HEADER_TAGS = {key: tag for tag, key in HEADER_KEYS.items()}
_SOURCE_TAGS = {key: tag for tag, key in SOURCE_KEYS.items()}


def write_return(bundles: Iterable[Any], target: IO[bytes], report: ConversionReport, cin_year: int) -> None:
    """Write a census return. Bundles without a child with an LA child id are skipped and reported."""
    read = (_read(bundle, _label(n, bundle), report) for n, bundle in enumerate(bundles, start=1))
    first = next(read, None)
    with etree.xmlfile(target, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write("\n")
            xf.write(_header_element(first[1] if first else None, cin_year), pretty_print=True)
            with xf.element("Children"):
                xf.write("\n")
                for bundle, record, label in chain([first], read) if first is not None else ():
                    child = _ChildWriter(bundle, record, label, cin_year, report).build() if record else None
                    if child is None:
                        continue
                    xf.write(child, pretty_print=True)
                    report.records_out += 1
            xf.write("\n")


def _label(n: int, bundle: Any) -> str:
    if isinstance(bundle, dict) and isinstance(bundle.get("id"), str) and bundle["id"]:
        return f"Bundle[{n}](id {bundle['id']})"
    return f"Bundle[{n}]"


def _read(bundle: Any, label: str, report: ConversionReport) -> tuple[Any, dict[str, Any] | None, str]:
    """The Bundle, its logical record (None when it is not a Bundle at all) and its label; what the record cannot
    hold is reported, located in the Bundle."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        report.add(ReportEntry(Loss.INVALID_INPUT, "Bundle", label, "not a FHIR Bundle; not converted"))
        return bundle, None, label
    inner = ConversionReport()
    record = bundle_to_logical(bundle, inner)
    for e in inner.losses:
        where = f"{label}{e.location.removeprefix('Bundle')}"
        report.add(ReportEntry(e.kind, e.source_field, where, e.message, e.code, e.target))
    labels = _label_codes(record)
    if labels:
        report.add(
            ReportEntry(
                Loss.UNMAPPED_FIELD,
                "security",
                f"{label}.meta.security",
                f"the CIN census cannot carry security labels ({', '.join(labels)}); the return must be protected "
                "at that level by whoever holds it",
            )
        )
    return bundle, record, label


def _label_codes(record: Mapping[str, Any]) -> list[str]:
    """Every security label of the record and its items, in order, once each."""
    found: list[str] = []
    securities = [record.get("security")]
    securities += [item.get("security") for s in SECTIONS for item in record.get(s.key, ()) if isinstance(item, dict)]
    for security in securities:
        if not isinstance(security, dict):
            continue
        for value in [security.get("confidentiality"), *security.get("labels", ())]:
            code = value.get("code") if isinstance(value, dict) else value
            if isinstance(code, str) and code not in found:
                found.append(code)
    return found


# ----------------------------------------------------------------------------------------- reading domain terms


def _codes(value_set: str, value: Any) -> list[tuple[str, str]]:
    """The (system, code) pairs of a code value in the record's terms (a code, or a concept object)."""
    if isinstance(value, str):
        return [(system_for(value_set, value), value)]
    if not isinstance(value, dict):
        return []
    out = []
    for coding in [value, *(value.get("codings") or ())]:
        if isinstance(coding, dict) and isinstance(coding.get("code"), str):
            system = coding.get("system")
            out.append((system if isinstance(system, str) else system_for(value_set, coding["code"]), coding["code"]))
    return out


def _code(value_set: str, value: Any, system: str) -> str:
    """The code of ``value`` in ``system`` ('' when it has none)."""
    return next((code for sys, code in _codes(value_set, value) if sys == system), "")


def _code_or_text(value_set: str, value: Any, system: str) -> str:
    """The code of ``value`` in ``system``, else its text when it has no code at all ('' for neither)."""
    code = _code(value_set, value, system)
    if code:
        return code
    if isinstance(value, dict) and not _codes(value_set, value) and isinstance(value.get("text"), str):
        return str(value["text"])
    return ""


def _ref(value: Any) -> str:
    """The local id a reference value names ('' for a display or an absent reason)."""
    if isinstance(value, str):
        return value
    return str(value.get("id", "")) if isinstance(value, dict) else ""


def _text(value: Any, cut: int = 10) -> str:
    """A date (its first ``cut`` characters) or other text value; '' for anything else."""
    return value[:cut] if isinstance(value, str) else ""


def _items(record: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in record.get(key, ()) if isinstance(item, dict)]


def _object(value: Any) -> dict[str, Any]:
    """``value`` when it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _is_absent(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"absentReason"}


def _sub(parent: etree._Element, tag: str, text: Any) -> None:
    if text and isinstance(text, str):
        etree.SubElement(parent, tag).text = text


class _ChildWriter:
    """Writes one Child element from one Bundle's logical record; reports what the census cannot hold."""

    def __init__(
        self, bundle: dict[str, Any], record: dict[str, Any], label: str, cin_year: int, report: ConversionReport
    ) -> None:
        self.record = record
        self.label = label
        self.cin_year = cin_year
        self.report = report
        self.used: set[str] = set()  # local ids written (or said no more than what was written)
        entries = bundle.get("entry")
        self.entry_index = {
            str(e["resource"].get("id")): i
            for i, e in enumerate(entries if isinstance(entries, list) else ())
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        }

    def _loss(self, kind: Loss, fld: str, where: str, message: str) -> None:
        self.report.add(ReportEntry(kind, fld, f"{self.label}{where}", message))

    def _resource_id(self, item: Mapping[str, Any]) -> str:
        given = item.get("resourceId")
        return given if isinstance(given, str) else stable_id(str(self.record.get("caseId", "")), str(item.get("id")))

    def _use(self, value: Any) -> None:
        local = _ref(value)
        if local:
            self.used.add(local)

    def build(self) -> etree._Element | None:
        record = self.record
        la_system = ID["la-child-id"]
        child = next(
            (
                p
                for p in _items(record, "persons")
                if any(isinstance(i, dict) and i.get("system") == la_system for i in p.get("identifiers", ()))
            ),
            None,
        )
        if child is None:
            self._loss(Loss.INVALID_INPUT, "Patient", "", "no person with an LA child id; the census needs one")
            return None
        child_id = str(child.get("id"))
        self.used.add(child_id)
        el = etree.Element("Child")
        self._identifiers(etree.SubElement(el, "ChildIdentifiers"), child)
        self._characteristics(etree.SubElement(el, "ChildCharacteristics"), child)
        service = CS["service-type"]
        episodes = [
            ep
            for ep in _items(record, "serviceEpisodes")
            if _ref(ep.get("person")) == child_id
            and (service, "childrens-social-care") in _codes("service-type", (ep.get("serviceType") or [None])[0])
        ]
        if not episodes:
            self._loss(
                Loss.INVALID_INPUT,
                "EpisodeOfCare",
                "",
                "no children's social care episode; the census needs at least one CINdetails",
            )
        for ep in episodes:
            self.used.add(str(ep.get("id")))
            self._cin_details(etree.SubElement(el, "CINdetails"), ep)
        self._unwritten()
        return el

    def _unwritten(self) -> None:
        """Report, in Bundle order, every resource the census has no place for."""
        unwritten: list[tuple[int, str]] = []
        for section in SECTIONS:
            if not section.identifier or section.key in ("agencies", "relationships"):
                continue
            for item in _items(self.record, section.key):
                if str(item.get("id")) not in self.used:
                    index = self.entry_index.get(self._resource_id(item), -1)
                    unwritten.append((index, section.resource_type))
        for index, resource_type in sorted(unwritten):
            self._loss(
                Loss.UNMAPPED_FIELD, resource_type, f".entry[{index}]", "the CIN census has no place for this resource"
            )

    def _identifiers(self, el: etree._Element, p: dict[str, Any]) -> None:
        ident = [i for i in p.get("identifiers", ()) if isinstance(i, dict)]
        upn_system = ID["upn"]
        _sub(el, "LAchildID", next(i.get("value") for i in ident if i.get("system") == ID["la-child-id"]))
        _sub(
            el,
            "UPN",
            next((i.get("value") for i in ident if i.get("system") == upn_system and i.get("use") != "old"), None),
        )
        _sub(
            el,
            "FormerUPN",
            next((i.get("value") for i in ident if i.get("system") == upn_system and i.get("use") == "old"), None),
        )
        _sub(el, "UPNunknown", _code_or_text("cin-upn-unknown", p.get("upnUnknown"), CS["cin-upn-unknown"]))
        _sub(el, "PersonBirthDate", _text(p.get("birthDate")))
        _sub(el, "ExpectedPersonBirthDate", _text(p.get("expectedBirthDate")))
        sex_value = p.get("sex")
        sex = _code("sex", sex_value, code_map("cin-sex").target)
        if self.cin_year >= 2024:
            _sub(el, "Sex", sex or _code_or_text("sex", sex_value, "") or "U")
        else:
            gender_map = code_map("cin-gender-current-to-sex")
            source = _code("sex", sex_value, gender_map.source)
            value = source or (gender_map.reverse(sex) if sex else None) or ""
            if not value and not _codes("sex", sex_value) and isinstance(sex_value, dict):
                value = str(sex_value.get("text") or "")
            if sex == "U" and not source:
                value = "0"
            _sub(el, "GenderCurrent", value or "0")
        _sub(el, "PersonDeathDate", _text(p.get("deceased")))

    def _characteristics(self, el: etree._Element, p: dict[str, Any]) -> None:
        eth = _code_or_text("ethnicity-dfe", p.get("ethnicityDfe"), code_map("cin-ethnicity-dfe").target)
        if not eth:
            nhs_map = code_map("cin-ethnicity-dfe-to-nhs")
            nhs = _code("nhs-ethnic-category", p.get("ethnicityNhs"), nhs_map.target)
            eth = (nhs_map.reverse(nhs) if nhs else None) or "NOBT"
        _sub(el, "Ethnicity", eth)
        target = code_map("cin-disability").target
        codes = [_code_or_text("disability", d, target) for d in p.get("disability", ()) or ()]
        codes = [c for c in codes if c]
        if codes:
            dis = etree.SubElement(el, "Disabilities")
            for c in codes:
                _sub(dis, "Disability", c)

    def _cin_details(self, el: etree._Element, ep: dict[str, Any]) -> None:
        period = _object(ep.get("period"))
        start = _text(period.get("start"))
        where = f" EpisodeOfCare/{self._resource_id(ep)}"
        if not start:
            self._loss(
                Loss.INVALID_INPUT, "CINreferralDate", where, "episode has no start date; CINreferralDate left out"
            )
        _sub(el, "CINreferralDate", start)
        _sub(
            el,
            "ReferralSource",
            _code_or_text("cin-referral-source", ep.get("referralSource"), CS["cin-referral-source"]) or "10",
        )
        _sub(el, "PrimaryNeedCode", _code_or_text("cin-primary-need", ep.get("primaryNeed"), CS["cin-primary-need"]))
        _sub(el, "CINclosureDate", _text(period.get("end")))
        _sub(el, "ReasonForClosure", _code_or_text("service-end-reason", ep.get("endReason"), CS["cin-closure-reason"]))
        _sub(el, "DateOfInitialCPC", _text(ep.get("initialCpcDate"), 99))
        episode = str(ep.get("id"))
        assessments = [a for a in _items(self.record, "riskAssessments") if _ref(a.get("episode")) == episode]
        plans = [p for p in _items(self.record, "plans") if _ref(p.get("episode")) == episode]
        activity = CS["cin-activity"]
        for a in assessments:
            if _code("cin-activity", a.get("code"), activity) == "assessment":
                self.used.add(str(a.get("id")))
                self._assessment(etree.SubElement(el, "Assessments"), a)
        for p in plans:
            if self._plan_kind(p) == "cin-plan":
                self.used.add(str(p.get("id")))
                dates = etree.SubElement(el, "CINPlanDates")
                plan_period = _object(p.get("period"))
                _sub(dates, "CINPlanStartDate", _text(plan_period.get("start")))
                _sub(dates, "CINPlanEndDate", _text(plan_period.get("end")))
        for a in assessments:
            if _code("cin-activity", a.get("code"), activity) == "section-47":
                self.used.add(str(a.get("id")))
                s = etree.SubElement(el, "Section47")
                _sub(s, "S47ActualStartDate", _text(a.get("date")))
                _sub(s, "InitialCPCtarget", _text(a.get("icpcTargetDate"), 99))
                _sub(s, "DateOfInitialCPC", _text(a.get("initialCpcDate"), 99))
                _sub(s, "ICPCnotRequired", "true" if a.get("icpcNotRequired") else "false")
        nfa = ep.get("referralNfa")
        if nfa is None:
            self._loss(
                Loss.INVALID_INPUT, "ReferralNFA", where, "no-further-action flag not recorded; written as false"
            )
        _sub(el, "ReferralNFA", "true" if nfa else "false")
        for p in plans:
            if self._plan_kind(p) == "child-protection-plan":
                self.used.add(str(p.get("id")))
                self._cp_plan(etree.SubElement(el, "ChildProtectionPlans"), p)

    def _plan_kind(self, plan: dict[str, Any]) -> str:
        return _code("plan-type", plan.get("planType"), CS["plan-type"])

    def _assessment(self, el: etree._Element, a: dict[str, Any]) -> None:
        _sub(el, "AssessmentActualStartDate", _text(a.get("date")))
        _sub(el, "AssessmentInternalReviewDate", _text(a.get("assessmentInternalReview"), 99))
        _sub(el, "AssessmentAuthorisationDate", _text(a.get("assessmentAuthorised"), 99))
        by_id = {str(i.get("id")): i for key in ("incidents", "riskFactors") for i in _items(self.record, key)}
        factor_system = CS["cin-assessment-factor"]
        codes: list[str] = []
        for local in a.get("incidents", ()) or ():
            found = by_id.get(_ref(local))
            if found is None:
                continue
            self.used.add(_ref(local))
            for key in ("subject", "person"):
                self._use(found.get(key))
            for party in found.get("parties", ()) or ():
                if isinstance(party, dict):
                    self._use(party.get("person"))
            code = next(
                (
                    c
                    for kind in found.get("kindCodings", ()) or ()
                    for s, c in _codes("record-type", kind)
                    if s == factor_system
                ),
                "",
            )
            if not code:
                code = _code_or_text("risk-factor", found.get("factor"), factor_system)
            if code:
                codes.append(code)
            if DA_FACTORS.get(code) == "child":
                self._victim_statuses_of(_ref(local))
        if codes:
            f = etree.SubElement(el, "FactorsIdentifiedAtAssessment")
            for c in codes:
                _sub(f, "AssessmentFactors", c)

    def _victim_statuses_of(self, incident: str) -> None:
        """Count as written the child victim statuses about a factor 3A ``incident`` that say no more than the
        factor does (how the child was affected and is related only absent, no reason, no notes); richer ones
        stay unwritten and are reported as losses."""
        for status in _items(self.record, "childVictimStatuses"):
            if (
                incident in [_ref(i) for i in status.get("incidents", ()) or ()]
                and all(_is_absent(v) for key in ("basis", "relatedTo") for v in status.get(key, ()) or ())
                and "notVictimReason" not in status
                and not status.get("notes")
            ):
                self.used.add(str(status.get("id")))

    def _cp_plan(self, el: etree._Element, p: dict[str, Any]) -> None:
        period = _object(p.get("period"))
        _sub(el, "CPPstartDate", _text(period.get("start")))
        _sub(el, "CPPendDate", _text(period.get("end")))
        category = CS["cin-category-of-abuse"]
        _sub(
            el,
            "InitialCategoryOfAbuse",
            _code_or_text("cin-category-of-abuse", p.get("initialCategoryOfAbuse"), category),
        )
        latest = ""
        for value in p.get("categories", ()) or ():
            latest = _code_or_text("cin-category-of-abuse", value, category)
            if latest:
                break
        _sub(el, "LatestCategoryOfAbuse", latest)
        count = p.get("previousCppCount")
        _sub(el, "NumberOfPreviousCPP", str(count) if isinstance(count, int) else "")
        activity = CS["cin-activity"]
        reviews = [
            _text(a.get("scheduled", {}).get("start") if isinstance(a.get("scheduled"), dict) else None)
            for a in p.get("activities", ()) or ()
            if isinstance(a, dict) and _code("plan-action", a.get("action"), activity) == "cpp-review"
        ]
        if any(reviews):
            rv = etree.SubElement(el, "Reviews")
            for d in reviews:
                _sub(rv, "CPPreviewDate", d)


def _header_element(record: Mapping[str, Any] | None, cin_year: int) -> etree._Element:
    """The Header: the census header the first record came from (its Provenance), else one for ``cin_year``."""
    header = etree.Element("Header")
    stored: dict[str, Any] = {}
    source: dict[str, Any] = {}
    lea = ""
    if record is not None:
        provenance = _items(record, "provenance")
        if provenance:
            stored = provenance[0].get("cinHeader") or {}
            source = provenance[0].get("cinHeaderSource") or {}
        for agency in _items(record, "agencies"):
            lea = next(
                (
                    str(i.get("value"))
                    for i in agency.get("identifiers", ())
                    if isinstance(i, dict) and i.get("system") == ID["la-code"]
                ),
                "",
            )
            if lea:
                break
    values = {_HEADER_TAGS[k]: str(v) for k, v in stored.items() if k in _HEADER_TAGS}
    sources = [{_SOURCE_TAGS[k]: str(v) for k, v in source.items() if k in _SOURCE_TAGS}] if source else []
    if not values and not sources:
        values = {"Collection": "CIN", "Year": str(cin_year), "ReferenceDate": f"{cin_year + 1}-03-31"}
        if lea:
            sources = [{"SourceLevel": "L", "LEA": lea}]
    cd = etree.SubElement(header, "CollectionDetails")
    for tag in ("Collection", "Year", "ReferenceDate"):
        _sub(cd, tag, values.get(tag))
    for src in sources:
        s = etree.SubElement(header, "Source")
        for tag in ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"):
            _sub(s, tag, src.get(tag))
    return header
