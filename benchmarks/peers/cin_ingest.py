"""Times the csc-validator-be-cin XML ingest on one CIN census file (run inside that package's own venv).

Prints one JSON line: {"children": N, "seconds": S}.
"""

import json
import sys
import time
import xml.etree.ElementTree as ET

from cin_validator.ingress import XMLtoCSV


def main(path: str) -> None:
    start = time.perf_counter()
    tables = XMLtoCSV(ET.parse(path).getroot())
    seconds = time.perf_counter() - start
    print(json.dumps({"children": len(tables.ChildIdentifiers), "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1])
