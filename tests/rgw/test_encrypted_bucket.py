"""EncryptedBucket's dynamic provider (check, create, read, diff, update, delete) on the real
gateway over https: a health bucket with SSE-C and a logs bucket with a COMPLIANCE lock."""
from __future__ import annotations

from typing import Any

import pytest

from components.object_storage import EncryptedBucketProvider
from s3hardening.sse_c import CustomerKey, SseCObjects
from tests.object_storage.helpers import props
from tests.rgw.conftest import SSE_C_KEY
from tests.rgw.gateway import Gateway
from tests.rgw.helpers import refusal, unique

LIMITS = ["no-default-encryption", "block-public-acls-breaks-writes"]


def _props(rgw: Gateway, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "endpointUrl": rgw.https_endpoint, "approvedEndpoints": None, "region": "us-east-1",
        "accessKeyId": rgw.access_key, "secretAccessKey": rgw.secret_key,
        "bucketName": unique("health"), "acceptedGatewayLimits": LIMITS}
    return props(**{**base, **overrides})


@pytest.fixture()
def provider(rgw_env: None) -> EncryptedBucketProvider:
    return EncryptedBucketProvider()


def test_create_without_accepting_the_limits_names_the_key_and_leaves_nothing(
        rgw: Gateway, s3: Any, provider: EncryptedBucketProvider) -> None:
    p = _props(rgw, acceptedGatewayLimits=None)
    assert provider.check({}, p).failures == []
    with pytest.raises(Exception) as err:
        provider.create(p)
    assert "acceptedGatewayLimits" in str(err.value) and "no-default-encryption" in str(err.value)
    assert rgw.secret_key not in str(err.value)
    assert p["bucketName"] not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_health_bucket_lifecycle_on_the_gateway(rgw: Gateway, s3: Any,
                                                provider: EncryptedBucketProvider) -> None:
    p = _props(rgw)
    assert provider.check({}, p).failures == []
    created = provider.create(p)
    outs = dict(created.outs or {})
    read = provider.read(created.id, outs).outs or {}
    assert read["auditGaps"] == [] and read["hardened"] is True
    assert set(read["auditNotices"]) >= {"DEFAULT_ENCRYPTION_UNAVAILABLE", "BLOCK_PUBLIC_ACLS_OFF"}
    bucket = p["bucketName"]
    # Writable with the customer key (no policy bricks it), unreadable without it.
    objects = SseCObjects(s3, bucket, CustomerKey(SSE_C_KEY))
    objects.put("record.json", b"{}")
    assert objects.get("record.json") == b"{}"
    assert refusal(s3.get_object, Bucket=bucket, Key="record.json")[0] == 400
    assert provider.read(created.id, outs).outs["auditGaps"] == []  # type: ignore[index]
    # A plain put bypassing the client is found by the audit, and marks the bucket as drifted.
    leaked = s3.put_object(Bucket=bucket, Key="leaked.json", Body=b"{}")["VersionId"]
    drifted = provider.read(created.id, outs).outs or {}
    assert drifted["auditGaps"] == ["OBJECT_NOT_SSE_C"] and drifted["hardened"] is False
    assert provider.diff(created.id, drifted, p).changes
    s3.delete_object(Bucket=bucket, Key="leaked.json", VersionId=leaked)
    changed = {**p, "noncurrentVersionDays": 30}
    assert not provider.diff(created.id, outs, changed).replaces
    outs = dict(provider.update(created.id, outs, changed).outs or {})
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rules[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    with pytest.raises(Exception, match="not empty"):
        provider.delete(created.id, outs)
    provider.delete(created.id, {**outs, "forceDestroy": True})
    assert provider.read(created.id, outs).id == ""


def test_logs_bucket_keeps_its_compliance_lock(rgw: Gateway, s3: Any,
                                               provider: EncryptedBucketProvider) -> None:
    p = _props(rgw, bucketName=unique("logs"), purpose="logs", dataClass="sensitive",
               objectLock={"mode": "COMPLIANCE", "days": 180})
    created = provider.create(p)
    outs = dict(created.outs or {})
    assert provider.read(created.id, outs).outs["auditGaps"] == []  # type: ignore[index]
    version = SseCObjects(s3, p["bucketName"], CustomerKey(SSE_C_KEY)).put("a.log", b"e")["VersionId"]
    assert refusal(s3.delete_object, Bucket=p["bucketName"], Key="a.log", VersionId=version,
                   BypassGovernanceRetention=True) == (403, "AccessDenied")
    with pytest.raises(Exception, match=r"could not delete .* object lock"):
        provider.delete(created.id, {**outs, "forceDestroy": True})
    # Converge keeps BlockPublicAcls off on a locked bucket (a write probe would be locked too).
    provider.update(created.id, outs, p)
    flags = s3.get_public_access_block(Bucket=p["bucketName"])["PublicAccessBlockConfiguration"]
    assert flags["BlockPublicAcls"] is False and flags["IgnorePublicAcls"] is True
