"""Volumes and instance boot disks on a volume type known to encrypt at rest."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .. import catalogue
from ..config_fields import string_list
from ..framework import Context, Meta, resource_policy
from ..provider_identity import resolve_provider
from ..values import get_int, get_list, get_str

VOLUME = "openstack:blockstorage/volume:Volume"
INSTANCE = "openstack:compute/instance:Instance"


def _known_volume_types(ctx: Context) -> tuple[set[str], str]:
    """Encrypted volume types for this resource's offer (or every offer), plus the approved ones."""
    approved = {str(t) for t in ctx.config.get("approvedVolumeTypes") or ()}
    provider = ctx.args.provider
    cat = catalogue.load()
    res = resolve_provider(provider, ctx.settings) if provider is not None else None
    if res is not None and res.offer is not None:
        return set(res.offer.encrypted_volume_types) | approved, f"offer {res.offer.key}"
    every = {t for o in cat.offers.values() for t in o.encrypted_volume_types}
    return every | approved, "catalogue"


def _volume_types(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    known, source = _known_volume_types(ctx)
    listed = f"known encrypted types ({source} and approvedVolumeTypes): {', '.join(sorted(known)) or 'none'}"
    if rtype == VOLUME:
        vtype = get_str(ctx.args.props, "volumeType")
        if not vtype:
            yield f"no volumeType: the cloud's default type may not encrypt at rest; {listed}"
        elif vtype not in known:
            yield f"volumeType {vtype!r} is not known to encrypt at rest; {listed}"
        return
    devices = get_list(ctx.args.props, "blockDevices")
    boots_from_volume = False
    for index, device in enumerate(devices):
        destination = (get_str(device, "destinationType") or "").lower()
        source_type = (get_str(device, "sourceType") or "").lower()
        if destination != "volume":
            continue
        if get_int(device, "bootIndex") == 0:
            boots_from_volume = True
        if source_type == "volume":
            continue  # an existing volume: its own Volume resource is checked
        vtype = get_str(device, "volumeType")
        if not vtype:
            yield f"blockDevices[{index}] has no volumeType; {listed}"
        elif vtype not in known:
            yield f"blockDevices[{index}].volumeType {vtype!r} is not known to encrypt at rest; {listed}"
    if not boots_from_volume and not ctx.config.get("allowEphemeralRootDisk", False):
        yield (
            "the instance boots on the hypervisor's local disk, which is not encrypted by "
            "Cinder; boot from a "
            "volume of an encrypted type (blockDevices with destinationType volume and bootIndex 0)"
        )


VOLUME_TYPES = resource_policy(
    Meta(
        name="encryption-volume-require-encrypted-type",
        description=(
            "Volumes and boot disks use a volume type known to encrypt at rest (catalogue or approved)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Create volumes with components/volumes.py (EncryptedVolume) or set volumeType "
            "to one of the offer's "
            "LUKS types; declare per-customer type names in approvedVolumeTypes of this policy's config."
        ),
        references=("snc-10.1.a", "hds-exi-28"),
        config={
            "approvedVolumeTypes": string_list(
                [], "Volume types of the tenancy known to encrypt (per-customer names)", minLength=1
            ),
            "allowEphemeralRootDisk": {
                "type": "boolean",
                "default": False,
                "description": "Accept instances booting on the hypervisor's local disk",
            },
        },
        types=(VOLUME, INSTANCE),
    ),
    _volume_types,
)
