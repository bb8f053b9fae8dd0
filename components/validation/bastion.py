"""The bastion: its boot volume, its administrators' keys, and the hosts one may jump to."""

from __future__ import annotations

import ipaddress

from ..bastion_sshd import JumpTarget
from ..catalogue import OfferProfile
from ..config import StackConfig, Zone, key
from ..errors import ConfigError
from ..flow_matrix import SSH
from ..ssh_keys import public_key_problem
from ..volumes import known_encrypted_volume_types, select_encrypted_volume_type
from .flows import port_range

# The zones the bastion guards: the admin zone is where it stands, not where it jumps.
JUMP_ZONES: tuple[Zone, ...] = ("dmz", "app", "data", "supervision", "cluster")
# The Kubernetes API: the design opens it from the admin zone whenever the stack has a cluster.
KUBE_API_PORT = 6443


def bastion_volume_type(cfg: StackConfig, offer: OfferProfile) -> str:
    requested = cfg.bastion.volume_type if cfg.bastion else None
    known = known_encrypted_volume_types(offer, cfg.encrypted_volume_types)
    return select_encrypted_volume_type(known, requested, key=key("bastion.volumeType"))


def check_bastion(cfg: StackConfig, offer: OfferProfile) -> None:
    bastion = cfg.bastion
    if bastion is None:
        return
    bastion_volume_type(cfg, offer)
    for i, line in enumerate(bastion.ssh_public_keys):
        problem = public_key_problem(line)
        if problem:
            shown = line if len(line) < 60 else line[:40] + "..."
            raise ConfigError(key(f"bastion.sshPublicKeys[{i}]"), shown, problem)
    jump_targets(cfg)


def jump_targets(cfg: StackConfig) -> tuple[JumpTarget, ...]:
    """`bastion.permitOpen`, each a host of a guarded zone on a port the flow matrix lets through."""
    if cfg.bastion is None:
        return ()
    targets = []
    for i, text in enumerate(cfg.bastion.permit_open):
        at = key(f"bastion.permitOpen[{i}]")
        target = _parse(at, text)
        guarded = [z for z in JUMP_ZONES if z in cfg.network.zones]
        zone = next((z for z in guarded if target.address in cfg.network.zones[z]), None)
        if zone is None:
            zones = ", ".join(f"{z} {cfg.network.zones[z]}" for z in guarded)
            raise ConfigError(at, text, f"an address inside a zone the bastion guards ({zones})")
        if target.port != SSH and not _admin_flow_allows(cfg, zone, target.port):
            raise ConfigError(
                at,
                text,
                f"port 22, or a port that a flow from admin to {zone} allows "
                f"(add it to flows with its justification)",
            )
        targets.append(target)
    return tuple(targets)


def _parse(at: str, text: str) -> JumpTarget:
    allowed = "'address:port', an IPv4 address of a zone and a port 1-65535 (no wildcard, no name)"
    host, sep, port = text.rpartition(":")
    try:
        address = ipaddress.IPv4Address(host)
        number = int(port)
    except ValueError:
        raise ConfigError(at, text, allowed) from None
    if not sep or not 1 <= number <= 65535:
        raise ConfigError(at, text, allowed)
    return JumpTarget(address, number)


def _admin_flow_allows(cfg: StackConfig, zone: str, port: int) -> bool:
    if zone == "cluster" and port == KUBE_API_PORT and cfg.kubernetes is not None:
        return True
    for flow in cfg.flows:
        if flow.source != "admin" or flow.to != zone or flow.protocol not in ("tcp", "any"):
            continue
        if flow.protocol == "any" or flow.ports == "all":
            return True
        bounds = port_range(flow.ports)
        if bounds and bounds[0] <= port <= bounds[1]:
            return True
    return False
