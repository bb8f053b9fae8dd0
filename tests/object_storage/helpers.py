"""Shared builders for the object-storage tests."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

import s3hardening
from tests.object_storage.conftest import (
    FAKE_KEY_ID,
    FAKE_SECRET,
    INPROCESS_ENDPOINT,
    INPROCESS_REGION,
)


def props(**overrides: Any) -> dict[str, Any]:
    """Valid dynamic-resource inputs (wire names) for the in-process endpoint."""
    base: dict[str, Any] = {
        "bucketName": "health-data-1",
        "endpointUrl": INPROCESS_ENDPOINT,
        "approvedEndpoints": [INPROCESS_ENDPOINT],
        "region": INPROCESS_REGION,
        "purpose": "data",
        "dataClass": "health",
        "custody": "customer-held",
        "encryption": "SSE-C",
        "versioning": True,
        "blockPublicAccess": True,
        "denyInsecureTransport": True,
        "noncurrentVersionDays": 90,
        "forceDestroy": False,
        "accessKeyId": FAKE_KEY_ID,
        "secretAccessKey": FAKE_SECRET,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None or k == "objectLock"}


def inprocess_target() -> s3hardening.Target:
    """The in-process moto endpoint as a hardening target (approved by name, no catalogue)."""
    ep = s3hardening.validate_endpoint(INPROCESS_ENDPOINT, known=(), approved=[INPROCESS_ENDPOINT])
    return s3hardening.Target(ep, INPROCESS_REGION)


def client_error(code: str, message: str = "boom", op: str = "PutBucketEncryption") -> ClientError:
    """A botocore error as the endpoint would raise it."""
    return ClientError({"Error": {"Code": code, "Message": message}}, op)


def locked_spec(name: str = "logs-1") -> s3hardening.BucketSpec:
    """An SSE-C bucket under a 180-day compliance object lock."""
    return s3hardening.BucketSpec(
        name, encryption="SSE-C", object_lock=s3hardening.ObjectLock("COMPLIANCE", 180)
    )
