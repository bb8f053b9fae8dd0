"""s3hardening against moto in-process: create fails closed, audit reports gaps, delete is safe."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import s3hardening
from s3hardening import bucket_audit, buckets, harden
from s3hardening.spec import PUBLIC_GRANTEES
from tests.object_storage.conftest import (
    FAKE_KEY_ID,
    FAKE_SECRET,
    INPROCESS_ENDPOINT,
    INPROCESS_REGION,
)

pytestmark = pytest.mark.usefixtures("moto_inprocess")

ALL_GAPS_SSE_C_LOCKED = [
    "ENCRYPTION_MISSING",
    "VERSIONING_DISABLED",
    "PUBLIC_ACCESS_BLOCK_MISSING",
    "POLICY_TLS_NOT_ENFORCED",
    "OBJECT_LOCK_DISABLED",
    "LIFECYCLE_NONCURRENT_MISSING",
]


def _target() -> s3hardening.Target:
    ep = s3hardening.validate_endpoint(INPROCESS_ENDPOINT, known=(), approved=[INPROCESS_ENDPOINT])
    return s3hardening.Target(ep, INPROCESS_REGION)


def _locked_spec(name: str = "logs-1") -> s3hardening.BucketSpec:
    return s3hardening.BucketSpec(
        name, encryption="SSE-C", object_lock=s3hardening.ObjectLock("COMPLIANCE", 180)
    )


def _client_error(code: str, message: str = "boom", op: str = "PutBucketEncryption") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, op)


def _creating_state_bucket_fails(client: Any, match: str) -> None:
    """Creating the bucket `state-1` fails closed, with a message that matches `match`."""
    with pytest.raises(s3hardening.HardeningFailedError, match=match):
        harden.create_hardened_bucket(client, s3hardening.BucketSpec("state-1"), region=INPROCESS_REGION)


def test_create_then_audit_is_clean_and_settings_round_trip() -> None:
    target = _target()
    spec = _locked_spec()
    outcome = s3hardening.create(target, spec)
    assert outcome.created and outcome.steps[0] == "public-access-block"
    assert s3hardening.audit(target, spec) == []
    c = target.client()
    assert c.get_bucket_versioning(Bucket="logs-1")["Status"] == "Enabled"
    lock = c.get_object_lock_configuration(Bucket="logs-1")["ObjectLockConfiguration"]
    retention = lock["Rule"]["DefaultRetention"]
    assert (retention["Mode"], retention["Days"]) == ("COMPLIANCE", 180)
    rules = c.get_bucket_encryption(Bucket="logs-1")["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_audit_of_a_plain_bucket_names_every_gap_and_never_raises() -> None:
    target = _target()
    target.client().create_bucket(
        Bucket="logs-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION}
    )
    gaps = s3hardening.audit(target, _locked_spec())
    assert [g.code for g in gaps] == ALL_GAPS_SSE_C_LOCKED
    assert all(g.message for g in gaps)


def test_audit_of_a_missing_bucket() -> None:
    assert [g.code for g in s3hardening.audit(_target(), _locked_spec("nope-1"))] == ["BUCKET_MISSING"]


def test_audit_flags_public_acl_and_weak_retention() -> None:
    target = _target()
    spec = _locked_spec()
    s3hardening.create(target, spec)
    c = target.client()
    c.delete_public_access_block(Bucket="logs-1")
    c.put_bucket_acl(Bucket="logs-1", ACL="public-read")
    c.put_object_lock_configuration(
        Bucket="logs-1",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
        },
    )
    codes = {g.code for g in s3hardening.audit(target, spec)}
    assert {"PUBLIC_ACCESS_BLOCK_MISSING", "ACL_PUBLIC", "OBJECT_LOCK_MODE"} <= codes
    assert "OBJECT_LOCK_RETENTION_SHORT" in codes


def test_create_refuses_to_take_over_an_existing_bucket() -> None:
    target = _target()
    s3hardening.create(target, _locked_spec())
    with pytest.raises(s3hardening.BucketExistsError, match="exists already"):
        s3hardening.create(target, _locked_spec())


def test_adopting_converges_an_existing_plain_bucket() -> None:
    target = _target()
    target.client().create_bucket(
        Bucket="state-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION}
    )
    spec = s3hardening.BucketSpec("state-1")
    outcome = s3hardening.create(target, spec, adopt_existing=True)
    assert not outcome.created and s3hardening.audit(target, spec) == []


@pytest.mark.parametrize(
    "failing",
    [
        "put_bucket_encryption",
        "put_bucket_policy",
        "put_bucket_versioning",
        "put_object_lock_configuration",
        "put_bucket_lifecycle_configuration",
    ],
)
def test_failure_half_way_rolls_back_the_new_bucket(monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    target = _target()
    real_client = target.client

    def failing_client() -> Any:
        client = real_client()

        def boom(**_: Any) -> None:
            raise _client_error("InternalError", "backend exploded", failing)

        monkeypatch.setattr(client, failing, boom)
        return client

    monkeypatch.setattr(s3hardening.Target, "client", lambda self: failing_client())
    with pytest.raises(s3hardening.HardeningFailedError) as err:
        s3hardening.create(target, _locked_spec())
    assert "rolled back" in str(err.value) and "InternalError" in str(err.value)
    monkeypatch.setattr(s3hardening.Target, "client", lambda self: real_client())
    assert not s3hardening.exists(target, "logs-1")


def test_failure_on_an_adopted_bucket_keeps_it_with_the_controls_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = _target().client()
    client.create_bucket(Bucket="state-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION})

    def boom(**_: Any) -> None:
        raise _client_error("InternalError")

    monkeypatch.setattr(client, "put_bucket_policy", boom)
    with pytest.raises(s3hardening.HardeningFailedError) as err:
        harden.create_hardened_bucket(
            client, s3hardening.BucketSpec("state-1"), region=INPROCESS_REGION, adopt_existing=True
        )
    assert "left in place" in str(err.value) and "public-access-block, acl, encryption" in str(err.value)
    assert client.head_bucket(Bucket="state-1")
    # What was applied before the failure stays applied: never weaker than before.
    assert client.get_public_access_block(Bucket="state-1")["PublicAccessBlockConfiguration"]


def test_failed_rollback_is_reported_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    client = _target().client()

    def boom(**_: Any) -> None:
        raise _client_error("InternalError")

    def refuse_delete(**_: Any) -> None:
        raise _client_error("ServiceUnavailable", op="DeleteBucket")

    monkeypatch.setattr(client, "put_bucket_encryption", boom)
    monkeypatch.setattr(client, "delete_bucket", refuse_delete)
    _creating_state_bucket_fails(client, "ALSO failed")
    # The bucket that could not be removed has its public access blocked (first step).
    assert client.get_public_access_block(Bucket="state-1")


def test_rollback_never_deletes_a_bucket_that_received_data(monkeypatch: pytest.MonkeyPatch) -> None:
    client = _target().client()

    def put_then_fail(**_: Any) -> None:
        client.put_object(Bucket="state-1", Key="k", Body=b"x")
        raise _client_error("InternalError")

    monkeypatch.setattr(client, "put_bucket_policy", put_then_fail)
    _creating_state_bucket_fails(client, "NOT deleted")
    assert client.head_bucket(Bucket="state-1")


def test_audit_that_finds_gaps_after_create_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    # An endpoint that answers 200 but ignores a setting (seen on partial S3 implementations).
    client = _target().client()
    monkeypatch.setattr(client, "put_bucket_versioning", lambda **_: None)
    _creating_state_bucket_fails(client, "VERSIONING_DISABLED")
    assert not buckets.bucket_exists(client, "state-1")


def test_delete_refuses_a_non_empty_bucket_unless_forced() -> None:
    target = _target()
    spec = s3hardening.BucketSpec("data-1", deny_insecure_transport=False)
    s3hardening.create(target, spec)
    c = target.client()
    c.put_object(Bucket="data-1", Key="a", Body=b"1")
    c.put_object(Bucket="data-1", Key="a", Body=b"2")
    c.delete_object(Bucket="data-1", Key="a")  # leaves two versions and a delete marker
    with pytest.raises(s3hardening.BucketNotEmptyError, match="forceDestroy"):
        s3hardening.delete(target, "data-1")
    assert s3hardening.exists(target, "data-1")
    s3hardening.delete(target, "data-1", force=True)
    assert not s3hardening.exists(target, "data-1")
    s3hardening.delete(target, "data-1")  # idempotent


def test_refused_credentials_name_the_endpoint_never_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = s3hardening.validate_endpoint(INPROCESS_ENDPOINT, known=(), approved=[INPROCESS_ENDPOINT])
    target = s3hardening.Target(ep, INPROCESS_REGION, FAKE_KEY_ID, FAKE_SECRET)

    def refuse(**_: Any) -> None:
        raise ClientError(
            {
                "Error": {
                    "Code": "InvalidAccessKeyId",
                    "Message": f"The key {FAKE_KEY_ID} / {FAKE_SECRET} does not exist",
                }
            },
            "HeadBucket",
        )

    real = s3hardening.Target.client

    def client(self: s3hardening.Target) -> Any:
        c = real(self)
        monkeypatch.setattr(c, "head_bucket", refuse)
        return c

    monkeypatch.setattr(s3hardening.Target, "client", client)
    with pytest.raises(s3hardening.CredentialsRejectedError) as err:
        s3hardening.create(target, _locked_spec())
    text = str(err.value)
    assert INPROCESS_ENDPOINT in text and "InvalidAccessKeyId" in text
    assert FAKE_KEY_ID not in text and FAKE_SECRET not in text
    assert FAKE_SECRET not in repr(target) and FAKE_KEY_ID not in repr(target)


def test_other_endpoint_errors_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = s3hardening.validate_endpoint(INPROCESS_ENDPOINT, known=(), approved=[INPROCESS_ENDPOINT])
    target = s3hardening.Target(ep, INPROCESS_REGION, FAKE_KEY_ID, FAKE_SECRET)
    err = s3hardening.client.translate(
        _client_error("SlowDown", f"echo {FAKE_SECRET}"),
        endpoint=ep,
        bucket="b-1",
        step="x",
        secrets=target.secrets,
    )
    assert "SlowDown" in str(err) and FAKE_SECRET not in str(err)


def test_endpoint_down_is_one_clear_error() -> None:
    ep = s3hardening.validate_endpoint("http://127.0.0.1:1", known=())
    with pytest.raises(s3hardening.EndpointUnreachableError, match="unreachable"):
        s3hardening.audit(s3hardening.Target(ep, "us-east-1"), _locked_spec())


def test_converge_drops_public_acl_grants_and_keeps_the_others() -> None:
    target = _target()
    spec = s3hardening.BucketSpec("data-1")
    s3hardening.create(target, spec)
    c = target.client()
    acl = c.get_bucket_acl(Bucket="data-1")
    other = {"Grantee": {"Type": "CanonicalUser", "ID": "a" * 64}, "Permission": "READ"}
    everyone = {"Grantee": {"Type": "Group", "URI": PUBLIC_GRANTEES[0]}, "Permission": "READ"}
    c.put_bucket_acl(
        Bucket="data-1",
        AccessControlPolicy={"Grants": [*acl["Grants"], other, everyone], "Owner": acl["Owner"]},
    )
    assert [g.code for g in s3hardening.audit(target, spec)] == ["ACL_PUBLIC"]
    assert "acl" in s3hardening.update(target, spec)
    grants = c.get_bucket_acl(Bucket="data-1")["Grants"]
    assert other in grants and everyone not in grants and len(grants) == len(acl["Grants"]) + 1
    assert s3hardening.audit(target, spec) == []


def test_update_verifies_and_fails_when_a_gap_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    # An endpoint that answers 200 to put-bucket-encryption but ignores it: update must not pass.
    target = _target()
    spec = s3hardening.BucketSpec("data-1")
    s3hardening.create(target, spec)
    target.client().delete_bucket_encryption(Bucket="data-1")
    real = s3hardening.Target.client

    def client(self: s3hardening.Target) -> Any:
        c = real(self)
        monkeypatch.setattr(c, "put_bucket_encryption", lambda **_: None)
        return c

    monkeypatch.setattr(s3hardening.Target, "client", client)
    with pytest.raises(s3hardening.HardeningFailedError, match="ENCRYPTION_MISSING") as err:
        s3hardening.update(target, spec)
    assert err.value.step == "verify"


@pytest.mark.parametrize(
    ("method", "step"),
    [
        ("get_bucket_acl", "acl"),
        ("get_bucket_encryption", "encryption"),
        ("get_bucket_versioning", "versioning"),
        ("get_public_access_block", "public-access-block"),
        ("get_bucket_policy", "bucket-policy"),
        ("get_object_lock_configuration", "object-lock"),
        ("get_bucket_lifecycle_configuration", "lifecycle"),
    ],
)
def test_a_read_the_audit_cannot_make_is_a_gap_never_clean(
    monkeypatch: pytest.MonkeyPatch, method: str, step: str
) -> None:
    target = _target()
    spec = _locked_spec()
    s3hardening.create(target, spec)
    client = target.client()

    def denied(**_: Any) -> None:
        raise _client_error("AccessDenied", op=method)

    monkeypatch.setattr(client, method, denied)
    gaps = bucket_audit.audit_bucket(client, spec)
    assert [g.code for g in gaps] == ["AUDIT_UNREADABLE"], gaps
    assert f"step '{step}'" in gaps[0].message and "AccessDenied" in gaps[0].message
