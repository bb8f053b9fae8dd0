"""The Kubernetes policies in the real pack process, over the analyzer gRPC protocol (issue 11).

The same path the Pulumi CLI takes: the engine's config for every policy (schema defaults, then the
file), one Analyze per resource with its explicit provider. Proves the policies are in the served
pack, filter by type there, and stop the run on the bad workload only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from preflight.pack import PackSession
from preflight.wire import UNKNOWN
from tests.kubernetes import manifests as m

from .kubernetes_fixtures import KUBECONFIG
from .pack_helpers import CONFIG, analyze, analyze_request, configure, mandatory, pack_process

K8S_PROVIDER = "pulumi:providers:kubernetes"
EXPLICIT = (K8S_PROVIDER, "lz-k8s", {"kubeconfig": json.dumps(KUBECONFIG)})
POD_POLICIES = {
    "kubernetes-workload-disallow-privileged",
    "kubernetes-workload-disallow-host-namespaces",
    "kubernetes-workload-disallow-host-path",
    "kubernetes-workload-restrict-capabilities",
    "kubernetes-workload-require-non-root",
    "kubernetes-workload-require-seccomp",
    "kubernetes-image-restrict-registries",
}


@pytest.fixture(scope="module")
def pack() -> Iterator[PackSession]:
    with pack_process("dev") as session:
        configure(
            session, {**CONFIG, "kubernetes-image-restrict-registries": {"allowedRegistries": [m.REGISTRY]}}
        )
        yield session


def names(response: Any) -> set[str]:
    return {name for name, _ in mandatory(response)}


def test_the_bad_workload_stops_the_run_on_every_pod_rule(pack: PackSession) -> None:
    response = analyze(pack, analyze_request("kubernetes:core/v1:Pod", "bad", m.bad_pod(), prov=EXPLICIT))
    assert names(response) == POD_POLICIES


def test_the_hardened_workload_and_its_provider_pass(pack: PackSession) -> None:
    deployment = analyze_request(
        "kubernetes:apps/v1:Deployment", "web", m.hardened_deployment(), prov=EXPLICIT
    )
    assert mandatory(analyze(pack, deployment)) == []
    provider = analyze_request(*EXPLICIT)
    assert mandatory(analyze(pack, provider)) == []


def test_a_managed_cluster_is_refused_and_an_unknown_kubeconfig_waits_for_the_update(
    pack: PackSession,
) -> None:
    eks = json.loads(json.dumps(KUBECONFIG))
    eks["clusters"][0]["cluster"]["server"] = "https://ABC.gr7.eu-west-3.eks.amazonaws.com"
    refused = analyze(pack, analyze_request(K8S_PROVIDER, "eks", {"kubeconfig": json.dumps(eks)}))
    assert "kubernetes-provider-restrict-endpoint" in names(refused)
    unknown = analyze(pack, analyze_request(K8S_PROVIDER, "later", {"kubeconfig": UNKNOWN}))
    assert mandatory(unknown) == []
    assert any("can't run policy" in d.message for d in unknown.diagnostics)
