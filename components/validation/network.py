"""Zone CIDRs, exposed zones and administrators' ranges."""

from __future__ import annotations

import ipaddress

from ..config import ZONES, IpNetwork, NetworkPlan, key
from ..errors import ConfigError

# The only ranges a zone may use: RFC 1918. Python's `is_private` also says yes to reserved,
# benchmarking and documentation ranges (240.0.0.0/4, 198.18.0.0/15, 203.0.113.0/24), which are
# not ours to number a network with.
RFC1918 = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
)


def is_private_cidr(net: IpNetwork) -> bool:
    """True for a network wholly inside one RFC 1918 range."""
    return net.version == 4 and any(net.subnet_of(block) for block in RFC1918)


def check_network(plan: NetworkPlan) -> None:
    missing = [z for z in ZONES if z not in plan.zones]
    if missing:
        raise ConfigError(
            key("network.zones"), sorted(plan.zones), f"one CIDR for each of {list(ZONES)}; missing {missing}"
        )
    for zone, net in plan.zones.items():
        if net.version != 4 or not 16 <= net.prefixlen <= 28:
            raise ConfigError(key(f"network.zones.{zone}"), str(net), "an IPv4 CIDR from /16 to /28")
        if not is_private_cidr(net):
            raise ConfigError(
                key(f"network.zones.{zone}"),
                str(net),
                "a private CIDR (RFC 1918: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
            )
    items = list(plan.zones.items())
    for i, (zone, net) in enumerate(items):
        for other, other_net in items[i + 1 :]:
            if net.version == other_net.version and net.overlaps(other_net):
                raise ConfigError(
                    key(f"network.zones.{other}"),
                    str(other_net),
                    f"a CIDR that does not overlap zone '{zone}' ({net})",
                )
    # The supervision zone holds every log of the landing zone: never exposed either.
    for zone in ("data", "admin", "supervision"):
        if zone in plan.exposed_zones:
            raise ConfigError(
                key("network.exposedZones"),
                list(plan.exposed_zones),
                f"zones other than '{zone}': it is never exposed",
            )


def check_admin_cidrs(cidrs: tuple[IpNetwork, ...]) -> None:
    for i, net in enumerate(cidrs):
        minimum = 16 if net.version == 4 else 48
        if net.prefixlen < minimum:
            raise ConfigError(
                key(f"adminCidrs[{i}]"),
                str(net),
                f"the administrators' own source ranges, at most /{minimum} wide "
                "(SecNumCloud 3.2 9.6.d: no administration interface open to a public network)",
            )
