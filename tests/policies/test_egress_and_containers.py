"""network-egress-restrict-sensitive-zones and access-container-disallow-public-access (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import containers, egress

from .conftest import RULE_TYPE, SG_TYPE, UNKNOWN, run, run_stack, stack_resource


def group(zone: str, delete_defaults: Any = True) -> Any:
    props: dict[str, Any] = {"tags": [f"zone:{zone}"], "deleteDefaultRules": delete_defaults}
    return stack_resource(SG_TYPE, f"lz-{zone}-sg", props)


def egress_rule(name: str, owner: Any, **props: Any) -> Any:
    base = {"direction": "egress", "ethertype": "IPv4", "protocol": "tcp", "securityGroupId": UNKNOWN}
    return stack_resource(RULE_TYPE, name, {**base, **props}, deps={"securityGroupId": [owner]})


def test_declared_egress_of_the_sensitive_zones_passes() -> None:
    data, admin, app = group("data"), group("admin"), group("app")
    resources = [
        data,
        admin,
        app,
        egress_rule("admin-ssh-app", admin, portRangeMin=22, portRangeMax=22, remoteGroupId="app-sg"),
        egress_rule(
            "admin-dns",
            admin,
            protocol="udp",
            portRangeMin=53,
            portRangeMax=53,
            remoteIpPrefix="213.186.33.99/32",
        ),
        egress_rule("data-to-app", data, portRangeMin=8443, portRangeMax=8443, remoteIpPrefix="10.10.1.0/24"),
        # Not a sensitive zone: the dmz and app zones are judged by the other network policies.
        egress_rule("app-anywhere", app, remoteIpPrefix="0.0.0.0/0"),
    ]
    result = run_stack(egress.EGRESS_ANYWHERE, resources)
    assert result.ok and result.not_applicable is None, result.text()


@pytest.mark.parametrize(
    ("zone", "props", "needle"),
    [
        ("data", {"remoteIpPrefix": "0.0.0.0/0", "portRangeMin": 443, "portRangeMax": 443}, "whole Internet"),
        ("data", {"protocol": "any"}, "any source"),  # no remote at all: any destination
        (
            "data",
            {"remoteIpPrefix": "198.51.100.7/32", "portRangeMin": 443, "portRangeMax": 443},
            "public range",
        ),
        ("admin", {"remoteIpPrefix": "::/0", "ethertype": "IPv6"}, "whole Internet"),
        ("admin", {"remoteIpPrefix": "198.51.100.0/24"}, "public range"),  # every port
    ],
)
def test_egress_to_anywhere_from_data_or_admin_is_refused(
    zone: str, props: dict[str, Any], needle: str
) -> None:
    owner = group(zone)
    rule = egress_rule("out", owner, **props)
    result = run_stack(egress.EGRESS_ANYWHERE, [owner, rule])
    assert len(result.violations) == 1, result.violations
    assert needle in result.text() and f"zone {zone!r}" in result.text()
    assert result.reported_urns == [rule.urn]


@pytest.mark.parametrize("delete_defaults", [False, None, "false"])
def test_a_sensitive_group_keeping_neutrons_default_egress_is_refused(delete_defaults: Any) -> None:
    owner = group("data", delete_defaults)
    result = run_stack(egress.EGRESS_ANYWHERE, [owner])
    assert result.reported_urns == [owner.urn]
    assert "deleteDefaultRules: true" in result.text()


def test_egress_whose_remote_is_unknown_is_reported_not_passed() -> None:
    owner = group("admin")
    rule = egress_rule("out", owner, remoteIpPrefix=UNKNOWN)
    result = run_stack(egress.EGRESS_ANYWHERE, [owner, rule])
    assert result.reported_urns == [rule.urn] and "unknown during preview" in result.text()


def test_egress_policy_not_applicable_without_sensitive_zones() -> None:
    app = group("app")
    result = run_stack(egress.EGRESS_ANYWHERE, [app, egress_rule("out", app, remoteIpPrefix="0.0.0.0/0")])
    assert result.is_not_applicable, result


CONTAINER = containers.CONTAINER


@pytest.mark.parametrize(
    ("props", "needle"),
    [
        ({"containerRead": ".r:*"}, "read access to anyone (.r:*)"),
        ({"containerRead": "proj-a:alice, .r:*.example.org,.rlistings"}, ".r:*.example.org"),
        ({"containerRead": "*:*"}, "*:*"),
        ({"containerWrite": "*"}, "write access to anyone"),
    ],
)
def test_public_swift_container_is_refused(props: dict[str, Any], needle: str) -> None:
    result = run(containers.PUBLIC_CONTAINER, CONTAINER, {"name": "c", **props})
    assert len(result.violations) == 1 and needle in result.text(), result.violations


def test_container_shared_with_named_projects_passes() -> None:
    result = run(
        containers.PUBLIC_CONTAINER, CONTAINER, {"name": "c", "containerRead": "proj-a:*, proj-b:bob"}
    )
    assert result.ok and result.not_applicable is None


def test_container_policy_not_applicable_to_other_types() -> None:
    result = run(
        containers.PUBLIC_CONTAINER, "openstack:compute/instance:Instance", {"containerRead": ".r:*"}
    )
    assert result.is_not_applicable, result


@pytest.mark.parametrize("acl", [[".r:*"], {"read": ".r:*"}, True, 5.0])
def test_container_acl_that_is_not_a_string_cannot_be_judged(acl: Any) -> None:
    result = run(containers.PUBLIC_CONTAINER, CONTAINER, {"name": "c", "containerRead": acl})
    assert result.violated and "not a Swift ACL string" in result.text()
