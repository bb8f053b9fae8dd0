"""Encryption of volumes and boot disks, and the strength of Barbican keys."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import encryption

from .conftest import (
    PROD_PROVIDER,
    PROD_SETTINGS,
    UNKNOWN,
    provider,
    run,
    secret,
    use_settings,
)
from .openstack_fixtures import BASTION, BOOT, INSTANCE, KMS_KEY, SECRET, VOLUME, without

# --- encryption-volume-require-encrypted-type --------------------------------------------------


def test_volume_baseline_catalogue_and_approved() -> None:
    assert run(encryption.VOLUME_TYPES, VOLUME, {"size": 20, "volumeType": "high-speed-luks"}).ok
    use_settings(PROD_SETTINGS)
    prod = provider(PROD_PROVIDER)
    config = {"approvedVolumeTypes": ["luks-tenant"]}
    assert run(encryption.VOLUME_TYPES, VOLUME, {"volumeType": "luks-tenant"}, prov=prod, config=config).ok
    assert run(encryption.VOLUME_TYPES, INSTANCE, BASTION).ok


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"size": 20}, "no volumeType"),
        ({"size": 20, "volumeType": "classic"}, "not known to encrypt"),
    ],
)
def test_volume_violations(props: dict[str, Any], expected: str) -> None:
    assert expected in run(encryption.VOLUME_TYPES, VOLUME, props).text()


def test_volume_types_follow_the_offer() -> None:
    # classic-luks is a Public Cloud type: not known on the SNC tenancy behind the prod provider.
    use_settings(PROD_SETTINGS)
    result = run(
        encryption.VOLUME_TYPES, VOLUME, {"volumeType": "classic-luks"}, prov=provider(PROD_PROVIDER)
    )
    assert "offer ovh-snc" in result.text()


@pytest.mark.parametrize(
    ("devices", "expected"),
    [
        ([{**BOOT, "volumeType": "classic"}], "blockDevices[0].volumeType"),
        ([without(BOOT, "volumeType")], "blockDevices[0] has no volumeType"),
        ([], "local disk"),
    ],
)
def test_instance_volume_violations(devices: list[Any], expected: str) -> None:
    assert expected in run(encryption.VOLUME_TYPES, INSTANCE, {**BASTION, "blockDevices": devices}).text()


def test_volume_not_applicable_to_other_types() -> None:
    assert run(encryption.VOLUME_TYPES, SECRET, {"volumeType": "plain"}).is_not_applicable


# --- encryption-secret-require-strong-algorithm ------------------------------------------------


def test_algorithm_baseline() -> None:
    assert run(encryption.ALGORITHM, SECRET, KMS_KEY).ok
    rsa = {**KMS_KEY, "secretType": "private", "algorithm": "rsa", "bitLength": 4096}
    assert run(encryption.ALGORITHM, SECRET, rsa).ok


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"bitLength": 128}, "128 bits; at least 256"),
        ({"algorithm": "3des"}, "not one of ['aes']"),
        ({"bitLength": None}, "no bitLength"),
        ({"mode": "ecb"}, "ecb"),
        ({"secretType": "private", "algorithm": "rsa", "bitLength": 2048}, "at least 3072"),
        ({"secretType": "public", "algorithm": "ec", "bitLength": 224}, "at least 256"),
        ({"secretType": "private", "algorithm": "dsa", "bitLength": 3072}, "DSA"),
    ],
)
def test_algorithm_violations(changes: dict[str, Any], expected: str) -> None:
    props = {k: v for k, v in {**KMS_KEY, **changes}.items() if v is not None}
    assert expected in run(encryption.ALGORITHM, SECRET, props).text()


def test_algorithm_not_applicable_to_passphrases() -> None:
    props = {"secretType": "passphrase", "payload": secret("x"), "payloadContentType": "text/plain"}
    assert run(encryption.ALGORITHM, SECRET, props).is_not_applicable


def test_algorithm_unknown_bit_length_is_a_preview_gap() -> None:
    assert run(encryption.ALGORITHM, SECRET, {**KMS_KEY, "bitLength": UNKNOWN}).unknown
