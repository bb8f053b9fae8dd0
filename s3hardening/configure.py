"""The configuration steps that harden a bucket, in the order that never leaves it weaker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from .client import error_code
from .limits import NO_DEFAULT_ENCRYPTION, UNSUPPORTED_CODES, GatewayLimitError
from .spec import (
    PUBLIC_GRANTEES,
    BucketSpec,
    bucket_policy_json,
    encryption_configuration,
    lifecycle_configuration,
)
from .write_probe import apply_public_access_block


def _step_public_access_block(client: Any, spec: BucketSpec) -> None:
    if spec.block_public_access:
        apply_public_access_block(client, spec)
    else:
        ignore_missing(lambda: client.delete_public_access_block(Bucket=spec.name))


def _step_acl(client: Any, spec: BucketSpec) -> None:
    # Drop grants to everyone (AllUsers, AuthenticatedUsers); keep the owner's and any other
    # grant. A bucket without such a grant is left untouched (no write).
    acl = client.get_bucket_acl(Bucket=spec.name)
    grants = acl.get("Grants", [])
    kept = [g for g in grants if g.get("Grantee", {}).get("URI") not in PUBLIC_GRANTEES]
    if len(kept) != len(grants):
        client.put_bucket_acl(Bucket=spec.name, AccessControlPolicy={"Grants": kept, "Owner": acl["Owner"]})


def _step_encryption(client: Any, spec: BucketSpec) -> None:
    # Decided by the endpoint's answer: a gateway without an SSE-S3 backend (Ceph RGW by default)
    # answers 400 InvalidArgument. Only an accepted limit lets hardening go on without it.
    try:
        client.put_bucket_encryption(
            Bucket=spec.name, ServerSideEncryptionConfiguration=encryption_configuration()
        )
    except ClientError as exc:
        code = error_code(exc)
        if code not in UNSUPPORTED_CODES:
            raise
        if NO_DEFAULT_ENCRYPTION not in spec.accepted_limits:
            raise GatewayLimitError(NO_DEFAULT_ENCRYPTION, step="encryption", code=code) from None


def _step_policy(client: Any, spec: BucketSpec) -> None:
    policy = bucket_policy_json(spec)
    if policy is None:
        ignore_missing(lambda: client.delete_bucket_policy(Bucket=spec.name))
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
        ignore_missing(lambda: client.delete_bucket_lifecycle(Bucket=spec.name))
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


def ignore_missing(call: Callable[[], Any]) -> None:
    try:
        call()
    except ClientError as exc:
        if not error_code(exc).startswith("NoSuch"):
            raise


def apply_configuration(client: Any, spec: BucketSpec, applied: list[str] | None = None) -> list[str]:
    """Converge an existing bucket to the spec (idempotent); return the steps applied.

    Steps are appended to `applied` as they succeed, so a caller knows how far a failed run got.
    Raises the underlying error of the first failing step, with its name in `hardening_step`;
    gateway limits the spec does not accept are collected into one GatewayLimitError at the end.
    """
    applied = [] if applied is None else applied
    # A gateway limit does not stop the run at once: the later steps still add their controls, and
    # the error raised at the end names every limit to accept, not only the first one met.
    limit: GatewayLimitError | None = None
    for name, step in STEPS:
        try:
            step(client, spec)
        except GatewayLimitError as exc:
            exc.hardening_step = name  # type: ignore[attr-defined]
            limit = exc if limit is None else limit.joined(exc)
            continue
        except Exception as exc:
            exc.hardening_step = name  # type: ignore[attr-defined]
            raise
        applied.append(name)
    if limit is not None:
        raise limit
    return applied
