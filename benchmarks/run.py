"""Measure dastandard side by side with its peers, in one run, on generated data.

Usage: ``python benchmarks/run.py [--quick] [--out benchmarks/results] [--cases N] [--scaling 1000,10000,100000] ...``
(``--help`` lists every size; the defaults are the sizes the targets are stated for).

It generates its own inputs (seeded, deterministic) under ``benchmarks/out/``, then measures:

- full validation (every layer) of an NDJSON file of generated case Bundles, with 1 and with 2 processes;
- on the same file: FHIR.js validating each Bundle against the base specification only (``benchmarks/peers``,
  installed with npm on first use), fhir.resources parsing each Bundle into its R4B models, and orjson parsing
  (the floor);
- CIN census XML to standard NDJSON, and the csc-validator-be-cin XML ingest on the same file (in a separate
  virtual environment, because it pins pandas 1.x);
- police notification CSV to standard;
- peak memory (RSS) while validating a file of at least 1 GB (``--quick``: 50 MB);
- ``dastandard report`` against ``dastandard validate`` on the validation file, 1 process each: throughput ratio
  and the report's peak memory;
- how validation time grows from 1,000 to 100,000 cases (the fitted exponent).

It writes ``results.json`` and ``results.md`` (with the machine it ran on) and prints the table. A missed
target is reported plainly in both; nothing here asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent
PEERS = ROOT / "peers"
PEER_VENV = ROOT / "out" / "cin-peer-venv"

TARGETS = {
    "fhirjs_ratio_min": 1.0,  # dastandard (1 process) resources/s divided by FHIR.js resources/s
    "orjson_slowdown_max": 25.0,  # orjson resources/s divided by dastandard (1 process) resources/s
    "two_process_speedup_min": 1.7,
    "peak_rss_mb_max": 300.0,
    "cin_speedup_min": 20.0,
    "cin_children_per_s_min": 3000.0,
    "scaling_exponent_max": 1.1,
    "report_ratio_min": 0.9,  # dastandard report throughput divided by dastandard validate throughput
    "report_rss_mb_max": 500.0,
}


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def _ndjson_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield line


def _count(path: Path) -> tuple[int, int]:
    bundles = resources = 0
    for line in _ndjson_lines(path):
        bundles += 1
        resources += 1 + len(orjson.loads(line).get("entry", ()))
    return bundles, resources


def _generator_stamp() -> str:
    """A short digest of the code that makes the generated cases: a file written by other code is never reused."""
    import dastandard.generate
    import dastandard.logical

    digest = hashlib.sha256()
    for module in (dastandard.generate, dastandard.logical):
        path = Path(str(module.__file__))
        for source in sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def generate_inputs(out: Path, cases: int) -> Path:
    """Write ``cases`` generated case Bundles as NDJSON (reused when the same generator already wrote them)."""
    from dastandard.generate import write_dataset

    path = out / f"cases-{cases}-{_generator_stamp()}.ndjson"
    if not path.exists():
        write_dataset(path, "ndjson", count=cases, seed=1, jobs=os.cpu_count() or 1)
    return path


def bench_validation(path: Path, jobs: int) -> dict[str, Any]:
    from dastandard.validation import iter_findings

    def run() -> int:
        return sum(1 for _ in iter_findings([path], jobs=jobs))

    seconds, findings = _timed(run)
    return {"seconds": seconds, "findings": findings}


def bench_orjson(path: Path) -> dict[str, Any]:
    def run() -> int:
        return sum(1 for line in _ndjson_lines(path) if orjson.loads(line))

    seconds, _ = _timed(run)
    return {"seconds": seconds}


def bench_fhir_resources(path: Path, sample: int) -> dict[str, Any]:
    """Parse the first ``sample`` Bundles (0: all) into fhir.resources R4B models; rates are per Bundle parsed."""
    from itertools import islice

    from fhir.resources.R4B.bundle import Bundle

    def run() -> int:
        invalid = 0
        for line in islice(_ndjson_lines(path), sample or None):
            try:
                Bundle.model_validate_json(line)
            except ValueError:
                invalid += 1
        return invalid

    seconds, invalid = _timed(run)
    if not sample:
        return {"seconds": seconds, "invalid": invalid}
    bundles = resources = 0
    for line in islice(_ndjson_lines(path), sample):
        bundles += 1
        resources += 1 + len(orjson.loads(line).get("entry", ()))
    return {"seconds": seconds, "invalid": invalid, "sample_bundles": bundles, "sample_resources": resources}


def bench_fhirjs(path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if not node or not npm:
        return {"skipped": "node and npm are not installed"}
    if not (PEERS / "node_modules" / "fhir").exists():
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=PEERS, check=True)
    done = subprocess.run(
        [node, str(PEERS / "fhirjs_validate.js"), str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _peer_python() -> Path | None:
    """A virtual environment with csc-validator-be-cin (pandas 1.x), created on first use; None if it fails."""
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "csc-validator-be-cin", "pandas<2", "numpy<2"],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError:
        return None
    return python


def bench_cin(out: Path, children: int, repeats: int = 5) -> dict[str, Any]:
    """CIN census XML to standard NDJSON with 1 and 2 processes (each the best of ``repeats``, in a fresh
    interpreter), and the csc-validator-be-cin ingest of the same file, once."""
    from dastandard.generate import CIN_FORMAT_VERSION, write_dataset

    # the generator's census version is part of the name: a return cached by an older generator is never reused
    path = out / f"cin-{children}-v{CIN_FORMAT_VERSION}.xml"
    if not path.exists():
        write_dataset(path, "cin-census", count=children, seed=2)
    result: dict[str, Any] = {"children": children}
    for jobs in (1, 2):
        timing = [str(ROOT / "cin_convert.py"), str(path), str(out / "cin-out.ndjson"), str(jobs), str(repeats)]
        done = subprocess.run(
            [sys.executable, *timing],
            capture_output=True,
            text=True,
            check=True,
        )
        run = json.loads(done.stdout)
        run["children_per_s"] = run["children"] / run["seconds"]
        result[f"jobs{jobs}"] = run
    result["children_per_s"] = result["jobs1"]["children_per_s"]
    python = _peer_python()
    if python is None:
        result["peer"] = {"skipped": "csc-validator-be-cin could not be installed"}
        return result
    done = subprocess.run(
        [str(python), str(PEERS / "cin_ingest.py"), str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        result["peer"] = {"skipped": f"csc-validator-be-cin failed: {done.stderr.strip()[-300:]}"}
        return result
    peer = json.loads(done.stdout)
    peer["children_per_s"] = peer["children"] / peer["seconds"]
    result["peer"] = peer
    result["speedup"] = result["children_per_s"] / peer["children_per_s"]
    return result


def bench_police(out: Path, cases: int) -> dict[str, Any]:
    from dastandard.convert.base import ConversionReport
    from dastandard.convert.registry import get_format
    from dastandard.generate import write_dataset

    path = out / f"police-{cases}.csv"
    if not path.exists():
        write_dataset(path, "police-csv", count=cases, seed=3)
    with path.open("rb") as handle:
        data_rows = sum(1 for _ in handle) - 1
    reader = get_format("police-csv")

    def run() -> int:
        with path.open("rb") as source:
            return sum(1 for _ in reader.read(source, path.name, ConversionReport()))

    seconds, bundles = _timed(run)
    return {"rows": data_rows, "bundles": bundles, "seconds": seconds, "rows_per_s": data_rows / seconds}


def bench_memory(out: Path, min_bytes: int) -> dict[str, Any]:
    """Validate a file of at least ``min_bytes`` in a child process and read its peak RSS."""
    from dastandard.generate import write_dataset

    path = out / f"large-{min_bytes // 2**20}mb-{_generator_stamp()}.ndjson"
    if not path.exists():
        write_dataset(path, "ndjson", count=0, seed=4, min_bytes=min_bytes, jobs=os.cpu_count() or 1)
    code = (
        "import resource, sys\n"
        "from dastandard.validation import iter_findings\n"
        "n = sum(1 for _ in iter_findings([sys.argv[1]], jobs=1))\n"
        "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    findings, max_rss_kb = (int(x) for x in done.stdout.split())
    return {
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "seconds": seconds,
        "findings": findings,
        "peak_rss_mb": round(max_rss_kb / 1024, 1),
    }


def _in_child(code: str, *args: str) -> tuple[float, float]:
    """Run ``code`` in a fresh interpreter; it prints its own seconds and peak RSS (KB). Returns (seconds, MB)."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    seconds, max_rss_kb = done.stdout.split()
    return float(seconds), round(int(max_rss_kb) / 1024, 1)


