"""EncryptedVolume: a Cinder volume whose type is known to encrypt at rest.

The safe choice is the default: without a requested type, the first encrypted type of the offer
(catalogue `encrypted_volume_types`) or of the stack (`encryptedVolumeTypes`, for offers whose
type names are per customer) is used; a requested type that is not known as encrypted is refused.

What it does not do: a Cinder encrypted volume type is encrypted by the provider with keys the
provider manages (SecNumCloud 3.2 10.1: at least one key per customer). It protects against
lost disks, not against the provider. Data that needs customer-held custody on a volume needs
encryption inside the guest as well, with a `volumes` key of CustomerHeldKeys (docs/key-custody.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from .catalogue import OfferProfile
from .errors import ConfigError

VOLUME_TYPE_KEY = "sovereign-landing-zone:volumeType"
DECLARED_TYPES_KEY = "sovereign-landing-zone:encryptedVolumeTypes"


def known_encrypted_volume_types(offer: OfferProfile | None, declared: Iterable[str] = ()) -> tuple[str, ...]:
    """The offer's encrypted volume types first, then the ones the stack declares; no duplicates."""
    names = [*(offer.encrypted_volume_types if offer else ()), *declared]
    return tuple(dict.fromkeys(names))


def select_encrypted_volume_type(
    known: Sequence[str], requested: str | None = None, *, key: str = VOLUME_TYPE_KEY
) -> str:
    """The requested type if it is known as encrypted, else the first known encrypted type.

    `key` is the config key the requested type came from, named in the error.
    """
    if not known:
        raise ConfigError(
            DECLARED_TYPES_KEY,
            None,
            "the encrypted (LUKS) volume type names of your tenancy: the catalogue lists none for "
            "this offer, and a volume is never created with an unencrypted or unknown type",
        )
    if requested is None:
        return known[0]
    if requested not in known:
        raise ConfigError(
            key,
            requested,
            f"a volume type known as encrypted: one of {list(known)} (from the catalogue, or declared "
            f"in {DECLARED_TYPES_KEY})",
        )
    return requested


@dataclass(frozen=True)
class EncryptedVolumeArgs:
    """One encrypted block-storage volume."""

    size_gb: int
    """Size in GiB, at least 1."""
    known_encrypted_types: tuple[str, ...]
    """Volume types known to encrypt at rest (known_encrypted_volume_types)."""
    volume_type: str | None = None
    """A type among known_encrypted_types; None picks the first, which is the safe default."""
    volume_type_key: str = VOLUME_TYPE_KEY
    """The config key volume_type came from, named in errors."""
    description: str = ""
    """Free text shown in the cloud console."""
    image_id: str | None = None
    """An image to create a boot volume from; None for an empty data volume."""
    availability_zone: str | None = None
    """The availability zone; None lets the cloud choose."""
    data_class: str | None = None
    """The data class of what the volume holds, recorded as metadata for review."""
    protect: bool = True
    """Protect the volume from deletion; False is the explicit opt-in."""


class EncryptedVolume(pulumi.ComponentResource):
    """A volume whose type encrypts at rest, chosen safely from the offer or the stack."""

    volume_id: pulumi.Output[str]
    volume_type: str

    def __init__(
        self, name: str, args: EncryptedVolumeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        volume_type = select_encrypted_volume_type(
            args.known_encrypted_types, args.volume_type, key=args.volume_type_key
        )
        if isinstance(args.size_gb, bool) or not isinstance(args.size_gb, int) or args.size_gb < 1:
            raise ValueError(f"size_gb must be an integer >= 1, got {args.size_gb!r}")
        super().__init__("sovereign:volumes:EncryptedVolume", name, None, opts)
        metadata = {"encrypted-volume-type": volume_type}
        if args.data_class:
            metadata["data-class"] = args.data_class
        volume = openstack.blockstorage.Volume(
            f"{name}-volume",
            name=name,
            size=args.size_gb,
            volume_type=volume_type,
            description=args.description or None,
            image_id=args.image_id,
            availability_zone=args.availability_zone,
            metadata=metadata,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.volume_id = volume.id
        self.volume_type = volume_type
        self.register_outputs({"volume_id": self.volume_id, "volume_type": self.volume_type})
