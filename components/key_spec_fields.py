"""One field of a stack's key declaration (`keys[i].<field>`), read and checked.

key_specs.py walks the list and builds a KeySpec; each reader here owns one field's rule and
raises ConfigError with the exact key path, the bad value and what is allowed. Pure code (stdlib
and ConfigError only), like key_specs.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .errors import ConfigError
from .imported_keys import ALGORITHM, KEY_BYTES, NAMESPACE

KEY_BITS = KEY_BYTES * 8

_READER = re.compile(r"^[A-Za-z0-9_.@-]{1,255}$")
_ALGORITHM = re.compile(r"^AES[-_ ]?(\d+)$", re.IGNORECASE)


def config_key(path: str) -> str:
    """The user's own key: `sovereign-landing-zone:keys[2].custody`."""
    return f"{NAMESPACE}:{path}"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def counted(at: str, value: Any, high: int, allowed: str) -> int:
    """A whole number from 1 to `high` (a YAML `true` is not one, though Python says it is)."""
    if not is_int(value) or not 1 <= value <= high:
        raise ConfigError(config_key(at), value, allowed)
    return int(value)


def choice(at: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(config_key(at), value, f"one of {list(allowed)}")
    return str(value)


def check_algorithm(at: str, item: Mapping[str, Any]) -> None:
    allowed = (
        f"{ALGORITHM}: a {KEY_BITS}-bit symmetric key (this project's minimum, stricter than the "
        "128 bits of ANSSI's cryptographic mechanisms guide)"
    )
    algorithm = item.get("algorithm", ALGORITHM)
    match = _ALGORITHM.match(algorithm) if isinstance(algorithm, str) else None
    if match is None or int(match.group(1)) != KEY_BITS:
        raise ConfigError(config_key(f"{at}.algorithm"), algorithm, allowed)
    bits = item.get("bitLength", KEY_BITS)
    if not is_int(bits) or bits != KEY_BITS:
        raise ConfigError(config_key(f"{at}.bitLength"), bits, f"{KEY_BITS} ({allowed})")


def retired_generations(at: str, value: Any, generation: int) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(is_int(g) for g in value):
        raise ConfigError(config_key(f"{at}.retiredGenerations"), value, "a list of generation numbers")
    seen: set[int] = set()
    for j, g in enumerate(value):
        if g in seen:
            raise ConfigError(config_key(f"{at}.retiredGenerations[{j}]"), g, "each generation once")
        seen.add(g)
        if not 1 <= g < generation:
            raise ConfigError(
                config_key(f"{at}.retiredGenerations[{j}]"),
                g,
                f"a generation from 1 to {generation - 1}: only generations before the current one "
                f"({generation}) can be retired; a generation never goes backwards",
            )
    return tuple(sorted(seen))


def iso_date(at: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(config_key(at), value, "an ISO date (YYYY-MM-DD)")


def readers(at: str, value: Any, custody: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(config_key(f"{at}.readers"), value, "a list of Keystone user ids")
    if custody == "customer-held":
        if value:
            raise ConfigError(
                config_key(f"{at}.readers"),
                value,
                "no readers for a customer-held key: its material is never stored by the provider, "
                "so no provider ACL exists; whoever can decrypt the stack's secrets can read it",
            )
        return ()
    if not value:
        raise ConfigError(
            config_key(f"{at}.readers"),
            value,
            "at least one Keystone user id: a provider-kms key is readable by named users only",
        )
    for j, reader in enumerate(value):
        if not isinstance(reader, str) or not _READER.match(reader):
            raise ConfigError(
                config_key(f"{at}.readers[{j}]"),
                reader,
                "a Keystone user id (letters, digits, '_', '.', '@', '-')",
            )
    if len(set(value)) != len(value):
        raise ConfigError(config_key(f"{at}.readers"), value, "each user id once")
    return tuple(value)
