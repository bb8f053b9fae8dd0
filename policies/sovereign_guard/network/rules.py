"""The security-group rule model: what a SecGroupRule's wire properties mean.

OpenStack semantics the checks rely on (FACTS.md): a rule with no protocol or no port range
covers everything; a rule with neither remoteIpPrefix nor a remote group admits any source.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from ..address_ranges import LINK_LOCAL_RANGES, UNROUTED_RANGES, in_ranges
from ..settings import IpNetwork, Settings
from ..values import get_int, get_str, is_set

RULE = "openstack:networking/secGroupRule:SecGroupRule"
SECGROUP = "openstack:networking/secGroup:SecGroup"
PORT = "openstack:networking/port:Port"
NETWORK = "openstack:networking/network:Network"
INSTANCE = "openstack:compute/instance:Instance"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIP_ASSOC = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
COMPUTE_FIP_ASSOC = "openstack:compute/floatingIpAssociate:FloatingIpAssociate"

# SSH, RDP, WinRM, VNC, IPMI, SNMP, Docker, Kubernetes API/etcd/kubelet/controllers, databases.
ADMIN_PORTS = (
    22,
    3389,
    5985,
    5986,
    5900,
    623,
    161,
    2375,
    2376,
    6443,
    2379,
    2380,
    10250,
    10255,
    10257,
    10259,
    5432,
    3306,
    1433,
    1521,
    27017,
    6379,
    9200,
    9300,
    5984,
    11211,
    9042,
    8086,
)
PRIVATE_RANGES = (*UNROUTED_RANGES, *LINK_LOCAL_RANGES)


def admin_ports_config(ports: tuple[int, ...], description: str) -> dict[str, Any]:
    """The `adminPorts` config schema, shared by every policy that singles out administration ports."""
    return {
        "adminPorts": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 65535},
            "default": list(ports),
            "description": description,
        }
    }


PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp"}
PORT_PROTOCOLS = ("tcp", "udp", "any", "sctp", "udplite", "dccp")
# The protocol names Neutron accepts besides a number 0-255. A rule naming anything else cannot be
# judged: it is read as every protocol and port, so that the pack fails closed.
NEUTRON_PROTOCOLS = frozenset(
    (
        *PORT_PROTOCOLS,
        *("ah", "egp", "esp", "gre", "hopopt", "icmp", "icmpv6", "igmp", "ipip", "ipv6-encap"),
        *("ipv6-frag", "ipv6-icmp", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp"),
        "vrrp",
    )
)


def known_protocol(protocol: str) -> bool:
    return protocol in NEUTRON_PROTOCOLS or (protocol.isdigit() and int(protocol) <= 255)


@dataclass(frozen=True)
class Source:
    kind: str
    """'any' (no remote at all), 'internet' (/0), 'public', 'private', 'group', 'invalid'."""
    text: str
    network: IpNetwork | None = None

    @property
    def public(self) -> bool:
        return self.kind in ("any", "internet", "public", "invalid")

    def describe(self) -> str:
        return {
            "any": "any source (no remoteIpPrefix and no remote group)",
            "internet": f"the whole Internet ({self.text!r})",
            "public": f"public range {self.text!r}",
            "invalid": f"{self.text!r}, which is not a CIDR (treated as public)",
            "private": f"private range {self.text!r}",
            "group": f"remote group {self.text!r}",
        }[self.kind]


@dataclass(frozen=True)
class Rule:
    direction: str
    ethertype: str
    protocol: str
    port_min: int | None
    port_max: int | None
    source: Source

    @property
    def ingress(self) -> bool:
        # The provider requires a direction; anything but "egress" is treated as ingress (safe side).
        return self.direction != "egress"

    @property
    def has_ports(self) -> bool:
        return self.protocol in PORT_PROTOCOLS or not known_protocol(self.protocol)

    def port_range(self) -> tuple[int, int]:
        if not known_protocol(self.protocol) or self.protocol == "any":
            return 1, 65535
        if self.port_min is None and self.port_max is None:
            return 1, 65535
        low = self.port_min if self.port_min is not None else 1
        high = self.port_max if self.port_max is not None else 65535
        return max(low, 0), min(high, 65535)

    @property
    def all_ports(self) -> bool:
        low, high = self.port_range()
        return self.has_ports and low <= 1 and high >= 65535

    def ports_text(self) -> str:
        if self.protocol == "any":
            return "all protocols and ports"
        if not known_protocol(self.protocol):
            return f"protocol {self.protocol[:40]!r}, unknown to Neutron, read as all protocols and ports"
        low, high = self.port_range()
        # The protocol is the program's text: quoted unless it is a plain protocol word.
        proto = self.protocol if re.fullmatch(r"[a-z0-9-]+", self.protocol) else repr(self.protocol)
        return f"{proto} {low}" if low == high else f"{proto} {low}-{high}"


def classify(props: Any) -> Source:
    prefix = get_str(props, "remoteIpPrefix")
    if prefix:
        try:
            net = ipaddress.ip_network(prefix.strip(), strict=False)
        except ValueError:
            return Source("invalid", prefix)
        if net.prefixlen == 0:
            return Source("internet", prefix, net)
        if in_ranges(net, PRIVATE_RANGES):
            return Source("private", prefix, net)
        return Source("public", prefix, net)
    # A remote group's id is unknown during preview until the group exists: its presence is enough.
    for key in ("remoteGroupId", "remoteAddressGroupId"):
        if is_set(props, key):
            try:
                return Source("group", get_str(props, key) or "(unknown until created)")
            except UnknownValueError:
                return Source("group", "(known after creation)")
    return Source("any", "")


def parse_rule(props: Any) -> Rule:
    protocol = (get_str(props, "protocol") or "").strip().lower()
    protocol = PROTOCOL_NUMBERS.get(protocol, protocol) or "any"
    return Rule(
        direction=(get_str(props, "direction") or "").strip().lower(),
        ethertype=get_str(props, "ethertype") or "IPv4",
        protocol=protocol,
        port_min=get_int(props, "portRangeMin"),
        port_max=get_int(props, "portRangeMax"),
        source=classify(props),
    )


def within_admin_ranges(source: Source, settings: Settings) -> bool:
    net = source.network
    if net is None or source.kind != "public":
        return False
    return any(net.version == a.version and net.subnet_of(a) for a in settings.admin_source_cidrs)  # type: ignore[arg-type]
