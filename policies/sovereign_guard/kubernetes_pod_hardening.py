"""Kubernetes workloads: the container hardening of Pod Security `restricted`, for any program.

Every container (containers, initContainers, ephemeralContainers) of every workload kind and its
Patch variant (kubernetes_podspec.py) must: disable privilege escalation explicitly, drop ALL
capabilities and add none but NET_BIND_SERVICE, run as non-root (runAsNonRoot true at container
level, or at pod level without a container turning it off; never runAsUser 0), and run under a
RuntimeDefault or Localhost seccomp profile (container level, else pod level). These are the
`restricted` rules that do not give the node away outright (kubernetes_workloads.py has those).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .kubernetes_podspec import WORKLOAD_TYPES, Container, container_findings, pod_security, require_pod_spec
from .values import as_bool, get, get_int, get_list, get_map, get_str

ALLOWED_ADDED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
SECCOMP_TYPES = ("RuntimeDefault", "Localhost")


def _capability(name: Any) -> str:
    """`SYS_ADMIN` for `sys_admin` or `CAP_SYS_ADMIN` (the runtime accepts both spellings)."""
    text = str(name).strip().upper()
    return text[4:] if text.startswith("CAP_") else text


def capability_problems(container: Container) -> Iterator[str]:
    security = container.security
    if as_bool(get(security, "allowPrivilegeEscalation")) is not False:
        yield "allowPrivilegeEscalation is not false (a setuid binary can gain privileges)"
    capabilities = get_map(security, "capabilities")
    added = [_capability(c) for c in get_list(capabilities, "add")]
    extra = sorted({c for c in added if c not in ALLOWED_ADDED_CAPABILITIES})
    if extra:
        yield f"capabilities.add grants {', '.join(extra)} (only NET_BIND_SERVICE may be added)"
    if "ALL" not in [str(c) for c in get_list(capabilities, "drop")]:
        yield "capabilities.drop does not list ALL"


def _capabilities(ctx: Context) -> Iterator[str]:
    yield from container_findings(ctx, require_pod_spec(ctx), capability_problems)


CAPABILITIES = resource_policy(
    Meta(
        name="kubernetes-workload-restrict-capabilities",
        description=(
            "Every container disables privilege escalation, drops ALL capabilities and adds none but "
            "NET_BIND_SERVICE, in any workload kind or its patch."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "In each container's securityContext set allowPrivilegeEscalation: false and capabilities: "
            "{drop: [ALL]}; add NET_BIND_SERVICE only for a process that must bind a port below 1024."
        ),
        references=("ft082-r8", "nsa-k8s-privileged", "nsa-k8s-admission"),
        types=WORKLOAD_TYPES,
    ),
    _capabilities,
)


def non_root_problems(container: Container, pod: Mapping[str, Any]) -> Iterator[str]:
    own = as_bool(get(container.security, "runAsNonRoot"))
    inherited = as_bool(get(pod, "runAsNonRoot"))
    if own is False:
        yield "runAsNonRoot is false"
    elif own is None and inherited is not True:
        yield "runAsNonRoot is true neither on the container nor on the pod"
    user = get_int(container.security, "runAsUser")
    if user is None:
        user = get_int(pod, "runAsUser")
    if user == 0:
        yield "runAsUser is 0 (root)"


def _non_root(ctx: Context) -> Iterator[str]:
    spec = require_pod_spec(ctx)
    pod = pod_security(spec)
    yield from container_findings(ctx, spec, lambda container: non_root_problems(container, pod))


NON_ROOT = resource_policy(
    Meta(
        name="kubernetes-workload-require-non-root",
        description=(
            "Every container runs as non-root: runAsNonRoot true on the container or the pod, never "
            "runAsUser 0, in any workload kind or its patch."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set securityContext.runAsNonRoot: true and a runAsUser above 10000 on the pod (or each "
            "container), and build the image to run as that user."
        ),
        references=("ft082-r7", "nsa-k8s-non-root", "nsa-k8s-admission"),
        types=WORKLOAD_TYPES,
    ),
    _non_root,
)


def seccomp_type(container: Container, pod: Mapping[str, Any]) -> str | None:
    """The seccomp profile type in force for the container: its own, else the pod's."""
    own = get_str(get_map(container.security, "seccompProfile"), "type")
    return own if own is not None else get_str(get_map(pod, "seccompProfile"), "type")


def seccomp_problems(container: Container, pod: Mapping[str, Any]) -> Iterator[str]:
    profile = seccomp_type(container, pod)
    if profile not in SECCOMP_TYPES:
        shown = f"seccompProfile.type {profile!r}" if profile else "no seccompProfile.type"
        yield f"{shown} on the container or the pod (RuntimeDefault, Localhost)"


def _seccomp(ctx: Context) -> Iterator[str]:
    spec = require_pod_spec(ctx)
    pod = pod_security(spec)
    yield from container_findings(ctx, spec, lambda container: seccomp_problems(container, pod))


SECCOMP = resource_policy(
    Meta(
        name="kubernetes-workload-require-seccomp",
        description=(
            "Every container runs under a RuntimeDefault or Localhost seccomp profile (its own or the "
            "pod's), in any workload kind or its patch."
        ),
        severity=Severity.MEDIUM,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set securityContext.seccompProfile: {type: RuntimeDefault} on the pod (or Localhost with a "
            "profile the nodes carry); never Unconfined."
        ),
        references=("ft082-r8", "nsa-k8s-seccomp", "nsa-k8s-admission"),
        types=WORKLOAD_TYPES,
    ),
    _seccomp,
)

POLICIES = (CAPABILITIES, NON_ROOT, SECCOMP)
