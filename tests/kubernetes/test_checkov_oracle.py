"""The Checkov helper itself: offline runs, integral floats, and what Checkov sees in our manifests.

The pack-versus-Checkov comparison is in tests/policies/test_kubernetes_checkov.py.
"""

from __future__ import annotations

import yaml

from tests.checkov import integral_ints, manifests_yaml, run_checkov
from tests.kubernetes import manifests as m

# Checkov ids for the pod rules the bad workload breaks: privileged (16), hostPID (17), hostIPC
# (18), hostNetwork (19), allowPrivilegeEscalation (20), added capabilities (39) and no drop ALL
# (37), hostPort (26). Checkov has no rule for a hostPath to /etc (CKV_K8S_27 is docker.sock only).
BAD_POD_IDS = {
    "CKV_K8S_16",
    "CKV_K8S_17",
    "CKV_K8S_18",
    "CKV_K8S_19",
    "CKV_K8S_20",
    "CKV_K8S_26",
    "CKV_K8S_37",
    "CKV_K8S_39",
}


def test_integral_floats_are_written_as_ints_and_booleans_stay() -> None:
    doc = {"a": 10001.0, "b": [1.5, 2.0, True], "c": {"d": False}}
    assert integral_ints(doc) == {"a": 10001, "b": [1.5, 2, True], "c": {"d": False}}
    text = manifests_yaml([m.hardened_deployment()])
    assert "runAsUser: 10001\n" in text and "10001.0" not in text
    assert list(yaml.safe_load_all(manifests_yaml([m.default_deny(), m.bad_pod()])))[1]["kind"] == "Pod"


def test_the_hardened_workload_passes_every_check(checkov: str) -> None:
    result = run_checkov([m.default_deny(), m.hardened_deployment()], checkov)
    assert result.exit_code == 0 and result.failed_ids() == set()
    # A real run, not an empty report: Checkov's pod checks ran on the Deployment.
    assert {"CKV_K8S_16", "CKV_K8S_19", "CKV_K8S_40"} <= result.passed_ids(
        result.resource("Deployment", "web")
    )


def test_the_bad_workload_is_flagged(checkov: str) -> None:
    result = run_checkov([m.default_deny(), m.bad_pod()], checkov)
    assert result.exit_code == 1
    assert result.failed_ids(result.resource("Pod", "bad")) >= BAD_POD_IDS


def test_a_workload_without_a_network_policy_in_the_scan_fails_ckv2_k8s_6(checkov: str) -> None:
    result = run_checkov([m.hardened_deployment()], checkov)
    assert result.failed_ids() == {"CKV2_K8S_6"}
