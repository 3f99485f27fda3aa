"""The pure parts of the benchmark harness: run order, statistics, fitted exponents and target verdicts.

Nothing here times anything or starts a process, so all of it is unit-tested (tests/test_benchmark_harness.py).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda value, bound: value >= bound,
    "<=": lambda value, bound: value <= bound,
    "<": lambda value, bound: value < bound,
    ">": lambda value, bound: value > bound,
}


def schedule(names: Sequence[str], reps: int) -> list[str]:
    """The order in which ``reps`` runs of each contender are taken: one run of each per round, the round's first
    contender rotating, so that no contender always runs first (or always right after another) while the machine's
    load drifts. ``schedule(["a", "b"], 3) == ["a", "b", "b", "a", "a", "b"]``.
    """
    if reps < 1:
        raise ValueError(f"reps must be at least 1, not {reps}")
    if len(set(names)) != len(names):
        raise ValueError("contender names must be distinct")
    order: list[str] = []
    for round_ in range(reps):
        shift = round_ % len(names) if names else 0
        order.extend([*names[shift:], *names[:shift]])
    return order


def interleave(contenders: Mapping[str, Callable[[], T]], reps: int) -> dict[str, list[T]]:
    """Run every contender ``reps`` times in the order of ``schedule``; each one's results in its run order."""
    results: dict[str, list[T]] = {name: [] for name in contenders}
    for name in schedule(list(contenders), reps):
        results[name].append(contenders[name]())
    return results


def summary(values: Sequence[float]) -> dict[str, Any]:
    """Min, median and every run of ``values`` (seconds, or any measure where smaller is faster)."""
    if not values:
        raise ValueError("no values to summarise")
    return {"min": min(values), "median": statistics.median(values), "runs": list(values)}


def rate(amount: float, seconds: Mapping[str, float]) -> dict[str, float]:
    """``amount`` per second for each statistic of a ``summary`` (min seconds gives the best rate)."""
    return {key: amount / seconds[key] for key in ("min", "median")}


def fit_exponent(points: Sequence[tuple[float, float]]) -> float:
    """The least-squares slope of log(seconds) on log(size): 1.0 is linear growth. ``points`` are (size, seconds)."""
    if len(points) < 2 or len({size for size, _ in points}) < 2:
        raise ValueError("an exponent needs at least two different sizes")
    if any(size <= 0 or seconds <= 0 for size, seconds in points):
        raise ValueError("sizes and times must be positive")
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


@dataclass(frozen=True)
class Target:
    """A stated target: ``measured`` must stand in relation ``op`` to ``required`` (None: not measured)."""

    name: str
    measured: float | None
    op: str
    required: float
    unit: str = ""
    note: str = ""

    def met(self) -> bool | None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}")
        if self.measured is None or math.isnan(self.measured):
            return None
        return OPERATORS[self.op](self.measured, self.required)

    def as_dict(self) -> dict[str, Any]:
        unit = f" {self.unit}" if self.unit else ""
        return {
            "target": self.name,
            "measured": None if self.measured is None else round(self.measured, 3),
            "required": f"{self.op} {self.required:g}{unit}",
            "met": self.met(),
            "note": self.note,
        }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def verdict_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown rows for targets as ``Target.as_dict`` gives them: target, measured, required, met (yes, **NO**,
    or not measured)."""
    out = ["| target | measured | required | met |", "|---|---:|---:|---|"]
    for row in rows:
        met = {True: "yes", False: "**NO**", None: "not measured"}[row["met"]]
        measured = "" if row["measured"] is None else f"{row['measured']:g}"
        note = f" ({row['note']})" if row.get("note") else ""
        out.append(f"| {row['target']}{note} | {measured} | {row['required']} | {met} |")
    return out
