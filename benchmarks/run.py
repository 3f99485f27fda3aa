"""Measure dastandard side by side with its peers, in one run, on generated data.

Usage: ``python benchmarks/run.py [--quick] [--out benchmarks/results] [--reps 3] ...`` (``--help`` lists every
size; the defaults are the sizes the targets are stated for, and docs/benchmark.md gives the method).

It generates its own inputs (seeded, deterministic) under ``benchmarks/out/`` and reuses them while the generator
is unchanged, then measures, every timing the min and median of ``--reps`` interleaved runs in fresh processes
(the contenders alternate, the first of each round rotating):

- start-up: CPU of ``dastandard validate`` on one shipped example against ``node`` + FHIR.js on the same file,
  both as whole processes;
- full validation (every layer) of generated case Bundles: clean cases, flawed cases (every case carries the
  generator's practice flaws) and the mix (one case in three flawed), each against FHIR.js validating the same
  file against the base specification only (a plain synchronous loop over the pre-split lines, parse included),
  in-process and whole-process; on the mix also with 2 processes, fhir.resources parsing and orjson parsing (the
  floor);
- how validation time grows with the number of flawed cases (the fitted exponent);
- CIN census XML to standard NDJSON (1 and 2 processes) against the csc-validator-be-cin ingest, at two sizes
  (the peer's time grows faster than linearly, so the ratio depends on the size);
- police notification CSV to standard NDJSON;
- ``dastandard report`` against ``dastandard validate`` on a generated CIN return plus police cases: CPU
  throughput and peak memory of each (this is also the peak-memory run on a large input).

It writes ``results.json`` and ``results.md`` (with the machine it ran on and every target with its measured
value, requirement and verdict) and prints the table. A missed target is reported plainly; nothing here asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from dastandard._version import build_description

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import Target, fit_exponent, interleave, rate, ratio, summary, verdict_table

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
PEERS = ROOT / "peers"
PEER_VENV = ROOT / "out" / "cin-peer-venv"
STARTUP_EXAMPLE = REPO / "examples" / "fhir" / "case-01-post-separation-contact.json"
MIX_EVERY = 3  # one case in three carries the flaws


@dataclass(frozen=True)
class Sizes:
    clean: int = 500
    flawed: int = 500
    mix: int = 1_000
    scaling: tuple[int, ...] = (150, 500, 1_500)
    cin: tuple[int, ...] = (5_000, 20_000)  # the peer runs once on the largest, beside the report step
    report_children: int = 50_000
    report_police: int = 10_000
    peer_sample: int = 200  # Bundles fhir.resources parses (the slowest peer)
    startup_reps: int = 5
    cin_validity: int = 3_000  # children of the return the councils' validator checks in full


QUICK = Sizes(
    clean=60,
    flawed=60,
    mix=90,
    scaling=(30, 60, 120),
    cin=(300, 1_000),
    report_children=1_000,
    report_police=200,
    peer_sample=20,
    startup_reps=3,
    cin_validity=200,
)


# ------------------------------------------------------------------------------------------------ processes


def run_process(cmd: list[str], *, stdout_json: bool = True, cwd: Path | None = None) -> dict[str, Any]:
    """Run ``cmd`` to the end; its wall time, CPU (user + system, its waited-for children included) and peak RSS,
    with its stdout parsed as one JSON line. Raises RuntimeError with the tail of stderr when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out if stdout_json else subprocess.DEVNULL, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, so its own resource usage can be read
        wall = time.perf_counter() - start
        code = proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code not in (0, 1):  # 1: validate found errors, which is not a failure of the measurement
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited {code}: {stderr.decode(errors='replace')[-400:]}")
    result: dict[str, Any] = json.loads(stdout) if stdout_json else {}
    result.update(
        proc_wall=wall,
        proc_cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        exit=code,
    )
    return result


def _dastandard() -> list[str]:
    script = Path(sys.executable).parent / "dastandard"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dastandard.cli"]


def _fhirjs() -> list[str] | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None
    if not (PEERS / "node_modules" / "fhir").exists():
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=PEERS, check=True)
    return [node, str(PEERS / "fhirjs_validate.js")]


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
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        return None
    return python


def _stats(runs: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: summary([run[key] for run in runs]) for key in keys if all(key in run for run in runs)}


