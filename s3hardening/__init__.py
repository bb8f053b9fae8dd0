"""S3 bucket hardening shared by the EncryptedBucket dynamic provider and the statebackend CLI.

Importing this package creates no client and opens no connection; every operation builds its own
boto3 client from a Target (endpoint, region, optional keys).
"""

from .api import Target, audit, create, delete, exists, is_empty, update
from .errors import (
    BucketExistsError,
    BucketNotEmptyError,
    CredentialsRejectedError,
    EndpointNotApprovedError,
    EndpointUnreachableError,
    HardeningFailedError,
    S3OperationError,
    S3SettingError,
)
from .harden import CreateOutcome, Gap
from .spec import SSE_C, SSE_S3, BucketSpec, ObjectLock, bucket_policy
from .validation import Endpoint, validate_bucket_name, validate_endpoint

__all__ = [
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
