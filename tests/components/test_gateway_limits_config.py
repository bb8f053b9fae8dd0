"""The stack key that accepts a gateway limit: one name list shared with s3hardening, refused
in one line naming the key when unknown, and carried to the bucket's provider inputs."""
from __future__ import annotations

import typing

import pytest

import s3hardening
from components.config import GatewayLimit
from components.object_storage_props import props_failures
from tests.components.test_config import assert_refused
from tests.components.test_landing_zone import BUCKET
from tests.object_storage.helpers import props
from tests.support import record, stack_copy, wire


def test_the_stack_schema_knows_exactly_the_gateway_limits() -> None:
    assert set(typing.get_args(GatewayLimit)) == set(s3hardening.GATEWAY_LIMITS)


def test_an_unknown_limit_is_refused_naming_the_key() -> None:
    def mutate(cfg: dict[str, typing.Any]) -> None:
        cfg["buckets"][0]["acceptedGatewayLimits"] = ["no-encryption-at-all"]

    assert_refused("prod", mutate, ":buckets[0].acceptedGatewayLimits", "no-encryption-at-all",
                   "no-default-encryption")


def test_accepted_limits_reach_the_providers_inputs() -> None:
    cfg = stack_copy("prod")
    cfg["buckets"][0]["acceptedGatewayLimits"] = ["no-default-encryption"]
    buckets = [wire(r) for r in record(cfg, stack="prod") if r.type == BUCKET]
    accepted = [b.get("acceptedGatewayLimits") for b in buckets]
    assert accepted.count(["no-default-encryption"]) == 1 and accepted.count(None) == len(buckets) - 1


@pytest.mark.parametrize("value", [["nope"], "no-default-encryption", [1]])
def test_the_provider_check_refuses_a_bad_limit(value: object) -> None:
    failures = props_failures(props(acceptedGatewayLimits=value))
    assert [f.key for f in failures] == ["acceptedGatewayLimits"]
