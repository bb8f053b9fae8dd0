"""Address ranges: the ones no one routes on the Internet, and the "open to every address" judgement.

Shared by the security-group rule model (network/rules.py), the Kubernetes provider's API server
check, and every policy that reads a list of allowed source CIDRs (Services, Octavia listeners,
Magnum labels), so that they agree on what "private" and "open to anyone" mean.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

IpNet = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(*cidrs: str) -> tuple[IpNet, ...]:
    return tuple(ipaddress.ip_network(n) for n in cidrs)


# RFC 1918, RFC 6598 (shared address space), IPv6 ULA, and loopback (a tunnel through the bastion).
# Not `ipaddress.is_private`, which also counts the documentation and benchmarking ranges.
UNROUTED_RANGES = _networks(
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "127.0.0.0/8", "::1/128"
)
# A rule's source may also be link-local (a metadata service, a neighbour on the segment); a server
# address may not, so only the rule model adds these.
LINK_LOCAL_RANGES = _networks("169.254.0.0/16", "fe80::/10")


def in_ranges(net: IpNet | ipaddress.IPv4Address | ipaddress.IPv6Address, ranges: Sequence[IpNet]) -> bool:
    """True when the address or network lies inside one of `ranges` (same IP version)."""
    if isinstance(net, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return any(net.version == r.version and net in r for r in ranges)
    return any(net.version == r.version and net.subnet_of(r) for r in ranges)  # type: ignore[arg-type]


def open_ranges(ranges: Sequence[str]) -> list[str]:
    """The ranges that admit every address (a /0), and the ones that are not CIDRs at all."""
    found = []
    for text in ranges:
        try:
            net = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            found.append(f"{text!r} (not a CIDR)")
            continue
        if net.prefixlen == 0:
            found.append(text)
    return found
