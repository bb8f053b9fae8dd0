"""Data classes and key custody: which classes a provider-held key may protect.

Shared by the bucket policies here and the key and volume policies of data_protection.py.
"""

from __future__ import annotations

from typing import Any

from ..config_fields import string_list

DATA_CLASSES = ("public", "internal", "sensitive", "health")
# The only classes a provider-held key may protect. Every other value (sensitive, health, a
# misspelt "Health", an unknown "phi", or none at all) needs customer-held keys: fail closed.
PROVIDER_KEY_CLASSES = ("public", "internal")


def customer_held_classes_config(description: str) -> dict[str, Any]:
    """The config schema shared by the policies that keep keys of some data classes off the provider."""
    return {"customerHeldClasses": string_list(["sensitive", "health"], description)}


def needs_customer_key(data_class: str | None, configured: list[str]) -> bool:
    """Whether a data class needs customer-held keys: every class but public and internal, plus
    any class the policy config adds."""
    return data_class not in PROVIDER_KEY_CLASSES or data_class in configured


def describe_class(data_class: str | None) -> str:
    if data_class is None:
        return "no dataClass (treated as sensitive)"
    if data_class not in DATA_CLASSES:
        return f"data class {data_class!r} (not one of {', '.join(DATA_CLASSES)}: treated as sensitive)"
    return f"data class {data_class}"
