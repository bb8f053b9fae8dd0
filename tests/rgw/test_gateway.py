"""The fixture itself: a real gateway over TLS with our CA, and its user can write and read."""
from __future__ import annotations

import uuid


def test_gateway_serves_s3_over_https(s3) -> None:
    bucket = f"smoke-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello"
