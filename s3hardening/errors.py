"""Errors of the S3 hardening module; this package imports nothing of the program's.

Every message names the endpoint, the bucket and the step; none ever carries a credential. A bad
setting is an S3SettingError naming the key, the value and what is allowed: callers translate it
into their own error type (components: ConfigError; statebackend: exit 2).
"""

from __future__ import annotations

from typing import Any

REDACTED = "<redacted secret>"


class S3SettingError(ValueError):
    """A bucket name, endpoint or bucket setting that cannot be accepted (bad config, exit 2)."""

    def __init__(self, key: str, value: Any, allowed: str, *, secret: bool = False) -> None:
        self.key = key
        self.value = REDACTED if secret else value
        self.allowed = allowed
        self.secret = secret
        shown = REDACTED if secret else _show(value)
        # The same wording as the program's ConfigError, so that a user reads one message shape.
        super().__init__(f"config key '{key}': value {shown} is not allowed: {allowed}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


class EndpointNotApprovedError(S3SettingError):
    """A well-formed https (or loopback) endpoint that is neither in the catalogue nor approved."""


class S3OperationError(RuntimeError):
    """An S3 call failed: endpoint down, credentials refused, or the endpoint answered an error."""

    def __init__(self, message: str, *, step: str = "", code: str = "") -> None:
        self.step = step
        self.code = code
        super().__init__(message)


class EndpointUnreachableError(S3OperationError):
    """The endpoint could not be reached (DNS, connection refused, TLS, timeout)."""


class CredentialsRejectedError(S3OperationError):
    """No credentials, or the endpoint refused them."""


class BucketExistsError(S3OperationError):
    """The bucket exists already and this call was told not to adopt it."""


class BucketNotEmptyError(S3OperationError):
    """Delete refused: the bucket still holds objects or object versions."""


class HardeningFailedError(S3OperationError):
    """Create or update failed half-way; the message says what was rolled back or left."""
