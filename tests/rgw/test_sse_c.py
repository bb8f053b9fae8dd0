"""SSE-C on the real gateway: what moto cannot prove (moto neither enforces nor echoes SSE-C on
reads). The gateway keeps only a hash of the customer key, so it cannot serve the object without it.
"""
from __future__ import annotations

from typing import Any

import pytest

from tests.rgw.conftest import OTHER_KEY, SSE_C_KEY
from tests.rgw.helpers import refusal, unique

PLAINTEXT = b"patient record 42"


@pytest.fixture()
def sse_c_object(s3: Any) -> tuple[str, str]:
    bucket = unique("ssec")
    s3.create_bucket(Bucket=bucket)
    put = s3.put_object(Bucket=bucket, Key="record", Body=PLAINTEXT,
                        SSECustomerAlgorithm="AES256", SSECustomerKey=SSE_C_KEY)
    assert put["SSECustomerAlgorithm"] == "AES256"
    return bucket, "record"


def test_get_and_head_without_the_key_are_refused(s3: Any, sse_c_object: tuple[str, str]) -> None:
    bucket, key = sse_c_object
    assert refusal(s3.get_object, Bucket=bucket, Key=key) == (400, "InvalidArgument")
    # A HEAD answer has no body, so botocore only knows the status.
    assert refusal(s3.head_object, Bucket=bucket, Key=key)[0] == 400


def test_a_wrong_key_is_refused(s3: Any, sse_c_object: tuple[str, str]) -> None:
    bucket, key = sse_c_object
    wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": OTHER_KEY}
    assert refusal(s3.get_object, Bucket=bucket, Key=key, **wrong) == (400, "InvalidArgument")
    assert refusal(s3.head_object, Bucket=bucket, Key=key, **wrong)[0] == 400


def test_the_right_key_returns_the_plaintext(s3: Any, sse_c_object: tuple[str, str]) -> None:
    bucket, key = sse_c_object
    right = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": SSE_C_KEY}
    got = s3.get_object(Bucket=bucket, Key=key, **right)
    assert got["Body"].read() == PLAINTEXT
    head = s3.head_object(Bucket=bucket, Key=key, **right)
    assert head["SSECustomerAlgorithm"] == "AES256" and head["ContentLength"] == len(PLAINTEXT)


def test_sse_c_is_refused_over_plain_http(s3: Any, s3_plain_http: Any,
                                          sse_c_object: tuple[str, str]) -> None:
    """`rgw crypt require ssl = true` (the default): the key never crosses the wire in clear."""
    bucket, key = sse_c_object
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": SSE_C_KEY}
    assert refusal(s3_plain_http.put_object, Bucket=bucket, Key="h", Body=b"x", **sse) == (
        400, "InvalidRequest")
    assert refusal(s3_plain_http.get_object, Bucket=bucket, Key=key, **sse) == (400, "InvalidRequest")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1  # nothing was stored over http
