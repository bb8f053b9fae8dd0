"""Reading and writing objects with a customer-held key (SSE-C): the only way this project talks
to an SSE-C bucket's objects.

No bucket policy can require SSE-C on Ceph RGW 16.2 (a Null condition on the SSE-C header denies
every put, a StringNotEquals denies none; tests/rgw/test_access.py), so enforcement is on this
side: every call carries the SSE-C headers, and plain http is refused before any request (the key
would cross the wire in clear; the gateway refuses that too). The audit then checks stored objects
(object_audit.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import S3SettingError

SSE_C_ALGORITHM = "AES256"
KEY_BYTES = 32


@dataclass(frozen=True)
class CustomerKey:
    """A 256-bit customer key; never shown in a repr, a log or an error."""

    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.material, bytes) or len(self.material) != KEY_BYTES:
            raise S3SettingError("customerKey", None, f"exactly {KEY_BYTES} bytes (AES-256)", secret=True)

    def headers(self) -> dict[str, Any]:
        """boto3 arguments for an SSE-C request (boto3 base64-encodes the key and adds its MD5)."""
        return {"SSECustomerAlgorithm": SSE_C_ALGORITHM, "SSECustomerKey": self.material}


@dataclass(frozen=True)
class SseCObjects:
    """Objects of one bucket, always with SSE-C headers. `client` is a boto3 S3 client."""

    client: Any = field(repr=False)
    bucket: str
    key: CustomerKey = field(repr=False)

    def __post_init__(self) -> None:
        url = str(getattr(self.client.meta, "endpoint_url", ""))
        if not url.startswith("https://"):
            raise S3SettingError(
                "endpointUrl", url, "an https:// endpoint: SSE-C sends the key with every request"
            )

    def put(self, name: str, body: bytes, **extra: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.put_object(
            Bucket=self.bucket, Key=name, Body=body, **extra, **self.key.headers()
        )
        return answer

    def get(self, name: str, **extra: Any) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=name, **extra, **self.key.headers())
        return bytes(answer["Body"].read())

    def head(self, name: str, **extra: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.head_object(
            Bucket=self.bucket, Key=name, **extra, **self.key.headers()
        )
        return answer
