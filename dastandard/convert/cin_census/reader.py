"""Reading a CIN census return: each Child's values become the logical record's domain terms (items per section),
and its DACaseBundle comes from the one writer (``dastandard.logical.logical_to_bundle``).

Bad content (missing fields, unknown codes, malformed dates, repeats) becomes report entries with their XPath as
the values are read; what the mapping does not know and stray text were noted by the XML walk and are reported
after the Child's own entries. No FHIR is written here: every resource shape is the writer's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.convert.cin_census.vocabulary import (
    ABSENT,
    CHILD_PATH,
    CS,
    DA_FACTORS,
    DATES_SEEN,
    FACTOR,
    FALSE_TEXTS,
    ID,
    NAME,
    PLACEHOLDER_TEXT,
    SEP,
    TRUE_TEXTS,
    UPN_SHAPE,
    CensusHeader,
    KeyIds,
    code_list,
    code_map,
    coding,
    codings,
    is_date,
    mapping,
    upn_check_letter,
)
from dastandard.convert.cin_census.xml_walk import ChildUnit, Node, first, node_of, place, walked
from dastandard.convert.provenance import as_instant
from dastandard.logical import logical_to_bundle
from dastandard.model.ids import stable_id

EPOCH = "1970-01-01T00:00:00Z"  # the Provenance time of a return that gives none (as the other readers)
# The labels every census Bundle carries: restricted, and domestic abuse information.
SECURITY: dict[str, Any] = {
    "confidentiality": {"code": "R", "display": "restricted"},
    "labels": [{"code": "SDV", "display": "sexual assault, abuse, or domestic violence information sensitivity"}],
}


@dataclass
class Context:
    """What every Child of one file shares."""

    report: ConversionReport
    name: str
    header: CensusHeader
    mapped: dict[str, str]
    fields: dict[str, Any] = field(init=False)
    recorded: str | None = field(init=False)
    system: str = field(init=False)
    lea: str = field(init=False)
    reference_date: str = field(init=False)
    year_start: str = field(init=False)  # the first day of the census year ('' when the reference date is not one)
    agency_id: str = field(init=False)
    header_terms: dict[str, dict[str, str]] = field(init=False)  # shared by every record: never mutated
    read: set[tuple[str, str]] = field(init=False)  # (container path, leaf tag) pairs already noted in mapped

    def __post_init__(self) -> None:
        self.fields = mapping()["fields"]
        sources = self.header.sources
        self.recorded = as_instant(sources[0].get("DateTime") if sources else None) or as_instant(
            self.header.values.get("ReferenceDate", "")
        )
        self.system = self.header.system
        self.lea = self.header.lea
        self.reference_date = self.header.values.get("ReferenceDate", "")
        self.year_start = _year_start(self.reference_date)
        self.agency_id = stable_id(NAME, "agency", self.lea)
        self.header_terms = self.header.terms()
        self.read = set()


def _year_start(reference_date: str) -> str:
    """The first day of the census year that ends on ``reference_date`` (the day after it a year before)."""
    if not is_date(reference_date):
        return ""
    end = date.fromisoformat(reference_date)
    try:
        return (end.replace(year=end.year - 1) + timedelta(days=1)).isoformat()
    except ValueError:  # 29 February
        return end.replace(year=end.year - 1, day=28).isoformat()


def census_bundle(child: Mapping[str, Any], header: CensusHeader, *, source_file: str, number: int) -> dict[str, Any]:
    """The DACaseBundle of one census Child given as a nested mapping in census element order and names
    (``{"ChildIdentifiers": {"LAchildID": ...}, "CINdetails": [{...}, ...]}``; a list is a repeat).

    The Bundle is the one reading Child ``number`` of a return with this ``header`` from a file called
    ``source_file`` gives; what the reader would report goes nowhere.
    """
    ctx = Context(ConversionReport(), source_file, header, {})
    xpath = f"{CHILD_PATH}[{number}]"
    return ChildReader(ctx, xpath, 1).build(node_of(child, Node("Child", CHILD_PATH, loc=xpath)), [])


def build_batch(
    name: str, encode: Callable[[dict[str, Any]], bytes], units: list[ChildUnit]
) -> tuple[list[tuple[list[ReportEntry], bytes, list[ReportEntry]]], dict[str, str]]:
    """Worker side of a parallel read: for each unit its entries-before, encoded Bundle and own entries; and the
    mapping paths the batch read."""
    out: list[tuple[list[ReportEntry], bytes, list[ReportEntry]]] = []
    mapped: dict[str, str] = {}
    ctx: Context | None = None
    for unit in units:
        if ctx is None or ctx.header is not unit.header:
            ctx = Context(ConversionReport(), name, unit.header, mapped)
        ctx.report.entries = []
        bundle = ChildReader(ctx, unit.xpath, unit.occurrence).build(*walked(unit))
        out.append((unit.before, encode(bundle), ctx.report.entries))
    return out, mapped


def finish_read(report: ConversionReport, held: ConversionReport, mapped: dict[str, str]) -> None:
    """What was reported after the last Child, then one ``mapped`` entry per mapping path seen, sorted."""
    report.entries.extend(held.entries)
    for path in sorted(mapped):
        report.add(ReportEntry(Loss.MAPPED, path.rsplit("/", 1)[-1], path, target=mapped[path]))


@cache
def _term(cs_id: str, code: str) -> dict[str, str]:
    """A code of a shipped CIN CodeSystem in the record's terms: code, system and display (shared: never mutated)."""
    template = coding(cs_id, code)
    return {"code": code, **{k: v for k, v in template.items() if k != "code"}}


