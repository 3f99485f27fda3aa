"""The absence readers and builders of ``dastandard.model.fragments``."""

from __future__ import annotations

from dastandard.model import absent, absent_reason_of
from dastandard.model.urls import DATA_ABSENT_REASON_SYSTEM


def test_absent_reason_of_reads_a_coded_absence_and_the_extension() -> None:
    coded = {
        "coding": [
            {"system": "https://example.org/cs", "code": "99"},
            {"system": DATA_ABSENT_REASON_SYSTEM, "code": "not-asked"},
        ]
    }
    assert absent_reason_of(coded) == "not-asked"
    assert absent_reason_of(absent("asked-declined")) == "asked-declined"  # a primitive's or Reference's form
    assert absent_reason_of({"coding": [{"system": "https://example.org/cs", "code": "Z"}]}) is None
    assert absent_reason_of("not a concept") is None
