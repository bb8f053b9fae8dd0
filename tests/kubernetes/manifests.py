"""Kubernetes objects shared by the pack's tests and the Checkov oracle, in wire form.

pulumi-kubernetes sends an object's inputs as its manifest with camelCase keys (apiVersion, kind,
metadata, spec), and numbers as floats (10001.0): these dicts are both the `props` a policy sees and
the documents written for Checkov (tests/checkov.py turns integral floats back into ints).
"""

from __future__ import annotations

import copy
from typing import Any

NAMESPACE = "apps"
REGISTRY = "registry.example.fr/"
IMAGE = REGISTRY + "team/web@sha256:" + "ab" * 32


def hardened_container(name: str = "web", image: str = IMAGE) -> dict[str, Any]:
    """A container that meets PSA `restricted` and every Checkov pod check."""
    return {
        "name": name,
        "image": image,
        "imagePullPolicy": "Always",
        "ports": [{"containerPort": 8080.0}],
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 10001.0,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080.0}},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080.0}},
    }


def hardened_pod_spec() -> dict[str, Any]:
    return {
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001.0,
            "runAsGroup": 10001.0,
            "fsGroup": 10001.0,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [hardened_container()],
        "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory"}}],
    }


def hardened_deployment(name: str = "web") -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels},
        "spec": {
            "replicas": 2.0,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": hardened_pod_spec()},
        },
    }


def default_deny(namespace: str = NAMESPACE) -> dict[str, Any]:
    """The baseline's default-deny NetworkPolicy (Checkov's CKV2_K8S_6 wants one in the scan)."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny", "namespace": namespace},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }


def bad_pod(name: str = "bad") -> dict[str, Any]:
    """A workload breaking the pod rules Checkov and the pack both know about."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "hostNetwork": True,
            "hostPID": True,
            "hostIPC": True,
            "containers": [
                {
                    "name": "shell",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80.0, "hostPort": 80.0}],
                    "securityContext": {
                        "privileged": True,
                        "allowPrivilegeEscalation": True,
                        "capabilities": {"add": ["SYS_ADMIN"]},
                    },
                    "volumeMounts": [{"name": "etc", "mountPath": "/host/etc"}],
                }
            ],
            "volumes": [{"name": "etc", "hostPath": {"path": "/etc"}}],
        },
    }


def clone(obj: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(obj)


# Every workload type the pack checks, with the path of its pod spec (FACTS-kubernetes §6); the
# Patch variants share their kind's path. Kept here, apart from the pack, so that the tests do not
# take the pack's own table as the truth.
WORKLOAD_PATHS: dict[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Pod": ("spec",),
    "kubernetes:core/v1:PodTemplate": ("template", "spec"),
    "kubernetes:core/v1:ReplicationController": ("spec", "template", "spec"),
    "kubernetes:apps/v1:Deployment": ("spec", "template", "spec"),
    "kubernetes:apps/v1:StatefulSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:DaemonSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template", "spec"),
    "kubernetes:batch/v1:Job": ("spec", "template", "spec"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOAD_TYPES = tuple(t + suffix for t in WORKLOAD_PATHS for suffix in ("", "Patch"))


def workload(type_: str, spec: dict[str, Any], name: str = "web") -> dict[str, Any]:
    """The wire inputs of a workload of that type whose pod spec is `spec`."""
    token = type_.removesuffix("Patch")
    group_version, kind = token.split(":")[1], token.split(":")[2]
    api_version = group_version.removeprefix("core/")
    props: dict[str, Any] = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": name, "namespace": NAMESPACE},
    }
    node = props
    path = WORKLOAD_PATHS[token]
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if key == "template":
            node["metadata"] = {"labels": {"app": name}}
    node[path[-1]] = spec
    return props
