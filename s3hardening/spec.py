"""What a hardened bucket must look like: one frozen spec, and the documents derived from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import S3SettingError
from .limits import validate_limits
from .validation import validate_bucket_name

SSE_S3 = "SSE-S3"
SSE_C = "SSE-C"
ENCRYPTION_MODES = (SSE_S3, SSE_C)
LOCK_MODES = ("COMPLIANCE", "GOVERNANCE")
MAX_RETENTION_DAYS = 36500

# Statement ids are stable: the audit finds our statements by Sid and by content.
SID_DENY_INSECURE = "DenyInsecureTransport"
# Earlier releases also put a "Deny PutObject when the SSE-C header is Null" statement. Ceph RGW
# 16.2 then refuses EVERY put, with or without SSE-C (tests/rgw/test_access.py): no release puts
# it any more, and the audit reports one it finds (POLICY_SSE_C_DENY_BRICKS_WRITES).
SID_DENY_NO_SSE_C = "DenyPutObjectWithoutSseC"
SSE_C_HEADER_KEY = "s3:x-amz-server-side-encryption-customer-algorithm"

LIFECYCLE_RULE_ID = "expire-noncurrent-versions"
ABORT_MULTIPART_DAYS = 7


@dataclass(frozen=True)
class ObjectLock:
    """Default retention applied to every new object version."""

    mode: str = "COMPLIANCE"
    """COMPLIANCE (nobody can shorten it, not even the root account) or GOVERNANCE."""
    days: int = 180
    """Retention in days."""


@dataclass(frozen=True)
class BucketSpec:
    """The hardened configuration of one bucket (secure by default)."""

    name: str
    """Bucket name (S3 rules, no dots)."""
    encryption: str = SSE_S3
    """SSE-S3 (provider keys), or SSE-C (customer key per request, sent by the client,
    s3hardening.sse_c; the audit checks a sample of stored objects; the bucket default stays SSE-S3
    where the endpoint offers it)."""
    versioning: bool = True
    """Keep every object version."""
    block_public_access: bool = True
    """Public access block with all four flags (BlockPublicAcls off only where the gateway refuses
    every write with it and the config accepts that limit: write_probe.py)."""
    deny_insecure_transport: bool = True
    """Bucket policy statement denying any request with aws:SecureTransport false. Defence in
    depth only: Ceph RGW ignores that condition; TLS is enforced by accepting https endpoints only
    (validation.py) and checked by the audit."""
    object_lock: ObjectLock | None = None
    """Object lock with default retention; needs a bucket created with object lock."""
    noncurrent_version_days: int | None = 90
    """Expire noncurrent versions after this many days; None keeps them forever."""
    accepted_limits: frozenset[str] = frozenset()
    """Gateway limits (limits.GATEWAY_LIMITS) the config accepts: where the endpoint cannot apply a
    control, hardening goes on with the best one it offers and the audit shows a notice."""

    def __post_init__(self) -> None:
        validate_spec(self)

    @property
    def require_sse_c(self) -> bool:
        return self.encryption == SSE_C


def validate_spec(spec: BucketSpec) -> None:
    """Raise S3SettingError (naming the wire key) when the spec is inconsistent."""
    validate_bucket_name(spec.name)
    validate_limits(spec.accepted_limits)
    if spec.encryption not in ENCRYPTION_MODES:
        raise S3SettingError("encryption", spec.encryption, f"one of {', '.join(ENCRYPTION_MODES)}")
    lock = spec.object_lock
    if lock is not None:
        if lock.mode not in LOCK_MODES:
            raise S3SettingError("objectLock.mode", lock.mode, f"one of {', '.join(LOCK_MODES)}")
        if (
            isinstance(lock.days, bool)
            or not isinstance(lock.days, int)
            or not (1 <= lock.days <= MAX_RETENTION_DAYS)
        ):
            raise S3SettingError("objectLock.days", lock.days, f"an integer from 1 to {MAX_RETENTION_DAYS}")
        if not spec.versioning:
            raise S3SettingError("versioning", spec.versioning, "true when objectLock is set")
    days = spec.noncurrent_version_days
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RETENTION_DAYS
    ):
        raise S3SettingError(
            "noncurrentVersionDays", days, f"null or an integer from 1 to {MAX_RETENTION_DAYS}"
        )


def bucket_policy(spec: BucketSpec, partition: str = "aws") -> dict[str, Any] | None:
    """The bucket policy this spec needs, or None when it needs none."""
    bucket_arn = f"arn:{partition}:s3:::{spec.name}"
    statements: list[dict[str, Any]] = []
    if spec.deny_insecure_transport:
        statements.append(
            {
                "Sid": SID_DENY_INSECURE,
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
    if not statements:
        return None
    return {"Version": "2012-10-17", "Statement": statements}


def bucket_policy_json(spec: BucketSpec) -> str | None:
    doc = bucket_policy(spec)
    return None if doc is None else json.dumps(doc, separators=(",", ":"), sort_keys=True)


def lifecycle_configuration(spec: BucketSpec) -> dict[str, Any] | None:
    if spec.noncurrent_version_days is None:
        return None
    return {
        "Rules": [
            {
                "ID": LIFECYCLE_RULE_ID,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "NoncurrentVersionExpiration": {"NoncurrentDays": spec.noncurrent_version_days},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS},
            }
        ]
    }


def encryption_configuration() -> dict[str, Any]:
    # SSE-S3 is the bucket default in every mode: an object that reaches an SSE-C bucket without
    # SSE-C headers (a client that bypassed s3hardening.sse_c) is still encrypted at rest, where
    # the endpoint has an SSE-S3 backend (limits.NO_DEFAULT_ENCRYPTION where it has none).
    return {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}

# Grantees that mean "everyone" in a bucket ACL: the ACL step drops them, the audit flags them.
PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)

# The strongest block a gateway with BLOCK_PUBLIC_ACLS_BREAKS_WRITES keeps writable: public ACLs
# can still be set, but IgnorePublicAcls makes the gateway ignore them (tests/rgw/test_access.py).
PUBLIC_ACCESS_BLOCK_KEEPING_WRITES = {**PUBLIC_ACCESS_BLOCK, "BlockPublicAcls": False}
