"""``BackgroundWriter``: everything written arrives in order, and a failing target is reported, not hidden."""

from __future__ import annotations

import io

import pytest

from dastandard import _parallel
from dastandard._parallel import BackgroundWriter


def test_everything_arrives_in_order_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "_CHUNK_BYTES", 10)  # many chunks, and a queue that fills
    target = io.BytesIO()
    lines = [f"{n}\n".encode() for n in range(5000)]
    with BackgroundWriter(target) as sink:
        for line in lines:
            assert sink.write(line) == len(line)
    assert target.getvalue() == b"".join(lines)
    assert not target.closed  # the caller owns the target


class _FailsOnSecondWrite(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.calls += 1
        if self.calls == 2:
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_a_failed_write_is_raised_and_nothing_after_it_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "_CHUNK_BYTES", 4)
    target = _FailsOnSecondWrite()
    sink = BackgroundWriter(target)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(1000):
            sink.write(b"abcd")
        sink.close()
    assert target.getvalue() == b"abcd"  # the first chunk only
    sink.close()  # closing again neither blocks nor raises a second time


def test_a_failure_in_the_last_chunk_is_raised_by_close() -> None:
    target = _FailsOnSecondWrite()
    target.write(b"x")  # the next write fails
    sink = BackgroundWriter(target)
    sink.write(b"tail")
    with pytest.raises(OSError):
        sink.close()
    assert target.getvalue() == b"x"


def test_writing_after_close_is_refused() -> None:
    sink = BackgroundWriter(io.BytesIO())
    sink.close()
    with pytest.raises(ValueError, match="closed or has failed"):
        sink.write(b"late")


def test_convert_reports_a_full_disk_as_an_unwritable_output_not_a_traceback() -> None:
    from pathlib import Path

    from dastandard import errors
    from dastandard.convert.pipeline import Options, convert_stream

    source = (Path(__file__).parent.parent / "examples" / "cin-census" / "da-factors.xml").read_bytes()
    target = _FailsOnSecondWrite()
    target.write(b"")  # the first chunk the conversion writes fails
    outcome = convert_stream(
        io.BytesIO(source), "da-factors.xml", None, target, Options(from_name=None, to_name="ndjson", strict=False)
    )
    assert outcome.status == errors.OUTPUT_UNWRITABLE
    assert "No space left on device" in outcome.message


def test_no_thread_runs_until_a_chunk_is_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(_parallel, "_CHUNK_BYTES", 8)
    before = threading.active_count()
    target = io.BytesIO()
    sink = BackgroundWriter(target)
    sink.write(b"1234")  # under a chunk: nothing to hand over yet
    assert threading.active_count() == before
    sink.write(b"5678")
    sink.close()
    assert target.getvalue() == b"12345678"
    assert threading.active_count() == before  # the thread ended with close
    empty = io.BytesIO()
    BackgroundWriter(empty).close()
    assert empty.getvalue() == b""
