"""Audit a bucket against its hardened spec: one pass over the rows of audit_rows.py.

Each row reads one setting; the audit decides, the same way for every row, whether the read
answered, found the setting not configured ("missing"), or failed ("unreadable": a gap, never
clean). What a row's answer means is the row's own judge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from .audit_rows import AUDIT_ROWS, AuditRow
from .buckets import bucket_exists
from .client import error_code
from .gaps import Gap
from .spec import BucketSpec

_MISSING = object()


def _read(row: AuditRow, client: Any, bucket: str) -> tuple[Any, str | None]:
    """(answer, None); (_MISSING, None) when not configured; (None, code) when unreadable."""
    try:
        return row.read(client, bucket), None
    except ClientError as exc:
        code = error_code(exc)
        if row.when_missing is not None and (
            code.startswith("NoSuch") or code == "404" or code in row.missing_codes
        ):
            return _MISSING, None
        return None, code or "error"


def unreadable(row: AuditRow, code: str) -> Gap:
    # Unknown is never clean: a read that fails for any reason other than "not configured" is a
    # gap, named with the hardening step that sets what could not be read.
    return Gap(
        "AUDIT_UNREADABLE", f"{row.what} (step '{row.step}') could not be read ({code}): state unknown"
    )


def audit_setting(row: AuditRow, client: Any, spec: BucketSpec) -> list[Gap]:
    """The gaps of one setting: unreadable, missing, or what the row's judge finds."""
    answer, problem = _read(row, client, spec.name)
    if problem is not None:
        return [unreadable(row, problem)]
    if answer is _MISSING:
        assert row.when_missing is not None  # _read returns _MISSING only then
        return row.when_missing(spec)
    return row.judge(answer, spec)


def audit_bucket(client: Any, spec: BucketSpec, rows: Sequence[AuditRow] = AUDIT_ROWS) -> list[Gap]:
    """Every gap between the bucket and the spec; never raises for an absent configuration.

    Transport and credential failures (endpoint down, keys refused) still raise: they say nothing
    about the bucket. `rows` lets a caller audit a subset or a variant (a row per setting).
    """
    name = spec.name
    try:
        if not bucket_exists(client, name):
            return [Gap("BUCKET_MISSING", f"bucket '{name}' does not exist")]
    except ClientError as exc:
        return [Gap("BUCKET_UNREADABLE", f"bucket '{name}' cannot be read ({error_code(exc)})")]
    gaps: list[Gap] = []
    for row in rows:
        if row.applies(spec):
            gaps.extend(audit_setting(row, client, spec))
    return gaps
