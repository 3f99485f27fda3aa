"""Memory stays bounded however many findings a run makes: the return-level findings (which can outnumber the
records of a large return, with long messages) are passed on one at a time, and the profile layer's table of
remembered extension results is bounded by the bytes it holds. Nothing here times anything."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dastandard.config import Settings
from dastandard.findings import Finding, Layer, Severity
from dastandard.validation import iter_findings, returns
from dastandard.validation import profile as profile_module
from dastandard.validation.profile import profile_checker

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "fhir" / "case-01-post-separation-contact.json"
_MESSAGE = "x" * 2000  # a long message, as DA4004 lists every missing date


class _ManyReturnFindings:
    """Stands in for ``returns.ReturnChecks``: ``finish`` yields ``count`` return-level findings."""

    count = 0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def add(self, summary: Any) -> None:
        pass

    def finish(self) -> Iterator[Finding]:
        for number in range(self.count):
            yield Finding(
                rule_id="DA4004",
                severity=Severity.WARNING,
                layer=Layer.RETURN,
                message=f"{number} {_MESSAGE}",
                file="return.ndjson",
                path="Bundle",
                record=number + 1,
            )


def _peak_of_return_findings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, count: int) -> tuple[int, int]:
    monkeypatch.setattr(_ManyReturnFindings, "count", count)
    monkeypatch.setattr(returns, "ReturnChecks", _ManyReturnFindings)
    empty = tmp_path / "empty.ndjson"
    empty.write_bytes(b"")
    tracemalloc.start()
    try:
        seen = sum(1 for f in iter_findings([str(empty)]) if f.rule_id == "DA4004")
        return seen, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_return_level_findings_are_passed_on_one_at_a_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _peak_of_return_findings(monkeypatch, tmp_path, 5)  # load the standard before measuring
    small_count, small_peak = _peak_of_return_findings(monkeypatch, tmp_path, 1_000)
    large_count, large_peak = _peak_of_return_findings(monkeypatch, tmp_path, 4_000)
    assert (small_count, large_count) == (1_000, 4_000)
    # 3,000 more findings of 2 kB would be 6 MB more if they were collected before being passed on.
    assert large_peak < small_peak + 512 * 1024, (small_peak, large_peak)


def test_remembered_extension_results_stay_within_their_byte_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    budget = 64 * 1024
    monkeypatch.setattr(profile_module, "_REMEMBER_BYTES", budget)
    checker = profile_checker()
    checker.remembered.clear()
    checker.remembered_bytes = 0
    template = CASE.read_text(encoding="utf-8")
    # Each copy of the example carries extensions with distinct values, so the table would grow with every record.
    for number in range(60):
        record = template.replace('"2024-', f'"{1900 + number}-')
        path = tmp_path / f"case-{number}.json"
        path.write_text(record, encoding="utf-8")
        findings = list(iter_findings([str(path)]))
        assert not [f for f in findings if f.rule_id == "DA0900"]
        size = sum(len(key[1]) for key in checker.remembered)
        assert size <= budget + max((len(key[1]) for key in checker.remembered), default=0)
    assert checker.remembered  # still remembering what recurs
