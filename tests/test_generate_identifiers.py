"""Generated identifiers never collide by accident, and a dataset can mix clean and flawed cases."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from dastandard import generate as gen
from dastandard.model.urls import NHS_NUMBER_SYSTEM, PATIENT_RELIGION


def _modulus_11_ok(number: str) -> bool:
    digits = [int(c) for c in number]
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == digits[9]


def test_every_number_of_the_range_is_distinct_valid_and_in_the_test_range() -> None:
    numbers = [gen.nhs_number(7, index, slot) for index in range(gen.NHS_UNIQUE_CASES) for slot in range(6)]
    assert len(set(numbers)) == len(numbers) == 900_000
    assert all(len(n) == 10 and n.startswith("999") for n in numbers)
    assert all(_modulus_11_ok(n) for n in numbers[::997])


def test_the_check_digit_is_the_modulus_11_one() -> None:
    # 943 476 5919 is the worked example of the NHS number check digit; its stem 943476591 gives check 9
    assert _modulus_11_ok("9434765919")
    assert not _modulus_11_ok("9434765918")
    assert all(_modulus_11_ok(gen.nhs_number(3, i, s)) for i in range(2_000) for s in range(6))


def test_numbers_depend_only_on_seed_case_and_slot() -> None:
    assert gen.nhs_number(1, 42, 3) == gen.nhs_number(1, 42, 3)
    first = {gen.nhs_number(1, i, s) for i in range(100) for s in range(6)}
    other = {gen.nhs_number(2, i, s) for i in range(100) for s in range(6)}
    assert first != other
    with pytest.raises(ValueError, match="slot"):
        gen.nhs_number(1, 0, 6)


def test_no_two_persons_of_a_dataset_share_an_nhs_number() -> None:
    seen: dict[str, tuple[int, str]] = {}
    for index, record in enumerate(gen.generate_records(400, seed=5)):
        for person in record["persons"]:
            for ident in person["identifiers"]:
                if ident["system"] == NHS_NUMBER_SYSTEM:
                    assert ident["value"] not in seen, (index, person["id"], seen.get(ident["value"]))
                    assert _modulus_11_ok(ident["value"])
                    seen[ident["value"]] = (index, person["id"])
    assert len(seen) >= 400 * 3  # two adults and at least one child per case


def _has_religion(bundle: dict[str, object]) -> bool:
    for entry in bundle["entry"]:  # type: ignore[attr-defined]
        resource = entry["resource"]
        if resource["resourceType"] == "Patient":
            return any(e.get("url") == PATIENT_RELIGION for e in resource.get("extension", []))
    raise AssertionError("no Patient")


def test_one_case_in_n_carries_the_flaws(tmp_path: Path) -> None:
    bundles = list(gen.generate_bundles(7, seed=4, flaws={"missing-characteristic"}, flaw_every=3))
    assert [not _has_religion(b) for b in bundles] == [True, False, False, True, False, False, True]
    path = tmp_path / "mix.ndjson"
    gen.write_dataset(path, "ndjson", count=7, seed=4, flaws=["missing-characteristic"], flaw_every=3, jobs=2)
    assert [orjson.loads(line) for line in path.read_bytes().splitlines()] == bundles


def test_flaw_every_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="flaw_every"):
        gen.write_dataset(tmp_path / "x.ndjson", "ndjson", count=1, flaws=["missing-characteristic"], flaw_every=0)
    assert not list(tmp_path.iterdir())