# ---------------------------------------------------------------------------------------------------- inputs


def _generator_stamp() -> str:
    """A short digest of the code that makes the generated inputs: a file written by other code is never reused."""
    import dastandard

    package = Path(str(dastandard.__file__)).parent
    digest = hashlib.sha256()
    for part in ("generate.py", "logical", "model", "convert"):
        path = package / part
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def _write(path: Path, fmt: str, count: int, seed: int, flaws: tuple[str, ...], flaw_every: int) -> str:
    from dastandard.generate import write_dataset

    if not path.exists():
        write_dataset(path, fmt, count=count, seed=seed, flaws=flaws, flaw_every=flaw_every)
    return str(path)


@dataclass(frozen=True)
class Inputs:
    clean: Path
    flawed: Path
    mix: Path
    scaling: dict[int, Path]
    cin: Path  # the largest return; the smaller ones are its first children
    police: Path


def generate_inputs(work: Path, sizes: Sizes) -> Inputs:
    """Write every generated input that is not there yet, two at a time (one process each)."""
    from dastandard.generate import FLAWS

    stamp = _generator_stamp()
    flaws = tuple(sorted(FLAWS))
    cin_children = max(sizes.report_children, *sizes.cin)
    jobs: dict[str, tuple[Path, str, int, int, tuple[str, ...], int]] = {
        "cin": (work / f"cin-{cin_children}-{stamp}.xml", "cin-census", cin_children, 2, (), 1),
        "police": (work / f"police-{sizes.report_police}-{stamp}.csv", "police-csv", sizes.report_police, 3, (), 1),
        "clean": (work / f"cases-clean-{sizes.clean}-{stamp}.ndjson", "ndjson", sizes.clean, 1, (), 1),
        "mix": (work / f"cases-mix-{sizes.mix}-{stamp}.ndjson", "ndjson", sizes.mix, 1, flaws, MIX_EVERY),
    }
    for size in sorted({sizes.flawed, *sizes.scaling}):
        jobs[f"flawed-{size}"] = (work / f"cases-flawed-{size}-{stamp}.ndjson", "ndjson", size, 1, flaws, 1)
    todo = {name: job for name, job in jobs.items() if not job[0].exists()}
    if todo:
        print(f"generating {', '.join(todo)} ...", file=sys.stderr, flush=True)
        with ProcessPoolExecutor(max_workers=2) as pool:
            for future in [pool.submit(_write, *job) for job in todo.values()]:
                future.result()
    return Inputs(
        clean=jobs["clean"][0],
        flawed=jobs[f"flawed-{sizes.flawed}"][0],
        mix=jobs["mix"][0],
        scaling={size: jobs[f"flawed-{size}"][0] for size in sizes.scaling},
        cin=jobs["cin"][0],
        police=jobs["police"][0],
    )


def head_return(source: Path, target: Path, children: int) -> Path:
    """The first ``children`` Children of a generated census return (one ``<Child>`` per line, as the generator
    writes it) as a return of its own; reused when already there."""
    if target.exists():
        return target
    temp = target.with_suffix(".tmp")
    seen = 0
    with source.open("rb") as src, temp.open("wb") as out:
        for line in src:
            if line.strip() == b"<Child>":
                seen += 1
                if seen > children:
                    break
            if line.strip() == b"</Children>":
                break
            out.write(line)
        out.write(b"</Children>\n</Message>\n")
    if seen < children:
        temp.unlink()
        raise RuntimeError(f"{source} has fewer than {children} children")
    temp.replace(target)
    return target


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


# ------------------------------------------------------------------------------------------------- measurements


def bench_startup(reps: int) -> dict[str, Any]:
    """CPU of whole processes validating one shipped example: ``dastandard validate`` and node + FHIR.js."""
    contenders: dict[str, Callable[[], dict[str, Any]]] = {
        "dastandard": lambda: run_process([*_dastandard(), "validate", str(STARTUP_EXAMPLE)], stdout_json=False)
    }
    fhirjs = _fhirjs()
    if fhirjs is not None:
        contenders["fhirjs"] = lambda: run_process([*fhirjs, str(STARTUP_EXAMPLE)])
    runs = interleave(contenders, reps)
    result: dict[str, Any] = {
        "file": STARTUP_EXAMPLE.name,
        "file_kb": round(STARTUP_EXAMPLE.stat().st_size / 1024),
    }
    for name, done in runs.items():
        result[name] = _stats(done, ("proc_cpu", "proc_wall"))
    if "fhirjs" not in runs:
        result["fhirjs"] = {"skipped": "node and npm are not installed"}
    return result


