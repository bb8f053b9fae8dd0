"""The declared flows of the matrix (SecNumCloud 3.2 13.1): ends, ports, and the zone rules.

A flow names zones by name, so that the zone rules apply to it; a CIDR end must lie outside every
zone, else `dmz -> <the data zone's CIDR>` would pass where `dmz -> data` is refused.
"""

from __future__ import annotations

import ipaddress

from ..config import ALL_ZONES, Flow, IpNetwork, StackConfig, key
from ..errors import ConfigError


def zone_or_cidr(value: str) -> str | IpNetwork:
    if value in ALL_ZONES:
        return value
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError:
        return value


def check_flows(cfg: StackConfig) -> None:
    for i, flow in enumerate(cfg.flows):
        at = f"flows[{i}]"
        src, dst = zone_or_cidr(flow.source), zone_or_cidr(flow.to)
        for field, end in (("from", src), ("to", dst)):
            if isinstance(end, str) and end not in cfg.network.zones:
                zones = ", ".join(z for z in ALL_ZONES if z in cfg.network.zones)
                raise ConfigError(key(f"{at}.{field}"), end, f"a zone ({zones}) or a CIDR")
        for field, end in (("from", src), ("to", dst)):
            if not isinstance(end, str):
                _check_outside_zones(cfg, f"{at}.{field}", end)
        if not isinstance(src, str) and not isinstance(dst, str):
            raise ConfigError(key(f"{at}.to"), flow.to, "at least one end of a flow must be a zone")
        if len(flow.justification.strip()) < 10:
            raise ConfigError(
                key(f"{at}.justification"),
                flow.justification,
                "a justification of at least 10 characters (SecNumCloud 3.2 13.1: every flow is justified)",
            )
        _check_ports(at, flow, src)
        if dst == "admin":
            raise ConfigError(
                key(f"{at}.to"),
                flow.to,
                "another zone: nothing enters the admin zone but SSH from adminCidrs, which is generated",
            )
        if "data" in (src, dst) and not (isinstance(src, str) and isinstance(dst, str)):
            raise ConfigError(
                key(f"{at}"), f"{flow.source} -> {flow.to}", "no flow between the data zone and the outside"
            )
        if src == "dmz" and dst == "data":
            raise ConfigError(
                key(f"{at}"), f"{flow.source} -> {flow.to}", "the data zone is never reachable from the dmz"
            )
        if src == dst:
            raise ConfigError(key(f"{at}.to"), flow.to, "a zone other than the source")
        if not isinstance(src, str) and dst not in cfg.network.exposed_zones:
            raise ConfigError(
                key(f"{at}.to"),
                flow.to,
                f"one of the exposed zones {list(cfg.network.exposed_zones)} for ingress from outside",
            )


def _check_outside_zones(cfg: StackConfig, at: str, end: IpNetwork) -> None:
    # "Anywhere" (0.0.0.0/0, a public range) is the outside even though it contains the zones; a
    # private range that reaches into a zone is that zone written as a number.
    if not end.is_private:
        return
    for zone, net in cfg.network.zones.items():
        if end.version == net.version and end.overlaps(net):
            raise ConfigError(
                key(at),
                str(end),
                f"the zone name '{zone}' instead of a CIDR inside it ({net}): a CIDR end of a flow "
                "must lie outside every zone, so that the zone rules apply",
            )


def _check_ports(at: str, flow: Flow, src: str | IpNetwork) -> None:
    if flow.protocol in ("icmp", "any"):
        if flow.ports is not None:
            raise ConfigError(key(f"{at}.ports"), flow.ports, f"no ports for protocol '{flow.protocol}'")
        if flow.protocol == "any" and not isinstance(src, str):
            raise ConfigError(key(f"{at}.protocol"), "any", "tcp, udp or icmp for a flow from outside")
        return
    if flow.ports == "all":
        if not isinstance(src, str):
            raise ConfigError(key(f"{at}.ports"), "all", "a port or a range for a flow from outside")
        return
    if port_range(flow.ports) is None:
        raise ConfigError(
            key(f"{at}.ports"), flow.ports, "a port (1-65535), a range 'low-high', or 'all' between zones"
        )


def port_range(ports: str | int | None) -> tuple[int, int] | None:
    if ports is None or ports == "all":
        return None
    text = str(ports)
    low, _, high = text.partition("-")
    try:
        lo, hi = int(low), int(high or low)
    except ValueError:
        return None
    return (lo, hi) if 1 <= lo <= hi <= 65535 else None
