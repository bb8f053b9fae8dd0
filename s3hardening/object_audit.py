"""Audit of stored objects in an SSE-C bucket: are they really encrypted with a customer key?

A bounded sample: the first SAMPLE_LIMIT current objects in key order (one ListObjectsV2 page)
each get one HEAD without a key. The gateway answers 400 to a keyless HEAD of an SSE-C object (it
cannot serve it without the key: Ceph RGW 16.2 and AWS alike), and 200 to an object stored
without SSE-C; a 200 that echoes an SSE-C algorithm also counts as SSE-C. Nothing is read or
changed. Noncurrent versions and objects past the sample are not checked: the report says so.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .client import error_code

SAMPLE_LIMIT = 100
SHOWN_KEYS = 5
_GONE = frozenset({"404", "NoSuchKey", "NotFound"})


def audit_sse_c_objects(
    client: Any, bucket: str, limit: int = SAMPLE_LIMIT
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(gaps, notices) as (code, message) pairs for the objects of an SSE-C bucket."""
    listing = client.list_objects_v2(Bucket=bucket, MaxKeys=limit)
    keys = [o["Key"] for o in listing.get("Contents", [])][:limit]
    plain: list[str] = []
    unknown: list[str] = []
    for key in keys:
        try:
            head = client.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            code = error_code(exc)
            if code in ("400", "InvalidArgument", "InvalidRequest"):
                continue  # the gateway needs the customer key for this object: SSE-C
            if code in _GONE:
                continue  # deleted between the listing and the HEAD
            unknown.append(f"{key} ({code or 'error'})")
            continue
        if head.get("SSECustomerAlgorithm"):
            continue
        plain.append(key)
    gaps: list[tuple[str, str]] = []
    if plain:
        gaps.append((
            "OBJECT_NOT_SSE_C",
            f"{len(plain)} of {len(keys)} sampled object(s) are stored without a customer key "
            f"(SSE-C), e.g. {', '.join(plain[:SHOWN_KEYS])}; rewrite them with SSE-C headers",
        ))
    if unknown:
        gaps.append((
            "OBJECT_UNREADABLE",
            f"{len(unknown)} sampled object(s) could not be checked: {', '.join(unknown[:SHOWN_KEYS])}",
        ))
    notices: list[tuple[str, str]] = []
    if listing.get("IsTruncated"):
        notices.append((
            "OBJECTS_SAMPLED",
            f"only the first {len(keys)} objects (key order, current versions) were checked for "
            "SSE-C; the rest of the bucket was not",
        ))
    return gaps, notices
