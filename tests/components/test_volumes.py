"""EncryptedVolume: the encrypted type is the default, and an unknown type is refused."""

from __future__ import annotations

from typing import Any

import pytest

from components.catalogue import load_catalogue
from components.errors import ConfigError
from components.volumes import (
    EncryptedVolume,
    EncryptedVolumeArgs,
    known_encrypted_volume_types,
    select_encrypted_volume_type,
)
from tests.support import WireMonitor, run_component

VOLUME = "openstack:blockstorage/volume:Volume"
OVH_TYPES = ("classic-luks", "high-speed-luks", "high-speed-gen2-luks")


def volumes(monitor: WireMonitor) -> list[dict[str, Any]]:
    return [r for r in monitor.registrations if r["type"] == VOLUME]


def test_known_types_come_from_the_catalogue_then_the_stack() -> None:
    catalogue = load_catalogue()
    assert known_encrypted_volume_types(catalogue.offer("ovh-public-cloud")) == OVH_TYPES
    assert known_encrypted_volume_types(catalogue.offer("ovh-snc")) == ()
    assert known_encrypted_volume_types(catalogue.offer("ovh-snc"), ["snc-luks"]) == ("snc-luks",)
    assert known_encrypted_volume_types(catalogue.offer("ovh-public-cloud"), ["classic-luks", "x-luks"]) == (
        *OVH_TYPES,
        "x-luks",
    )
    assert known_encrypted_volume_types(None, ["a-luks"]) == ("a-luks",)


def test_the_default_is_the_first_encrypted_type() -> None:
    assert select_encrypted_volume_type(OVH_TYPES) == "classic-luks"
    assert select_encrypted_volume_type(OVH_TYPES, "high-speed-luks") == "high-speed-luks"


@pytest.mark.parametrize(
    ("known", "requested", "key", "allowed"),
    [
        (OVH_TYPES, "classic", "sovereign-landing-zone:volumeType", "known as encrypted"),
        (OVH_TYPES, "high-speed", "sovereign-landing-zone:volumeType", "classic-luks"),
        ((), None, "sovereign-landing-zone:encryptedVolumeTypes", "encrypted (LUKS) volume type names"),
        ((), "classic-luks", "sovereign-landing-zone:encryptedVolumeTypes", "never created"),
    ],
)
def test_unknown_or_missing_types_are_refused(
    known: tuple[str, ...], requested: str | None, key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as info:
        select_encrypted_volume_type(known, requested)
    assert info.value.key == key
    assert allowed in info.value.allowed
    if requested and known:
        assert repr(requested) in str(info.value)


def test_the_error_names_the_callers_config_key() -> None:
    with pytest.raises(ConfigError, match=r"sovereign-landing-zone:bastion\.volumeType"):
        select_encrypted_volume_type(OVH_TYPES, "classic", key="sovereign-landing-zone:bastion.volumeType")


def test_volume_uses_the_encrypted_type_and_is_protected() -> None:
    holder: dict[str, EncryptedVolume] = {}

    def program() -> None:
        holder["v"] = EncryptedVolume(
            "bastion-root",
            EncryptedVolumeArgs(size_gb=20, known_encrypted_types=OVH_TYPES, data_class="health"),
        )

    monitor = run_component(program)
    (volume,) = volumes(monitor)
    assert volume["name"] == "bastion-root-volume"
    assert volume["object"]["volumeType"] == "classic-luks"
    assert volume["object"]["size"] == 20.0
    assert volume["object"]["metadata"] == {"encrypted-volume-type": "classic-luks", "data-class": "health"}
    assert volume["protect"] is True
    assert volume["parent"].endswith("sovereign:volumes:EncryptedVolume::bastion-root")
    assert holder["v"].volume_type == "classic-luks"


def test_protect_opt_out() -> None:
    def program() -> None:
        EncryptedVolume(
            "scratch", EncryptedVolumeArgs(size_gb=1, known_encrypted_types=OVH_TYPES, protect=False)
        )

    (volume,) = volumes(run_component(program))
    assert volume.get("protect", False) is False


def test_a_refused_type_registers_nothing() -> None:
    def program() -> None:
        EncryptedVolume(
            "data", EncryptedVolumeArgs(size_gb=10, known_encrypted_types=OVH_TYPES, volume_type="classic")
        )

    monitor = WireMonitor()
    with pytest.raises(ConfigError):
        run_component(program, monitor)
    assert [r["type"] for r in monitor.registrations] in ([], ["pulumi:pulumi:Stack"])


@pytest.mark.parametrize("size", [0, -5, True, 2.5])
def test_bad_size(size: Any) -> None:
    def program() -> None:
        EncryptedVolume("data", EncryptedVolumeArgs(size_gb=size, known_encrypted_types=OVH_TYPES))

    with pytest.raises(ValueError, match="size_gb"):
        run_component(program)
