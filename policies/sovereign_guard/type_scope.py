"""Which resource types a policy is about: patterns are type tokens, prefixes ending with `*`
(`pulumi:providers:*`), or `*` alone for every type (framework.Meta.types)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable


def type_matches(pattern: str, resource_type: str) -> bool:
    if pattern.endswith("*"):
        return resource_type.startswith(pattern[:-1])
    return resource_type == pattern


@functools.lru_cache(maxsize=256)
def matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a type matches any of `patterns` (as type_matches says), in two look-ups: every
    policy asks it of every resource, and most policies are not about most types."""
    exact = frozenset(p for p in patterns if not p.endswith("*"))
    prefixes = tuple(p[:-1] for p in patterns if p.endswith("*"))
    return lambda resource_type: resource_type in exact or resource_type.startswith(prefixes)


def any_matches(patterns: Iterable[str], types: Iterable[str]) -> bool:
    in_scope = matcher(tuple(patterns))
    return any(in_scope(t) for t in types)
