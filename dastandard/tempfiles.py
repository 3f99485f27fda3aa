"""Temporary files beside a target, created so that an interrupt can never leave one behind.

Outputs are written to a temporary file in the target's folder and renamed over the target only when complete.
An interrupt (Ctrl-C, or SIGTERM turned into an exception) that lands between creating the file and entering the
code that removes it on failure would leave a file of case data behind. ``temp_beside`` defers SIGINT and SIGTERM
while the file is created (their handlers only note the signal) and delivers a deferred one inside the guarded
block, where the file is removed. Deferring works in the main thread only (where Python runs signal handlers);
elsewhere the file is made without it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

_DEFERRED = (signal.SIGINT, signal.SIGTERM)


class _Deferral:
    """While active, SIGINT and SIGTERM are noted instead of handled; ``deliver`` restores the handlers and hands
    each noted signal to its own handler (a default action is taken by sending the signal again)."""

    def __init__(self) -> None:
        self.noted: list[int] = []
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for signum in _DEFERRED:
                if signal.getsignal(signum) is not None:  # None: a handler not set from Python, left alone
                    self.previous[signum] = signal.signal(signum, self._note)

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self.noted.append(signum)

    def deliver(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous = {}
        for signum in dict.fromkeys(self.noted):
            handler = signal.getsignal(signum)
            if callable(handler):
                handler(signum, None)
            elif handler != signal.SIG_IGN:
                os.kill(os.getpid(), signum)


@contextmanager
def temp_beside(target: Path, suffix: str = ".part", folder: Path | None = None) -> Iterator[tuple[int, str]]:
    """Create a hidden temporary file in ``folder`` (default: ``target``'s folder); yield its open descriptor and
    path.

    If the block raises (an interrupt included) the file is removed and the exception goes on; if it ends normally
    the file stays, for the caller to rename or remove. ``OSError`` from creating the file propagates.
    """
    import tempfile  # loaded only when an output is written

    deferral = _Deferral()
    try:
        fd, name = tempfile.mkstemp(dir=folder or target.parent, prefix=f".{target.name}.", suffix=suffix)
    except BaseException:
        deferral.deliver()
        raise
    try:
        deferral.deliver()  # a signal that arrived meanwhile is raised here, inside the guard
        yield fd, name
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
