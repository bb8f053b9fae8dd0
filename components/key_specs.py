"""Key specs: what a stack says about its encryption keys, parsed and checked before anything exists.

Pure code (stdlib and ConfigError only) so that config.py can import it without a cycle; each
field's reader is in key_spec_fields.py, and the imported material is checked by imported_keys.py.

Rules, each raising ConfigError with the exact key path (`sovereign-landing-zone:keys[2].custody`):
- custody is `customer-held` (the provider never stores the material) or `provider-kms` (a
  Barbican secret, BYOK); provider-kms is refused for the data classes `sensitive` and `health`;
- every key is AES-256. ANSSI's cryptographic mechanisms guide asks for at least 128-bit symmetric
  keys; 256 bits is this project's stricter choice;
- rotation is a generation number. The previous generations stay available for decryption until
  they are listed in `retiredGenerations`: bumping `generation` alone never removes a key, and
  retiring one is always an explicit config change. A retired generation at or above the current
  one means the generation went backwards, and is refused;
- imported material (the organisation's HSM export, in the secret config `importedKeys`) must be
  present for every live generation, be standard base64 and decode to exactly 32 bytes; material
  that no live generation uses is refused too, so a retired key cannot linger in config. Errors
  about material never echo it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .imported_keys import ALGORITHM, GENERATION_SUFFIX, KEY_NAME, check_imported_names
from .key_spec_fields import (
    KEY_BITS,
    check_algorithm,
    choice,
    config_key,
    counted,
    iso_date,
    readers,
    retired_generations,
)

PURPOSES = ("object-storage", "volumes", "application", "backup")
CUSTODY_MODES = ("customer-held", "provider-kms")
SOURCES = ("generated", "imported")
DATA_CLASSES = ("public", "internal", "sensitive", "health")
# Data classes whose keys the provider may hold (SecNumCloud 3.2 3.3.2: the referential gives no
# technical guarantee against the provider itself, so the higher classes need customer-held keys).
PROVIDER_KMS_DATA_CLASSES = ("public", "internal")

DEFAULT_ROTATION_DAYS = 365
MAX_ROTATION_DAYS = 3 * 366
# Every live generation is a resource (and its material a secret): a bound keeps a typo from
# planning millions of them. Yearly rotation reaches it in a thousand years.
MAX_GENERATION = 999

_FIELDS = (
    "name",
    "purpose",
    "custody",
    "algorithm",
    "bitLength",
    "generation",
    "retiredGenerations",
    "expiresAt",
    "rotationDays",
    "readers",
    "source",
)


@dataclass(frozen=True)
class KeySpec:
    """One named key of the stack, with its custody, rotation state and readers."""

    name: str
    """Stable key name; resources are named after it and its generation."""
    purpose: str
    """What the key protects: object-storage, volumes, application or backup."""
    custody: str
    """customer-held (the provider never stores it) or provider-kms (Barbican, BYOK)."""
    data_class: str
    """The data class of the stack the key protects."""
    algorithm: str = ALGORITHM
    """Always AES-256: stricter than ANSSI's 128-bit minimum for symmetric keys (project choice)."""
    generation: int = 1
    """The current rotation generation (1 for a new key); new data is encrypted with it."""
    retired_generations: tuple[int, ...] = ()
    """Earlier generations that are destroyed; every other earlier one is kept for decryption."""
    expires_at: dt.date | None = None
    """Expiry of the current generation; Barbican enforces it for provider-kms keys."""
    rotation_days: int | None = DEFAULT_ROTATION_DAYS
    """Rotation period in days, reported in the custody table."""
    readers: tuple[str, ...] = ()
    """Keystone user ids allowed to read a provider-kms key; nobody else in the project can."""
    source: str = "generated"
    """generated (pulumi-random, in the organisation's state) or imported (its own HSM)."""

    @property
    def bit_length(self) -> int:
        return KEY_BITS

    @property
    def kept_generations(self) -> tuple[int, ...]:
        """Earlier generations still available for decryption."""
        return tuple(g for g in range(1, self.generation) if g not in self.retired_generations)

    @property
    def live_generations(self) -> tuple[int, ...]:
        """Every generation that exists: the kept ones, then the current one."""
        return (*self.kept_generations, self.generation)

    def imported_names(self, generation: int) -> tuple[str, ...]:
        """Names under which importedKeys may hold a generation's material, preferred first."""
        names = (f"{self.name}-g{generation}",)
        return (*names, self.name) if generation == self.generation else names


