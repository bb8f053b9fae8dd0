"""The parts every host of the landing zone is built from, so the bastion and the cluster nodes
cannot drift apart: the administrators' key pair, a port in a zone, an encrypted boot volume."""

from __future__ import annotations

from typing import overload

import pulumi
import pulumi_openstack as openstack


@overload
def admin_keypair(
    resource_name: str, public_key: str, opts: pulumi.ResourceOptions
) -> openstack.compute.Keypair: ...
@overload
def admin_keypair(
    resource_name: str, public_key: str | None, opts: pulumi.ResourceOptions
) -> openstack.compute.Keypair | None: ...
def admin_keypair(
    resource_name: str, public_key: str | None, opts: pulumi.ResourceOptions
) -> openstack.compute.Keypair | None:
    """The administrators' key pair, or None without a key.

    A public key is always given, so OpenStack never generates a private key into the state.
    """
    if not public_key:
        return None
    return openstack.compute.Keypair(resource_name, public_key=public_key.strip(), opts=opts)


def zone_port(
    resource_name: str,
    network_id: pulumi.Input[str],
    subnet_id: pulumi.Input[str],
    security_group_id: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> openstack.networking.Port:
    """A port in one zone that carries only that zone's security group (port security on)."""
    return openstack.networking.Port(
        resource_name,
        network_id=network_id,
        fixed_ips=[openstack.networking.PortFixedIpArgs(subnet_id=subnet_id)],
        security_group_ids=[security_group_id],
        port_security_enabled=True,
        opts=opts,
    )


def encrypted_boot_volume(
    image_id: str, volume_size: int, volume_type: str
) -> list[openstack.compute.InstanceBlockDeviceArgs]:
    """Boot from a volume of the stack's encrypted type, never from the hypervisor's local disk.

    The volume dies with the instance: a host keeps its data on separate volumes, if any
    (the bastion keeps none, ANSSI PA-022 R68).
    """
    return [
        openstack.compute.InstanceBlockDeviceArgs(
            source_type="image",
            uuid=image_id,
            destination_type="volume",
            volume_size=volume_size,
            volume_type=volume_type,
            boot_index=0,
            delete_on_termination=True,
        )
    ]
