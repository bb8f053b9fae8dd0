"""The whole pack on a compliant Kubernetes baseline: no policy, Kubernetes or not, blocks it.

Every resource policy of the pack runs, in pack order, on each object of the baseline (the
objects issue 11's ClusterBaseline and a hardened workload send), with the image allow-list set
as a stack's policy config would set it. The per-policy tests prove each way to fail is caught;
this one proves the rules together leave the hardened baseline alone.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pulumi_policy import ResourceValidationPolicy
from sovereign_guard import ALL_POLICIES, hygiene

from tests.kubernetes import manifests as m

from .conftest import UNKNOWN, run, secret
from .kubernetes_fixtures import ADMIN_CIDRS, KUBECONFIG, magnum_template

CONFIG = {"kubernetes-image-restrict-registries": {"allowedRegistries": [m.REGISTRY]}}
PSA = {
    f"pod-security.kubernetes.io/{mode}{suffix}": value
    for mode in ("enforce", "audit", "warn")
    for suffix, value in (("", "restricted"), ("-version", "v1.30"))
}

BASELINE: list[tuple[str, dict[str, Any]]] = [
    (
        "pulumi:providers:kubernetes",
        {"kubeconfig": secret(yaml.safe_dump(KUBECONFIG)), "enableServerSideApply": "true"},
    ),
    (
        "kubernetes:core/v1:Namespace",
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": m.NAMESPACE, "labels": PSA}},
    ),
    ("kubernetes:networking.k8s.io/v1:NetworkPolicy", m.default_deny()),
    ("kubernetes:apps/v1:Deployment", m.hardened_deployment()),
    (
        "kubernetes:core/v1:Service",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": m.NAMESPACE},
            "spec": {
                "type": "ClusterIP",
                "selector": {"app": "web"},
                "ports": [{"port": 443.0, "targetPort": 8080.0}],
            },
        },
    ),
    (
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "deployers", "namespace": m.NAMESPACE},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
            "subjects": [
                {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "oidc:deployers"}
            ],
        },
    ),
    (
        "openstack:loadbalancer/listener:Listener",
        {"loadbalancerId": UNKNOWN, "protocol": "TCP", "protocolPort": 6443.0, "allowedCidrs": [ADMIN_CIDRS]},
    ),
    ("openstack:containerinfra/clusterTemplate:ClusterTemplate", magnum_template()),
]


@pytest.mark.parametrize(("type_", "props"), BASELINE, ids=[t.rsplit(":", 1)[-1] for t, _ in BASELINE])
def test_no_policy_of_the_pack_blocks_the_kubernetes_baseline(type_: str, props: dict[str, Any]) -> None:
    kubernetes_policies_ran = 0
    for policy in ALL_POLICIES:
        if not isinstance(policy, ResourceValidationPolicy):
            continue
        config = {} if policy.name == hygiene.SETTINGS_POLICY else CONFIG.get(policy.name)
        result = run(policy, type_, props, config=config, name="baseline")
        assert not result.violations, (policy.name, result.text())
        if policy.name.startswith("kubernetes-") and result.not_applicable is None and result.unknown is None:
            kubernetes_policies_ran += 1
    # The baseline is judged, not skipped: at least one Kubernetes policy applied to each object
    # except the NetworkPolicy, which no policy checks (Checkov wants it; the pack reads it nowhere).
    assert kubernetes_policies_ran >= (0 if type_.endswith("NetworkPolicy") else 1)
