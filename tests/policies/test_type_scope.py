"""type_scope: the two-look-up matcher answers as type_matches does, pattern by pattern."""

from __future__ import annotations

import itertools

from sovereign_guard.type_scope import any_matches, matcher, type_matches

from . import conftest  # noqa: F401  (puts the pack on sys.path before sovereign_guard is imported)

PATTERNS = [
    "openstack:compute/instance:Instance",
    "openstack:networking/*",
    "pulumi:providers:*",
    "*",
    "kubernetes:apps/v1:Deployment",
]
TYPES = [
    "openstack:compute/instance:Instance",
    "openstack:compute/instance:InstanceX",
    "openstack:networking/port:Port",
    "openstack:networkingX",
    "pulumi:providers:openstack",
    "pulumi:pulumi:Stack",
    "kubernetes:apps/v1:Deployment",
    "",
]


def test_the_matcher_answers_as_type_matches_for_every_combination_of_patterns() -> None:
    for size in range(len(PATTERNS) + 1):
        for patterns in itertools.combinations(PATTERNS, size):
            in_scope = matcher(patterns)
            for resource_type in TYPES:
                expected = any(type_matches(p, resource_type) for p in patterns)
                assert in_scope(resource_type) == expected, (patterns, resource_type)
                assert any_matches(patterns, [resource_type]) == expected


def test_no_patterns_match_nothing_and_a_star_matches_everything() -> None:
    assert not any(matcher(())(t) for t in TYPES)
    assert all(matcher(("*",))(t) for t in TYPES)
