"""The audit table: one row per hardening setting.

A row says how to read the setting (one S3 call), which error codes mean "not configured" and what
that gap is, when the spec asks for the setting, and how to judge an answer. The rows are in the
order of their gaps in a report; usage_rows.py adds the checks no step sets. To audit
differently (for example a setting an endpoint does not offer), pass audit_bucket other rows,
built with dataclasses.replace from these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .gaps import Gap, notice
from .limits import ACCEPT_KEYS, BLOCK_PUBLIC_ACLS_BREAKS_WRITES, NO_DEFAULT_ENCRYPTION
from .policy_statements import is_public_allow, is_sse_c_deny, is_tls_deny
from .spec import LIFECYCLE_RULE_ID, PUBLIC_ACCESS_BLOCK, PUBLIC_GRANTEES, BucketSpec

Judge = Callable[[Any, BucketSpec], list[Gap]]


def _always(_spec: BucketSpec) -> bool:
    return True


@dataclass(frozen=True)
class AuditRow:
    """How the audit reads and judges one setting."""

    step: str
    """The hardening step (configure.STEPS) that sets it; named when the read fails."""
    what: str
    """What is read, for a human."""
    read: Callable[[Any, str], Any]
    """(client, bucket name) -> the endpoint's answer; a ClientError is classified by the audit."""
    judge: Judge
    """(answer, spec) -> the gaps in a configured setting."""
    when_missing: Callable[[BucketSpec], list[Gap]] | None
    """The gaps when the setting is not configured (a NoSuch..., 404 or missing_codes error);
    None when the setting always exists, so that any error is "unreadable"."""
    missing_codes: frozenset[str] = frozenset()
    """Error codes, besides NoSuch... and 404, that mean "not configured"."""
    applies: Callable[[BucketSpec], bool] = _always
    """Whether the spec asks for this setting at all."""


# --- judges: each mirrors one configuration step --------------------------------------------


def _no_encryption(spec: BucketSpec) -> list[Gap]:
    if NO_DEFAULT_ENCRYPTION in spec.accepted_limits:
        return [
            notice(
                "DEFAULT_ENCRYPTION_UNAVAILABLE",
                "default encryption (SSE-S3) is not available on this endpoint (accepted: "
                f"'{NO_DEFAULT_ENCRYPTION}'): "
                + (
                    "an object written without SSE-C headers would be stored unencrypted (the "
                    "object audit reports any)"
                    if spec.require_sse_c
                    else "the objects of this SSE-S3 bucket are stored UNENCRYPTED at rest by the gateway"
                ),
            )
        ]
    return [
        Gap(
            "ENCRYPTION_MISSING",
            "no default encryption (expected SSE-S3 AES256); if the endpoint has no SSE-S3 "
            f"backend, accept '{NO_DEFAULT_ENCRYPTION}' in {ACCEPT_KEYS}",
        )
    ]


def _encryption(answer: Any, spec: BucketSpec) -> list[Gap]:
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    if not rules:
        return _no_encryption(spec)  # Ceph RGW answers an empty configuration, not NotFound
    algos = {r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules}
    if "AES256" in algos:
        return []
    shown = ", ".join(sorted(a for a in algos if a)) or "none"
    return [Gap("ENCRYPTION_NOT_SSE_S3", f"default encryption is {shown}, expected AES256")]


def _versioning(answer: Any, _spec: BucketSpec) -> list[Gap]:
    status = (answer or {}).get("Status")
    if status == "Enabled":
        return []
    return [Gap("VERSIONING_DISABLED", f"versioning is {status or 'off'}, expected Enabled")]


def _public_access_block(answer: Any, spec: BucketSpec) -> list[Gap]:
    conf = answer.get("PublicAccessBlockConfiguration", {})
    off = sorted(k for k in PUBLIC_ACCESS_BLOCK if not conf.get(k))
    if not off:
        return []
    if off == ["BlockPublicAcls"] and BLOCK_PUBLIC_ACLS_BREAKS_WRITES in spec.accepted_limits:
        return [
            notice(
                "BLOCK_PUBLIC_ACLS_OFF",
                "BlockPublicAcls is off because this endpoint refuses every PutObject with it on "
                f"(accepted: '{BLOCK_PUBLIC_ACLS_BREAKS_WRITES}'); IgnorePublicAcls makes the "
                "gateway ignore public ACLs, and the ACL audit reports any public grant",
            )
        ]
    hint = (
        f"; if the endpoint refuses writes with BlockPublicAcls, accept "
        f"'{BLOCK_PUBLIC_ACLS_BREAKS_WRITES}' in {ACCEPT_KEYS}"
        if off == ["BlockPublicAcls"]
        else ""
    )
    return [Gap("PUBLIC_ACCESS_BLOCK_INCOMPLETE", f"public access block off: {', '.join(off)}{hint}")]


def _acl(answer: Any, _spec: BucketSpec) -> list[Gap]:
    public = sorted(
        g.get("Permission", "?")
        for g in answer.get("Grants", [])
        if g.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES
    )
    if not public:
        return []
    return [Gap("ACL_PUBLIC", f"the bucket ACL grants {', '.join(public)} to everyone")]


