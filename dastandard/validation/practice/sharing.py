"""DA37xx: disclosures, retractions, information sharing and the source of a finding."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dastandard.findings import Finding
from dastandard.model.fragments import as_bool, as_map, as_str
from dastandard.model.practice_codes import (
    CHILDRENS_SOCIAL_CARE,
    INFORMAL_INTERPRETERS,
    NO_ACTION_RESPONSE,
    NO_INTERPRETER,
    NO_KNOWN_HISTORY,
    NOT_A_VICTIM,
    PARENTAL_CONFLICT,
    SELF_REPORTED,
)
from dastandard.validation._record_index import (
    Entry,
    codings_of,
    effective_date,
    extensions,
    first_extension,
    parse_date,
    period_of,
    sub_extensions,
    sub_value,
    value_codings,
)
from dastandard.validation.practice._base import (
    _Ctx,
    _name,
    _quote,
    _rule,
    _words,
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
                    f"The retracted disclosure {_name(ctx, found.key)} is marked entered-in-error; a retraction is a "
                    "later event, never a reason to erase the disclosure.",
                    found,
                    ".status",
                )


# Communication statuses of a sharing event that shared nothing (FHIR event-status).
_NOT_SENT = frozenset({"preparation", "not-done", "entered-in-error"})


@_rule("DA3703")
def _incident_not_shared(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    shared: dict[str, set[str]] = {}
    for entry in idx.kind("information-sharing"):
        if as_str(entry.res.get("status")) in _NOT_SENT:
            continue  # drafted, not done or recorded in error: nothing reached the other agency
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


_AGENCY_OF = (
    ("Encounter", "serviceProvider"),
    ("EpisodeOfCare", "managingOrganization"),
    ("adult-assessment", "performer"),
    ("RiskAssessment", "performer"),
    ("ServiceRequest", "requester"),
    ("CarePlan", "author"),
)


def _acted(ctx: _Ctx, agencies: set[str], since: date) -> bool:
    """Whether any of ``agencies`` did something on or after ``since``: a contact, a service, an assessment of an
    adult or of risk, a referral, a plan. A status or classification it recorded (a child victim status, an abuse
    classification, a risk factor) is a label on the notification, not a response to it."""
    idx = ctx.idx
    for rtype, element in _AGENCY_OF:
        for entry in idx.kind(rtype) if rtype[0].islower() else idx.of_type(rtype):
            if not agencies & set(idx.resolve_all(entry.res.get(element))):
                continue
            res = entry.res
            day = (
                effective_date(res)
                or parse_date(res.get("authoredOn") or res.get("occurrenceDateTime") or res.get("created"))
                or period_of(res.get("period"))[0]
            )
            if day is not None and day >= since:
                return True
    return False


@_rule("DA3705")
def _notification_without_decision(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    days = timedelta(days=ctx.int_param("DA3705", "days", 1))
    ref = ctx.ref_date("DA3705")
    incidents = {inc.entry.key for inc in idx.incidents}
    for entry in idx.kind("information-sharing"):
        about = [k for k in idx.resolve_all(entry.res.get("about")) if k in incidents]
        sent = parse_date(entry.res.get("sent"))
        if not about or sent is None:
            continue
        csc = {
            key
            for key in idx.resolve_all(entry.res.get("recipient"))
            if (agency := idx.entry(key)) is not None and CHILDRENS_SOCIAL_CARE in codings_of(agency.res.get("type"))
        }
        if not csc:
            continue
        decision = first_extension(entry.res, "front-door-decision")
        what = ", ".join(_name(ctx, k) for k in about)
        if decision is not None:
            decided = parse_date(sub_value(decision, "decided", "valueDateTime"))
            if decided and decided - sent > days:
                yield ctx.finding(
                    "DA3705",
                    f"The front door decided on the notification of {what} on {decided.isoformat()}, "
                    f"{(decided - sent).days} days after it was sent ({sent.isoformat()}); the decision is due "
                    f"within {days.days} working day(s).",
                    entry,
                    ".extension",
                )
            continue
        if ref is not None and ref - sent > days and not _acted(ctx, csc, sent):
            yield ctx.finding(
                "DA3705",
                f"The notification of {what} sent on {sent.isoformat()} to "
                + ", ".join(_name(ctx, k) for k in sorted(csc))
                + " has no front door decision and nothing the receiving agency did since: whatever its risk "
                "level, every notification needs a decision.",
                entry,
            )


@_rule("DA3706")
def _retraction_with_person_causing_harm_present(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    harm, _ = idx.roles()
    for entry in idx.kind("retraction"):
        present = [
            key
            for _, ext in extensions(entry.res, "persons-present")
            if (key := idx.resolve(ext.get("valueReference"))) and key in harm
        ]
        if present:
            discloser = idx.resolve(entry.res.get("sender"))
            sent = parse_date(entry.res.get("sent"))
            yield ctx.finding(
                "DA3706",
                f"The retraction by {_name(ctx, discloser)}"
                + (f" on {sent.isoformat()}" if sent else "")
                + f" was made with {', '.join(_name(ctx, k) for k in sorted(present))} present, a person causing "
                "harm in the record: it is not a free account, and the disclosure it retracts still stands.",
                entry,
                ".extension",
                present=tuple(_name(ctx, k) for k in sorted(present)),
            )


# Words that name a role, a team or an agency, or say that no one is known: a "practitioner" made only of these
# names no one (``Duty social worker``, ``PC``, ``CSC front door``, ``n/k``). A staff id has digits; a name has a
# word outside this list.
_ROLE_TEXT = """
a an the of and or for from in at on by to s duty social worker workers sw team teams officer officers
police pc pcso ps dc ds sgt sergeant constable response patrol unit attending attended on-call call handler
staff member practitioner practitioners professional nurse health visitor hv school teacher dsl designated
safeguarding lead gp doctor midwife idva advocate support key csc mash front door early help hub service
services agency council children's childrens child care adult family manager supervisor admin administrator
user system unknown not known n k nk tbc tba tbd na none recorded see notes other various
"""
_ROLE_WORDS = frozenset(_ROLE_TEXT.split())


def _named(text: str | None) -> bool:
    """Whether ``text`` names a practitioner: a staff id (any digit) or a word that is not a role or agency."""
    if not text or not text.strip():
        return False
    if any(ch.isdigit() for ch in text):
        return True
    return any(word not in _ROLE_WORDS for word in _words(text))


def _needs_judgement(ctx: _Ctx) -> Iterator[tuple[Entry, str]]:
    """The records that rest on one practitioner's judgement, each with what was judged: a professional judgement
    on a risk assessment, a child seen but not spoken with, a child's disclosure and any retraction."""
    idx = ctx.idx
    for entry in idx.of_type("RiskAssessment"):
        if first_extension(entry.res, "professional-judgement") is not None:
            yield entry, "a professional judgement of the risk"
    min_age = ctx.int_param("DA3707", "min-age", 3)
    for entry in idx.of_type("Encounter"):
        voice = first_extension(entry.res, "child-voice")
        if voice is not None and as_bool(sub_value(voice, "spokenWith", "valueBoolean")) is False:
            child = idx.resolve(entry.res.get("subject"))
            person = idx.persons.get(child) if child else None
            age = person.age(period_of(entry.res.get("period"))[0]) if person else None
            if person is not None and (person.unborn or (age is not None and age < min_age)):
                continue  # a baby is seen, not spoken with: nothing was decided
            yield entry, f"a decision not to speak with child {_name(ctx, child)}"
    for entry in idx.kind("retraction"):
        yield entry, f"a retraction by {_name(ctx, idx.resolve(entry.res.get('sender')))}"
    for entry in idx.kind("disclosure"):
        sender = idx.resolve(entry.res.get("sender"))
        if idx.is_child(sender, parse_date(entry.res.get("sent"))):
            yield entry, f"a disclosure by child {_name(ctx, sender)}"