@cache
def _constant(cs_id: str, code: str) -> dict[str, str]:
    """A fixed code of one of the standard's own code lists, with its system (shared: never mutated)."""
    return {"code": code, "system": CS[cs_id]}


class ChildReader:
    """Reads one Child (its ``Node`` tree) into a logical record and its Bundle, reporting as it goes."""

    ids: KeyIds  # set by build, once the Child's key is known
    root: Node  # the Child, set by build

    def __init__(self, ctx: Context, xpath: str, occurrence: int) -> None:
        self.ctx = ctx
        self.report = ctx.report
        self.xpath = xpath
        self.mapped = ctx.mapped
        self.read = ctx.read
        self.occurrence = occurrence
        self.doc: dict[str, Any] = {}
        self.order: list[str] = []  # the section of each entry, in Bundle entry order
        self.locals: list[str] = []  # the local id of each entry, in the same order
        self.key: tuple[str, ...] = ()
        self.who = "LAchildID (none)"  # the Child as named in findings, set by record
        self.placeholders: dict[str, str] = {}
        self.reference_date = ctx.reference_date
        self.birth = ""  # the child's birth date and whether it is unborn, set by _person
        self.unborn = False

    # -- reporting helpers
    def _loc(self, node: Node) -> str:
        """The XPath of a container of this Child (the first call works out those of the whole tree)."""
        if not node.loc:
            place(self.root)
        return node.loc

    def _at(self, parent: Node | None, tag: str, i: int = 1) -> str:
        """The XPath of the ``i``-th ``tag`` under ``parent``, with a position only when ``tag`` repeats ('' without
        a parent)."""
        if parent is None:
            return ""
        loc = self._loc(parent)
        return f"{loc}/{tag}[{i}]" if len(parent.kids.get(tag, ())) > 1 else f"{loc}/{tag}"

    def _add(self, kind: Loss, fld: str, location: str, message: str = "", code: str = "", target: str = "") -> None:
        self.report.add(ReportEntry(kind, fld, location, message, code, target))

    # -- value access: every read marks the generic path as mapped; XPaths are made only to report
    def _mark(self, parent: Node, tag: str) -> None:
        """Note that ``tag`` under ``parent`` was read: its mapping path is mapped (callers look in ``read``
        first, so this runs once per file and path)."""
        self.read.add((parent.generic, tag))
        generic = f"{parent.generic}/{tag}"
        fld = self.ctx.fields.get(generic)
        if fld is not None and generic not in self.mapped:
            self.mapped[generic] = fld["target"]

    def _values(self, parent: Node | None, tag: str) -> list[str]:
        """The stripped texts of every ``tag`` child; the i-th (from 1) is at ``_at(parent, tag, i)``."""
        if parent is None:
            return []
        vals = parent.kids.get(tag)
        if not vals:
            return []
        if (parent.generic, tag) not in self.read:
            self._mark(parent, tag)
        return vals

    def _one(self, parent: Node | None, tag: str, required: bool = False) -> str:
        """The stripped text of the single ``tag`` child ('' when absent; a repeat is reported). It is at
        ``_at(parent, tag)``."""
        if parent is None:
            return ""
        vals = parent.kids.get(tag)
        if vals is None:
            if required:
                self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is required but missing or empty")
            return ""
        if (parent.generic, tag) not in self.read:
            self._mark(parent, tag)
        text: str = vals[0]
        if not text:
            if required:
                self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is required but missing or empty")
            return ""
        if len(vals) > 1:
            for i in range(2, len(vals) + 1):
                self._add(
                    Loss.INVALID_INPUT,
                    tag,
                    self._at(parent, tag, i),
                    f"{tag} may occur once; the repeat is not converted",
                )
        return text

    def _date(self, parent: Node | None, tag: str, required: bool = False) -> str:
        """The single ``tag`` child if it is a real date, else ''. Reports what ``_one`` does, a text that is not a
        date, and a date after the census reference date."""
        if parent is None:
            return ""
        vals = parent.kids.get(tag)
        if vals is not None and len(vals) == 1 and vals[0]:  # the usual case: as _one, with nothing to report
            text: str = vals[0]
            if (parent.generic, tag) not in self.read:
                self._mark(parent, tag)
        elif vals is None and not required:
            return ""
        else:
            text = self._one(parent, tag, required)
            if not text:
                return ""
        if text not in DATES_SEEN and not is_date(text):
            self._add(
                Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is not a date (YYYY-MM-DD); not converted"
            )
            return ""
        if text > self.reference_date and self.reference_date and tag != "ExpectedPersonBirthDate":
            self._add(
                Loss.INVALID_INPUT,
                tag,
                self._at(parent, tag),
                f"{tag} is after the census reference date; kept as recorded",
            )
        elif text < self.ctx.year_start and (tag, parent.tag) in _IN_CENSUS_YEAR:
            what = f"{tag} is before the census year, which starts {self.ctx.year_start}"
            self._dfe_fault(parent, tag, what, _IN_CENSUS_YEAR[tag, parent.tag], text)
        return text

    def _dfe_fault(self, parent: Node | None, tag: str, what: str, rule: str, value: str) -> None:
        """Report a fault of the DfE rules at the ``tag`` under ``parent``, naming the Child; the value is kept."""
        message = f"{self.who}: {what} (DfE rule {rule}); kept as recorded"
        self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), message, code=value)

    def _bool(self, parent: Node | None, tag: str, required: bool = False) -> bool | None:
        text = self._one(parent, tag, required)
        if text in TRUE_TEXTS:
            return True
        if text in FALSE_TEXTS:
            return False
        if text:
            self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is not true/false/1/0; not converted")
        return None

    def _code(self, cs_id: str, text: str, parent: Node | None, tag: str) -> dict[str, str]:
        """A code of a CIN CodeSystem; an unknown code is kept as text and reported."""
        known = codings(cs_id).get(text)
        if known is not None:
            return _term(cs_id, text)
        self._add(Loss.UNMAPPED_CODE, tag, self._at(parent, tag), f"not a {cs_id} code; kept as text", code=text)
        return {"text": text}

    def _mapped(
        self, cm_id: str, text: str, parent: Node | None, tag: str, i: int = 1, keep_source: bool = False
    ) -> dict[str, Any]:
        """A code via a ConceptMap for the ``i``-th ``tag`` under ``parent``; lossy targets are reported. An
        unknown code is kept as text and the value is stated unknown, so the coded field still meets its binding."""
        cmap = code_map(cm_id)
        hit = cmap.forward.get(text)
        if hit is None:
            self._add(
                Loss.UNMAPPED_CODE,
                tag,
                self._at(parent, tag, i),
                f"no mapping in ConceptMap {cm_id}; kept as text, stated unknown",
                code=text,
            )
            return {"text": text, **ABSENT}
        tgt, _, eq = hit
        if eq not in ("equal", "equivalent"):
            self._add(
                Loss.LOSSY_CODE,
                tag,
                self._at(parent, tag, i),
                f"ConceptMap {cm_id}: target is {eq}",
                code=text,
                target=tgt,
            )
        return _mapped_term(cm_id, text, keep_source)

    # -- the record
    def _item(self, section: str, local: str, item: dict[str, Any]) -> None:
        """Add ``item`` (its local id ``local``, its resource id from the Child's key) to ``section``."""
        self.doc.setdefault(section, []).append(item)
        self.order.append(section)
        self.locals.append(local)

    def _local(self, local: str, key: str) -> dict[str, Any]:
        """The start of an item: its local id, and its resource id from the Child's key and ``key`` (the parts
        joined with ``SEP``)."""
        return {"id": local, "resourceId": self.ids.of(key)}

    def build(self, child: Node, deferred: list[ReportEntry]) -> dict[str, Any]:
        """The Bundle of ``child``; ``deferred`` (what the mapping does not know, stray text) is reported after
        the record's own entries."""
        return logical_to_bundle(self.record(child, deferred), checked=True, conversion_provenance=False)

    def record(self, child: Node, deferred: list[ReportEntry]) -> dict[str, Any]:
        """The logical record of ``child`` (valid when the Child is; the reader reports why when it is not)."""
        ctx = self.ctx
        self.root = child
        ids = first(child, "ChildIdentifiers")
        chars = first(child, "ChildCharacteristics")
        if ids is None:
            self._add(Loss.INVALID_INPUT, "ChildIdentifiers", f"{self.xpath}/ChildIdentifiers", "missing")
        if chars is None:
            self._add(Loss.INVALID_INPUT, "ChildCharacteristics", f"{self.xpath}/ChildCharacteristics", "missing")
        la_child_id = self._one(ids, "LAchildID", required=True)
        if la_child_id:
            self.who = f"LAchildID {la_child_id}"
        lea = ctx.lea
        self.key = (NAME, lea, la_child_id, str(self.occurrence)) if la_child_id else (NAME, lea, "#", self.xpath)
        self.ids = KeyIds(self.key)
        doc = self.doc
        doc["caseId"] = la_child_id
        doc["caseIdSystem"] = ID["la-child-id"]
        doc["bundleId"] = self.ids.of("bundle")
        # when the return was generated (else its reference date): the same input always gives the same Bundle
        recorded = ctx.recorded
        if recorded:
            doc["extractedAt"] = recorded
        doc["security"] = SECURITY
        doc["labelEntries"] = False
        self._agency(lea)
        self._person(ids, chars, la_child_id)
        n = 0
        for ep in child.kids.get("CINdetails", ()):
            n += 1
            self._episode(ep, n)
        if n == 0:
            self._add(Loss.INVALID_INPUT, "CINdetails", f"{self.xpath}/CINdetails", "at least one CINdetails needed")
        for e in deferred:
            self.report.add(e)
        provenance: dict[str, Any] = {
            "resourceId": self.ids.of("provenance"),
            "targets": list(self.locals),
            "recorded": recorded or EPOCH,
            "agents": _agents(ctx.system),
            "sources": [
                {"role": "source", "record": {"system": ID["source-file"], "value": ctx.name}},
                {"role": "source", "record": {"system": ID["source-record"], "value": self.xpath}},
            ],
            "factSource": "record-check",
            **ctx.header_terms,
        }
        doc["provenance"] = [provenance]
        self.order.append("provenance")
        doc["entryOrder"] = self.order
        return doc

    def _agency(self, lea: str) -> None:
        item: dict[str, Any] = {
            "id": "agency",
            "resourceId": self.ctx.agency_id,  # one agency for the whole return
            "name": f"Local authority {lea} children's social care"
            if lea
            else "Local authority children's social care",
            "types": [_constant("agency-type", "childrens-social-care")],
            "active": True,
        }
        if lea:
            item["identifiers"] = [{"system": ID["la-code"], "value": lea}]
        self._item("agencies", "agency", item)

    def _person(self, ids: Node | None, chars: Node | None, la_child_id: str) -> None:
        p = self._local("child", "child")
        ident: list[dict[str, Any]] = []
        if la_child_id:
            ident.append({"system": ID["la-child-id"], "value": la_child_id})
        for tag, use in (("UPN", "official"), ("FormerUPN", "old")):
            upn = self._one(ids, tag)
            if upn:
                if not UPN_SHAPE.fullmatch(upn):
                    self._add(
                        Loss.INVALID_INPUT,
                        tag,
                        self._at(ids, tag),
                        f"{tag} does not match the UPN pattern; kept as recorded",
                    )
                elif upn[0].upper() != upn_check_letter(upn):
                    what = f"the check letter of {tag} should be {upn_check_letter(upn)}"
                    self._dfe_fault(ids, tag, what, "1510", upn)
                ident.append({"use": use, "system": ID["upn"], "value": upn})
        if ident:
            p["identifiers"] = ident
        unknown = self._one(ids, "UPNunknown")
        if unknown:
            p["upnUnknown"] = self._code("cin-upn-unknown", unknown, ids, "UPNunknown")
        birth = self._date(ids, "PersonBirthDate")
        expected = self._date(ids, "ExpectedPersonBirthDate")
        self.birth = birth
        self.unborn = bool(expected) and not birth
        p["birthDate"] = birth or ABSENT
        if expected:
            p["expectedBirthDate"] = expected
            if not birth:
                p["unborn"] = True
        if not birth and not expected:
            self._add(
                Loss.INVALID_INPUT,
                "PersonBirthDate",
                f"{self.xpath}/ChildIdentifiers/PersonBirthDate",
                "neither PersonBirthDate nor ExpectedPersonBirthDate is recorded",
            )
        sex = self._one(ids, "Sex")
        gender = self._one(ids, "GenderCurrent")
        if sex and self.unborn and sex.upper() != "U":
            self._dfe_fault(ids, "Sex", "an unborn child's Sex must be U", "8750", sex)
        elif gender and not sex and self.unborn and gender != "0":
            self._dfe_fault(ids, "GenderCurrent", "an unborn child's GenderCurrent must be 0", "8750", gender)
        if sex:
            p["sex"] = self._mapped("cin-sex", sex, ids, "Sex")
        elif gender:
            p["sex"] = self._mapped("cin-gender-current-to-sex", gender, ids, "GenderCurrent", keep_source=True)
        else:
            self._add(
                Loss.INVALID_INPUT,
                "Sex",
                f"{self.xpath}/ChildIdentifiers/Sex",
                "neither Sex nor GenderCurrent is recorded",
            )
        if sex and gender:
            self._add(
                Loss.INVALID_INPUT,
                "GenderCurrent",
                self._at(ids, "GenderCurrent"),
                "both Sex and GenderCurrent are recorded; GenderCurrent is not converted",
            )
        death = self._date(ids, "PersonDeathDate")
        if death:
            p["deceased"] = death
        ethnicity = self._one(chars, "Ethnicity", required=chars is not None)
        if ethnicity:
            dfe = self._mapped("cin-ethnicity-dfe", ethnicity, chars, "Ethnicity")
            p["ethnicityDfe"] = dfe
            if "code" in dfe:
                p["ethnicityNhs"] = self._mapped("cin-ethnicity-dfe-to-nhs", ethnicity, chars, "Ethnicity")
        disabilities = first(chars, "Disabilities")
        seen: set[str] = set()
        found: list[dict[str, Any]] = []
        for i, code in enumerate(self._values(disabilities, "Disability"), start=1):
            if code in seen:
                self._add(
                    Loss.INVALID_INPUT,
                    "Disability",
                    self._at(disabilities, "Disability", i),
                    "duplicate disability code",
                    code=code,
                )
            seen.add(code)
            found.append(self._mapped("cin-disability", code, disabilities, "Disability", i))
        if found:
            p["disability"] = found
        # what the census does not hold (and sex, ethnicity and disability when the Child records none) is unknown
        self._item("persons", "child", {**_UNKNOWN_CHARACTERISTICS, **p})

    def _placeholder(self, role: str) -> str:
        """The unnamed person a B or C factor is about (one per role per child), with its relationship."""
        if role in self.placeholders:
            return self.placeholders[role]
        local = f"placeholder-{role}"
        person = {**self._local(local, f"placeholder{SEP}{role}"), **_UNKNOWN_CHARACTERISTICS, "birthDate": ABSENT}
        self._item("persons", local, person)
        relationship = f"relationship-{role}"
        self._item(
            "relationships",
            relationship,
            {
                **self._local(relationship, f"relationship{SEP}{role}"),
                "person": "child",
                "relatedPerson": local,
                "relationship": [{"text": PLACEHOLDER_TEXT[role]}],
            },
        )
        self.placeholders[role] = local
        return local

    def _episode(self, el: Node, n: int) -> None:
        local = f"episode-{n}"
        start = self._date(el, "CINreferralDate", required=True)
        end = self._date(el, "CINclosureDate")
        ep: dict[str, Any] = {
            **self._local(local, f"episode{SEP}{n}"),
            "status": "finished" if end else "active",
            "serviceType": [_constant("service-type", "childrens-social-care")],
            "person": "child",
            "agency": "agency",
        }
        period = _period(start, end)
        if period:
            ep["period"] = period
        for tag, cs_id, key, required in _EPISODE_CODES:
            text = self._one(el, tag, required)
            if text:
                ep[key] = self._code(cs_id, text, el, tag)
        icpc = self._date(el, "DateOfInitialCPC")
        if icpc:
            ep["initialCpcDate"] = icpc
        nfa = self._bool(el, "ReferralNFA", required=True)
        if nfa is not None:
            ep["referralNfa"] = nfa
        self._item("serviceEpisodes", local, ep)
        counters: dict[str, int] = {}
        for sub in el.order:  # Assessments, CINPlanDates, Section47 and ChildProtectionPlans, in document order
            k = counters[sub.tag] = counters.get(sub.tag, 0) + 1
            _EPISODE_PARTS[sub.tag](self, sub, local, n, k)

    def _assessment(self, el: Node, episode: str, n: int, k: int) -> None:
        local = f"{episode}-assessment-{k}"
        key = f"episode{SEP}{n}{SEP}assessment{SEP}{k}"
        start = self._date(el, "AssessmentActualStartDate", required=True)
        review = self._date(el, "AssessmentInternalReviewDate")
        authorised = self._date(el, "AssessmentAuthorisationDate")
        ra: dict[str, Any] = {
            **self._local(local, key),
            "status": "final" if authorised else "preliminary",
            "tool": _tool("assessment"),
            "code": _term("cin-activity", "assessment"),
            "episode": episode,
            "victim": "child",
            "date": start or ABSENT,
            "agency": "agency",
        }
        if review:
            ra["assessmentInternalReview"] = review
        if authorised:
            ra["assessmentAuthorised"] = authorised
        self._item("riskAssessments", local, ra)
        factors_el = first(el, "FactorsIdentifiedAtAssessment")
        basis: list[str] = []
        seen: set[str] = set()
        when = authorised or start
        direct = self._child_is_16(when)  # factor 3A makes the child a party only from 16
        for f, code in enumerate(self._values(factors_el, "AssessmentFactors"), start=1):
            if code in seen:
                self._add(
                    Loss.INVALID_INPUT,
                    "AssessmentFactors",
                    self._at(factors_el, "AssessmentFactors", f),
                    "duplicate factor on one assessment",
                    code=code,
                )
            seen.add(code)
            factor, factor_key = f"{local}-factor-{f}", f"{key}{SEP}factor{SEP}{f}"
            basis.append(factor)
            if code in DA_FACTORS:
                self._da_concern(factor, factor_key, code, when, f"{self.key[2]}/{n}/{k}/{f}", direct)
            else:
                self._risk_factor(factor, factor_key, code, when, factors_el, f)
            if DA_FACTORS.get(code) == "child" and not self.unborn:
                self._child_victim_status(factor, factor_key, when, direct)
        if "21" in seen and len(seen) > 1:
            self._add(
                Loss.INVALID_INPUT,
                "AssessmentFactors",
                self._loc(factors_el) if factors_el is not None else "",
                "factor 21 (no factors identified) must be the only factor",
                code="21",
            )
        if basis:
            ra["incidents"] = basis

    def _subject_for(self, code: str) -> str:
        m = FACTOR.fullmatch(code)
        if m and m.group(2) == "B":
            return self._placeholder("parent-or-carer")
        if m and m.group(2) == "C":
            return self._placeholder("household-member")
        return "child"

    def _child_is_16(self, when: str) -> bool:
        """Whether the child is known to be 16 or over on ``when`` (both dates YYYY-MM-DD)."""
        birth = self.birth
        if not (birth and when):
            return False
        years = int(when[:4]) - int(birth[:4]) - (when[5:10] < birth[5:10])
        return years >= 16

    def _da_concern(self, local: str, key: str, code: str, when: str, ref: str, direct: bool) -> None:
        """The incident of factor 3A, 3B or 3C. For 3A the child is the victim party only when known to be 16 or
        over (``direct``, DA Act 2021 s1(2)(a)); a younger child, or one of unknown age, is a victim under s3
        instead (``_child_victim_status``) and the incident's victim is not identified."""
        role = DA_FACTORS[code]
        victim: Any
        if role != "child":
            victim = self._placeholder(role)
        elif direct:
            victim = "child"
        else:
            victim = ABSENT
        incident: dict[str, Any] = {
            **self._local(local, key),
            "status": "final",
            "identifiers": [{"system": ID["cin-assessment-factor"], "value": ref}],
            "subject": "child",
            "effectiveDateTime": when or ABSENT,
            "agency": "agency",
            "behaviour": "Domestic abuse concern identified at a children's social care assessment: "
            + code_list("cin-assessment-factor")[code],
            "abuseKinds": [ABSENT],
            # the census names no perpetrator: the role is stated, the person is absent (da-inc-1, L04)
            "parties": [{"person": victim, "role": "victim"}, {"person": ABSENT, "role": "person-causing-harm"}],
            "kindCodings": [_term("cin-assessment-factor", code)],
        }
        self._item("incidents", local, incident)

    def _child_victim_status(self, incident: str, incident_key: str, when: str, direct: bool) -> None:
        """The child's victim status for the factor 3A ``incident``: a direct victim (s1) when known to be 16 or
        over (``direct``), else a child victim (s3). The census says nothing of how the child was affected."""
        local = f"{incident}-victim-status"
        status: dict[str, Any] = {
            **self._local(local, f"{incident_key}{SEP}victim-status"),
            "status": "final",
            "child": "child",
            "incidents": [incident],
            "effectiveDateTime": when or ABSENT,
            "victimStatus": _term("victim-status", "s1-direct-victim" if direct else "s3-child-victim"),
            "agency": "agency",
        }
        if not direct:  # how the child was affected and is related are not in the census (da-cvs-2)
            status["basis"] = [ABSENT]
            status["relatedTo"] = [ABSENT]
        self._item("childVictimStatuses", local, status)

    def _risk_factor(self, local: str, key: str, code: str, when: str, parent: Node | None, f: int) -> None:
        """The risk factor of the ``f``-th AssessmentFactors under ``parent``."""
        item: dict[str, Any] = {**self._local(local, key), "status": "final"}
        if code in codings("cin-assessment-factor"):
            cin = _term("cin-assessment-factor", code)
            item["kindCodings"] = [cin]
            hit = code_map("cin-assessment-factor-to-risk-factor").forward.get(code)
            item["factor"] = {"code": hit[0], "system": CS["risk-factor"], "codings": [cin]} if hit else cin
            item["person"] = self._subject_for(code)
        else:
            self._add(
                Loss.UNMAPPED_CODE,
                "AssessmentFactors",
                self._at(parent, "AssessmentFactors", f),
                "not a CIN assessment factor; kept as text",
                code=code,
            )
            item["factor"] = {"text": code}
            item["person"] = "child"
        item["effectiveDateTime"] = when or ABSENT
        item["agency"] = "agency"
        self._item("riskFactors", local, item)

    def _section47(self, el: Node, episode: str, n: int, k: int) -> None:
        start = self._date(el, "S47ActualStartDate", required=True)
        target = self._date(el, "InitialCPCtarget")
        icpc = self._date(el, "DateOfInitialCPC")
        not_required = self._bool(el, "ICPCnotRequired", required=True)
        local = f"{episode}-section47-{k}"
        ra: dict[str, Any] = {
            **self._local(local, f"episode{SEP}{n}{SEP}section47{SEP}{k}"),
            "status": "final" if (icpc or not_required) else "preliminary",
            "tool": _tool("section-47"),
            "code": _term("cin-activity", "section-47"),
            "episode": episode,
            "victim": "child",
            "date": start or ABSENT,
            "agency": "agency",
        }
        if target:
            ra["icpcTargetDate"] = target
        if icpc:
            ra["initialCpcDate"] = icpc
        if not_required is not None:
            ra["icpcNotRequired"] = not_required
        self._item("riskAssessments", local, ra)

    def _plan(self, local: str, key: str, episode: str, kind: str, start: str, end: str) -> dict[str, Any]:
        plan: dict[str, Any] = {
            **self._local(local, key),
            "status": "completed" if end else "active",
            "planType": _plan_type(kind),
            "subject": "child",
            "author": "agency",
            "episode": episode,
        }
        period = _period(start, end)
        if period:
            plan["period"] = period
        return plan

    def _cin_plan(self, el: Node, episode: str, n: int, k: int) -> None:
        start = self._date(el, "CINPlanStartDate", required=True)
        end = self._date(el, "CINPlanEndDate")
        local = f"{episode}-cin-plan-{k}"
        key = f"episode{SEP}{n}{SEP}cin-plan{SEP}{k}"
        self._item("plans", local, self._plan(local, key, episode, "cin-plan", start, end))

    def _cp_plan(self, el: Node, episode: str, n: int, k: int) -> None:
        start = self._date(el, "CPPstartDate", required=True)
        end = self._date(el, "CPPendDate")
        local = f"{episode}-cp-plan-{k}"
        key = f"episode{SEP}{n}{SEP}cp-plan{SEP}{k}"
        plan = self._plan(local, key, episode, "child-protection-plan", start, end)
        initial = self._one(el, "InitialCategoryOfAbuse", required=True)
        latest = self._one(el, "LatestCategoryOfAbuse", required=True)
        if initial:
            plan["initialCategoryOfAbuse"] = self._code("cin-category-of-abuse", initial, el, "InitialCategoryOfAbuse")
        if latest:
            plan["categories"] = [self._code("cin-category-of-abuse", latest, el, "LatestCategoryOfAbuse")]
        count = self._one(el, "NumberOfPreviousCPP", required=True)
        if count:
            if count.isdigit():
                plan["previousCppCount"] = int(count)
            else:
                self._add(
                    Loss.INVALID_INPUT,
                    "NumberOfPreviousCPP",
                    self._at(el, "NumberOfPreviousCPP"),
                    "not a whole number; not converted",
                )
        reviews = first(el, "Reviews")
        activities = []
        for i, text in enumerate(self._values(reviews, "CPPreviewDate"), start=1):
            if not is_date(text):
                self._add(
                    Loss.INVALID_INPUT,
                    "CPPreviewDate",
                    self._at(reviews, "CPPreviewDate", i),
                    "CPPreviewDate is not a date; not converted",
                )
                continue
            activities.append(
                {
                    "directedAt": ["child"],
                    "action": _term("cin-activity", "cpp-review"),
                    "status": "completed",
                    "scheduled": {"start": text, "end": text},
                    "agency": "agency",
                }
            )
        if activities:
            plan["activities"] = activities
        self._item("plans", local, plan)


