"""Key specs: every rule, and error messages that name key, value and what is allowed."""

from __future__ import annotations

import base64
import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import REDACTED, ConfigError
from components.imported_keys import imported_key_names, parse_imported_keys, validate_imported_material
from components.key_specs import KeySpec, parse_key_specs

TODAY = dt.date(2026, 12, 1)
MATERIAL = bytes(range(32))
MATERIAL_B64 = base64.b64encode(MATERIAL).decode()


def customer(**over: Any) -> dict[str, Any]:
    return {"name": "health-objects", "purpose": "object-storage", "custody": "customer-held", **over}


def provider(**over: Any) -> dict[str, Any]:
    return {
        "name": "app-cache",
        "purpose": "application",
        "custody": "provider-kms",
        "readers": ["0123456789abcdef0123456789abcdef"],
        **over,
    }


def parse(raw: list[dict[str, Any]], data_class: str = "health", names: set[str] | None = None):
    return parse_key_specs(raw, data_class, names or set(), today=TODAY)


def test_defaults_are_the_secure_ones() -> None:
    (spec,) = parse([customer()])
    assert spec == KeySpec(
        name="health-objects", purpose="object-storage", custody="customer-held", data_class="health"
    )
    assert spec.algorithm == "AES-256" and spec.bit_length == 256
    assert spec.generation == 1 and spec.live_generations == (1,)
    assert spec.source == "generated" and spec.rotation_days == 365


def test_none_and_empty_mean_no_keys() -> None:
    assert parse_key_specs(None, "health", set()) == ()
    assert parse([]) == ()


def test_provider_kms_allowed_below_sensitive() -> None:
    (spec,) = parse([provider(expiresAt="2027-06-30")], data_class="internal")
    assert spec.custody == "provider-kms"
    assert spec.readers == ("0123456789abcdef0123456789abcdef",)
    assert spec.expires_at == dt.date(2027, 6, 30)


def test_rotation_keeps_previous_generations_until_retired() -> None:
    (spec,) = parse([customer(generation=4, retiredGenerations=[1])])
    assert spec.kept_generations == (2, 3)
    assert spec.live_generations == (2, 3, 4)


def test_imported_key_names_per_generation() -> None:
    raw = [customer(source="imported", generation=2)]
    (spec,) = parse(raw, names={"health-objects-g1", "health-objects"})
    assert spec.live_generations == (1, 2)
    (spec,) = parse(raw, names={"health-objects-g1", "health-objects-g2"})
    assert spec.source == "imported"


def test_camel_case_values_from_cli_json_text() -> None:
    # The CLI passes the whole list as JSON text; config.py decodes it, dates stay strings.
    (spec,) = parse([customer(expiresAt="2027-01-01", rotationDays=90, algorithm="aes-256", bitLength=256)])
    assert spec.expires_at == dt.date(2027, 1, 1) and spec.rotation_days == 90


BAD = [
    # (raw keys, data class, imported names, key path, allowed fragment)
    ([customer(custody="hyperscaler-kms")], "health", set(), "keys[0].custody", "customer-held"),
    ([customer(purpose="logs")], "health", set(), "keys[0].purpose", "object-storage"),
    ([customer(), provider()], "health", set(), "keys[1].custody", "customer-held for a stack of data class"),
    ([provider()], "sensitive", set(), "keys[0].custody", "'sensitive'"),
    ([customer(algorithm="AES-128")], "health", set(), "keys[0].algorithm", "128 bits of ANSSI"),
    ([customer(algorithm="AES-192")], "health", set(), "keys[0].algorithm", "AES-256"),
    ([customer(algorithm="3DES")], "health", set(), "keys[0].algorithm", "AES-256"),
    ([customer(bitLength=128)], "health", set(), "keys[0].bitLength", "256"),
    ([customer(generation=0)], "health", set(), "keys[0].generation", ">= 1"),
    ([customer(generation="2")], "health", set(), "keys[0].generation", ">= 1"),
    ([customer(generation=True)], "health", set(), "keys[0].generation", ">= 1"),
    (
        [customer(generation=2, retiredGenerations=[2])],
        "health",
        set(),
        "keys[0].retiredGenerations[0]",
        "never goes backwards",
    ),
    (
        [customer(generation=3, retiredGenerations=[1, 5])],
        "health",
        set(),
        "keys[0].retiredGenerations[1]",
        "from 1 to 2",
    ),
    (
        [customer(generation=3, retiredGenerations=[1, 1])],
        "health",
        set(),
        "keys[0].retiredGenerations[1]",
        "each generation once",
    ),
    ([customer(retiredGenerations="1")], "health", set(), "keys[0].retiredGenerations", "a list"),
    ([customer(source="imported")], "health", set(), "keys[0].source", "importedKeys"),
    (
        [customer(source="imported", generation=2)],
        "health",
        {"health-objects"},
        "keys[0].source",
        "generation 1",
    ),
    (
        [customer(source="imported")],
        "health",
        {"health-objects", "health-objects-g1"},
        "importedKeys.health-objects",
        "not both",
    ),
    ([customer()], "health", {"stale-key"}, "importedKeys.stale-key", "crypto-shredding"),
    ([customer(source="hsm")], "health", set(), "keys[0].source", "generated"),
    ([customer(name="Bad Name")], "health", set(), "keys[0].name", "lowercase"),
    ([customer(name="objects-g2")], "health", set(), "keys[0].name", "-g<number>"),
    ([customer(), customer()], "health", set(), "keys[1].name", "not used by another key"),
    ([customer(expiresAt="2026-12-01")], "health", set(), "keys[0].expiresAt", "after 2026-12-01"),
    ([customer(expiresAt="next year")], "health", set(), "keys[0].expiresAt", "ISO date"),
    ([customer(rotationDays=0)], "health", set(), "keys[0].rotationDays", "from 1 to"),
    ([customer(readers=["u1"])], "health", set(), "keys[0].readers", "no readers for a customer-held"),
    ([provider(readers=[])], "internal", set(), "keys[0].readers", "at least one"),
    ([provider(readers=["*"])], "internal", set(), "keys[0].readers[0]", "Keystone user id"),
    ([provider(readers=["u1", "u1"])], "internal", set(), "keys[0].readers", "each user id once"),
    ([customer(colour="blue")], "health", set(), "keys[0].colour", "one of the fields"),
    (["health-objects"], "health", set(), "keys[0]", "a mapping"),
]


