"""The audit rows no configuration step sets: the transport the client talks, and what was stored.

They follow the setting rows (audit_rows.AUDIT_ROWS) in a report. Their `step` names the check,
not a configure.STEPS entry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .audit_rows import AuditRow
from .gaps import Gap, notice
from .object_audit import audit_sse_c_objects
from .spec import BucketSpec
from .validation import is_loopback_host


def _transport(endpoint_url: Any, _spec: BucketSpec) -> list[Gap]:
    url = str(endpoint_url or "")
    if url.startswith("https://"):
        return []
    if is_loopback_host(urlsplit(url).hostname or ""):
        return []  # a local test endpoint, the only plain http validation accepts (callers say so)
    return [Gap("TRANSPORT_NOT_TLS", f"{url} is not https: requests and keys cross the network in clear")]


def _sse_c_objects(answer: Any, _spec: BucketSpec) -> list[Gap]:
    gaps, notices = answer
    return [Gap(code, text) for code, text in gaps] + [notice(code, text) for code, text in notices]


USAGE_ROWS: tuple[AuditRow, ...] = (
    AuditRow(
        # No gateway we target enforces aws:SecureTransport (Ceph RGW ignores it): TLS is what
        # the client talks, and only https endpoints pass config validation.
        step="endpoint",
        what="transport",
        read=lambda c, _b: c.meta.endpoint_url,
        judge=_transport,
        when_missing=None,
    ),
    AuditRow(
        # No bucket policy can require SSE-C on Ceph RGW: check what was stored (a bounded sample).
        step="sse-c-objects",
        what="stored objects (SSE-C sample)",
        read=lambda c, b: audit_sse_c_objects(c, b),
        judge=_sse_c_objects,
        when_missing=None,
        applies=lambda spec: spec.require_sse_c,
    ),
)
