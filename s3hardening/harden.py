"""Create, converge, audit and delete hardened buckets through any S3 client.

Functions take a client (created by the caller, per call) and a BucketSpec. Create fails closed:
the public access block goes on first, and a bucket this call created is removed again when a
later step fails, provided it is still empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from .client import error_code
from .errors import (
    BucketExistsError,
    BucketNotEmptyError,
    HardeningFailedError,
    S3OperationError,
)
from .spec import (
    LIFECYCLE_RULE_ID,
    PUBLIC_ACCESS_BLOCK,
    SID_DENY_INSECURE,
    SID_DENY_NO_SSE_C,
    SSE_C_HEADER_KEY,
    BucketSpec,
    bucket_policy_json,
    encryption_configuration,
    lifecycle_configuration,
)

NOT_FOUND_CODES = frozenset({"404", "NoSuchBucket", "NotFound"})
PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


@dataclass(frozen=True)
class Gap:
    """One difference between a bucket and its hardened spec."""

    code: str
    """Stable upper-case code, e.g. ENCRYPTION_MISSING."""
    message: str
    """What is missing, for a human."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class CreateOutcome:
    """What create_hardened_bucket did."""

    created: bool
    """True when this call created the bucket; False when it adopted an existing one."""
    steps: list[str] = field(default_factory=list)
    """The configuration steps applied, in order."""


# ---------------------------------------------------------------------------------------------
# existence and emptiness


def bucket_exists(client: Any, name: str) -> bool:
    """True if the bucket exists and we can reach it; False if it does not exist.

    A 403 means the name is taken by someone else (or we have no rights): raised, never guessed.
    """
    try:
        client.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND_CODES:
            return False
        raise
    return True


def bucket_is_empty(client: Any, name: str) -> bool:
    """No object, no noncurrent version, no delete marker, no pending multipart upload."""
    listing = client.list_object_versions(Bucket=name, MaxKeys=1)
    if listing.get("Versions") or listing.get("DeleteMarkers"):
        return False
    uploads = client.list_multipart_uploads(Bucket=name, MaxUploads=1)
    return not uploads.get("Uploads")


def empty_bucket(client: Any, name: str) -> int:
    """Delete every object version and delete marker; return how many were removed.

    Versions under object-lock retention make S3 refuse; the error propagates.
    """
    removed = 0
    paginator = client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=name):
        batch = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(batch), 1000):
            chunk = batch[start : start + 1000]
            answer = client.delete_objects(Bucket=name, Delete={"Objects": chunk, "Quiet": True})
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise S3OperationError(
                    f"bucket '{name}': could not delete {len(errors)} object version(s), first "
                    f"'{first.get('Key')}' ({first.get('Code')}); object lock retention or rights",
                    step="empty",
                    code=str(first.get("Code", "")),
                )
            removed += len(chunk)
    uploads = client.list_multipart_uploads(Bucket=name)
    for upload in uploads.get("Uploads", []):
        client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    return removed


def delete_bucket(client: Any, name: str, *, force: bool = False) -> None:
    """Delete the bucket; refuse a non-empty one unless force (which empties it first)."""
    if not bucket_exists(client, name):
        return
    if not bucket_is_empty(client, name):
        if not force:
            raise BucketNotEmptyError(
                f"bucket '{name}' is not empty: refusing to delete it (set forceDestroy to true to"
                " delete every object version first)",
                step="delete",
            )
        empty_bucket(client, name)
    client.delete_bucket(Bucket=name)


# ---------------------------------------------------------------------------------------------
# configuration steps


def _step_public_access_block(client: Any, spec: BucketSpec) -> None:
    if spec.block_public_access:
        client.put_public_access_block(
            Bucket=spec.name, PublicAccessBlockConfiguration=dict(PUBLIC_ACCESS_BLOCK)
        )
    else:
        _ignore_missing(lambda: client.delete_public_access_block(Bucket=spec.name))


