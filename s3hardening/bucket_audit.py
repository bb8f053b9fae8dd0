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
from .gaps import AuditReport, Gap
from .spec import BucketSpec
from .usage_rows import USAGE_ROWS

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


def audit_report(
    client: Any,
    spec: BucketSpec,
    rows: Sequence[AuditRow] = AUDIT_ROWS,
    usage_rows: Sequence[AuditRow] = USAGE_ROWS,
) -> AuditReport:
    """Every gap between the bucket and the spec, and every notice; never raises for an absent
    configuration.

    Transport and credential failures (endpoint down, keys refused) still raise: they say nothing
    about the bucket. `rows` lets a caller audit a subset or a variant (a row per setting);
    `usage_rows` are the checks of transport and stored objects (usage_rows.USAGE_ROWS).
    """
    name = spec.name
    try:
        if not bucket_exists(client, name):
            return AuditReport([Gap("BUCKET_MISSING", f"bucket '{name}' does not exist")])
    except ClientError as exc:
        return AuditReport([Gap("BUCKET_UNREADABLE", f"bucket '{name}' cannot be read ({error_code(exc)})")])
    found: list[Gap] = []
    for row in (*rows, *usage_rows):
        if row.applies(spec):
            found.extend(audit_setting(row, client, spec))
    return AuditReport.of(found)


def audit_bucket(
    client: Any,
    spec: BucketSpec,
    rows: Sequence[AuditRow] = AUDIT_ROWS,
    usage_rows: Sequence[AuditRow] = USAGE_ROWS,
) -> list[Gap]:
    """The gaps only (what makes a bucket not hardened); notices are in audit_report."""
    return audit_report(client, spec, rows, usage_rows).gaps
