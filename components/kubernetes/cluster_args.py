"""What a SovereignCluster is built from: plain data, so the two modes' builders and the component
read it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ..log_shipping import LogShipping
from .settings import ClusterMode, MagnumConfig, NodePool


@dataclass(frozen=True)
class ClusterNetwork:
    """Where the cluster lives: the cluster zone of SegmentedNetwork."""

    network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    security_group_id: pulumi.Input[str]
    """The cluster zone's group: only the matrix's node flows (components/kubernetes/flows.py)."""
    zone_cidr: str
    api_address: str
    """The API load balancer's fixed VIP inside the zone (network.cluster_api_address)."""
    api_allowed_cidrs: tuple[str, ...]
    """Who may reach the API on 6443: the admin zone, or ranges inside it."""
    external_network_id: str = ""
    """Magnum only: the external network its template names (no floating IP is ever taken)."""


@dataclass(frozen=True)
class SovereignClusterArgs:
    """One cluster; every field comes from a validated StackConfig."""

    network: ClusterNetwork
    control_plane: NodePool
    workers: NodePool
    volume_type: str
    """An encrypted volume type, for boot and data volumes."""
    custody: tuple[dict[str, object], ...]
    """The cluster's rows of the key-custody table (encryption.cluster_custody_rows)."""
    mode: ClusterMode = "self-managed"
    version: str = "v1.30.6+rke2r1"
    """self-managed: the pinned RKE2 release."""
    image_id: str = ""
    """self-managed: the nodes' image, carrying the RKE2 artifacts of `version`."""
    ssh_public_key: str | None = None
    """The administrators' key for the nodes (reached through the bastion); None: no key."""
    audit_log_days: int = 180
    """self-managed: how long the API servers keep audit logs (the logs bucket's retention)."""
    kms: tuple[str, str, str] | None = None
    """self-managed: (plugin image, KMS endpoint, key name) for KMS v2; None: local secretbox."""
    magnum: MagnumConfig | None = None
    """magnum: the template settings."""
    protect: bool = True
    """Protect the data volumes from deletion."""
    log_shipping: LogShipping | None = None
    """self-managed: where every node forwards its logs (the supervision zone's collector)."""
