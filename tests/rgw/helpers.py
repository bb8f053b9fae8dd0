"""Small helpers shared by the RGW tests."""
from __future__ import annotations

import uuid
from typing import Any

from botocore.exceptions import ClientError


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def refusal(call: Any, **kwargs: Any) -> tuple[int, str]:
    """(HTTP status, error code) of a call the gateway must refuse; fails if it succeeds."""
    try:
        call(**kwargs)
    except ClientError as exc:
        return (int(exc.response["ResponseMetadata"]["HTTPStatusCode"]),
                str(exc.response["Error"].get("Code", "")))
    raise AssertionError(f"the gateway accepted {getattr(call, '__name__', call)}({sorted(kwargs)})")
