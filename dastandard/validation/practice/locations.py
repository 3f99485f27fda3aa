"""DA38xx: where a victim is. A confidential location must be protected by the record's labels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dastandard.findings import Finding
from dastandard.model.fragments import as_list, as_map
from dastandard.model.ids import extension_url
from dastandard.model.urls import V3_CONFIDENTIALITY
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
