"""The SafeLives MARAC national dataset return (``safelives-marac-return``, write only): meeting-level quarterly
figures, with the children in the households counted, from case-level records.

SafeLives collects MARAC data at meeting level, with no individual case data, and publishes it quarterly. Its
official field list is not published in a form this project could check; the columns are the figures that
SafeLives' MARAC data reviews and local MARAC reports list (cases heard, children in the households, repeat
cases, BME referrals, victims with a disability, male victims, LGB cases, persons causing harm aged 17 or under,
referrals by agency) that the standard's records can state. Each row is one MARAC and one calendar quarter. The
decisions and what is left out are in ``converters/marac-return/README.md``.

A case counts in the quarter of its MARAC referral's date (``authoredOn``): the standard records when a referral was
made, not the date of the meeting that heard it. Everything about individual people is left out by design of an
aggregate return: each section the figures do not read is a ``not-projected`` entry, so a conversion stays lossless
when the figures are complete. A referral with no date cannot be placed in a quarter: it is ``invalid-input`` and
not counted. A characteristic that is absent (a data-absent reason) is counted in its ``_not_recorded`` column,
never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any, ClassVar

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.convert._csv import write_csv
from dastandard.convert.base import Format
from dastandard.logical import bundle_to_logical
from dastandard.model.ids import code_system_url
from dastandard.standard import standard

WHITE_NHS = frozenset({"A", "B", "C"})  # NHS England ethnic categories of the White group
NOT_STATED_NHS = frozenset({"Z", "99"})
LGB_ORIENTATIONS = frozenset({"2", "3", "4"})  # gay or lesbian, bisexual, other (NHS sexual orientation)
NO_DISABILITY = frozenset({"NONE"})
# The fields each referral's figures read: section -> fields (everything else is not projected).
READ: dict[str, frozenset[str]] = {
    "maracReferrals": frozenset(
        {"authoredOn", "victim", "referrer", "performers", "criteria", "children", "personCausingHarm"}
    ),
    "persons": frozenset({"birthDate", "sex", "ethnicityNhs", "disability", "sexualOrientation"}),
    "agencies": frozenset({"name", "types"}),
}
FIGURES = (
    "cases_heard",
    "repeat_cases",
    "cases_with_children",
    "children_in_households",
    "victims_bme",
    "victims_ethnicity_not_recorded",
    "victims_with_disability",
    "victims_disability_not_recorded",
    "victims_male",
    "victims_sex_not_recorded",
    "victims_lgb",
    "victims_sexual_orientation_not_recorded",
    "persons_causing_harm_under_18",
    "persons_causing_harm_age_not_recorded",
)


@cache
def referrer_types() -> tuple[str, ...]:
    """The standard's agency types in its CodeSystem's order, but the MARAC itself: a "referrals from" column each."""
    artifact = standard().get(code_system_url("agency-type"))
    concepts = artifact.resource.get("concept", []) if artifact else []
    return tuple(str(c["code"]) for c in concepts if c.get("code") != "marac")


@cache
def header() -> tuple[str, ...]:
    """The return's columns: the MARAC and quarter, the figures, then referrals by agency type."""
    return (
        "marac",
        "quarter",
        "period_start",
        "period_end",
        *FIGURES,
        *(f"referrals_from_{t}" for t in referrer_types()),
    )


QUARTER_END = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


@dataclass
class _Row:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(header()[4:], 0))
    children: set[str] = field(default_factory=set)


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and "absentReason" in value)


def _codes(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict) and isinstance(v.get("code"), str):
            out.append(v["code"])
    return out


def _age_on(birth: str, day: str) -> int:
    years = int(day[:4]) - int(birth[:4])
    return years - 1 if day[5:10] < birth[5:10] else years


