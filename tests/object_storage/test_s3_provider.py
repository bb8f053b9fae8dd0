"""The EncryptedBucket dynamic provider, its methods called directly against moto in-process."""

from __future__ import annotations

import json
import pickle
from typing import Any

import dill
import pytest

import s3hardening
from components.object_storage import EncryptedBucketProvider, props_failures, spec_from_props
from preflight.wire import UNKNOWN
from tests.object_storage.conftest import FAKE_KEY_ID, FAKE_SECRET
from tests.object_storage.helpers import props


def _failures(p: dict[str, Any]) -> dict[str, str]:
    result = EncryptedBucketProvider().check({}, p)
    return {f.property: f.reason for f in result.failures}


def test_valid_inputs_pass_check_and_get_force_destroy_default() -> None:
    p = props()
    del p["forceDestroy"]
    result = EncryptedBucketProvider().check({}, p)
    assert result.failures == [] and result.inputs["forceDestroy"] is False


@pytest.mark.parametrize(
    ("overrides", "key", "needle"),
    [
        ({"encryption": "SSE-S3", "custody": "provider-kms"}, "encryption", "health data"),
        ({"custody": "provider-managed"}, "custody", "customer-held"),
        ({"dataClass": "internal", "encryption": "SSE-S3"}, "encryption", "customer-held"),
        ({"versioning": False}, "versioning", "health"),
        ({"purpose": "logs", "dataClass": "internal", "versioning": False}, "versioning", "logs"),
        ({"purpose": "logs", "objectLock": None}, "objectLock", "12.6.c"),
        (
            {"purpose": "logs", "objectLock": {"mode": "COMPLIANCE", "days": 90.0}},
            "objectLock.days",
            "180",
        ),
        ({"objectLock": {"mode": "FOREVER", "days": 200}}, "objectLock.mode", "COMPLIANCE"),
        ({"blockPublicAccess": False}, "blockPublicAccess", "true"),
        ({"denyInsecureTransport": False}, "denyInsecureTransport", "true"),
        ({"bucketName": "Bad_Name"}, "bucketName", "3 to 63"),
        ({"endpointUrl": "https://s3.example.org"}, "endpointUrl", "catalogue"),
        ({"purpose": "archive"}, "purpose", "data, logs, state, backup"),
        ({"dataClass": "secret"}, "dataClass", "health"),
        ({"noncurrentVersionDays": 0}, "noncurrentVersionDays", "positive"),
        ({"secretAccessKey": ""}, "secretAccessKey", "non-empty"),
        ({"accessKeyId": None}, "accessKeyId", "non-empty"),
    ],
)
def test_check_refuses(overrides: dict[str, Any], key: str, needle: str) -> None:
    failures = _failures(props(**overrides))
    assert key in failures, failures
    assert needle in failures[key]
    assert all(FAKE_SECRET not in reason for reason in failures.values())


def test_logs_bucket_with_180_days_lock_passes() -> None:
    p = props(purpose="logs", objectLock={"mode": "COMPLIANCE", "days": 180.0})
    assert _failures(p) == {}


def test_unknown_values_during_preview_are_not_failures() -> None:
    p = props(accessKeyId=UNKNOWN, secretAccessKey=UNKNOWN, bucketName=UNKNOWN)
    assert _failures(p) == {}


def test_check_never_echoes_a_secret() -> None:
    errors = props_failures(props(secretAccessKey=12345))
    assert errors and "12345" not in str(errors[0])


@pytest.mark.parametrize(
    ("change", "replaces", "dbr"),
    [
        ({"bucketName": "other-name"}, ["bucketName"], False),
        ({"region": "eu-west-1"}, ["region"], True),
        ({"objectLock": {"mode": "COMPLIANCE", "days": 365}}, ["objectLock"], True),
        ({"versioning": True, "noncurrentVersionDays": 30}, [], False),
        ({"secretAccessKey": "rotated-secret"}, [], False),
    ],
)
def test_diff(change: dict[str, Any], replaces: list[str], dbr: bool) -> None:
    olds = {**props(), "arn": "arn:aws:s3:::health-data-1", "__provider": "x"}
    result = EncryptedBucketProvider().diff("health-data-1", olds, {**props(), **change})
    assert result.changes is True
    assert result.replaces == replaces
    assert bool(result.delete_before_replace) == dbr


