"""CustomerHeldKeys under mocks: custody modes, rotation, protection and ACLs."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from components.errors import ConfigError
from components.imported_keys import parse_imported_keys
from components.kms import (
    CustomerHeldKeysArgs,
)
from preflight.wire import secret as wire_secret
from tests.components.kms_harness import (
    BARBICAN,
    COMPONENT,
    CUSTOMER,
    PROVIDER,
    RANDOM_BYTES,
    Monitor,
    assert_material_only_as_secret,
    generated_material,
    imported,
    keys_program,
    names_of,
    run,
    secret_values,
    specs,
)

# --- customer-held, generated ------------------------------------------------------------------


def test_customer_held_generated_is_random_bytes_and_never_reaches_the_provider() -> None:
    sink: dict[str, Any] = {}
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=specs([CUSTOMER])), sink))
    (component,) = monitor.of_type(COMPONENT)
    (rb,) = monitor.of_type(RANDOM_BYTES)
    assert rb["name"] == "kms-health-objects-g1"
    assert rb["object"]["length"] == 32.0
    assert rb["protect"] is True
    assert set(rb.get("additionalSecretOutputs", [])) >= {"base64", "hex"}
    assert component["name"] == "kms" and rb["parent"].endswith(f"{COMPONENT}::kms")
    # Nothing of the key's goes to the cloud provider.
    assert not [r for r in monitor.registrations if r["type"].startswith("openstack:")]
    # The consumer gets the material, and only as a secret.
    material = generated_material("kms-health-objects-g1")
    consumer = monitor.named("consumer-health-objects")
    assert secret_values(consumer["object"]) == [base64.b64encode(material).decode()]
    assert_material_only_as_secret(monitor, [material])
    assert sink["keys"].barbican_secret_refs is None


def test_component_outputs_are_the_table_and_refs_never_material() -> None:
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=specs([CUSTOMER]))))
    (registered,) = [o for o in monitor.outputs if o["urn"].endswith("::kms")]
    assert set(registered["outputs"]) == {"key_custody"}  # barbican_secret_refs is None: omitted
    (row,) = registered["outputs"]["key_custody"]
    assert row == {
        "key": "health-objects",
        "generation": 1.0,
        "status": "current",
        "purpose": "object-storage",
        "custody": "customer-held",
        "algorithm": "AES-256",
        "source": "generated",
        "data_class": "health",
        "material_location": row["material_location"],
        "readers": row["readers"],
        "expires_at": None,
        "rotation_days": 365.0,
    }
    assert "never sent to the cloud provider" in row["material_location"]


# --- customer-held, imported -------------------------------------------------------------------


def test_customer_held_imported_creates_nothing_and_is_exposed_as_secret() -> None:
    material = {"hsm-key": imported("g2"), "hsm-key-g1": imported("g1")}
    raw = [{**CUSTOMER, "name": "hsm-key", "source": "imported", "generation": 2}]
    args = CustomerHeldKeysArgs(
        keys=specs(raw, names=set(material)), imported_material=parse_imported_keys(material)
    )
    sink: dict[str, Any] = {}
    monitor = run(keys_program(args, sink))
    # Imported customer-held material has no resource: it stays in the organisation's custody.
    assert [r["type"] for r in monitor.registrations if r["name"].startswith("kms")] == [COMPONENT]
    consumer = monitor.named("consumer-hsm-key")
    assert secret_values(consumer["object"]) == [imported("g2")]
    assert set(sink["keys"].material_by_generation["hsm-key"]) == {1, 2}
    assert_material_only_as_secret(monitor, [base64.b64decode(v) for v in material.values()])


def test_imported_material_is_checked_before_anything_is_registered() -> None:
    raw = [{**CUSTOMER, "source": "imported"}]
    short = base64.b64encode(b"\x01" * 16).decode()
    args = CustomerHeldKeysArgs(
        keys=specs(raw, names={"health-objects"}), imported_material={"health-objects": short}
    )
    monitor = Monitor()
    with pytest.raises(ConfigError) as info:
        run(keys_program(args), monitor)
    assert short not in str(info.value) and "16 bytes" in str(info.value)
    assert [r["type"] for r in monitor.registrations] in ([], ["pulumi:pulumi:Stack"])


def test_missing_imported_material_is_refused() -> None:
    raw = [{**CUSTOMER, "source": "imported"}]
    args = CustomerHeldKeysArgs(keys=specs(raw, names={"health-objects"}), imported_material={})
    with pytest.raises(ConfigError, match=r"keys\[0\]\.source"):
        run(keys_program(args))


# --- provider-kms ------------------------------------------------------------------------------


def test_provider_kms_is_barbican_aes256_with_named_readers_only() -> None:
    sink: dict[str, Any] = {}
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=specs([PROVIDER], "internal")), sink))
    secret = monitor.named("kms-app-cache-g1")
    assert secret["type"] == BARBICAN
    inputs = secret["object"]
    assert inputs["algorithm"] == "aes"
    assert inputs["bitLength"] == 256.0
    assert inputs["mode"] in ("cbc", "gcm")
    assert inputs["secretType"] == "symmetric"
    assert inputs["payloadContentType"] == "application/octet-stream"
    assert inputs["payloadContentEncoding"] == "base64"
    assert inputs["expiration"] == "2027-06-30T00:00:00Z"
    assert inputs["metadata"] == {
        "data-class": "internal",
        "purpose": "application",
        "key": "app-cache",
        "generation": "1",
    }
    assert inputs["acl"] == {"read": {"projectAccess": False, "users": PROVIDER["readers"]}}
    assert secret["protect"] is True
    assert "expiration" in secret.get("ignoreChanges", [])
    # The payload is the generated material, wrapped as a secret.
    material = generated_material("kms-app-cache-g1-material")
    assert inputs["payload"] == wire_secret(base64.b64encode(material).decode())
    assert monitor.named("kms-app-cache-g1-material")["protect"] is True
    assert_material_only_as_secret(monitor, [material])
    keys = sink["keys"]
    assert keys.material == {} and keys.material_by_generation == {}
    assert set(keys.barbican_secret_refs) == {"app-cache"}


def test_provider_kms_imported_byok() -> None:
    material = {"app-cache": imported("byok")}
    raw = [{**PROVIDER, "source": "imported"}]
    args = CustomerHeldKeysArgs(keys=specs(raw, "public", set(material)), imported_material=material)
    monitor = run(keys_program(args))
    assert monitor.of_type(RANDOM_BYTES) == []
    (secret,) = monitor.of_type(BARBICAN)
    assert secret_values(secret["object"]) == [material["app-cache"]]
    assert_material_only_as_secret(monitor, [base64.b64decode(material["app-cache"])])


def test_provider_kms_cannot_be_built_for_health_data_even_by_hand() -> None:
    # parse_key_specs refuses it; a hand-built spec is still a spec someone could pass.
    with pytest.raises(ConfigError, match="customer-held for a stack of data class 'health'"):
        specs([PROVIDER], "health")


# --- rotation ----------------------------------------------------------------------------------


def test_rotation_adds_a_generation_and_keeps_the_previous_one() -> None:
    before = run(keys_program(CustomerHeldKeysArgs(keys=specs([CUSTOMER]))))
    after = run(keys_program(CustomerHeldKeysArgs(keys=specs([{**CUSTOMER, "generation": 2}]))))
    assert names_of(before, RANDOM_BYTES) == ["kms-health-objects-g1"]
    assert names_of(after, RANDOM_BYTES) == ["kms-health-objects-g1", "kms-health-objects-g2"]
    # The name (hence URN) of generation 1 is unchanged: the engine sees no replacement.
    assert before.named("kms-health-objects-g1")["object"] == after.named("kms-health-objects-g1")["object"]
    assert all(r["protect"] for r in after.of_type(RANDOM_BYTES))


def test_rotation_material_current_and_previous() -> None:
    sink: dict[str, Any] = {}
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=specs([{**CUSTOMER, "generation": 3}])), sink))
    keys = sink["keys"]
    assert set(keys.material_by_generation["health-objects"]) == {1, 2, 3}
    consumer = monitor.named("consumer-health-objects")
    current = generated_material("kms-health-objects-g3")
    assert secret_values(consumer["object"]) == [base64.b64encode(current).decode()]
    assert_material_only_as_secret(
        monitor, [generated_material(f"kms-health-objects-g{g}") for g in (1, 2, 3)]
    )
    statuses = [(r["generation"], r["status"]) for r in keys.key_custody]
    assert statuses == [(1, "kept for decryption"), (2, "kept for decryption"), (3, "current")]


def test_retiring_is_explicit_and_removes_only_that_generation() -> None:
    raw = [{**CUSTOMER, "generation": 3, "retiredGenerations": [1]}]
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=specs(raw))))
    assert names_of(monitor, RANDOM_BYTES) == ["kms-health-objects-g2", "kms-health-objects-g3"]


def test_provider_kms_rotation_keeps_previous_secret_without_its_expiry_changing() -> None:
    raw = [{**PROVIDER, "generation": 2, "expiresAt": "2028-01-31"}]
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=specs(raw, "internal"))))
    assert names_of(monitor, BARBICAN) == ["kms-app-cache-g1", "kms-app-cache-g2"]
    assert "expiration" not in monitor.named("kms-app-cache-g1")["object"]
    assert monitor.named("kms-app-cache-g2")["object"]["expiration"] == "2028-01-31T00:00:00Z"
    for secret in monitor.of_type(BARBICAN):
        assert secret["object"]["acl"]["read"]["projectAccess"] is False


# --- protection --------------------------------------------------------------------------------


@pytest.mark.parametrize("protect", [True, False])
def test_protect_is_set_on_every_key_resource_unless_opted_out(protect: bool) -> None:
    args = CustomerHeldKeysArgs(keys=specs([CUSTOMER, PROVIDER], "internal"), protect=protect)
    monitor = run(keys_program(args))
    key_resources = [*monitor.of_type(RANDOM_BYTES), *monitor.of_type(BARBICAN)]
    assert len(key_resources) == 3
    assert all(r.get("protect", False) is protect for r in key_resources)


def test_default_is_protected() -> None:
    assert CustomerHeldKeysArgs().protect is True
