"""Mutation fuzzer: mutate the shipped examples and run validate and convert on them in-process.

    python scripts/fuzz.py --cases 100000 --out fuzz-out [--seed 1] [--minutes 15] [--only police-csv]

Each case takes one shipped example of a readable format, mutates it (byte edits, hostile fragments, and structure
edits of the parsed JSON or CSV: keys dropped, duplicated or retyped, values swapped for other JSON types, rows
duplicated or cut), then
- converts it with ``convert_stream`` from its format (and, every fourth case, with detection) to a writer chosen in
  turn (so writers meet what the readers let through),
- validates it with ``check_unit`` when the format is FHIR JSON, FHIR XML, NDJSON or a logical record.
A case fails when either raises, when a conversion ends with a status that is not documented, or with the
pipeline's "conversion failed: <exception>" marker (a defect caught by the safety net). Validation findings DA0900
(internal check error) are counted separately. Each failing input is written to ``OUT/crashes/`` with a ``.txt``
beside it (format, target, message); ``OUT/summary.json`` and ``OUT/summary.md`` hold the counts. Not run in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dastandard.config import DEFAULT_SETTINGS  # noqa: E402
from dastandard.convert.pipeline import Options, convert_stream  # noqa: E402
from dastandard.limits import Limits  # noqa: E402
from dastandard.validation.engine import check_unit  # noqa: E402
from dastandard.validation.units import Unit  # noqa: E402

EXAMPLES = ROOT / "examples"
DOCUMENTED = {0, 1, 2, 10, 11, 12, 13, 14, 15}
LIMITS = Limits(max_file_bytes=8 * 1024 * 1024, max_record_bytes=2 * 1024 * 1024)
WRITERS = ["ndjson", "fhir-json", "fhir-xml", "logical", "police-csv", "cin-census", "chronology-csv"]
WRITERS += ["chronology-html", "encompass"]
UNIT_FORMAT = {"fhir-json": "json", "fhir-xml": "fhir-xml", "logical": "json", "ndjson": "ndjson-line"}
PIECES = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xe2\x80\xae",
    b"\xe2\x81\xa6",
    b'"meta": {"security": [{"code": "N"}]},',
    b'"resourceType": 1,',
    b'"system": ["a", {"b": 1}],',
    b"[]",
    b"{}",
    b"null",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"<!ENTITY x SYSTEM 'http://127.0.0.1:9/'>",
    b"&a;",
    b"\r\n",
    b'"',
    b",",
    b"=cmd|'/c calc'!A1",
    b"9" * 400,
    b"[" * 300,
    b"-1e999",
]


def seeds() -> dict[str, list[bytes]]:
    """The shipped examples of every readable format (NDJSON: a few lines)."""
    found: dict[str, list[bytes]] = {
        "fhir-json": [p.read_bytes() for p in sorted((EXAMPLES / "fhir").glob("*.json"))],
        "fhir-xml": [p.read_bytes() for p in sorted((EXAMPLES / "fhir-formats").glob("*.xml"))],
        "ndjson": [b"\n".join((EXAMPLES / "fhir-formats" / "cases.ndjson").read_bytes().splitlines()[:3]) + b"\n"],
        "logical": [p.read_bytes() for p in sorted((EXAMPLES / "logical").glob("*.logical.json"))],
        "police-csv": [p.read_bytes() for p in sorted((EXAMPLES / "police-csv").glob("*.csv"))],
        "marac-csv": [p.read_bytes() for p in sorted((EXAMPLES / "marac").glob("*.marac.csv"))],
        "marac-json": [p.read_bytes() for p in sorted((EXAMPLES / "marac").glob("*.marac.json"))],
        "cin-census": [(EXAMPLES / "cin-census" / "da-factors.xml").read_bytes()],
    }
    return {name: items for name, items in found.items() if items}


def _json_values(rng: random.Random) -> Any:
    return rng.choice([None, 0, -1, 1.5, True, "", "x" * rng.randint(1, 50), [], {}, [1, "a"], {"a": {"b": []}}])


def _mutate_json(document: Any, rng: random.Random) -> Any:
    """Walk to a random object or array and drop, retype, duplicate or add something there."""
    node = document
    for _ in range(rng.randint(0, 8)):
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        containers = [c for c in children if isinstance(c, dict | list) and c]
        if not containers:
            break
        node = rng.choice(containers)
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        action = rng.randrange(4)
        if action == 0:
            del node[key]
        elif action == 1:
            node[key] = _json_values(rng)
        elif action == 2:
            node[key] = [node[key], node[key]] if not isinstance(node[key], list) else node[key] * 2
        else:
            node[rng.choice(["extra", "meta", "resourceType", "system", "code", key + "_"])] = _json_values(rng)
    elif isinstance(node, list) and node:
        index = rng.randrange(len(node))
        action = rng.randrange(3)
        if action == 0:
            del node[index]
        elif action == 1:
            node[index] = _json_values(rng)
        else:
            node.append(node[index])
    return document


def _mutate_structure(fmt: str, data: bytes, rng: random.Random) -> bytes:
    if fmt in ("fhir-json", "logical", "marac-json"):
        try:
            document = json.loads(data)
        except ValueError:
            return data
        return json.dumps(_mutate_json(document, rng)).encode()
    if fmt == "ndjson":
        lines = data.splitlines()
        index = rng.randrange(len(lines))
        with contextlib.suppress(ValueError):
            lines[index] = json.dumps(_mutate_json(json.loads(lines[index]), rng)).encode()
        return b"\n".join(lines) + b"\n"
    if fmt in ("police-csv", "marac-csv"):
        rows = data.splitlines()
        action = rng.randrange(4)
        index = rng.randrange(len(rows))
        if action == 0 and len(rows) > 1:
            del rows[index]
        elif action == 1:
            rows.insert(index, rows[index])
        elif action == 2:
            cells = rows[index].split(b",")
            cells[rng.randrange(len(cells))] = rng.choice(PIECES)
            rows[index] = b",".join(cells)
        else:
            cells = rows[index].split(b",")
            rng.shuffle(cells)
            rows[index] = b",".join(cells)
        return b"\r\n".join(rows) + b"\r\n"
    return data


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not buffer:
            break
        at = rng.randrange(len(buffer))
        size = rng.randint(1, min(64, len(buffer) - at))
        action = rng.randrange(7)
        if action == 0:
            buffer[at] = rng.randrange(256)
        elif action == 1:
            del buffer[at : at + size]
        elif action == 2:
            buffer[at:at] = rng.randbytes(rng.randint(1, 16))
        elif action == 3:
            buffer[at:at] = buffer[at : at + size]
        elif action == 4:
            other = rng.randrange(len(buffer))
            buffer[at], buffer[other] = buffer[other], buffer[at]
        elif action == 5:
            del buffer[at:]
        else:
            buffer[at:at] = rng.choice(PIECES)
    return bytes(buffer)


def mutate(fmt: str, data: bytes, rng: random.Random) -> bytes:
    """One mutant: structure edits, byte edits, or both."""
    choice = rng.randrange(3)
    if choice in (0, 2):
        data = _mutate_structure(fmt, data, rng)
    if choice in (1, 2):
        data = _mutate_bytes(data, rng)
    return data


def run_case(fmt: str, data: bytes, target: str, detect: bool) -> tuple[str, str] | None:
    """``(kind, message)`` when the case found a fault, else None."""
    opts = Options(None if detect else fmt, target, False, limits=LIMITS)
    try:
        outcome = convert_stream(io.BytesIO(data), "fuzz-input", None, io.BytesIO(), opts)
    except Exception:
        return "convert-exception", traceback.format_exc()
    if outcome.status not in DOCUMENTED:
        return "convert-status", f"status {outcome.status}: {outcome.message}"
    if "conversion failed:" in outcome.message:
        return "convert-defect", outcome.message
    unit_format = UNIT_FORMAT.get(fmt)
    if unit_format:
        payload = data.splitlines()[0] if unit_format == "ndjson-line" and data.strip() else data
        try:
            result = check_unit(Unit("fuzz-input", None, 1, payload, unit_format), DEFAULT_SETTINGS, False)
        except Exception:
            return "validate-exception", traceback.format_exc()
        internal = [f.message for f in result.findings if f.rule_id == "DA0900"]
        if internal:
            return "validate-internal-error", internal[0]
    return None


def run(
    cases: int, seed: int = 1, minutes: float = 0.0, only: list[str] | None = None, out: Path | None = None
) -> dict[str, Any]:
    """Fuzz ``cases`` cases (fewer when ``minutes`` runs out) and return the summary; with ``out``, each failing
    input and its message go to ``out/crashes/``."""
    rng = random.Random(seed)
    corpus = {k: v for k, v in seeds().items() if not only or k in only}
    crashes = out / "crashes" if out else None
    if crashes:
        crashes.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    by_format: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    started = time.monotonic()
    done = 0
    for case in range(cases):
        if minutes and time.monotonic() - started > minutes * 60:
            break
        fmt = rng.choice(sorted(corpus))
        data = mutate(fmt, rng.choice(corpus[fmt]), rng)
        target = WRITERS[case % len(WRITERS)]
        problem = run_case(fmt, data, target, detect=case % 4 == 3)
        done += 1
        by_format[fmt] += 1
        if problem is None:
            counts["ok"] += 1
            continue
        kind, message = problem
        counts[kind] += 1
        signature = f"{kind}: {fmt} -> {target}: " + message.strip().splitlines()[-1][:160]
        faults[signature] += 1
        if signature not in first_seen:
            first_seen[signature] = f"case-{case:07d}"
            if crashes:
                (crashes / f"case-{case:07d}.bin").write_bytes(data)
                (crashes / f"case-{case:07d}.txt").write_text(f"{fmt} -> {target}\n{kind}\n{message}\n")
    return {
        "cases": done,
        "seed": seed,
        "seconds": round(time.monotonic() - started, 1),
        "outcomes": dict(counts),
        "cases_by_source_format": dict(sorted(by_format.items())),
        "distinct_faults": [
            {"signature": sig, "count": n, "example": first_seen[sig]} for sig, n in faults.most_common()
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0: no time limit)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"))
    parser.add_argument("--only", action="append", default=[], help="fuzz only this source format (repeatable)")
    args = parser.parse_args()
    summary = run(args.cases, args.seed, args.minutes, args.only, args.out)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    faults = summary["distinct_faults"]
    lines = [
        f"- cases: {summary['cases']} in {summary['seconds']:.0f} s (seed {args.seed})",
        "- outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["outcomes"].items())),
        "- cases by source format: " + ", ".join(f"{k} {v}" for k, v in summary["cases_by_source_format"].items()),
        f"- distinct faults: {len(faults)}",
        *(f"  - {f['count']} x `{f['signature']}`" for f in faults[:40]),
    ]
    (args.out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if not faults else 1


if __name__ == "__main__":
    raise SystemExit(main())
