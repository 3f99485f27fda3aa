"""The format registry: built-in formats plus third-party formats from the ``dastandard.formats`` entry points.

Built-in formats are imported by plain imports in ``builtin_formats`` (on first use) and listed there. A built-in
that cannot be instantiated is recorded in ``load_errors()`` (the test suite treats that as an error); a
third-party plugin that cannot be loaded becomes a ``RuntimeWarning`` and is left out. ``detect_format`` returns a
name only when exactly one readable format claims the input; the FHIR formats decide through
``dastandard.fhir.detect.detect_shape``, the detector validation uses too.
"""

from __future__ import annotations

import warnings
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from dastandard.convert.base import Format

ENTRY_POINT_GROUP = "dastandard.formats"


def builtin_formats() -> tuple[type[Format], ...]:
    """The built-in formats, in listing order (imported on first use, so importing the registry stays cheap)."""
    from dastandard.convert.chronology import ChronologyCsvFormat, ChronologyHtmlFormat
    from dastandard.convert.cin_census import CinCensusFormat
    from dastandard.convert.dfe_csc_api import DfeCscApiFormat
    from dastandard.convert.encompass import EncompassFormat
    from dastandard.convert.fhir_formats import FhirJsonFormat, FhirXmlFormat, NdjsonFormat
    from dastandard.convert.logical_format import LogicalFormat
    from dastandard.convert.marac import MaracCsvFormat, MaracJsonFormat
    from dastandard.convert.marac_return import SafeLivesMaracReturnFormat
    from dastandard.convert.police import PoliceCsvFormat

    return (
        FhirJsonFormat,
        FhirXmlFormat,
        NdjsonFormat,
        LogicalFormat,
        CinCensusFormat,
        PoliceCsvFormat,
        EncompassFormat,
        ChronologyCsvFormat,
        ChronologyHtmlFormat,
        MaracJsonFormat,
        MaracCsvFormat,
        DfeCscApiFormat,
        SafeLivesMaracReturnFormat,
    )


class RegistryError(LookupError):
    """A format name is not registered."""


def _plugin_class(loaded: object, spec: str) -> type[Format]:
    if not (isinstance(loaded, type) and issubclass(loaded, Format)):
        raise TypeError(f"{spec} is not a dastandard.convert.base.Format subclass")
    return loaded


@cache
def _registry() -> tuple[dict[str, Format], tuple[str, ...]]:
    formats: dict[str, Format] = {}
    errors: list[str] = []
    for cls in builtin_formats():
        try:
            fmt = cls()
        except Exception as exc:  # a built-in that fails to start is reported, not fatal
            errors.append(f"{cls.__module__}:{cls.__qualname__}: {type(exc).__name__}: {exc}")
            continue
        formats.setdefault(fmt.name, fmt)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            fmt = _plugin_class(ep.load(), ep.value)()
        except Exception as exc:  # plugins must never crash the tool
            warnings.warn(
                f"format plugin {ep.name!r} ({ep.value}) could not be loaded: {exc}", RuntimeWarning, stacklevel=2
            )
            continue
        if fmt.name in formats:
            warnings.warn(
                f"format plugin {ep.name!r} redefines {fmt.name!r}; the built-in is kept", RuntimeWarning, stacklevel=2
            )
            continue
        formats[fmt.name] = fmt
    return formats, tuple(errors)


def load_errors() -> tuple[str, ...]:
    """Built-in formats that could not be started, as ``"module:Class: error"`` lines."""
    return _registry()[1]


def all_formats() -> list[Format]:
    """Every loaded format, built-ins first (in ``builtin_formats`` order), then plugins by name."""
    return list(_registry()[0].values())


def format_names() -> list[str]:
    """The names of every loaded format."""
    return list(_registry()[0])


def get_format(name: str) -> Format:
    """The format registered as ``name``; raises RegistryError naming the known formats."""
    formats = _registry()[0]
    try:
        return formats[name]
    except KeyError:
        raise RegistryError(f"unknown format {name!r}; known formats: {', '.join(sorted(formats))}") from None


def detect_candidates(head: bytes, path: Path | None) -> list[str]:
    """Readable formats that could have produced this input: those whose ``sniff`` accepts ``head``, or, when
    none does, those whose extensions match ``path``."""
    readable = [f for f in all_formats() if f.can_read]
    sniffed = []
    for fmt in readable:
        try:
            if fmt.sniff(head, path):
                sniffed.append(fmt.name)
        except Exception:  # a faulty sniffer is treated as "not mine"
            continue
    if sniffed:
        return sniffed
    if path is None:
        return []
    name = path.name.lower()
    return [f.name for f in readable if any(name.endswith(ext.lower()) for ext in f.extensions)]


def detect_format(head: bytes, path: Path | None) -> str | None:
    """The single format this input is in, or None when no format or more than one claims it."""
    candidates = detect_candidates(head, path)
    return candidates[0] if len(candidates) == 1 else None
