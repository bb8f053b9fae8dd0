"""boto3 S3 clients and the translation of botocore failures into safe, one-line errors.

Clients are created per call and never kept at module level or on a provider object: a client
cannot be pickled, and the Pulumi dynamic provider is pickled by reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from .errors import CredentialsRejectedError, EndpointUnreachableError, S3OperationError
from .redaction import redact
from .validation import Endpoint

AUTH_ERROR_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidToken",
        "ExpiredToken",
        "TokenRefreshRequired",
        "InvalidSecurity",
        "AccessDenied",
        "AllAccessDisabled",
        "403",
    }
)


def client_config() -> Any:
    # boto3 and botocore.config cost about 0.3 s to import; the program imports this module on
    # every preview, but only the dynamic provider and the CLI ever make a client.
    from botocore.config import Config

    # Path-style: the sovereign offers (Ceph RGW) address buckets by path. Checksums only when an
    # operation requires them: recent botocore adds CRC32 trailers that Ceph RGW may refuse.
    return Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def make_client(
    endpoint: Endpoint,
    region: str,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> Any:
    """An S3 client for the endpoint; without explicit keys, boto3's standard chain applies."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        region_name=region,
    )
    return session.client("s3", endpoint_url=endpoint.url, config=client_config())


def chain_secrets() -> tuple[str | None, ...]:
    """The credentials boto3's standard chain resolves (environment, AWS_PROFILE, the shared files):
    what a request made without explicit keys was signed with, so that redaction knows them too.

    Called on the error path only; a chain that cannot resolve gives nothing to redact."""
    import boto3

    try:
        credentials = boto3.session.Session().get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except Exception:  # a broken profile must not turn a failure report into a crash
        return ()
    return (frozen.access_key, frozen.secret_key, frozen.token) if frozen is not None else ()


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "")) or str(
            exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        )
    return ""


def translate(
    exc: BaseException,
    *,
    endpoint: Endpoint,
    bucket: str,
    step: str,
    secrets: Iterable[str | None] = (),
) -> S3OperationError:
    """A safe S3OperationError for a botocore failure: names endpoint, bucket and step only."""
    where = f"S3 endpoint {endpoint.url}, bucket '{bucket}', step '{step}'"
    if isinstance(exc, S3OperationError):
        return exc
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return CredentialsRejectedError(
            f"{where}: no S3 credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or "
            "AWS_PROFILE; for the component, pass EC2 credentials)",
            step=step,
        )
    if isinstance(exc, (EndpointConnectionError, BotoConnectionError)):
        return EndpointUnreachableError(
            f"{where}: endpoint unreachable ({type(exc).__name__}); check the URL, DNS, firewall "
            "and TLS certificate",
            step=step,
        )
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in AUTH_ERROR_CODES:
            # The server's text may quote the access key id: never pass it on.
            return CredentialsRejectedError(
                f"{where}: the endpoint refused the credentials or denied access ({code}); check "
                "that the EC2/S3 credentials belong to this endpoint's project and have rights",
                step=step,
                code=code,
            )
        message = str(exc.response.get("Error", {}).get("Message", "")).splitlines()[0:1]
        detail = redact(message[0], secrets) if message else ""
        return S3OperationError(
            f"{where}: the endpoint answered {code}" + (f": {detail}" if detail else ""),
            step=step,
            code=code,
        )
    if isinstance(exc, BotoCoreError):
        return S3OperationError(f"{where}: {type(exc).__name__}: {redact(str(exc), secrets)}", step=step)
    return S3OperationError(f"{where}: unexpected {type(exc).__name__}", step=step)
