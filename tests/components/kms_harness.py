"""The CustomerHeldKeys test harness: mocks that generate predictable material, the runs, the key
specs, and the checks that material only ever travels as a secret (test_kms*.py share it)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pulumi_random as random
from pulumi.runtime import mocks as pulumi_mocks

from components.key_specs import parse_key_specs
from components.kms import (
    CustomerHeldKeys,
    CustomerHeldKeysArgs,
)
from preflight.wire import is_secret
from tests.support import EchoMocks, WireMonitor, run_component

RANDOM_BYTES = "random:index/randomBytes:RandomBytes"
BARBICAN = "openstack:keymanager/secretV1:SecretV1"
COMPONENT = "sovereign:kms:CustomerHeldKeys"
TODAY = dt.date(2026, 12, 1)


def generated_material(resource_name: str) -> bytes:
    """What the mocked random provider 'generates' for a resource: distinct and predictable."""
    return hashlib.sha256(resource_name.encode()).digest()


def imported(tag: str) -> str:
    return base64.b64encode(hashlib.sha256(f"hsm:{tag}".encode()).digest()).decode()


def spellings(material: bytes) -> set[str]:
    """Every way the material could leak: base64, hex (both cases), and the raw bytes' repr."""
    b64 = base64.b64encode(material).decode()
    return {b64, material.hex(), material.hex().upper(), repr(material)[2:-1], b64.rstrip("=")}


class Mocks(EchoMocks):
    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        id_, outputs = super().new_resource(args)
        if args.typ == RANDOM_BYTES:
            raw = generated_material(args.name)
            outputs.update(base64=base64.b64encode(raw).decode(), hex=raw.hex())
        if args.typ == BARBICAN:
            outputs["secretRef"] = f"https://barbican.example/v1/secrets/{args.name}"
        return id_, outputs


class Monitor(WireMonitor):
    def __init__(self) -> None:
        super().__init__(Mocks())


def run(program: Callable[[], None], monitor: Monitor | None = None, *, preview: bool = False) -> WireMonitor:
    return run_component(program, monitor if monitor is not None else Monitor(), preview=preview)


def specs(raw: list[dict[str, Any]], data_class: str = "health", names: set[str] | None = None):
    return parse_key_specs(raw, data_class, names or set(), today=TODAY)


def keys_program(args: CustomerHeldKeysArgs, sink: dict[str, Any] | None = None) -> Callable[[], None]:
    def program() -> None:
        keys = CustomerHeldKeys("kms", args)
        if sink is not None:
            sink["keys"] = keys
            # A consumer of the material: it must reach it as a secret.
            for key, value in keys.material.items():
                random.RandomString(f"consumer-{key}", length=8, keepers={"material": value})

    return program


def strip_secrets(value: Any) -> Any:
    """The request with every secret-wrapped value replaced: what would be in plaintext."""
    if isinstance(value, dict):
        if is_secret(value):
            return "<secret>"
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_secrets(v) for v in value]
    return value


def secret_values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        if is_secret(value):
            return [value.get("value")]
        return [x for v in value.values() for x in secret_values(v)]
    if isinstance(value, list):
        return [x for v in value for x in secret_values(v)]
    return []


def assert_material_only_as_secret(monitor: Monitor, materials: list[bytes]) -> None:
    for request in [*monitor.registrations, *monitor.outputs]:
        plain = json.dumps(strip_secrets(request))
        for material in materials:
            for spelling in spellings(material):
                assert spelling not in plain, f"material in plaintext in {request.get('name', request)}"


CUSTOMER: dict[str, Any] = {"name": "health-objects", "purpose": "object-storage", "custody": "customer-held"}
PROVIDER: dict[str, Any] = {
    "name": "app-cache",
    "purpose": "application",
    "custody": "provider-kms",
    "readers": ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"],
    "expiresAt": "2027-06-30",
}


def names_of(monitor: Monitor, typ: str) -> list[str]:
    return sorted(r["name"] for r in monitor.of_type(typ))
