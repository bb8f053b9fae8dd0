"""Test doubles of policies, registered with the real framework only for the length of a test."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity
from sovereign_guard import framework

from . import conftest  # noqa: F401  (puts the pack on sys.path before sovereign_guard is imported)


def double_meta(name: str, description: str, level: EnforcementLevel) -> framework.Meta:
    """The declaration of a test double over every type (its name must start with an area)."""
    return framework.Meta(
        name=name,
        description=description,
        severity=Severity.LOW,
        level=level,
        remediation="Nothing to remediate: a test double.",
        references=("choice-suppressions",),
        types=("*",),
    )


@contextlib.contextmanager
def crashing_policy(
    name: str, crash: Callable[[framework.Context], None]
) -> Iterator[ResourceValidationPolicy]:
    """A throw-away resource policy over every type whose check raises, registered only inside the
    block (the framework's fail-closed path, driven by a test double)."""
    meta = double_meta(name, "A test double whose check raises.", EnforcementLevel.MANDATORY)
    policy = framework.resource_policy(meta, crash)
    try:
        yield policy
    finally:
        framework.REGISTRY.pop(name)
        framework.POLICIES.pop(name)
