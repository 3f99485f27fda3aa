"""Profile layer (rules DA2xxx): conformance to the standard's StructureDefinitions."""

from __future__ import annotations

from typing import Any

from dastandard.config import Settings
from dastandard.validation.structure import Issue


class ProfileChecker:
    """Checks records against the compiled profiles."""

    def check(self, record: Any, root: tuple[Any, ...], out: list[Issue], settings: Settings) -> None:
        """Append profile issues for ``record`` to ``out``."""


_CHECKER = ProfileChecker()


def profile_checker() -> ProfileChecker:
    return _CHECKER
