"""StackConfig validation: every bad input stops with one message naming key, value and what is allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components.errors import ConfigError
from components.stack_config import parse_stack_config
from preflight.recorder import RecordingMocks, RecordingMonitor, run_program
from tests.support import PROJECT, REPO, as_cli_config, stack_copy

TODAY = dt.date(2026, 11, 29)
Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = cfg
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _add_flow(**flow: Any) -> Mutation:
    return lambda cfg: cfg["flows"].append(flow)


BAD_INPUTS = [
    # (id, base stack, mutation, key in message, value in message, allowed in message)
    (
        "unknown-offer",
        "dev",
        _set("offer", "aws-paris"),
        "sovereign-landing-zone:offer",
        "'aws-paris'",
        "ovh-snc",
    ),
    ("region-not-offered", "dev", _set("region", "eu-west-rbx-snc"), ":region", "'eu-west-rbx-snc'", "GRA11"),
    ("non-eu-region-gb", "dev", _set("region", "UK1"), ":region", "'UK1'", "in the EU"),
    ("non-eu-region-us", "dev", _set("region", "US-EAST-VA-1"), ":region", "'US-EAST-VA-1'", "in the EU"),
    (
        "prod-on-unqualified-offer",
        "dev",
        _set("environment", "prod"),
        ":offer",
        "'ovh-public-cloud'",
        "ovh-snc",
    ),
    (
        "overlapping-cidrs",
        "dev",
        _set("network.zones.app", "10.10.0.128/25"),
        ":network.zones.app",
        "10.10.0.128/25",
        "does not overlap zone 'dmz'",
    ),
    (
        "public-zone-cidr",
        "dev",
        _set("network.zones.dmz", "8.8.8.0/24"),
        ":network.zones.dmz",
        "8.8.8.0/24",
        "private",
    ),
    (
        "admin-cidr-world",
        "dev",
        _set("adminCidrs", ["0.0.0.0/0"]),
        ":adminCidrs[0]",
        "0.0.0.0/0",
        "at most /16",
    ),
    ("admin-cidr-v6-world", "dev", _set("adminCidrs", ["::/0"]), ":adminCidrs[0]", "::/0", "at most /48"),
    ("unknown-zone-in-flow", "dev", _set("flows.1.to", "backend"), ":flows[1].to", "'backend'", "a zone"),
    (
        "flow-without-justification",
        "dev",
        _set("flows.2.justification", ""),
        ":flows[2].justification",
        "''",
        "justification",
    ),
    (
        "flow-missing-justification",
        "dev",
        _add_flow(**{"from": "app", "to": "dmz", "protocol": "tcp", "ports": 80}),
        ":flows[3].justification",
        "''",
        "justification",
    ),
    (
        "flow-into-admin",
        "dev",
        _add_flow(
            **{
                "from": "app",
                "to": "admin",
                "protocol": "tcp",
                "ports": 22,
                "justification": "app servers administer the bastion",
            }
        ),
        ":flows[3].to",
        "'admin'",
        "nothing enters the admin zone",
    ),
    (
        "dmz-to-data",
        "dev",
        _add_flow(
            **{
                "from": "dmz",
                "to": "data",
                "protocol": "tcp",
                "ports": 5432,
                "justification": "portal reads the database directly",
            }
        ),
        ":flows[3]",
        "dmz -> data",
        "never reachable from the dmz",
    ),
    (
        "outside-to-data",
        "dev",
        _add_flow(
            **{
                "from": "192.0.2.0/24",
                "to": "data",
                "protocol": "tcp",
                "ports": 5432,
                "justification": "partner reads the database directly",
            }
        ),
        ":flows[3]",
        "192.0.2.0/24 -> data",
        "no flow between the data zone and the outside",
    ),
    (
        "world-to-unexposed-zone",
        "dev",
        _add_flow(
            **{
                "from": "0.0.0.0/0",
                "to": "app",
                "protocol": "tcp",
                "ports": 443,
                "justification": "direct access to the application",
            }
        ),
        ":flows[3].to",
        "'app'",
        "exposed zones",
    ),
    (
        "all-ports-from-outside",
        "dev",
        _add_flow(
            **{
                "from": "0.0.0.0/0",
                "to": "dmz",
                "protocol": "tcp",
                "ports": "all",
                "justification": "everything to the dmz from anywhere",
            }
        ),
        ":flows[3].ports",
        "'all'",
        "a port or a range",
    ),
    ("bad-port", "dev", _set("flows.0.ports", 70000), ":flows[0].ports", "70000", "1-65535"),
    ("unknown-protocol", "dev", _set("flows.0.protocol", "gre"), ":flows[0].protocol", "'gre'", "'tcp'"),
    (
        "health-data-on-unqualified-offer",
        "dev",
        lambda c: [c.update(dataClassification="health"), c.pop("keys"), c.pop("buckets")],
        ":dataClassification",
        "'health'",
        "health data only on ['ovh-baremetal-pod', 'ovh-snc']",
    ),
    (
        "unknown-environment",
        "dev",
        _set("environment", "production"),
        ":environment",
        "'production'",
        "'prod'",
    ),
    ("typo-key", "dev", _set("dataClasification", "health"), ":dataClasification", "'health'", "no such key"),
    ("missing-key", "dev", lambda c: c.pop("environment"), ":environment", "None", "required"),
    (
        "missing-zone",
        "dev",
        lambda c: c["network"]["zones"].pop("data"),
        ":network.zones",
        "['admin', 'app', 'cluster', 'dmz', 'supervision']",
        "missing ['data']",
    ),
    (
        "data-zone-exposed",
        "dev",
        _set("network.exposedZones", ["dmz", "data"]),
        ":network.exposedZones",
        "'data'",
        "never exposed",
    ),
    (
        "per-customer-keystone-missing",
        "prod",
        lambda c: c.pop("endpoints"),
        ":endpoints.keystone",
        "None",
        "per customer",
    ),
    (
        "keystone-plain-http",
        "prod",
        _set("endpoints.keystone", "http://keystone.example/v3"),
        ":endpoints.keystone",
        "http://keystone.example/v3",
        "https://",
    ),
    (
        "dev-keystone-not-the-offers",
        "dev",
        _set("endpoints", {"keystone": "https://evil.example/v3"}),
        ":endpoints.keystone",
        "https://evil.example/v3",
        "https://auth.cloud.ovh.net/v3",
    ),
]


@pytest.mark.parametrize(
    ("stack", "mutate", "key", "value", "allowed"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_names_key_value_and_allowed(
    stack: str, mutate: Mutation, key: str, value: str, allowed: str
) -> None:
    assert_refused(stack, mutate, key, value, allowed)


def assert_refused(stack: str, mutate: Mutation, key: str, value: str, allowed: str) -> ConfigError:
    """The mutated stack is refused in one line that holds the key, the value and what is allowed."""
    cfg = stack_copy(stack)
    mutate(cfg)
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(cfg, today=TODAY)
    message = str(caught.value)
    assert key in message
    assert value in message
    assert allowed in message
    assert "\n" not in message
    return caught.value


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_are_valid(stack: str) -> None:
    cfg = parse_stack_config(stack_copy(stack), today=TODAY)
    assert cfg.environment == stack


def test_strings_as_the_cli_passes_them_parse_the_same() -> None:
    raw = stack_copy("dev")
    from_cli = {k.split(":", 1)[1]: v for k, v in as_cli_config(raw).items()}
    assert parse_stack_config(from_cli, today=TODAY) == parse_stack_config(raw, today=TODAY)


def test_qualification_expired_blocks_production() -> None:
    with pytest.raises(ConfigError, match="valid on 2029-08-01"):
        parse_stack_config(stack_copy("prod"), today=dt.date(2029, 8, 1))


def test_private_openstack_needs_its_own_approved_qualification_for_prod() -> None:
    cfg = stack_copy("prod") | {"offer": "private-openstack", "region": "RegionOne", "regionCountry": "FR"}
    # a private cloud's backup region is its own too, declared with its country
    cfg["backups"] = {
        **cfg["backups"],
        "region": "RegionTwo",
        "regionCountry": "FR",
        "s3Endpoint": "https://s3.regiontwo.internal.example",
    }
    with pytest.raises(ConfigError, match="sovereign-landing-zone:offer"):
        parse_stack_config(cfg, today=TODAY)
    cfg["qualification"] = {
        "secnumcloud": "qualified",
        "validUntil": "2027-12-31",
        "approvedBy": "RSSI of the platform",
        "reference": "ANSSI qualification decision 2025-123",
    }
    assert parse_stack_config(cfg, today=TODAY).offer == "private-openstack"


def test_private_openstack_region_country_must_be_eu() -> None:
    cfg = stack_copy("dev") | {
        "offer": "private-openstack",
        "region": "RegionOne",
        "regionCountry": "CH",
        "endpoints": {"keystone": "https://keystone.internal.example/v3"},
    }
    with pytest.raises(ConfigError, match="in the EU"):
        parse_stack_config(cfg, today=TODAY)


def test_secret_keys_never_enter_the_parsed_config() -> None:
    cfg = stack_copy("dev") | {"openstackApplicationCredentialSecret": "s3cr3t-value-never-shown"}
    parsed = parse_stack_config(cfg, today=TODAY)
    assert "s3cr3t-value-never-shown" not in repr(parsed)


def test_config_error_stops_the_program_before_any_resource() -> None:
    """The real __main__.py under the recording engine: nothing registered but the stack itself."""
    cfg = stack_copy("dev")
    cfg["adminCidrs"] = ["0.0.0.0/0"]
    monitor = RecordingMonitor(RecordingMocks(), PROJECT, "test", REPO)
    with pytest.raises(pulumi.RunError, match=r"adminCidrs\[0\]"):
        run_program(REPO, project=PROJECT, stack="test", config=as_cli_config(cfg), monitor=monitor)
    assert [r.type for r in monitor.registrations] == ["pulumi:pulumi:Stack"]