def test_diff_without_changes() -> None:
    olds = {**props(), "arn": "arn:aws:s3:::health-data-1", "auditGaps": []}
    result = EncryptedBucketProvider().diff("health-data-1", olds, props())
    assert result.changes is False and result.replaces == []


def test_lock_retention_change_is_an_update_not_a_replace() -> None:
    lock = {"objectLock": {"mode": "COMPLIANCE", "days": 180}}
    longer = {"objectLock": {"mode": "COMPLIANCE", "days": 400}}
    result = EncryptedBucketProvider().diff("x", props(**lock), props(**longer))
    assert result.changes and result.replaces == []


def test_provider_pickles_by_reference_and_holds_nothing() -> None:
    provider = EncryptedBucketProvider()
    assert vars(provider) == {}
    blob = dill.dumps(provider, protocol=pickle.DEFAULT_PROTOCOL, recurse=True)
    assert b"components.object_storage" in blob and len(blob) < 500
    assert isinstance(dill.loads(blob), EncryptedBucketProvider)


@pytest.mark.usefixtures("moto_inprocess")
def test_crud_in_process() -> None:
    provider = EncryptedBucketProvider()
    p = props(purpose="logs", objectLock={"mode": "COMPLIANCE", "days": 180.0})
    created = provider.create(p)
    assert created.id == "health-data-1"
    assert created.outs is not None and created.outs["arn"] == "arn:aws:s3:::health-data-1"
    read = provider.read(created.id, created.outs)
    assert read.id == created.id and read.outs is not None and read.outs["auditGaps"] == []

    updated = provider.update(created.id, created.outs, {**p, "noncurrentVersionDays": 400})
    assert updated.outs is not None and updated.outs["noncurrentVersionDays"] == 400

    provider.delete(created.id, updated.outs)
    gone = provider.read(created.id, updated.outs)
    assert gone.id == "" and gone.outs == {}


@pytest.mark.usefixtures("moto_inprocess")
def test_read_reports_drift_as_changed_inputs() -> None:
    provider = EncryptedBucketProvider()
    created = provider.create(props())
    assert created.outs is not None
    target = s3hardening.Target(
        s3hardening.validate_endpoint(
            props()["endpointUrl"], known=(), approved=props()["approvedEndpoints"]
        ),
        props()["region"],
        FAKE_KEY_ID,
        FAKE_SECRET,
    )
    target.client().delete_bucket_policy(Bucket="health-data-1")
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["denyInsecureTransport"] is False
    # SSE-C no longer hangs on a bucket policy (on Ceph RGW it bricked every put): losing the
    # policy is TLS drift only, and the SSE-C mode stays what the inputs say.
    assert read.outs["encryption"] == "SSE-C"
    assert "POLICY_TLS_NOT_ENFORCED" in read.outs["auditGaps"]
    # The next diff sees the drift and update restores it.
    assert provider.diff(created.id, read.outs, props()).changes
    provider.update(created.id, read.outs, props())
    assert provider.read(created.id, created.outs).outs["auditGaps"] == []  # type: ignore[index]


@pytest.mark.usefixtures("moto_inprocess")
def test_create_refuses_an_existing_bucket() -> None:
    provider = EncryptedBucketProvider()
    provider.create(props())
    with pytest.raises(s3hardening.BucketExistsError):
        provider.create(props())


@pytest.mark.usefixtures("moto_inprocess")
def test_delete_refuses_non_empty_unless_force_destroy() -> None:
    provider = EncryptedBucketProvider()
    # The TLS deny is off here only because moto ignores policy conditions and would refuse
    # every object call (see test_s3_server.py); the delete logic is what is under test.
    p = props(
        dataClass="internal",
        custody="provider-managed",
        encryption="SSE-S3",
        denyInsecureTransport=False,
    )
    created = provider.create(p)
    target = s3hardening.Target(
        s3hardening.validate_endpoint(p["endpointUrl"], known=(), approved=p["approvedEndpoints"]),
        p["region"],
    )
    target.client().put_object(Bucket="health-data-1", Key="x", Body=b"1")
    with pytest.raises(s3hardening.BucketNotEmptyError):
        provider.delete(created.id, created.outs or {})
    for not_consent in ("true", "false", 1):
        with pytest.raises(s3hardening.BucketNotEmptyError):
            provider.delete(created.id, {**(created.outs or {}), "forceDestroy": not_consent})
    provider.delete(created.id, {**(created.outs or {}), "forceDestroy": True})
    assert not s3hardening.exists(target, "health-data-1")


