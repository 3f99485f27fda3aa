"""Temporary files beside a target, created so that an interrupt can never leave one behind.

Outputs are written to a temporary file in the target's folder and renamed over the target only when complete.
An interrupt (Ctrl-C, or SIGTERM turned into an exception) that lands between creating the file and entering the
code that removes it on failure would leave a file of case data behind. ``temp_beside`` holds SIGINT and SIGTERM
while the file is created and releases them inside the guarded block, so a pending interrupt is raised where the
file is removed. On platforms without ``pthread_sigmask`` the signals are not held.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


def _hold() -> set[int] | None:
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def _release(previous: set[int] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def temp_beside(target: Path, suffix: str = ".part", folder: Path | None = None) -> Iterator[tuple[int, str]]:
    """Create a hidden temporary file in ``folder`` (default: ``target``'s folder); yield its open descriptor and
    path.

    If the block raises (an interrupt included) the file is removed and the exception goes on; if it ends normally
    the file stays, for the caller to rename or remove. ``OSError`` from creating the file propagates.
    """
    import tempfile  # loaded only when an output is written

    previous = _hold()
    try:
        fd, name = tempfile.mkstemp(dir=folder or target.parent, prefix=f".{target.name}.", suffix=suffix)
    except BaseException:
        _release(previous)
        raise
    try:
        _release(previous)  # a signal that arrived meanwhile is raised here, inside the guard
        yield fd, name
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
