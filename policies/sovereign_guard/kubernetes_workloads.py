"""Kubernetes workloads: no privileged container, no host namespace, port or path, for any program.

These are the pod settings that give a container the node itself: a privileged container sees every
device, hostNetwork/hostPID/hostIPC share the node's namespaces, a hostPort binds the node's address,
a hostPath mounts the node's files. Pod Security Admission `restricted` (and already `baseline`)
refuses all of them; the pack refuses them before the cluster sees them, on every workload kind and
its Patch variant (kubernetes_podspec.py), in containers, initContainers and ephemeralContainers.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .kubernetes_podspec import WORKLOAD_TYPES, containers, kind_of, require_pod_spec
from .values import as_bool, get, get_bool, get_int, get_list, get_str

HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")


def _privileged(ctx: Context) -> Iterator[str]:
    spec = require_pod_spec(ctx)
    kind = kind_of(ctx.args.resource_type)
    for container in containers(spec):
        if as_bool(get(container.security, "privileged")) is True:
            yield (
                f"{kind} {container.where} is privileged: it sees every device of the node and can take it "
                "over; set securityContext.privileged to false"
            )


PRIVILEGED = resource_policy(
    Meta(
        name="kubernetes-workload-disallow-privileged",
        description=(
            "No privileged container (securityContext.privileged) in any workload kind or its patch, "
            "containers, initContainers and ephemeralContainers alike."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set securityContext.privileged to false (or leave it out); grant the one capability the "
            "process needs instead, and run node agents that need the host from the cluster's own "
            "system namespaces, outside the program's workloads."
        ),
        references=("ft082-r2", "nsa-k8s-privileged", "nsa-k8s-admission"),
        types=WORKLOAD_TYPES,
    ),
    _privileged,
)


def _host_namespaces(ctx: Context) -> Iterator[str]:
    spec = require_pod_spec(ctx)
    kind = kind_of(ctx.args.resource_type)
    for key in HOST_NAMESPACES:
        if get_bool(spec, key) is True:
            yield f"{kind} sets {key}: true: its pods share the node's {key[4:]} namespace"
    for container in containers(spec):
        for index, port in enumerate(get_list(container.spec, "ports")):
            host_port = get_int(port, "hostPort")
            if host_port:
                yield (
                    f"{kind} {container.where} ports[{index}] binds hostPort {host_port} on the node's "
                    "address, outside the cluster's network policies"
                )


HOST_NAMESPACE = resource_policy(
    Meta(
        name="kubernetes-workload-disallow-host-namespaces",
        description=(
            "No workload shares the node's namespaces (hostNetwork, hostPID, hostIPC) or binds a "
            "hostPort, in any workload kind or its patch."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Remove hostNetwork, hostPID, hostIPC and hostPort; expose the pod through a Service of "
            "type ClusterIP behind the cluster's ingress, within the namespace's NetworkPolicies."
        ),
        references=("ft082-r3-r5", "ft082-r6", "nsa-k8s-host-namespaces", "nsa-k8s-admission"),
        types=WORKLOAD_TYPES,
    ),
    _host_namespaces,
)


def _host_paths(ctx: Context) -> Iterator[str]:
    spec = require_pod_spec(ctx)
    kind = kind_of(ctx.args.resource_type)
    for index, volume in enumerate(get_list(spec, "volumes")):
        host_path = get(volume, "hostPath")
        if host_path is None:
            continue
        path = get_str(host_path, "path") or "?"
        name = get_str(volume, "name") or str(index)
        yield (
            f"{kind} volume {name!r} mounts the node's path {path!r} (hostPath): the pod reads or writes "
            "the node's files, outside its own filesystem"
        )


HOST_PATH = resource_policy(
    Meta(
        name="kubernetes-workload-disallow-host-path",
        description="No workload mounts a node's path (hostPath volume), in any workload kind or its patch.",
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Replace the hostPath volume with an emptyDir (scratch space), a ConfigMap or Secret "
            "(configuration) or a PersistentVolumeClaim on the cluster's encrypted storage class."
        ),
        references=("ft082-r1", "ft082-r2", "nsa-k8s-privileged", "nsa-k8s-admission"),
        types=WORKLOAD_TYPES,
    ),
    _host_paths,
)

POLICIES = (PRIVILEGED, HOST_NAMESPACE, HOST_PATH)
