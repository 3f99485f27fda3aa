"""DA37xx: disclosures, retractions, information sharing and the source of a finding."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from dastandard.findings import Finding
from dastandard.model.fragments import as_map
from dastandard.model.practice_codes import (
    NO_ACTION_RESPONSE,
    NO_KNOWN_HISTORY,
    NOT_A_VICTIM,
    PARENTAL_CONFLICT,
    SELF_REPORTED,
)
from dastandard.validation._record_index import (
    effective_date,
    extensions,
    first_extension,
    parse_date,
    sub_extensions,
    value_codings,
)
from dastandard.validation.practice._base import (
    _Ctx,
    _name,
    _rule,
)

# --- DA37xx disclosures, sharing and provenance -------------------------------------------------------------------


@_rule("DA3701")
def _child_disclosure_without_response(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    for entry in idx.kind("disclosure"):
        sender = idx.resolve(entry.res.get("sender"))
        person = idx.persons.get(sender) if sender else None
        if person is None or person.unborn or not person.is_child(parse_date(entry.res.get("sent"))):
            continue
        answered = False
        no_action = False
        for _, ext in extensions(entry.res, "disclosure-response"):
            for sub in sub_extensions(ext, "action"):
                codings = value_codings(sub)
                if codings and not codings <= {NO_ACTION_RESPONSE}:
                    answered = True
                elif codings:
                    no_action = True
        if not answered:
            yield ctx.finding(
                "DA3701",
                f"Child {_name(ctx, sender)}'s disclosure has no recorded response"
                + ("; 'no-action' is not a response" if no_action else "")
                + ". An unanswered disclosure stops further ones.",
                entry,
            )


@_rule("DA3702")
def _retraction_target_missing(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    for entry in idx.kind("retraction"):
        targets = [ext.get("valueReference") for _, ext in extensions(entry.res, "retracts")]
        if not targets:
            yield ctx.finding(
                "DA3702", "Retraction does not say which disclosure it retracts (retracts).", entry, ".extension"
            )
            continue
        for target in targets:
            key = idx.resolve(target)
            found = idx.entry(key)
            if found is None:
                yield ctx.finding(
                    "DA3702",
                    "The disclosure this retraction retracts is missing from the record; a retraction never deletes "
                    "the disclosure.",
                    entry,
                    target=str(as_map(target).get("reference")),
                )
            elif found.res.get("status") == "entered-in-error":
                yield ctx.finding(
                    "DA3702",
                    f"The retracted disclosure {found.label} is marked entered-in-error; a retraction is a later "
                    "event, never a reason to erase the disclosure.",
                    found,
                    ".status",
                )


@_rule("DA3703")
def _incident_not_shared(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    shared: dict[str, set[str]] = {}
    for entry in idx.kind("information-sharing"):
        recipients = set(idx.resolve_all(entry.res.get("recipient")))
        for key in idx.resolve_all(entry.res.get("about")):
            shared.setdefault(key, set()).update(recipients or {"?"})
    for inc in idx.incidents:
        onward = shared.get(inc.entry.key, set()) - ({inc.agency} if inc.agency else set())
        if not onward:
            yield ctx.finding(
                "DA3703",
                "Incident is not shared onward from the agency that recorded it (no information-sharing event "
                "about it to another agency), whatever its risk level.",
                inc.entry,
            )


@_rule("DA3704")
def _no_concerns_on_self_report(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    findings = [e for e in idx.kind("child-victim-status") if NOT_A_VICTIM in value_codings(e.res)]
    findings += [e for e in idx.kind("abuse-classification") if PARENTAL_CONFLICT in value_codings(e.res)]
    if not findings:
        return
    sources: dict[str, list[tuple[frozenset[tuple[str | None, str]], str | None, date | None]]] = {}
    for prov in idx.of_type("Provenance"):
        how: frozenset[tuple[str | None, str]] = frozenset()
        for _, ext in extensions(prov.res, "fact-source"):
            how |= value_codings(ext)
        if not how:
            continue  # a Provenance with no fact source (the conversion's own) says nothing about the facts
        who_ext = first_extension(prov.res, "fact-source-person")
        who = idx.resolve(who_ext.get("valueReference")) if who_ext else None
        for key in idx.resolve_all(prov.res.get("target")):
            sources.setdefault(key, []).append((how, who, parse_date(prov.res.get("recorded"))))
    history_offending = any(value_codings(e.res) - {NO_KNOWN_HISTORY} for e in idx.kind("offending-history"))
    for entry in findings:
        facts = sources.get(entry.key)
        if not facts or not all(
            how == {SELF_REPORTED} and who is not None and idx.is_adult(who, day) for how, who, day in facts
        ):
            continue
        day = effective_date(entry.res)
        history = (
            history_offending
            or bool(idx.kind("retraction"))
            or any(inc.day is None or day is None or inc.day <= day for inc in idx.incidents)
        )
        if history:
            label = "not a victim" if NOT_A_VICTIM in value_codings(entry.res) else "parental conflict"
            yield ctx.finding(
                "DA3704",
                f"'{label}' finding rests only on a parent's own report while a history of abuse exists.",
                entry,
            )
