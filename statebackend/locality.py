"""The state stays in the EU: a catalogue endpoint is accepted only in a region inside the EU.

SecNumCloud 3.2, 19.2.d: the state holds identities, topology and secrets, technical data that
must stay in the EU. A catalogue entry of an EU provider can still be a region outside the EU
(OVHcloud's US-EAST-VA-1, BHS5, UK1), so the country of the endpoint's region decides, as in the
policy pack (policies/sovereign_guard/offers.py). --approve-endpoint vouches for an endpoint the
catalogue does not know; it never overrides the catalogue's own word that a region is outside
the EU, so no flag makes such a region acceptable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import s3hardening


def eu_regions(known: Iterable[s3hardening.KnownEndpoint], eu_countries: Collection[str]) -> str:
    """The catalogue's EU regions, per offer, for an error message."""
    by_offer: dict[str, list[str]] = {}
    for entry in known:
        if entry.country in eu_countries:
            by_offer.setdefault(entry.offer, []).append(entry.region)
    return "; ".join(f"{offer} {', '.join(sorted(regions))}" for offer, regions in sorted(by_offer.items()))


def require_eu_region(
    endpoint: s3hardening.Endpoint,
    known: Iterable[s3hardening.KnownEndpoint],
    eu_countries: Collection[str],
    *,
    key: str = "--endpoint-url",
) -> None:
    """Raise S3SettingError when a catalogue endpoint serves a region outside the EU (or unknown)."""
    if not endpoint.source.startswith("catalogue:") or endpoint.country in eu_countries:
        return
    offer = endpoint.source.removeprefix("catalogue:")
    where = endpoint.country or "an unknown country"
    raise s3hardening.S3SettingError(
        key,
        endpoint.url,
        f"an S3 endpoint of a catalogue region in the EU ({eu_regions(known, eu_countries)}): region "
        f"{endpoint.region} of {offer} is in {where}, and the state must stay in the EU (SecNumCloud "
        "3.2 19.2.d); --approve-endpoint cannot allow a region outside the EU",
    )