def _step_acl(client: Any, spec: BucketSpec) -> None:
    # Drop grants to everyone (AllUsers, AuthenticatedUsers); keep the owner's and any other
    # grant. A bucket without such a grant is left untouched (no write).
    acl = client.get_bucket_acl(Bucket=spec.name)
    grants = acl.get("Grants", [])
    kept = [g for g in grants if g.get("Grantee", {}).get("URI") not in PUBLIC_GRANTEES]
    if len(kept) != len(grants):
        client.put_bucket_acl(Bucket=spec.name, AccessControlPolicy={"Grants": kept, "Owner": acl["Owner"]})


def _step_encryption(client: Any, spec: BucketSpec) -> None:
    client.put_bucket_encryption(
        Bucket=spec.name, ServerSideEncryptionConfiguration=encryption_configuration()
    )


def _step_policy(client: Any, spec: BucketSpec) -> None:
    policy = bucket_policy_json(spec)
    if policy is None:
        _ignore_missing(lambda: client.delete_bucket_policy(Bucket=spec.name))
    else:
        client.put_bucket_policy(Bucket=spec.name, Policy=policy)


def _step_versioning(client: Any, spec: BucketSpec) -> None:
    if spec.versioning:
        client.put_bucket_versioning(Bucket=spec.name, VersioningConfiguration={"Status": "Enabled"})
        return
    current = client.get_bucket_versioning(Bucket=spec.name).get("Status")
    if current == "Enabled":
        # S3 cannot switch versioning off once on, only suspend it.
        client.put_bucket_versioning(Bucket=spec.name, VersioningConfiguration={"Status": "Suspended"})


def _step_object_lock(client: Any, spec: BucketSpec) -> None:
    lock = spec.object_lock
    if lock is None:
        return
    client.put_object_lock_configuration(
        Bucket=spec.name,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": lock.mode, "Days": lock.days}},
        },
    )


def _step_lifecycle(client: Any, spec: BucketSpec) -> None:
    config = lifecycle_configuration(spec)
    if config is None:
        _ignore_missing(lambda: client.delete_bucket_lifecycle(Bucket=spec.name))
    else:
        client.put_bucket_lifecycle_configuration(Bucket=spec.name, LifecycleConfiguration=config)


# Order matters: public access is blocked (and public ACL grants dropped) before anything else,
# encryption and the deny policy come before versioning and retention, so an interruption never
# leaves a weaker bucket behind.
STEPS: tuple[tuple[str, Callable[[Any, BucketSpec], None]], ...] = (
    ("public-access-block", _step_public_access_block),
    ("acl", _step_acl),
    ("encryption", _step_encryption),
    ("bucket-policy", _step_policy),
    ("versioning", _step_versioning),
    ("object-lock", _step_object_lock),
    ("lifecycle", _step_lifecycle),
)


def _ignore_missing(call: Callable[[], Any]) -> None:
    try:
        call()
    except ClientError as exc:
        if not error_code(exc).startswith("NoSuch"):
            raise


def apply_configuration(client: Any, spec: BucketSpec, applied: list[str] | None = None) -> list[str]:
    """Converge an existing bucket to the spec (idempotent); return the steps applied.

    Steps are appended to `applied` as they succeed, so a caller knows how far a failed run got.
    Raises the underlying error of the first failing step, with its name in `hardening_step`.
    """
    applied = [] if applied is None else applied
    for name, step in STEPS:
        try:
            step(client, spec)
        except Exception as exc:
            exc.hardening_step = name  # type: ignore[attr-defined]
            raise
        applied.append(name)
    return applied


def converge_bucket(client: Any, spec: BucketSpec) -> list[str]:
    """Re-apply every step to an existing bucket, then audit it; return the steps applied.

    Raises HardeningFailedError (step 'verify') when the endpoint accepted every step but the
    bucket still shows gaps, so that a caller never records a bucket as hardened when it is not.
    """
    steps = apply_configuration(client, spec)
    gaps = audit_bucket(client, spec)
    if gaps:
        raise HardeningFailedError(
            f"bucket '{spec.name}': every hardening step was applied but the bucket still shows "
            "gaps: " + "; ".join(str(g) for g in gaps),
            step="verify",
        )
    return steps


