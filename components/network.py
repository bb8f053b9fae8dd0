"""SegmentedNetwork: five zones, two routers, and security groups generated from the flow matrix.

The supervision zone holds the log collector, apart from production and administration (SecNumCloud
3.2 13.2.a).

Routing follows the partitioning of SecNumCloud 3.2 13.2 and ANSSI PA-022:
- the edge router has the external gateway and joins dmz, app and admin;
- the internal router has no gateway at all and joins the data zone to the zones that the matrix
  lets talk to it, through a host route on their subnets; so the data zone has no route to or
  from the outside, whatever a security group says.
Every security group starts empty (default rules deleted) and only gets the matrix's rules.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from review_tables import FLOW_MATRIX

from .config import ALL_ZONES, CLUSTER_ZONE
from .flow_matrix import MatrixEntry

# The supervision zone is on the edge router: its collector writes to the offer's S3 endpoint.
# The cluster zone is too: its nodes reach registries and the organisation's KMS only through
# flows the stack declares, and administrators reach its API from the admin zone.
EDGE_ZONES = ("dmz", "app", "admin", "supervision", CLUSTER_ZONE)
# Addresses .2 to .9 of the cluster zone stay out of DHCP: the API load balancer's VIP is fixed
# there, so that the bastion's permitOpen and the docs can name it before anything exists.
CLUSTER_RESERVED = 8


@dataclass(frozen=True)
class SegmentedNetworkArgs:
    """What the network is made of; every field comes from a validated StackConfig."""

    zones: Mapping[str, ipaddress.IPv4Network]
    """One private, non-overlapping CIDR per zone (dmz, app, data, admin, and optionally cluster)."""
    matrix: tuple[MatrixEntry, ...]
    """The authorised flows; nothing else is opened."""
    external_network_id: str
    """The provider network that carries the edge router's gateway."""
    exposed_zones: tuple[str, ...] = ("dmz",)
    """Zones that may receive traffic from outside the landing zone."""
    dns_resolvers: tuple[str, ...] = ()
    """Resolvers given to every subnet (the offer's, unless the stack overrides them)."""


@dataclass(frozen=True)
class ZoneAddressing:
    """Fixed addresses inside a zone's CIDR, computed before anything exists."""

    gateway: str
    internal_hop: str
    pool_start: str
    pool_end: str


def zone_addressing(cidr: ipaddress.IPv4Network, reserved: int = 0) -> ZoneAddressing:
    """.1 is the gateway, the last usable address the internal router; the pool is between,
    after `reserved` addresses kept for fixed use."""
    first = cidr.network_address + 1
    last = cidr.broadcast_address - 1
    return ZoneAddressing(str(first), str(last), str(first + 1 + reserved), str(last - 1))


def cluster_api_address(cidr: ipaddress.IPv4Network) -> str:
    """The fixed VIP of the Kubernetes API load balancer: .5 of the cluster zone (reserved)."""
    return str(cidr.network_address + 5)


