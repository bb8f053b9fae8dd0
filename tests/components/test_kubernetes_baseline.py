"""ClusterBaseline on the wire: an explicit provider from the secret kubeconfig, PSA, NetworkPolicies,
the default ServiceAccount, quotas, and the registry allow-list; and Magnum's locked-down template."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import CLUSTER_KUBECONFIG, key
from components.imported_keys import OFFLINE_PLACEHOLDER
from components.kubernetes.registry_policy import IMAGES, POD_SPEC, message_expression, validation_expression
from preflight.recorder import run_program
from tests.checkov import checkov, run_checkov
from tests.components.test_kubernetes_cluster import KUBECONFIG, build, is_secret, unwrap
from tests.kubernetes import manifests as m
from tests.support import PROJECT, REPO, WireMonitor, as_cli_config, stack_copy, wire

__all__ = ["checkov"]  # the fixture: skips without Checkov, fails under SLZ_REQUIRE_TOOLS=1
PROVIDER = "pulumi:providers:kubernetes"
PSA = "pod-security.kubernetes.io/"
UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the wire sentinel of an unknown value
# FACTS-kubernetes §4: the CEL verified on 9 sample objects with two engines, for these prefixes.
FACTS_PREFIXES = ("registry.example.fr/", "harbor.internal.example:443/")
FACTS_VALIDATION = (
    "variables.images.all(img, ['registry.example.fr/', 'harbor.internal.example:443/']"
    ".exists(p, img.startsWith(p)))"
)
FACTS_MESSAGE = (
    "'image(s) not from an allowed registry: ' + variables.images.filter(img, "
    "!['registry.example.fr/', 'harbor.internal.example:443/'].exists(p, img.startsWith(p))).join(', ')"
)


@pytest.fixture(scope="module")
def prod() -> WireMonitor:
    cfg = stack_copy("prod")
    cfg["kubernetes"]["namespaces"].append({"name": "public-ingress", "allowLoadBalancer": True})
    return build(cfg, kubeconfig=KUBECONFIG)


def _k8s(monitor: WireMonitor) -> list[dict[str, Any]]:
    return [r for r in monitor.registrations if r["type"].startswith("kubernetes:")]


def _by_type(monitor: WireMonitor, kind: str) -> dict[str, dict[str, Any]]:
    return {
        r["object"]["metadata"].get("namespace", "") + "/" + r["name"]: r["object"]
        for r in monitor.of_type(kind)
    }


def test_an_explicit_provider_from_the_secret_kubeconfig(prod: WireMonitor) -> None:
    (provider,) = prod.of_type(PROVIDER)
    assert is_secret(provider["object"]["kubeconfig"])
    assert unwrap(provider["object"]["kubeconfig"]) == KUBECONFIG
    assert provider["object"]["enableServerSideApply"] == "true"
    objects = _k8s(prod)
    assert len(objects) == 2 + 6 * 3  # the registry policy and binding; six objects per namespace
    for obj in objects:
        # "<provider URN>::<id>": this provider, never the default one (which reads ~/.kube/config).
        assert obj["provider"].endswith(
            f"pulumi:providers:kubernetes::{provider['name']}::{provider['name']}-id"
        )


def test_no_baseline_until_a_self_managed_cluster_has_a_kubeconfig() -> None:
    monitor = build(stack_copy("dev"))
    assert not monitor.of_type(PROVIDER)
    assert not _k8s(monitor)


def test_every_workload_namespace_enforces_psa_restricted_with_a_version(prod: WireMonitor) -> None:
    namespaces = {
        r["object"]["metadata"]["name"]: r["object"] for r in prod.of_type("kubernetes:core/v1:Namespace")
    }
    assert set(namespaces) == {"health-api", "health-workers", "public-ingress"}
    for ns in namespaces.values():
        labels = ns["metadata"]["labels"]
        for mode in ("enforce", "audit", "warn"):
            assert labels[PSA + mode] == "restricted"
            assert labels[PSA + mode + "-version"] == "v1.30"


def test_default_deny_with_the_dns_exception_only(prod: WireMonitor) -> None:
    policies = prod.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    deny = [p["object"] for p in policies if p["object"]["metadata"]["name"] == "default-deny"]
    assert len(deny) == 3
    for d in deny:
        assert d["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    dns = [p["object"] for p in policies if p["object"]["metadata"]["name"] == "allow-dns"]
    assert len(dns) == 3
    for d in dns:
        assert d["spec"]["policyTypes"] == ["Egress"] and "ingress" not in d["spec"]
        (rule,) = d["spec"]["egress"]
        (peer,) = rule["to"]
        assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
        assert peer["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
        assert sorted((p["protocol"], p["port"]) for p in rule["ports"]) == [("TCP", 53.0), ("UDP", 53.0)]


def test_the_default_service_account_mounts_no_token(prod: WireMonitor) -> None:
    patches = prod.of_type("kubernetes:core/v1:ServiceAccountPatch")
    assert len(patches) == 3
    for p in patches:
        assert p["object"]["metadata"]["name"] == "default"
        assert p["object"]["automountServiceAccountToken"] is False


def test_quotas_refuse_exposure_unless_config_allows_it(prod: WireMonitor) -> None:
    quotas = {
        q["object"]["metadata"]["namespace"]: q["object"]["spec"]["hard"]
        for q in prod.of_type("kubernetes:core/v1:ResourceQuota")
    }
    for ns in ("health-api", "health-workers"):
        assert quotas[ns]["services.loadbalancers"] == "0"
        assert quotas[ns]["services.nodeports"] == "0"
    assert quotas["public-ingress"]["services.loadbalancers"] != "0"
    assert quotas["public-ingress"]["services.nodeports"] == "0"
    assert quotas["health-workers"]["pods"] == "100"
    for lr in prod.of_type("kubernetes:core/v1:LimitRange"):
        (limit,) = lr["object"]["spec"]["limits"]
        assert limit["type"] == "Container" and {"default", "defaultRequest", "max"} <= set(limit)


def test_the_cel_is_the_verified_one() -> None:
    assert validation_expression(FACTS_PREFIXES) == FACTS_VALIDATION
    assert message_expression(FACTS_PREFIXES) == FACTS_MESSAGE
    assert POD_SPEC == (
        "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? "
        "object.spec.jobTemplate.spec.template.spec : object.spec.template.spec"
    )
    assert IMAGES.count("has(") == 2 and "ephemeralContainers" in IMAGES


def test_images_outside_the_allow_list_are_refused_cluster_wide(prod: WireMonitor) -> None:
    (policy,) = prod.of_type("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")
    spec = policy["object"]["spec"]
    assert spec["failurePolicy"] == "Fail"
    (validation,) = spec["validations"]
    # The trailing '/' stays: 'registry.example.fr.evil.com/x' does not start with it.
    assert "['registry.example.fr/']" in validation["expression"]
    assert {v["name"] for v in spec["variables"]} == {"podSpec", "images"}
    rules = spec["matchConstraints"]["resourceRules"]
    covered = {(g, r) for rule in rules for g in rule["apiGroups"] for r in rule["resources"]}
    for wanted in (
        ("", "pods"),
        ("", "pods/ephemeralcontainers"),
        ("apps", "deployments"),
        ("apps", "daemonsets"),
        ("apps", "statefulsets"),
        ("apps", "replicasets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    ):
        assert wanted in covered
    (binding,) = prod.of_type("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")
    bspec = binding["object"]["spec"]
    assert bspec["policyName"] == policy["object"]["metadata"]["name"]
    assert bspec["validationActions"] == ["Deny", "Audit"]
    (expr,) = bspec["matchResources"]["namespaceSelector"]["matchExpressions"]
    assert expr == {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system"]}


def _magnum_stack() -> dict[str, Any]:
    cfg = stack_copy("dev")
    cfg.update(
        offer="private-openstack",
        region="regionOne",
        regionCountry="FR",
        endpoints={"keystone": "https://keystone.example.fr/v3", "s3": "https://s3.example.fr"},
        encryptedVolumeTypes=["luks-private"],
    )
    # A private cloud's backups name their own region and country (components/validation/backups.py).
    cfg["backups"].update(region="regionTwo", regionCountry="FR", s3Endpoint="https://s3.two.example.fr")
    cfg["kubernetes"].update(mode="magnum", magnum={"kubeTag": "v1.30.6", "imageId": "fcos-40"})
    cfg["kubernetes"]["controlPlane"]["count"] = 3
    return cfg


def test_magnum_template_is_locked_down() -> None:
    monitor = build(_magnum_stack())
    assert not [n for n in monitor.of_type("openstack:compute/instance:Instance") if "-k8s-" in n["name"]]
    (template,) = monitor.of_type("openstack:containerinfra/clusterTemplate:ClusterTemplate")
    t = template["object"]
    assert (t["tlsDisabled"], t["public"], t["floatingIpEnabled"], t["registryEnabled"]) == (
        False,
        False,
        False,
        False,
    )
    assert t["masterLbEnabled"] is True and "insecureRegistry" not in t
    labels = t["labels"]
    assert labels["master_lb_floating_ip_enabled"] == "false"
    assert labels["master_lb_allowed_cidrs"] == "10.10.3.0/24"
    assert labels["api_master_lb_allowed_cidrs"] == "10.10.3.0/24"
    assert labels["kube_tag"] == "v1.30.6"
    assert labels["boot_volume_type"] == "luks-private"
    assert t["fixedNetwork"] == "slz-net-cluster-net-id" and t["fixedSubnet"] == "slz-net-cluster-subnet-id"
    (cluster,) = monitor.of_type("openstack:containerinfra/cluster:Cluster")
    assert "kubeconfig" in cluster["additionalSecretOutputs"]
    c = cluster["object"]
    assert c["floatingIpEnabled"] is False and c["masterCount"] == 3.0
    assert c["clusterTemplateId"] == "slz-k8s-template-id"
    # The cluster holds etcd: protected like every stateful resource.
    assert cluster.get("protect") is True
    # The break-glass kubeconfig drives the baseline, and only as a secret.
    (provider,) = monitor.of_type(PROVIDER)
    assert (
        is_secret(provider["object"]["kubeconfig"]) and unwrap(provider["object"]["kubeconfig"]) == KUBECONFIG
    )
    (landing,) = [o for o in monitor.outputs if o["urn"].endswith("::slz")]
    rows = {r["key"]: r["custody"] for r in landing["outputs"]["key_custody"]}
    assert rows["slz-k8s-admin-kubeconfig"] == "provider-readable (Magnum control plane)"


def _manifest(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in obj.items()
        if k in ("apiVersion", "kind", "metadata", "spec", "automountServiceAccountToken")
    }


def test_checkov_passes_the_recorded_baseline_and_a_hardened_workload(
    prod: WireMonitor, checkov: str
) -> None:
    recorded = [_manifest(r["object"]) for r in _k8s(prod)]
    assert {d["kind"] for d in recorded} >= {"Namespace", "NetworkPolicy", "ServiceAccount", "ResourceQuota"}
    workload = m.hardened_deployment()
    workload["metadata"]["namespace"] = "health-api"
    result = run_checkov([*recorded, workload], checkov)
    assert result.failed_ids() == set() and result.exit_code == 0
    assert {"CKV_K8S_16", "CKV_K8S_40"} <= result.passed_ids(result.resource("Deployment", "web"))


def test_offline_the_undecrypted_kubeconfig_is_unknown_never_the_marker() -> None:
    """Preflight stands a marker in for secret config; the provider gets an unknown kubeconfig, so
    the pack judges the baseline and says what it could not check, instead of judging the marker."""
    config = {**as_cli_config(stack_copy("prod")), key(CLUSTER_KUBECONFIG): OFFLINE_PLACEHOLDER}
    regs = run_program(
        REPO, project=PROJECT, stack="prod", config=config, secret_keys=[key(CLUSTER_KUBECONFIG)]
    )
    (provider,) = [r for r in regs if r.type == PROVIDER]
    assert OFFLINE_PLACEHOLDER not in repr(wire(provider))
    # Unknown, and still wrapped as a secret.
    assert is_secret(wire(provider)["kubeconfig"]) and unwrap(wire(provider)["kubeconfig"]) == UNKNOWN_WIRE
    assert sum(r.type == "kubernetes:core/v1:Namespace" for r in regs) == 2
