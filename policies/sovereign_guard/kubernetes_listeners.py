"""Octavia listeners on the Kubernetes API or an administration port: filtered by source.

A self-managed cluster's API sits behind an Octavia TCP listener on 6443; with no `allowedCidrs`
the listener admits every address that reaches the load balancer's VIP (and its floating IP, if it
has one). The same holds for any listener in front of SSH, RDP, etcd, the kubelet or a database.
The administration ports are the pack's own list: the default of the `adminPorts` config of
`network-admin-port-disallow-public-ingress`, read from that policy's registered metadata so that
the two policies never disagree (this policy has its own `adminPorts` property for overrides).
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from . import network  # noqa: F401  (registers the network policies, whose admin-port list is read below)
from .address_ranges import open_ranges
from .framework import REGISTRY, Context, Meta, resource_policy
from .network.rules import admin_ports_config
from .values import get_int, get_list

LISTENER = "openstack:loadbalancer/listener:Listener"
ADMIN_PORT_POLICY = "network-admin-port-disallow-public-ingress"
KUBERNETES_API_PORT = 6443
ADMIN_PORTS: tuple[int, ...] = tuple(
    sorted({KUBERNETES_API_PORT, *(int(p) for p in REGISTRY[ADMIN_PORT_POLICY].defaults()["adminPorts"])})
)


def _listener(ctx: Context) -> Iterator[str]:
    port = get_int(ctx.args.props, "protocolPort")
    ports = {int(p) for p in ctx.config.get("adminPorts") or ()} | {KUBERNETES_API_PORT}
    if port is None or port not in ports:
        ctx.not_applicable(f"port {port} is not the Kubernetes API nor an administration port")
    allowed = [str(c) for c in get_list(ctx.args.props, "allowedCidrs")]
    what = "the Kubernetes API" if port == KUBERNETES_API_PORT else f"administration port {port}"
    if not allowed:
        yield f"listener on {what} has no allowedCidrs: it admits every address that reaches the VIP"
        return
    opened = open_ranges(allowed)
    if opened:
        yield f"listener on {what} admits every address through allowedCidrs {', '.join(opened)}"


LISTENERS = resource_policy(
    Meta(
        name="kubernetes-listener-require-allowed-cidrs",
        description=(
            "An Octavia listener on the Kubernetes API (6443) or an administration port lists its "
            "allowedCidrs, none open to every address."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set allowedCidrs on the listener to the administration zone's ranges (the bastion's "
            "subnet); never 0.0.0.0/0 or ::/0, and give the load balancer no floating IP."
        ),
        references=("snc-9.6.d", "snc-9.6.h", "snc-13.2.e", "pa022-r19", "nsa-k8s-network"),
        config=admin_ports_config(
            ADMIN_PORTS, "Ports treated as administration interfaces (6443 is always one)"
        ),
        types=(LISTENER,),
    ),
    _listener,
)

POLICIES = (LISTENERS,)
