"""Namespaces (PSA restricted), Services (exposure) and role bindings (everyone) (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import kubernetes_namespaces, kubernetes_rbac, kubernetes_services

from .conftest import UNKNOWN, run

NS = "kubernetes:core/v1:Namespace"
NS_PATCH = "kubernetes:core/v1:NamespacePatch"
SERVICE = "kubernetes:core/v1:Service"
CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
BINDING_TYPES = [
    f"kubernetes:rbac.authorization.k8s.io/{v}:{k}"
    for v in ("v1", "v1beta1", "v1alpha1")
    for k in ("RoleBinding", "ClusterRoleBinding")
]
BINDING_TYPES += [t + "Patch" for t in BINDING_TYPES]
PSA = kubernetes_namespaces.PSA_RESTRICTED
SERVICES = kubernetes_services.SERVICES
BINDINGS = kubernetes_rbac.EVERYONE_BINDING


def namespace(labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps", "labels": labels}}


RESTRICTED = {
    f"pod-security.kubernetes.io/{mode}{suffix}": value
    for mode in ("enforce", "audit", "warn")
    for suffix, value in (("", "restricted"), ("-version", "v1.30"))
}


@pytest.mark.parametrize("type_", [NS, NS_PATCH])
def test_a_restricted_namespace_passes(type_: str) -> None:
    assert run(PSA, type_, namespace(RESTRICTED)).ok
    latest = {**RESTRICTED, "pod-security.kubernetes.io/enforce-version": "latest"}
    assert run(PSA, type_, namespace(latest)).ok


@pytest.mark.parametrize("type_", [NS, NS_PATCH])
@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"pod-security.kubernetes.io/enforce": "baseline"}, "is 'baseline'"),
        ({"pod-security.kubernetes.io/enforce": "privileged"}, "is 'privileged'"),
        ({"pod-security.kubernetes.io/enforce": None}, "enforce is not set"),
        ({"pod-security.kubernetes.io/enforce-version": None}, "enforce-version is not set"),
        ({"pod-security.kubernetes.io/enforce-version": "1.30"}, "not a Kubernetes minor version"),
    ],
    ids=["baseline", "privileged", "no-enforce", "no-version", "bad-version"],
)
def test_a_namespace_without_restricted_enforce_is_refused(
    type_: str, change: dict[str, str | None], needle: str
) -> None:
    labels = {k: v for k, v in {**RESTRICTED, **change}.items() if v is not None}
    result = run(PSA, type_, namespace(labels))
    assert needle in result.text()


def test_a_namespace_without_labels_is_refused_but_a_patch_without_psa_labels_does_not_apply() -> None:
    bare = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}}
    assert "enforce is not set" in run(PSA, NS, bare).text()
    assert run(PSA, NS_PATCH, namespace({"team": "data"})).is_not_applicable
    assert run(PSA, SERVICE, {"spec": {"type": "ClusterIP"}}).is_not_applicable


def service(spec: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "web", "namespace": "apps"}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}


PORTS = [{"port": 443.0, "targetPort": 8443.0, "protocol": "TCP"}]


@pytest.mark.parametrize("type_", [SERVICE, SERVICE + "Patch"])
@pytest.mark.parametrize(
    "props",
    [
        service({"type": "ClusterIP", "ports": PORTS}),
        service({"ports": PORTS}),
        service({"type": "LoadBalancer", "ports": PORTS, "loadBalancerSourceRanges": ["10.20.0.0/24"]}),
        service(
            {"type": "LoadBalancer", "ports": PORTS},
            {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.20.0.0/24, 192.0.2.0/28"},
        ),
    ],
    ids=["cluster-ip", "default-type", "lb-with-ranges", "lb-with-annotation"],
)
def test_filtered_services_pass(type_: str, props: dict[str, Any]) -> None:
    assert run(SERVICES, type_, props).ok


@pytest.mark.parametrize("type_", [SERVICE, SERVICE + "Patch"])
@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ({"type": "LoadBalancer", "ports": PORTS}, "without loadBalancerSourceRanges"),
        ({"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8", "0.0.0.0/0"]}, "0.0.0.0/0"),
        ({"type": "LoadBalancer", "loadBalancerSourceRanges": ["::/0"]}, "::/0"),
        ({"type": "LoadBalancer", "loadBalancerSourceRanges": ["anywhere"]}, "not a CIDR"),
        ({"type": "NodePort", "ports": PORTS}, "NodePort"),
        ({"type": "ClusterIP", "externalIPs": ["192.0.2.10"]}, "externalIPs 192.0.2.10"),
    ],
    ids=["lb-unfiltered", "lb-open-v4", "lb-open-v6", "lb-not-cidr", "node-port", "external-ips"],
)
def test_exposed_services_are_refused(type_: str, spec: dict[str, Any], needle: str) -> None:
    assert needle in run(SERVICES, type_, service(spec)).text()


def test_an_open_annotation_is_refused_and_other_types_do_not_apply() -> None:
    props = service(
        {"type": "LoadBalancer"}, {"service.beta.kubernetes.io/load-balancer-source-ranges": "0.0.0.0/0"}
    )
    assert "0.0.0.0/0" in run(SERVICES, SERVICE, props).text()
    assert run(SERVICES, NS, namespace(RESTRICTED)).is_not_applicable


def binding(subjects: list[dict[str, str]], role: str = "cluster-admin") -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "grant"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    }


GROUP = "rbac.authorization.k8s.io"
TEAM = {"kind": "Group", "apiGroup": GROUP, "name": "oidc:platform-admins"}


@pytest.mark.parametrize("type_", BINDING_TYPES)
def test_bindings_to_named_subjects_pass(type_: str) -> None:
    sa = {"kind": "ServiceAccount", "name": "deployer", "namespace": "apps"}
    assert run(BINDINGS, type_, binding([TEAM, sa])).ok


@pytest.mark.parametrize("type_", BINDING_TYPES)
@pytest.mark.parametrize(
    ("subject", "role"),
    [
        ({"kind": "User", "apiGroup": GROUP, "name": "system:anonymous"}, "cluster-admin"),
        ({"kind": "Group", "apiGroup": GROUP, "name": "system:unauthenticated"}, "view"),
        ({"kind": "Group", "apiGroup": GROUP, "name": "system:authenticated"}, "edit"),
        ({"kind": "Group", "apiGroup": GROUP, "name": "system:anonymous"}, "cluster-admin"),
    ],
    ids=["anonymous-user-admin", "unauthenticated-view", "authenticated-edit", "anonymous-group"],
)
def test_bindings_to_everyone_are_refused(type_: str, subject: dict[str, str], role: str) -> None:
    text = run(BINDINGS, type_, binding([TEAM, subject], role)).text()
    assert subject["name"] in text and f"ClusterRole {role}" in text and "subjects[1]" in text


def test_a_binding_without_subjects_and_other_types_do_not_apply() -> None:
    assert run(BINDINGS, CRB, binding([])).is_not_applicable
    assert run(BINDINGS, SERVICE, service({"type": "ClusterIP"})).is_not_applicable


def test_unknown_subjects_are_reported_as_unknown_in_preview() -> None:
    props = binding([TEAM])
    props["subjects"] = UNKNOWN
    assert run(BINDINGS, CRB, props).unknown is not None
