"""s3hardening against moto in-process when a step fails: rollback, fail closed, errors that name
the endpoint and never the key."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import s3hardening
from s3hardening import buckets, harden
from tests.object_storage.conftest import (
    FAKE_KEY_ID,
    FAKE_SECRET,
    INPROCESS_ENDPOINT,
    INPROCESS_REGION,
)
from tests.object_storage.helpers import client_error, inprocess_target, locked_spec

pytestmark = pytest.mark.usefixtures("moto_inprocess")


def _creating_state_bucket_fails(client: Any, match: str) -> None:
    """Creating the bucket `state-1` fails closed, with a message that matches `match`."""
    with pytest.raises(s3hardening.HardeningFailedError, match=match):
        harden.create_hardened_bucket(client, s3hardening.BucketSpec("state-1"), region=INPROCESS_REGION)


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
    target = inprocess_target()
    real_client = target.client

    def failing_client() -> Any:
        client = real_client()

        def boom(**_: Any) -> None:
            raise client_error("InternalError", "backend exploded", failing)

        monkeypatch.setattr(client, failing, boom)
        return client

    monkeypatch.setattr(s3hardening.Target, "client", lambda self: failing_client())
    with pytest.raises(s3hardening.HardeningFailedError) as err:
        s3hardening.create(target, locked_spec())
    assert "rolled back" in str(err.value) and "InternalError" in str(err.value)
    monkeypatch.setattr(s3hardening.Target, "client", lambda self: real_client())
    assert not s3hardening.exists(target, "logs-1")


def test_failure_on_an_adopted_bucket_keeps_it_with_the_controls_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = inprocess_target().client()
    client.create_bucket(Bucket="state-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION})

    def boom(**_: Any) -> None:
        raise client_error("InternalError")

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
    client = inprocess_target().client()

    def boom(**_: Any) -> None:
        raise client_error("InternalError")

    def refuse_delete(**_: Any) -> None:
        raise client_error("ServiceUnavailable", op="DeleteBucket")

    monkeypatch.setattr(client, "put_bucket_encryption", boom)
    monkeypatch.setattr(client, "delete_bucket", refuse_delete)
    _creating_state_bucket_fails(client, "ALSO failed")
    # The bucket that could not be removed has its public access blocked (first step).
    assert client.get_public_access_block(Bucket="state-1")


def test_rollback_never_deletes_a_bucket_that_received_data(monkeypatch: pytest.MonkeyPatch) -> None:
    client = inprocess_target().client()

    def put_then_fail(**_: Any) -> None:
        client.put_object(Bucket="state-1", Key="k", Body=b"x")
        raise client_error("InternalError")

    monkeypatch.setattr(client, "put_bucket_policy", put_then_fail)
    _creating_state_bucket_fails(client, "NOT deleted")
    assert client.head_bucket(Bucket="state-1")


def test_audit_that_finds_gaps_after_create_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    # An endpoint that answers 200 but ignores a setting (seen on partial S3 implementations).
    client = inprocess_target().client()
    monkeypatch.setattr(client, "put_bucket_versioning", lambda **_: None)
    _creating_state_bucket_fails(client, "VERSIONING_DISABLED")
    assert not buckets.bucket_exists(client, "state-1")


def test_delete_refuses_a_non_empty_bucket_unless_forced() -> None:
    target = inprocess_target()
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
        s3hardening.create(target, locked_spec())
    text = str(err.value)
    assert INPROCESS_ENDPOINT in text and "InvalidAccessKeyId" in text
    assert FAKE_KEY_ID not in text and FAKE_SECRET not in text
    assert FAKE_SECRET not in repr(target) and FAKE_KEY_ID not in repr(target)


def test_other_endpoint_errors_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = s3hardening.validate_endpoint(INPROCESS_ENDPOINT, known=(), approved=[INPROCESS_ENDPOINT])
    target = s3hardening.Target(ep, INPROCESS_REGION, FAKE_KEY_ID, FAKE_SECRET)
    err = s3hardening.client.translate(
        client_error("SlowDown", f"echo {FAKE_SECRET}"),
        endpoint=ep,
        bucket="b-1",
        step="x",
        secrets=target.secrets,
    )
    assert "SlowDown" in str(err) and FAKE_SECRET not in str(err)


def test_endpoint_down_is_one_clear_error() -> None:
    ep = s3hardening.validate_endpoint("http://127.0.0.1:1", known=())
    with pytest.raises(s3hardening.EndpointUnreachableError, match="unreachable"):
        s3hardening.audit(s3hardening.Target(ep, "us-east-1"), locked_spec())
