"""The program and the pack read the one catalogue file with their own loaders: they must agree.

The pack stays publishable on its own, so neither imports the other's code; this test is what
keeps the two readings of the same data from drifting apart.
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from components.catalogue import load_catalogue
from tests.support import REPO

sys.path.insert(0, str(REPO / "policies"))
from sovereign_guard import catalogue as pack_catalogue

PROGRAM = load_catalogue()
PACK = pack_catalogue.load()


def test_same_offers_and_countries() -> None:
    assert set(PROGRAM.offers) == set(PACK.offers)
    assert PROGRAM.eu_countries == PACK.eu_countries
    assert PROGRAM.eea_countries == PACK.eea_countries


@pytest.mark.parametrize("key", sorted(PROGRAM.offers))
def test_same_facts_per_offer(key: str) -> None:
    ours, theirs = PROGRAM.offer(key), PACK.offers[key]
    assert ours.keystone == theirs.keystone
    assert ours.regions == theirs.regions
    assert ours.encrypted_volume_types == theirs.encrypted_volume_types
    assert (ours.s3.endpoint_template if ours.s3 else None) == theirs.s3_endpoint
    assert (ours.s3.sse_modes if ours.s3 else ()) == theirs.s3_sse
    ours_caps = {k: c.observed for k, c in ours.s3.capabilities.items()} if ours.s3 else {}
    assert ours_caps == theirs.s3_capabilities


@pytest.mark.parametrize("key", sorted(PROGRAM.offers))
def test_same_qualification_on_every_boundary(key: str) -> None:
    ours, theirs = PROGRAM.offer(key).qualification, PACK.offers[key].qualification
    days = {dt.date(2026, 11, 29)}
    for bound in (ours.valid_from, ours.valid_until):
        if bound:
            days |= {bound - dt.timedelta(days=1), bound, bound + dt.timedelta(days=1)}
    for day in sorted(days):
        assert ours.is_qualified_on(day) == (theirs.state_on(day) == "qualified"), day