@pytest.mark.parametrize(("raw", "data_class", "names", "path", "allowed"), BAD)
def test_bad_input_names_key_value_and_allowed(
    raw: list[dict[str, Any]], data_class: str, names: set[str], path: str, allowed: str
) -> None:
    before = copy.deepcopy(raw)
    with pytest.raises(ConfigError) as info:
        parse(raw, data_class, names)
    err = info.value
    assert err.key == f"sovereign-landing-zone:{path}"
    assert f"config key 'sovereign-landing-zone:{path}'" in str(err)
    assert allowed in err.allowed
    assert "is not allowed:" in str(err)
    assert raw == before  # parsing never mutates the stack's values


def test_not_a_list() -> None:
    with pytest.raises(ConfigError, match=r"sovereign-landing-zone:keys'"):
        parse_key_specs({"name": "x"}, "health", set())  # type: ignore[arg-type]


def test_unknown_data_class() -> None:
    with pytest.raises(ConfigError, match="dataClassification"):
        parse_key_specs([], "secret", set())


# --- imported material -------------------------------------------------------------------------


def test_valid_material_decodes_to_32_bytes() -> None:
    assert validate_imported_material("hsm-key", MATERIAL_B64) == MATERIAL
    assert parse_imported_keys(f'{{"hsm-key": "{MATERIAL_B64}"}}') == {"hsm-key": MATERIAL_B64}
    assert imported_key_names({"hsm-key-g2": MATERIAL_B64}) == {"hsm-key-g2"}
    assert parse_imported_keys(None) == {} and parse_imported_keys("") == {}


SHORT = base64.b64encode(MATERIAL[:16]).decode()
LONG = base64.b64encode(MATERIAL + MATERIAL).decode()
NOT_B64 = "zz!!" + MATERIAL_B64[4:]
URLSAFE = base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode()


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        (SHORT, "decodes to 16 bytes (128 bits)"),
        (LONG, "decodes to 64 bytes"),
        (NOT_B64, "not valid base64"),
        (URLSAFE, "not valid base64"),
        (MATERIAL_B64[:-1], "not valid base64"),
        (MATERIAL.hex(), "decodes to 48 bytes"),
        (1234, "a string"),
    ],
    ids=["short", "long", "not-base64", "urlsafe", "bad-padding", "hex", "not-a-string"],
)
def test_bad_material_is_refused_without_echoing_it(value: Any, allowed: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_imported_material("health-objects", value)
    err = info.value
    assert err.key == "sovereign-landing-zone:importedKeys.health-objects"
    assert allowed in err.allowed and "32 bytes" in err.allowed
    assert err.value == REDACTED and REDACTED in str(err)
    assert str(value) not in str(err) and str(value) not in repr(err.args)
    assert err.__cause__ is None and err.__context__ is None


@pytest.mark.parametrize(
    "raw",
    [f'{{"hsm-key": "{SHORT}"', f'["{MATERIAL_B64}"]', f'{{"hsm-key": "{NOT_B64}"}}', {"hsm-key": SHORT}],
    ids=["bad-json", "not-an-object", "not-base64", "short"],
)
def test_bad_imported_keys_object_never_echoes_material(raw: Any) -> None:
    with pytest.raises(ConfigError) as info:
        parse_imported_keys(raw)
    text = str(info.value)
    assert "sovereign-landing-zone:importedKeys" in text
    for secret in (SHORT, MATERIAL_B64, NOT_B64):
        assert secret not in text
    assert info.value.__cause__ is None


@given(st.binary(min_size=0, max_size=64))
def test_material_length_property(raw: bytes) -> None:
    text = base64.b64encode(raw).decode()
    if len(raw) == 32:
        assert validate_imported_material("hsm-key", text) == raw
    else:
        with pytest.raises(ConfigError) as info:
            validate_imported_material("hsm-key", text)
        # Very short encodings could match message words by chance; 12+ characters cannot.
        assert (len(text) < 12 or text not in str(info.value)) and info.value.value == REDACTED