def parse_key_specs(
    raw: list[dict[str, Any]] | None,
    data_class: str,
    imported_names: set[str] | None,
    *,
    today: dt.date | None = None,
) -> tuple[KeySpec, ...]:
    """Parse the stack's `keys` list (camelCase, as the stack file says it) and apply every rule.

    `imported_names` are the names present in the secret config `importedKeys` (names only: the
    material is checked by parse_imported_keys). `today` decides whether an expiry has passed.
    """
    if data_class not in DATA_CLASSES:
        raise ConfigError(config_key("dataClassification"), data_class, f"one of {list(DATA_CLASSES)}")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ConfigError(config_key("keys"), raw, "a list of key declarations")
    today = today or dt.date.today()
    specs: list[KeySpec] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        spec = _parse_one(f"keys[{i}]", item, data_class, today)
        if spec.name in seen:
            raise ConfigError(config_key(f"keys[{i}].name"), spec.name, "a name not used by another key")
        seen.add(spec.name)
        specs.append(spec)
    if imported_names is not None:
        check_imported_names(specs, imported_names)
    return tuple(specs)


def _parse_one(at: str, item: Any, data_class: str, today: dt.date) -> KeySpec:
    if not isinstance(item, Mapping):
        raise ConfigError(config_key(at), item, "a mapping with name, purpose and custody")
    unknown = sorted(set(item) - set(_FIELDS), key=str)
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), _FIELDS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ConfigError(
            config_key(f"{at}.{unknown[0]}"),
            item[unknown[0]],
            f"no such key: {hint}one of the fields {list(_FIELDS)}",
        )

    name = item.get("name")
    if not isinstance(name, str) or not KEY_NAME.match(name) or GENERATION_SUFFIX.search(name):
        raise ConfigError(
            config_key(f"{at}.name"),
            name,
            "2 to 32 characters: lowercase letters, digits and '-', starting with a letter, "
            "not ending in '-g<number>'",
        )
    purpose = choice(f"{at}.purpose", item.get("purpose"), PURPOSES)
    custody = choice(f"{at}.custody", item.get("custody"), CUSTODY_MODES)
    source = choice(f"{at}.source", item.get("source", "generated"), SOURCES)
    if custody == "provider-kms" and data_class not in PROVIDER_KMS_DATA_CLASSES:
        raise ConfigError(
            config_key(f"{at}.custody"),
            custody,
            f"customer-held for a stack of data class '{data_class}': the provider may hold keys only "
            f"for {list(PROVIDER_KMS_DATA_CLASSES)} (SecNumCloud 3.2 3.3.2 gives no guarantee "
            "against the provider itself)",
        )
    check_algorithm(at, item)

    generation = counted(
        f"{at}.generation",
        item.get("generation", 1),
        MAX_GENERATION,
        f"an integer >= 1 and <= {MAX_GENERATION} (1 for a new key)",
    )
    retired = retired_generations(at, item.get("retiredGenerations", []), generation)

    expires_at = iso_date(f"{at}.expiresAt", item.get("expiresAt"))
    if expires_at is not None and expires_at <= today:
        raise ConfigError(
            config_key(f"{at}.expiresAt"),
            expires_at.isoformat(),
            f"a date after {today.isoformat()}: rotate the key (raise generation) and set a new expiry",
        )
    rotation_days = counted(
        f"{at}.rotationDays",
        item.get("rotationDays", DEFAULT_ROTATION_DAYS),
        MAX_ROTATION_DAYS,
        f"a number of days from 1 to {MAX_ROTATION_DAYS} (project choice: rotate at least every 3 years)",
    )

    key_readers = readers(at, item.get("readers", []), custody)
    return KeySpec(
        name=name,
        purpose=purpose,
        custody=custody,
        data_class=data_class,
        algorithm=ALGORITHM,
        generation=generation,
        retired_generations=retired,
        expires_at=expires_at,
        rotation_days=rotation_days,
        readers=key_readers,
        source=source,
    )
