"""The audit table, row by row, through a scripted client (no endpoint): each setting's read,
its "missing" answer, its failure and its judge."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from botocore.exceptions import ClientError

import s3hardening
from s3hardening.audit_rows import AUDIT_ROWS
from s3hardening.bucket_audit import audit_bucket as _audit_bucket
from s3hardening.configure import STEPS

LOCKED = s3hardening.BucketSpec(
    "logs-1", encryption="SSE-C", object_lock=s3hardening.ObjectLock("COMPLIANCE", 180)
)
READS = {
    "encryption": "get_bucket_encryption",
    "versioning": "get_bucket_versioning",
    "public-access-block": "get_public_access_block",
    "acl": "get_bucket_acl",
    "bucket-policy": "get_bucket_policy",
    "object-lock": "get_object_lock_configuration",
    "lifecycle": "get_bucket_lifecycle_configuration",
}


def audit_bucket(client: Any, spec: s3hardening.BucketSpec, rows: Any = AUDIT_ROWS) -> list[Any]:
    """The setting rows only: a scripted client has no endpoint and stores no object (the usage
    rows are tested in test_audit_usage_rows.py)."""
    return _audit_bucket(client, spec, rows, usage_rows=())


class ScriptedClient:
    """Answers head_bucket, and each read with a given answer or a ClientError code."""

    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def head_bucket(self, **_: Any) -> dict[str, Any]:
        return {}

    def __getattr__(self, method: str) -> Any:
        def call(**_: Any) -> Any:
            self.calls.append(method)
            answer = self.answers.get(method, {})
            if isinstance(answer, str):
                raise ClientError({"Error": {"Code": answer, "Message": "x"}}, method)
            return answer

        return call


def test_one_row_per_hardening_step_in_report_order() -> None:
    assert [row.step for row in AUDIT_ROWS] == [
        "encryption",
        "versioning",
        "public-access-block",
        "acl",
        "bucket-policy",
        "object-lock",
        "lifecycle",
    ]
    assert {row.step for row in AUDIT_ROWS} == {name for name, _ in STEPS}


@pytest.mark.parametrize(
    ("method", "code", "gaps"),
    [
        ("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError", ["ENCRYPTION_MISSING"]),
        ("get_public_access_block", "NoSuchPublicAccessBlockConfiguration", ["PUBLIC_ACCESS_BLOCK_MISSING"]),
        # No SSE-C statement any more: on Ceph RGW it refused every put (tests/rgw/test_access.py).
        ("get_bucket_policy", "NoSuchBucketPolicy", ["POLICY_TLS_NOT_ENFORCED"]),
        ("get_object_lock_configuration", "ObjectLockConfigurationNotFoundError", ["OBJECT_LOCK_DISABLED"]),
        (
            "get_bucket_lifecycle_configuration",
            "NoSuchLifecycleConfiguration",
            ["LIFECYCLE_NONCURRENT_MISSING"],
        ),
        ("get_bucket_lifecycle_configuration", "404", ["LIFECYCLE_NONCURRENT_MISSING"]),
    ],
)
def test_a_missing_setting_is_its_rows_gap(method: str, code: str, gaps: list[str]) -> None:
    client = ScriptedClient(**{**_clean_answers(), method: code})
    assert [g.code for g in audit_bucket(client, LOCKED)] == gaps


@pytest.mark.parametrize(
    ("method", "code"), [("get_bucket_versioning", "NoSuchVersioning"), ("get_bucket_acl", "404")]
)
def test_a_setting_that_always_exists_is_unreadable_never_missing(method: str, code: str) -> None:
    client = ScriptedClient(**{**_clean_answers(), method: code})
    gaps = audit_bucket(client, LOCKED)
    assert [g.code for g in gaps] == ["AUDIT_UNREADABLE"] and f"({code})" in gaps[0].message


def test_clean_answers_give_no_gap_and_every_row_is_read() -> None:
    client = ScriptedClient(**_clean_answers())
    assert audit_bucket(client, LOCKED) == []
    assert client.calls == list(READS.values())


def test_rows_the_spec_does_not_ask_for_are_not_read() -> None:
    spec = s3hardening.BucketSpec(
        "plain-1", versioning=False, block_public_access=False, noncurrent_version_days=None
    )
    client = ScriptedClient(**_clean_answers())
    audit_bucket(client, spec)
    assert client.calls == ["get_bucket_encryption", "get_bucket_acl", "get_bucket_policy"]


@pytest.mark.parametrize(
    ("method", "answer", "code"),
    [
        (
            "get_bucket_encryption",
            {"ServerSideEncryptionConfiguration": {"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}},
            "ENCRYPTION_NOT_SSE_S3",
        ),
        # Ceph RGW answers an empty configuration where AWS answers NotFound: both are missing.
        ("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {}}, "ENCRYPTION_MISSING"),
        ("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {"Rules": []}}, "ENCRYPTION_MISSING"),
        ("get_bucket_versioning", {"Status": "Suspended"}, "VERSIONING_DISABLED"),
        ("get_public_access_block", {"PublicAccessBlockConfiguration": {}}, "PUBLIC_ACCESS_BLOCK_INCOMPLETE"),
        ("get_bucket_policy", {"Policy": "{not json"}, "POLICY_UNPARSEABLE"),
        (
            "get_object_lock_configuration",
            {"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}},
            "OBJECT_LOCK_NO_DEFAULT_RETENTION",
        ),
    ],
)
def test_each_judge_finds_its_gap(method: str, answer: Any, code: str) -> None:
    client = ScriptedClient(**{**_clean_answers(), method: answer})
    assert code in [g.code for g in audit_bucket(client, LOCKED)]


def test_a_caller_can_audit_with_a_variant_row() -> None:
    # What a capability-aware caller does: replace one row's judge, keep the others.
    lenient = tuple(
        dataclasses.replace(row, judge=lambda _a, _s: [], when_missing=lambda _s: [])
        if row.step == "object-lock"
        else row
        for row in AUDIT_ROWS
    )
    client = ScriptedClient(
        **{**_clean_answers(), "get_object_lock_configuration": "ObjectLockConfigurationNotFoundError"}
    )
    assert [g.code for g in audit_bucket(client, LOCKED)] == ["OBJECT_LOCK_DISABLED"]
    assert audit_bucket(client, LOCKED, lenient) == []


def _clean_answers() -> dict[str, Any]:
    policy = s3hardening.spec.bucket_policy_json(LOCKED)
    return {
        "get_bucket_encryption": {
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            }
        },
        "get_bucket_versioning": {"Status": "Enabled"},
        "get_public_access_block": {
            "PublicAccessBlockConfiguration": dict(s3hardening.spec.PUBLIC_ACCESS_BLOCK)
        },
        "get_bucket_acl": {"Grants": []},
        "get_bucket_policy": {"Policy": policy},
        "get_object_lock_configuration": {
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 180}},
            }
        },
        "get_bucket_lifecycle_configuration": {
            "Rules": [{"Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]
        },
    }
