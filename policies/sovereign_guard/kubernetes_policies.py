"""The Kubernetes policies of the pack, in the order it runs them (one subject per module)."""

from __future__ import annotations

from . import (
    kubernetes_images,
    kubernetes_listeners,
    kubernetes_magnum,
    kubernetes_namespaces,
    kubernetes_pod_hardening,
    kubernetes_providers,
    kubernetes_rbac,
    kubernetes_services,
    kubernetes_workloads,
)

POLICIES = (
    *kubernetes_providers.POLICIES,
    *kubernetes_namespaces.POLICIES,
    *kubernetes_workloads.POLICIES,
    *kubernetes_pod_hardening.POLICIES,
    *kubernetes_images.POLICIES,
    *kubernetes_services.POLICIES,
    *kubernetes_rbac.POLICIES,
    *kubernetes_magnum.POLICIES,
    *kubernetes_listeners.POLICIES,
)
