"""The pack's pod rules against an independent judge, Checkov (FACTS-kubernetes §5; issue 11).

Checkov and the pack were written apart, so agreeing on the same manifests is evidence that each
rule reads the right field: the hardened workload passes both (Checkov: every check, with the
default-deny NetworkPolicy it wants in the scan), the deliberately bad workload is flagged by
both, and each single way to break a pod rule, applied to the hardened Deployment, is flagged by
the pack policy and by the Checkov check that cover it. All the manifests go to one Checkov run.
Checkov has no rule for a hostPath outside docker.sock, the registry allow-list, Services or PSA
labels, so those are the pack's alone (tests in test_kubernetes_workloads.py and _objects.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sovereign_guard import kubernetes_images, kubernetes_pod_hardening, kubernetes_workloads

from tests.checkov import CheckovResult, require_checkov, run_checkov
from tests.kubernetes import manifests as m

from .conftest import Result, run

POD = "kubernetes:core/v1:Pod"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
REGISTRIES = {"allowedRegistries": [m.REGISTRY]}
POLICIES = {
    p.name: p
    for p in (*kubernetes_workloads.POLICIES, *kubernetes_pod_hardening.POLICIES, *kubernetes_images.POLICIES)
}


def pack(type_: str, props: dict[str, Any]) -> dict[str, Result]:
    return {
        name: run(
            policy,
            type_,
            props,
            config=REGISTRIES if name == "kubernetes-image-restrict-registries" else None,
        )
        for name, policy in POLICIES.items()
    }


def container(spec: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = spec["template"]["spec"]["containers"][0]
    return first


def _privileged(d: dict[str, Any]) -> None:
    container(d["spec"])["securityContext"]["privileged"] = True


def _host(key: str) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        d["spec"]["template"]["spec"][key] = True

    return change


def _escalation(d: dict[str, Any]) -> None:
    container(d["spec"])["securityContext"]["allowPrivilegeEscalation"] = True


def _host_port(d: dict[str, Any]) -> None:
    container(d["spec"])["ports"][0]["hostPort"] = 8080.0


def _no_drop_all(d: dict[str, Any]) -> None:
    container(d["spec"])["securityContext"]["capabilities"] = {"drop": ["NET_RAW"]}


def _add_sys_admin(d: dict[str, Any]) -> None:
    container(d["spec"])["securityContext"]["capabilities"]["add"] = ["SYS_ADMIN"]


def _root(d: dict[str, Any]) -> None:
    pod = d["spec"]["template"]["spec"]
    for security in (pod["securityContext"], container(d["spec"])["securityContext"]):
        security.pop("runAsNonRoot")
        security["runAsUser"] = 0.0


def _no_seccomp(d: dict[str, Any]) -> None:
    pod = d["spec"]["template"]["spec"]
    pod["securityContext"].pop("seccompProfile")
    container(d["spec"])["securityContext"].pop("seccompProfile")


# name -> (change to the hardened Deployment, pack policy, Checkov check)
MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "privileged": (_privileged, "kubernetes-workload-disallow-privileged", "CKV_K8S_16"),
    "host-pid": (_host("hostPID"), "kubernetes-workload-disallow-host-namespaces", "CKV_K8S_17"),
    "host-ipc": (_host("hostIPC"), "kubernetes-workload-disallow-host-namespaces", "CKV_K8S_18"),
    "host-network": (_host("hostNetwork"), "kubernetes-workload-disallow-host-namespaces", "CKV_K8S_19"),
    "escalation": (_escalation, "kubernetes-workload-restrict-capabilities", "CKV_K8S_20"),
    "host-port": (_host_port, "kubernetes-workload-disallow-host-namespaces", "CKV_K8S_26"),
    "no-drop-all": (_no_drop_all, "kubernetes-workload-restrict-capabilities", "CKV_K8S_37"),
    "sys-admin": (_add_sys_admin, "kubernetes-workload-restrict-capabilities", "CKV_K8S_39"),
    "root": (_root, "kubernetes-workload-require-non-root", "CKV_K8S_23"),
    "no-seccomp": (_no_seccomp, "kubernetes-workload-require-seccomp", "CKV_K8S_31"),
}


def mutated(key: str) -> dict[str, Any]:
    deployment = m.hardened_deployment(f"m-{key}")
    MUTATIONS[key][0](deployment)
    return deployment


@pytest.fixture(scope="module")
def verdict() -> CheckovResult:
    """One Checkov run over the baseline, the bad Pod and every mutated Deployment; skips loudly
    without Checkov, fails under SLZ_REQUIRE_TOOLS=1 (tests/checkov.py)."""
    manifests = [m.default_deny(), m.hardened_deployment(), m.bad_pod(), *(mutated(k) for k in MUTATIONS)]
    return run_checkov(manifests, require_checkov())


def test_the_hardened_workload_passes_checkov_and_the_pack(verdict: CheckovResult) -> None:
    web = verdict.resource("Deployment", "web")
    assert verdict.failed_ids(web) == set() and len(verdict.passed_ids(web)) > 50
    results = pack(DEPLOYMENT, m.hardened_deployment())
    assert all(r.ok and r.not_applicable is None for r in results.values()), {
        n: r.text() for n, r in results.items() if r.violations
    }


def test_the_bad_workload_is_flagged_by_both(verdict: CheckovResult) -> None:
    failed = verdict.failed_ids(verdict.resource("Pod", "bad"))
    assert {"CKV_K8S_16", "CKV_K8S_19", "CKV_K8S_39", "CKV_K8S_17", "CKV_K8S_25"} <= failed
    results = pack(POD, m.bad_pod())
    flagged = {name for name, r in results.items() if r.violations}
    assert flagged == set(POLICIES), set(POLICIES) - flagged  # every pod policy, hostPath /etc included
    assert "'/etc'" in results["kubernetes-workload-disallow-host-path"].text()


@pytest.mark.parametrize("key", MUTATIONS)
def test_each_pod_rule_is_flagged_by_the_pack_and_by_checkov(key: str, verdict: CheckovResult) -> None:
    _, policy, check = MUTATIONS[key]
    assert check in verdict.failed_ids(verdict.resource("Deployment", f"m-{key}"))
    results = pack(DEPLOYMENT, mutated(key))
    assert {name for name, r in results.items() if r.violations} == {policy}
