"""The real __main__.py of every shipped stack, run under the recording engine; assertions on wire inputs."""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any

import pytest

from components.config import ALL_ZONES
from tests.support import STACKS, Registration, record, stack_copy, wire

SG = "openstack:networking/secGroup:SecGroup"
RULE = "openstack:networking/secGroupRule:SecGroupRule"
ADMIN_PORTS = {22, 3389, 5985, 5986, 6443, 2379, 2380, 10250, 5432, 3306}
WORLD = {"0.0.0.0/0", "::/0"}


@cache
def _run(stack: str) -> tuple[Registration, ...]:
    return tuple(record(stack_copy(stack), stack=stack))


def _of(regs: tuple[Registration, ...], type_: str) -> list[tuple[Registration, dict[str, Any]]]:
    return [(r, wire(r)) for r in regs if r.type == type_]


def _zone_of_group(regs: tuple[Registration, ...]) -> dict[str, str]:
    """Security-group id -> zone, from the groups' zone tags."""
    return {
        r.id: next(t.split(":", 1)[1] for t in inputs["tags"] if t.startswith("zone:"))
        for r, inputs in _of(regs, SG)
    }


def _covers(inputs: dict[str, Any], port: int) -> bool:
    if "portRangeMin" not in inputs:
        return True
    return int(inputs["portRangeMin"]) <= port <= int(inputs["portRangeMax"])


@pytest.fixture(params=STACKS)
def regs(request: pytest.FixtureRequest) -> tuple[Registration, ...]:
    return _run(request.param)


def test_every_stack_builds_the_whole_network(regs: tuple[Registration, ...]) -> None:
    types = [r.type for r in regs]
    # dmz, app, data, admin and supervision (SecNumCloud 3.2 13.2.a), and both shipped stacks have
    # a cluster zone beside them.
    assert len(ALL_ZONES) == 6
    assert types.count("openstack:networking/network:Network") == len(ALL_ZONES)
    assert types.count("openstack:networking/subnet:Subnet") == len(ALL_ZONES)
    assert types.count(SG) == len(ALL_ZONES)
    assert types.count("openstack:networking/router:Router") == 2
    assert types.count("sovereign:network:SegmentedNetwork") == 1
    assert types.count(RULE) >= 10


def test_every_openstack_resource_uses_the_explicit_provider(regs: tuple[Registration, ...]) -> None:
    provider = next(r for r in regs if r.type == "pulumi:providers:openstack")
    for r in regs:
        if r.type.startswith("openstack:"):
            assert r.provider and r.provider.startswith(provider.urn + "::"), r.name


def test_provider_never_insecure_and_bound_to_region(regs: tuple[Registration, ...]) -> None:
    ((_, inputs),) = _of(regs, "pulumi:providers:openstack")
    assert inputs["insecure"] == "false"
    assert inputs["authUrl"].startswith("https://")
    assert inputs["region"]


def test_groups_start_empty_and_networks_keep_port_security(regs: tuple[Registration, ...]) -> None:
    for _, inputs in _of(regs, SG):
        assert inputs["deleteDefaultRules"] is True
    for _, inputs in _of(regs, "openstack:networking/network:Network"):
        assert inputs["portSecurityEnabled"] is True


def test_every_rule_is_justified_and_bounded(regs: tuple[Registration, ...]) -> None:
    for r, inputs in _of(regs, RULE):
        assert len(inputs.get("description", "")) >= 10, r.name
        # The shipped matrices never use protocol 'any' or ports 'all'.
        assert inputs.get("protocol") in ("tcp", "udp", "icmp"), r.name
        if inputs["protocol"] != "icmp":
            assert "portRangeMin" in inputs and "portRangeMax" in inputs, r.name
        assert "remoteIpPrefix" in inputs or "remoteGroupId" in inputs, r.name


def test_no_world_ingress_except_into_exposed_zones_and_never_on_admin_ports(
    regs: tuple[Registration, ...],
) -> None:
    zone_of = _zone_of_group(regs)
    exposed = {inputs["tags"][0][5:] for _, inputs in _of(regs, SG) if "exposure:public" in inputs["tags"]}
    assert exposed == {"dmz"}
    for r, inputs in _of(regs, RULE):
        if inputs["direction"] != "ingress" or "remoteIpPrefix" not in inputs:
            continue
        source = ipaddress.ip_network(inputs["remoteIpPrefix"])
        zone = zone_of[inputs["securityGroupId"]]
        if str(source) in WORLD or not source.is_private:
            if zone == "admin":
                assert _covers(inputs, 22) and inputs["portRangeMax"] == 22.0, r.name
                continue
            assert zone in exposed, r.name
            assert not any(_covers(inputs, p) for p in ADMIN_PORTS), r.name


