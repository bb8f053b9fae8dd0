"""Bad input a careless or hostile user writes: refused in one line naming the user's key.

Each case here was accepted, crashed, or was reported under the wrong key before this file existed.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from components.errors import ConfigError
from components.stack_config import parse_stack_config
from tests.components.test_config import TODAY, Mutation, _add_flow, _set, assert_refused
from tests.support import stack_copy

ED25519_TYPE_ONLY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"
# A real key cut inside its 32-byte point: the base64 still decodes.
ED25519_CUT = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMQE+u0qcuvy8sN+CBdO2ffNvs3l"


def _bucket(field: str, value: Any) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        cfg["buckets"][0][field] = value

    return apply


def _rename(old: str, new: str) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        cfg[new] = cfg.pop(old)

    return apply


def _rename_in(parent: str, old: str, new: str) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        cfg[parent][new] = cfg[parent].pop(old)

    return apply


def _health_with_provider_kms(cfg: dict[str, Any]) -> None:
    cfg["dataClassification"] = "health"
    cfg["keys"][0]["custody"] = "provider-kms"
    cfg["keys"][0]["readers"] = ["ops-user"]


CASES = [
    # (id, stack, mutation, key, value, allowed)
    (
        "zone-reserved-240",
        "dev",
        _set("network.zones.app", "240.0.0.0/24"),
        ":network.zones.app",
        "240.0.0.0/24",
        "RFC 1918",
    ),
    (
        "zone-benchmark-198-18",
        "dev",
        _set("network.zones.app", "198.18.0.0/24"),
        ":network.zones.app",
        "198.18.0.0/24",
        "RFC 1918",
    ),
    (
        "zone-documentation",
        "dev",
        _set("network.zones.dmz", "203.0.113.0/24"),
        ":network.zones.dmz",
        "203.0.113.0/24",
        "RFC 1918",
    ),
    (
        "zone-not-a-cidr-names-the-zone-only",
        "dev",
        _set("network.zones.app", "10.10.1.0/33"),
        "'sovereign-landing-zone:network.zones.app'",
        "10.10.1.0/33",
        "network",
    ),
    (
        "flow-to-data-cidr-literally",
        "dev",
        _add_flow(
            **{
                "from": "dmz",
                "to": "10.10.2.0/24",
                "protocol": "tcp",
                "ports": 5432,
                "justification": "database straight from the dmz",
            }
        ),
        ":flows[3].to",
        "10.10.2.0/24",
        "zone name 'data'",
    ),
    (
        "flow-from-inside-a-zone",
        "dev",
        _add_flow(
            **{
                "from": "10.10.1.16/28",
                "to": "dmz",
                "protocol": "tcp",
                "ports": 443,
                "justification": "app hosts by number",
            }
        ),
        ":flows[3].from",
        "10.10.1.16/28",
        "zone name 'app'",
    ),
    (
        "flow-private-supernet-of-zones",
        "dev",
        _add_flow(
            **{
                "from": "app",
                "to": "10.0.0.0/8",
                "protocol": "tcp",
                "ports": 5432,
                "justification": "everything internal",
            }
        ),
        ":flows[3].to",
        "10.0.0.0/8",
        "outside every zone",
    ),
    (
        "ssh-key-type-only",
        "dev",
        _set("bastion.sshPublicKeys", [ED25519_TYPE_ONLY]),
        ":bastion.sshPublicKeys[0]",
        "ssh-ed25519",
        "well-formed",
    ),
    (
        "ssh-key-cut-short",
        "dev",
        _set("bastion.sshPublicKeys", [ED25519_CUT]),
        ":bastion.sshPublicKeys[0]",
        "ssh-ed25519",
        "well-formed",
    ),
    (
        "object-lock-days-huge",
        "prod",
        _bucket("objectLockDays", 10**12),
        ":buckets[0].objectLockDays",
        "1000000000000",
        "36500",
    ),
    (
        "noncurrent-days-huge",
        "dev",
        _bucket("noncurrentVersionDays", 10**12),
        ":buckets[0].noncurrentVersionDays",
        "1000000000000",
        "36500",
    ),
    (
        "force-destroy-yes",
        "dev",
        _bucket("forceDestroy", "yes"),
        ":buckets[0].forceDestroy",
        "'yes'",
        "true or false",
    ),
    (
        "force-destroy-one",
        "dev",
        _bucket("forceDestroy", 1),
        ":buckets[0].forceDestroy",
        "1",
        "true or false",
    ),
    (
        "force-destroy-string-true",
        "dev",
        _bucket("forceDestroy", "true"),
        ":buckets[0].forceDestroy",
        "'true'",
        "true or false",
    ),
    (
        "force-destroy-on",
        "dev",
        _bucket("forceDestroy", "on"),
        ":buckets[0].forceDestroy",
        "'on'",
        "true or false",
    ),
    ("protect-no", "dev", _set("protect", "no"), ":protect", "'no'", "true or false"),
    (
        "typo-in-required-key",
        "dev",
        _rename("dataClassification", "dataClasification"),
        ":dataClasification",
        "'internal'",
        "did you mean 'dataClassification'",
    ),
    (
        "typo-in-nested-key",
        "dev",
        _rename_in("network", "exposedZones", "exposedZone"),
        ":network.exposedZone",
        "dmz",
        "did you mean 'exposedZones'",
    ),
    (
        "typo-in-key-field",
        "dev",
        lambda cfg: cfg["keys"][0].update(generaton=2),
        ":keys[0].generaton",
        "2",
        "did you mean 'generation'",
    ),
    (
        "health-on-unqualified-offer-before-custody",
        "dev",
        _health_with_provider_kms,
        ":dataClassification",
        "'health'",
        "not SecNumCloud-qualified",
    ),
]


@pytest.mark.parametrize(
    ("stack", "mutate", "key", "value", "allowed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_refused_in_one_line_naming_the_users_key(
    stack: str, mutate: Mutation, key: str, value: str, allowed: str
) -> None:
    error = assert_refused(stack, mutate, key, value, allowed)
    for internal in ("lax-or-strict", "function-", "json-or-python", "IPv4Network", "IPv6Network"):
        assert internal not in error.key


@pytest.mark.parametrize("generation", [10**30, 10**6, 1000])
def test_huge_key_generation_is_refused_before_any_work_grows_with_it(generation: int) -> None:
    cfg = stack_copy("dev")
    cfg["keys"][0]["generation"] = generation
    started = time.perf_counter()
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(cfg, today=TODAY)
    assert caught.value.key == "sovereign-landing-zone:keys[0].generation"
    assert "<= 999" in str(caught.value)
    # Not a benchmark: a generation loop of 10**30 would never return at all.
    assert time.perf_counter() - started < 5


def test_top_level_booleans_as_the_cli_passes_them_still_parse() -> None:
    # The CLI hands a YAML boolean over as the string "true"/"false"; that is not "yes".
    for text, expected in (("true", True), ("false", False), (True, True), (False, False)):
        cfg = stack_copy("dev") | {"protect": text}
        assert parse_stack_config(cfg, today=TODAY).protect is expected


def test_public_egress_to_anywhere_is_still_a_cidr_outside_the_zones() -> None:
    cfg = stack_copy("dev")
    cfg["flows"].append(
        {
            "from": "app",
            "to": "0.0.0.0/0",
            "protocol": "tcp",
            "ports": 443,
            "justification": "package mirrors over https",
        }
    )
    parsed = parse_stack_config(cfg, today=TODAY)
    assert parsed.flows[-1].to == "0.0.0.0/0"
