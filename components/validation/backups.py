"""The backups: same offer, another region of the same country, a customer-held backup key
(SecNumCloud 3.2 12.5.d)."""

from __future__ import annotations

from ..catalogue import OfferCatalogue
from ..config import StackConfig, key
from ..errors import ConfigError


def _country(catalogue: OfferCatalogue, cfg: StackConfig, region: str) -> str | None:
    regions = catalogue.offer(cfg.offer).regions or {}
    return regions.get(region) or (cfg.region_country if region == cfg.region else None)


def check_backups(cfg: StackConfig, catalogue: OfferCatalogue) -> None:
    """Same offer, another region, same country, a customer-held backup key."""
    backups = cfg.backups
    if backups is None:
        return
    if backups.offer is not None and backups.offer != cfg.offer:
        raise ConfigError(
            key("backups.offer"), backups.offer, f"the stack's own offer '{cfg.offer}' (or unset)"
        )
    country = _country(catalogue, cfg, cfg.region)
    regions = catalogue.offer(cfg.offer).regions
    if regions is None:
        # Regions per customer (a private cloud): the stack declares both countries.
        if backups.region == cfg.region or backups.region_country != cfg.region_country:
            raise ConfigError(
                key("backups.regionCountry"),
                backups.region_country,
                f"the stack's regionCountry '{cfg.region_country}', for a region other than '{cfg.region}' "
                "(SecNumCloud 3.2 12.5.d)",
            )
        regions = {}
    allowed = sorted(r for r, c in regions.items() if c == country and r != cfg.region)
    if regions and backups.region not in allowed:
        raise ConfigError(
            key("backups.region"),
            backups.region,
            f"another region of offer '{cfg.offer}' in {country or 'the same country'} "
            f"(SecNumCloud 3.2 12.5.d): {allowed or 'this offer has none in the catalogue'}",
        )
    offer = catalogue.offer(cfg.offer)
    if offer.s3 is None and offer.services.get("s3") == "declared" and not backups.s3_endpoint:
        raise ConfigError(
            key("backups.s3Endpoint"),
            None,
            f"the https S3 endpoint of backup region '{backups.region}': offer '{cfg.offer}' has the "
            "organisation's own S3, which the catalogue cannot name",
        )
    spec = next((k for k in cfg.keys if k.name == backups.key), None)
    if spec is None or spec.purpose != "backup" or spec.custody != "customer-held":
        raise ConfigError(
            key("backups.key"),
            backups.key,
            "a key of `keys` with purpose backup and custody customer-held (the provider never holds it)",
        )
