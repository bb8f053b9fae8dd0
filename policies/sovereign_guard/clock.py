"""Today's date for expiry checks (one place, so tests can pin it)."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The current UTC date: suppressions and qualifications expire at the end of their day."""
    return dt.datetime.now(dt.UTC).date()
