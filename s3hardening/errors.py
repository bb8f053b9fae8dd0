"""Errors of the S3 hardening module.

Every message names the endpoint, the bucket and the step; none ever carries a credential. Errors
about a bad setting subclass the project's ConfigError so that callers treat them as config.
"""

from __future__ import annotations

from components.errors import ConfigError


class S3SettingError(ConfigError):
    """A bucket name, endpoint or bucket setting that cannot be accepted (bad config, exit 2)."""


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