def bench_validation(path: Path, reps: int, *, two_processes: bool) -> dict[str, Any]:
    """Full validation of ``path`` (1 process, and 2 when asked) interleaved with FHIR.js on the same file."""
    bundles, resources = _count(path)
    child = [sys.executable, str(ROOT / "validate_child.py"), str(path)]
    contenders: dict[str, Callable[[], dict[str, Any]]] = {"jobs1": lambda: run_process([*child, "1"])}
    fhirjs = _fhirjs()
    if fhirjs is not None:
        contenders["fhirjs"] = lambda: run_process([*fhirjs, str(path)])
    if two_processes:
        contenders["jobs2"] = lambda: run_process([*child, "2"])
    runs = interleave(contenders, reps)
    result: dict[str, Any] = {
        "file": path.name,
        "bundles": bundles,
        "resources": resources,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "findings": runs["jobs1"][0]["findings"],
        "top_rules": dict(sorted(runs["jobs1"][0]["rules"].items(), key=lambda kv: -kv[1])[:8]),
    }
    for name, done in runs.items():
        stats = _stats(done, ("seconds", "cpu_seconds", "proc_wall", "proc_cpu"))
        if name == "jobs2":
            del stats["cpu_seconds"]  # the workers' CPU is not in the parent's process time
        stats["resources_per_s"] = rate(resources, stats["seconds"])
        if "cpu_seconds" in stats:
            stats["resources_per_cpu_s"] = rate(resources, stats["cpu_seconds"])
        stats["max_rss_mb"] = max(run["max_rss_mb"] for run in done)
        result[name] = stats
    if fhirjs is None:
        result["fhirjs"] = {"skipped": "node and npm are not installed"}
    return result


def bench_orjson(path: Path, reps: int) -> dict[str, Any]:
    def once() -> float:
        start = time.process_time()
        for line in _ndjson_lines(path):
            orjson.loads(line)
        return time.process_time() - start

    cpu = summary(interleave({"orjson": once}, reps)["orjson"])
    _, resources = _count(path)
    return {"cpu_seconds": cpu, "resources_per_cpu_s": rate(resources, cpu)}


def bench_fhir_resources(path: Path, sample: int) -> dict[str, Any]:
    """Parse the first ``sample`` Bundles into fhir.resources R4B models, once; rates per Bundle parsed."""
    from itertools import islice

    from fhir.resources.R4B.bundle import Bundle

    lines = list(islice(_ndjson_lines(path), sample))
    start = time.process_time()
    invalid = 0
    for line in lines:
        try:
            Bundle.model_validate_json(line)
        except ValueError:
            invalid += 1
    cpu = time.process_time() - start
    resources = sum(1 + len(orjson.loads(line).get("entry", ())) for line in lines)
    return {"bundles": len(lines), "resources": resources, "cpu_seconds": cpu, "resources_per_cpu_s": resources / cpu}


def bench_scaling(paths: dict[int, Path]) -> dict[str, Any]:
    """Validation CPU time (1 process, in-process) on flawed files of growing size, once each."""
    points = []
    for size, path in sorted(paths.items()):
        done = run_process([sys.executable, str(ROOT / "validate_child.py"), str(path), "1"])
        points.append({"cases": size, "cpu_seconds": done["cpu_seconds"], "findings": done["findings"]})
    exponent = fit_exponent([(p["cases"], p["cpu_seconds"]) for p in points])
    return {"points": points, "exponent": round(exponent, 3)}


