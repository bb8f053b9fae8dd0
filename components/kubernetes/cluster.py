"""SovereignCluster: one Kubernetes cluster in the landing zone's `cluster` zone.

Two modes, chosen by config (`kubernetes.mode`) and refused where the offer cannot serve them:
- self-managed (the default, and the only one where the offer has no Magnum): RKE2 with the CIS
  profile on instances in an anti-affinity server group (self_managed.py);
- magnum: the provider's Magnum, locked down (magnum.py).

In both, the Kubernetes API is reachable from the admin zone only, through a load balancer without
a floating IP; the admin kubeconfig is a secret output. Its custody is in `key_custody`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from .magnum import build_magnum
from .self_managed import build_self_managed
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


class SovereignCluster(pulumi.ComponentResource):
    """A Kubernetes cluster whose API only the admin zone reaches."""

    api_endpoint: str
    """https://<API VIP>:6443 (self-managed), known before anything exists."""
    kubeconfig: pulumi.Output[str] | None
    """The admin kubeconfig (secret): Magnum's; self-managed gets it through the bastion."""
    key_custody: list[dict[str, object]]

    def __init__(
        self, name: str, args: SovereignClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("sovereign:kubernetes:SovereignCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.api_endpoint = f"https://{args.network.api_address}:6443"
        if args.mode == "magnum":
            self.kubeconfig = build_magnum(name, args, child)
        else:
            build_self_managed(name, args, child)
            self.kubeconfig = None
        self.key_custody = list(args.custody)
        self.register_outputs(
            {"mode": args.mode, "api_endpoint": self.api_endpoint, "key_custody": self.key_custody}
        )
