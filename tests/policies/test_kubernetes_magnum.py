"""Magnum cluster templates and clusters, and Octavia listeners on the API or admin ports (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import kubernetes_listeners, kubernetes_magnum

from .conftest import UNKNOWN, run
from .kubernetes_fixtures import ADMIN_CIDRS
from .kubernetes_fixtures import magnum_template as template

TEMPLATE = "openstack:containerinfra/clusterTemplate:ClusterTemplate"
CLUSTER = "openstack:containerinfra/cluster:Cluster"
LISTENER = "openstack:loadbalancer/listener:Listener"
SETTINGS = kubernetes_magnum.SETTINGS
API = kubernetes_magnum.API_LABELS
LISTENERS = kubernetes_listeners.LISTENERS


def labels(**changes: str | None) -> dict[str, str]:
    merged = {**template()["labels"], **changes}
    return {k: v for k, v in merged.items() if v is not None}


def test_the_hardened_template_passes() -> None:
    assert run(SETTINGS, TEMPLATE, template()).ok
    assert run(API, TEMPLATE, template()).ok


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"tlsDisabled": True}, "tlsDisabled"),
        ({"public": True}, "public is true"),
        ({"insecureRegistry": "10.0.0.5:5000"}, "insecureRegistry"),
        ({"registryEnabled": True}, "registryEnabled"),
        ({"floatingIpEnabled": True}, "floatingIpEnabled"),
        ({"floatingIpEnabled": None}, "floatingIpEnabled is not false"),  # Magnum defaults to true
        ({"masterLbEnabled": False}, "masterLbEnabled"),
        ({"masterLbEnabled": None}, "masterLbEnabled is not true"),
    ],
    ids=["tls-off", "public", "insecure-registry", "registry", "fip", "fip-default", "no-lb", "lb-default"],
)
def test_an_insecure_template_is_refused(changes: dict[str, Any], needle: str) -> None:
    props = {k: v for k, v in template(**changes).items() if v is not None}
    assert needle in run(SETTINGS, TEMPLATE, props).text()


@pytest.mark.parametrize("type_", [TEMPLATE, CLUSTER])
@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"master_lb_floating_ip_enabled": "true"}, "gets a floating IP"),
        ({"master_lb_allowed_cidrs": None}, "master_lb_allowed_cidrs is not set"),
        ({"api_master_lb_allowed_cidrs": None}, "api_master_lb_allowed_cidrs is not set"),
        ({"master_lb_allowed_cidrs": ""}, "master_lb_allowed_cidrs is not set"),
        ({"master_lb_allowed_cidrs": f"{ADMIN_CIDRS},0.0.0.0/0"}, "through 0.0.0.0/0"),
        ({"api_master_lb_allowed_cidrs": f"{ADMIN_CIDRS};::/0"}, "through ::/0"),
    ],
    ids=["lb-fip", "no-heat-cidrs", "no-capi-cidrs", "empty-cidrs", "open-v4", "open-v6-semicolon"],
)
def test_an_api_load_balancer_open_to_anyone_is_refused(
    type_: str, changes: dict[str, str | None], needle: str
) -> None:
    props = template(labels=labels(**changes)) if type_ == TEMPLATE else cluster(labels=labels(**changes))
    assert needle in run(API, type_, props).text()


def cluster(**changes: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": "k8s",
        "clusterTemplateId": UNKNOWN,
        "masterCount": 3.0,
        "nodeCount": 3.0,
        "keypair": "ops",
    }
    props.update(changes)
    return props


def test_a_cluster_that_inherits_its_template_passes_or_does_not_apply() -> None:
    assert run(SETTINGS, CLUSTER, cluster()).ok
    assert run(API, CLUSTER, cluster()).is_not_applicable
    assert run(API, CLUSTER, cluster(labels=labels())).ok


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"floatingIpEnabled": True}, "floatingIpEnabled is true"),
        ({"masterLbEnabled": False}, "masterLbEnabled"),
    ],
    ids=["fip", "no-lb"],
)
def test_a_cluster_overriding_its_template_insecurely_is_refused(
    changes: dict[str, Any], needle: str
) -> None:
    assert needle in run(SETTINGS, CLUSTER, cluster(**changes)).text()


def test_merged_cluster_labels_are_judged_on_what_they_set() -> None:
    merged = cluster(labels={"kube_tag": "v1.30.5"}, mergeLabels=True)
    assert run(API, CLUSTER, merged).ok
    opened = cluster(labels={"master_lb_allowed_cidrs": "0.0.0.0/0"}, mergeLabels=True)
    assert "through 0.0.0.0/0" in run(API, CLUSTER, opened).text()
    replaced = cluster(labels={"kube_tag": "v1.30.5"})  # without mergeLabels, the template's go away
    assert "is not set" in run(API, CLUSTER, replaced).text()


def test_other_types_are_not_applicable_to_the_magnum_policies() -> None:
    node_group = "openstack:containerinfra/nodeGroup:NodeGroup"
    for policy in (SETTINGS, API):
        assert run(policy, node_group, {"clusterId": UNKNOWN, "nodeCount": 2.0}).is_not_applicable


def listener(port: float, cidrs: list[str] | None) -> dict[str, Any]:
    props: dict[str, Any] = {"loadbalancerId": UNKNOWN, "protocol": "TCP", "protocolPort": port}
    if cidrs is not None:
        props["allowedCidrs"] = cidrs
    return props


@pytest.mark.parametrize("port", [6443.0, 22.0, 3389.0, 5432.0, 2379.0, 10250.0])
def test_a_listener_on_an_admin_port_filtered_to_the_admin_zone_passes(port: float) -> None:
    assert run(LISTENERS, LISTENER, listener(port, [ADMIN_CIDRS])).ok


@pytest.mark.parametrize("port", [6443.0, 22.0, 3389.0, 5432.0])
@pytest.mark.parametrize(
    ("cidrs", "needle"),
    [(None, "has no allowedCidrs"), ([], "has no allowedCidrs"), ([ADMIN_CIDRS, "0.0.0.0/0"], "0.0.0.0/0")],
    ids=["unset", "empty", "open"],
)
def test_an_unfiltered_listener_on_an_admin_port_is_refused(
    port: float, cidrs: list[str] | None, needle: str
) -> None:
    text = run(LISTENERS, LISTENER, listener(port, cidrs)).text()
    assert needle in text
    assert ("Kubernetes API" if port == 6443.0 else f"administration port {int(port)}") in text


def test_listeners_elsewhere_and_other_types_are_not_applicable() -> None:
    assert run(LISTENERS, LISTENER, listener(443.0, None)).is_not_applicable
    assert run(LISTENERS, TEMPLATE, template()).is_not_applicable
    # A port the organisation adds to adminPorts is judged; 6443 stays one whatever the list says.
    assert (
        "administration port 8443"
        in run(LISTENERS, LISTENER, listener(8443.0, None), config={"adminPorts": [8443]}).text()
    )
    assert (
        "Kubernetes API"
        in run(LISTENERS, LISTENER, listener(6443.0, None), config={"adminPorts": [22]}).text()
    )


def test_the_listener_admin_ports_are_the_network_policies_ones() -> None:
    from sovereign_guard.framework import REGISTRY

    network_ports = set(REGISTRY["network-admin-port-disallow-public-ingress"].defaults()["adminPorts"])
    assert set(REGISTRY[LISTENERS.name].defaults()["adminPorts"]) == network_ports | {6443}
