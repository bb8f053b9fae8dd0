"""LandingZone: the whole environment of one stack, composed from a validated StackConfig."""

from __future__ import annotations

import ipaddress

import pulumi

from .bastion import Bastion, BastionArgs
from .catalogue import Offer, load_catalogue
from .config import StackConfig, bastion_volume_type
from .flow_matrix import build_flow_matrix
from .network import SegmentedNetwork, SegmentedNetworkArgs
from .provider import sovereign_provider


def resolvers(cfg: StackConfig, offer: Offer) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]:
    if cfg.network.dns_resolvers is not None:
        return cfg.network.dns_resolvers
    return tuple(ipaddress.ip_address(a) for a in offer.dns_resolvers)


class LandingZone(pulumi.ComponentResource):
    """Provider, network and the services built on them, for one environment."""

    offer: Offer
    network: SegmentedNetwork
    bastion: Bastion | None
    flow_matrix: list[dict[str, object]]

    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovereign:landing:LandingZone", name, None, opts)
        self.offer = load_catalogue().offer(cfg.offer)
        dns = resolvers(cfg, self.offer)
        matrix = build_flow_matrix(cfg.flows, cfg.admin_cidrs, dns)
        provider = sovereign_provider(
            f"{name}-openstack", cfg, self.offer, pulumi.ResourceOptions(parent=self)
        )
        child = pulumi.ResourceOptions(parent=self, provider=provider)

        self.network = SegmentedNetwork(
            f"{name}-net",
            SegmentedNetworkArgs(
                zones={z: n for z, n in cfg.network.zones.items()},  # type: ignore[misc]
                matrix=matrix,
                external_network_id=cfg.network.external_network_id,
                exposed_zones=cfg.network.exposed_zones,
                dns_resolvers=tuple(str(a) for a in dns),
            ),
            child,
        )
        self.bastion = None
        if cfg.bastion is not None:
            self.bastion = Bastion(
                f"{name}-bastion",
                BastionArgs(
                    network_id=self.network.network_ids["admin"],
                    subnet_id=self.network.subnet_ids["admin"],
                    security_group_id=self.network.security_group_ids["admin"],
                    flavor=cfg.bastion.flavor,
                    image_id=cfg.bastion.image_id,
                    ssh_public_keys=cfg.bastion.ssh_public_keys,
                    volume_type=bastion_volume_type(cfg, self.offer),
                    floating_ip_pool=cfg.bastion.floating_ip_pool,
                    volume_size=cfg.bastion.volume_size,
                ),
                child,
            )
        self.flow_matrix = self.network.flow_matrix
        self.register_outputs(
            {
                "offer": self.offer.key,
                "region": cfg.region,
                "environment": cfg.environment,
                "flow_matrix": self.flow_matrix,
                "bastion_address": self.bastion.public_address if self.bastion else None,
            }
        )
