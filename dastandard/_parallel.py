"""Spreading a stream of batches over worker processes, with results in submission order; writing output in a
background thread.

``ordered_map`` keeps at most ``3 * jobs`` batches in flight, so memory stays bounded however long the stream is,
and hands each result back as soon as it and every earlier one are done. A worker's exception is raised again,
unchanged, where its result would have been.

``default_jobs`` is the number of workers when none is asked for: 1 for inputs under ``PARALLEL_THRESHOLD_BYTES``,
else the usable CPUs, at most ``MAX_DEFAULT_JOBS``.

``background_writes`` lets the disk write of one chunk of output overlap the making of the next: the operating
system copies the bytes while this process goes on converting.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import queue
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

# Records are acyclic trees freed by reference counting, so the cycle collector only costs time while records are
# processed: it skips what existed before (loaded code lists, compiled plans) and looks at young objects less often.
GC_YOUNG = 50_000


def ease_collector() -> None:
    """For the rest of this process: ``gc.freeze`` what exists and raise the youngest generation's threshold."""
    gc.freeze()
    gc.set_threshold(max(gc.get_threshold()[0], GC_YOUNG), *gc.get_threshold()[1:])


@contextlib.contextmanager
def collector_eased() -> Iterator[None]:
    """``ease_collector`` for the length of a ``with`` block; both settings are undone after it."""
    threshold = gc.get_threshold()
    ease_collector()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ordered_map(
    func: Callable[..., R],
    arguments: Iterable[tuple[Any, ...]],
    jobs: int,
    initializer: Callable[[], None] | None = ease_collector,
) -> Iterator[R]:
    """``func(*args)`` for each ``args`` of ``arguments`` in ``jobs`` worker processes, yielded in order.

    ``func`` and the arguments must be picklable. ``arguments`` is consumed lazily, ahead of the results by at most
    ``3 * jobs`` items. If the caller stops early or an exception (an interrupt included) arrives, the work not yet
    started is cancelled and the workers are waited for before the exception goes on.
    """
    limit = 3 * jobs
    pending: deque[Future[R]] = deque()
    from concurrent.futures import ProcessPoolExecutor  # loaded only for a run in several processes

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=initializer)
    try:
        for args in arguments:
            pending.append(pool.submit(func, *args))
            while len(pending) > limit:
                yield pending.popleft().result()
            while pending and pending[0].done():  # hand on what is finished without waiting for more input
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


MAX_DEFAULT_JOBS = 4

# Below this many input bytes one process is faster: starting workers and loading the standard in each costs more
# than it saves (measured on the bundled examples). See docs/ci.md.
PARALLEL_THRESHOLD_BYTES = 8 * 1024 * 1024

# The default stated in the ``--jobs`` help of the commands that use ``default_jobs``.
DEFAULT_JOBS_HELP = (
    f"Default: 1 for inputs under {PARALLEL_THRESHOLD_BYTES // 2**20} MiB, "
    f"else usable CPUs (at most {MAX_DEFAULT_JOBS})."
)


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _input_bytes(inputs: Sequence[str], limit: int) -> int:
    """Total size of the input files (folders walked), counting no further than ``limit``; unreadable ones count 0."""
    total = 0
    for item in inputs:
        if item == "-":
            return limit  # standard input has no size up front: let the workers decide
        path = Path(item)
        try:
            if path.is_dir():
                for folder, _dirs, names in os.walk(path):
                    for name in names:
                        with contextlib.suppress(OSError):
                            total += (Path(folder) / name).stat().st_size
                        if total >= limit:
                            return total
            else:
                total += path.stat().st_size
        except OSError:
            continue
        if total >= limit:
            return total
    return total


def default_jobs(inputs: Sequence[str] = ()) -> int:
    """Worker processes when ``--jobs`` is not given.

    1 when the inputs add up to less than ``PARALLEL_THRESHOLD_BYTES``, else the usable CPUs, at most
    ``MAX_DEFAULT_JOBS``.
    """
    if inputs and _input_bytes(inputs, PARALLEL_THRESHOLD_BYTES) < PARALLEL_THRESHOLD_BYTES:
        return 1
    return max(1, min(usable_cpus(), MAX_DEFAULT_JOBS))


# Output handed to the writing thread at once, and how many such chunks may wait: memory stays under 4 MiB.
_CHUNK_BYTES = 1 << 20
_CHUNKS_WAITING = 4


class BackgroundWriter:
    """A write-only stream that passes what is written to ``target`` from a background thread, in order, in chunks
    of about 1 MiB (at most 4 waiting, so a slow disk slows the producer rather than filling memory).

    A failure of ``target.write`` is raised again, unchanged, once: by the next ``write`` or by ``close``; nothing
    written after a failure reaches ``target``, and later writes raise ``ValueError``. ``close`` waits until
    everything is written; it does not close ``target``.
    """

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self._chunk: list[bytes] = []
        self._size = 0
        import queue  # loaded by the commands that write in the background, not by validation

        self._chunks: queue.Queue[list[bytes] | None] = queue.Queue(_CHUNKS_WAITING)
        self._error: BaseException | None = None  # set by the thread, once
        self._reported = False
        self._closed = False
        # started with the first chunk, so that worker processes forked before any output exists (the usual
        # case: ``ordered_map`` starts its workers with its first batches) never inherit a running thread
        self._thread: threading.Thread | None = None

    def _hand_over(self, chunk: list[bytes] | None) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._drain, name="dastandard-writer", daemon=True)
            self._thread.start()
        self._chunks.put(chunk)

    def _drain(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._error is None:
                try:
                    self._target.write(b"".join(chunk))
                except BaseException as exc:  # handed to the producer; the thread must keep draining
                    self._error = exc

    def _raise_failure(self) -> None:
        """Raise a background failure the first time it is seen."""
        if self._error is not None and not self._reported:
            self._reported = True
            raise self._error

    def write(self, data: bytes) -> int:
        """Queue ``data``; returns its length. Raises what a background write raised."""
        self._raise_failure()
        if self._closed or self._reported:
            raise ValueError("write to a BackgroundWriter that is closed or has failed")
        self._chunk.append(data)
        self._size += len(data)
        if self._size >= _CHUNK_BYTES:
            self._hand_over(self._chunk)
            self._chunk, self._size = [], 0
        return len(data)

    def close(self) -> None:
        """Write what is queued, stop the thread and raise what a background write raised (once)."""
        if self._closed:
            return
        self._closed = True
        if self._chunk:
            self._hand_over(self._chunk)
            self._chunk = []
        if self._thread is not None:
            self._chunks.put(None)
            self._thread.join()
        self._raise_failure()

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
