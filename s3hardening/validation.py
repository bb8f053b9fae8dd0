"""Bucket-name and endpoint validation, pure functions called before any network call."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import EndpointNotApprovedError, S3SettingError

_NAME_CHARS = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_LOOPBACK_NAMES = frozenset({"localhost"})

BUCKET_NAME_RULE = (
    "3 to 63 characters: lowercase letters, digits and hyphens, starting and ending with a letter "
    "or digit; no dots (they break TLS with virtual-hosted addressing), not an IP address, no "
    f"reserved prefix {', '.join(_RESERVED_PREFIXES)} or suffix {', '.join(_RESERVED_SUFFIXES)}"
)


def validate_bucket_name(name: object, *, key: str = "bucketName") -> str:
    """Return the name if it follows the S3 naming rules (stricter: no dots), else raise."""
    if not isinstance(name, str) or not 3 <= len(name) <= 63 or not _NAME_CHARS.match(name):
        raise S3SettingError(key, name, BUCKET_NAME_RULE)
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        raise S3SettingError(key, name, BUCKET_NAME_RULE)
    return name


def is_loopback_host(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Endpoint:
    """A validated S3 endpoint."""

    url: str
    """Normalised URL: scheme://host[:port], no trailing slash."""
    host: str
    port: int | None
    loopback: bool
    """True for a local test endpoint (127.0.0.0/8, ::1, localhost): the only place http is allowed."""
    source: str
    """Why it is accepted: 'catalogue:<offer>', 'approved' or 'loopback'."""
    region: str | None = None
    """The catalogue region this endpoint serves, when it comes from the catalogue."""
    country: str | None = None
    """ISO 3166 code of that region's country, when the catalogue says."""

    @property
    def tls(self) -> bool:
        return self.url.startswith("https://")

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port else host


def normalise_endpoint(url: object, *, key: str = "endpointUrl") -> tuple[str, str, int | None]:
    """Parse an endpoint URL; return (normalised url, host, port) or raise S3SettingError."""
    allowed = "an https:// URL with a host and no path, query or credentials (http only on loopback)"
    if not isinstance(url, str) or not url.strip():
        raise S3SettingError(key, url, allowed)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise S3SettingError(key, url, allowed) from exc
    if parts.username is not None or parts.password is not None:
        # The URL embeds credentials: never echo it.
        raise S3SettingError(key, url, "an endpoint URL without user:password", secret=True)
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    if not host or scheme not in ("https", "http"):
        raise S3SettingError(key, url, allowed)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise S3SettingError(key, url, allowed)
    if scheme == "http" and not is_loopback_host(host):
        raise S3SettingError(
            key,
            url,
            "https only: https is required for every endpoint but a loopback test one (no approval "
            "can allow plain http)",
        )
    if (scheme, port) in (("https", 443), ("http", 80)):
        port = None
    shown = f"[{host}]" if ":" in host else host
    return (f"{scheme}://{shown}:{port}" if port else f"{scheme}://{shown}"), host, port


@dataclass(frozen=True)
class KnownEndpoint:
    """An S3 endpoint that the caller's catalogue lists, with the offer and region it serves."""

    url: str
    offer: str
    region: str
    country: str | None = None
    """ISO 3166 code of the region's country, when known."""


def validate_endpoint(
    url: object,
    *,
    known: Iterable[KnownEndpoint],
    approved: Iterable[str] = (),
    allow_loopback: bool = True,
    key: str = "endpointUrl",
) -> Endpoint:
    """Accept a known (catalogue) endpoint, an explicitly approved one, or (for tests) a loopback one.

    `known` comes from the caller (the program's catalogue view): this package reads no catalogue.
    """
    norm, host, port = normalise_endpoint(url, key=key)
    loopback = is_loopback_host(host)
    for entry in known:
        if normalise_endpoint(entry.url, key="catalogue")[0] == norm:
            return Endpoint(
                norm, host, port, loopback, f"catalogue:{entry.offer}", entry.region, entry.country
            )
    approved_norm = {normalise_endpoint(a, key="approvedEndpoints")[0] for a in approved}
    if norm in approved_norm:
        return Endpoint(norm, host, port, loopback, "approved")
    if loopback and allow_loopback:
        return Endpoint(norm, host, port, loopback, "loopback")
    raise EndpointNotApprovedError(
        key,
        norm,
        "an S3 endpoint from the sovereign catalogue (policies/sovereign_guard/data/catalogue.yaml)"
        " or one listed in the approved endpoints",
    )
