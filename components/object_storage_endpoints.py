"""The catalogue's S3 endpoints, in the shape s3hardening takes them (no pulumi import).

s3hardening reads no catalogue: the program and the statebackend CLI pass it these.
"""

from __future__ import annotations

import s3hardening
from components.catalogue import OfferCatalogue, load_catalogue


def catalogue_s3_endpoints(catalogue: OfferCatalogue | None = None) -> tuple[s3hardening.KnownEndpoint, ...]:
    """Every S3 endpoint the catalogue knows, one per offer region, with the region's country."""
    catalogue = catalogue or load_catalogue()
    found: list[s3hardening.KnownEndpoint] = []
    for offer in catalogue.offers.values():
        if offer.s3 is None or not offer.regions:
            continue
        for region, country in offer.regions.items():
            found.append(
                s3hardening.KnownEndpoint(offer.s3.endpoint(region), offer.key, region, country or None)
            )
    return tuple(found)