def create_hardened_bucket(
    client: Any,
    spec: BucketSpec,
    *,
    region: str,
    adopt_existing: bool = False,
    on_failure_describe: Callable[[BaseException, str], str] | None = None,
) -> CreateOutcome:
    """Create (or, with adopt_existing, converge) a hardened bucket; fail closed.

    On a failure after the bucket was created by this call, the bucket is deleted again if it is
    empty; the raised HardeningFailedError says whether that happened. An adopted bucket is never
    deleted: it keeps whatever controls were already applied (each step only adds controls).
    """
    describe = on_failure_describe or (lambda exc, step: f"{type(exc).__name__} ({error_code(exc)})")
    created = False
    if bucket_exists(client, spec.name):
        if not adopt_existing:
            raise BucketExistsError(
                f"bucket '{spec.name}' exists already: refusing to take it over (import it, or pick"
                " another name)",
                step="create-bucket",
            )
    else:
        kwargs: dict[str, Any] = {"Bucket": spec.name}
        if region and region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        if spec.object_lock is not None:
            kwargs["ObjectLockEnabledForBucket"] = True
        client.create_bucket(**kwargs)
        created = True

    outcome = CreateOutcome(created=created)
    try:
        apply_configuration(client, spec, outcome.steps)
        gaps = audit_bucket(client, spec)
        if gaps:
            raise HardeningFailedError(
                "the endpoint accepted the settings but the bucket still shows gaps: "
                + "; ".join(str(g) for g in gaps),
                step="verify",
            )
    except Exception as exc:
        step = getattr(exc, "hardening_step", None) or getattr(exc, "step", "") or "verify"
        cause = str(exc) if isinstance(exc, S3OperationError) else describe(exc, step)
        fate = (
            _roll_back(client, spec.name)
            if created
            else (
                "the bucket existed before this call and was left in place with the controls applied "
                f"so far ({', '.join(outcome.steps) or 'none'}); run the audit"
            )
        )
        raise HardeningFailedError(
            f"bucket '{spec.name}': hardening failed at step '{step}': {cause}; {fate}",
            step=step,
            code=error_code(exc),
        ) from exc
    return outcome


def _roll_back(client: Any, name: str) -> str:
    try:
        if not bucket_is_empty(client, name):
            return (
                "the bucket was created by this call but is no longer empty, so it was NOT deleted:"
                " block access to it and run the audit"
            )
        client.delete_bucket(Bucket=name)
    except Exception as exc:  # the rollback itself failed: say so loudly
        return (
            f"rolling back (deleting the new bucket) ALSO failed ({type(exc).__name__} "
            f"{error_code(exc)}): delete bucket '{name}' by hand or run the audit"
        )
    return "the bucket created by this call was deleted again (rolled back)"


# ---------------------------------------------------------------------------------------------
# audit


def _read(call: Callable[[], Any], missing: str) -> tuple[Any, str | None]:
    """(answer, None), or (None, code) when the configuration is absent or unreadable."""
    try:
        return call(), None
    except ClientError as exc:
        code = error_code(exc)
        if code.startswith("NoSuch") or code in (missing, "404"):
            return None, "missing"
        return None, code or "error"