def test_admin_zone_admits_only_ssh_from_admin_cidrs(
    regs: tuple[Registration, ...], request: pytest.FixtureRequest
) -> None:
    zone_of = _zone_of_group(regs)
    admin_cidrs = set(stack_copy(request.node.callspec.params["regs"])["adminCidrs"])
    admin_in = [
        i
        for _, i in _of(regs, RULE)
        if i["direction"] == "ingress" and zone_of[i["securityGroupId"]] == "admin"
    ]
    assert admin_in
    for inputs in admin_in:
        assert (inputs["protocol"], inputs["portRangeMin"], inputs["portRangeMax"]) == ("tcp", 22.0, 22.0)
        assert inputs["remoteIpPrefix"] in admin_cidrs


def test_data_zone_unreachable_from_dmz_and_outside(regs: tuple[Registration, ...]) -> None:
    zone_of = _zone_of_group(regs)
    for _, inputs in _of(regs, RULE):
        into_data = zone_of[inputs["securityGroupId"]] == "data" and inputs["direction"] == "ingress"
        if into_data:
            assert "remoteIpPrefix" not in inputs
            assert zone_of[inputs["remoteGroupId"]] in ("app", "admin", "cluster")
        from_data = zone_of[inputs["securityGroupId"]] == "data" and inputs["direction"] == "egress"
        assert not (from_data and "remoteIpPrefix" in inputs)
    # Routing: the data subnet is only on the internal router, which has no external gateway.
    routers = {r.name: (r, i) for r, i in _of(regs, "openstack:networking/router:Router")}
    internal = next(r for name, (r, _) in routers.items() if name.endswith("internal-router"))
    assert "externalNetworkId" not in routers[internal.name][1]
    subnet_zone = {r.id: r.name.rsplit("-", 2)[-2] for r in regs if r.type.endswith("subnet:Subnet")}
    for r, inputs in _of(regs, "openstack:networking/routerInterface:RouterInterface"):
        on_internal = inputs["routerId"] == internal.id
        if inputs.get("subnetId") and subnet_zone[inputs["subnetId"]] == "data":
            assert on_internal, r.name
    port_zones = {r.name for r in regs if r.type.endswith("port:Port")}
    assert not any("-dmz-" in name for name in port_zones)


def test_zone_cidrs_private_and_disjoint(regs: tuple[Registration, ...]) -> None:
    cidrs = [ipaddress.ip_network(i["cidr"]) for _, i in _of(regs, "openstack:networking/subnet:Subnet")]
    assert len(cidrs) == len(ALL_ZONES)
    for i, a in enumerate(cidrs):
        assert a.is_private
        for b in cidrs[i + 1 :]:
            assert not a.overlaps(b)


def test_flow_matrix_is_a_readable_output(regs: tuple[Registration, ...]) -> None:
    network = next(r for r in regs if r.type == "sovereign:network:SegmentedNetwork")
    matrix = network.outputs["flow_matrix"]
    assert {"source", "destination", "protocol", "ports", "justification", "origin"} <= set(matrix[0])
    rules = [i for _, i in _of(regs, RULE)]
    justified = {row["justification"] for row in matrix}
    assert {i["description"] for i in rules} <= justified
    assert any(row["origin"] == "design" for row in matrix)
    assert any(row["origin"] == "stack" for row in matrix)


def test_any_protocol_flow_between_zones_opens_all_ports_only_where_declared() -> None:
    cfg = stack_copy("dev")
    cfg["flows"].append(
        {
            "from": "app",
            "to": "dmz",
            "protocol": "any",
            "justification": "Legacy callback agent needs every port back to the proxy",
        }
    )
    regs = tuple(record(cfg))
    unbounded = [r.name for r, i in _of(regs, RULE) if "protocol" not in i]
    assert sorted(unbounded) == sorted(["slz-net-in-app-to-dmz-any", "slz-net-out-app-to-dmz-any"])
