"""Preflight's errors: the two ways a run can fail before it has a verdict, each with its exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_CRASH = 3


class PreflightError(Exception):
    """A failure reported as one line; `detail` (a traceback, a stderr tail) is shown on request."""

    exit_code = EXIT_CRASH

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class UsageError(PreflightError):
    """Bad usage or bad configuration: unknown stack, unreadable stack file, invalid policy config."""

    exit_code = EXIT_USAGE


class CrashError(PreflightError):
    """The program or the policy pack crashed, hung, or answered something unusable."""

    exit_code = EXIT_CRASH
