"""The self-managed mode: RKE2 (CIS profile) on instances, its API behind an internal Octavia load balancer.

- control-plane and worker instances in one anti-affinity server group per role, each on a port of
  the cluster zone (security group: the matrix's node flows), booting from a volume of the stack's
  encrypted type, with an optional encrypted data volume;
- the join token from pulumi-random, and every node's whole user data sent as a Pulumi secret;
- the API (6443) behind an Octavia TCP listener whose allowedCidrs are the admin zone only, and
  the RKE2 supervisor (9345) behind one open to the cluster zone only; no floating IP anywhere.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pulumi
import pulumi_openstack as openstack
import pulumi_random as random

from ..host_parts import admin_keypair, encrypted_boot_volume, zone_port
from ..log_shipping import LogShipping, with_log_shipping
from .flows import API_PORT, SUPERVISOR_PORT
from .rke2 import NodeSettings, Role, node_user_data
from .settings import NodePool

if TYPE_CHECKING:
    from .cluster_args import SovereignClusterArgs

TOKEN_LENGTH = 48


def build_self_managed(name: str, args: SovereignClusterArgs, opts: pulumi.ResourceOptions) -> None:
    net = args.network
    token = random.RandomPassword(
        f"{name}-join-token",
        length=TOKEN_LENGTH,
        special=False,
        # Protected like every key: a replaced token would lock new nodes out of the cluster.
        opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["result"], protect=args.protect)
        ),
    )
    keypair = admin_keypair(f"{name}-keypair", args.ssh_public_key, opts)
    balancer = openstack.loadbalancer.LoadBalancer(
        f"{name}-api-lb",
        vip_subnet_id=net.subnet_id,
        vip_address=net.api_address,
        description="Kubernetes API: internal, no floating IP; reachable from the admin zone only",
        opts=opts,
    )
    pools = {
        API_PORT: _listener(name, "api", balancer, API_PORT, net.api_allowed_cidrs, opts),
        SUPERVISOR_PORT: _listener(name, "supervisor", balancer, SUPERVISOR_PORT, (net.zone_cidr,), opts),
    }
    servers = _pool_of_nodes(name, "server", args.control_plane, args, token.result, keypair, opts)
    for i, address in enumerate(servers):
        for port, pool in pools.items():
            openstack.loadbalancer.Member(
                f"{name}-{port}-member-{i}",
                pool_id=pool.id,
                address=address,
                protocol_port=port,
                subnet_id=net.subnet_id,
                opts=opts,
            )
    _pool_of_nodes(name, "agent", args.workers, args, token.result, keypair, opts)


def _listener(
    name: str,
    role: str,
    balancer: openstack.loadbalancer.LoadBalancer,
    port: int,
    allowed: tuple[str, ...],
    opts: pulumi.ResourceOptions,
) -> openstack.loadbalancer.Pool:
    listener = openstack.loadbalancer.Listener(
        f"{name}-{role}-listener",
        loadbalancer_id=balancer.id,
        protocol="TCP",
        protocol_port=port,
        # TLS passes through to the API servers: the load balancer never holds a cluster key.
        allowed_cidrs=list(allowed),
        description=f"RKE2 {role} ({port}): only from {', '.join(allowed)}",
        opts=opts,
    )
    pool = openstack.loadbalancer.Pool(
        f"{name}-{role}-pool", listener_id=listener.id, protocol="TCP", lb_method="ROUND_ROBIN", opts=opts
    )
    # TLS-HELLO checks that the server answers TLS without needing anonymous access to /readyz,
    # which the CIS profile turns off.
    openstack.loadbalancer.Monitor(
        f"{name}-{role}-monitor",
        pool_id=pool.id,
        type="TLS-HELLO",
        delay=10,
        timeout=5,
        max_retries=3,
        opts=opts,
    )
    return pool


def _pool_of_nodes(
    name: str,
    role: Role,
    pool: NodePool,
    args: SovereignClusterArgs,
    token: pulumi.Output[str],
    keypair: openstack.compute.Keypair | None,
    opts: pulumi.ResourceOptions,
) -> list[pulumi.Output[str]]:
    """The nodes of one role; returns their fixed addresses."""
    label = "cp" if role == "server" else "worker"
    group = openstack.compute.ServerGroup(f"{name}-{label}-group", policies="anti-affinity", opts=opts)
    addresses: list[pulumi.Output[str]] = []
    net = args.network
    for i in range(pool.count):
        node = f"{name}-{label}-{i}"
        port = zone_port(f"{node}-port", net.network_id, net.subnet_id, net.security_group_id, opts)
        settings = NodeSettings(
            role=role,
            version=args.version,
            api_address=args.network.api_address,
            first_server=role == "server" and i == 0,
            audit_log_days=args.audit_log_days,
            kms=args.kms,
            dedicated_control_plane=args.workers.count > 0,
        )
        # The whole user data is secret: it carries the join token, and a Pulumi secret stays
        # encrypted in the state and masked in every log.
        rendered: pulumi.Output[str] = token.apply(
            functools.partial(_node_user_data, settings, args.log_shipping)
        )
        user_data: pulumi.Output[str] = pulumi.Output.secret(rendered)
        instance = openstack.compute.Instance(
            node,
            flavor_name=pool.flavor,
            key_pair=keypair.name if keypair else None,
            networks=[openstack.compute.InstanceNetworkArgs(port=port.id)],
            block_devices=encrypted_boot_volume(args.image_id, pool.volume_size, args.volume_type),
            scheduler_hints=[openstack.compute.InstanceSchedulerHintArgs(group=group.id)],
            user_data=user_data,
            metadata={"role": f"kubernetes-{label}"},
            tags=[f"role:kubernetes-{label}"],
            opts=pulumi.ResourceOptions.merge(opts, _node_options(role, args.protect)),
        )
        if pool.data_volume_size:
            volume = openstack.blockstorage.Volume(
                f"{node}-data",
                size=pool.data_volume_size,
                volume_type=args.volume_type,
                description=f"{node}: container images and local data",
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=args.protect)),
            )
            openstack.compute.VolumeAttach(
                f"{node}-data-attach", instance_id=instance.id, volume_id=volume.id, opts=opts
            )
        addresses.append(port.all_fixed_ips.apply(lambda ips: ips[0] if ips else ""))
    return addresses


def _node_user_data(settings: NodeSettings, shipping: LogShipping | None, token: str) -> str:
    """A node's cloud-config, forwarding its logs to the collector when the stack has one."""
    user_data = node_user_data(settings, token)
    return with_log_shipping(user_data, shipping) if shipping is not None else user_data


def _node_options(role: Role, protect: bool) -> pulumi.ResourceOptions:
    """A node is never replaced for its user data, and a control-plane node is protected.

    User data runs at first boot only, and OpenStack replaces an instance whose user data changes:
    a version bump, a retention or a CA change would otherwise replace every node at once, and with
    a control-plane node its boot disk, which holds etcd (and, in secretbox mode, the Secrets key).
    Upgrades and rotations go through RKE2 on the running nodes (docs/kubernetes.md)."""
    return pulumi.ResourceOptions(ignore_changes=["user_data"], protect=protect and role == "server")
