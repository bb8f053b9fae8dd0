"""Create or converge a hardened bucket through any S3 client, failing closed.

Functions take a client (created by the caller, per call) and a BucketSpec. Create fails closed:
the public access block goes on first, and a bucket this call created is removed again when a
later step fails, provided it is still empty. The steps live in configure.py, the audit that
verifies them in audit.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .bucket_audit import audit_bucket
from .buckets import bucket_exists, bucket_is_empty
from .client import error_code
from .configure import apply_configuration
from .errors import BucketExistsError, HardeningFailedError, S3OperationError
from .limits import GatewayLimitError
from .spec import BucketSpec


@dataclass
class CreateOutcome:
    """What create_hardened_bucket did."""

    created: bool
    """True when this call created the bucket; False when it adopted an existing one."""
    steps: list[str] = field(default_factory=list)
    """The configuration steps applied, in order."""


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
        if isinstance(exc, GatewayLimitError):
            # Raised from what the gateway answered, where no endpoint is at hand: name it here.
            cause = f"S3 endpoint {getattr(client.meta, 'endpoint_url', '?')}: {cause}"
        fate = (
            _roll_back(client, spec.name)
            if created
            else (
                "the bucket existed before this call and was left in place with the controls applied "
                f"so far ({', '.join(outcome.steps) or 'none'}); run the audit"
            )
        )
        failure = HardeningFailedError(
            f"bucket '{spec.name}': hardening failed at step '{step}': {cause}; {fate}",
            step=step,
            code=error_code(exc),
        )
    else:
        return outcome
    # Raised outside the except block, unchained: the original error's text (a server message, a
    # request) may quote a credential, and a traceback printer would show every chained error.
    raise failure


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
