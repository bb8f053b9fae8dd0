"""Network stack policies: exposed zones and floating IPs, and program-controlled text in their messages."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import network as net

from .conftest import RULE_TYPE, SG_TYPE, UNKNOWN, run, run_stack, stack_resource, use_settings
from .network_fixtures import PORT, rule

# --- network-ingress-restrict-exposed-zones (stack) --------------------------------------------


def zone_group(zone: str, exposure: str = "private") -> Any:
    return stack_resource(SG_TYPE, f"lz-{zone}-sg", {"tags": [f"zone:{zone}", f"exposure:{exposure}"]})


def stack_rule(name: str, group: Any, **changes: Any) -> Any:
    props = rule(**changes)
    props["securityGroupId"] = UNKNOWN  # unknown during preview: the join uses dependencies
    return stack_resource(RULE_TYPE, name, props, deps={"securityGroupId": [group]})


def test_exposed_zones_baseline() -> None:
    use_settings({"exposedZones": ["dmz"], "adminSourceCidrs": ["203.0.113.0/24"]})
    dmz, admin, app = zone_group("dmz", "public"), zone_group("admin"), zone_group("app")
    resources = [
        dmz,
        admin,
        app,
        stack_rule("https-in", dmz),
        stack_rule("ssh-in", admin, portRangeMin=22, portRangeMax=22, remoteIpPrefix="203.0.113.0/24"),
        stack_rule(
            "app-in", app, portRangeMin=8443, portRangeMax=8443, remoteIpPrefix=None, remoteGroupId="x"
        ),
    ]
    assert run_stack(net.EXPOSED_ZONES, resources).ok


def test_exposed_zones_violations() -> None:
    use_settings({"exposedZones": ["dmz"], "adminSourceCidrs": ["203.0.113.0/24"]})
    app, admin, untagged = (
        zone_group("app"),
        zone_group("admin"),
        stack_resource(SG_TYPE, "bare", {"tags": []}),
    )
    outside = stack_resource(RULE_TYPE, "outside", {**rule(), "securityGroupId": "f00-literal-id"})
    resources = [
        app,
        admin,
        untagged,
        outside,
        stack_rule("https-into-app", app),
        stack_rule("ssh-world-into-admin", admin, portRangeMin=22, portRangeMax=22),
        stack_rule("into-untagged", untagged),
    ]
    result = run_stack(net.EXPOSED_ZONES, resources)
    by_urn = dict(zip(result.reported_urns, result.violations, strict=True))
    assert "zone 'app'" in by_urn[resources[4].urn]
    assert "zone 'admin'" in by_urn[resources[5].urn]
    assert "no zone:<name> tag" in by_urn[resources[6].urn]
    assert "not in this stack" in by_urn[outside.urn]


def test_exposed_zones_tag_disagreement() -> None:
    use_settings({"exposedZones": []})
    result = run_stack(net.EXPOSED_ZONES, [zone_group("dmz", "public")])
    assert "disagree" in result.text()


def test_exposed_zones_not_applicable_without_groups() -> None:
    result = run_stack(net.EXPOSED_ZONES, [stack_resource("openstack:compute/instance:Instance", "vm", {})])
    assert result.is_not_applicable


# --- network-floating-ip-restrict-bastion (stack) ----------------------------------------------

INSTANCE = "openstack:compute/instance:Instance"
FIP_ASSOC = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"


def fip_world(bastion_tags: list[str], metadata: dict[str, str]) -> list[Any]:
    port = stack_resource(PORT, "bastion-port", {"portSecurityEnabled": True})
    vm = stack_resource(
        INSTANCE,
        "bastion-vm",
        {"tags": bastion_tags, "metadata": metadata, "networks": [{"port": UNKNOWN}]},
        deps={"networks": [port]},
    )
    fip = stack_resource("openstack:networking/floatingIp:FloatingIp", "bastion-fip", {"pool": "Ext-Net"})
    assoc = stack_resource(
        FIP_ASSOC,
        "bastion-fip-assoc",
        {"portId": UNKNOWN, "floatingIp": UNKNOWN},
        deps={"portId": [port], "floatingIp": [fip]},
    )
    return [port, vm, fip, assoc]


def test_floating_ip_baseline_bastion() -> None:
    assert run_stack(net.FLOATING_IPS, fip_world(["role:bastion"], {"role": "bastion"})).ok
    assert run_stack(net.FLOATING_IPS, fip_world([], {"role": "bastion"})).ok


def test_floating_ip_on_other_instance() -> None:
    world = fip_world(["role:app"], {"role": "app"})
    result = run_stack(net.FLOATING_IPS, world)
    assert "'bastion-vm', which is not the bastion" in result.text()
    assert result.reported_urns == [world[3].urn]


def test_floating_ip_compute_association() -> None:
    vm = stack_resource(INSTANCE, "app-vm", {"tags": []})
    assoc = stack_resource(
        "openstack:compute/floatingIpAssociate:FloatingIpAssociate",
        "a",
        {"instanceId": UNKNOWN},
        deps={"instanceId": [vm]},
    )
    assert run_stack(net.FLOATING_IPS, [vm, assoc]).violated


FIP = "openstack:networking/floatingIp:FloatingIp"
COMPUTE_FIP_ASSOC = "openstack:compute/floatingIpAssociate:FloatingIpAssociate"


def test_floating_ip_baseline_program_shape() -> None:
    # The program's bastion: FloatingIp without portId, FloatingIpAssociate(port_id=port.id) on the port
    # of an instance with metadata role=bastion and tag role:bastion.
    world = fip_world(["role:bastion"], {"role": "bastion"})
    result = run_stack(net.FLOATING_IPS, world)
    assert result.ok and result.not_applicable is None


@pytest.mark.parametrize(
    ("tags", "metadata", "ok"),
    [(["role:bastion"], {}, True), ([], {"role": "bastion"}, True), (["role:app"], {"role": "app"}, False)],
)
def test_floating_ip_port_taken_from_the_instance(
    tags: list[str], metadata: dict[str, str], ok: bool
) -> None:
    # networking.FloatingIpAssociate(port_id=vm.networks.apply(lambda n: n[0].port)): the dependency is
    # the Instance itself.
    vm = stack_resource(INSTANCE, "vm", {"tags": tags, "metadata": metadata})
    assoc = stack_resource(
        FIP_ASSOC, "assoc", {"portId": UNKNOWN, "floatingIp": "203.0.113.9"}, deps={"portId": [vm]}
    )
    result = run_stack(net.FLOATING_IPS, [vm, assoc])
    if ok:
        assert result.ok, result
    else:
        assert "'vm', which is not the bastion" in result.text()
        assert result.reported_urns == [assoc.urn]


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (FIP, {"pool": "Ext-Net", "portId": "2f1c-literal-port-id"}, "literal or external id"),
        (
            FIP_ASSOC,
            {"portId": "2f1c-literal-port-id", "floatingIp": "203.0.113.9"},
            "literal or external id",
        ),
        (FIP_ASSOC, {"floatingIp": "203.0.113.9"}, "no portId"),
        (
            COMPUTE_FIP_ASSOC,
            {"instanceId": "0b7e-literal-vm-id", "floatingIp": "x"},
            "literal or external id",
        ),
    ],
)
def test_floating_ip_untraceable_target_fails_closed(
    type_: str, props: dict[str, Any], expected: str
) -> None:
    bastion = fip_world(["role:bastion"], {"role": "bastion"})
    stray = stack_resource(type_, "stray", props)
    result = run_stack(net.FLOATING_IPS, [*bastion, stray])
    assert result.reported_urns == [stray.urn], result
    assert "cannot be traced to the bastion" in result.text() and expected in result.text()


def test_floating_ip_on_a_port_no_instance_uses_fails_closed() -> None:
    port = stack_resource(PORT, "spare-port", {"portSecurityEnabled": True})
    fip = stack_resource(FIP, "fip", {"pool": "Ext-Net", "portId": UNKNOWN}, deps={"portId": [port]})
    result = run_stack(net.FLOATING_IPS, [port, fip])
    assert "'spare-port' is attached to no instance" in result.text()


def test_floating_ip_from_another_resource_type_fails_closed() -> None:
    other = stack_resource("openstack:loadbalancer/loadBalancer:LoadBalancer", "lb", {})
    assoc = stack_resource(FIP_ASSOC, "assoc", {"portId": UNKNOWN}, deps={"portId": [other]})
    assert "not from a port or an instance" in run_stack(net.FLOATING_IPS, [other, assoc]).text()


def test_floating_ip_not_applicable_without_floating_ips() -> None:
    assert run_stack(net.FLOATING_IPS, [stack_resource(INSTANCE, "vm", {})]).is_not_applicable


# --- program-controlled text is quoted ---------------------------------------------------------


def test_program_text_cannot_start_a_new_line_in_a_message() -> None:
    use_settings({"exposedZones": ["dmz"]})
    group = stack_resource(SG_TYPE, "bare\nFAKE: injected line", {"tags": []})
    odd = stack_rule("odd", group, protocol="tcp\nFAKE", remoteIpPrefix="8.8.8.0/24 ")
    result = run_stack(net.EXPOSED_ZONES, [group, odd])
    assert result.violated and all("\n" not in v for v in result.violations), result.violations
    assert "'bare\\nFAKE: injected line'" in result.text()


@pytest.mark.parametrize("protocol", ["zz-not-a-protocol", True, "256"])
def test_a_protocol_neutron_does_not_know_is_read_as_every_port(protocol: Any) -> None:
    props = rule(protocol=protocol, portRangeMin=None, portRangeMax=None)
    result = run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, props)
    assert result.violated and "unknown to Neutron" in result.text()
    assert run(net.ALL_PORTS_PUBLIC, RULE_TYPE, props).violated
    # A protocol Neutron knows keeps its meaning: GRE (47) has no ports.
    assert run(net.ADMIN_PORTS_PUBLIC, RULE_TYPE, {**props, "protocol": "47"}).is_not_applicable
