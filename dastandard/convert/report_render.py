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


def _entry_line(kind: Loss, field: str, location: str, message: str, code: str, target: str) -> str:
    parts = [f"  {kind.value:<15} {location or field}"]
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
            f"{report.source or '-'}: {report.source_format} -> {report.target_format}, "
            f"{report.records_in} records in, {report.records_out} out, {status}"
        )
        if counts:
            lines.append("  " + ", ".join(f"{kind.value}: {counts[kind]}" for kind in Loss if counts[kind]))
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
