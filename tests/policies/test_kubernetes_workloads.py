"""The pod policies on every workload kind and its Patch variant (issue 11).

One compliant baseline, then each way to fail applied to each of the 40 workload types (9 kinds,
their older API versions, and the Patch variant of each): the policy it belongs to reports it, and
no other pod policy does (so a test proves the mutation is judged by the right rule, not by a side
effect).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sovereign_guard import (
    kubernetes_images,
    kubernetes_pod_hardening,
    kubernetes_workloads,
)

from tests.kubernetes import manifests as m

from .conftest import UNKNOWN, Result, run

REGISTRIES = {"allowedRegistries": [m.REGISTRY, "harbor.internal.example:443/"]}
POD_POLICIES = {
    p.name: p
    for p in (
        *kubernetes_workloads.POLICIES,
        *kubernetes_pod_hardening.POLICIES,
        *kubernetes_images.POLICIES,
    )
}
PRIVILEGED = "kubernetes-workload-disallow-privileged"
HOST_NS = "kubernetes-workload-disallow-host-namespaces"
HOST_PATH = "kubernetes-workload-disallow-host-path"
CAPS = "kubernetes-workload-restrict-capabilities"
NON_ROOT = "kubernetes-workload-require-non-root"
SECCOMP = "kubernetes-workload-require-seccomp"
IMAGES = "kubernetes-image-restrict-registries"


def judge(type_: str, spec: dict[str, Any], config: dict[str, Any] | None = None) -> dict[str, Result]:
    props = m.workload(type_, spec)
    return {
        name: run(policy, type_, props, config=(config or REGISTRIES) if name == IMAGES else None)
        for name, policy in POD_POLICIES.items()
    }


def violated(results: dict[str, Result]) -> set[str]:
    return {name for name, result in results.items() if result.violations}


def spec_with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    spec = m.hardened_pod_spec()
    change(spec)
    return spec


def first(spec: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = spec["containers"][0]
    return container


def sc(spec: dict[str, Any]) -> dict[str, Any]:
    security: dict[str, Any] = first(spec)["securityContext"]
    return security


def extra(list_key: str, **security: Any) -> Callable[[dict[str, Any]], None]:
    """Adds a second container to `list_key`, hardened but for `security`."""

    def change(spec: dict[str, Any]) -> None:
        container = m.hardened_container(name="helper")
        container["securityContext"].update(security)
        spec.setdefault(list_key, []).append(container)

    return change


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Sets a dotted path in the pod spec; `c.` starts at the first container's securityContext."""

    def change(spec: dict[str, Any]) -> None:
        node = sc(spec) if path.startswith("c.") else spec
        keys = path.removeprefix("c.").split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        node = sc(spec) if path.startswith("c.") else spec
        keys = path.removeprefix("c.").split(".")
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return change


def _both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        for c in changes:
            c(spec)

    return change


def _image(image: str) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        first(spec)["image"] = image

    return change


def _host_path(spec: dict[str, Any]) -> None:
    spec["volumes"].append({"name": "etc", "hostPath": {"path": "/etc"}})


def _host_port(spec: dict[str, Any]) -> None:
    first(spec)["ports"][0]["hostPort"] = 8080.0


def _init_image(spec: dict[str, Any]) -> None:
    spec["initContainers"][0]["image"] = "busybox"


# (id, change, the one policy that must report it, a word of its message)
WAYS_TO_FAIL: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("privileged", _set("c.privileged", True), PRIVILEGED, "privileged"),
    ("privileged-init", extra("initContainers", privileged=True), PRIVILEGED, "initContainers[0]"),
    (
        "privileged-ephemeral",
        extra("ephemeralContainers", privileged=True),
        PRIVILEGED,
        "ephemeralContainers",
    ),
    ("host-network", _set("hostNetwork", True), HOST_NS, "hostNetwork"),
    ("host-pid", _set("hostPID", True), HOST_NS, "hostPID"),
    ("host-ipc", _set("hostIPC", True), HOST_NS, "hostIPC"),
    ("host-port", _host_port, HOST_NS, "hostPort 8080"),
    ("host-path", _host_path, HOST_PATH, "'/etc'"),
    ("escalation-unset", _drop("c.allowPrivilegeEscalation"), CAPS, "allowPrivilegeEscalation"),
    ("escalation-true", _set("c.allowPrivilegeEscalation", True), CAPS, "allowPrivilegeEscalation"),
    ("escalation-init", extra("initContainers", allowPrivilegeEscalation=None), CAPS, "initContainers"),
    ("cap-add", _set("c.capabilities.add", ["NET_BIND_SERVICE", "SYS_ADMIN"]), CAPS, "SYS_ADMIN"),
    ("cap-add-prefixed", _set("c.capabilities.add", ["cap_net_raw"]), CAPS, "NET_RAW"),
    ("no-drop-all", _set("c.capabilities.drop", ["NET_RAW"]), CAPS, "ALL"),
    ("no-capabilities", _drop("c.capabilities"), CAPS, "ALL"),
    (
        "non-root-unset",
        _both(_drop("c.runAsNonRoot"), _drop("securityContext.runAsNonRoot")),
        NON_ROOT,
        "neither",
    ),
    ("non-root-false", _set("c.runAsNonRoot", False), NON_ROOT, "runAsNonRoot is false"),
    ("run-as-root", _set("c.runAsUser", 0.0), NON_ROOT, "runAsUser is 0"),
    ("non-root-ephemeral", extra("ephemeralContainers", runAsNonRoot=False), NON_ROOT, "ephemeralContainers"),
    (
        "seccomp-unset",
        _both(_drop("c.seccompProfile"), _drop("securityContext.seccompProfile")),
        SECCOMP,
        "no seccompProfile",
    ),
    ("seccomp-unconfined", _set("c.seccompProfile", {"type": "Unconfined"}), SECCOMP, "'Unconfined'"),
    ("image-docker-hub", _image("nginx:1.27"), IMAGES, "docker.io"),
    ("image-docker-hub-path", _image("team/app:1"), IMAGES, "docker.io"),
    ("image-look-alike", _image("registry.example.fr.evil.com/team/web:1"), IMAGES, "not from an allowed"),
    ("image-other-registry", _image("ghcr.io/team/web:1"), IMAGES, "not from an allowed"),
    ("image-init", _both(extra("initContainers"), _init_image), IMAGES, "initContainers[0]"),
]


