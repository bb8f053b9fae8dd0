"""LogCollector: the supervision zone's central log server, and the flows that feed it.

The collector has a fixed address (the first of the supervision zone's pool, reserved by its own
port before any other instance exists), so every sender's configuration is rendered before
anything is created. The flows are design flows of the matrix, each with its justification:
every other zone sends syslog over TLS to the collector, and the collector alone writes to the
offer's S3 endpoint over https.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from .config import ZONES, IpNetwork, Zone
from .flow_matrix import MatrixEntry
from .log_shipping import LogShipping, collector_user_data
from .network import zone_addressing
from .supervision_config import SYSLOG_TLS_PORT, SupervisionConfig

SUPERVISION: Zone = "supervision"
LOGS_IN = (
    "System and authentication logs shipped over TLS to the central collector "
    "(SecNumCloud 3.2 12.7.c; supervision flows apart, 13.2.a)"
)
LOGS_OUT = (
    "The collector uploads logs to the COMPLIANCE-locked logs bucket on the offer's S3 endpoint over "
    "https (SecNumCloud 3.2 12.6.c); its addresses are the provider's, so the flow is bounded by port"
)


def collector_address(zones: Mapping[Zone, IpNetwork]) -> str:
    cidr = zones[SUPERVISION]
    assert isinstance(cidr, ipaddress.IPv4Network)  # check_network accepts IPv4 zones only
    return zone_addressing(cidr).pool_start


def supervision_flows(zones: Iterable[str] = ZONES) -> tuple[MatrixEntry, ...]:
    """The design flows of the supervision zone: from every other zone of the stack, and out."""
    entries = [
        MatrixEntry(zone, SUPERVISION, "tcp", SYSLOG_TLS_PORT, SYSLOG_TLS_PORT, LOGS_IN, "design")
        for zone in zones
        if zone != SUPERVISION
    ]
    entries.append(MatrixEntry(SUPERVISION, "0.0.0.0/0", "tcp", 443, 443, LOGS_OUT, "design"))
    return tuple(entries)


def log_shipping(cfg: SupervisionConfig, zones: Mapping[Zone, IpNetwork]) -> LogShipping:
    return LogShipping(collector_address(zones), cfg.collector_name, cfg.ca_certificate)


@dataclass(frozen=True)
class LogCollectorArgs:
    """What the collector is made of; every field comes from a validated StackConfig."""

    network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    security_group_id: pulumi.Input[str]
    address: str
    """Its fixed address in the supervision zone."""
    flavor: str
    image_id: str
    volume_type: str
    """An encrypted volume type: the logs wait on it until they are uploaded."""
    bucket_name: pulumi.Input[str] | None
    """The logs bucket; None keeps the logs on the collector's volume (an offer without S3)."""
    endpoint_url: pulumi.Input[str] | None
    retention_days: int
    ca_certificate: str
    volume_size: int = 50
    ssh_public_keys: tuple[str, ...] = ()
    protect: bool = True
    """Protect the collector: logs wait on its disk until their day is uploaded."""
    """Administrators' keys, for installing the upload secrets through the bastion."""


class LogCollector(pulumi.ComponentResource):
    """An rsyslog TLS receiver that uploads closed days to the logs bucket."""

    instance_id: pulumi.Output[str]
    address: str

    def __init__(self, name: str, args: LogCollectorArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovereign:supervision:LogCollector", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        port = openstack.networking.Port(
            f"{name}-port",
            network_id=args.network_id,
            fixed_ips=[
                openstack.networking.PortFixedIpArgs(subnet_id=args.subnet_id, ip_address=args.address)
            ],
            security_group_ids=[args.security_group_id],
            port_security_enabled=True,
            opts=child,
        )
        user_data = pulumi.Output.all(args.bucket_name, args.endpoint_url).apply(
            lambda v: collector_user_data(
                str(v[0]) if v[0] else None,
                str(v[1]) if v[1] else None,
                args.retention_days,
                args.ca_certificate,
                args.ssh_public_keys,
            )
        )
        instance = openstack.compute.Instance(
            f"{name}-vm",
            flavor_name=args.flavor,
            networks=[openstack.compute.InstanceNetworkArgs(port=port.id)],
            block_devices=[
                openstack.compute.InstanceBlockDeviceArgs(
                    source_type="image",
                    uuid=args.image_id,
                    destination_type="volume",
                    volume_size=args.volume_size,
                    volume_type=args.volume_type,
                    boot_index=0,
                    delete_on_termination=True,
                )
            ],
            user_data=user_data,
            metadata={"role": "log-collector"},
            tags=["role:log-collector", "zone:supervision"],
            # Logs not yet uploaded live on its boot disk: never replaced for its user data (a CA or
            # retention change is applied on the running collector), protected from deletion.
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(ignore_changes=["user_data"], protect=args.protect)
            ),
        )
        self.instance_id = instance.id
        self.address = args.address
        self.register_outputs({"instance_id": self.instance_id, "address": self.address})
