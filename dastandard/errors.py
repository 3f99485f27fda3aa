"""Exit codes and the fatal error type.

Exit codes are a public interface: a number, once given a meaning, is never reused. Retired codes stay here as
comments.
"""

from __future__ import annotations

from typing import NoReturn

OK = 0
FINDINGS_AT_FAIL_LEVEL = 1
USAGE = 2  # click's own code for usage errors
INPUT_UNREADABLE = 10  # an input file or folder could not be opened or read at all
OUTPUT_UNWRITABLE = 11  # the output could not be written (nothing partial is left behind)
CONFIG_INVALID = 12  # the configuration file is malformed or names an unknown rule
CONVERSION_LOSSY_STRICT = 13  # --strict and the conversion would lose or alter data
CONVERSION_FAILED = 14  # an input could not be converted at all
UNKNOWN_FORMAT = 15  # the input format could not be detected or is not registered
PACKAGE_INVALID = 16  # a FHIR package given with --ig is missing, unsafe (path traversal, links, size) or malformed


class FatalError(Exception):
    """An error that ends the command with a message and a documented exit code."""

    def __init__(self, message: str, status: int, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details


def fatal(message: str, status: int, details: str = "") -> NoReturn:
    """Raise FatalError; the CLI prints the message (never a traceback) and exits with ``status``."""
    raise FatalError(message, status, details)
