"""Backups and data volumes: what both stacks build, and the bad input refused before any of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.stack_config import parse_stack_config
from tests.components.test_config import TODAY, _set, assert_refused
from tests.support import record, stack_copy, wire

BUCKET = "pulumi-python:dynamic/object_storage:EncryptedBucket"
VOLUME = "openstack:blockstorage/volume:Volume"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_backups_go_to_another_region_locked_and_customer_held(stack: str) -> None:
    cfg = parse_stack_config(stack_copy(stack), today=TODAY)
    assert cfg.backups is not None and cfg.backups.region != cfg.region
    regs = record(stack_copy(stack), stack=stack)
    (backup,) = [wire(r) for r in regs if r.type == BUCKET and wire(r)["purpose"] == "backup"]
    assert backup["region"] == cfg.backups.region.lower()
    assert backup["custody"] == "customer-held" and backup["encryption"] == "SSE-C"
    assert backup["objectLock"] == {"mode": "COMPLIANCE", "days": float(cfg.backups.retention_days)}
    assert cfg.backups.region.lower() in backup["endpointUrl"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_data_volumes_are_encrypted_and_protected(stack: str) -> None:
    cfg = parse_stack_config(stack_copy(stack), today=TODAY)
    assert cfg.data_volumes
    regs = record(stack_copy(stack), stack=stack)
    # The data zone's volumes, not the Kubernetes workers' own data disks (test_kubernetes_cluster).
    volumes = [r for r in regs if r.type == VOLUME and "$sovereign:kubernetes:" not in r.urn]
    assert {r.name for r in volumes} == {f"{cfg.name_prefix}-{v.name}-volume" for v in cfg.data_volumes}
    for reg in volumes:
        props = wire(reg)
        assert props["volumeType"] in cfg.encrypted_volume_types or props["volumeType"].startswith(
            ("luks", "classic-luks", "high-speed-luks")
        ), props["volumeType"]
        assert props["metadata"]["encrypted-volume-type"] == props["volumeType"]
        assert reg.options["protect"] is True


def _private_cloud(backups: dict[str, str]) -> Callable[[dict[str, Any]], None]:
    """The dev stack moved to a private cloud (per-customer regions and S3), with these backups."""

    def mutate(cfg: dict[str, Any]) -> None:
        cfg.update(
            offer="private-openstack",
            region="RegionOne",
            regionCountry="FR",
            endpoints={"keystone": "https://keystone.internal.example/v3"},
            encryptedVolumeTypes=["luks"],
            backups=backups,
        )

    return mutate


def _drop_backup_key(cfg: dict[str, Any]) -> None:
    cfg["keys"] = [k for k in cfg["keys"] if k["name"] != "backups"]


BAD = [
    ("other-country", "dev", _set("backups.region", "DE1"), ":backups.region", "'DE1'", "another region"),
    ("outside-eu", "dev", _set("backups.region", "BHS5"), ":backups.region", "'BHS5'", "SBG5"),
    ("same-region", "dev", _set("backups.region", "GRA11"), ":backups.region", "'GRA11'", "another region"),
    (
        "unknown-region",
        "prod",
        _set("backups.region", "eu-west-par"),
        ":backups.region",
        "eu-west-par",
        "eu-west-sbg-snc",
    ),
    (
        "other-offer",
        "prod",
        _set("backups.offer", "ovh-public-cloud"),
        ":backups.offer",
        "ovh-public-cloud",
        "ovh-snc",
    ),
    ("no-backup-key", "dev", _drop_backup_key, ":backups.key", "'backups'", "customer-held"),
    (
        "private-other-country",
        "dev",
        _private_cloud({"region": "RegionTwo", "regionCountry": "DE"}),
        ":backups.regionCountry",
        "'DE'",
        "'FR'",
    ),
    (
        "private-without-backup-s3-endpoint",
        "dev",
        _private_cloud({"region": "RegionTwo", "regionCountry": "FR"}),
        ":backups.s3Endpoint",
        "None",
        "the https S3 endpoint of backup region 'RegionTwo'",
    ),
    ("short-retention", "dev", _set("backups.retentionDays", 1), ":backups.retentionDays", "1", "7"),
    (
        "unencrypted-volume-type",
        "dev",
        _set("dataVolumes", [{"name": "pg", "size": 10, "volumeType": "classic"}]),
        ":dataVolumes[0].volumeType",
        "'classic'",
        "known as encrypted",
    ),
]


@pytest.mark.parametrize(
    ("stack", "mutate", "key", "value", "allowed"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_bad_backup_and_volume_input_is_refused_naming_the_key(
    stack: str, mutate: Any, key: str, value: str, allowed: str
) -> None:
    cfg = stack_copy(stack)
    mutate(cfg)
    # volume types are checked while planning, still before any resource: through the program
    if key.startswith(":dataVolumes"):
        from components.errors import ConfigError
        from components.landing_zone import plan_landing_zone

        with pytest.raises(ConfigError) as caught:
            plan_landing_zone(parse_stack_config(cfg, today=TODAY))
        message = str(caught.value)
        assert key in message and value in message and allowed in message and "\n" not in message
        return
    assert_refused(stack, mutate, key, value, allowed)