def bench_cin(source: Path, work: Path, children: int, reps: int, with_peer: bool) -> dict[str, Any]:
    """CIN census XML to NDJSON with 1 and 2 processes, interleaved with the csc-validator-be-cin ingest
    (``with_peer``; otherwise the caller runs the peer with ``cin_peer`` and adds it with ``add_cin_peer``)."""
    path = cin_return(source, work, children)
    convert = [sys.executable, str(ROOT / "cin_convert.py"), str(path), str(work / "cin-out.ndjson")]
    contenders: dict[str, Callable[[], dict[str, Any]]] = {
        "jobs1": lambda: run_process([*convert, "1", "1"]),
        "jobs2": lambda: run_process([*convert, "2", "1"]),
    }
    peer = cin_peer(path) if with_peer else None
    if peer is not None:
        contenders["peer"] = peer
    runs = interleave(contenders, reps)
    result: dict[str, Any] = {"children": children, "file_mb": round(path.stat().st_size / 2**20, 1)}
    if with_peer and peer is None:
        result["peer"] = {"skipped": "csc-validator-be-cin could not be installed"}
    for name, done in runs.items():
        result[name] = cin_stats(name, done, children)
    add_cin_speedup(result)
    return result


def add_cin_peer(result: dict[str, Any], done: list[dict[str, Any]], note: str) -> None:
    """Add peer runs taken apart from ``bench_cin`` (and the speed-up) to its ``result``."""
    result["peer"] = cin_stats("peer", done, result["children"]) | {"note": note}
    add_cin_speedup(result)


def cin_return(source: Path, work: Path, children: int) -> Path:
    return head_return(source, work / f"{source.stem}-first-{children}.xml", children)


def cin_peer(path: Path) -> Callable[[], dict[str, Any]] | None:
    """One run of the csc-validator-be-cin ingest on ``path`` (None when the peer cannot be installed)."""
    python = _peer_python()
    if python is None:
        return None
    command = [str(python), str(PEERS / "cin_ingest.py"), str(path)]
    return lambda: run_process(command)


def cin_stats(name: str, done: list[dict[str, Any]], children: int) -> dict[str, Any]:
    """Statistics of one contender's CIN runs: children per CPU second in one process (``jobs1``, the peer), per
    second of wall clock with two (``jobs2``)."""
    if any(run["children"] != children for run in done):
        raise RuntimeError(f"{name} read {done[0]['children']} children, not {children}")
    stats = _stats(done, ("seconds", "cpu_seconds", "proc_wall", "proc_cpu"))
    stats["children_per_s"] = rate(children, stats["seconds"])
    if name != "jobs2":
        stats["children_per_cpu_s"] = rate(children, stats["cpu_seconds"])
    return stats


def add_cin_speedup(result: dict[str, Any]) -> None:
    if "children_per_cpu_s" in result.get("peer", {}):
        ours, peer = result["jobs1"]["children_per_cpu_s"], result["peer"]["children_per_cpu_s"]
        result["speedup"] = {key: ours[key] / peer[key] for key in ("min", "median")}


def _convert(source: Path, target: Path, fmt: str, jobs: int) -> dict[str, Any]:
    """Convert ``source`` to NDJSON at ``target`` once, timed; the output is kept."""
    command = [sys.executable, str(ROOT / "cin_convert.py"), str(source), str(target), str(jobs), "0", fmt]
    return run_process(command)


