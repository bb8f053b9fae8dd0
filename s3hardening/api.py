"""The one entry point used by the Pulumi dynamic provider and by the statebackend CLI.

Each call builds its own client from a Target, and turns every botocore failure into an
S3OperationError whose message names the endpoint, bucket and step, never a credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .bucket_audit import audit_bucket, audit_report
from .buckets import bucket_exists, bucket_is_empty, delete_bucket
from .client import chain_secrets, make_client, translate
from .errors import S3OperationError
from .gaps import AuditReport, Gap
from .harden import CreateOutcome, converge_bucket, create_hardened_bucket
from .spec import BucketSpec
from .validation import Endpoint

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where and as whom to talk S3. Keys None: boto3's standard credential chain."""

    endpoint: Endpoint
    region: str
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)

    def client(self) -> Any:
        return make_client(self.endpoint, self.region, self.access_key_id, self.secret_access_key)

    @property
    def secrets(self) -> tuple[str | None, ...]:
        """What requests were signed with: the explicit keys, else what boto3's chain resolves."""
        if self.access_key_id or self.secret_access_key:
            return (self.access_key_id, self.secret_access_key)
        return chain_secrets()


def _guard(target: Target, bucket: str, step: str, call: Callable[[Any], T]) -> T:
    try:
        return call(target.client())
    except S3OperationError:
        raise
    except Exception as exc:
        failed = getattr(exc, "hardening_step", None) or step
        safe = translate(exc, endpoint=target.endpoint, bucket=bucket, step=failed, secrets=target.secrets)
    # Raised outside the except block: `from None` would only hide the original error, which may
    # quote a credential, while keeping it reachable as __context__.
    raise safe


def create(target: Target, spec: BucketSpec, *, adopt_existing: bool = False) -> CreateOutcome:
    def describe(exc: BaseException, step: str) -> str:
        return str(
            translate(exc, endpoint=target.endpoint, bucket=spec.name, step=step, secrets=target.secrets)
        )

    return _guard(
        target,
        spec.name,
        "create-bucket",
        lambda c: create_hardened_bucket(
            c,
            spec,
            region=target.region,
            adopt_existing=adopt_existing,
            on_failure_describe=describe,
        ),
    )


def update(target: Target, spec: BucketSpec) -> list[str]:
    """Re-apply every hardening step to an existing bucket and verify it by audit."""
    return _guard(target, spec.name, "update", lambda c: converge_bucket(c, spec))


def audit(target: Target, spec: BucketSpec) -> list[Gap]:
    """The gaps only: what makes the bucket not hardened as the spec asks."""
    return _guard(target, spec.name, "audit", lambda c: audit_bucket(c, spec))


def report(target: Target, spec: BucketSpec) -> AuditReport:
    """The gaps and the notices (accepted gateway limits, the bounds of the object sample)."""
    return _guard(target, spec.name, "audit", lambda c: audit_report(c, spec))


def exists(target: Target, bucket: str) -> bool:
    return _guard(target, bucket, "head-bucket", lambda c: bucket_exists(c, bucket))


def is_empty(target: Target, bucket: str) -> bool:
    return _guard(target, bucket, "list-versions", lambda c: bucket_is_empty(c, bucket))


def delete(target: Target, bucket: str, *, force: bool = False) -> None:
    _guard(target, bucket, "delete", lambda c: delete_bucket(c, bucket, force=force))
