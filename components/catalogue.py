"""The program's view of the sovereign-offer catalogue: what it needs to build on an offer.

The pack has its own view of the same file (policies/sovereign_guard/catalogue.py: what it needs to
judge a resource); tests/components/test_catalogue_contract.py keeps the two in step.

The YAML lives inside the policy pack so that the pack stays publishable on its own; the program
reads the same file by path and never imports the pack (and the pack never imports this).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_IN_PACK = Path("sovereign_guard") / "data" / "catalogue.yaml"


def _catalogue_path() -> Path:
    """The pack's catalogue: beside this package in a checkout, or the installed pack's."""
    checkout = Path(__file__).resolve().parent.parent / "policies" / _IN_PACK
    if checkout.is_file():
        return checkout
    spec = importlib.util.find_spec("sovereign_guard_pack")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / _IN_PACK).is_file():
            return Path(location) / _IN_PACK
    return checkout


CATALOGUE_PATH = _catalogue_path()

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


CAPABILITY_BEHAVIOURS = ("enforced", "needs-sse-s3-backend", "breaks-writes", "ignored")
CONFIDENCES = ("verified", "transcribed", "inferred", "declared")


@dataclass(frozen=True)
class S3Capability:
    """What one S3 control does on the offer's gateway, and how sure the catalogue is of it."""

    name: str
    observed: str
    """One of CAPABILITY_BEHAVIOURS."""
    verified_against: str
    """The gateway software and version it was observed on (by tests/rgw), e.g. ceph-rgw 16.2.15."""
    confidence: str
    """About the offer: inferred until checked on the offer's own endpoint."""


@dataclass(frozen=True)
class S3Service:
    """The offer's S3-compatible object storage."""

    endpoint_template: str
    addressing: str
    sse_modes: tuple[str, ...]
    status: str
    gateway: str | None = None
    """The gateway software (e.g. ceph-rgw), when known."""
    gateway_confidence: str | None = None
    capabilities: dict[str, S3Capability] = field(default_factory=dict)

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


def _s3_service(raw: dict[str, Any]) -> S3Service:
    gateway = raw.get("gateway") or {}
    return S3Service(
        endpoint_template=raw["endpoint"],
        addressing=raw["addressing"],
        sse_modes=tuple(raw["sse"]),
        status=raw["status"],
        gateway=gateway.get("product"),
        gateway_confidence=gateway.get("confidence"),
        capabilities={
            str(name): S3Capability(
                name=str(name),
                observed=str(cap["observed"]),
                verified_against=str(cap["verified_against"]),
                confidence=str(cap["confidence"]),
            )
            for name, cap in (raw.get("capabilities") or {}).items()
        },
    )


def _offer(key: str, raw: dict[str, Any]) -> OfferProfile:
    qual = raw["qualification"]
    s3_raw = raw["services"].get("s3")
    s3 = _s3_service(s3_raw) if isinstance(s3_raw, dict) else None
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
