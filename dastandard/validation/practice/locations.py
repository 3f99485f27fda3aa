"""DA38xx: where a victim is. A confidential location must be protected by the record's labels, and shared only
with an agency whose need to know is recorded."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dastandard.findings import Finding
from dastandard.model.fragments import as_list, as_map
from dastandard.model.ids import extension_url
from dastandard.model.practice_codes import NO_NEED_TO_KNOW_RECORDED
from dastandard.model.urls import V3_CONFIDENTIALITY
from dastandard.validation._record_index import extensions, value_codings
from dastandard.validation.practice._base import _Ctx, _name, _rule

_CONFIDENTIAL_ADDRESS = extension_url("confidential-address")


def _very_restricted(resource: Any) -> bool:
    for coding in as_list(as_map(as_map(resource).get("meta")).get("security")):
        coding = as_map(coding)
        if coding.get("system") == V3_CONFIDENTIALITY and coding.get("code") == "V":
            return True
    return False


def _confidential(address: Mapping[str, Any]) -> bool:
    return any(
        as_map(ext).get("url") == _CONFIDENTIAL_ADDRESS and as_map(ext).get("valueBoolean") is True
        for ext in as_list(address.get("extension"))
    )


@_rule("DA3801")
def _confidential_address_without_v(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    if _very_restricted(idx.memo.get("bundle")):
        return
    for rtype in ("Patient", "RelatedPerson"):
        for entry in idx.of_type(rtype):
            if _very_restricted(entry.res):
                continue
            for index, address in enumerate(as_list(entry.res.get("address"))):
                if _confidential(as_map(address)):
                    yield ctx.finding(
                        "DA3801",
                        f"{_name(ctx, entry.key)} holds an address marked confidential, but neither the person nor "
                        "the record carries the very restricted label V: any output or sharing of this record could "
                        "tell the person causing harm where they are.",
                        entry,
                        f".address[{index}]",
                    )


def _confidential_holder(resource: Mapping[str, Any]) -> bool:
    """Whether ``resource`` is a person holding an address marked confidential."""
    return resource.get("resourceType") in ("Patient", "RelatedPerson") and any(
        _confidential(as_map(address)) for address in as_list(resource.get("address"))
    )


def _agency(ctx: _Ctx, key: str) -> str:
    """An agency as the record names it: its name, with its local id when it has one."""
    entry = ctx.idx.entry(key)
    known = _name(ctx, key)
    if entry is None:
        return known
    name = entry.res.get("name")
    if not isinstance(name, str) or not name.strip() or known == name:
        return known
    return name if known == entry.label else f"{name} ({known})"


@_rule("DA3802")
def _confidential_address_shared_without_need_to_know(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    for entry in idx.kind("information-sharing"):
        sender = idx.resolve(entry.res.get("sender"))
        recipients = [key for key in idx.resolve_all(entry.res.get("recipient")) if key != sender]
        if not recipients:
            continue  # kept within the agency that holds it
        need: frozenset[tuple[str | None, str]] = frozenset()
        for _, ext in extensions(entry.res, "need-to-know"):
            need |= value_codings(ext)
        if need - {NO_NEED_TO_KNOW_RECORDED}:
            continue
        for element in ("about", "subject"):
            refs = entry.res.get(element)
            for index, ref in enumerate(refs if isinstance(refs, list) else (refs,)):
                key = idx.resolve(ref)
                shared = idx.entry(key)
                if shared is None or not _confidential_holder(shared.res):
                    continue
                to = ", ".join(_agency(ctx, r) for r in recipients)
                yield ctx.finding(
                    "DA3802",
                    f"{_name(ctx, key)} holds an address marked confidential and is shared with {to}, but the "
                    "sharing records no need to know (need-to-know): a confidential address goes only to an agency "
                    "whose need for it is recorded.",
                    entry,
                    f".{element}[{index}]" if isinstance(refs, list) else f".{element}",
                )
