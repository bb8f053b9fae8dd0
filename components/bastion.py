"""Bastion: the only administration path into the landing zone (ANSSI PA-022 R15, R68).

An ephemeral jump host in the admin zone: it holds no data, boots from an encrypted volume that
dies with it, accepts SSH keys only (never a password: no admin_pass, DAT-NT-007 R17), lets
administrators jump (`ssh -J`) to the hosts listed in `bastion.permitOpen` and forwards nothing
else (R27/R28), and is the only instance the design gives a public address. Its sshd configuration
is rendered by `bastion_sshd.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from .bastion_sshd import JumpTarget, SecondFactor, bastion_user_data
from .host_parts import admin_keypair, encrypted_boot_volume, zone_port
from .log_shipping import LogShipping, with_log_shipping


@dataclass(frozen=True)
class BastionArgs:
    """What the bastion is made of; every field comes from a validated StackConfig."""

    network_id: pulumi.Input[str]
    """The admin zone's network."""
    subnet_id: pulumi.Input[str]
    """The admin zone's subnet."""
    security_group_id: pulumi.Input[str]
    """The admin zone's security group (SSH from adminCidrs only)."""
    flavor: str
    """The compute flavor name."""
    image_id: str
    """The boot image."""
    ssh_public_keys: tuple[str, ...]
    """Administrators' OpenSSH public keys (checked by components/ssh_keys.py)."""
    volume_type: str
    """An encrypted volume type for the boot volume."""
    floating_ip_pool: str
    """The external network that gives the bastion its public address."""
    volume_size: int = 20
    """Boot volume size in GiB."""
    jump_targets: tuple[JumpTarget, ...] = ()
    """Hosts of the zones administrators may reach through the bastion; none: no forwarding."""
    second_factor: SecondFactor = "none"
    """'totp': a one-time code after the key (ANSSI PA-022 R36)."""
    log_shipping: LogShipping | None = None
    """Where it ships its system and authentication logs (the supervision zone's collector)."""


class Bastion(pulumi.ComponentResource):
    """A hardened SSH jump host with a floating IP, in the admin zone."""

    instance_id: pulumi.Output[str]
    public_address: pulumi.Output[str]
    private_address: pulumi.Output[str]

    def __init__(self, name: str, args: BastionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovereign:bastion:Bastion", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        keypair = admin_keypair(f"{name}-keypair", args.ssh_public_keys[0], child)
        port = zone_port(f"{name}-port", args.network_id, args.subnet_id, args.security_group_id, child)
        user_data = bastion_user_data(args.jump_targets, args.second_factor, args.ssh_public_keys[1:])
        if args.log_shipping is not None:
            user_data = with_log_shipping(user_data, args.log_shipping)
        instance = openstack.compute.Instance(
            f"{name}-vm",
            flavor_name=args.flavor,
            key_pair=keypair.name,
            networks=[openstack.compute.InstanceNetworkArgs(port=port.id)],
            # Ephemeral by design (PA-022 R68): the jump host keeps no data.
            block_devices=encrypted_boot_volume(args.image_id, args.volume_size, args.volume_type),
            user_data=user_data,
            metadata={"role": "bastion"},
            tags=["role:bastion"],
            opts=child,
        )
        floating_ip = openstack.networking.FloatingIp(
            f"{name}-fip",
            pool=args.floating_ip_pool,
            description="Bastion: the only administration entry point",
            opts=child,
        )
        openstack.networking.FloatingIpAssociate(
            f"{name}-fip-assoc", floating_ip=floating_ip.address, port_id=port.id, opts=child
        )
        self.instance_id = instance.id
        self.public_address = floating_ip.address
        self.private_address = instance.access_ip_v4
        self.register_outputs(
            {
                "instance_id": self.instance_id,
                "public_address": self.public_address,
                "private_address": self.private_address,
            }
        )
