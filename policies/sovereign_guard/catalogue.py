"""The pack's view of the sovereign-offer catalogue (data/catalogue.yaml), read by path relative to this file.

The same file feeds the Pulumi program (components/catalogue.py), but the pack never imports the
program: it stays publishable on its own. Only what the policies need is modelled here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "catalogue.yaml"
PER_CUSTOMER = "per-customer"


@dataclass(frozen=True)
class Qualification:
    """SecNumCloud status of an offer, with the confidence of its source."""

    secnumcloud: str
    confidence: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    approved_by: str = ""
    """Set when the row comes from an organisation's override, not from the catalogue."""

    def state_on(self, day: dt.date) -> str:
        """'qualified', 'not-qualified', 'not-yet' or 'expired'."""
        if self.secnumcloud != "qualified":
            return "not-qualified"
        if self.valid_from and day < self.valid_from:
            return "not-yet"
        if self.valid_until and day > self.valid_until:
            return "expired"
        return "qualified"


@dataclass(frozen=True)
class Offer:
    key: str
    name: str
    keystone: str
    """A Keystone URL, or 'per-customer'."""
    qualification: Qualification
    regions: dict[str, str] | None
    """Region name to ISO country code; None when the regions are per customer."""
    s3_endpoint: str | None
    """URL template with `{region}`, or None."""
    s3_sse: tuple[str, ...]
    encrypted_volume_types: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    offers: dict[str, Offer]
    eu_countries: frozenset[str]
    eea_countries: frozenset[str]
    updated: str


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return None


def _names(block: Any) -> tuple[str, ...]:
    if isinstance(block, dict):
        block = block.get("names", ())
    return tuple(str(v) for v in (block or ()))


def _offer(key: str, raw: dict[str, Any]) -> Offer:
    qual = raw.get("qualification") or {}
    services = raw.get("services") or {}
    s3 = services.get("s3")
    regions = raw.get("regions")
    return Offer(
        key=key,
        name=str(raw.get("name", key)),
        keystone=str(raw.get("keystone", PER_CUSTOMER)),
        qualification=Qualification(
            secnumcloud=str(qual.get("secnumcloud", "not-qualified")),
            confidence=str(qual.get("confidence", "")),
            valid_from=_date(qual.get("valid_from")),
            valid_until=_date(qual.get("valid_until")),
        ),
        regions=(
            {str(name): str((info or {}).get("country", "")) for name, info in regions.items()}
            if isinstance(regions, dict)
            else None
        ),
        s3_endpoint=str(s3["endpoint"]) if isinstance(s3, dict) and s3.get("endpoint") else None,
        s3_sse=tuple(str(m) for m in s3.get("sse", ())) if isinstance(s3, dict) else (),
        encrypted_volume_types=_names(raw.get("encrypted_volume_types")),
    )


def parse(data: dict[str, Any]) -> Catalogue:
    return Catalogue(
        offers={k: _offer(k, v) for k, v in (data.get("offers") or {}).items()},
        eu_countries=frozenset(str(c) for c in data.get("eu_countries", ())),
        eea_countries=frozenset(str(c) for c in data.get("eea_countries", ())),
        updated=str(data.get("updated", "")),
    )


@lru_cache(maxsize=1)
def load() -> Catalogue:
    """The shipped catalogue (read once per process)."""
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh))


def normalize_url(url: str) -> str:
    """Scheme and host lower-cased, no trailing slash, no Keystone version suffix.

    `https://Auth.Cloud.OVH.net/v3/` and `https://auth.cloud.ovh.net` compare equal; the scheme
    stays part of the key, so an http:// URL never matches an https:// catalogue entry.
    """
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    for suffix in ("/v3", "/v2.0"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{port}{path}"


def s3_endpoints(offer: Offer) -> dict[str, str]:
    """The offer's S3 endpoint per region (normalized URL to region), when both are listed."""
    if not offer.s3_endpoint or not offer.regions:
        return {}
    return {normalize_url(offer.s3_endpoint.format(region=r.lower())): r for r in offer.regions}
