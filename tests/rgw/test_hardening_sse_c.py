"""The project's SSE-C enforcement on the real gateway: the client always sends the key, and the
sampled HEAD audit tells SSE-C objects from plain ones (moto cannot: it ignores SSE-C on reads)."""
from __future__ import annotations

from typing import Any

from s3hardening.object_audit import audit_sse_c_objects
from s3hardening.sse_c import CustomerKey, SseCObjects
from tests.rgw.conftest import SSE_C_KEY
from tests.rgw.helpers import refusal, unique


def test_the_sse_c_client_round_trips_and_the_gateway_needs_its_key(s3: Any) -> None:
    bucket = unique("ssec-client")
    s3.create_bucket(Bucket=bucket)
    objects = SseCObjects(s3, bucket, CustomerKey(SSE_C_KEY))
    put = objects.put("record", b"plaintext")
    assert put["SSECustomerAlgorithm"] == "AES256"
    assert objects.get("record") == b"plaintext"
    assert objects.head("record")["SSECustomerAlgorithm"] == "AES256"
    assert refusal(s3.get_object, Bucket=bucket, Key="record") == (400, "InvalidArgument")


def test_the_object_audit_is_clean_for_sse_c_objects_and_names_plain_ones(s3: Any) -> None:
    bucket = unique("ssec-audit")
    s3.create_bucket(Bucket=bucket)
    objects = SseCObjects(s3, bucket, CustomerKey(SSE_C_KEY))
    for i in range(3):
        objects.put(f"ok-{i}", b"x")
    assert audit_sse_c_objects(s3, bucket) == ([], [])
    s3.put_object(Bucket=bucket, Key="leaked", Body=b"x")  # someone bypassed the client
    gaps, notices = audit_sse_c_objects(s3, bucket)
    assert [code for code, _ in gaps] == ["OBJECT_NOT_SSE_C"]
    assert "1 of 4 sampled" in gaps[0][1] and "leaked" in gaps[0][1]
    assert notices == []
    _, notices = audit_sse_c_objects(s3, bucket, limit=2)
    assert [code for code, _ in notices] == ["OBJECTS_SAMPLED"]
