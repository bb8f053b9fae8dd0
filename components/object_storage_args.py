"""The settings of one EncryptedBucket: the args dataclasses and the values they allow.

Pure data (no validation here): object_storage_props.py holds the rules, over the wire names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

import s3hardening

PURPOSES = ("data", "logs", "state", "backup")
DATA_CLASSES = ("public", "internal", "sensitive", "health")
CUSTODIES = ("customer-held", "provider-kms", "provider-managed")
ENCRYPTIONS = (s3hardening.SSE_C, s3hardening.SSE_S3)
LOCK_MODES = ("COMPLIANCE", "GOVERNANCE")
LOG_MIN_RETENTION_DAYS = 180
"""SecNumCloud 3.2, 12.6.c: events kept at least six months."""
VERSIONED_PURPOSES = ("logs", "state")
VERSIONED_DATA_CLASSES = ("health",)


@dataclass(frozen=True)
class ObjectLockArgs:
    """Object lock with a default retention on every new object version."""

    mode: str = "COMPLIANCE"
    """COMPLIANCE (nobody can shorten retention) or GOVERNANCE (privileged users can)."""
    days: int = LOG_MIN_RETENTION_DAYS
    """Default retention in days."""


@dataclass(frozen=True)
class StaticS3Credentials:
    """S3 (EC2-style) credentials passed in; both are wrapped as Pulumi secrets."""

    access_key_id: pulumi.Input[str]
    """Access key id, e.g. from a stack secret."""
    secret_access_key: pulumi.Input[str]
    """Secret access key, e.g. from a stack secret."""


@dataclass(frozen=True)
class Ec2CredentialArgs:
    """Create a Keystone EC2 credential (openstack.identity.Ec2CredentialV3) as a child."""

    project_id: pulumi.Input[str] | None = None
    """Project the credential is scoped to; None: the provider's project."""
    user_id: pulumi.Input[str] | None = None
    """User the credential is for; None: the authenticated user."""
    provider: pulumi.ProviderResource | None = None
    """Explicit openstack provider; None: the default provider."""


@dataclass(frozen=True)
class EncryptedBucketArgs:
    """Settings of one hardened bucket (secure by default)."""

    bucket_name: str
    """Bucket name (S3 rules; no dots)."""
    offer: str
    """Catalogue offer key, e.g. ovh-public-cloud; it must offer S3."""
    region: str
    """Offer region, e.g. GRA11; picks the catalogue endpoint and the signing region."""
    credentials: StaticS3Credentials | Ec2CredentialArgs
    """Where the S3 credentials come from; they reach the provider as secrets only."""
    purpose: str = "data"
    """data, logs, state or backup."""
    data_class: str = "sensitive"
    """public, internal, sensitive or health."""
    custody: str = "customer-held"
    """Key custody from CustomerHeldKeys: customer-held, provider-kms or provider-managed."""
    encryption: str | None = None
    """SSE-C or SSE-S3; None derives it from custody (customer-held: SSE-C)."""
    versioning: bool = True
    """Keep every object version (forced on for health, logs and state)."""
    block_public_access: bool = True
    """Public access block with all four flags."""
    deny_insecure_transport: bool = True
    """Bucket policy denying requests without TLS (defence in depth: Ceph RGW ignores it; the
    https-only endpoint is what enforces TLS)."""
    object_lock: ObjectLockArgs | None = None
    """Object lock; None means none, except logs buckets, which get COMPLIANCE 180 days."""
    noncurrent_version_days: int | None = 90
    """Expire noncurrent versions after this many days; None keeps them forever."""
    force_destroy: bool = False
    """Let delete empty a non-empty bucket first; off, delete refuses a non-empty bucket."""
    protect: bool = True
    """Protect the bucket resource from deletion (it is stateful)."""
    endpoint_url: str | None = None
    """Override the catalogue endpoint; must be in the catalogue or in approved_endpoints."""
    approved_endpoints: tuple[str, ...] = field(default_factory=tuple)
    """Endpoints outside the catalogue that the organisation approved explicitly."""
    accepted_gateway_limits: tuple[str, ...] = field(default_factory=tuple)
    """Gateway limits the organisation accepts (s3hardening.GATEWAY_LIMITS), e.g.
    no-default-encryption on an endpoint without an SSE-S3 backend; reported by every audit."""