@_rule("DA3707")
def _judgement_without_named_practitioner(ctx: _Ctx) -> Iterator[Finding]:
    for entry, what in _needs_judgement(ctx):
        ext = first_extension(entry.res, "practitioner")
        text = as_str(ext.get("valueString")) if ext is not None else None
        if _named(text):
            continue
        agency = entry.res.get("serviceProvider") or entry.res.get("performer") or entry.res.get("recipient")
        if isinstance(agency, list):
            agency = agency[0] if agency else None
        found = ctx.idx.entry(ctx.idx.resolve(agency)) if agency else None
        by = f" (agency: {as_str(found.res.get('name')) or _name(ctx, found.key)})" if found else ""
        yield ctx.finding(
            "DA3707",
            f"This record holds {what}{by} but names no individual practitioner"
            + (f" ({_quote(text)} names a role or an agency, not a person)" if text else "")
            + "; who made the judgement cannot be asked about it or accountable for it.",
            entry,
        )


@_rule("DA3708")
def _interpreter_need_not_met(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    needs: set[str] = set()
    for key, found in idx.persons.items():
        ext = first_extension(found.entry.res, "interpreter-needed")
        if ext is not None and ext.get("valueBoolean") is True:
            needs.add(key)
    contacts: list[tuple[Entry, str | None, str]] = [
        (entry, idx.resolve(entry.res.get("subject")), "contact with")
        for entry in idx.of_type("Encounter")
        if first_extension(entry.res, "child-voice") is not None
    ]
    for kind in ("disclosure", "retraction"):
        contacts.extend((entry, idx.resolve(entry.res.get("sender")), f"{kind} by") for entry in idx.kind(kind))
    for entry, person, what in contacts:
        if not person:
            continue
        ext = first_extension(entry.res, "interpreter")
        used = value_codings(ext) if ext is not None else frozenset()
        informal = sorted(code.code for code in INFORMAL_INTERPRETERS if code in used)
        if informal:
            yield ctx.finding(
                "DA3708",
                f"The {what} {_name(ctx, person)} was interpreted by {informal[0].replace('-', ' ')}, not an "
                "independent interpreter: a victim or child spoken with through a relative, a friend or a child "
                "was not heard in their own words.",
                entry,
                ".extension",
                person=_name(ctx, person),
            )
        elif person in needs and (not used or NO_INTERPRETER in used):
            yield ctx.finding(
                "DA3708",
                f"{_name(ctx, person)} needs an interpreter, but the {what} this person records "
                + ("that no interpreter took part." if used else "no interpreter.")
                + " A person who cannot speak freely in the language used was not heard.",
                entry,
                person=_name(ctx, person),
            )
