"""The synthetic landing zone of the benchmarks, written twice: as a Pulumi Python project and as
the equivalent Terraform HCL (terraform-provider-openstack resource types).

Every tenant is the same 15 OpenStack resources: a network, a subnet, a router and its interface,
a security group with four ingress rules, a port, an instance on it, a volume, a key pair, a
Barbican secret and a Swift container. The Pulumi side adds, as the engine does, the root stack
and one default provider: 15 * tenants + 2 registrations.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES_PER_TENANT = 15
SECURITY_RULES = ((443, "0.0.0.0/0"), (22, "203.0.113.0/24"), (5432, "10.0.0.0/8"), (8443, "10.0.0.0/8"))
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench b@example"

PROGRAM = f'''"""Synthetic tenants: a network, its security, a server, storage and a secret each."""

import pulumi
import pulumi_openstack as openstack

config = pulumi.Config()
for t in range(config.require_int("tenants")):
    n = f"t{{t:03d}}"
    net = openstack.networking.Network(f"{{n}}-net", admin_state_up=True, tags=[f"tenant:{{n}}"])
    subnet = openstack.networking.Subnet(
        f"{{n}}-subnet", network_id=net.id, cidr=f"10.{{t // 250}}.{{t % 250}}.0/24", ip_version=4
    )
    router = openstack.networking.Router(f"{{n}}-router", external_network_id="ext-net")
    openstack.networking.RouterInterface(f"{{n}}-if", router_id=router.id, subnet_id=subnet.id)
    sg = openstack.networking.SecGroup(f"{{n}}-sg", description=f"tenant {{n}}", delete_default_rules=True)
    rules = {SECURITY_RULES!r}
    for port, source in rules:
        openstack.networking.SecGroupRule(
            f"{{n}}-in-{{port}}",
            direction="ingress",
            ethertype="IPv4",
            protocol="tcp",
            port_range_min=port,
            port_range_max=port,
            remote_ip_prefix=source,
            security_group_id=sg.id,
        )
    port_ = openstack.networking.Port(f"{{n}}-port", network_id=net.id, security_group_ids=[sg.id])
    openstack.compute.Instance(
        f"{{n}}-vm", flavor_name="b3-8", image_name="debian-12", networks=[{{"port": port_.id}}]
    )
    openstack.blockstorage.Volume(f"{{n}}-data", size=100, volume_type="encrypted")
    openstack.compute.Keypair(f"{{n}}-key", public_key="{PUBLIC_KEY}")
    openstack.keymanager.SecretV1(
        f"{{n}}-secret", payload=pulumi.Output.secret(f"s3cr3t-{{n}}"), payload_content_type="text/plain"
    )
    openstack.objectstorage.Container(f"{{n}}-bucket", versioning=True)
'''


def write_pulumi_project(root: Path, tenants: int) -> None:
    """A Pulumi project with one stack, `bench`, holding the tenant count."""
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: bench\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "stacks" / "Pulumi.bench.yaml").write_text(
        f"config:\n  openstack:region: GRA11\n  bench:tenants: {tenants}\n"
    )


_PROVIDER = """terraform {
  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "~> 3.0"
    }
  }
}

provider "openstack" {
  region = "GRA11"
}

variable "secret_payloads" {
  type      = map(string)
  sensitive = true
}
"""


def _tenant_hcl(t: int) -> str:
    """One tenant's 15 resources, as the Pulumi program above declares them."""
    n = f"t{t:03d}"
    rules = "".join(
        f'''
resource "openstack_networking_secgroup_rule_v2" "{n}_in_{port}" {{
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = {port}
  port_range_max    = {port}
  remote_ip_prefix  = "{source}"
  security_group_id = openstack_networking_secgroup_v2.{n}_sg.id
}}
'''
        for port, source in SECURITY_RULES
    )
    return f'''resource "openstack_networking_network_v2" "{n}_net" {{
  name           = "{n}-net"
  admin_state_up = true
  tags           = ["tenant:{n}"]
}}

resource "openstack_networking_subnet_v2" "{n}_subnet" {{
  name       = "{n}-subnet"
  network_id = openstack_networking_network_v2.{n}_net.id
  cidr       = "10.{t // 250}.{t % 250}.0/24"
  ip_version = 4
}}

resource "openstack_networking_router_v2" "{n}_router" {{
  name                = "{n}-router"
  external_network_id = "ext-net"
}}

resource "openstack_networking_router_interface_v2" "{n}_if" {{
  router_id = openstack_networking_router_v2.{n}_router.id
  subnet_id = openstack_networking_subnet_v2.{n}_subnet.id
}}

resource "openstack_networking_secgroup_v2" "{n}_sg" {{
  name                 = "{n}-sg"
  description          = "tenant {n}"
  delete_default_rules = true
}}
{rules}
resource "openstack_networking_port_v2" "{n}_port" {{
  name               = "{n}-port"
  network_id         = openstack_networking_network_v2.{n}_net.id
  security_group_ids = [openstack_networking_secgroup_v2.{n}_sg.id]
}}

resource "openstack_compute_instance_v2" "{n}_vm" {{
  name        = "{n}-vm"
  flavor_name = "b3-8"
  image_name  = "debian-12"
  network {{
    port = openstack_networking_port_v2.{n}_port.id
  }}
}}

resource "openstack_blockstorage_volume_v3" "{n}_data" {{
  name        = "{n}-data"
  size        = 100
  volume_type = "encrypted"
}}

resource "openstack_compute_keypair_v2" "{n}_key" {{
  name       = "{n}-key"
  public_key = "{PUBLIC_KEY}"
}}

resource "openstack_keymanager_secret_v1" "{n}_secret" {{
  name                 = "{n}-secret"
  payload              = var.secret_payloads["{n}"]
  payload_content_type = "text/plain"
}}

resource "openstack_objectstorage_container_v1" "{n}_bucket" {{
  name       = "{n}-bucket"
  versioning = true
}}
'''


def write_terraform(root: Path, tenants: int) -> None:
    """One Terraform root module: the provider, then one file per tenant."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(_PROVIDER)
    for t in range(tenants):
        (root / f"tenant_t{t:03d}.tf").write_text(_tenant_hcl(t))
