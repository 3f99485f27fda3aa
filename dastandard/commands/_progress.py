"""Progress on standard error for the long commands (validate, convert, generate, report), drawn with rich.

One shape for all: a bar with ``done/total`` when the total is known, else a spinner and a count; elapsed time;
transient (the line is removed when the run ends). Commands show it only when standard error is a terminal,
unless ``--progress`` or ``--no-progress`` says otherwise, so CI logs and pipes never get it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

Advance = Callable[..., None]
"""``advance(n=1, **fields)``: ``n`` more done, and new values of the template's fields."""


def wanted(flag: bool | None) -> bool:
    """``--progress/--no-progress``, else whether standard error is a terminal."""
    return flag if flag is not None else sys.stderr.isatty()


@contextlib.contextmanager
def progress(
    enabled: bool, text: str, total: int | None = None, *, unit: str = "", **fields: Any
) -> Iterator[Advance | None]:
    """A progress display whose description is ``text`` (a rich template: ``{task.completed}``,
    ``{task.fields[name]}`` for ``fields``), or None when not ``enabled``. ``unit="bytes"`` shows the done and
    total amounts as sizes (``12.3/50.0 MB``)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    columns: list[Any] = (
        [TextColumn(text), BarColumn(), amount] if total is not None else [SpinnerColumn(), TextColumn(text)]
    )
    with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total, **fields)

        def advance(n: int = 1, **values: Any) -> None:
            bar.update(task, advance=n, **values)

        yield advance
