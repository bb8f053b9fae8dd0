"""s3hardening against moto in-process: create and converge, audit reports gaps, delete is safe.

What happens when a step fails is in test_s3_hardening_failures.py."""

from __future__ import annotations

from typing import Any

import pytest

import s3hardening
from s3hardening import bucket_audit
from s3hardening.spec import PUBLIC_GRANTEES
from tests.object_storage.conftest import INPROCESS_REGION
from tests.object_storage.helpers import client_error, inprocess_target, locked_spec

pytestmark = pytest.mark.usefixtures("moto_inprocess")

ALL_GAPS_SSE_C_LOCKED = [
    "ENCRYPTION_MISSING",
    "VERSIONING_DISABLED",
    "PUBLIC_ACCESS_BLOCK_MISSING",
    "POLICY_TLS_NOT_ENFORCED",
    "OBJECT_LOCK_DISABLED",
    "LIFECYCLE_NONCURRENT_MISSING",
]


def test_create_then_audit_is_clean_and_settings_round_trip() -> None:
    target = inprocess_target()
    spec = locked_spec()
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
    target = inprocess_target()
    target.client().create_bucket(
        Bucket="logs-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION}
    )
    gaps = s3hardening.audit(target, locked_spec())
    assert [g.code for g in gaps] == ALL_GAPS_SSE_C_LOCKED
    assert all(g.message for g in gaps)


def test_audit_of_a_missing_bucket() -> None:
    assert [g.code for g in s3hardening.audit(inprocess_target(), locked_spec("nope-1"))] == [
        "BUCKET_MISSING"
    ]


def test_audit_flags_public_acl_and_weak_retention() -> None:
    target = inprocess_target()
    spec = locked_spec()
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
    target = inprocess_target()
    s3hardening.create(target, locked_spec())
    with pytest.raises(s3hardening.BucketExistsError, match="exists already"):
        s3hardening.create(target, locked_spec())


def test_adopting_converges_an_existing_plain_bucket() -> None:
    target = inprocess_target()
    target.client().create_bucket(
        Bucket="state-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION}
    )
    spec = s3hardening.BucketSpec("state-1")
    outcome = s3hardening.create(target, spec, adopt_existing=True)
    assert not outcome.created and s3hardening.audit(target, spec) == []


def test_converge_drops_public_acl_grants_and_keeps_the_others() -> None:
    target = inprocess_target()
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
    target = inprocess_target()
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
    target = inprocess_target()
    spec = locked_spec()
    s3hardening.create(target, spec)
    client = target.client()

    def denied(**_: Any) -> None:
        raise client_error("AccessDenied", op=method)

    monkeypatch.setattr(client, method, denied)
    gaps = bucket_audit.audit_bucket(client, spec)
    assert [g.code for g in gaps] == ["AUDIT_UNREADABLE"], gaps
    assert f"step '{step}'" in gaps[0].message and "AccessDenied" in gaps[0].message