def _statements(statements: list[dict[str, Any]], spec: BucketSpec) -> list[Gap]:
    gaps: list[Gap] = []
    if spec.deny_insecure_transport and not any(is_tls_deny(s) for s in statements):
        gaps.append(
            Gap(
                "POLICY_TLS_NOT_ENFORCED",
                "no bucket policy statement denies requests without TLS (aws:SecureTransport "
                "false); defence in depth where the gateway evaluates it (Ceph RGW does not)",
            )
        )
    for s in statements:
        if is_sse_c_deny(s):
            gaps.append(
                Gap(
                    "POLICY_SSE_C_DENY_BRICKS_WRITES",
                    f"statement {s.get('Sid', '(no Sid)')!r} denies PutObject when the SSE-C header "
                    "is absent: Ceph RGW then refuses every put, SSE-C or not; update the bucket to "
                    "remove it (SSE-C is enforced by the client and this audit)",
                )
            )
    for s in statements:
        if is_public_allow(s):
            gaps.append(Gap("POLICY_PUBLIC", f"statement {s.get('Sid', '(no Sid)')!r} allows everyone"))
    return gaps


def _policy(answer: Any, spec: BucketSpec) -> list[Gap]:
    try:
        raw = json.loads(answer.get("Policy", "{}"))
        found = raw.get("Statement", [])
    except (ValueError, AttributeError):
        # Unparseable: none of our statements can be found in it, so they are reported too.
        return [Gap("POLICY_UNPARSEABLE", "the bucket policy is not valid JSON"), *_statements([], spec)]
    return _statements(found if isinstance(found, list) else [found], spec)


def _object_lock(answer: Any, spec: BucketSpec) -> list[Gap]:
    want = spec.object_lock
    assert want is not None  # the row applies only then
    conf = (answer or {}).get("ObjectLockConfiguration", {})
    if conf.get("ObjectLockEnabled") != "Enabled":
        return [Gap("OBJECT_LOCK_DISABLED", "object lock is not enabled on the bucket")]
    retention = conf.get("Rule", {}).get("DefaultRetention", {})
    if not retention:
        return [Gap("OBJECT_LOCK_NO_DEFAULT_RETENTION", "no default retention")]
    gaps: list[Gap] = []
    if retention.get("Mode") != want.mode:
        gaps.append(
            Gap(
                "OBJECT_LOCK_MODE", f"default retention mode is {retention.get('Mode')}, expected {want.mode}"
            )
        )
    days = retention.get("Days") or 365 * int(retention.get("Years") or 0)
    if days < want.days:
        gaps.append(
            Gap(
                "OBJECT_LOCK_RETENTION_SHORT",
                f"default retention is {days} days, expected at least {want.days}",
            )
        )
    return gaps


def _lifecycle(answer: Any, spec: BucketSpec) -> list[Gap]:
    rules = (answer or {}).get("Rules", [])
    if any(r.get("Status") == "Enabled" and r.get("NoncurrentVersionExpiration") for r in rules):
        return []
    return [
        Gap(
            "LIFECYCLE_NONCURRENT_MISSING",
            "no enabled lifecycle rule expires noncurrent versions (expected rule "
            f"'{LIFECYCLE_RULE_ID}', {spec.noncurrent_version_days} days)",
        )
    ]


def _judged_empty(judge: Judge) -> Callable[[BucketSpec], list[Gap]]:
    """Not configured reads as an empty configuration (no statement, no rule, lock off)."""
    return lambda spec: judge({}, spec)


AUDIT_ROWS: tuple[AuditRow, ...] = (
    AuditRow(
        step="encryption",
        what="default encryption",
        read=lambda c, b: c.get_bucket_encryption(Bucket=b),
        judge=_encryption,
        when_missing=lambda _spec: [
            Gap("ENCRYPTION_MISSING", "no default encryption (expected SSE-S3 AES256)")
        ],
        missing_codes=frozenset({"ServerSideEncryptionConfigurationNotFoundError"}),
    ),
    AuditRow(
        step="versioning",
        what="versioning",
        read=lambda c, b: c.get_bucket_versioning(Bucket=b),
        judge=_versioning,
        when_missing=None,  # a bucket always has a versioning state, even if never set
        applies=lambda spec: spec.versioning,
    ),
    AuditRow(
        step="public-access-block",
        what="public access block",
        read=lambda c, b: c.get_public_access_block(Bucket=b),
        judge=_public_access_block,
        when_missing=lambda _spec: [Gap("PUBLIC_ACCESS_BLOCK_MISSING", "no public access block")],
        applies=lambda spec: spec.block_public_access,
    ),
    AuditRow(
        step="acl",
        what="bucket ACL",
        read=lambda c, b: c.get_bucket_acl(Bucket=b),
        judge=_acl,
        when_missing=None,  # an ACL always exists: any failure to read it (even NoSuch...) is a gap
    ),
    AuditRow(
        step="bucket-policy",
        what="bucket policy",
        read=lambda c, b: c.get_bucket_policy(Bucket=b),
        judge=_policy,
        # No policy holds none of our statements; an unreadable one is unknown, not missing.
        when_missing=lambda spec: _statements([], spec),
        missing_codes=frozenset({"NoSuchBucketPolicy"}),
    ),
    AuditRow(
        step="object-lock",
        what="object lock configuration",
        read=lambda c, b: c.get_object_lock_configuration(Bucket=b),
        judge=_object_lock,
        when_missing=_judged_empty(_object_lock),
        missing_codes=frozenset({"ObjectLockConfigurationNotFoundError"}),
        applies=lambda spec: spec.object_lock is not None,
    ),
    AuditRow(
        step="lifecycle",
        what="lifecycle configuration",
        read=lambda c, b: c.get_bucket_lifecycle_configuration(Bucket=b),
        judge=_lifecycle,
        when_missing=_judged_empty(_lifecycle),
        missing_codes=frozenset({"NoSuchLifecycleConfiguration"}),
        applies=lambda spec: spec.noncurrent_version_days is not None,
    ),
)
