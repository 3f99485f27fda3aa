"""Spreading a stream of batches over worker processes, with results in submission order.

``ordered_map`` keeps at most ``3 * jobs`` batches in flight, so memory stays bounded however long the stream is,
and hands each result back as soon as it and every earlier one are done. A worker's exception is raised again,
unchanged, where its result would have been.
"""

from __future__ import annotations

import contextlib
import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

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
    ``3 * jobs`` items.
    """
    limit = 3 * jobs
    pending: deque[Future[R]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer) as pool:
        for args in arguments:
            pending.append(pool.submit(func, *args))
            while len(pending) > limit:
                yield pending.popleft().result()
            while pending and pending[0].done():  # hand on what is finished without waiting for more input
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
