"""sovereignty-backup-restrict-region: backups in the stack's offer and country, on a catalogue region."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import backups, catalogue

from .conftest import UNKNOWN, run_stack, stack_resource

BUCKET = backups.BUCKET_TYPE
PUBLIC = catalogue.load().offers["ovh-public-cloud"]
SNC = catalogue.load().offers["ovh-snc"]


def s3(offer: catalogue.Offer, region: str) -> str:
    assert offer.s3_endpoint is not None
    return offer.s3_endpoint.format(region=region.lower())


def provider(region: str = "GRA11") -> Any:
    return stack_resource(
        backups.OPENSTACK_PROVIDER, "os", {"authUrl": "https://auth.cloud.ovh.net/v3", "region": region}
    )


def bucket(name: str, endpoint: Any, region: str, purpose: str = "backup") -> Any:
    return stack_resource(BUCKET, name, {"purpose": purpose, "endpointUrl": endpoint, "region": region})


def test_backup_in_another_region_of_the_same_offer_and_country_passes() -> None:
    resources = [
        provider(),
        bucket("data", s3(PUBLIC, "GRA11"), "gra11", "data"),
        bucket("backups", s3(PUBLIC, "SBG5"), "sbg5"),
    ]
    result = run_stack(backups.BACKUP_REGION, resources)
    assert result.ok and result.not_applicable is None, result.violations


@pytest.mark.parametrize(
    ("resources", "needle"),
    [
        (
            [provider(), bucket("b", s3(PUBLIC, "DE1"), "de1")],
            "(DE): outside the stack's offer and country",
        ),
        ([provider(), bucket("b", s3(PUBLIC, "UK1"), "uk1")], "(GB): outside the stack's offer and country"),
        (
            [provider(), bucket("b", s3(SNC, "eu-west-sbg-snc"), "eu-west-sbg-snc")],
            "of ovh-snc (FR): outside the stack's offer and country (ovh-public-cloud in FR)",
        ),
        ([provider(), bucket("b", "https://s3.example.com", "x")], "not a catalogue region"),
        ([bucket("b", s3(PUBLIC, "SBG5"), "sbg5")], "the stack's own offer and country are unknown"),
        ([provider(), bucket("b", UNKNOWN, "sbg5")], "unknown during preview"),
    ],
    ids=["other-country", "outside-eu", "other-offer", "unknown-endpoint", "no-provider", "unknown"],
)
def test_backup_outside_the_stacks_offer_or_country_is_refused(resources: list[Any], needle: str) -> None:
    result = run_stack(backups.BACKUP_REGION, resources)
    assert result.violated and needle in result.text(), result.violations


def test_not_applicable_without_backup_buckets() -> None:
    result = run_stack(backups.BACKUP_REGION, [provider(), bucket("d", s3(PUBLIC, "GRA11"), "gra11", "data")])
    assert result.is_not_applicable
