"""The catalogue's S3 capability records: every one names the gateway version it was observed on
and a confidence mark, and the RGW behaviour they record is what tests/rgw observes."""
from __future__ import annotations

import pytest

from components.catalogue import CAPABILITY_BEHAVIOURS, CONFIDENCES, load_catalogue

CATALOGUE = load_catalogue()
S3_OFFERS = sorted(k for k, o in CATALOGUE.offers.items() if o.s3 is not None)

# What tests/rgw observes on Ceph RGW 16.2.15; the catalogue must not claim more.
OBSERVED_ON_RGW_16_2 = {
    "sse-c": "enforced",
    "default-encryption": "needs-sse-s3-backend",
    "object-lock-compliance": "enforced",
    "versioning": "enforced",
    "lifecycle-noncurrent-expiry": "enforced",
    "block-public-policy": "enforced",
    "ignore-public-acls": "enforced",
    "block-public-acls": "breaks-writes",
    "policy-secure-transport": "ignored",
    "policy-sse-c-condition": "breaks-writes",
}


@pytest.mark.parametrize("key", S3_OFFERS)
def test_every_capability_names_its_gateway_version_and_confidence(key: str) -> None:
    s3 = CATALOGUE.offer(key).s3
    assert s3 is not None and s3.capabilities
    assert s3.gateway == "ceph-rgw" and s3.gateway_confidence in CONFIDENCES
    for cap in s3.capabilities.values():
        assert cap.observed in CAPABILITY_BEHAVIOURS, cap
        assert cap.confidence in CONFIDENCES, cap
        assert cap.verified_against.startswith("ceph-rgw "), cap


@pytest.mark.parametrize("key", S3_OFFERS)
def test_rgw_capabilities_match_what_the_gateway_suite_observes(key: str) -> None:
    s3 = CATALOGUE.offer(key).s3
    assert s3 is not None
    assert {k: c.observed for k, c in s3.capabilities.items()} == OBSERVED_ON_RGW_16_2
    # Observed on the gateway software, not on the offer's own endpoint: never more than inferred.
    assert {c.confidence for c in s3.capabilities.values()} == {"inferred"}
