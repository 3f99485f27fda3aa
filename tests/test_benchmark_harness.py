"""The pure parts of the benchmark harness (benchmarks/benchlib.py): run order, statistics, exponents, verdicts.

Nothing here times anything; the harness's measurements are checked by running it (docs/benchmark.md).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import benchlib


def test_schedule_alternates_and_rotates_the_first_contender() -> None:
    assert benchlib.schedule(["ours", "peer"], 3) == ["ours", "peer", "peer", "ours", "ours", "peer"]
    order = benchlib.schedule(["a", "b", "c"], 3)
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert Counter(order) == {"a": 3, "b": 3, "c": 3}
    # each contender opens one round: none always runs first on a warm or a cold machine
    assert [order[i] for i in range(0, 9, 3)] == ["a", "b", "c"]
    assert benchlib.schedule(["only"], 2) == ["only", "only"]


def test_schedule_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="reps"):
        benchlib.schedule(["a"], 0)
    with pytest.raises(ValueError, match="distinct"):
        benchlib.schedule(["a", "a"], 1)


def test_interleave_runs_in_schedule_order_and_keeps_each_contenders_results() -> None:
    log: list[str] = []

    def contender(name: str) -> object:
        def run() -> str:
            log.append(name)
            return f"{name}{sum(1 for x in log if x == name)}"

        return run

    results = benchlib.interleave({"ours": contender("ours"), "peer": contender("peer")}, 2)
    assert log == ["ours", "peer", "peer", "ours"]
    assert results == {"ours": ["ours1", "ours2"], "peer": ["peer1", "peer2"]}


def test_summary_gives_min_median_and_the_runs() -> None:
    assert benchlib.summary([3.0, 1.0, 2.0]) == {"min": 1.0, "median": 2.0, "runs": [3.0, 1.0, 2.0]}
    assert benchlib.summary([4.0, 1.0])["median"] == 2.5
    with pytest.raises(ValueError):
        benchlib.summary([])


def test_rate_turns_fastest_seconds_into_best_rate() -> None:
    stats = benchlib.summary([2.0, 4.0, 5.0])
    assert benchlib.rate(100, stats) == {"min": 50.0, "median": 25.0}


def test_fit_exponent_recovers_known_growth() -> None:
    linear = [(n, 0.01 * n) for n in (100, 1_000, 10_000)]
    assert benchlib.fit_exponent(linear) == pytest.approx(1.0)
    quadratic = [(n, 1e-6 * n**2) for n in (10, 20, 40, 80)]
    assert benchlib.fit_exponent(quadratic) == pytest.approx(2.0)
    # a fixed cost flattens small sizes: the fit is below 1
    assert benchlib.fit_exponent([(n, 5 + 0.01 * n) for n in (100, 1_000, 10_000)]) < 0.9
    with pytest.raises(ValueError, match="two different sizes"):
        benchlib.fit_exponent([(10, 1.0), (10, 2.0)])
    with pytest.raises(ValueError, match="positive"):
        benchlib.fit_exponent([(10, 1.0), (20, 0.0)])


@pytest.mark.parametrize(
    ("measured", "op", "required", "met"),
    [
        (2.1, ">=", 2.0, True),
        (2.0, ">=", 2.0, True),
        (1.99, ">=", 2.0, False),
        (499.9, "<", 500.0, True),
        (500.0, "<", 500.0, False),
        (1.1, "<=", 1.1, True),
        (None, ">=", 2.0, None),
        (math.nan, ">=", 2.0, None),
    ],
)
def test_target_verdicts(measured: float | None, op: str, required: float, met: bool | None) -> None:
    assert benchlib.Target("t", measured, op, required).met() is met


def test_target_row_and_table() -> None:
    rows = [
        benchlib.Target("speed vs peer", 2.3456, ">=", 2.0, "x").as_dict(),
        benchlib.Target("peak RSS", 612.0, "<", 500.0, "MB").as_dict(),
        benchlib.Target("peer ratio", None, ">=", 20.0, "x", note="peer not installed").as_dict(),
    ]
    assert rows[0] == {
        "target": "speed vs peer",
        "measured": 2.346,
        "required": ">= 2 x",
        "met": True,
        "note": "",
    }
    table = benchlib.verdict_table(rows)
    assert table[2] == "| speed vs peer | 2.346 | >= 2 x | yes |"
    assert table[3] == "| peak RSS | 612 | < 500 MB | **NO** |"
    assert table[4] == "| peer ratio (peer not installed) |  | >= 20 x | not measured |"
    with pytest.raises(ValueError, match="operator"):
        benchlib.Target("t", 1.0, "=~", 1.0).met()


def test_ratio_is_none_when_a_side_is_missing() -> None:
    assert benchlib.ratio(6.0, 3.0) == 2.0
    assert benchlib.ratio(None, 3.0) is None
    assert benchlib.ratio(6.0, None) is None
    assert benchlib.ratio(6.0, 0.0) is None


def _results(*, mix_ratio: float, peer_installed: bool = True) -> dict[str, object]:
    def per_cpu(value: float) -> dict[str, object]:
        return {"resources_per_cpu_s": {"min": value, "median": value * 0.9}}

    mix = per_cpu(1_000.0 * mix_ratio) | {"resources_per_s": {"min": 1_000.0, "median": 900.0}}
    validation = {
        "clean": {"jobs1": per_cpu(4_000.0)},
        "flawed": {"jobs1": per_cpu(2_000.0)},  # twice the CPU per resource of clean data
        "mix": {"jobs1": mix, "jobs2": {"resources_per_s": {"min": 1_800.0}}, "fhirjs": per_cpu(1_000.0)},
    }
    cin: dict[str, object] = {
        "children": 5_000,
        "jobs1": {"children_per_cpu_s": {"min": 3_500.0}},
        "jobs2": {"children_per_s": {"min": 2_900.0}},
    }
    if peer_installed:
        cin["speedup"] = {"min": 25.0}
    return {
        "startup": {"dastandard": {"proc_cpu": {"min": 0.3}}, "fhirjs": {"proc_cpu": {"min": 0.15}}},
        "validation": validation,
        "peers": {"orjson": per_cpu(50_000.0)},
        "scaling": {"exponent": 1.04},
        "cin": [cin],
        "report": {
            "cpu_throughput_ratio": 0.95,
            "report": {"max_rss_mb": 120.0},
            "validate": {"max_rss_mb": 80.0},
            "input_mb": 900.0,
        },
    }


def test_targets_are_evaluated_from_a_runs_results() -> None:
    import run  # benchmarks/run.py

    verdicts = {t.name: (t.measured, t.met()) for t in run.targets(_results(mix_ratio=2.5))}
    assert verdicts["start-up CPU, dastandard validate / node + FHIR.js, one example"] == (2.0, False)
    assert verdicts["validation vs FHIR.js, mix (1 case in 3 flawed), 1 process"] == (2.5, True)
    assert verdicts["CPU per resource, flawed / clean"] == (2.0, False)
    assert verdicts["slowdown vs orjson parse, mix"] == (20.0, True)
    assert verdicts["2 processes vs 1, mix (wall clock)"] == (1.8, True)
    assert verdicts["scaling exponent, flawed cases"] == (1.04, True)
    assert verdicts["CIN children per CPU second, 1 process, 5,000 children"] == (3_500.0, True)
    assert verdicts["CIN children/s (wall clock), 2 processes, 5,000 children"] == (2_900.0, False)
    assert verdicts["CIN vs csc-validator-be-cin ingest, 5,000 children"] == (25.0, True)
    assert verdicts["report CPU throughput / validate"] == (0.95, True)
    assert verdicts["report peak RSS"] == (120.0, True)
    assert verdicts["validate peak RSS on 900.0 MB"] == (80.0, True)

    slower = {t.name: t.met() for t in run.targets(_results(mix_ratio=1.5, peer_installed=False))}
    assert slower["validation vs FHIR.js, mix (1 case in 3 flawed), 1 process"] is False
    assert slower["CIN vs csc-validator-be-cin ingest, 5,000 children"] is None


def test_head_return_keeps_the_first_children_of_a_census_return(tmp_path: Path) -> None:
    import run  # benchmarks/run.py

    from dastandard.generate import write_dataset

    whole = tmp_path / "whole.xml"
    write_dataset(whole, "cin-census", count=5, seed=2)
    first = run.head_return(whole, tmp_path / "first.xml", 2)
    text = first.read_text()
    assert text.count("<Child>") == 2
    assert text.rstrip().endswith("</Children>\n</Message>")
    assert text.split("<Child>")[1] == whole.read_text().split("<Child>")[1]
    import xml.etree.ElementTree as ET

    assert len(ET.parse(first).getroot().find("Children")) == 2  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="fewer than 9"):
        run.head_return(whole, tmp_path / "too-many.xml", 9)
    assert not (tmp_path / "too-many.xml").exists()


def test_a_full_run_rewrites_only_the_results_section_of_the_docs(tmp_path: Path) -> None:
    import run  # benchmarks/run.py

    results = {
        "mode": "full",
        "started": "2026-01-01 00:00 UTC",
        "minutes": 21.5,
        "reps": 3,
        "machine": {"cpu": "Test CPU", "cores": 2, "python": "3.11", "node": "v20"},
        "sizes": {"clean": 1_000, "flawed": 1_000, "mix": 1_500, "cin": [5_000, 20_000], "report_children": 50_000}
        | {"report_police": 10_000},
        "targets": [benchlib.Target("speed vs peer", 1.5, ">=", 2.0, "x").as_dict()],
    }
    doc = tmp_path / "benchmark.md"
    doc.write_text(f"# Title\n\nmethod\n\n{run.DOCS_START}\nold figures\n{run.DOCS_END}\n\nafter\n")
    run.update_docs(results, doc)
    text = doc.read_text()
    assert "old figures" not in text
    assert text.startswith("# Title\n\nmethod\n\n") and text.endswith(f"{run.DOCS_END}\n\nafter\n")
    assert "full run of 2026-01-01 00:00 UTC (21.5 minutes" in text
    assert "5,000 and 20,000 children" in text
    assert "| speed vs peer | 1.5 | >= 2 x | **NO** |" in text
    run.update_docs(results, doc)
    assert doc.read_text() == text  # idempotent
    doc.write_text("# no markers\n")
    with pytest.raises(RuntimeError, match="section"):
        run.update_docs(results, doc)
