"""The Magnum mode: a ClusterTemplate locked down, and the Cluster; only where the offer has Magnum.

Every Heat-driver setting that would open the cluster is set explicitly (magnum doc/source/user):
TLS on, template not public, no insecure registry, no Swift registry, no floating IP on nodes nor
on the API load balancer, `master_lb_allowed_cidrs` set (its default "" opens the API to
0.0.0.0/0), a pinned `kube_tag`, and boot volumes of the stack's encrypted type.

The kubeconfig Magnum returns carries a client certificate of O=system:masters: an admin
credential RBAC cannot revoke. It is a secret output, kept for break-glass use (docs/kubernetes.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_openstack as openstack

from ..host_parts import admin_keypair

if TYPE_CHECKING:
    from .cluster_args import SovereignClusterArgs


def build_magnum(name: str, args: SovereignClusterArgs, opts: pulumi.ResourceOptions) -> pulumi.Output[str]:
    assert args.magnum is not None
    net = args.network
    allowed = ",".join(net.api_allowed_cidrs)
    labels = {
        "kube_tag": args.magnum.kube_tag,
        "master_lb_floating_ip_enabled": "false",
        "master_lb_allowed_cidrs": allowed,
        # The Cluster-API drivers read this name instead.
        "api_master_lb_allowed_cidrs": allowed,
        "boot_volume_type": args.volume_type,
        "boot_volume_size": str(args.control_plane.volume_size),
        "docker_volume_type": args.volume_type,
        "etcd_volume_type": args.volume_type,
    }
    template = openstack.containerinfra.ClusterTemplate(
        f"{name}-template",
        coe="kubernetes",
        image=args.magnum.image_id,
        flavor=args.workers.flavor,
        master_flavor=args.control_plane.flavor,
        external_network_id=net.external_network_id,
        fixed_network=net.network_id,
        fixed_subnet=net.subnet_id,
        network_driver=args.magnum.network_driver,
        volume_driver="cinder",
        docker_storage_driver="overlay2",
        docker_volume_size=args.workers.data_volume_size,
        tls_disabled=False,
        public=False,
        hidden=False,
        registry_enabled=False,
        floating_ip_enabled=False,
        master_lb_enabled=True,
        labels=labels,
        opts=opts,
    )
    keypair = admin_keypair(f"{name}-keypair", args.ssh_public_key, opts)
    cluster = openstack.containerinfra.Cluster(
        f"{name}-cluster",
        cluster_template_id=template.id,
        master_count=args.control_plane.count,
        node_count=args.workers.count,
        master_flavor=args.control_plane.flavor,
        flavor=args.workers.flavor,
        keypair=keypair.name if keypair else None,
        floating_ip_enabled=False,
        master_lb_enabled=True,
        fixed_network=net.network_id,
        fixed_subnet=net.subnet_id,
        labels=labels,
        merge_labels=True,
        opts=pulumi.ResourceOptions.merge(
            # The cluster holds etcd: protected like every other stateful resource.
            opts,
            pulumi.ResourceOptions(additional_secret_outputs=["kubeconfig"], protect=args.protect),
        ),
    )
    # The engine marks kubeconfig secret (additional_secret_outputs); wrapping makes it secret in-process too.
    return pulumi.Output.secret(cluster.kubeconfig.apply(lambda k: (k or {}).get("raw_config", "")))
