"""A bounded run of the mutation fuzzer (``scripts/fuzz.py``) in CI: every case ends as expected.

Two thousand mutants of the shipped examples of every readable format, converted into every writer in turn and
validated: not one may raise, end with an undocumented status, reach the pipeline's "conversion failed:
<exception>" safety net or give an internal-error finding (DA0900). The run stops at 50 seconds on a slow machine
(then fewer cases, never fewer than a few hundred); the script runs any number of cases (docs/fuzzing.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import fuzz  # noqa: E402


def test_a_bounded_fuzz_run_finds_no_fault() -> None:
    summary = fuzz.run(2000, seed=20261204, minutes=50 / 60)
    assert summary["distinct_faults"] == [], summary["distinct_faults"]
    assert summary["cases"] >= 300, summary
    assert summary["outcomes"].get("ok", 0) == summary["cases"]
    assert len(summary["cases_by_source_format"]) == len(fuzz.seeds())  # every reader was fuzzed
