"""Kubernetes role bindings to everyone, for any program.

A RoleBinding or ClusterRoleBinding to `system:anonymous`, `system:unauthenticated` or
`system:authenticated` grants its role to anyone who reaches the API (or to every user and service
account of the cluster), whatever the role: the cluster's own defaults already hold the few
discovery grants those groups need, and a program never has to add one.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .values import get_list, get_map, get_str

BINDING_TYPES = tuple(
    f"kubernetes:rbac.authorization.k8s.io/v1:{kind}{suffix}"
    for kind in ("RoleBinding", "ClusterRoleBinding")
    for suffix in ("", "Patch")
)
EVERYONE = frozenset({"system:anonymous", "system:unauthenticated", "system:authenticated"})


def _binding(ctx: Context) -> Iterator[str]:
    role = get_map(ctx.args.props, "roleRef")
    role_name = f"{get_str(role, 'kind') or 'role'} {get_str(role, 'name') or '?'}"
    subjects = get_list(ctx.args.props, "subjects")
    if not subjects:
        ctx.not_applicable("the binding names no subject")
    for index, subject in enumerate(subjects):
        name = get_str(subject, "name") or ""
        if name in EVERYONE:
            kind = get_str(subject, "kind") or "subject"
            yield f"subjects[{index}] {kind} {name!r} is granted {role_name}: everyone who reaches the API"


EVERYONE_BINDING = resource_policy(
    Meta(
        name="kubernetes-binding-disallow-anonymous-subjects",
        description=(
            "No RoleBinding or ClusterRoleBinding grants any role to system:anonymous, "
            "system:unauthenticated or system:authenticated."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Bind the role to named groups from the cluster's identity provider or to service accounts, "
            "with the least role that does the job."
        ),
        references=("snc-9.6.e", "nsa-k8s-authn"),
        types=BINDING_TYPES,
    ),
    _binding,
)

POLICIES = (EVERYONE_BINDING,)
