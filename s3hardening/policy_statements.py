"""How the audit recognises bucket policy statements: ours (TLS-only, SSE-C) and public ones."""

from __future__ import annotations

from typing import Any

from .spec import SSE_C_HEADER_KEY


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def is_tls_deny(s: dict[str, Any]) -> bool:
    cond = s.get("Condition", {}).get("Bool", {})
    value = cond.get("aws:SecureTransport")
    actions = _as_list(s.get("Action"))
    return (
        s.get("Effect") == "Deny"
        and _everyone(s.get("Principal"))
        and any(a in ("s3:*", "*") for a in actions)
        and str(_as_list(value)[0] if value is not None else "").lower() == "false"
    )


def is_sse_c_deny(s: dict[str, Any]) -> bool:
    value = s.get("Condition", {}).get("Null", {}).get(SSE_C_HEADER_KEY)
    actions = _as_list(s.get("Action"))
    return (
        s.get("Effect") == "Deny"
        and _everyone(s.get("Principal"))
        and any(a in ("s3:PutObject", "s3:*", "*") for a in actions)
        and str(_as_list(value)[0] if value is not None else "").lower() == "true"
    )


def is_public_allow(s: dict[str, Any]) -> bool:
    return s.get("Effect") == "Allow" and _everyone(s.get("Principal")) and not s.get("Condition")
