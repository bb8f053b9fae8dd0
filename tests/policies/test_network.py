"""Network resource policies: admin ports, all ports, justification, port security
(the stack policies, exposed zones and floating IPs: test_network_stack.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import network as net

from .conftest import HTTPS_IN, RULE_TYPE, SG_TYPE, UNKNOWN, run, use_settings
from .network_fixtures import PORT, rule

SSH_WORLD = {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22, "description": "SSH from anywhere (bad)"}


# --- network-admin-port-disallow-public-ingress -----------------------------------------------


def test_admin_port_not_applicable_to_other_ports_private_sources_and_groups() -> None:
    # The policy judges public sources only: a private range or a remote group is out of its scope.
    assert run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, rule()).is_not_applicable  # 443 is not an admin port
    private = rule(portRangeMin=5432, portRangeMax=5432, remoteIpPrefix="10.10.1.0/24")
    result = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, private)
    assert result.is_not_applicable and "private range" in (result.not_applicable or ""), result
    by_group = rule(portRangeMin=22, portRangeMax=22, remoteIpPrefix=None, remoteGroupId="sg-admin")
    result = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, by_group)
    assert result.is_not_applicable and "remote group" in (result.not_applicable or ""), result


def test_admin_port_from_admin_range_is_allowed() -> None:
    use_settings({"adminSourceCidrs": ["203.0.113.0/24"]})
    props = rule(portRangeMin=22, portRangeMax=22, remoteIpPrefix="203.0.113.0/25")
    assert run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, props).ok


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"portRangeMin": 22, "portRangeMax": 22}, "the whole Internet"),
        ({"portRangeMin": 22, "portRangeMax": 22, "remoteIpPrefix": None}, "any source"),
        ({"portRangeMin": 3389, "portRangeMax": 3389, "ethertype": "IPv6", "remoteIpPrefix": "::/0"}, "3389"),
        ({"portRangeMin": 6443, "portRangeMax": 6443, "remoteIpPrefix": "198.51.100.7/32"}, "public range"),
        ({"portRangeMin": 5000, "portRangeMax": 6000, "remoteIpPrefix": "8.8.8.0/24"}, "5432"),
        ({"protocol": None, "portRangeMin": None, "portRangeMax": None}, "22"),
        ({"protocol": "6", "portRangeMin": 22, "portRangeMax": 22}, "tcp 22"),
        ({"portRangeMin": 22, "portRangeMax": 22, "remoteIpPrefix": "not-a-cidr"}, "not a CIDR"),
        ({"portRangeMin": 22, "portRangeMax": 22, "direction": None}, "22"),  # no direction: ingress
    ],
)
def test_admin_port_violations(changes: dict[str, Any], expected: str) -> None:
    result = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, rule(**changes))
    assert expected in result.text(), result


def test_admin_port_unknown_remote_group_is_a_group() -> None:
    # remoteGroupId is unknown during preview until the group exists: still a group, not "any source".
    props = rule(portRangeMin=22, portRangeMax=22, remoteIpPrefix=None, remoteGroupId=UNKNOWN)
    result = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, props)
    assert result.is_not_applicable and "remote group" in (result.not_applicable or ""), result
    assert result.unknown is None
    assert run(net.ALL_PORTS_PUBLIC, RULE_TYPE, {**props, "protocol": None}).is_not_applicable


def test_admin_port_not_applicable() -> None:
    egress = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, rule(direction="egress"))
    assert egress.is_not_applicable and egress.not_applicable == "egress rule"
    icmp = rule(protocol="icmp", portRangeMin=None, portRangeMax=None)
    assert "no ports" in (run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, icmp).not_applicable or "")


def test_admin_port_unknown_prefix_is_a_preview_gap_not_a_crash() -> None:
    result = run(
        net.ADMIN_PORTS_PUBLIC, RULE_TYPE, rule(portRangeMin=22, portRangeMax=22, remoteIpPrefix=UNKNOWN)
    )
    assert result.unknown and not result.violated


@pytest.mark.parametrize(
    "odd", [{"portRangeMin": "abc"}, {"portRangeMin": [1]}, {"protocol": 6}, {"remoteIpPrefix": 5}]
)
def test_admin_port_odd_values_never_crash(odd: dict[str, Any]) -> None:
    result = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, rule(**odd))
    assert "could not evaluate" not in result.text()


# --- network-ingress-disallow-public-all-ports -------------------------------------------------


def test_all_ports_baseline() -> None:
    assert run(net.ALL_PORTS_PUBLIC, RULE_TYPE, rule()).is_not_applicable


@pytest.mark.parametrize(
    "changes",
    [
        {"protocol": None, "portRangeMin": None, "portRangeMax": None},
        {"protocol": "tcp", "portRangeMin": None, "portRangeMax": None},
        {"protocol": "udp", "portRangeMin": 1, "portRangeMax": 65535},
        {"protocol": "tcp", "portRangeMin": 0, "portRangeMax": 65535, "remoteIpPrefix": None},
        {"protocol": "any", "remoteIpPrefix": "203.0.113.0/24"},
    ],
)
def test_all_ports_violations(changes: dict[str, Any]) -> None:
    assert run(net.ALL_PORTS_PUBLIC, RULE_TYPE, rule(**changes)).violated


def test_all_ports_not_applicable_private_or_egress() -> None:
    all_ports = {"protocol": None, "portRangeMin": None, "portRangeMax": None}
    assert run(
        net.ALL_PORTS_PUBLIC, RULE_TYPE, rule(**all_ports, remoteIpPrefix="10.0.0.0/8")
    ).is_not_applicable
    assert run(net.ALL_PORTS_PUBLIC, RULE_TYPE, rule(**all_ports, direction="egress")).is_not_applicable


# --- network-rule-require-justification --------------------------------------------------------


def test_justification_baseline() -> None:
    assert run(net.RULE_DESCRIPTION, RULE_TYPE, rule()).ok


@pytest.mark.parametrize(
    ("description", "expected"),
    [(None, "no description"), ("ssh", "shorter"), ("TODO: justify this flow later", "placeholder")],
)
def test_justification_violations(description: str | None, expected: str) -> None:
    assert expected in run(net.RULE_DESCRIPTION, RULE_TYPE, rule(description=description)).text()


def test_justification_not_applicable_to_groups() -> None:
    assert run(net.RULE_DESCRIPTION, SG_TYPE, {"name": "sg"}).is_not_applicable


# --- network-port-disallow-disabled-security ---------------------------------------------------

NETWORK = "openstack:networking/network:Network"


def test_port_security_baseline() -> None:
    assert run(net.PORT_SECURITY, PORT, {"portSecurityEnabled": True}).ok
    assert run(net.PORT_SECURITY, NETWORK, {"portSecurityEnabled": "true"}).ok


@pytest.mark.parametrize(
    ("type_", "value"), [(PORT, False), (NETWORK, False), (PORT, "false"), (PORT, "maybe")]
)
def test_port_security_violations(type_: str, value: Any) -> None:
    assert run(net.PORT_SECURITY, type_, {"portSecurityEnabled": value}).violated


def test_port_security_not_applicable_when_unset() -> None:
    assert run(net.PORT_SECURITY, PORT, {"networkId": "n"}).is_not_applicable
