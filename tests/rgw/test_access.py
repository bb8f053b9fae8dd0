"""Public access block, bucket-policy conditions and default encryption as the gateway (Ceph
16.2) really answers. Some of these pin gateway defects the hardening has to work around: if a
newer gateway fixes one, its test fails here and the workaround can be revisited.
"""
from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any

from tests.rgw.conftest import SSE_C_KEY
from tests.rgw.gateway import Gateway
from tests.rgw.helpers import refusal, unique

ALL_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _bucket(s3: Any, **flags: bool) -> str:
    bucket = unique("pab")
    s3.create_bucket(Bucket=bucket)
    if flags:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            f: flags.get(f, False) for f in ALL_FLAGS})
    return bucket


def _anonymous_get(rgw: Gateway, bucket: str, key: str) -> int:
    context = ssl.create_default_context(cafile=rgw.ca_bundle)
    try:
        with urllib.request.urlopen(f"{rgw.https_endpoint}/{bucket}/{key}", context=context,
                                    timeout=5):
            return 200
    except urllib.error.HTTPError as err:
        return err.code


def _public_read_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def test_block_public_policy_refuses_a_public_policy(s3: Any) -> None:
    bucket = _bucket(s3, BlockPublicPolicy=True)
    assert refusal(s3.put_bucket_policy, Bucket=bucket, Policy=_public_read_policy(bucket)) == (
        403, "AccessDenied")


def test_block_public_acls_refuses_public_acls(s3: Any) -> None:
    bucket = _bucket(s3, BlockPublicAcls=True)
    assert refusal(s3.put_bucket_acl, Bucket=bucket, ACL="public-read") == (403, "AccessDenied")
    assert refusal(s3.put_object, Bucket=bucket, Key="p", Body=b"x", ACL="public-read") == (
        403, "AccessDenied")


def test_block_public_acls_also_refuses_every_plain_put(s3: Any) -> None:
    """Ceph tracker 49135 (fixed upstream by ceph/ceph#64290, 2025): with BlockPublicAcls on,
    PutObject is refused whatever its ACL, so the hardening leaves that one flag off on such a
    gateway and relies on IgnorePublicAcls (next test)."""
    bucket = _bucket(s3, BlockPublicAcls=True)
    assert refusal(s3.put_object, Bucket=bucket, Key="k", Body=b"x") == (403, "AccessDenied")
    assert refusal(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ACL="private",
                   SSECustomerAlgorithm="AES256", SSECustomerKey=SSE_C_KEY) == (403, "AccessDenied")


def test_ignore_public_acls_makes_public_objects_unreadable(rgw: Gateway, s3: Any) -> None:
    bucket = _bucket(s3)
    s3.put_object(Bucket=bucket, Key="pub", Body=b"x", ACL="public-read")
    assert _anonymous_get(rgw, bucket, "pub") == 200
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        **dict.fromkeys(ALL_FLAGS, True), "BlockPublicAcls": False})
    assert _anonymous_get(rgw, bucket, "pub") == 403
    s3.put_object(Bucket=bucket, Key="pub2", Body=b"x", ACL="public-read")  # writable
    assert _anonymous_get(rgw, bucket, "pub2") == 403


def test_default_encryption_is_refused_without_an_sse_s3_backend(s3: Any) -> None:
    bucket = _bucket(s3)
    assert refusal(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}) == (
        400, "InvalidArgument")
    # Reading it back answers an EMPTY configuration, not NotFound: the audit must not read that
    # as "configured".
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == {}


def test_secure_transport_condition_is_not_enforced(s3: Any, s3_plain_http: Any) -> None:
    bucket = _bucket(s3)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    s3_plain_http.put_object(Bucket=bucket, Key="clear", Body=b"x")  # goes through
    assert s3_plain_http.get_object(Bucket=bucket, Key="clear")["Body"].read() == b"x"


def test_a_null_condition_on_the_sse_c_header_bricks_every_put(s3: Any) -> None:
    bucket = _bucket(s3)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"}}}]}))
    assert refusal(s3.put_object, Bucket=bucket, Key="plain", Body=b"x") == (403, "AccessDenied")
    assert refusal(s3.put_object, Bucket=bucket, Key="ssec", Body=b"x", SSECustomerAlgorithm="AES256",
                   SSECustomerKey=SSE_C_KEY) == (403, "AccessDenied")
