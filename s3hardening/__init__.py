"""S3 bucket hardening shared by the EncryptedBucket dynamic provider and the statebackend CLI.

A leaf package: it imports nothing of the program (no pulumi, no components); callers pass the
catalogue's endpoints in and translate its S3SettingError into their own error type. Importing
this package creates no client and opens no connection; every operation builds its own
boto3 client from a Target (endpoint, region, optional keys).
"""

from .api import Target, audit, create, delete, exists, is_empty, report, update
from .client import chain_secrets
from .errors import (
    REDACTED,
    BucketExistsError,
    BucketNotEmptyError,
    CredentialsRejectedError,
    EndpointNotApprovedError,
    EndpointUnreachableError,
    HardeningFailedError,
    S3OperationError,
    S3SettingError,
)
from .gaps import AuditReport, Gap
from .harden import CreateOutcome
from .limits import (
    BLOCK_PUBLIC_ACLS_BREAKS_WRITES,
    GATEWAY_LIMITS,
    NO_DEFAULT_ENCRYPTION,
    GatewayLimitError,
    validate_limits,
)
from .spec import SSE_C, SSE_S3, BucketSpec, ObjectLock, bucket_policy
from .sse_c import CustomerKey, SseCObjects
from .validation import Endpoint, KnownEndpoint, validate_bucket_name, validate_endpoint

__all__ = [
    "BLOCK_PUBLIC_ACLS_BREAKS_WRITES",
    "GATEWAY_LIMITS",
    "NO_DEFAULT_ENCRYPTION",
    "REDACTED",
    "SSE_C",
    "SSE_S3",
    "AuditReport",
    "BucketExistsError",
    "BucketNotEmptyError",
    "BucketSpec",
    "CreateOutcome",
    "CredentialsRejectedError",
    "CustomerKey",
    "Endpoint",
    "EndpointNotApprovedError",
    "EndpointUnreachableError",
    "Gap",
    "GatewayLimitError",
    "HardeningFailedError",
    "KnownEndpoint",
    "ObjectLock",
    "S3OperationError",
    "S3SettingError",
    "SseCObjects",
    "Target",
    "audit",
    "bucket_policy",
    "chain_secrets",
    "create",
    "delete",
    "exists",
    "is_empty",
    "report",
    "update",
    "validate_bucket_name",
    "validate_endpoint",
    "validate_limits",
]