class SafeLivesMaracReturnFormat(Format):
    """The SafeLives MARAC national dataset: one row per MARAC and quarter."""

    name: ClassVar[str] = "safelives-marac-return"
    description: ClassVar[str] = "SafeLives MARAC national dataset return (meeting-level quarterly figures, CSV)"
    extensions: ClassVar[tuple[str, ...]] = (".marac-return.csv",)
    can_write: ClassVar[bool] = True

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Collect every case (the figures need the whole set), then write one row per MARAC and quarter."""
        rows: dict[tuple[str, str], _Row] = {}
        for n, bundle in enumerate(bundles, 1):
            label = f"Bundle[{n}]"
            if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
                report.add(ReportEntry(Loss.INVALID_INPUT, "Bundle", label, "not a FHIR Bundle; not counted"))
                continue
            inner = ConversionReport()
            record = bundle_to_logical(bundle, inner)
            for e in inner.losses:  # what the record cannot hold of the Bundle
                report.add(
                    ReportEntry(e.kind, e.source_field, f"{label}{e.location.removeprefix('Bundle')}", e.message)
                )
            self._count(record, label, rows, report)
            self._account(record, label, report)
        lines = []
        for (marac, quarter), row in sorted(rows.items()):
            year, q = quarter.split("-Q")
            start = f"{year}-{(int(q) - 1) * 3 + 1:02d}-01"
            end = f"{year}-{QUARTER_END[int(q)]}"
            row.counts["children_in_households"] = len(row.children)
            lines.append([marac, quarter, start, end, *(str(row.counts[h]) for h in header()[4:])])
        report.records_out += write_csv(target, header(), lines, report)

    def _count(
        self, record: Mapping[str, Any], label: str, rows: dict[tuple[str, str], _Row], report: ConversionReport
    ) -> None:
        persons = {str(p.get("id")): p for p in record.get("persons", [])}
        agencies = {str(a.get("id")): a for a in record.get("agencies", [])}
        case = str(record.get("caseId", ""))
        for i, referral in enumerate(record.get("maracReferrals", [])):
            where = f"{label}: maracReferrals[{i}]"
            day = str(referral.get("authoredOn") or "")[:10]
            if len(day) != 10:
                report.add(
                    ReportEntry(Loss.INVALID_INPUT, "maracReferrals.authoredOn", where, "no referral date; not counted")
                )
                continue
            marac = self._marac(referral, agencies)
            quarter = f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
            row = rows.setdefault((marac, quarter), _Row())
            c = row.counts
            c["cases_heard"] += 1
            if "repeat" in _codes(referral.get("criteria", [])):
                c["repeat_cases"] += 1
            children = [str(x) for x in referral.get("children", []) if isinstance(x, str)]
            if children:
                c["cases_with_children"] += 1
            row.children.update(f"{case}/{child}" for child in children)
            victim = persons.get(str(referral.get("victim")), {})
            self._victim(victim, c)
            harm = persons.get(str(referral.get("personCausingHarm")))
            birth = harm.get("birthDate") if harm else None
            if isinstance(birth, str) and len(birth) >= 10:
                c["persons_causing_harm_under_18"] += _age_on(birth, day) < 18
            else:
                c["persons_causing_harm_age_not_recorded"] += 1
            referrer = agencies.get(str(referral.get("referrer")), {})
            kinds = [t for t in _codes(referrer.get("types", [])) if t in referrer_types()] or ["other"]
            c[f"referrals_from_{kinds[0]}"] += 1

    @staticmethod
    def _victim(victim: Mapping[str, Any], c: dict[str, int]) -> None:
        ethnicity = _codes(victim.get("ethnicityNhs"))
        if not ethnicity or ethnicity[0] in NOT_STATED_NHS:
            c["victims_ethnicity_not_recorded"] += 1
        elif ethnicity[0] not in WHITE_NHS:
            c["victims_bme"] += 1
        disability = victim.get("disability") or [None]
        if all(_absent(d) for d in disability):
            c["victims_disability_not_recorded"] += 1
        elif any(code not in NO_DISABILITY for code in _codes(disability)):
            c["victims_with_disability"] += 1
        sex = victim.get("sex")
        if _absent(sex) or sex == "U":
            c["victims_sex_not_recorded"] += 1
        elif sex == "M":
            c["victims_male"] += 1
        orientation = _codes(victim.get("sexualOrientation"))
        if not orientation or orientation[0] in ("U", "Z", "9"):
            c["victims_sexual_orientation_not_recorded"] += 1
        elif orientation[0] in LGB_ORIENTATIONS:
            c["victims_lgb"] += 1

    @staticmethod
    def _marac(referral: Mapping[str, Any], agencies: Mapping[str, Mapping[str, Any]]) -> str:
        """The MARAC that heard the case, by name: a performer of type ``marac``, else the record's agency of that
        type, else none named."""
        performers = [agencies.get(str(p), {}) for p in referral.get("performers", [])]
        for candidates in (performers, agencies.values()):
            marac = next((a for a in candidates if "marac" in _codes(a.get("types", [])) and a.get("name")), None)
            if marac is not None:
                return str(marac["name"])
        return "MARAC not named"

    @staticmethod
    def _account(record: Mapping[str, Any], label: str, report: ConversionReport) -> None:
        """Say what became of every field: read into the figures, or left out as individual data."""
        seen: dict[str, set[str]] = {}
        for section, items in record.items():
            if isinstance(items, list):
                for item in items:
                    if isinstance(item, dict):
                        seen.setdefault(section, set()).update(k for k in item if k not in ("id", "resourceId"))
        if not record.get("maracReferrals"):
            report.add(ReportEntry(Loss.UNMAPPED_FIELD, "maracReferrals", label, "no MARAC referral: not counted"))
        for section, keys in seen.items():
            used = READ.get(section, frozenset()) if record.get("maracReferrals") else frozenset()
            for key in sorted(keys & used):
                report.add(ReportEntry(Loss.MAPPED, f"{section}.{key}", label, target="the return's figures"))
            if keys - used:
                report.add(
                    ReportEntry(
                        Loss.NOT_PROJECTED,
                        section,
                        label,
                        "individual case data: the national dataset holds meeting-level figures only",
                    )
                )
