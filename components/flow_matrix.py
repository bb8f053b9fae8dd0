"""The authorised-flow matrix (SecNumCloud 3.2 sections 13.1 and 13.2), as plain data.

The matrix is computed before any resource exists: the stack's declared flows plus the
administration flows that the design imposes. Security-group rules are generated from it, and it
is exported as it is, so that the reviewer reads exactly what was enforced.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from review_tables import FLOW_MATRIX

from .config import ZONES, Flow, IpNetwork
from .validation.flows import port_range, zone_or_cidr

SSH = 22
ADMIN_SSH_IN = (
    "Administrators reach the bastion over SSH, from their own ranges only "
    "(ANSSI PA-022 R15, SecNumCloud 3.2 9.6.d and 13.2.c)"
)
ADMIN_SSH_OUT = "Administration of the zone from the bastion only (ANSSI PA-022 R15, R19)"
DNS_OUT = "Name resolution through the offer's resolvers"


@dataclass(frozen=True)
class MatrixEntry:
    """One authorised flow, with its ports resolved and where it came from."""

    source: str
    """A zone name or a CIDR."""
    destination: str
    protocol: str
    """tcp, udp, icmp, or any."""
    port_min: int | None
    port_max: int | None
    justification: str
    origin: str
    """'stack' when the stack file declares it, 'design' when the landing zone imposes it."""

    @property
    def source_zone(self) -> str | None:
        return self.source if self.source in ZONES else None

    @property
    def destination_zone(self) -> str | None:
        return self.destination if self.destination in ZONES else None

    @property
    def ports(self) -> str:
        if self.port_min is None:
            return "all" if self.protocol in ("tcp", "udp") else "-"
        if self.port_min == self.port_max:
            return str(self.port_min)
        return f"{self.port_min}-{self.port_max}"

    def as_row(self) -> dict[str, object]:
        """The entry as a row of the declared flow-matrix table (review_tables.FLOW_MATRIX)."""
        return FLOW_MATRIX.row(**asdict(self), ports=self.ports)


def _entry(flow: Flow) -> MatrixEntry:
    bounds = port_range(flow.ports)
    return MatrixEntry(
        source=str(zone_or_cidr(flow.source)),
        destination=str(zone_or_cidr(flow.to)),
        protocol=flow.protocol,
        port_min=bounds[0] if bounds else None,
        port_max=bounds[1] if bounds else None,
        justification=flow.justification.strip(),
        origin="stack",
    )


def build_flow_matrix(
    flows: Iterable[Flow],
    admin_cidrs: Iterable[IpNetwork],
    resolvers: Iterable[ipaddress.IPv4Address | ipaddress.IPv6Address],
) -> tuple[MatrixEntry, ...]:
    """The whole matrix: the stack's flows, then the flows the design imposes."""
    entries = [_entry(flow) for flow in flows]
    entries += [
        MatrixEntry(str(cidr), "admin", "tcp", SSH, SSH, ADMIN_SSH_IN, "design") for cidr in admin_cidrs
    ]
    entries += [
        MatrixEntry("admin", zone, "tcp", SSH, SSH, ADMIN_SSH_OUT, "design")
        for zone in ZONES
        if zone != "admin"
    ]
    # The data zone has no route out, so it gets no resolver flow: Neutron's DHCP port answers it.
    for resolver in resolvers:
        prefix = f"{resolver}/{resolver.max_prefixlen}"
        entries += [
            MatrixEntry(zone, prefix, "udp", 53, 53, DNS_OUT, "design") for zone in ZONES if zone != "data"
        ]
    return tuple(dict.fromkeys(entries))
