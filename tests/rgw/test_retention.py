"""Versioning, COMPLIANCE object lock and noncurrent-version lifecycle on the real gateway."""
from __future__ import annotations

import time
from typing import Any

from tests.rgw.helpers import refusal, unique

LIFECYCLE_WAIT_S = 60.0
"""`rgw lc debug interval = 10` makes a lifecycle day 10 s; expiry was seen after about 18 s."""


def test_versioning_keeps_every_version(s3: Any) -> None:
    bucket = unique("ver")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"v2")
    s3.delete_object(Bucket=bucket, Key="k")  # only a delete marker
    listing = s3.list_object_versions(Bucket=bucket)
    assert len(listing["Versions"]) == 2 and len(listing["DeleteMarkers"]) == 1
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=first)["Body"].read() == b"v1"


def test_compliance_lock_refuses_deleting_a_locked_version(s3: Any) -> None:
    bucket = unique("lock")
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    version = s3.put_object(Bucket=bucket, Key="audit.log", Body=b"event")["VersionId"]
    retention = s3.get_object_retention(Bucket=bucket, Key="audit.log", VersionId=version)
    assert retention["Retention"]["Mode"] == "COMPLIANCE"
    assert refusal(s3.delete_object, Bucket=bucket, Key="audit.log", VersionId=version) == (
        403, "AccessDenied")
    # GOVERNANCE could be bypassed by a privileged caller; COMPLIANCE cannot.
    assert refusal(s3.delete_object, Bucket=bucket, Key="audit.log", VersionId=version,
                   BypassGovernanceRetention=True) == (403, "AccessDenied")
    batch = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": "audit.log", "VersionId": version}]})
    assert [e["Code"] for e in batch["Errors"]] == ["AccessDenied"]
    assert s3.get_object(Bucket=bucket, Key="audit.log", VersionId=version)["Body"].read() == b"event"


def test_lifecycle_expires_noncurrent_versions(s3: Any) -> None:
    """Real expiry, bounded: polls up to LIFECYCLE_WAIT_S for the lifecycle worker to run."""
    bucket = unique("life")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "expire-noncurrent-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rules[0]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    s3.put_object(Bucket=bucket, Key="state.json", Body=b"old")
    s3.put_object(Bucket=bucket, Key="state.json", Body=b"new")
    deadline = time.monotonic() + LIFECYCLE_WAIT_S
    versions: list[Any] = []
    while time.monotonic() < deadline:
        versions = s3.list_object_versions(Bucket=bucket).get("Versions", [])
        if len(versions) == 1:
            break
        time.sleep(2)
    assert [(v["IsLatest"], v["Key"]) for v in versions] == [(True, "state.json")], (
        f"noncurrent version not expired within {LIFECYCLE_WAIT_S:.0f} s")
    assert s3.get_object(Bucket=bucket, Key="state.json")["Body"].read() == b"new"
