"""SovereignCluster: one Kubernetes cluster in the landing zone's `cluster` zone.

Two modes, chosen by config (`kubernetes.mode`) and refused where the offer cannot serve them:
- self-managed (the default, and the only one where the offer has no Magnum): RKE2 with the CIS
  profile on instances in an anti-affinity server group (self_managed.py);
- magnum: the provider's Magnum, locked down (magnum.py).

In both, the Kubernetes API is reachable from the admin zone only, through a load balancer without
a floating IP; the admin kubeconfig is a secret output. Its custody is in `key_custody`.
"""

from __future__ import annotations

import pulumi

from .cluster_args import ClusterNetwork, SovereignClusterArgs
from .magnum import build_magnum
from .self_managed import build_self_managed

__all__ = ["ClusterNetwork", "SovereignCluster", "SovereignClusterArgs"]


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