def bench_report(
    inputs: Inputs, work: Path, sizes: Sizes, beside: Callable[[], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``dastandard report`` against ``dastandard validate`` on the CIN return plus the police cases, 1 process
    each, run side by side and compared on CPU time; also the peak memory on a large input. ``beside`` (a peer's
    run, itself measured in CPU time) runs at the same time, and its result is returned under "beside"."""
    from dastandard.validation.inputs import known_format

    notes = []
    cin = cin_return(inputs.cin, work, sizes.report_children)
    police = inputs.police
    conversion: dict[str, Any] = {}
    if known_format("cin-census") and known_format("police-csv"):
        files = [cin, police]
        notes.append("validate and report read the CIN XML and the police CSV directly")
    else:
        files = [work / f"{cin.stem}.ndjson", work / f"{police.stem}.ndjson"]
        for src, dst, fmt, jobs in ((cin, files[0], "cin-census", 2), (police, files[1], "police-csv", 1)):
            dst.unlink(missing_ok=True)
            conversion[fmt] = _convert(src, dst, fmt, jobs)
        notes.append(
            "validate cannot read CIN XML or police CSV directly yet: both were converted to NDJSON first "
            "(dastandard convert, not part of the comparison) and validate and report ran on the converted files"
        )
    report_dir = work / "report"
    shutil.rmtree(report_dir, ignore_errors=True)
    commands = {
        "validate": [*_dastandard(), "validate", "-j", "1", *map(str, files)],
        "report": [*_dastandard(), "report", "-j", "1", "--no-progress", "-o", str(report_dir), *map(str, files)],
    }
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(run_process, cmd, stdout_json=False) for name, cmd in commands.items()}
        if beside is not None:
            futures["beside"] = pool.submit(beside)
        done = {name: future.result() for name, future in futures.items()}
    records = sum(1 for f in files for _ in _ndjson_lines(f)) if files[0].suffix == ".ndjson" else None
    pages = list(report_dir.rglob("*.html"))
    result = {
        "inputs": {"cin_children": sizes.report_children, "police_cases": sizes.report_police},
        "files": [f.name for f in files],
        "input_mb": round(sum(f.stat().st_size for f in files) / 2**20, 1),
        "records": records,
        "notes": notes,
        "conversion": conversion,
        "validate": done["validate"],
        "report": done["report"],
        "cpu_throughput_ratio": done["validate"]["proc_cpu"] / done["report"]["proc_cpu"],
        "report_pages": len(pages),
        "report_mb": round(sum(p.stat().st_size for p in pages) / 2**20, 1),
    }
    if "beside" in done:
        result["beside"] = done["beside"]
    return result


def bench_police(conversion: dict[str, Any], path: Path) -> dict[str, Any]:
    """The police CSV's conversion (1 process, once) from the report step, as rows per CPU second."""
    with path.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    if "police-csv" not in conversion:
        return {"rows": rows, "skipped": "the police CSV was read directly, not converted"}
    done = conversion["police-csv"]
    cpu = done["cpu_seconds"]
    return {"rows": rows, "bundles": done["records_out"], "cpu_seconds": cpu, "rows_per_cpu_s": rows / cpu}


# ---------------------------------------------------------------------------------------------------- verdicts


def bench_cin_validity(children: int) -> dict[str, Any]:
    """The full ``csc-validator-be-cin`` validation of a generated return (``cin_validity.py``, in the peer's own
    environment): its summary, with ``errors`` (queries excluded) and the exit status; ``skipped`` when the
    validator could not be installed or did not finish."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "cin_validity.py"), "--children", str(children)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 2 or not done.stdout.strip():
        return {"children": children, "skipped": (done.stderr.strip() or "no output")[-600:]}
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"children": children, "errors": summary.get("errors"), "status": done.returncode, "summary": summary}


def targets(results: dict[str, Any]) -> list[Target]:
    """Every stated target with what this run measured (rates are the best of the interleaved runs)."""
    v = results["validation"]
    out: list[Target] = []
    startup = results["startup"]
    out.append(
        Target(
            "start-up CPU, dastandard validate / node + FHIR.js, one example",
            ratio(startup["dastandard"]["proc_cpu"]["min"], startup["fhirjs"].get("proc_cpu", {}).get("min")),
            "<=",
            1.0,
            "x",
        )
    )
    mix = v["mix"]
    peer = mix.get("fhirjs", {}).get("resources_per_cpu_s", {}).get("min")
    out.append(
        Target(
            "validation vs FHIR.js, mix (1 case in 3 flawed), 1 process",
            ratio(mix["jobs1"]["resources_per_cpu_s"]["min"], peer),
            ">=",
            2.0,
            "x",
        )
    )

    def best(kind: str) -> float:
        return float(v[kind]["jobs1"]["resources_per_cpu_s"]["min"])

    out.append(Target("CPU per resource, flawed / clean", ratio(best("clean"), best("flawed")), "<=", 1.3, "x"))
    orjson_rate = results["peers"]["orjson"]["resources_per_cpu_s"]["min"]
    out.append(Target("slowdown vs orjson parse, mix", ratio(orjson_rate, best("mix")), "<=", 25.0, "x"))
    out.append(
        Target(
            "2 processes vs 1, mix (wall clock)",
            ratio(v["mix"]["jobs2"]["resources_per_s"]["min"], v["mix"]["jobs1"]["resources_per_s"]["min"]),
            ">=",
            1.7,
            "x",
        )
    )
    out.append(Target("scaling exponent, flawed cases", results["scaling"]["exponent"], "<=", 1.1))
    for cin in results["cin"]:
        n = f"{cin['children']:,}"
        one = cin["jobs1"]["children_per_cpu_s"]["min"]
        out.append(Target(f"CIN children per CPU second, 1 process, {n} children", one, ">=", 3000))
        two = cin["jobs2"]["children_per_s"]["min"]
        out.append(Target(f"CIN children/s (wall clock), 2 processes, {n} children", two, ">=", 3000))
        speedup = cin.get("speedup", {}).get("min")
        out.append(Target(f"CIN vs csc-validator-be-cin ingest, {n} children", speedup, ">=", 20.0, "x"))
    validity = results.get("cin_validity", {})
    out.append(
        Target(
            f"errors of csc-validator-be-cin on a generated {validity.get('children', 0):,}-child return",
            validity.get("errors"),
            "<=",
            0,
            note=validity.get("skipped", ""),
        )
    )
    rep = results["report"]
    out.append(Target("report CPU throughput / validate", rep["cpu_throughput_ratio"], ">=", 0.9, "x"))
    out.append(Target("report peak RSS", rep["report"]["max_rss_mb"], "<", 500.0, "MB"))
    out.append(Target(f"validate peak RSS on {rep['input_mb']} MB", rep["validate"]["max_rss_mb"], "<", 300.0, "MB"))
    return out


# ---------------------------------------------------------------------------------------------------- output


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    node = shutil.which("node")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "node": subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else None,
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "dastandard_build": build_description(),
    }


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# dastandard benchmark",
        "",
        f"**{results['mode']}** run, {results['started']}, {results['minutes']:.1f} minutes, "
        f"{results['reps']} interleaved runs per timing (min / median).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, node {m['node']} "
        f"({m['platform']}); load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}. "
        f"dastandard build: {m.get('dastandard_build', 'not recorded')}.",
        "",
        "## Start-up: one example, whole processes",
        "",
    ]
    s = results["startup"]
    lines.append(
        f"`dastandard validate {s['file']}` ({s['file_kb']} KB): CPU {s['dastandard']['proc_cpu']['min']:.2f} s "
        f"(median {s['dastandard']['proc_cpu']['median']:.2f} s)"
        + (
            f"; node + FHIR.js: {s['fhirjs']['proc_cpu']['min']:.2f} s "
            f"(median {s['fhirjs']['proc_cpu']['median']:.2f} s)."
            if "proc_cpu" in s["fhirjs"]
            else f"; FHIR.js {s['fhirjs'].get('skipped')}."
        )
    )
    lines += [
        "",
        "## Validation, 1 process unless said (resources per CPU second, in-process; min / median of the runs)",
        "",
        "| data | cases | resources | findings | dastandard | FHIR.js (base only) | ratio | "
        "dastandard whole process, CPU s | FHIR.js whole process, CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, label in (("clean", "clean"), ("flawed", "flawed (every case)"), ("mix", "mix (1 in 3 flawed)")):
        v = results["validation"][kind]
        ours = v["jobs1"]["resources_per_cpu_s"]
        peer = v.get("fhirjs", {}).get("resources_per_cpu_s")
        peer_txt = f"{_fmt(peer['min'])} / {_fmt(peer['median'])}" if peer else "skipped"
        ratio_txt = f"{ours['min'] / peer['min']:.2f}" if peer else ""
        peer_proc = v.get("fhirjs", {}).get("proc_cpu")
        peer_proc_txt = f"{peer_proc['min']:.1f}" if peer_proc else ""
        lines.append(
            f"| {label} | {v['bundles']:,} | {v['resources']:,} | {v['findings']:,} | "
            f"{_fmt(ours['min'])} / {_fmt(ours['median'])} | {peer_txt} | {ratio_txt} | "
            f"{v['jobs1']['proc_cpu']['min']:.1f} | {peer_proc_txt} |"
        )
    mix = results["validation"]["mix"]
    peers = results["peers"]
    lines += [
        "",
        f"Mix, wall clock: 1 process {_fmt(mix['jobs1']['resources_per_s']['min'])} resources/s, 2 processes "
        f"{_fmt(mix['jobs2']['resources_per_s']['min'])} resources/s. Floor: orjson parsing "
        f"{_fmt(peers['orjson']['resources_per_cpu_s']['min'])} resources per CPU second; fhir.resources R4B "
        f"parsing {_fmt(peers['fhir_resources']['resources_per_cpu_s'])} (first {peers['fhir_resources']['bundles']} "
        "Bundles, once).",
        "",
        "Findings on the flawed cases, most frequent rules: "
        + ", ".join(f"{k} {n:,}" for k, n in results["validation"]["flawed"]["top_rules"].items())
        + ".",
        "",
        "Scaling (flawed cases, 1 process, CPU): "
        + ", ".join(f"{p['cases']:,} cases {p['cpu_seconds']:.2f} s" for p in results["scaling"]["points"])
        + f"; fitted exponent {results['scaling']['exponent']}.",
        "",
        "## CIN census return to standard NDJSON",
        "",
        "1 process and the peer: children per CPU second of the conversion; 2 processes: children per second of wall "
        "clock (min / median of the runs).",
        "",
        "| children | dastandard 1 process | 2 processes | csc-validator-be-cin ingest | speed-up (1 process) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for cin in results["cin"]:
        peer = cin.get("peer", {})
        if "children_per_cpu_s" in peer:
            n = len(peer["cpu_seconds"]["runs"])
            peer_txt = (
                f"{_fmt(peer['children_per_cpu_s']['min'])} / {_fmt(peer['children_per_cpu_s']['median'])} "
                f"({n} run{'s' if n > 1 else ''}{'; ' + peer['note'] if 'note' in peer else ''})"
            )
        else:
            peer_txt = f"skipped: {peer.get('skipped')}"
        speed = f"{cin['speedup']['min']:.1f}x" if "speedup" in cin else ""
        one, two = cin["jobs1"]["children_per_cpu_s"], cin["jobs2"]["children_per_s"]
        lines.append(
            f"| {cin['children']:,} | {_fmt(one['min'])} / {_fmt(one['median'])} | "
            f"{_fmt(two['min'])} / {_fmt(two['median'])} | {peer_txt} | {speed} |"
        )
    police = results["police"]
    rep = results["report"]
    lines += [
        "",
        (
            f"Police notification CSV to standard NDJSON: {police['rows']:,} rows, {police['rows_per_cpu_s']:,.0f} "
            "rows per CPU second (1 process, once)."
            if "rows_per_cpu_s" in police
            else f"Police notification CSV: {police['skipped']}."
        ),
        "",
        "## `dastandard report` and `validate`",
        "",
        f"Input: a generated {rep['inputs']['cin_children']:,}-child CIN return and {rep['inputs']['police_cases']:,} "
        f"police cases ({rep['input_mb']} MB as read). " + " ".join(n[0].upper() + n[1:] + "." for n in rep["notes"]),
        "",
        "| command (1 process; the two side by side, with the CIN peer's largest run) | CPU s | wall s | peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    for name in ("validate", "report"):
        r = rep[name]
        lines.append(f"| dastandard {name} | {r['proc_cpu']:.1f} | {r['proc_wall']:.1f} | {r['max_rss_mb']} |")
    lines += [
        "",
        f"The report wrote {rep['report_pages']} pages ({rep['report_mb']} MB).",
        "",
        "## Targets",
        "",
        *verdict_table(results["targets"]),
    ]
    return "\n".join(lines) + "\n"


DOCS = REPO / "docs" / "benchmark.md"
DOCS_START, DOCS_END = "<!-- benchmark-results:start -->", "<!-- benchmark-results:end -->"


def docs_section(results: dict[str, Any]) -> str:
    """The results section of docs/benchmark.md for a run: when, where, the sizes and every target's verdict."""
    m, sizes = results["machine"], results["sizes"]
    lines = [
        f"From the {results['mode']} run of {results['started']} ({results['minutes']:.1f} minutes, "
        f"{results['reps']} interleaved runs per timing, best run shown) on {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, node {m['node']}, dastandard {m.get('dastandard_build', 'build not recorded')}: "
        f"{sizes['clean']:,} clean, {sizes['flawed']:,} flawed and "
        f"{sizes['mix']:,} mixed case Bundles; CIN returns of "
        + " and ".join(f"{n:,}" for n in sizes["cin"])
        + f" children; the report on {sizes['report_children']:,} CIN children and {sizes['report_police']:,} police "
        "cases.",
        "",
        *verdict_table(results["targets"]),
    ]
    return "\n".join(lines)


def update_docs(results: dict[str, Any], path: Path = DOCS) -> None:
    """Replace the text between the results markers of ``path`` with ``docs_section(results)``."""
    text = path.read_text()
    head, start, rest = text.partition(DOCS_START)
    _, end, tail = rest.partition(DOCS_END)
    if not start or not end:
        raise RuntimeError(f"{path} has no {DOCS_START} ... {DOCS_END} section")
    path.write_text(f"{head}{DOCS_START}\n{docs_section(results)}\n{DOCS_END}{tail}")


# ------------------------------------------------------------------------------------------------------ main


def _compile_bytecode() -> None:
    """Compile the package's bytecode first, as installing the wheel does: with ``PYTHONDONTWRITEBYTECODE`` set and
    an editable install, every measured process would otherwise compile every module it imports again."""
    import compileall

    compileall.compile_dir(str(REPO / "dastandard"), quiet=1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a few minutes")
    parser.add_argument("--out", type=Path, default=ROOT / "results", help="where results.json and results.md go")
    parser.add_argument("--reps", type=int, default=3, help="interleaved runs per timing (at least 3 for results)")
    parser.add_argument(
        "--no-docs", action="store_true", help="leave docs/benchmark.md alone (a quick run always does)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    if build_description() == "pure Python":
        print(
            "note: this dastandard is pure Python (an editable install, or built without a C compiler); "
            'the figures are those of the pure-Python build. `pip install ".[test]"` measures the compiled wheel.',
            file=sys.stderr,
        )
    _compile_bytecode()
    started = time.time()
    work = ROOT / "out"
    work.mkdir(parents=True, exist_ok=True)
    inputs = generate_inputs(work, sizes)
    step = _stepper(started)
    results: dict[str, Any] = {
        "mode": "quick (smoke sizes, not for comparison)" if args.quick else "full",
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "reps": args.reps,
        "machine": _machine(),
        "sizes": dict(vars(sizes)),
    }
    step("start-up")
    results["startup"] = bench_startup(sizes.startup_reps)
    results["validation"] = {}
    for kind, path in (("clean", inputs.clean), ("flawed", inputs.flawed), ("mix", inputs.mix)):
        step(f"validation, {kind}")
        results["validation"][kind] = bench_validation(path, args.reps, two_processes=kind == "mix")
    step("floors")
    results["peers"] = {
        "orjson": bench_orjson(inputs.mix, args.reps),
        "fhir_resources": bench_fhir_resources(inputs.mix, sizes.peer_sample),
    }
    step("scaling")
    results["scaling"] = bench_scaling(inputs.scaling)
    results["cin"] = []
    for i, children in enumerate(sizes.cin):
        step(f"CIN {children}")
        results["cin"].append(bench_cin(inputs.cin, work, children, args.reps, with_peer=i < len(sizes.cin) - 1))
    largest = results["cin"][-1]
    step(f"report and validate, beside them the CIN peer on {largest['children']} children")
    peer = cin_peer(cin_return(inputs.cin, work, largest["children"]))
    results["report"] = bench_report(inputs, work, sizes, beside=peer)
    if peer is None:
        largest["peer"] = {"skipped": "csc-validator-be-cin could not be installed"}
    else:
        add_cin_peer(largest, [results["report"].pop("beside")], "beside the report step")
    results["police"] = bench_police(results["report"]["conversion"], inputs.police)
    step(f"CIN validity: csc-validator-be-cin on a generated {sizes.cin_validity:,}-child return")
    results["cin_validity"] = bench_cin_validity(sizes.cin_validity)
    results["minutes"] = (time.time() - started) / 60
    results["targets"] = [t.as_dict() for t in targets(results)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    text = markdown(results)
    (args.out / "results.md").write_text(text)
    if not args.quick and not args.no_docs:
        update_docs(results)
    print(text)


def _stepper(started: float) -> Callable[[str], None]:
    def step(name: str) -> None:
        print(f"[{(time.time() - started) / 60:5.1f} min] {name}", file=sys.stderr, flush=True)

    return step


if __name__ == "__main__":
    main()
