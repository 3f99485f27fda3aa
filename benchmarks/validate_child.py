"""Times full validation (every layer) of one file in this fresh interpreter, as ``dastandard validate`` runs it.

Usage: ``python benchmarks/validate_child.py FILE JOBS``. Prints one JSON line: ``{"seconds": wall, "cpu_seconds":
CPU of this process (the workers' not included, so only meaningful with JOBS 1), "findings": N, "rules": {rule:
count}}``; the timing covers reading, parsing and checking, not the interpreter's start or the imports (the
benchmark measures those as the whole process).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from dastandard.validation import iter_findings


def main(path: str, jobs: int) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    rules = Counter(finding.rule_id for finding in iter_findings([path], jobs=jobs))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "findings": rules.total(), "rules": rules}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