@pytest.mark.parametrize("type_", m.WORKLOAD_TYPES)
def test_the_hardened_pod_spec_passes_every_pod_policy(type_: str) -> None:
    results = judge(type_, m.hardened_pod_spec())
    for name, result in results.items():
        assert result.ok and result.not_applicable is None, (name, result.text())


@pytest.mark.parametrize("type_", m.WORKLOAD_TYPES)
@pytest.mark.parametrize(
    ("change", "policy", "needle"), [w[1:] for w in WAYS_TO_FAIL], ids=[w[0] for w in WAYS_TO_FAIL]
)
def test_each_way_to_fail_is_reported_by_its_policy_only(
    type_: str, change: Callable[[dict[str, Any]], None], policy: str, needle: str
) -> None:
    results = judge(type_, spec_with(change))
    assert violated(results) == {policy}, {n: r.text() for n, r in results.items() if r.violations}
    assert needle in results[policy].text()
    assert type_.rsplit(":", 1)[-1] in results[policy].text()  # the message names the kind


@pytest.mark.parametrize(
    "change",
    [
        _set("c.capabilities.add", ["NET_BIND_SERVICE"]),  # the one capability that may be added
        _both(_drop("c.runAsNonRoot")),  # the pod's runAsNonRoot applies
        _both(_drop("securityContext.seccompProfile"), _set("c.seccompProfile", {"type": "Localhost"})),
        _image("harbor.internal.example:443/team/web:1"),
    ],
    ids=["net-bind-service", "pod-level-non-root", "container-localhost-seccomp", "second-registry"],
)
def test_allowed_variants_pass(change: Callable[[dict[str, Any]], None]) -> None:
    results = judge("kubernetes:apps/v1:Deployment", spec_with(change))
    assert violated(results) == set(), {n: r.text() for n, r in results.items() if r.violations}


def test_an_empty_allow_list_refuses_every_image() -> None:
    result = run(
        POD_POLICIES[IMAGES],
        "kubernetes:core/v1:Pod",
        m.workload("kubernetes:core/v1:Pod", m.hardened_pod_spec()),
        config={"allowedRegistries": []},
    )
    assert "allow-list (allowedRegistries) is empty" in result.text()
    default = run(
        POD_POLICIES[IMAGES],
        "kubernetes:core/v1:Pod",
        m.workload("kubernetes:core/v1:Pod", m.hardened_pod_spec()),
    )
    assert "is empty" in default.text()  # the default list is empty: fail closed


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ("registry.example.fr", "does not end with '/'"),
        ("https://registry.example.fr/", "has a scheme"),
        ("team/", "registry host"),
        ("", "non-empty"),
    ],
)
def test_a_malformed_allow_list_entry_is_named(entry: str, needle: str) -> None:
    config = {"allowedRegistries": [m.REGISTRY, entry]}
    results = judge("kubernetes:apps/v1:Deployment", m.hardened_pod_spec(), config)
    text = results[IMAGES].text()
    assert "policy config allowedRegistries entry" in text and needle in text


@pytest.mark.parametrize("type_", [t for t in m.WORKLOAD_TYPES if t.endswith("Patch")])
def test_a_patch_without_a_pod_spec_is_not_applicable(type_: str) -> None:
    props = m.workload(type_, {})
    path = m.WORKLOAD_PATHS[type_.removesuffix("Patch")]
    node = props
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    for name, policy in POD_POLICIES.items():
        result = run(policy, type_, props, config=REGISTRIES if name == IMAGES else None)
        assert result.is_not_applicable, (name, result.text())
        assert "sets no pod spec" in (result.not_applicable or "")


def test_other_types_are_not_applicable() -> None:
    for policy in POD_POLICIES.values():
        result = run(policy, "kubernetes:core/v1:Service", {"spec": {"type": "ClusterIP"}})
        assert result.is_not_applicable


def test_an_unknown_pod_spec_is_reported_as_unknown_in_preview() -> None:
    props = m.workload("kubernetes:apps/v1:Deployment", m.hardened_pod_spec())
    props["spec"]["template"]["spec"] = UNKNOWN
    for policy in POD_POLICIES.values():
        assert run(policy, "kubernetes:apps/v1:Deployment", props).unknown is not None, policy.name


@pytest.mark.parametrize(
    ("where", "value", "shape"),
    [
        (("spec",), ["not", "an", "object"], "spec is a list"),
        (("spec", "template"), "x", "spec.template is a string"),
    ],
)
def test_a_pod_spec_path_of_the_wrong_shape_is_a_violation_never_not_applicable(
    where: tuple[str, ...], value: Any, shape: str
) -> None:
    props = m.workload("kubernetes:apps/v1:Deployment", m.hardened_pod_spec())
    node = props
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    for name, policy in POD_POLICIES.items():
        result = run(
            policy, "kubernetes:apps/v1:Deployment", props, config=REGISTRIES if name == IMAGES else None
        )
        assert result.violated, (name, result.text())
        assert f"{shape}, not an object" in result.text() and "treated as a violation" in result.text()
