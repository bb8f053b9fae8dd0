"""Components whose content preflight cannot see: reported, never passed in silence.

pulumi-kubernetes' `kubernetes:yaml/v2:ConfigFile`, `ConfigGroup` and `kubernetes:helm.sh/v4:Chart`
register as a single component with no children when the program runs offline (they expand their
manifests through the provider, which preflight does not run). The pack therefore never sees the
Pods, Services or RoleBindings inside them. Each one becomes an advisory finding naming the
resource, so a reviewer knows what was not analysed; the Pulumi CLI's preview, with the pack,
analyses the expanded objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .model import Location, Violation

if TYPE_CHECKING:
    from .registration import Registration

POLICY = "preflight-kubernetes-manifests-not-analysed"
DESCRIPTION = "Kubernetes manifests inside a yaml/v2 or helm.sh/v4 component are not analysed offline."
PACK = "preflight"
OPAQUE_PREFIXES = ("kubernetes:yaml/v2:", "kubernetes:helm.sh/v4:")
REMEDIATION = (
    "Run `pulumi preview --policy-pack policies` with the real CLI, which expands the component and "
    "lets the pack analyse every object; or declare the objects as pulumi-kubernetes resources of "
    "their own so that preflight analyses them offline."
)


def is_opaque(resource_type: str) -> bool:
    return resource_type.startswith(OPAQUE_PREFIXES)


def opaque_component_findings(
    stack: str,
    registrations: Iterable[Registration],
    where: Callable[[Registration], Location | None],
    version: str,
    scrub: Callable[[str], str] = str,
) -> list[Violation]:
    """One advisory finding per yaml/v2 or helm.sh/v4 component of the program; `scrub` takes
    secrets out of names and URNs, as for every other finding."""
    return [
        Violation(
            stack=stack,
            policy=POLICY,
            pack=PACK,
            pack_version=version,
            enforcement="advisory",
            severity="medium",
            message=(
                f"{reg.type} '{scrub(reg.name)}' registers no children offline: the Kubernetes objects it "
                "renders were not analysed by the policy pack"
            ),
            description=DESCRIPTION,
            urn=scrub(reg.urn),
            resource_type=reg.type,
            resource_name=scrub(reg.name),
            location=where(reg),
            framework=None,
            remediation=REMEDIATION,
            url="",
            tags=("kubernetes", "coverage"),
            phase="resource",
        )
        for reg in registrations
        if is_opaque(reg.type)
    ]
