"""Gateway limits: AWS S3 controls that a real gateway refuses or breaks, and their acknowledgement.

The hardening decides each capability from what the gateway answers. Where a control cannot be
applied, it stops with a GatewayLimitError naming the limit and the config key that accepts it;
a stack (EncryptedBucket `acceptedGatewayLimits`, statebackend `--accept-gateway-limit`) that
accepts it gets the best control the gateway offers instead, and the audit reports the limit as a
notice, never as clean silence. Observed on Ceph RGW 16.2.15 by tests/rgw.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import S3OperationError, S3SettingError

NO_DEFAULT_ENCRYPTION = "no-default-encryption"
BLOCK_PUBLIC_ACLS_BREAKS_WRITES = "block-public-acls-breaks-writes"

GATEWAY_LIMITS: dict[str, str] = {
    NO_DEFAULT_ENCRYPTION: (
        "the endpoint has no SSE-S3 backend: PutBucketEncryption answers 400 InvalidArgument, so "
        "an object sent without SSE-C headers is stored unencrypted by the gateway"
    ),
    BLOCK_PUBLIC_ACLS_BREAKS_WRITES: (
        "with BlockPublicAcls on, the endpoint refuses every PutObject (Ceph tracker 49135): the "
        "flag stays off and IgnorePublicAcls makes the gateway ignore public ACLs instead"
    ),
}

ACCEPT_KEYS = (
    "acceptedGatewayLimits (EncryptedBucket, stack buckets[]) or --accept-gateway-limit (statebackend)"
)

# Answers that mean "this gateway cannot do that", as opposed to a denial or an outage.
UNSUPPORTED_CODES = frozenset({"InvalidArgument", "NotImplemented", "InvalidRequest", "400", "501"})


class GatewayLimitError(S3OperationError):
    """The gateway cannot apply one or more controls, and the config did not accept those limits."""

    def __init__(self, *limits: str, step: str, code: str = "") -> None:
        self.limits = limits
        names = ", ".join(f"'{name}'" for name in limits)
        super().__init__(
            "; ".join(GATEWAY_LIMITS[name] for name in limits)
            + f"; this bucket is not hardened as asked. If the organisation accepts this, add {names} "
            f"to {ACCEPT_KEYS}",
            step=step,
            code=code,
        )

    def joined(self, other: GatewayLimitError) -> GatewayLimitError:
        """One error naming both errors' limits (the first one's step), so a user fixes all at once."""
        return GatewayLimitError(*self.limits, *other.limits, step=self.step, code=self.code)


def validate_limits(values: Iterable[object], *, key: str = "acceptedGatewayLimits") -> frozenset[str]:
    """The accepted limits as a set of known names, or S3SettingError naming the key."""
    if isinstance(values, (str, bytes)):
        raise S3SettingError(key, values, f"a list of: {', '.join(GATEWAY_LIMITS)}")
    found = set()
    for value in values:
        if value not in GATEWAY_LIMITS:
            raise S3SettingError(key, value, f"one of {', '.join(GATEWAY_LIMITS)}")
        found.add(str(value))
    return frozenset(found)
