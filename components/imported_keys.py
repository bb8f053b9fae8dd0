"""Imported key material: the organisation's HSM export, in the secret config `importedKeys`.

Material must be present for every live generation of an imported key, be standard base64 and
decode to exactly 32 bytes; material that no live generation uses is refused, so a retired key
cannot linger in config. Errors never echo material (ConfigError's secret=True).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from .errors import ConfigError

NAMESPACE = "sovereign-landing-zone"
IMPORTED_KEYS = "importedKeys"
# preflight cannot decrypt `secure:` config and passes this marker instead (docs/preflight.md; a
# test keeps the two equal). Imported material is then unavailable: it cannot be checked offline,
# and the marker travels, as a secret, where the material would. Only a preview accepts it.
OFFLINE_PLACEHOLDER = "[secret: not decrypted by preflight]"
KEY_BYTES = 32
ALGORITHM = "AES-256"
KEY_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
# Names ending in -g<n> would collide with the per-generation names of importedKeys.
GENERATION_SUFFIX = re.compile(r"-g[0-9]+$")


def _key(path: str) -> str:
    return f"{NAMESPACE}:{path}"


class ImportedKeySpec(Protocol):
    """What this module reads of a key_specs.KeySpec: declared here so that key_specs imports this
    module and not the other way round."""

    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def live_generations(self) -> Iterable[int]: ...
    def imported_names(self, generation: int) -> Sequence[str]: ...


def check_imported_names(specs: Sequence[ImportedKeySpec], names: set[str]) -> None:
    """Every live generation of an imported key has material, and no material is left unused."""
    used: set[str] = set()
    for i, spec in enumerate(specs):
        if spec.source != "imported":
            continue
        for generation in spec.live_generations:
            found = [n for n in spec.imported_names(generation) if n in names]
            if not found:
                raise ConfigError(
                    _key(f"keys[{i}].source"),
                    "imported",
                    f"material for generation {generation} in the secret config "
                    f"'{_key(IMPORTED_KEYS)}' under "
                    + " or ".join(repr(n) for n in spec.imported_names(generation)),
                )
            if len(found) > 1:
                raise ConfigError(
                    _key(f"{IMPORTED_KEYS}.{spec.name}"),
                    sorted(found),
                    f"one entry for the current generation: '{spec.name}-g{generation}' or "
                    f"'{spec.name}', not both",
                )
            used.add(found[0])
    unused = sorted(names - used)
    if unused:
        raise ConfigError(
            _key(f"{IMPORTED_KEYS}.{unused[0]}"),
            unused[0],
            "material only for live generations of keys with source 'imported'; remove the "
            "material of a retired generation from config (that is part of crypto-shredding)",
        )


def validate_imported_material(name: str, value: Any) -> bytes:
    """The decoded material of one imported key: standard base64 of exactly 32 bytes.

    Errors are raised with secret=True: the value is never echoed, in the message or as a cause.
    """
    at = _key(f"{IMPORTED_KEYS}.{name}")
    allowed = f"standard base64 (RFC 4648) of exactly {KEY_BYTES} bytes, an {ALGORITHM} key"
    if not isinstance(value, str):
        raise ConfigError(at, value, f"a string: {allowed}", secret=True)
    try:
        material = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        material = None
    if material is None:
        raise ConfigError(at, value, f"{allowed}; the value is not valid base64", secret=True)
    if len(material) != KEY_BYTES:
        raise ConfigError(
            at,
            value,
            f"{allowed}; it decodes to {len(material)} bytes ({len(material) * 8} bits)",
            secret=True,
        )
    return material


def parse_imported_keys(raw: str | Mapping[str, Any] | None) -> dict[str, str]:
    """The secret config `importedKeys` (JSON object name -> base64), validated.

    Returns name -> normalised base64 text. The caller wraps the values as Pulumi secrets before
    they go anywhere; errors never show the material.
    """
    at = _key(IMPORTED_KEYS)
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise ConfigError(at, raw, "a JSON object of key name to base64 material", secret=True) from None
    if not isinstance(raw, Mapping):
        raise ConfigError(at, raw, "a JSON object of key name to base64 material", secret=True)
    result: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not KEY_NAME.match(GENERATION_SUFFIX.sub("", name)):
            # A name is not material: showing it helps find the typo.
            raise ConfigError(at, name, "names of keys ('<name>' or '<name>-g<generation>')")
        material = validate_imported_material(name, value)
        result[name] = base64.b64encode(material).decode("ascii")
    return result


def imported_key_names(raw: str | Mapping[str, Any] | None) -> set[str] | None:
    """Names present in `importedKeys`, after validating the material; None when unavailable offline."""
    if raw == OFFLINE_PLACEHOLDER:
        return None
    return set(parse_imported_keys(raw))
