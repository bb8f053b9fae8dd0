"""The program's view of the sovereign-offer catalogue: what it needs to build on an offer.

The pack has its own view of the same file (policies/sovereign_guard/catalogue.py: what it needs to
judge a resource); tests/components/test_catalogue_contract.py keeps the two in step.

The YAML lives inside the policy pack so that the pack stays publishable on its own; the program
reads the same file by path and never imports the pack (and the pack never imports this).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = (
    Path(__file__).resolve().parent.parent / "policies" / "sovereign_guard" / "data" / "catalogue.yaml"
)

PER_CUSTOMER = "per-customer"


@dataclass(frozen=True)
class OfferQualification:
    """SecNumCloud status of an offer, with the confidence of its source."""

    secnumcloud: str
    """qualified, not-qualified or declared (private clouds)."""
    confidence: str
    """verified, transcribed, inferred or declared."""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def is_qualified_on(self, day: dt.date) -> bool:
        if self.secnumcloud != "qualified":
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass(frozen=True)
class S3Service:
    """The offer's S3-compatible object storage."""

    endpoint_template: str
    addressing: str
    sse_modes: tuple[str, ...]
    status: str

    def endpoint(self, region: str) -> str:
        return self.endpoint_template.format(region=region.lower())


@dataclass(frozen=True)
class OfferProfile:
    """One sovereign offer from the catalogue."""

    key: str
    name: str
    api: str
    keystone: str
    """The Keystone URL, or 'per-customer' when the stack must declare it."""
    qualification: OfferQualification
    regions: dict[str, str] | None
    """Region name to ISO country code; None when regions are per customer."""
    services: dict[str, Any]
    s3: S3Service | None
    encrypted_volume_types: tuple[str, ...]
    dns_resolvers: tuple[str, ...]
    facts_confidence: dict[str, str] = field(default_factory=dict)

    @property
    def keystone_per_customer(self) -> bool:
        return self.keystone == PER_CUSTOMER


@dataclass(frozen=True)
class OfferCatalogue:
    """All offers, and the country lists used for localisation checks."""

    offers: dict[str, OfferProfile]
    eu_countries: frozenset[str]
    eea_countries: frozenset[str]

    def offer(self, key: str) -> OfferProfile:
        return self.offers[key]


def _names(block: Any, key: str) -> tuple[str, ...]:
    if isinstance(block, dict):
        return tuple(str(v) for v in block.get(key, ()))
    return tuple(str(v) for v in (block or ()))


def _offer(key: str, raw: dict[str, Any]) -> OfferProfile:
    qual = raw["qualification"]
    s3_raw = raw["services"].get("s3")
    s3 = (
        S3Service(
            endpoint_template=s3_raw["endpoint"],
            addressing=s3_raw["addressing"],
            sse_modes=tuple(s3_raw["sse"]),
            status=s3_raw["status"],
        )
        if isinstance(s3_raw, dict)
        else None
    )
    regions = raw["regions"]
    return OfferProfile(
        key=key,
        name=raw["name"],
        api=raw["api"],
        keystone=raw["keystone"],
        qualification=OfferQualification(
            secnumcloud=qual["secnumcloud"],
            confidence=qual["confidence"],
            valid_from=qual.get("valid_from"),
            valid_until=qual.get("valid_until"),
        ),
        regions=None if regions == PER_CUSTOMER else {r: v["country"] for r, v in regions.items()},
        services=dict(raw["services"]),
        s3=s3,
        encrypted_volume_types=_names(raw.get("encrypted_volume_types"), "names"),
        dns_resolvers=_names(raw.get("dns_resolvers"), "addresses"),
    )


@lru_cache(maxsize=4)
def load_catalogue(path: Path = CATALOGUE_PATH) -> OfferCatalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return OfferCatalogue(
        offers={key: _offer(key, body) for key, body in raw["offers"].items()},
        eu_countries=frozenset(raw["eu_countries"]),
        eea_countries=frozenset(raw["eea_countries"]),
    )