def _drift(client: Any, bucket: str, kind: str) -> None:
    """Weaken the bucket out of band, as someone with console access would."""
    if kind == "encryption-removed":
        client.delete_bucket_encryption(Bucket=bucket)
    elif kind == "public-acl":
        client.put_bucket_acl(Bucket=bucket, ACL="public-read")
    elif kind == "public-policy":  # our deny statements stay; an open one is added
        doc = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
        doc["Statement"].append(
            {
                "Sid": "Open",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        )
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
    elif kind == "retention-shortened":
        client.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
            },
        )
    elif kind == "retention-removed":
        client.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
        )
    else:  # pragma: no cover
        raise AssertionError(kind)


@pytest.mark.usefixtures("moto_inprocess")
@pytest.mark.parametrize(
    ("kind", "gap"),
    [
        ("encryption-removed", "ENCRYPTION_MISSING"),
        ("public-acl", "ACL_PUBLIC"),
        ("public-policy", "POLICY_PUBLIC"),
        ("retention-shortened", "OBJECT_LOCK_MODE"),
        # Object lock is still on: an update restores the retention, a replace would be wrong.
        ("retention-removed", "OBJECT_LOCK_NO_DEFAULT_RETENTION"),
    ],
)
def test_refresh_then_up_restores_any_drift(kind: str, gap: str) -> None:
    """Every audit gap is drift: read() reports it, diff() plans an in-place update, and the
    update re-applies the whole hardening until the audit is clean again."""
    provider = EncryptedBucketProvider()
    p = props(purpose="logs", objectLock={"mode": "COMPLIANCE", "days": 180})
    created = provider.create(p)
    assert created.outs is not None
    target = s3hardening.Target(
        s3hardening.validate_endpoint(p["endpointUrl"], known=(), approved=p["approvedEndpoints"]),
        p["region"],
        FAKE_KEY_ID,
        FAKE_SECRET,
    )
    _drift(target.client(), p["bucketName"], kind)

    read = provider.read(created.id, created.outs)
    assert read.id == created.id and read.outs is not None
    assert gap in read.outs["auditGaps"]
    diff = provider.diff(created.id, read.outs, p)
    assert diff.changes is True and diff.replaces == []

    updated = provider.update(created.id, read.outs, p)
    assert s3hardening.audit(target, spec_from_props(p)) == []
    again = provider.read(created.id, updated.outs or {})
    assert again.outs is not None and again.outs["auditGaps"] == []
    assert provider.diff(created.id, again.outs, p).changes is False


def test_a_provider_pickled_before_the_split_still_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deployed stacks hold the provider pickled as components.object_storage.EncryptedBucketProvider
    (where the class lived before the module split): that reference must keep resolving."""
    monkeypatch.setattr(EncryptedBucketProvider, "__module__", "components.object_storage")
    old_blob = dill.dumps(EncryptedBucketProvider(), protocol=pickle.DEFAULT_PROTOCOL, recurse=True)
    monkeypatch.undo()
    assert b"components.object_storage_provider" not in old_blob
    assert type(dill.loads(old_blob)) is EncryptedBucketProvider


def test_the_dynamic_wire_type_is_unchanged() -> None:
    from components.object_storage_provider import DYNAMIC_TYPE, EncryptedBucketResource

    # The policy pack (sovereignty.BUCKET_TYPE, packages.yaml) and preflight match on this string.
    assert DYNAMIC_TYPE == "pulumi-python:dynamic/object_storage:EncryptedBucket"
    registered = EncryptedBucketResource._resource_type_name  # type: ignore[attr-defined]
    assert f"pulumi-python:{registered}" == DYNAMIC_TYPE
