"""ClusterBaseline: what every cluster gets before a workload runs, through an explicit provider.

The `kubernetes.Provider` is built from the cluster's kubeconfig secret output, never from the
ambient kubeconfig of whoever runs `pulumi up`. Per workload namespace:
- Pod Security Admission `restricted`, enforced, audited and warned, with a pinned version;
- a default-deny NetworkPolicy for ingress and egress, and one exception: DNS to kube-dns;
- the default ServiceAccount without an automounted token (the CIS profile leaves it to us);
- a ResourceQuota (no LoadBalancer or NodePort Service unless config allows it) and a LimitRange.
Cluster-wide: a ValidatingAdmissionPolicy and its binding refuse images outside the registry
allow-list (NSA/CISA hardening guide; registry_policy.py holds the CEL).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from .registry_policy import IMAGES, POD_SPEC, message_expression, validation_expression
from .settings import WorkloadNamespace

PSA_MODES = ("enforce", "audit", "warn")
REGISTRY_POLICY = "sovereign-registry-allow-list"


def psa_labels(version: str) -> dict[str, str]:
    labels = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in PSA_MODES}
    labels.update({f"pod-security.kubernetes.io/{mode}-version": version for mode in PSA_MODES})
    return labels


@dataclass(frozen=True)
class ClusterBaselineArgs:
    """The baseline of one cluster; every field comes from a validated StackConfig."""

    kubeconfig: pulumi.Input[str]
    """The cluster's admin kubeconfig, a secret output; never the ambient one."""
    registries: tuple[str, ...]
    """Allowed image prefixes, each ending in '/'."""
    namespaces: tuple[WorkloadNamespace, ...] = ()
    pod_security_version: str = "v1.30"


class ClusterBaseline(pulumi.ComponentResource):
    """Namespaces with their guard rails, and the registry allow-list, on one cluster."""

    namespaces: list[str]

    def __init__(
        self, name: str, args: ClusterBaselineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("sovereign:kubernetes:ClusterBaseline", name, None, opts)
        provider = k8s.Provider(
            f"{name}-provider",
            kubeconfig=pulumi.Output.secret(args.kubeconfig),
            enable_server_side_apply=True,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["kubeconfig"]),
        )
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        self._registry_policy(name, args.registries, child)
        for ns in args.namespaces:
            self._namespace(name, ns, args.pod_security_version, child)
        self.namespaces = [ns.name for ns in args.namespaces]
        self.register_outputs({"namespaces": self.namespaces, "registries": list(args.registries)})

    @staticmethod
    def _namespace(name: str, ns: WorkloadNamespace, version: str, opts: pulumi.ResourceOptions) -> None:
        at = f"{name}-{ns.name}"
        namespace = k8s.core.v1.Namespace(
            f"{at}-ns", metadata={"name": ns.name, "labels": psa_labels(version)}, opts=opts
        )
        inside = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[namespace]))
        meta = {"namespace": ns.name}
        k8s.networking.v1.NetworkPolicy(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{at}-default-deny",
            metadata={**meta, "name": "default-deny"},
            spec={"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
            opts=inside,
        )
        k8s.networking.v1.NetworkPolicy(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{at}-allow-dns",
            metadata={**meta, "name": "allow-dns"},
            spec={
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                                },
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
            opts=inside,
        )
        k8s.core.v1.ServiceAccountPatch(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{at}-default-sa",
            metadata={**meta, "name": "default"},
            automount_service_account_token=False,
            opts=inside,
        )
        k8s.core.v1.ResourceQuota(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{at}-quota",
            metadata={**meta, "name": "baseline"},
            spec={
                "hard": {
                    "requests.cpu": ns.cpu,
                    "limits.cpu": ns.cpu,
                    "requests.memory": ns.memory,
                    "limits.memory": ns.memory,
                    "pods": str(ns.pods),
                    # Nothing is exposed outside the cluster unless the stack says so.
                    "services.loadbalancers": "10" if ns.allow_load_balancer else "0",
                    "services.nodeports": "10" if ns.allow_node_port else "0",
                }
            },
            opts=inside,
        )
        k8s.core.v1.LimitRange(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{at}-limits",
            metadata={**meta, "name": "baseline"},
            spec={
                "limits": [
                    {
                        "type": "Container",
                        "default": {"cpu": "500m", "memory": "512Mi"},
                        "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                        "max": {"cpu": "4", "memory": "8Gi"},
                    }
                ]
            },
            opts=inside,
        )

    @staticmethod
    def _registry_policy(name: str, registries: tuple[str, ...], opts: pulumi.ResourceOptions) -> None:
        resources = {"operations": ["CREATE", "UPDATE"]}
        policy = k8s.admissionregistration.v1.ValidatingAdmissionPolicy(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{name}-registry-policy",
            metadata={"name": REGISTRY_POLICY},
            spec={
                "failurePolicy": "Fail",
                "matchConstraints": {
                    "resourceRules": [
                        {
                            **resources,
                            "apiGroups": [""],
                            "apiVersions": ["v1"],
                            "resources": ["pods", "pods/ephemeralcontainers"],
                        },
                        {
                            **resources,
                            "apiGroups": ["apps"],
                            "apiVersions": ["v1"],
                            "resources": ["deployments", "replicasets", "statefulsets", "daemonsets"],
                        },
                        {
                            **resources,
                            "apiGroups": ["batch"],
                            "apiVersions": ["v1"],
                            "resources": ["jobs", "cronjobs"],
                        },
                    ]
                },
                "variables": [
                    {"name": "podSpec", "expression": POD_SPEC},
                    {"name": "images", "expression": IMAGES},
                ],
                "validations": [
                    {
                        "expression": validation_expression(registries),
                        "messageExpression": message_expression(registries),
                        "reason": "Forbidden",
                    }
                ],
            },
            opts=opts,
        )
        k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(  # type: ignore[call-overload]  # plain dicts, not the SDK's TypedDicts
            f"{name}-registry-binding",
            metadata={"name": REGISTRY_POLICY},
            spec={
                "policyName": REGISTRY_POLICY,
                "validationActions": ["Deny", "Audit"],
                "matchResources": {
                    "namespaceSelector": {
                        "matchExpressions": [
                            {
                                "key": "kubernetes.io/metadata.name",
                                "operator": "NotIn",
                                "values": ["kube-system"],
                            }
                        ]
                    }
                },
            },
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[policy])),
        )
