"""Times converting one agency file to standard NDJSON exactly as ``dastandard convert FILE --to ndjson --jobs N``
does (``convert_file``: a fresh temporary output file, the report, the background writer).

Usage: ``python benchmarks/cin_convert.py SOURCE OUTPUT.ndjson JOBS REPEATS [FORMAT]`` (FORMAT: ``cin-census``,
the default, or another reader such as ``police-csv``). Runs in a fresh interpreter so that nothing measured
earlier in the benchmark (loaded peers, a fragmented heap) colours the number. Prints one JSON line:
``{"children": N, "records_out": N, "seconds": best, "cpu_seconds": best, "runs": [...]}``; ``children`` is the
number of source records read. With REPEATS 0 the output of one run is kept at OUTPUT (the benchmark validates it
afterwards); otherwise each run's output is deleted before the next starts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from dastandard.convert.pipeline import Options, convert_file


def main(source: Path, target: Path, jobs: int, repeats: int, fmt: str) -> None:
    options = Options(from_name=fmt, to_name="ndjson", strict=False, jobs=jobs)
    runs: list[float] = []
    cpu: list[float] = []
    children = records_out = 0
    for _ in range(max(1, repeats)):
        start, cpu_start = time.perf_counter(), time.process_time()
        outcome = convert_file(str(source), str(target), options)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        if outcome.temp is None:
            raise SystemExit(f"conversion failed: {outcome.message}")
        if repeats == 0:
            Path(outcome.temp).replace(target)
        else:
            Path(outcome.temp).unlink()
        children, records_out = outcome.report.records_in, outcome.report.records_out
    result = {"children": children, "records_out": records_out, "seconds": min(runs), "cpu_seconds": min(cpu)}
    print(json.dumps(result | {"runs": runs}))


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        Path(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
        sys.argv[5] if len(sys.argv) > 5 else "cin-census",
    )
