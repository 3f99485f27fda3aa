"""Checks that a generated CIN census return is one the councils' validator accepts.

Generates a return (``dastandard.generate``, seeded) and runs the full ``csc-validator-be-cin`` validation (every
rule of the census year, not only its XML ingest) on it, in that package's own virtual environment under
``benchmarks/out/`` (it pins pandas 1.x; created on first use, as for the benchmark). Prints the validator's summary
as one JSON line and exits 1 if it finds any error. Rules whose code ends in ``Q`` are queries, which a local
authority may submit with an explanation; they are listed but do not fail the check.

Usage: ``python benchmarks/cin_validity.py [--children 3000] [--seed 2]``. Not part of the unit tests: it needs the
validator's environment and takes minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from run import PEERS, ROOT, _peer_python

from dastandard.generate import CIN_FORMAT_VERSION, write_dataset


def check(children: int, seed: int) -> int:
    python = _peer_python()
    if python is None:
        print("csc-validator-be-cin could not be installed", file=sys.stderr)
        return 2
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    path = out / f"cin-valid-{children}-{seed}-v{CIN_FORMAT_VERSION}.xml"
    write_dataset(path, "cin-census", count=children, seed=seed)
    done = subprocess.run(
        [str(python), str(PEERS / "cin_validate.py"), str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"csc-validator-be-cin failed: {done.stderr.strip()[-600:]}", file=sys.stderr)
        return 2
    summary = json.loads(done.stdout)
    errors = {code: v for code, v in summary["by_rule"].items() if not code.endswith("Q")}
    errors |= {r["rule"]: r for r in summary["return_level"] if not r["rule"].endswith("Q")}
    summary["errors"] = sum(int(v.get("count", 1)) for v in errors.values())
    print(json.dumps(summary))
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    raise SystemExit(check(args.children, args.seed))


if __name__ == "__main__":
    main()
