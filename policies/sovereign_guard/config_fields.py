"""Builders for the JSON-schema fields of the policies' config, so that each policy states only what
differs (its default, what an item may be, and the description the catalogue shows)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def string_list(default: Iterable[str], description: str, **item_rules: Any) -> dict[str, Any]:
    """An array of strings; `item_rules` (minLength, pattern, enum) constrain each item."""
    return {
        "type": "array",
        "items": {"type": "string", **item_rules},
        "default": list(default),
        "description": description,
    }


def bounded_integer(default: int, minimum: int, maximum: int, description: str) -> dict[str, Any]:
    """An integer between `minimum` and `maximum`, both included."""
    return {
        "type": "integer",
        "minimum": minimum,
        "maximum": maximum,
        "default": default,
        "description": description,
    }
