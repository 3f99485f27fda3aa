"""Security labels an output cannot carry: never lowered silently.

A format that has no place for a security label (police CSV, the CIN census, the chronology, Operation Encompass
notifications) declares the labels its output implies (``Format.implied_labels``): what anyone reading it must
assume, and what its reader gives back (restricted ``R`` and ``SDV``). Every label of a Bundle or of one of its
resources beyond those (a confidentiality above ``R``, such as ``V``; any other label, such as ``DELAU`` or a
Patient's ``PDS``) would be lowered or lost by writing it: each is a ``label-lowered`` report entry, located at the
``meta.security`` that holds it. ``dastandard.convert.pipeline`` refuses such a conversion (status 13) unless it
was explicitly allowed (``allow_label_loss``, ``--allow-label-loss``), and ``--strict`` refuses it in any case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from dastandard.convert.base import ConversionReport, Loss, ReportEntry
from dastandard.model.fragments import as_list, as_map
from dastandard.model.urls import V3_ACT_CODE, V3_CONFIDENTIALITY

Label = tuple[str, str]

# What an output without labels implies, and what the agency readers give back (``convert._record.SECURITY``).
AGENCY_LABELS: Final[frozenset[Label]] = frozenset({(V3_CONFIDENTIALITY, "R"), (V3_ACT_CODE, "SDV")})

# v3-Confidentiality, lowest to highest.
_CONFIDENTIALITY_ORDER: Final = ("U", "L", "M", "N", "R", "V")


def _labels(resource: Any) -> list[Label]:
    out: list[Label] = []
    for coding in as_list(as_map(as_map(resource).get("meta")).get("security")):
        body = as_map(coding)
        system, code = body.get("system"), body.get("code")
        if isinstance(code, str) and code:
            out.append((system if isinstance(system, str) else "", code))
    return out


def _beyond(labels: Iterable[Label], implied: frozenset[Label]) -> list[Label]:
    """The labels an output implying ``implied`` would lower or lose."""
    ceiling = max(
        (
            _CONFIDENTIALITY_ORDER.index(c)
            for s, c in implied
            if s == V3_CONFIDENTIALITY and c in _CONFIDENTIALITY_ORDER
        ),
        default=-1,
    )
    out: list[Label] = []
    for system, code in labels:
        if system == V3_CONFIDENTIALITY and code in _CONFIDENTIALITY_ORDER:
            if _CONFIDENTIALITY_ORDER.index(code) > ceiling:
                out.append((system, code))
        elif (system, code) not in implied:
            out.append((system, code))
    return out


def _shown(labels: Iterable[Label]) -> str:
    """``V, DELAU``: confidentiality first; a code of another system with its system."""
    ordered = sorted(labels, key=lambda label: label[0] != V3_CONFIDENTIALITY)
    return ", ".join(
        code if system in (V3_CONFIDENTIALITY, V3_ACT_CODE) else f"{system}#{code}" for system, code in ordered
    )


def lowered_labels(bundle: Any, implied: frozenset[Label]) -> Iterator[tuple[str, list[Label]]]:
    """``(location, labels)`` for the Bundle and each resource holding labels an output implying ``implied`` would
    lower or lose; locations ``Bundle/<id>.meta.security`` and ``Bundle/<id>/<Type>/<id>.meta.security``."""
    base = f"Bundle/{as_map(bundle).get('id', '')}"
    found = _beyond(_labels(bundle), implied)
    if found:
        yield f"{base}.meta.security", found
    for entry in as_list(as_map(bundle).get("entry")):
        resource = as_map(as_map(entry).get("resource"))
        found = _beyond(_labels(resource), implied)
        if found:
            yield f"{base}/{resource.get('resourceType', '')}/{resource.get('id', '')}.meta.security", found


def guard_labels(
    bundles: Iterable[dict[str, Any]], implied: frozenset[Label], target: str, report: ConversionReport
) -> Iterator[dict[str, Any]]:
    """The Bundles unchanged; one ``label-lowered`` entry per ``meta.security`` holding a label ``target`` cannot
    carry."""
    for bundle in bundles:
        for location, labels in lowered_labels(bundle, implied):
            report.add(
                ReportEntry(
                    Loss.LABEL_LOWERED,
                    "meta.security",
                    location,
                    f"{target} cannot carry the security labels {_shown(labels)}: its output implies only "
                    f"{_shown(implied)}, so they would be lowered or lost",
                    code=",".join(code for _, code in labels),
                )
            )
        yield bundle