def bench_report(path: Path, out: Path) -> dict[str, Any]:
    """``dastandard report`` against ``validate`` on the same file, 1 process each, in fresh interpreters."""
    footer = "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    validate_code = (
        "import resource, sys, time\n"
        "from dastandard.validation import iter_findings\n"
        "start = time.perf_counter()\n"
        "sum(1 for _ in iter_findings([sys.argv[1]], jobs=1))\n" + footer
    )
    report_code = (
        "import resource, sys, time\n"
        "from dastandard.htmlreport import write_report\n"
        "start = time.perf_counter()\n"
        "write_report([sys.argv[1]], sys.argv[2], jobs=1)\n" + footer
    )
    validate_s, validate_mb = _in_child(validate_code, str(path))
    target = out / "report"
    shutil.rmtree(target, ignore_errors=True)
    report_s, report_mb = _in_child(report_code, str(path), str(target))
    return {
        "validate_seconds": validate_s,
        "validate_peak_rss_mb": validate_mb,
        "report_seconds": report_s,
        "report_peak_rss_mb": report_mb,
        "throughput_ratio": round(validate_s / report_s, 3),
        "report_mb": round(sum(f.stat().st_size for f in target.rglob("*.html")) / 2**20, 1),
    }


def bench_scaling(out: Path, sizes: list[int]) -> dict[str, Any]:
    points = []
    for size in sizes:
        path = generate_inputs(out, size)
        seconds = bench_validation(path, jobs=1)["seconds"]
        points.append({"cases": size, "seconds": seconds})
    xs = [math.log(p["cases"]) for p in points]
    ys = [math.log(p["seconds"]) for p in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    return {"points": points, "exponent": round(slope, 3)}


def _verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    v = results["validation"]
    verdicts: list[dict[str, Any]] = []

    def add(name: str, value: float | None, target: str, met: bool | None) -> None:
        verdicts.append({"target": name, "value": value, "required": target, "met": met})

    fhirjs = results["peers"].get("fhirjs", {})
    if "seconds" in fhirjs:
        ratio = v["jobs1"]["resources_per_s"] / (fhirjs["resources"] / fhirjs["seconds"])
        add("speed vs FHIR.js (base only), 1 process", round(ratio, 2), ">= 1.0", ratio >= TARGETS["fhirjs_ratio_min"])
    else:
        add("speed vs FHIR.js (base only), 1 process", None, ">= 1.0", None)
    slowdown = results["peers"]["orjson"]["resources_per_s"] / v["jobs1"]["resources_per_s"]
    add("slowdown vs orjson parse", round(slowdown, 2), "<= 25", slowdown <= TARGETS["orjson_slowdown_max"])
    speedup = v["jobs2"]["resources_per_s"] / v["jobs1"]["resources_per_s"]
    add("2 processes vs 1", round(speedup, 2), ">= 1.7", speedup >= TARGETS["two_process_speedup_min"])
    rss = results["memory"]["peak_rss_mb"]
    add(f"peak RSS validating {results['memory']['file_mb']} MB", rss, "< 300 MB", rss < TARGETS["peak_rss_mb_max"])
    cin = results["cin"]
    for jobs, label in ((1, "1 process"), (2, "2 processes")):
        rate = cin[f"jobs{jobs}"]["children_per_s"]
        add(f"CIN children/s, {label}", round(rate), ">= 3000", rate >= TARGETS["cin_children_per_s_min"])
    if "speedup" in cin:
        add(
            "CIN vs csc-validator-be-cin ingest",
            round(cin["speedup"], 1),
            ">= 20",
            cin["speedup"] >= TARGETS["cin_speedup_min"],
        )
    else:
        add("CIN vs csc-validator-be-cin ingest", None, ">= 20", None)
    rep = results["report"]
    ratio = rep["throughput_ratio"]
    add("report throughput vs validate, 1 process", ratio, ">= 0.9", ratio >= TARGETS["report_ratio_min"])
    rss = rep["report_peak_rss_mb"]
    add("report peak RSS", rss, "< 500 MB", rss < TARGETS["report_rss_mb_max"])
    exponent = results["scaling"]["exponent"]
    add("scaling exponent", exponent, "<= 1.1", exponent <= TARGETS["scaling_exponent_max"])
    return verdicts


def _markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    v = results["validation"]
    lines = [
        "# dastandard benchmark",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']} ({m['platform']}).",
        f"Input: {v['bundles']} case Bundles, {v['resources']} resources ({v['file_mb']} MB NDJSON).",
        "",
        "| measurement | resources/s | Bundles/s | ratio to dastandard (1 process) |",
        "|---|---:|---:|---:|",
    ]
    base = v["jobs1"]["resources_per_s"]
    rows = [
        ("dastandard, full validation, 1 process", v["jobs1"]),
        ("dastandard, full validation, 2 processes", v["jobs2"]),
    ]
    rows += [
        (name + (f" (first {peer['sample_bundles']} Bundles)" if "sample_bundles" in peer else ""), peer)
        for name, peer in results["peers"].items()
        if "resources_per_s" in peer
    ]
    for name, row in rows:
        lines.append(
            f"| {name} | {row['resources_per_s']:,.0f} | {row['bundles_per_s']:,.0f} | "
            f"{row['resources_per_s'] / base:.2f} |"
        )
    for name, peer in results["peers"].items():
        if "skipped" in peer:
            lines.append(f"| {name} | skipped: {peer['skipped']} | | |")
    cin = results["cin"]
    peer = cin.get("peer", {})
    lines += [
        "",
        "| conversion | rate | peer | speed-up |",
        "|---|---:|---:|---:|",
        f"| CIN census XML to standard NDJSON ({cin['children']} children), 1 process | "
        f"{cin['jobs1']['children_per_s']:,.0f} children/s | "
        + (
            f"{peer['children_per_s']:,.0f} children/s (csc-validator-be-cin ingest) | {cin['speedup']:.1f}x |"
            if "children_per_s" in peer
            else f"{peer.get('skipped', '')} | |"
        ),
        f"| CIN census XML to standard NDJSON ({cin['children']} children), 2 processes | "
        f"{cin['jobs2']['children_per_s']:,.0f} children/s | | |",
        f"| police notification CSV to standard ({results['police']['rows']} rows) | "
        f"{results['police']['rows_per_s']:,.0f} rows/s | | |",
        "",
        f"Peak RSS validating a {results['memory']['file_mb']} MB NDJSON file: {results['memory']['peak_rss_mb']} MB "
        f"({results['memory']['seconds']:.1f} s).",
        "",
        "Scaling (1 process): "
        + ", ".join(f"{p['cases']:,} cases {p['seconds']:.2f} s" for p in results["scaling"]["points"])
        + f"; fitted exponent {results['scaling']['exponent']}.",
        "",
        "| target | value | required | met |",
        "|---|---:|---:|---|",
    ]
    for verdict in results["verdicts"]:
        met = {True: "yes", False: "**NO**", None: "not measured"}[verdict["met"]]
        lines.append(f"| {verdict['target']} | {verdict['value']} | {verdict['required']} | {met} |")
    return "\n".join(lines) + "\n"


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--out", type=Path, default=ROOT / "results", help="where results.json and results.md go")
    parser.add_argument("--cases", type=int, default=20_000, help="case Bundles in the validation file")
    parser.add_argument(
        "--peer-sample",
        type=int,
        default=0,
        help="Bundles fhir.resources parses (0: the whole file; it is the slowest peer)",
    )
    parser.add_argument("--cin-children", type=int, default=20_000)
    parser.add_argument("--police-cases", type=int, default=10_000, help="cases written as police CSV rows")
    parser.add_argument("--memory-mb", type=int, default=1024, help="size of the file for the peak-RSS run")
    parser.add_argument("--scaling", type=_sizes, default=[1_000, 10_000, 100_000], help="comma-separated case counts")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.peer_sample, args.cin_children, args.police_cases = 500, 0, 500, 300
        args.memory_mb, args.scaling = 50, [100, 300, 1_000]
    work = ROOT / "out"
    work.mkdir(parents=True, exist_ok=True)
    path = generate_inputs(work, args.cases)
    bundles, resources = _count(path)
    validation: dict[str, Any] = {
        "bundles": bundles,
        "resources": resources,
        "file_mb": round(path.stat().st_size / 2**20, 1),
    }
    for jobs in (1, 2):
        run = bench_validation(path, jobs)
        run["resources_per_s"] = resources / run["seconds"]
        run["bundles_per_s"] = bundles / run["seconds"]
        validation[f"jobs{jobs}"] = run
    peers: dict[str, Any] = {}
    for name, bench in (
        ("FHIR.js validate (base spec only)", bench_fhirjs),
        ("fhir.resources R4B model parse", lambda p: bench_fhir_resources(p, args.peer_sample)),
        ("orjson parse (floor)", bench_orjson),
    ):
        result = bench(path)
        if "seconds" in result:
            n_resources = result.get("sample_resources", resources)
            n_bundles = result.get("sample_bundles", bundles)
            result["resources_per_s"] = n_resources / result["seconds"]
            result["bundles_per_s"] = n_bundles / result["seconds"]
        peers[name] = result
    peers["fhirjs"] = peers["FHIR.js validate (base spec only)"]
    peers["orjson"] = peers["orjson parse (floor)"]
    results: dict[str, Any] = {
        "machine": _machine(),
        "sizes": {k: v for k, v in vars(args).items() if k not in ("out", "quick")},
        "validation": validation,
        "peers": peers,
        "cin": bench_cin(work, args.cin_children),
        "police": bench_police(work, args.police_cases),
        "memory": bench_memory(work, args.memory_mb * 2**20),
        "report": bench_report(path, work),
        "scaling": bench_scaling(work, args.scaling),
    }
    results["verdicts"] = _verdicts(results)
    del peers["fhirjs"], peers["orjson"]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    markdown = _markdown(results)
    (args.out / "results.md").write_text(markdown)
    print(markdown)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
