"""Return-level rules (``DA4xxx``): checks across every record of an export (a return).

Workers call ``summarize`` on each record and send the small, picklable ``RecordSummary`` to the main process,
which feeds them to one ``ReturnChecks`` (``add`` per record, then ``finish``). What must be remembered across
records (one row per person identifier, per identified pair and per child a few dates and identifier strings per
record) goes to a private temporary SQLite database on disk, so memory stays flat however large the return is;
``finish`` reads it back one pair or child at a time. No resource is kept.

Persons are matched across records by identifier (NHS number, LA child id, police person id; see
``identity_keys``): identifiers one record gives the same person are the same person in every record, so a police
record that knows a man only by his police person id matches the record holding that id and his NHS number. For a
child's history of exposure (DA4004) a child with none of those identifiers is matched by name and birth date
instead (``name:<given family>|<birthDate>``), so historic exposure is not lost because one agency had no identifier
for the child; other persons with no identifier are counted for rates but not matched.
Incident identifiers in the record's own ``local-id`` namespace never match across records: two agencies both
numbering their incidents ``inc-1`` are not the same incident. An incident's day is its UK local date (a time
written in UTC by one system and with a UK offset by another is the same day), and a date known only to the month
or year matches any day in it. Error policy: ``summarize`` never raises on malformed input (it summarises what it
can read; a non-Bundle gives an empty summary) and ``finish`` never raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import groupby
from typing import Any

from dastandard.config import Settings
from dastandard.findings import Finding, Layer
from dastandard.model.fragments import as_list, as_map, as_str
from dastandard.model.ids import identifier_system
from dastandard.model.practice_codes import CHILD_VICTIM
from dastandard.validation._record_index import (
    NHS_KEY_KIND,
    PCH,
    VICTIM,
    RecordIndex,
    identity_keys,
    parse_date,
    value_codings,
)
from dastandard.validation.practice import CHARACTERISTICS, characteristics_recorded

__all__ = ["RETURN_RULE_IDS", "IncidentKey", "RecordSummary", "ReturnChecks", "summarize"]

RETURN_RULE_IDS = ("DA4001", "DA4002", "DA4003", "DA4004")


@dataclass(frozen=True, slots=True)
class IncidentKey:
    """An incident between an identified person causing harm and victim: date, own and linked identifiers."""

    harm: str
    victim: str
    day: str  # ISO date (UK local), or the year or year-month of a partial date; "" when unknown
    ids: frozenset[str]
    linked: frozenset[str]


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What one record contributes to the return-level checks (all tuples and strings: picklable)."""

    file: str
    record_no: int | None
    reference_date: str  # ISO date the record is "as at", "" when unknown
    persons: int = 0
    recorded: tuple[tuple[str, int], ...] = ()  # characteristic -> persons with a value or an absent-reason
    # (identity key, birthDate, resource label) per identified person (one row per identifier)
    identities: tuple[tuple[str, str, str], ...] = ()
    incidents: tuple[IncidentKey, ...] = ()
    # (child identity key, ISO dates of the child's recorded exposure)
    exposure: tuple[tuple[str, frozenset[str]], ...] = ()
    children: tuple[str, ...] = ()  # identity keys of the record's children (under 18 at the reference date)


_LOCAL_ID = identifier_system("local-id")


def _identifier_keys(resource: Mapping[str, Any]) -> frozenset[str]:
    """``system|value`` of every identifier except the record's own local ids (meaningful in one record only)."""
    out: set[str] = set()
    for ident in as_list(resource.get("identifier")):
        ident_map = as_map(ident)
        value = as_str(ident_map.get("value"))
        system = ident_map.get("system", "")
        if value and system != _LOCAL_ID:
            out.add(f"{system}|{value}")
    return frozenset(out)


def _uk_day(value: Any) -> str:
    """The UK local calendar date of a FHIR date/dateTime/instant (``YYYY-MM-DD``), a partial date as written
    (``YYYY`` or ``YYYY-MM``); "" for anything else."""
    if not isinstance(value, str) or parse_date(value) is None:
        return ""
    if len(value) > 10 and value[10] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value[:10]
        if moment.tzinfo is not None:
            return _uk_local(moment.astimezone(UTC)).date().isoformat()
    return value[:10]


