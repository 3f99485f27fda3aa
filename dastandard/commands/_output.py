"""What the commands that write a file or folder share: the ``-o/--output`` option, the atomic write and the
one message for an output that cannot be written (exit status ``errors.OUTPUT_UNWRITABLE``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal, TextIO, overload

import click

from dastandard.errors import OUTPUT_UNWRITABLE, FatalError
from dastandard.tempfiles import temp_beside


def output_option(*, folder: bool, help: str, required: bool = False) -> Callable[[Any], Any]:
    """The ``-o/--output`` option of a command that writes one folder (``folder=True``) or one file."""
    kind = click.Path(file_okay=False, path_type=Path) if folder else click.Path(dir_okay=False, path_type=Path)
    return click.option("-o", "--output", type=kind, required=required, default=None, help=help)


def unwritable(target: Path, exc: OSError) -> FatalError:
    """The error for an output that cannot be written, naming it and the system's reason."""
    return FatalError(f"cannot write {target}: {exc.strerror or exc}", OUTPUT_UNWRITABLE)


@overload
def atomic(target: Path, binary: Literal[False] = False) -> contextlib.AbstractContextManager[TextIO]: ...
@overload
def atomic(target: Path, binary: Literal[True]) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic(target: Path, binary: bool = False) -> contextlib.AbstractContextManager[IO[Any]]:
    """A stream (text, or bytes with ``binary``) whose content replaces ``target`` only once it is complete;
    nothing is left behind on failure. A device or FIFO (``/dev/null``) is written in place, never replaced."""
    return _atomic(target, binary)


@contextlib.contextmanager
def _atomic(target: Path, binary: bool) -> Iterator[IO[Any]]:
    mode = "wb" if binary else "w"
    text: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": "\n"}
    if target.exists() and not target.is_file() and not target.is_dir():
        try:
            with target.open(mode, **text) as stream:
                yield stream
        except OSError as exc:
            raise unwritable(target, exc) from None
        return
    try:
        with temp_beside(target, ".tmp", folder=target.resolve().parent) as (fd, tmp_name):  # removed on failure
            with os.fdopen(fd, mode, **text) as stream:
                yield stream
            Path(tmp_name).replace(target)
    except OSError as exc:
        raise unwritable(target, exc) from None
