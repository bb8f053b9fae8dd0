"""Hardening decided by the gateway's answers, on the fast path: moto in-process, wrapped so that
it answers the two things Ceph RGW 16.2 answers differently (tests/rgw/test_access.py proves them
on the real gateway): PutBucketEncryption is 400 InvalidArgument without an SSE-S3 backend, and
every PutObject is refused while BlockPublicAcls is on."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import s3hardening
from s3hardening.bucket_audit import audit_report
from s3hardening.harden import converge_bucket, create_hardened_bucket
from s3hardening.limits import BLOCK_PUBLIC_ACLS_BREAKS_WRITES, NO_DEFAULT_ENCRYPTION
from s3hardening.spec import PUBLIC_ACCESS_BLOCK, PUBLIC_ACCESS_BLOCK_KEEPING_WRITES
from s3hardening.write_probe import PROBE_KEY
from tests.object_storage.conftest import INPROCESS_ENDPOINT, INPROCESS_REGION

pytestmark = pytest.mark.usefixtures("moto_inprocess")
BOTH = frozenset({NO_DEFAULT_ENCRYPTION, BLOCK_PUBLIC_ACLS_BREAKS_WRITES})


class RgwLike:
    """A moto client that answers like Ceph RGW 16.2 where the two differ (see module doc)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.meta = client.meta

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    @staticmethod
    def _refuse(code: str, status: int, op: str) -> ClientError:
        return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, op)

    def put_bucket_encryption(self, **_: Any) -> None:
        raise self._refuse("InvalidArgument", 400, "PutBucketEncryption")

    def get_bucket_encryption(self, **_: Any) -> dict[str, Any]:
        return {"ServerSideEncryptionConfiguration": {}}  # RGW's answer: empty, not NotFound

    def put_object(self, **kwargs: Any) -> Any:
        flags = self._client.get_public_access_block(Bucket=kwargs["Bucket"])
        if flags["PublicAccessBlockConfiguration"].get("BlockPublicAcls"):
            raise self._refuse("AccessDenied", 403, "PutObject")
        return self._client.put_object(**kwargs)


def _client() -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=INPROCESS_ENDPOINT, region_name=INPROCESS_REGION)


def _spec(name: str = "gw-1", **kwargs: Any) -> s3hardening.BucketSpec:
    return s3hardening.BucketSpec(name, **kwargs)


def _buckets(client: Any) -> list[str]:
    return [b["Name"] for b in client.list_buckets()["Buckets"]]


def test_without_acceptance_create_names_every_limit_and_rolls_back() -> None:
    rgw = RgwLike(_client())
    with pytest.raises(s3hardening.HardeningFailedError) as err:
        create_hardened_bucket(rgw, _spec(), region=INPROCESS_REGION)
    text = str(err.value)
    assert "'block-public-acls-breaks-writes', 'no-default-encryption'" in text
    assert "acceptedGatewayLimits" in text and "--accept-gateway-limit" in text
    assert "rolled back" in text and _buckets(rgw) == []
    assert f"S3 endpoint {INPROCESS_ENDPOINT}" in text


def test_one_accepted_limit_still_names_the_other() -> None:
    rgw = RgwLike(_client())
    with pytest.raises(s3hardening.HardeningFailedError) as err:
        create_hardened_bucket(rgw, _spec(accepted_limits=frozenset({BLOCK_PUBLIC_ACLS_BREAKS_WRITES})),
                               region=INPROCESS_REGION)
    assert "'no-default-encryption'" in str(err.value) and err.value.step == "encryption"
    assert "'block-public-acls-breaks-writes'" not in str(err.value) and _buckets(rgw) == []


def test_accepted_limits_give_the_best_the_gateway_offers_and_notices() -> None:
    rgw = RgwLike(_client())
    create_hardened_bucket(rgw, _spec(accepted_limits=BOTH), region=INPROCESS_REGION)
    block = rgw.get_public_access_block(Bucket="gw-1")["PublicAccessBlockConfiguration"]
    assert block == PUBLIC_ACCESS_BLOCK_KEEPING_WRITES
    assert "Versions" not in rgw.list_object_versions(Bucket="gw-1")  # the probe left nothing
    # Writable afterwards: proven on the real gateway (tests/rgw/test_state_backend.py); moto
    # applies the TLS-only Deny to every put whatever its condition, so it cannot show it here.
    found = audit_report(rgw, _spec(accepted_limits=BOTH))
    assert found.gaps == []
    assert [n.code for n in found.notices] == ["DEFAULT_ENCRYPTION_UNAVAILABLE", "BLOCK_PUBLIC_ACLS_OFF"]
    assert "UNENCRYPTED" in found.notices[0].message  # an SSE-S3 bucket: said plainly
    # The same bucket audited without the acceptance: gaps that name the key.
    gaps = audit_report(rgw, _spec()).gaps
    assert [g.code for g in gaps] == ["ENCRYPTION_MISSING", "PUBLIC_ACCESS_BLOCK_INCOMPLETE"]
    assert all("acceptedGatewayLimits" in g.message for g in gaps)