def _uk_local(utc: datetime) -> datetime:
    """A UTC time in UK local time (GMT, or BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
    Sunday of October, the rule since 1996; earlier years ask the time zone database, which a one-file run of
    current records never loads)."""
    if utc.year < 1996:
        from zoneinfo import ZoneInfo

        return utc.astimezone(ZoneInfo("Europe/London"))

    start, end = _summer_time(utc.year)
    summer = start <= utc < end
    return utc + timedelta(hours=1) if summer else utc


@cache
def _summer_time(year: int) -> tuple[datetime, datetime]:
    """When UK summer time begins and ends in ``year`` (1996 on): 01:00 UTC on the last Sundays of March and
    October."""

    def last_sunday(month: int) -> datetime:
        day = date(year, month, 31)
        day -= timedelta(days=(day.weekday() + 1) % 7)
        return datetime(day.year, day.month, day.day, 1, tzinfo=UTC)

    return last_sunday(3), last_sunday(10)


def _incident_day(resource: Mapping[str, Any]) -> str:
    """The UK local day of an incident: ``effectiveDateTime``, else ``effectivePeriod.start``, else
    ``effectiveInstant`` (as ``effective_date`` reads them)."""
    for value in (
        resource.get("effectiveDateTime"),
        as_map(resource.get("effectivePeriod")).get("start"),
        resource.get("effectiveInstant"),
    ):
        if day := _uk_day(value):
            return day
    return ""


def _same_day(one: str, other: str) -> bool:
    """Whether two incident days can be the same day (a partial date matches every day in its month or year)."""
    return one.startswith(other) or other.startswith(one)


def _name_key(resource: Mapping[str, Any], birth: str) -> str | None:
    """``name:<given family>|<birthDate>`` (lower case, single spaces) when both are known, else ``None``."""
    if not birth:
        return None
    for item in as_list(resource.get("name")):
        name = as_map(item)
        parts = [p for p in as_list(name.get("given")) if isinstance(p, str)]
        family = as_str(name.get("family"))
        text = " ".join([*parts, family] if family else parts) or as_str(name.get("text")) or ""
        folded = " ".join(text.lower().split())
        if folded:
            return f"name:{folded}|{birth}"
    return None


def _first_key(keys_of: dict[str, list[str]], person: str | None) -> str | None:
    """The first identity key of a person of the record (by their key in the record's index), if any."""
    keys = keys_of.get(person or "")
    return keys[0] if keys else None


def _child_key(keys_of: dict[str, list[str]], name_keys: dict[str, str], person: str | None) -> str | None:
    """A child's identity key, else (a child with no identifier) their name and birth date key."""
    return _first_key(keys_of, person) or name_keys.get(person or "")


# Module-level, not nested in ``summarize``: compiled (hatch_build.py), the variables a function shares with its
# nested functions live in one object that each of them holds, so a nested function that another one calls holds
# itself, and every record's objects would wait for the cycle collector (tests/test_wheel.py watches for that).
def summarize(record: Mapping[str, Any], *, file: str, record_no: int | None) -> RecordSummary:
    """Reduce one record to the compact keys the return-level rules need. Never raises."""
    idx = RecordIndex.build(record)
    ref = idx.reference_date()
    if not idx.is_bundle:
        return RecordSummary(file, record_no, "")
    keys_of: dict[str, list[str]] = {}
    name_keys: dict[str, str] = {}  # children without an identifier: name and birth date
    identities: list[tuple[str, str, str]] = []
    counts = dict.fromkeys(CHARACTERISTICS, 0)
    persons = 0
    for key, person in idx.persons.items():
        keys = identity_keys(person.entry.res)
        keys_of[key] = keys
        birth = person.birth.isoformat() if person.birth else ""
        label = person.entry.label
        identities.extend([(k, birth, label) for k in keys])
        if not keys and (by_name := _name_key(person.entry.res, birth)):
            name_keys[key] = by_name
        if person.unborn:
            continue
        persons += 1
        for name in characteristics_recorded(idx, person):
            counts[name] += 1

    incidents: list[IncidentKey] = []
    exposure: dict[str, set[str]] = {}
    for inc in idx.incidents:
        day = _incident_day(inc.entry.res)
        linked: set[str] = set()
        for linked_ref in inc.linked_refs:
            target = idx.entry(idx.resolve(linked_ref))
            linked |= _identifier_keys(target.res) if target else set()
            linked |= _identifier_keys({"identifier": [as_map(linked_ref).get("identifier")]})
        ids = _identifier_keys(inc.entry.res)
        linked_ids = frozenset(linked)
        parties = inc.parties
        victims = [v for party in parties if party.role == VICTIM and (v := _first_key(keys_of, party.person))]
        for party in parties:
            if party.role != PCH:
                continue
            harm = _first_key(keys_of, party.person)
            if harm is None:
                continue
            for victim in victims:
                if victim != harm:
                    incidents.append(IncidentKey(harm, victim, day, ids, linked_ids))
        if day:
            for party in parties:
                if party.role == PCH:
                    continue
                child = _child_key(keys_of, name_keys, party.person)
                if child and idx.is_child(party.person, inc.day):
                    exposure.setdefault(child, set()).add(day)
    by_incident = {inc.entry.key: inc for inc in idx.incidents}
    for entry in idx.kind("child-victim-status"):
        child = _child_key(keys_of, name_keys, idx.resolve(entry.res.get("subject")))
        if not child or not CHILD_VICTIM.matches(value_codings(entry.res)):
            continue
        for focus in idx.resolve_all(entry.res.get("focus")):
            focused = by_incident.get(focus)
            if focused is not None and (focus_day := _incident_day(focused.entry.res)):
                exposure.setdefault(child, set()).add(focus_day)
    children = {k for p in idx.persons if idx.is_child(p, ref) and (k := _child_key(keys_of, name_keys, p))}
    return RecordSummary(
        file=file,
        record_no=record_no,
        reference_date=ref.isoformat() if ref else "",
        persons=persons,
        recorded=tuple(sorted(counts.items())),
        identities=tuple(identities),
        incidents=tuple(incidents),
        exposure=tuple(sorted((child, frozenset(days)) for child, days in exposure.items())),
        children=tuple(sorted(children)),
    )


