"""The ``--ig``/``--profile`` options of ``dastandard validate``: load the packages once, for this command only."""

from __future__ import annotations

from collections.abc import Sequence

import click

from dastandard.errors import PACKAGE_INVALID, USAGE, FatalError


def select_packages(paths: Sequence[str], profiles: Sequence[str]) -> None:
    """Load the FHIR packages and select them (and the profiles) until the current click command ends.

    A missing, unsafe or malformed package is a FatalError with ``PACKAGE_INVALID``; an unknown ``--profile`` URL
    one with ``USAGE``. A StructureDefinition the profile layer cannot compile is named in a warning on stderr.
    Does nothing when neither option was given.
    """
    if not paths and not profiles:
        return
    from dastandard.fhir.npm import PackageError
    from dastandard.validation import packages

    try:
        packages.select(paths, profiles)
    except PackageError as exc:
        raise FatalError(f"cannot use the FHIR package: {exc}", PACKAGE_INVALID) from None
    except ValueError as exc:
        raise FatalError(str(exc), USAGE) from None
    click.get_current_context().call_on_close(packages.clear)
    from dastandard.validation.profile import profile_checker

    for error in profile_checker().errors:  # compiled here once, so nothing is dropped without a word
        click.echo(f"warning: a StructureDefinition could not be compiled and is not checked: {error}", err=True)
