"""LandingZone wiring: keys, buckets and their custody, and the plan that runs before anything exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pulumi
import pytest

from components.errors import ConfigError
from components.landing_zone import plan_landing_zone
from components.stack_config import parse_stack_config
from preflight.recorder import RecordingMocks, RecordingMonitor, run_program
from preflight.wire import SECRET_SIG_KEY, is_secret
from tests.support import PROJECT, REPO, STACKS, as_cli_config, record, stack_copy, wire

TODAY = dt.date(2026, 11, 29)
BUCKET = "pulumi-python:dynamic/object_storage:EncryptedBucket"


def _plan(cfg: dict[str, Any]) -> None:
    plan_landing_zone(parse_stack_config(cfg, today=TODAY))


@pytest.mark.parametrize("stack", STACKS)
def test_buckets_take_custody_from_their_key(stack: str) -> None:
    cfg = stack_copy(stack)
    regs = record(cfg, stack=stack)
    buckets = {r.name: wire(r) for r in regs if r.type == BUCKET}
    # the declared buckets, and the backup bucket of `backups` (tests/components/test_backups.py)
    assert len(buckets) == len(cfg["buckets"]) + (1 if "backups" in cfg else 0)
    for declared in cfg["buckets"]:
        inputs = buckets[f"slz-{declared['name']}-bucket"]
        assert inputs["custody"] == "customer-held"
        assert inputs["encryption"] == "SSE-C"
        assert inputs["versioning"] is True
        assert inputs["blockPublicAccess"] is True
        assert inputs["denyInsecureTransport"] is True
        assert inputs["forceDestroy"] is False
        if declared["purpose"] == "logs":
            assert inputs["objectLock"]["mode"] == "COMPLIANCE"
            assert inputs["objectLock"]["days"] >= 180
        for secret in ("accessKeyId", "secretAccessKey"):
            assert is_secret(inputs[secret])


@pytest.mark.parametrize("stack", STACKS)
def test_stateful_resources_are_protected(stack: str) -> None:
    regs = record(stack_copy(stack), stack=stack)
    stateful = [
        r
        for r in regs
        if r.type in (BUCKET, "random:index/randomBytes:RandomBytes")
        or r.type.startswith("openstack:keymanager/")
    ]
    assert stateful
    unprotected = [r.name for r in stateful if not r.options.get("protect", False)]
    assert not unprotected, unprotected


def test_protect_false_is_the_explicit_opt_in() -> None:
    cfg = stack_copy("dev") | {"protect": False}
    regs = record(cfg)
    assert not any(r.options.get("protect", False) for r in regs if r.type == BUCKET)


def test_key_custody_table_never_holds_material() -> None:
    regs = record(stack_copy("prod"), stack="prod")
    (landing,) = [r for r in regs if r.type == "sovereign:landing:LandingZone"]
    table = landing.outputs["key_custody"]
    assert {row["key"] for row in table} == {
        "health-objects",
        "audit-logs",
        "backups",
        # The cluster's Secrets key (components/kubernetes/encryption.py): KMS v2 in prod.
        "slz-k8s-secrets-encryption",
    }
    assert all(row["custody"] == "customer-held" for row in table)
    columns = {
        "key",
        "generation",
        "purpose",
        "custody",
        "algorithm",
        "material_location",
        "readers",
        "source",
        "status",
        "data_class",
        "expires_at",
        "rotation_days",
    }
    assert all(set(row) == columns for row in table)
    # Plain data only: no value is a secret envelope or anything that could carry key material.
    assert all(v is None or isinstance(v, (str, float, int, list)) for row in table for v in row.values())
    assert SECRET_SIG_KEY not in str(table)


BAD_BUCKETS = [
    (
        "health-without-key",
        lambda c: c["buckets"][0].pop("key"),
        "sovereign-landing-zone:buckets[0].key",
        "customer-held key for health data",
    ),
    (
        "key-of-wrong-purpose",
        lambda c: c["buckets"][0].update(key="backups"),
        "sovereign-landing-zone:buckets[0].key",
        "purpose object-storage",
    ),
    (
        "unknown-key",
        lambda c: c["buckets"][0].update(key="nope"),
        "sovereign-landing-zone:buckets[0].key",
        "'nope'",
    ),
    (
        "logs-retention-too-short",
        lambda c: c["buckets"][1].update(objectLockDays=30),
        "sovereign-landing-zone:buckets[1] (objectLock.days)",
        "at least 180",
    ),
    (
        "bad-bucket-name",
        lambda c: c["buckets"][0].update(bucketName="Health_Data"),
        "sovereign-landing-zone:buckets[0]",
        "Health_Data",
    ),
    (
        "duplicate-bucket",
        lambda c: c["buckets"].append(dict(c["buckets"][0])),
        "sovereign-landing-zone:buckets[2].name",
        "not used by another bucket",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "key", "expected"), [c[1:] for c in BAD_BUCKETS], ids=[c[0] for c in BAD_BUCKETS]
)
def test_bad_bucket_config(mutate: Any, key: str, expected: str) -> None:
    cfg = stack_copy("prod")
    mutate(cfg)
    with pytest.raises(ConfigError) as caught:
        _plan(cfg)
    assert key in str(caught.value)
    assert expected in str(caught.value)


def test_provider_kms_key_for_a_bucket_is_refused() -> None:
    cfg = stack_copy("dev")
    cfg["keys"][1]["purpose"] = "object-storage"
    cfg["buckets"][0]["key"] = "app-secrets"
    with pytest.raises(ConfigError, match=r"buckets\[0\]\.key.*customer-held key"):
        _plan(cfg)


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda c: c["buckets"][1].update(objectLockDays=30), r"buckets\[1\]"),
        (
            lambda c: c["keys"].append({"name": "bad", "purpose": "volumes", "custody": "hsm"}),
            r"keys\[3\]\.custody",
        ),
        (lambda c: c.update(importedKeys='{"health-objects": "c2hvcnQ="}'), "importedKeys"),
    ],
    ids=["bucket", "key-spec", "imported-material"],
)
def test_bad_keys_and_buckets_plan_nothing(mutate: Any, key: str) -> None:
    """The real __main__.py: nothing but the stack is registered when the plan fails."""
    cfg = stack_copy("prod")
    mutate(cfg)
    monitor = RecordingMonitor(RecordingMocks(), PROJECT, "prod", REPO)
    with pytest.raises(pulumi.RunError, match=key) as caught:
        run_program(REPO, project=PROJECT, stack="prod", config=as_cli_config(cfg), monitor=monitor)
    assert "c2hvcnQ=" not in str(caught.value)
    assert [r.type for r in monitor.registrations] == ["pulumi:pulumi:Stack"]
