"""S3 bucket hardening shared by the EncryptedBucket dynamic provider and the statebackend CLI.

A leaf package: it imports nothing of the program (no pulumi, no components); callers pass the
catalogue's endpoints in and translate its S3SettingError into their own error type. Importing
this package creates no client and opens no connection; every operation builds its own
boto3 client from a Target (endpoint, region, optional keys).
"""

from .api import Target, audit, create, delete, exists, is_empty, update
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
from .gaps import Gap
from .harden import CreateOutcome
from .spec import SSE_C, SSE_S3, BucketSpec, ObjectLock, bucket_policy
from .validation import Endpoint, KnownEndpoint, validate_bucket_name, validate_endpoint

__all__ = [
    "REDACTED",
    "SSE_C",
    "SSE_S3",
    "BucketExistsError",
    "BucketNotEmptyError",
    "BucketSpec",
    "CreateOutcome",
    "CredentialsRejectedError",
    "Endpoint",
    "EndpointNotApprovedError",
    "EndpointUnreachableError",
    "Gap",
    "HardeningFailedError",
    "KnownEndpoint",
    "ObjectLock",
    "S3OperationError",
    "S3SettingError",
    "Target",
    "audit",
    "bucket_policy",
    "create",
    "delete",
    "exists",
    "is_empty",
    "update",
    "validate_bucket_name",
    "validate_endpoint",
]
