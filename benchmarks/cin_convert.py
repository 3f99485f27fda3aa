"""Times converting one CIN census return to standard NDJSON exactly as ``dastandard convert RETURN.xml --to ndjson
--jobs N`` does (``convert_file``: a fresh temporary output file, the report, the background writer), without the
final rename.

Usage: ``python benchmarks/cin_convert.py RETURN.xml OUTPUT.ndjson JOBS REPEATS``. Runs in a fresh interpreter so
that nothing measured earlier in the benchmark (loaded peers, a fragmented heap) colours the number. Prints one
JSON line: ``{"children": N, "seconds": best, "runs": [...]}``; ``best`` is the fastest of the repeats, the usual
way to take a timing on a machine shared with other work. Each run's output is deleted before the next starts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from dastandard.convert.pipeline import Options, convert_file


def main(source: Path, target: Path, jobs: int, repeats: int) -> None:
    options = Options(from_name="cin-census", to_name="ndjson", strict=False, jobs=jobs)
    runs: list[float] = []
    children = 0
    for _ in range(repeats):
        start = time.perf_counter()
        outcome = convert_file(str(source), str(target), options)
        runs.append(time.perf_counter() - start)
        if outcome.temp is None:
            raise SystemExit(f"conversion failed: {outcome.message}")
        Path(outcome.temp).unlink()
        children = outcome.report.records_in
    print(json.dumps({"children": children, "seconds": min(runs), "runs": runs}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
