"""Validation with Dask on a local two-worker cluster gives the findings of single-machine validation.

The partitioning helpers are tested without Dask; the cluster tests are skipped when the ``dask`` extra is not
installed. Importing dastandard, its CLI and ``dastandard.distributed`` never needs Dask (checked in a subprocess
where Dask cannot be imported).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dastandard.distributed import Partition, check_partition, find_partitions
from dastandard.findings import Finding
from dastandard.generate import write_dataset
from dastandard.validation import validate

ROOT = Path(__file__).resolve().parent.parent


def _key(f: Finding) -> tuple[str, str, int | None, str]:
    return (f.rule_id, f.file, f.record, f.path)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """One file per local authority (with flaws), the return-level examples, a broken, an empty and a missing file."""
    folder = tmp_path_factory.mktemp("national")
    files: list[str] = []
    for n, flaws in enumerate([(), ("child-not-spoken-with",), ("unlinked-repeat-incident",)]):
        path = folder / f"la-{n}.ndjson"
        write_dataset(path, "ndjson", count=5, seed=n, flaws=flaws)
        files.append(str(path))
    for rule in ("DA4002", "DA4003"):
        files.append(str(ROOT / "examples" / "invalid" / f"{rule}.ndjson"))
    broken = folder / "broken.ndjson"
    broken.write_bytes(b'{"resourceType": "Patient", "id": "p1", "birthDate": "2015-13-01"}\n\n{oops\n[1]\n')
    empty = folder / "empty.ndjson"
    empty.write_bytes(b"\n \n")
    files += [str(broken), str(empty), str(folder / "missing.ndjson")]
    return files


@pytest.fixture(scope="module")
def single(dataset: list[str]) -> list[Finding]:
    return list(validate(dataset, input_format="ndjson").findings)


# ---------------------------------------------------------------- without Dask


def test_partitions_cover_each_file_and_start_at_line_starts(dataset: list[str]) -> None:
    parts = find_partitions(dataset[:3], blocksize=50_000)
    assert len(parts) > 3
    for file in dataset[:3]:
        data = Path(file).read_bytes()
        mine = [p for p in parts if p.file == file]
        assert mine[0].start == 0 and mine[-1].end is None
        assert all(a.end == b.start for a, b in itertools.pairwise(mine))
        assert all(data[p.start - 1 : p.start] == b"\n" for p in mine[1:])
    assert find_partitions(dataset[:2]) == [Partition(dataset[0]), Partition(dataset[1])]
    with pytest.raises(ValueError, match="blocksize"):
        find_partitions(dataset, blocksize=0)


def test_a_folder_or_a_glob_expands_in_sorted_order(dataset: list[str]) -> None:
    folder = Path(dataset[0]).parent
    by_glob = [p.file for p in find_partitions(str(folder / "la-*.ndjson"))]
    assert by_glob == dataset[:3]
    assert [p.file for p in find_partitions(folder)] == sorted(str(p) for p in folder.iterdir())


def test_partition_check_matches_the_engine_without_dask(dataset: list[str], single: list[Finding]) -> None:
    for file in dataset[5:]:  # broken, empty, missing: no return-level findings involved
        result = check_partition(Partition(file))
        assert list(result.findings) == [f for f in single if f.file == file]
    assert {f.rule_id for f in single if f.file in dataset[5:]} >= {"DA0001", "DA0002", "DA0010", "DA0011", "DA1005"}


def test_importing_never_needs_dask() -> None:
    code = (
        "import sys\n"
        "for name in ('dask', 'dask.bag', 'distributed'):\n"
        "    sys.modules[name] = None\n"
        "import dastandard, dastandard.cli, dastandard.distributed\n"
        "from click.testing import CliRunner\n"
        "assert CliRunner().invoke(dastandard.cli.cli, ['--help']).exit_code == 0\n"
        "try:\n"
        "    dastandard.distributed.validate_partitions('x.ndjson')\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "pip install 'dastandard[dask]'" in done.stdout


# ---------------------------------------------------------------- on a local cluster


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    pytest.importorskip("dask.bag", reason="the dask extra is not installed (pip install 'dastandard[dask]')")
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
    )
    dask_client = distributed.Client(cluster)
    try:
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()


def test_cluster_results_equal_single_machine(client: object, dataset: list[str], single: list[Finding]) -> None:
    from dastandard.distributed import validate_partitions

    assert len(client.scheduler_info()["workers"]) == 2  # type: ignore[attr-defined]
    found = validate_partitions(dataset, scheduler=client)
    assert {_key(f) for f in found} == {_key(f) for f in single}
    assert found == single  # same findings, lines and order too
    rules = {f.rule_id for f in single}
    assert {"DA4002", "DA4003", "DA3202", "DA3106", "DA0001", "DA0002"} <= rules


def test_byte_range_partitions_keep_record_numbers(client: object, dataset: list[str], single: list[Finding]) -> None:
    from dastandard.distributed import validate_partitions

    found = validate_partitions(dataset, scheduler=client, blocksize=40_000, window=3)
    assert found == single
