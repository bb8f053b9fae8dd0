"""Which sovereign offer an endpoint belongs to: the catalogue first, then approved endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from . import catalogue
from .settings import Settings


@dataclass(frozen=True)
class Resolution:
    """Where an endpoint leads; `problem` is None when it is in the catalogue or approved."""

    offer: catalogue.Offer | None
    region: str | None
    country: str | None
    via: str
    """'catalogue', 'approved by <approver>', or '' when unresolved."""
    problem: str | None = None


def _region_in(offer: catalogue.Offer, region: str) -> tuple[str, str] | None:
    for name, country in (offer.regions or {}).items():
        if name.lower() == region.lower():
            return name, country
    return None


def _check_country(res: Resolution, cat: catalogue.Catalogue) -> Resolution:
    if res.problem is None and res.country and res.country not in cat.eu_countries:
        return Resolution(
            res.offer,
            res.region,
            res.country,
            res.via,
            f"region {res.region} of {res.offer.key if res.offer else '?'} is in "
            f"{res.country}, outside the EU "
            "(SecNumCloud 19.2, HDS EXI 28)",
        )
    return res


def _approved(
    url: str, region: str, service: str, settings: Settings, cat: catalogue.Catalogue
) -> Resolution | None:
    for entry in settings.approved_endpoints:
        if entry.service != service or entry.url != url:
            continue
        offer = cat.offers.get(entry.offer)
        if region.lower() not in {r.lower() for r in entry.regions}:
            return Resolution(
                offer,
                region,
                None,
                f"approved by {entry.approved_by}",
                f"region {region!r} is not among the approved regions {list(entry.regions)} of {url}",
            )
        country = None
        if offer is not None and offer.regions is not None:
            found = _region_in(offer, region)
            country = found[1] if found else None
        return Resolution(offer, region, country, f"approved by {entry.approved_by}")
    return None


def _approved_or_unknown(
    url: str, region: str | None, service: str, settings: Settings, cat: catalogue.Catalogue, unknown: str
) -> Resolution:
    """The endpoint's approval when the organisation gave one, else no offer and the `unknown` message."""
    approved = _approved(url, region or "", service, settings, cat)
    if approved is not None:
        return _check_country(approved, cat)
    return Resolution(None, region, None, "", unknown)


def resolve_identity(auth_url: str, region: str, settings: Settings) -> Resolution:
    """The offer of an OpenStack provider from its Keystone URL and region."""
    cat = catalogue.load()
    url = catalogue.normalize_url(auth_url)
    for offer in cat.offers.values():
        if offer.keystone == catalogue.PER_CUSTOMER or catalogue.normalize_url(offer.keystone) != url:
            continue
        found = _region_in(offer, region) if offer.regions is not None else None
        if found is None:
            known = ", ".join(offer.regions or {}) or "per customer"
            return Resolution(
                offer,
                region,
                None,
                "catalogue",
                f"region {region!r} is not a region of {offer.name} ({known})",
            )
        return _check_country(Resolution(offer, found[0], found[1], "catalogue"), cat)
    return _approved_or_unknown(
        url,
        region,
        "identity",
        settings,
        cat,
        f"authUrl {auth_url!r} is neither the Keystone endpoint of a catalogue offer nor in the approved "
        "endpoints of the policy config (approvedEndpoints, service 'identity')",
    )


def resolve_s3(endpoint_url: str, region: str | None, settings: Settings) -> Resolution:
    """The offer of an S3 endpoint: an offer's endpoint template for one of its regions, or approved."""
    cat = catalogue.load()
    url = catalogue.normalize_url(endpoint_url)
    for offer in cat.offers.values():
        endpoints = catalogue.s3_endpoints(offer)
        if url in endpoints:
            name = endpoints[url]
            found = _region_in(offer, name)
            country = found[1] if found else None
            return _check_country(Resolution(offer, name, country, "catalogue"), cat)
    return _approved_or_unknown(
        url,
        region,
        "s3",
        settings,
        cat,
        f"endpointUrl {endpoint_url!r} is neither the S3 endpoint of a catalogue offer and region nor in the "
        "approved endpoints of the policy config (approvedEndpoints, service 's3')",
    )


def qualification_of(offer: catalogue.Offer, settings: Settings) -> catalogue.Qualification:
    """The offer's qualification row: the organisation's override when there is one."""
    return settings.offer_overrides.get(offer.key, offer.qualification)
