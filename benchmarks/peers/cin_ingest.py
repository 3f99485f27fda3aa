"""Times the csc-validator-be-cin XML ingest on one CIN census file (run inside that package's own venv).

Prints one JSON line: {"children": N, "seconds": wall, "cpu_seconds": CPU of this process}, both for parsing the
file and building the peer's tables.
"""

import json
import sys
import time
import xml.etree.ElementTree as ET

from cin_validator.ingress import XMLtoCSV


def main(path: str) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    tables = XMLtoCSV(ET.parse(path).getroot())
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"children": len(tables.ChildIdentifiers), "seconds": seconds, "cpu_seconds": cpu_seconds}))


if __name__ == "__main__":
    main(sys.argv[1])