_Where = tuple[str, int | None]


# More records than this linked to one person (or one pair) in a return means an identifier shared by different
# persons, such as a placeholder; such groups are reported (DA4002) and not compared record by record, which would
# cost time growing with the square of their size.
MAX_LINKED_RECORDS = 1000


_NHS_PREFIX = NHS_KEY_KIND + ":"


@dataclass(frozen=True, slots=True)
class _Sighting:
    """The first record to carry an identifier: the person's birth date and label there, and where; and the first
    NHS number met on a person carrying it ("" for none yet), and where."""

    birth: str
    label: str
    where: _Where
    nhs: str
    nhs_where: _Where


@dataclass
class _PairRecord:
    """One record's incidents between one identified pair: (day, identifiers) each, plus what they link to."""

    where: _Where
    pair: tuple[str, str] = ("", "")  # (person causing harm, victim) as this record identifies them
    incidents: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    days: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    linked: set[str] = field(default_factory=set)

    def knows(self, day: str, ids: frozenset[str]) -> bool:
        """Whether this record holds (same identifier or same day) or links to an incident."""
        if ids & (self.ids | self.linked):
            return True
        return bool(day) and (day in self.days or any(_same_day(day, own) for own in self.days))


class ReturnChecks:
    """Accumulates ``RecordSummary`` values and reports the return-level findings at ``finish``.

    Within-record duplicate identifiers (DA4002) are found as each summary is added; everything else at
    ``finish``, in rule-id order. Each finding names the file and record it is about (DA4001 names none).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._persons = 0
        self._recorded: dict[str, int] = {}
        self._tables = _KeyTables()

    def _finding(self, rule_id: str, message: str, where: _Where | None, resource: str = "", **details: Any) -> Finding:
        return Finding(
            rule_id=rule_id,
            severity=self.settings.severity_of(rule_id),
            layer=Layer.RETURN,
            message=message,
            file=where[0] if where else "",
            path="Bundle" if where else "",
            record=where[1] if where else None,
            resource=resource,
            details=tuple(sorted(details.items())),
        )

    def add(self, summary: RecordSummary) -> None:
        """Fold one record's summary into the counters and key tables."""
        where: _Where = (summary.file, summary.record_no)
        self._persons += summary.persons
        for name, count in summary.recorded:
            self._recorded[name] = self._recorded.get(name, 0) + count
        in_record: dict[str, str] = {}
        other_person: set[tuple[str, str]] = set()  # (person, local id) first met on a person of another NHS number
        first_key: dict[str, str] = {}  # each person's first key: their NHS number's when they have one
        for key, _, label in summary.identities:
            first_key.setdefault(label, key)
        for key, birth, label in summary.identities:
            if key in in_record and in_record[key] != label:
                if self.settings.enabled("DA4002"):
                    self._tables.add_finding(
                        self._finding(
                            "DA4002",
                            f"Identifier {key} is carried by two persons in one record ({in_record[key]}, {label}).",
                            where,
                            label,
                            identifier=key,
                        )
                    )
                continue
            in_record[key] = label
            first = first_key[label]
            nhs = first if first != key and first.startswith(_NHS_PREFIX) else ""
            seen = self._tables.first_identity(key, birth, nhs, label, where)
            if seen is None:
                continue
            if birth and seen.birth and birth != seen.birth:
                message = (
                    f"Identifier {key} is carried by persons with different birth dates ({seen.birth} in "
                    f"{seen.where[0]} record {seen.where[1]}, {birth} here)."
                )
            elif nhs and seen.nhs and nhs != seen.nhs:
                other_person.add((label, key))
                message = (
                    f"Identifier {key} is carried by persons with different NHS numbers "
                    f"({seen.nhs.removeprefix(_NHS_PREFIX)} in {seen.nhs_where[0]} record {seen.nhs_where[1]}, "
                    f"{nhs.removeprefix(_NHS_PREFIX)} here)."
                )
            else:
                continue
            if self.settings.enabled("DA4002"):
                self._tables.add_finding(self._finding("DA4002", message, where, label, identifier=key))
        # The identifiers one record gives a person are that person in every record; except a local id another
        # record gives a person with another NHS number: two people, not to be merged through it.
        for key, _, label in summary.identities:
            first = first_key[label]
            if key != first and (label, key) not in other_person:
                self._tables.add_alias(first, key)
        per_pair: dict[tuple[str, str], _PairRecord] = {}
        for inc in summary.incidents:
            pair = per_pair.setdefault((inc.harm, inc.victim), _PairRecord(where, (inc.harm, inc.victim)))
            pair.incidents.append((inc.day, inc.ids))
            if inc.day:
                pair.days.add(inc.day)
            pair.ids |= inc.ids
            pair.linked |= inc.linked
        for (harm, victim), rec in per_pair.items():
            self._tables.add_pair(harm, victim, rec)
        for child, days in summary.exposure:
            self._tables.add_exposure(child, (where, summary.reference_date, days, child))
        for child in sorted(set(summary.children) - {c for c, _ in summary.exposure}):
            self._tables.add_exposure(child, (where, summary.reference_date, frozenset(), child))

    def finish(self) -> Iterator[Finding]:
        """Yield every return-level finding (DA4001-DA4004), in rule-id order; then drop the key tables."""
        try:
            yield from self._rates()
            yield from self._tables.findings()
            yield from self._crowded()
            yield from self._unlinked()
            yield from self._historic()
        finally:
            self._tables.close()

    def _rates(self) -> Iterator[Finding]:
        if not self.settings.enabled("DA4001"):
            return
        threshold = self.settings.param("DA4001", "threshold")
        minimum = self.settings.param("DA4001", "min-persons")
        if not isinstance(threshold, int | float) or self._persons < (minimum if isinstance(minimum, int) else 1):
            return
        for name in CHARACTERISTICS:
            rate = self._recorded.get(name, 0) / self._persons if self._persons else 1.0
            if rate < threshold:
                yield self._finding(
                    "DA4001",
                    f"{name} is recorded (a value or a reason it is absent) for {rate:.0%} of {self._persons} "
                    f"persons, below the threshold of {threshold:.0%}.",
                    None,
                    characteristic=name,
                    rate=round(rate, 4),
                )

    def _unlinked(self) -> Iterator[Finding]:
        if not self.settings.enabled("DA4003"):
            return
        for records in self._tables.pairs():
            if len(records) < 2:
                continue
            if len(records) > MAX_LINKED_RECORDS:  # reported by ``_crowded``
                continue
            # records by the day their incidents start (file order among equals): the earliest other record that
            # holds an earlier incident this one neither holds nor links is named, found without a full scan
            by_start = sorted((r for r in records if r.days), key=lambda r: min(r.days))
            for rec in records:
                first = min(rec.days) if rec.days else ""
                if not first:
                    continue
                source = None
                for other in by_start:
                    if min(other.days) >= first:
                        break
                    if other.where == rec.where:
                        continue
                    earlier = [(day, ids) for day, ids in other.incidents if day and day < first]
                    if earlier and not any(rec.knows(day, ids) for day, ids in earlier):
                        source = other.where
                        break
                if source is not None:
                    harm, victim = rec.pair
                    yield self._finding(
                        "DA4003",
                        f"Incidents between {harm} (causing harm) and {victim} (victim) start here on {first} but "
                        f"earlier incidents between them in {source[0]} record {source[1]} are neither held nor "
                        "linked.",
                        rec.where,
                        person_causing_harm=harm,
                        victim=victim,
                    )

    def _crowded(self) -> Iterator[Finding]:
        """DA4002, once per identity linked to more records than one person can have (see ``MAX_LINKED_RECORDS``)."""
        if not self.settings.enabled("DA4002"):
            return
        for who, count, where in self._tables.crowded(MAX_LINKED_RECORDS):
            yield self._finding(
                "DA4002",
                f"{count} records of this return are linked to {who} through their identifiers; so many points to "
                "an identifier shared by different persons (such as a placeholder value), so these records were not "
                "compared with each other for unlinked incidents or missing exposure (DA4003, DA4004).",
                where,
                identifier=who,
                records=count,
            )

    def _historic(self) -> Iterator[Finding]:
        if not self.settings.enabled("DA4004"):
            return
        for rows in self._tables.exposures():
            if len(rows) < 2:
                continue
            if len(rows) > MAX_LINKED_RECORDS:  # reported by ``_crowded``
                continue
            for where, ref, days, child in rows:
                if not ref:
                    continue
                elsewhere = {
                    day for other, _, other_days, _ in rows if other != where for day in other_days if day < ref
                }
                missing = sorted(day for day in elsewhere if not any(_same_day(day, own) for own in days))
                if missing:
                    yield self._finding(
                        "DA4004",
                        f"Child {child}'s exposure on {', '.join(missing)} recorded elsewhere in the return is "
                        "missing from this later record; a person's history of exposure is kept for life.",
                        where,
                        child=child,
                        dates=tuple(missing),
                    )


