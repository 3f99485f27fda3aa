"""Who or what each finding is about, as the source names them, and where the record is in its agency file.

``Subjects`` is fed the ``RecordDigest`` of every record (``dastandard.htmlreport.digest``, made beside the checks
in the worker) and fills in ``Finding.subject`` and ``Finding.source`` in the main process, only for findings: a
clean record costs one small table, built when its first finding arrives. A finding about a person is named by
that person's own identifiers (LAchildID, UPN, police person id, ...) and name; a finding about another part of a
record by the record's identifiers (case reference, police incident reference, MARAC referral), else by the
children in it. Findings about the whole return (DA4xxx) that point at a record are named as that record; the
names of every record are kept for them as short strings (a few megabytes at 50,000 records).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dastandard.findings import Finding, Layer
from dastandard.htmlreport.digest import PersonDigest, RecordDigest

_MAX_CHILDREN_NAMED = 3


def person_subject(person: PersonDigest) -> str:
    """``LAchildID EX0001, UPN A999123456789 (Mia Sample)``; the name alone, or "" when neither is recorded."""
    ids = ", ".join(f"{label} {value}" for label, value in person.ids)
    if ids and person.name:
        return f"{ids} ({person.name})"
    return ids or person.name


def record_subject(digest: RecordDigest) -> str:
    """The record's own identifiers, else its children's (at most three), else its first named person."""
    if digest.ids:
        return ", ".join(f"{label} {value}" for label, value in digest.ids)
    children = [s for s in (person_subject(p) for p in digest.persons if p.child) if s]
    if children:
        more = len(children) - _MAX_CHILDREN_NAMED
        return "; ".join(children[:_MAX_CHILDREN_NAMED]) + (f"; and {more} more" if more > 0 else "")
    return next((s for s in (person_subject(p) for p in digest.persons) if s), "")


class _Table:
    """The names of one record's persons and of the record, built on its first finding."""

    __slots__ = ("by_name", "by_resource", "record", "source")

    def __init__(self, digest: RecordDigest) -> None:
        self.record = record_subject(digest)
        self.source = digest.source
        self.by_resource: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for person in digest.persons:
            own = person_subject(person)
            if not own:
                continue
            both = own if not self.record or self.record in own else f"{own}; {self.record}"
            self.by_resource[person.resource] = both
            if person.name:  # a name shared by two persons names neither
                self.by_name[person.name] = "" if person.name in self.by_name else both

    def subject(self, finding: Finding) -> str:
        found = self.by_resource.get(finding.resource)
        if found:
            return found
        for key, value in finding.details:
            if key == "child" and isinstance(value, str):
                named = self.by_name.get(value)
                if named:
                    return named
        return self.record


class Subjects:
    """Names findings after the records they are about (see the module docstring)."""

    def __init__(self) -> None:
        self._digest: RecordDigest | None = None
        self._table: _Table | None = None
        self._records: dict[tuple[str, int | None], tuple[str, str]] = {}

    def on_digest(self, digest: Any) -> None:
        """Called with each record's digest, before that record's findings."""
        if not isinstance(digest, RecordDigest):
            self._digest = None
            return
        self._digest, self._table = digest, None
        name = record_subject(digest)
        if name or digest.source:
            self._records[(digest.file, digest.record)] = (name, digest.source)

    def names(self) -> dict[tuple[str, int | None], tuple[str, str]]:
        """The subject and source of every record digested, by (file, record): what another process's
        ``add_names`` needs to name the return-level findings about them."""
        return dict(self._records)

    def add_names(self, names: dict[tuple[str, int | None], tuple[str, str]]) -> None:
        self._records.update(names)

    def annotate(self, finding: Finding) -> Finding:
        """``finding`` with its subject and source filled in where they are known and not already set."""
        if finding.subject:
            return finding
        digest = self._digest
        if (
            digest is not None
            and finding.layer is not Layer.RETURN
            and finding.file == digest.file
            and finding.record == digest.record
        ):
            table = self._table
            if table is None:
                table = self._table = _Table(digest)
            subject, source = table.subject(finding), table.source
        else:
            subject, source = self._records.get((finding.file, finding.record), ("", ""))
        if not subject and not source:
            return finding
        return replace(finding, subject=subject, source=finding.source or source)
