"""The offer, its region and qualification, and the endpoints a stack declares for it."""

from __future__ import annotations

import datetime as dt

from ..catalogue import OfferCatalogue, OfferProfile
from ..config import StackConfig, key
from ..errors import ConfigError


def check_offer(cfg: StackConfig, catalogue: OfferCatalogue, today: dt.date) -> OfferProfile:
    """The catalogue entry of the stack's offer, once region, country and qualification allow it."""
    if cfg.offer not in catalogue.offers:
        raise ConfigError(key("offer"), cfg.offer, f"one of {sorted(catalogue.offers)}")
    offer = catalogue.offer(cfg.offer)
    if offer.regions is None:
        if not cfg.region_country:
            raise ConfigError(
                key("regionCountry"),
                None,
                f"offer '{offer.key}' has per-customer regions: declare the region's ISO country code",
            )
        country = cfg.region_country.upper()
    elif cfg.region not in offer.regions:
        raise ConfigError(key("region"), cfg.region, f"a region of '{offer.key}': {sorted(offer.regions)}")
    else:
        country = offer.regions[cfg.region]
    if country not in catalogue.eu_countries:
        raise ConfigError(
            key("region"),
            cfg.region,
            f"a region in the EU (SecNumCloud 3.2 19.2; this one is in {country})",
        )
    qualified_offers = sorted(
        o.key for o in catalogue.offers.values() if o.qualification.is_qualified_on(today)
    )
    if cfg.is_production and not is_qualified(cfg, offer, today):
        raise ConfigError(
            key("offer"),
            cfg.offer,
            "a production stack needs an offer with a SecNumCloud qualification valid on "
            f"{today.isoformat()} (SecNumCloud-qualified offers: {qualified_offers})",
        )
    # Real health data never goes to an unqualified offer, whatever the environment says: a dev
    # stack that holds it is production in all but name.
    if cfg.data_classification == "health" and not is_qualified(cfg, offer, today):
        raise ConfigError(
            key("dataClassification"),
            "health",
            f"public, internal or sensitive on '{offer.key}', which is not SecNumCloud-qualified on "
            f"{today.isoformat()}; health data only on {qualified_offers}",
        )
    return offer


def is_qualified(cfg: StackConfig, offer: OfferProfile, today: dt.date) -> bool:
    """The catalogue's qualification, or the organisation's own statement for a private cloud."""
    if offer.qualification.secnumcloud == "declared":
        q = cfg.qualification
        return q is not None and q.secnumcloud == "qualified" and q.valid_until >= today
    return offer.qualification.is_qualified_on(today)


def check_endpoints(cfg: StackConfig, offer: OfferProfile) -> None:
    declared = cfg.endpoints.keystone
    if offer.keystone_per_customer:
        if not declared:
            raise ConfigError(
                key("endpoints.keystone"),
                None,
                f"the Keystone URL of your '{offer.key}' tenancy (it is given per customer)",
            )
    elif declared and declared.rstrip("/") != offer.keystone.rstrip("/"):
        raise ConfigError(
            key("endpoints.keystone"), declared, f"the offer's endpoint {offer.keystone} or nothing"
        )
    for name in ("keystone", "s3"):
        url = getattr(cfg.endpoints, name)
        if url and not url.startswith("https://"):
            raise ConfigError(key(f"endpoints.{name}"), url, "an https:// URL (SecNumCloud 3.2 10.2)")


def keystone_url(cfg: StackConfig, offer: OfferProfile) -> str:
    return cfg.endpoints.keystone or offer.keystone