# (where, the record's reference date, exposure dates, the child's identity key as this record gives it)
_Exposure = tuple[_Where, str, frozenset[str], str]


class _KeyTables:
    """The return's cross-record tables, in a private temporary SQLite database on disk (removed on ``close``).

    Identities keep their first sighting; identifiers one record gives one person are aliases, and every key is
    read back as the first (NHS number, then LA child id, then police person id) of all its aliases across the
    return. Pair records and exposure rows are kept in arrival order and read back grouped by that key in sorted
    order (SQLite compares text as UTF-8 bytes, which is code point order, as Python does). DA4002 findings met
    while adding wait here for ``finish``. Rows are pickled values made by this module.
    """

    def __init__(self) -> None:
        import sqlite3  # loaded with the first record's tables, not with the validation modules

        # "": a private on-disk database, deleted when closed; used by one thread at a time, not always the same one
        self._db = sqlite3.connect("", check_same_thread=False)
        self._rooted = False
        self._db.executescript(
            """
            CREATE TABLE identity (key TEXT PRIMARY KEY, birth TEXT, label TEXT, row BLOB, nhs TEXT, nhs_row BLOB);
            CREATE TABLE alias (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
            CREATE TABLE root (key TEXT PRIMARY KEY, root TEXT) WITHOUT ROWID;
            CREATE TABLE pair (harm TEXT, victim TEXT, seq INTEGER PRIMARY KEY, row BLOB);
            CREATE TABLE exposure (child TEXT, seq INTEGER PRIMARY KEY, row BLOB);
            CREATE TABLE finding (seq INTEGER PRIMARY KEY, row BLOB);
            """
        )

    def first_identity(self, key: str, birth: str, nhs: str, label: str, where: _Where) -> _Sighting | None:
        """The first sighting of ``key`` (and the first NHS number seen with it); None, and this one recorded, if it
        is new. ``nhs`` is the NHS number key of the person carrying ``key`` here ("" for none)."""
        found = self._db.execute(
            "SELECT birth, label, row, nhs, nhs_row FROM identity WHERE key = ?", (key,)
        ).fetchone()
        if found is None:
            row = _dump(where)
            self._db.execute("INSERT INTO identity VALUES (?, ?, ?, ?, ?, ?)", (key, birth, label, row, nhs, row))
            return None
        if nhs and not found[3]:  # the first NHS number met with this identifier
            self._db.execute("UPDATE identity SET nhs = ?, nhs_row = ? WHERE key = ?", (nhs, _dump(where), key))
        return _Sighting(found[0], found[1], _load(found[2]), found[3], _load(found[4]))

    def add_alias(self, one: str, other: str) -> None:
        """``one`` and ``other`` identify the same person (one record gives that person both)."""
        if one != other:
            self._db.executemany("INSERT OR IGNORE INTO alias VALUES (?, ?)", ((one, other), (other, one)))

    def _roots(self) -> None:
        """Fill ``root`` once: every aliased key to the first of its connected aliases, in the order of
        ``identity_keys`` (stored with a one-character rank in front, which readers strip)."""
        if self._rooted:
            return
        self._rooted = True
        db = self._db
        rank = (
            "CASE WHEN a LIKE 'nhs:%' THEN '0' WHEN a LIKE 'la:%' THEN '1' WHEN a LIKE 'police:%' THEN '2' ELSE '3' END"
        )
        db.execute(f"INSERT INTO root SELECT DISTINCT a, {rank} || a FROM alias")
        best = "(SELECT MIN(r.root) FROM alias e JOIN root r ON r.key = e.b WHERE e.a = root.key)"
        while db.execute(f"UPDATE root SET root = {best} WHERE {best} < root").rowcount > 0:
            pass

    def add_finding(self, finding: Finding) -> None:
        self._db.execute("INSERT INTO finding (row) VALUES (?)", (_dump(finding),))

    def add_pair(self, harm: str, victim: str, record: _PairRecord) -> None:
        self._db.execute("INSERT INTO pair (harm, victim, row) VALUES (?, ?, ?)", (harm, victim, _dump(record)))

    def add_exposure(self, child: str, row: _Exposure) -> None:
        self._db.execute("INSERT INTO exposure (child, row) VALUES (?, ?)", (child, _dump(row)))

    def findings(self) -> Iterator[Finding]:
        for (row,) in self._db.execute("SELECT row FROM finding ORDER BY seq"):
            yield _load(row)

    def pairs(self) -> Iterator[list[_PairRecord]]:
        """Every identified pair's records (each person by all their aliases), one pair at a time."""
        self._roots()
        rows = self._db.execute(
            "SELECT COALESCE(substr(h.root, 2), p.harm) AS hk, COALESCE(substr(v.root, 2), p.victim) AS vk, p.row "
            "FROM pair p "
            "LEFT JOIN root h ON h.key = p.harm LEFT JOIN root v ON v.key = p.victim ORDER BY hk, vk, p.seq"
        )
        for _, group in groupby(rows, key=lambda r: (r[0], r[1])):
            yield [_load(r[2]) for r in group]

    def exposures(self) -> Iterator[list[_Exposure]]:
        """Every child's exposure rows (the child by all their aliases), one child at a time."""
        self._roots()
        rows = self._db.execute(
            "SELECT COALESCE(substr(r.root, 2), x.child) AS ck, x.row FROM exposure x "
            "LEFT JOIN root r ON r.key = x.child "
            "ORDER BY ck, x.seq"
        )
        for _, group in groupby(rows, key=lambda r: str(r[0])):
            yield [_load(r[1]) for r in group]

    def crowded(self, limit: int) -> Iterator[tuple[str, int, _Where]]:
        """Each identity (a pair as "A and B", or a child) with more than ``limit`` rows: its name, its number of
        rows and where its first row is; pairs first, each group once."""
        self._roots()
        said: set[str] = set()
        queries = (
            "SELECT COALESCE(substr(h.root, 2), p.harm) || ' and ' || COALESCE(substr(v.root, 2), p.victim) AS k, "
            "COUNT(*), MIN(p.seq) FROM pair p LEFT JOIN root h ON h.key = p.harm LEFT JOIN root v ON v.key = p.victim "
            "GROUP BY k HAVING COUNT(*) > ? ORDER BY k",
            "SELECT COALESCE(substr(r.root, 2), x.child) AS k, COUNT(*), MIN(x.seq) FROM exposure x "
            "LEFT JOIN root r ON r.key = x.child GROUP BY k HAVING COUNT(*) > ? ORDER BY k",
        )
        for table, query in zip(("pair", "exposure"), queries, strict=True):
            for who, count, seq in self._db.execute(query, (limit,)).fetchall():
                if who in said:
                    continue
                said.add(who)
                (row,) = self._db.execute(f"SELECT row FROM {table} WHERE seq = ?", (seq,)).fetchone()
                found = _load(row)
                yield str(who), int(count), found.where if table == "pair" else found[0]

    def close(self) -> None:
        self._db.close()


def _dump(value: Any) -> bytes:
    import pickle

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(row: bytes) -> Any:
    import pickle

    return pickle.loads(row)
