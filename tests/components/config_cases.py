"""The stack-config mutations the config tests share, and the table of bad inputs: each case a
mutation of a shipped stack, the key the refusal must name, the value it must quote and what is
allowed (tests/components/test_config.py drives it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

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
