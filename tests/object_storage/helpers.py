"""Shared builders for the object-storage tests."""

from __future__ import annotations

from typing import Any

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