def test_an_aws_like_endpoint_keeps_every_control_even_with_limits_accepted() -> None:
    """Accepting a limit allows a weaker control only where the gateway's answer demands it."""
    client = _client()
    create_hardened_bucket(client, _spec(accepted_limits=BOTH), region=INPROCESS_REGION)
    block = client.get_public_access_block(Bucket="gw-1")["PublicAccessBlockConfiguration"]
    assert block == PUBLIC_ACCESS_BLOCK
    assert client.get_bucket_encryption(Bucket="gw-1")["ServerSideEncryptionConfiguration"]["Rules"]
    assert audit_report(client, _spec(accepted_limits=BOTH)).notices == []


def test_converge_of_a_retained_bucket_keeps_the_writable_block_without_a_probe() -> None:
    rgw = RgwLike(_client())
    spec = _spec("gw-lock", object_lock=s3hardening.ObjectLock("COMPLIANCE", 1), accepted_limits=BOTH)
    create_hardened_bucket(rgw, spec, region=INPROCESS_REGION)
    probes: list[str] = []
    real_put = rgw.put_object

    def watch(**kwargs: Any) -> Any:
        probes.append(kwargs["Key"])
        return real_put(**kwargs)

    rgw.put_object = watch  # type: ignore[method-assign]
    converge_bucket(rgw, spec)
    assert PROBE_KEY not in probes  # a probe would have been locked for a day
    block = rgw.get_public_access_block(Bucket="gw-lock")["PublicAccessBlockConfiguration"]
    assert block == PUBLIC_ACCESS_BLOCK_KEEPING_WRITES


def test_no_probe_where_the_lock_state_cannot_be_read() -> None:
    """A probe that a retention might lock in is never written: unknown counts as retained."""
    rgw = RgwLike(_client())
    rgw.create_bucket(Bucket="gw-2", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION})

    def unreadable(**_: Any) -> None:
        raise RgwLike._refuse("AccessDenied", 403, "GetObjectLockConfiguration")

    rgw.get_object_lock_configuration = unreadable  # type: ignore[method-assign]
    written: list[str] = []
    rgw.put_object = lambda **kw: written.append(kw["Key"])  # type: ignore[method-assign]
    from s3hardening.write_probe import apply_public_access_block

    apply_public_access_block(rgw, _spec("gw-2", accepted_limits=BOTH))
    assert written == []
    assert rgw.get_public_access_block(Bucket="gw-2")["PublicAccessBlockConfiguration"] == PUBLIC_ACCESS_BLOCK


def test_an_update_never_blocks_writes_of_a_bucket_that_was_writable() -> None:
    # No TLS Deny here: moto would apply it to the probe whatever its condition.
    rgw = RgwLike(_client())
    create_hardened_bucket(rgw, _spec(accepted_limits=BOTH, deny_insecure_transport=False),
                           region=INPROCESS_REGION)
    blocks: list[dict[str, bool]] = []
    real = rgw.put_public_access_block

    def watch(**kwargs: Any) -> Any:
        blocks.append(kwargs["PublicAccessBlockConfiguration"])
        return real(**kwargs)

    rgw.put_public_access_block = watch  # type: ignore[method-assign]
    converge_bucket(rgw, _spec(accepted_limits=BOTH, deny_insecure_transport=False))
    assert blocks == []  # the accepted shape is kept: not even a moment of the full block
    # Limit taken out of the config: re-checked, refused, and the bucket is left writable.
    with pytest.raises(s3hardening.GatewayLimitError):
        converge_bucket(rgw, _spec(accepted_limits=frozenset({NO_DEFAULT_ENCRYPTION}),
                                   deny_insecure_transport=False))
    block = rgw.get_public_access_block(Bucket="gw-1")["PublicAccessBlockConfiguration"]
    assert block == PUBLIC_ACCESS_BLOCK_KEEPING_WRITES