# What each container of a CINdetails becomes (its node, the episode's local id, its number and its own).
_EPISODE_PARTS: dict[str, Callable[[ChildReader, Node, str, int, int], None]] = {
    "Assessments": ChildReader._assessment,
    "CINPlanDates": ChildReader._cin_plan,
    "Section47": ChildReader._section47,
    "ChildProtectionPlans": ChildReader._cp_plan,
}

# The end dates the DfE requires inside the census year (tag, its container): the rule that says so.
_IN_CENSUS_YEAR: dict[tuple[str, str], str] = {
    ("CINclosureDate", "CINdetails"): "8620",
    ("AssessmentAuthorisationDate", "Assessments"): "8696",
    ("DateOfInitialCPC", "Section47"): "8715",
    ("CPPendDate", "ChildProtectionPlans"): "8930",
    ("CINPlanEndDate", "CINPlanDates"): "4013",
}

# CINdetails codes: tag, CodeSystem, the service episode's key, whether required.
_EPISODE_CODES = (
    ("ReferralSource", "cin-referral-source", "referralSource", True),
    ("PrimaryNeedCode", "cin-primary-need", "primaryNeed", False),
    ("ReasonForClosure", "cin-closure-reason", "endReason", False),
)

# The characteristics of a person the census does not hold, stated as unknown (a template: never mutated).
_UNKNOWN_CHARACTERISTICS: dict[str, Any] = {
    "sex": ABSENT,
    "genderIdentity": ABSENT,
    "sexualOrientation": ABSENT,
    "ethnicityNhs": ABSENT,
    "ethnicityOns2021": ABSENT,
    "ethnicityDfe": ABSENT,
    "religion": [ABSENT],
    "disability": [ABSENT],
    "pregnancy": {"status": ABSENT},
}


