"""Temporary files beside a target: an interrupt never leaves one behind."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dastandard.tempfiles import temp_beside


@pytest.fixture(autouse=True)
def _terminal_sigint() -> Iterator[None]:
    """Ctrl-C as a terminal gives it: a shell that starts the suite in the background has SIGINT ignored, and an
    ignored signal is rightly left alone by ``temp_beside``."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_file_stays_after_a_normal_block(tmp_path: Path) -> None:
    with temp_beside(tmp_path / "out.csv") as (fd, name):
        os.write(fd, b"data")
        os.close(fd)
    assert Path(name).read_bytes() == b"data"
    assert Path(name).parent == tmp_path and Path(name).name.startswith(".out.csv.") and name.endswith(".part")


def test_an_exception_in_the_block_removes_the_file(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), temp_beside(tmp_path / "out.csv") as (fd, _):
        os.close(fd)
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_arriving_while_the_file_is_made_is_raised_inside_the_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = tempfile.mkstemp

    def make_then_interrupt(**kwargs: object) -> tuple[int, str]:
        result = made(**kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C lands after the file exists, before the guard is entered
        return result  # type: ignore[no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", make_then_interrupt)
    with pytest.raises(KeyboardInterrupt), temp_beside(tmp_path / "out.csv") as (fd, _):
        os.close(fd)
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is back


def test_a_deferred_interrupt_is_raised_even_with_other_threads_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # the kernel may hand the signal to this thread
    other.start()
    try:
        test_an_interrupt_arriving_while_the_file_is_made_is_raised_inside_the_guard(tmp_path, monkeypatch)
    finally:
        stop.set()
        other.join()


def test_a_folder_can_be_given(tmp_path: Path) -> None:
    other = tmp_path / "real"
    other.mkdir()
    with temp_beside(tmp_path / "link.txt", ".tmp", folder=other) as (fd, name):
        os.close(fd)
    assert Path(name).parent == other and name.endswith(".tmp")