def audit_bucket(client: Any, spec: BucketSpec) -> list[Gap]:
    """Every gap between the bucket and the spec; never raises for an absent configuration.

    Transport and credential failures (endpoint down, keys refused) still raise: they say nothing
    about the bucket.
    """
    name = spec.name
    try:
        if not bucket_exists(client, name):
            return [Gap("BUCKET_MISSING", f"bucket '{name}' does not exist")]
    except ClientError as exc:
        return [Gap("BUCKET_UNREADABLE", f"bucket '{name}' cannot be read ({error_code(exc)})")]

    gaps: list[Gap] = []

    def unreadable(what: str, step: str, code: str) -> None:
        # Unknown is never clean: a read that fails for any reason other than "not configured"
        # is a gap, named with the hardening step that sets what could not be read.
        gaps.append(
            Gap("AUDIT_UNREADABLE", f"{what} (step '{step}') could not be read ({code}): state unknown")
        )

    # encryption
    answer, problem = _read(
        lambda: client.get_bucket_encryption(Bucket=name),
        "ServerSideEncryptionConfigurationNotFoundError",
    )
    if problem == "missing":
        gaps.append(Gap("ENCRYPTION_MISSING", "no default encryption (expected SSE-S3 AES256)"))
    elif problem:
        unreadable("default encryption", "encryption", problem)
    else:
        rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        algos = {r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules}
        if "AES256" not in algos:
            shown = ", ".join(sorted(a for a in algos if a)) or "none"
            gaps.append(Gap("ENCRYPTION_NOT_SSE_S3", f"default encryption is {shown}, expected AES256"))

    # versioning
    if spec.versioning:
        answer, problem = _read(lambda: client.get_bucket_versioning(Bucket=name), "")
        status = (answer or {}).get("Status")
        if problem:
            unreadable("versioning", "versioning", problem)
        elif status != "Enabled":
            gaps.append(Gap("VERSIONING_DISABLED", f"versioning is {status or 'off'}, expected Enabled"))

    # public access
    if spec.block_public_access:
        answer, problem = _read(
            lambda: client.get_public_access_block(Bucket=name),
            "NoSuchPublicAccessBlockConfiguration",
        )
        if problem == "missing":
            gaps.append(Gap("PUBLIC_ACCESS_BLOCK_MISSING", "no public access block"))
        elif problem:
            unreadable("public access block", "public-access-block", problem)
        else:
            conf = answer.get("PublicAccessBlockConfiguration", {})
            off = sorted(k for k in PUBLIC_ACCESS_BLOCK if not conf.get(k))
            if off:
                gaps.append(
                    Gap("PUBLIC_ACCESS_BLOCK_INCOMPLETE", f"public access block off: {', '.join(off)}")
                )
    # An ACL always exists: any failure to read it (even a NoSuch... code) is a gap.
    answer, problem = _read(lambda: client.get_bucket_acl(Bucket=name), "")
    if problem:
        unreadable("bucket ACL", "acl", problem)
    else:
        public = sorted(
            g.get("Permission", "?")
            for g in answer.get("Grants", [])
            if g.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES
        )
        if public:
            gaps.append(Gap("ACL_PUBLIC", f"the bucket ACL grants {', '.join(public)} to everyone"))

    # bucket policy
    answer, problem = _read(lambda: client.get_bucket_policy(Bucket=name), "NoSuchBucketPolicy")
    statements: list[dict[str, Any]] = []
    policy_known = problem in (None, "missing")
    if problem and not policy_known:
        unreadable("bucket policy", "bucket-policy", problem)
    elif answer is not None:
        try:
            raw = json.loads(answer.get("Policy", "{}"))
            found = raw.get("Statement", [])
            statements = found if isinstance(found, list) else [found]
        except (ValueError, AttributeError):
            gaps.append(Gap("POLICY_UNPARSEABLE", "the bucket policy is not valid JSON"))
    # An unreadable policy is reported once above; what it holds is unknown, not missing.
    if policy_known and spec.deny_insecure_transport and not any(_is_tls_deny(s) for s in statements):
        gaps.append(
            Gap(
                "POLICY_TLS_NOT_ENFORCED",
                "no bucket policy statement denies requests without TLS (aws:SecureTransport false)",
            )
        )
    if policy_known and spec.require_sse_c and not any(_is_sse_c_deny(s) for s in statements):
        gaps.append(
            Gap(
                "POLICY_SSE_C_NOT_ENFORCED",
                "no bucket policy statement denies PutObject without SSE-C headers",
            )
        )
    for s in statements:
        if _is_public_allow(s):
            gaps.append(Gap("POLICY_PUBLIC", f"statement {s.get('Sid', '(no Sid)')!r} allows everyone"))

    # object lock
    if spec.object_lock is not None:
        want = spec.object_lock
        answer, problem = _read(
            lambda: client.get_object_lock_configuration(Bucket=name),
            "ObjectLockConfigurationNotFoundError",
        )
        conf = (answer or {}).get("ObjectLockConfiguration", {})
        if problem and problem != "missing":
            unreadable("object lock configuration", "object-lock", problem)
        elif conf.get("ObjectLockEnabled") != "Enabled":
            gaps.append(Gap("OBJECT_LOCK_DISABLED", "object lock is not enabled on the bucket"))
        else:
            retention = conf.get("Rule", {}).get("DefaultRetention", {})
            days = retention.get("Days") or 365 * int(retention.get("Years") or 0)
            if not retention:
                gaps.append(Gap("OBJECT_LOCK_NO_DEFAULT_RETENTION", "no default retention"))
            else:
                if retention.get("Mode") != want.mode:
                    gaps.append(
                        Gap(
                            "OBJECT_LOCK_MODE",
                            f"default retention mode is {retention.get('Mode')}, expected {want.mode}",
                        )
                    )
                if days < want.days:
                    gaps.append(
                        Gap(
                            "OBJECT_LOCK_RETENTION_SHORT",
                            f"default retention is {days} days, expected at least {want.days}",
                        )
                    )

    # lifecycle
    if spec.noncurrent_version_days is not None:
        answer, problem = _read(
            lambda: client.get_bucket_lifecycle_configuration(Bucket=name),
            "NoSuchLifecycleConfiguration",
        )
        if problem and problem != "missing":
            unreadable("lifecycle configuration", "lifecycle", problem)
        else:
            rules = (answer or {}).get("Rules", [])
            if not any(r.get("Status") == "Enabled" and r.get("NoncurrentVersionExpiration") for r in rules):
                gaps.append(
                    Gap(
                        "LIFECYCLE_NONCURRENT_MISSING",
                        "no enabled lifecycle rule expires noncurrent versions (expected rule "
                        f"'{LIFECYCLE_RULE_ID}', {spec.noncurrent_version_days} days)",
                    )
                )
    return gaps


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _is_tls_deny(s: dict[str, Any]) -> bool:
    cond = s.get("Condition", {}).get("Bool", {})
    value = cond.get("aws:SecureTransport")
    actions = _as_list(s.get("Action"))
    return (
        s.get("Effect") == "Deny"
        and _everyone(s.get("Principal"))
        and any(a in ("s3:*", "*") for a in actions)
        and str(_as_list(value)[0] if value is not None else "").lower() == "false"
    )


def _is_sse_c_deny(s: dict[str, Any]) -> bool:
    value = s.get("Condition", {}).get("Null", {}).get(SSE_C_HEADER_KEY)
    actions = _as_list(s.get("Action"))
    return (
        s.get("Effect") == "Deny"
        and _everyone(s.get("Principal"))
        and any(a in ("s3:PutObject", "s3:*", "*") for a in actions)
        and str(_as_list(value)[0] if value is not None else "").lower() == "true"
    )


def _is_public_allow(s: dict[str, Any]) -> bool:
    return s.get("Effect") == "Allow" and _everyone(s.get("Principal")) and not s.get("Condition")


__all__ = [
    "SID_DENY_INSECURE",
    "SID_DENY_NO_SSE_C",
    "CreateOutcome",
    "Gap",
    "apply_configuration",
    "audit_bucket",
    "bucket_exists",
    "bucket_is_empty",
    "converge_bucket",
    "create_hardened_bucket",
    "delete_bucket",
    "empty_bucket",
]