_TOOL_TEXT = {
    "assessment": "Children's social care assessment (Children Act 1989)",
    "section-47": "Section 47 enquiry (Children Act 1989)",
}


@cache
def _tool(activity: str) -> dict[str, str]:
    """The method of a CIN assessment or Section 47 enquiry: another tool, named (shared: never mutated)."""
    return {"code": "other", "system": CS["risk-tool"], "text": _TOOL_TEXT[activity]}


@cache
def _plan_type(kind: str) -> dict[str, Any]:
    return {"code": kind, "system": CS["plan-type"], "codings": [_term("cin-activity", kind)]}


@cache
def _mapped_term(cm_id: str, text: str, keep_source: bool) -> dict[str, Any]:
    """The target of ``text`` in ConceptMap ``cm_id`` (it has one), with the source coding when ``keep_source``
    (shared: never mutated)."""
    cmap = code_map(cm_id)
    tgt, display, _ = cmap.forward[text]
    term: dict[str, Any] = {"code": tgt, "system": cmap.target}
    if display:
        term["display"] = display
    if keep_source:
        src = {"code": text, "system": cmap.source}
        if cmap.source_display.get(text):
            src["display"] = cmap.source_display[text]
        term["codings"] = [src]
    return term


@cache
def _agents(system: str) -> list[dict[str, Any]]:
    """The Provenance agents: the local authority (author) and the census software (assembler), if named."""
    agents: list[dict[str, Any]] = [{"type": "author", "who": "agency"}]
    if system:
        agents.append({"type": "assembler", "who": {"display": system}})
    return agents


def _period(start: str, end: str) -> dict[str, str] | None:
    """A Period of whichever of ``start`` and ``end`` are known (None for neither)."""
    if not (start or end):
        return None
    period = {}
    if start:
        period["start"] = start
    if end:
        period["end"] = end
    return period
