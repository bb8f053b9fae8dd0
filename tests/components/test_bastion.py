"""The bastion: key checks, and what it registers (no password, encrypted boot volume, hardened sshd)."""

from __future__ import annotations

import base64
import datetime as dt
import struct

import pytest

from components.errors import ConfigError
from components.ssh_keys import public_key_problem
from components.stack_config import parse_stack_config
from tests.support import record, stack_copy, wire


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _rsa_key(bits: int) -> str:
    modulus = (1 << (bits - 1)) | 1
    blob = (
        _ssh_string(b"ssh-rsa")
        + _ssh_string(b"\x01\x00\x01")
        + _ssh_string(b"\x00" + modulus.to_bytes(bits // 8, "big"))
    )
    return "ssh-rsa " + base64.b64encode(blob).decode() + " test"


def _typed_key(key_type: str, body: bytes = b"x" * 32) -> str:
    return f"{key_type} " + base64.b64encode(_ssh_string(key_type.encode()) + _ssh_string(body)).decode()


def _ecdsa_key(curve: str = "nistp256", point_bytes: int = 65) -> str:
    # An ECDSA key names its curve again and carries an uncompressed point (0x04, x, y).
    key_type = f"ecdsa-sha2-{curve}"
    blob = (
        _ssh_string(key_type.encode())
        + _ssh_string(curve.encode())
        + _ssh_string(b"\x04" + b"x" * (point_bytes - 1))
    )
    return f"{key_type} " + base64.b64encode(blob).decode()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (_typed_key("ssh-ed25519"), None),
        (_ecdsa_key(), None),
        (_rsa_key(3072), None),
        (_rsa_key(4096), None),
        (_rsa_key(2048), "at least 3072 bits (this one has 2048"),
        (_typed_key("ssh-dss"), "R7-R10"),
        ("ssh-ed25519 not-base64!!", "does not decode"),
        (_typed_key("ssh-ed25519").replace("ssh-ed25519 ", "ssh-rsa ", 1), "matches its declared type"),
        ("just-one-field", "'<type> <base64> [comment]'"),
    ],
    ids=[
        "ed25519",
        "ecdsa",
        "rsa-3072",
        "rsa-4096",
        "rsa-2048",
        "dsa",
        "bad-base64",
        "type-mismatch",
        "one-field",
    ],
)
def test_public_key_rules(line: str, problem: str | None) -> None:
    found = public_key_problem(line)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_a_weak_key_in_the_stack_is_a_config_error() -> None:
    cfg = stack_copy("dev")
    cfg["bastion"]["sshPublicKeys"].append(_rsa_key(2048))
    with pytest.raises(ConfigError, match=r"bastion\.sshPublicKeys\[1\].*3072 bits"):
        parse_stack_config(cfg, today=dt.date(2026, 11, 29))


def test_an_unencrypted_volume_type_is_a_config_error() -> None:
    cfg = stack_copy("dev")
    cfg["bastion"]["volumeType"] = "classic"
    with pytest.raises(ConfigError, match=r"bastion\.volumeType.*'classic'.*classic-luks"):
        parse_stack_config(cfg, today=dt.date(2026, 11, 29))


def test_per_customer_offer_needs_declared_encrypted_types() -> None:
    cfg = stack_copy("prod")
    cfg.pop("encryptedVolumeTypes")
    with pytest.raises(ConfigError, match="sovereign-landing-zone:encryptedVolumeTypes"):
        parse_stack_config(cfg, today=dt.date(2026, 11, 29))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_bastion_registrations(stack: str) -> None:
    regs = record(stack_copy(stack), stack=stack)
    (vm,) = [r for r in regs if r.type == "openstack:compute/instance:Instance" and "bastion" in r.name]
    inputs = wire(vm)
    assert "adminPass" not in inputs
    assert inputs["metadata"] == {"role": "bastion"}
    (boot,) = inputs["blockDevices"]
    assert boot["volumeType"].endswith("luks") or boot["volumeType"].startswith("luks")
    assert boot["deleteOnTermination"] is True
    assert "PasswordAuthentication no" in inputs["userData"]
    # Issue 14: the shipped stacks jump to listed hosts only (test_bastion_sshd.py reads it with sshd -T).
    assert "AllowTcpForwarding local" in inputs["userData"]
    assert "PermitOpen " in inputs["userData"]
    (keypair,) = [wire(r) for r in regs if r.type == "openstack:compute/keypair:Keypair"]
    assert keypair["publicKey"].startswith("ssh-ed25519 ")
    (port,) = [
        r for r in regs if r.type == "openstack:networking/port:Port" and r.name.endswith("bastion-port")
    ]
    admin_sg = next(
        r for r in regs if r.type.endswith("secGroup:SecGroup") and "zone:admin" in wire(r)["tags"]
    )
    assert wire(port)["securityGroupIds"] == [admin_sg.id]
    (assoc,) = [
        wire(r) for r in regs if r.type == "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
    ]
    assert assoc["portId"] == port.id
