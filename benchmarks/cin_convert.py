"""Times converting one CIN census return to standard NDJSON, as ``dastandard convert --to ndjson --jobs N`` does.

Usage: ``python benchmarks/cin_convert.py RETURN.xml OUTPUT.ndjson JOBS REPEATS``. Runs in a fresh interpreter so
that nothing measured earlier in the benchmark (loaded peers, a fragmented heap) colours the number. Prints one
JSON line: ``{"children": N, "seconds": best, "runs": [...]}``; ``best`` is the fastest of the repeats, the usual
way to take a timing on a machine shared with other work.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from dastandard.convert.base import ConversionReport
from dastandard.convert.registry import get_format


def main(source: Path, target: Path, jobs: int, repeats: int) -> None:
    reader = get_format("cin-census")
    encode = get_format("ndjson").record_encoder()
    assert encode is not None
    runs: list[float] = []
    children = 0
    for _ in range(repeats):
        report = ConversionReport()
        start = time.perf_counter()
        with source.open("rb") as handle, target.open("wb") as out:
            for line in reader.read_encoded(handle, source.name, report, encode, jobs):
                out.write(line)
        runs.append(time.perf_counter() - start)
        children = report.records_in
    print(json.dumps({"children": children, "seconds": min(runs), "runs": runs}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
