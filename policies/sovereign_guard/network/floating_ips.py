"""Floating IPs: only the bastion has a public address, and every floating IP is traced to its target."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ..framework import Context, Finding, Meta, stack_policy
from ..values import is_set
from .graph import depends_on, deps_of, is_bastion
from .rules import COMPUTE_FIP_ASSOC, FIP, FIP_ASSOC, INSTANCE, PORT


def _fip_targets(assoc: Any, instances: list[Any]) -> tuple[list[Any], list[str]]:
    """The instances a floating IP (or an association) lands on, and what could not be traced.

    Followed through the propertyDependencies of portId (networking) or instanceId (compute): a
    Port leads to the instances whose inputs depend on it; an Instance is the target itself
    (`port_id=vm.networks.apply(...)`). Anything else (a literal id, a port no instance of the
    stack uses, another resource type) cannot be traced and is returned as unresolved.
    """
    key = "instanceId" if assoc.resource_type == COMPUTE_FIP_ASSOC else "portId"
    if assoc.resource_type == FIP and not is_set(assoc.props, key):
        return [], []  # an unassociated floating IP; its FloatingIpAssociate is checked instead
    deps = list(deps_of(assoc, key))
    if not deps:
        if not is_set(assoc.props, key):
            return [], [f"no {key}"]
        return [], [f"{key} is not an output of a resource of this stack (a literal or external id)"]
    targets: list[Any] = []
    unresolved: list[str] = []
    for dep in deps:
        dep_type = getattr(dep, "resource_type", "")
        if dep_type == INSTANCE:
            targets.append(dep)
        elif dep_type == PORT and key == "portId":
            users = [i for i in instances if depends_on(i, dep)]
            if users:
                targets += users
            else:
                unresolved.append(f"port {dep.name!r} is attached to no instance of this stack")
        else:
            unresolved.append(f"{key} comes from {dep_type} {dep.name!r}, not from a port or an instance")
    return targets, unresolved


def _floating_ips(ctx: Context) -> Iterator[Finding]:
    resources = ctx.args.resources
    instances = [r for r in resources if r.resource_type == INSTANCE]
    bastion_role = "role:bastion tag or metadata role=bastion"
    for assoc in resources:
        if assoc.resource_type not in (FIP, FIP_ASSOC, COMPUTE_FIP_ASSOC):
            continue
        targets, unresolved = _fip_targets(assoc, instances)
        for instance in targets:
            if not is_bastion(instance):
                yield Finding(
                    f"floating IP on instance {instance.name!r}, which is not the bastion "
                    f"({bastion_role}): only "
                    "the bastion has a public address; publish services through the load balancer in the dmz",
                    assoc.urn,
                )
        for why in unresolved:
            yield Finding(
                f"floating IP whose target cannot be traced to the bastion ({why}): the pack fails closed; "
                "associate it with the bastion's port (port_id=port.id) or the bastion instance",
                assoc.urn,
            )


FLOATING_IPS = stack_policy(
    Meta(
        name="network-floating-ip-restrict-bastion",
        description=(
            "Only the bastion instance gets a floating IP; a floating IP whose target cannot be traced to "
            "the bastion is refused."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Remove the floating IP; reach the instance through the bastion for administration, and publish "
            "services through a load balancer in an exposed zone. Associate the bastion's floating IP "
            "with an output of the bastion's port or instance (port_id=port.id), never a literal id, so "
            "that the pack can trace it."
        ),
        references=("snc-9.6.d", "snc-9.7.c", "pa022-r15", "pa022-r68"),
        types=(FIP, FIP_ASSOC, COMPUTE_FIP_ASSOC),
        reads=(INSTANCE, PORT),
    ),
    _floating_ips,
)
