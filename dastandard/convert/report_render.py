"""Render conversion reports as text (for people) or JSON (for machines). Rendering never fails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import orjson

from dastandard.convert.base import ConversionReport, Loss


def report_to_json(reports: Sequence[ConversionReport]) -> bytes:
    """One report as its ``to_dict()`` object; several as ``{"files": [...], "lossless": bool}``."""
    payload: dict[str, Any]
    if len(reports) == 1:
        payload = reports[0].to_dict()
    else:
        payload = {"lossless": all(r.lossless for r in reports), "files": [r.to_dict() for r in reports]}
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n"


# What one record of each built-in format is, read and written, so the counts say what they count ("2 children in,
# 2 case Bundles out"); any other format's records are "records".
_READ_AS = {
    "cin-census": "children",
    "police-csv": "rows",
    "marac-json": "referrals",
    "marac-csv": "referrals",
    "logical": "logical records",
    "fhir-json": "documents",
    "fhir-xml": "documents",
    "ndjson": "lines",
}
_WRITTEN_AS = {
    "ndjson": "case Bundles",
    "fhir-json": "documents",
    "fhir-xml": "documents",
    "logical": "logical records",
    "cin-census": "children",
    "police-csv": "rows",
    "encompass": "notifications",
    "chronology-csv": "events",
    "chronology-html": "events",
}


def _counted(n: int, plural: str) -> str:
    if n != 1:
        return f"{n} {plural}"
    return f"1 {'child' if plural == 'children' else plural[:-1]}"


def counts_line(report: ConversionReport) -> str:
    """``2 children in, 2 case Bundles out``: the counts with what each format counts."""
    return (
        f"{_counted(report.records_in, _READ_AS.get(report.source_format, 'records'))} in, "
        f"{_counted(report.records_out, _WRITTEN_AS.get(report.target_format, 'records'))} out"
    )


def _entry_line(kind: Loss, field: str, location: str, message: str, code: str, target: str) -> str:
    parts = [f"  {kind.value:<15} {location or field}"]
    if location and field and field != target:
        parts.append(field)
    if code:
        parts.append(f"code {code!r}")
    if target:
        parts.append(f"-> {target}")
    if message:
        parts.append(f"({message})")
    return " ".join(parts)


def report_to_text(reports: Sequence[ConversionReport], *, max_entries: int = 200) -> str:
    """A readable summary: per source, counts by kind, then each loss (at most ``max_entries`` per source)."""
    lines: list[str] = []
    for report in reports:
        counts = Counter(e.kind for e in report.entries)
        status = "lossless" if report.lossless else f"{len(report.losses)} losses"
        lines.append(
            f"{report.source or '-'}: {report.source_format} -> {report.target_format}, {counts_line(report)}, {status}"
        )
        if counts:
            lines.append(
                "  source fields and codes: "
                + ", ".join(f"{kind.value} {counts[kind]}" for kind in Loss if counts[kind])
            )
        losses = report.losses
        for e in losses[:max_entries]:
            lines.append(_entry_line(e.kind, e.source_field, e.location, e.message, e.code, e.target))
        if len(losses) > max_entries:
            lines.append(f"  ... {len(losses) - max_entries} more (use --report json for all)")
    if len(reports) > 1:
        total = sum(len(r.losses) for r in reports)
        lines.append(f"{len(reports)} files, {total} losses")
    return "\n".join(lines) + "\n"


def render(reports: Sequence[ConversionReport], fmt: str) -> bytes:
    """Render as ``text`` or ``json``."""
    return report_to_json(reports) if fmt == "json" else report_to_text(reports).encode()