def zones_linked_to_data(matrix: tuple[MatrixEntry, ...]) -> tuple[str, ...]:
    linked = {
        e.source_zone if e.destination == "data" else e.destination_zone
        for e in matrix
        if "data" in (e.source, e.destination)
    }
    return tuple(z for z in ALL_ZONES if z in linked and z != "data")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class SegmentedNetwork(pulumi.ComponentResource):
    """The zones of the landing zone and the only flows allowed between them."""

    network_ids: dict[str, pulumi.Output[str]]
    subnet_ids: dict[str, pulumi.Output[str]]
    security_group_ids: dict[str, pulumi.Output[str]]
    edge_router_id: pulumi.Output[str]
    internal_router_id: pulumi.Output[str] | None
    flow_matrix: list[dict[str, object]]

    def __init__(
        self, name: str, args: SegmentedNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("sovereign:network:SegmentedNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        data_links = zones_linked_to_data(args.matrix)
        data_cidr = args.zones["data"]
        zones = [z for z in ALL_ZONES if z in args.zones]
        addressing = {
            zone: zone_addressing(args.zones[zone], CLUSTER_RESERVED if zone == CLUSTER_ZONE else 0)
            for zone in zones
        }

        networks: dict[str, openstack.networking.Network] = {}
        subnets: dict[str, openstack.networking.Subnet] = {}
        groups: dict[str, openstack.networking.SecGroup] = {}
        for zone in zones:
            exposure = "public" if zone in args.exposed_zones else "private"
            tags = [f"zone:{zone}", f"exposure:{exposure}"]
            networks[zone] = openstack.networking.Network(
                f"{name}-{zone}-net",
                admin_state_up=True,
                port_security_enabled=True,
                tags=tags,
                opts=child,
            )
            subnets[zone] = openstack.networking.Subnet(
                f"{name}-{zone}-subnet",
                network_id=networks[zone].id,
                cidr=str(args.zones[zone]),
                ip_version=4,
                enable_dhcp=True,
                gateway_ip=addressing[zone].gateway,
                allocation_pools=[
                    openstack.networking.SubnetAllocationPoolArgs(
                        start=addressing[zone].pool_start, end=addressing[zone].pool_end
                    )
                ],
                dns_nameservers=list(args.dns_resolvers) or None,
                tags=tags,
                opts=child,
            )
            groups[zone] = openstack.networking.SecGroup(
                f"{name}-{zone}-sg",
                description=f"Zone {zone}: only the flows of the authorised-flow matrix",
                delete_default_rules=True,
                stateful=True,
                tags=tags,
                opts=child,
            )

        edge = openstack.networking.Router(
            f"{name}-edge-router",
            description="Edge router: the only gateway to the external network",
            external_network_id=args.external_network_id,
            opts=child,
        )
        for zone in (z for z in EDGE_ZONES if z in args.zones):
            openstack.networking.RouterInterface(
                f"{name}-edge-{zone}-if", router_id=edge.id, subnet_id=subnets[zone].id, opts=child
            )

        internal = None
        if data_links:
            internal = openstack.networking.Router(
                f"{name}-internal-router",
                description="Internal router without gateway: the data zone's only path",
                opts=child,
            )
            openstack.networking.RouterInterface(
                f"{name}-internal-data-if", router_id=internal.id, subnet_id=subnets["data"].id, opts=child
            )
            for zone in data_links:
                port = openstack.networking.Port(
                    f"{name}-internal-{zone}-port",
                    network_id=networks[zone].id,
                    fixed_ips=[
                        openstack.networking.PortFixedIpArgs(
                            subnet_id=subnets[zone].id, ip_address=addressing[zone].internal_hop
                        )
                    ],
                    opts=child,
                )
                openstack.networking.RouterInterface(
                    f"{name}-internal-{zone}-if", router_id=internal.id, port_id=port.id, opts=child
                )
                openstack.networking.SubnetRoute(
                    f"{name}-{zone}-to-data-route",
                    subnet_id=subnets[zone].id,
                    destination_cidr=str(data_cidr),
                    next_hop=addressing[zone].internal_hop,
                    opts=child,
                )

        for entry in args.matrix:
            self._rules_for(name, entry, groups, child)

        self.network_ids = {z: n.id for z, n in networks.items()}
        self.subnet_ids = {z: s.id for z, s in subnets.items()}
        self.security_group_ids = {z: g.id for z, g in groups.items()}
        self.edge_router_id = edge.id
        self.internal_router_id = internal.id if internal else None
        self.flow_matrix = [entry.as_row() for entry in args.matrix]
        self.register_outputs(
            {
                "network_ids": self.network_ids,
                "subnet_ids": self.subnet_ids,
                "security_group_ids": self.security_group_ids,
                "edge_router_id": self.edge_router_id,
                "internal_router_id": self.internal_router_id,
                FLOW_MATRIX.output: self.flow_matrix,
            }
        )

    @staticmethod
    def _rules_for(
        name: str,
        entry: MatrixEntry,
        groups: Mapping[str, openstack.networking.SecGroup],
        child: pulumi.ResourceOptions,
    ) -> None:
        """An ingress rule on the destination zone and an egress rule on the source zone."""
        flow = _slug(f"{entry.source}-to-{entry.destination}-{entry.protocol}-{entry.ports}")
        if entry.destination_zone:
            SegmentedNetwork._rule(
                f"{name}-in-{flow}", "ingress", groups[entry.destination], entry.source, groups, entry, child
            )
        if entry.source_zone:
            SegmentedNetwork._rule(
                f"{name}-out-{flow}", "egress", groups[entry.source], entry.destination, groups, entry, child
            )

    @staticmethod
    def _rule(
        name: str,
        direction: str,
        group: openstack.networking.SecGroup,
        remote: str,
        groups: Mapping[str, openstack.networking.SecGroup],
        entry: MatrixEntry,
        child: pulumi.ResourceOptions,
    ) -> None:
        """One rule on `group`; the remote end is another zone's group or a CIDR."""
        openstack.networking.SecGroupRule(
            name,
            direction=direction,
            security_group_id=group.id,
            remote_group_id=groups[remote].id if remote in groups else None,
            remote_ip_prefix=None if remote in groups else remote,
            ethertype="IPv6" if ":" in entry.source + entry.destination else "IPv4",
            protocol=None if entry.protocol == "any" else entry.protocol,
            port_range_min=entry.port_min,
            port_range_max=entry.port_max,
            description=entry.justification[:255],
            opts=child,
        )
