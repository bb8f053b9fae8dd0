"""The fuzz suite's budget and its tally.

`.ci/run` runs the short profile (bounded example counts, a few seconds of fuzzing per test);
`make fuzz` sets SLZ_FUZZ=long for a run about a hundred times larger. Every case ends in the tally
printed after the tests: how many cases, which exit codes, how many crashes (which must be 0).
"""

from __future__ import annotations

import collections
import os

import pytest
from hypothesis import HealthCheck, settings

LONG = os.environ.get("SLZ_FUZZ") == "long"

# The short profile is derandomized, so a CI failure replays the same cases on any machine.
_BASE = settings(
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TALLY: collections.Counter[str] = collections.Counter()


def budget(short: int, long: int | None = None) -> settings:
    """Hypothesis settings: `short` examples in the short profile, `long` (default 100x) in the long.

    Suites that start a process per case set a smaller `long`, so `make fuzz` ends within the hour.
    """
    return settings(_BASE, max_examples=(long or short * 100) if LONG else short)


def tally(suite: str, outcome: str) -> None:
    TALLY[f"{suite}: {outcome}"] += 1
    TALLY[f"{suite}: cases"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    terminalreporter.section(f"fuzz tally ({'long' if LONG else 'short'} profile)")
    for line in sorted(TALLY):
        terminalreporter.write_line(f"{line}: {TALLY[line]}")
