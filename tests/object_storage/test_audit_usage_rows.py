"""The audit rows no configuration step sets: the transport the client talks, and a sample of the
stored objects of an SSE-C bucket (the only SSE-C enforcement a gateway like Ceph RGW allows)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

import s3hardening
from s3hardening.bucket_audit import audit_report
from s3hardening.usage_rows import USAGE_ROWS

SSE_C = s3hardening.BucketSpec("hd-1", encryption="SSE-C")


class Objects:
    """An endpoint URL, a listing, and a HEAD answer (or error code) per key."""

    def __init__(self, url: str, heads: dict[str, Any], truncated: bool = False) -> None:
        self.meta = SimpleNamespace(endpoint_url=url)
        self.heads = heads
        self.truncated = truncated

    def head_bucket(self, **_: Any) -> dict[str, Any]:
        return {}

    def list_objects_v2(self, **kwargs: Any) -> dict[str, Any]:
        keys = list(self.heads)[: kwargs["MaxKeys"]]
        return {"Contents": [{"Key": k} for k in keys], "IsTruncated": self.truncated}

    def head_object(self, Key: str, **_: Any) -> dict[str, Any]:
        answer = self.heads[Key]
        if isinstance(answer, str):
            raise ClientError({"Error": {"Code": answer}}, "HeadObject")
        return dict(answer)


def _codes(client: Any, spec: s3hardening.BucketSpec = SSE_C) -> tuple[list[str], list[str]]:
    found = audit_report(client, spec, rows=(), usage_rows=USAGE_ROWS)
    return [g.code for g in found.gaps], [n.code for n in found.notices]


@pytest.mark.parametrize(
    ("url", "gaps"),
    [
        ("https://s3.gra11.io.cloud.ovh.net", []),
        ("http://127.0.0.1:9000", []),  # a loopback test endpoint, the only http validation allows
        ("http://s3.example.org", ["TRANSPORT_NOT_TLS"]),
    ],
)
def test_transport(url: str, gaps: list[str]) -> None:
    assert _codes(Objects(url, {}))[0] == gaps


def test_sse_c_objects_keyless_head_refused_is_sse_c_and_a_plain_one_is_a_gap() -> None:
    client = Objects("https://x.example", {
        "a": "400",  # the gateway needs the key: SSE-C
        "b": {"SSECustomerAlgorithm": "AES256"},  # echoed SSE-C
        "c": {},  # stored without a customer key
        "gone": "NoSuchKey",  # deleted between listing and HEAD
    })
    gaps, notices = _codes(client)
    assert gaps == ["OBJECT_NOT_SSE_C"] and notices == []


def test_an_object_that_cannot_be_checked_is_a_gap_and_a_sample_says_so() -> None:
    gaps, notices = _codes(Objects("https://x.example", {"a": "AccessDenied"}, truncated=True))
    assert gaps == ["OBJECT_UNREADABLE"] and notices == ["OBJECTS_SAMPLED"]


def test_an_sse_s3_bucket_gets_no_object_sample() -> None:
    client = Objects("https://x.example", {"c": {}})
    assert _codes(client, s3hardening.BucketSpec("data-1")) == ([], [])
