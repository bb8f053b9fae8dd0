"""Where a Kubernetes workload keeps its pod spec, and the containers in it (no policy here).

pulumi-kubernetes sends an object's manifest as its wire inputs, camelCase (FACTS-kubernetes §3, §6).
The pod spec sits at a path that depends on the kind; every `…Patch` type (server-side apply) uses
the same path as its kind. A patch carries only the fields it sets, and the pack never sees the
live object it applies to, so the pod policies judge a patch's pod spec like a full one: a patch
that touches a pod spec must carry its hardening itself (fail closed). A patch that sets no pod spec
(replicas only, say) is not applicable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .framework import Context, Unreadable
from .values import get, get_list, shape

K8S = "kubernetes"

# kind -> (type token without the Patch suffix, path from the manifest to the pod spec)
_WORKLOADS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Pod": ("kubernetes:core/v1:Pod", ("spec",)),
    "PodTemplate": ("kubernetes:core/v1:PodTemplate", ("template", "spec")),
    "ReplicationController": ("kubernetes:core/v1:ReplicationController", ("spec", "template", "spec")),
    "Deployment": ("kubernetes:apps/v1:Deployment", ("spec", "template", "spec")),
    "StatefulSet": ("kubernetes:apps/v1:StatefulSet", ("spec", "template", "spec")),
    "DaemonSet": ("kubernetes:apps/v1:DaemonSet", ("spec", "template", "spec")),
    "ReplicaSet": ("kubernetes:apps/v1:ReplicaSet", ("spec", "template", "spec")),
    "Job": ("kubernetes:batch/v1:Job", ("spec", "template", "spec")),
    "CronJob": ("kubernetes:batch/v1:CronJob", ("spec", "jobTemplate", "spec", "template", "spec")),
}

# Older API versions pulumi-kubernetes 4.x still ships types for. Current clusters refuse them, but
# the pack judges the program, not the cluster: the same pod spec in an old version is no safer.
_OLD_VERSIONS: dict[str, tuple[str, ...]] = {
    "Deployment": ("apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"),
    "StatefulSet": ("apps/v1beta1", "apps/v1beta2"),
    "DaemonSet": ("apps/v1beta2", "extensions/v1beta1"),
    "ReplicaSet": ("apps/v1beta2", "extensions/v1beta1"),
    "CronJob": ("batch/v1beta1", "batch/v2alpha1"),
}

POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {}
for _kind, (_token, _path) in _WORKLOADS.items():
    for _version_token in (_token, *(f"kubernetes:{v}:{_kind}" for v in _OLD_VERSIONS.get(_kind, ()))):
        POD_SPEC_PATHS[_version_token] = _path
        POD_SPEC_PATHS[_version_token + "Patch"] = _path

WORKLOAD_TYPES: tuple[str, ...] = tuple(POD_SPEC_PATHS)
"""Every workload type token the pod policies check, the Patch variants included."""

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def kind_of(resource_type: str) -> str:
    """`Deployment` for `kubernetes:apps/v1:Deployment`, `DeploymentPatch` for its patch."""
    return resource_type.rsplit(":", 1)[-1]


def pod_spec(resource_type: str, props: Any) -> Mapping[str, Any] | None:
    """The pod spec of a workload's wire inputs; None when the manifest holds none.

    A step of the path that is set but is not an object is Unreadable, never "no pod spec": a
    manifest the pack cannot read is not one it may pass."""
    node: Any = props
    walked: list[str] = []
    for key in POD_SPEC_PATHS[resource_type]:
        if node is not None and not isinstance(node, Mapping):
            raise Unreadable(f"{'.'.join(walked)} is a {shape(node)}, not an object")
        node = get(node, key)
        walked.append(key)
        if node is None:
            return None
    if not isinstance(node, Mapping):
        raise Unreadable(f"{'.'.join(walked)} is a {shape(node)}, not an object")
    return node


def require_pod_spec(ctx: Context) -> Mapping[str, Any]:
    """The pod spec, or not applicable (a patch that changes no pod spec)."""
    kind = ctx.args.resource_type
    spec = pod_spec(kind, ctx.args.props)
    if spec is None:
        path = ".".join(POD_SPEC_PATHS[kind])
        ctx.not_applicable(f"the {kind_of(kind)} sets no pod spec ({path})")
    return spec


@dataclass(frozen=True)
class Container:
    """One container of a pod spec, with where it is (for messages)."""

    where: str
    """`containers[0] 'web'`: the list, the index and the name."""
    spec: Mapping[str, Any]

    @property
    def security(self) -> Mapping[str, Any]:
        value = get(self.spec, "securityContext")
        return value if isinstance(value, Mapping) else {}


def containers(spec: Mapping[str, Any]) -> Iterator[Container]:
    """Every container, init container and ephemeral container of a pod spec."""
    for key in CONTAINER_LISTS:
        for index, item in enumerate(get_list(spec, key)):
            if not isinstance(item, Mapping):
                continue
            name = get(item, "name")
            label = f" {name!r}" if isinstance(name, str) and name else ""
            yield Container(f"{key}[{index}]{label}", item)


def pod_security(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    value = get(spec, "securityContext")
    return value if isinstance(value, Mapping) else {}


def container_findings(
    ctx: Context, spec: Mapping[str, Any], problems: Callable[[Container], Iterable[str]]
) -> Iterator[str]:
    """`<Kind> <container>: <problem>` for each problem `problems` finds in each container of `spec`:
    the one way the per-container policies name what they refuse."""
    kind = kind_of(ctx.args.resource_type)
    for container in containers(spec):
        for problem in problems(container):
            yield f"{kind} {container.where}: {problem}"
