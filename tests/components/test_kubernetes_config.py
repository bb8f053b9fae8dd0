"""The `kubernetes` section: every bad input stops in one line naming key, value and what is allowed,
before any resource is registered."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from components.catalogue import load_catalogue
from components.stack_config import parse_stack_config
from components.validation.kubernetes import SYSTEM_NAMESPACES, offer_has_magnum
from preflight.recorder import RecordingMocks, RecordingMonitor, run_program
from tests.components.test_config import TODAY, Mutation, _set, assert_refused
from tests.support import PROJECT, REPO, as_cli_config, stack_copy


def _k8s(path: str, value: Any) -> Mutation:
    return _set(f"kubernetes.{path}", value)


def _magnum(cfg: dict[str, Any]) -> None:
    cfg["kubernetes"]["mode"] = "magnum"
    cfg["kubernetes"]["magnum"] = {"kubeTag": "v1.30.6", "imageId": "fcos-image"}


def _drop_cluster_zone(cfg: dict[str, Any]) -> None:
    cfg["network"]["zones"].pop("cluster")
    cfg["bastion"]["permitOpen"] = [t for t in cfg["bastion"]["permitOpen"] if not t.endswith(":6443")]


def _namespace(name: str) -> Mutation:
    return _k8s("namespaces", [{"name": name}])


def _health_with(mode: str) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        cfg["kubernetes"]["secretsEncryption"] = {"mode": mode}

    return apply


def _sensitive(cfg: dict[str, Any]) -> None:
    cfg["dataClassification"] = "sensitive"
    cfg["keys"] = [k for k in cfg["keys"] if k["custody"] == "customer-held"]


CASES = [
    # (id, stack, mutation, key, value, allowed)
    (
        "magnum-on-public-cloud",
        "dev",
        _magnum,
        ":kubernetes.mode",
        "'magnum'",
        "self-managed on 'ovh-public-cloud'",
    ),
    ("magnum-on-snc", "prod", _magnum, ":kubernetes.mode", "'magnum'", "self-managed on 'ovh-snc'"),
    (
        "one-control-plane-in-prod",
        "prod",
        _k8s("controlPlane.count", 1),
        ":kubernetes.controlPlane.count",
        "1",
        "at least 3",
    ),
    (
        "two-control-planes-in-prod",
        "prod",
        _k8s("controlPlane.count", 2),
        ":kubernetes.controlPlane.count",
        "2",
        "at least 3",
    ),
    (
        "even-control-plane",
        "prod",
        _k8s("controlPlane.count", 4),
        ":kubernetes.controlPlane.count",
        "4",
        "an odd number",
    ),
    (
        "registry-without-slash",
        "dev",
        _k8s("registries", ["registry.example.fr"]),
        ":kubernetes.registries[0]",
        "'registry.example.fr'",
        "ending in '/'",
    ),
    (
        "registry-with-scheme",
        "dev",
        _k8s("registries", ["registry.example.fr/", "https://harbor.example.fr/"]),
        ":kubernetes.registries[1]",
        "'https://harbor.example.fr/'",
        "without a scheme",
    ),
    (
        "registry-bare-name",
        "dev",
        _k8s("registries", ["library/"]),
        ":kubernetes.registries[0]",
        "'library/'",
        "docker.io",
    ),
    (
        "registry-quote",
        "dev",
        _k8s("registries", ["reg.example.fr/'x/"]),
        ":kubernetes.registries[0]",
        "reg.example.fr/'x/",
        "letters, digits",
    ),
    (
        "namespace-kube-system",
        "dev",
        _namespace("kube-system"),
        ":kubernetes.namespaces[0].name",
        "'kube-system'",
        "not a system one",
    ),
    (
        "namespace-default",
        "dev",
        _namespace("default"),
        ":kubernetes.namespaces[0].name",
        "'default'",
        "not a system one",
    ),
    (
        "namespace-kube-prefix",
        "dev",
        _namespace("kube-mine"),
        ":kubernetes.namespaces[0].name",
        "'kube-mine'",
        "not a system one",
    ),
    (
        "namespace-twice",
        "dev",
        _k8s("namespaces", [{"name": "a1"}, {"name": "a1"}]),
        ":kubernetes.namespaces[1].name",
        "'a1'",
        "not used by another",
    ),
    (
        "api-cidr-wider-than-admin",
        "dev",
        _k8s("apiAllowedCidrs", ["10.10.0.0/16"]),
        ":kubernetes.apiAllowedCidrs[0]",
        "10.10.0.0/16",
        "inside the admin zone 10.10.3.0/24",
    ),
    (
        "api-cidr-anywhere",
        "prod",
        _k8s("apiAllowedCidrs", ["0.0.0.0/0"]),
        ":kubernetes.apiAllowedCidrs[0]",
        "0.0.0.0/0",
        "inside the admin zone 10.20.3.0/24",
    ),
    (
        "api-cidr-other-zone",
        "prod",
        _k8s("apiAllowedCidrs", ["10.20.1.0/28"]),
        ":kubernetes.apiAllowedCidrs[0]",
        "10.20.1.0/28",
        "inside the admin zone",
    ),
    (
        "health-with-secretbox",
        "prod",
        _health_with("secretbox"),
        ":kubernetes.secretsEncryption.mode",
        "'secretbox'",
        "kms-v2 for health data",
    ),
    (
        "sensitive-with-secretbox",
        "dev",
        _sensitive,
        ":kubernetes.secretsEncryption.mode",
        "'secretbox'",
        "kms-v2 for sensitive data",
    ),
    (
        "kms-endpoint-http",
        "prod",
        _k8s("secretsEncryption.kmsEndpoint", "http://kms.example.fr:8200"),
        ":kubernetes.secretsEncryption.kmsEndpoint",
        "'http://kms.example.fr:8200'",
        "https://",
    ),
    (
        "kms-endpoint-missing",
        "prod",
        _health_with("kms-v2"),
        ":kubernetes.secretsEncryption.kmsEndpoint",
        "None",
        "https://",
    ),
    (
        "kms-plugin-outside-registries",
        "prod",
        _k8s("secretsEncryption.kmsPluginImage", "ghcr.io/x/kms:1"),
        ":kubernetes.secretsEncryption.kmsPluginImage",
        "'ghcr.io/x/kms:1'",
        "allowed registry",
    ),
    ("no-cluster-zone", "dev", _drop_cluster_zone, ":network.zones.cluster", "None", "cluster zone"),
    (
        "volume-type-not-encrypted",
        "dev",
        _k8s("volumeType", "classic"),
        ":kubernetes.volumeType",
        "'classic'",
        "known as encrypted",
    ),
    (
        "unknown-key",
        "dev",
        _k8s("controlPlanes", {"count": 1, "flavor": "x"}),
        ":kubernetes.controlPlanes",
        "",
        "did you mean 'controlPlane'",
    ),
    (
        "quota-memory-not-a-quantity",
        "dev",
        _k8s("namespaces", [{"name": "a1", "memory": "lots"}]),
        ":kubernetes.namespaces[0].memory",
        "'lots'",
        "pattern",
    ),
    ("bad-mode", "dev", _k8s("mode", "eks"), ":kubernetes.mode", "'eks'", "'self-managed'"),
    ("unpinned-version", "dev", _k8s("version", "latest"), ":kubernetes.version", "'latest'", "rke2r"),
    ("no-image", "dev", lambda c: c["kubernetes"].pop("imageId"), ":kubernetes.imageId", "None", "image id"),
]


@pytest.mark.parametrize(
    ("stack", "mutate", "key", "value", "allowed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_kubernetes_input_is_refused_in_one_line(
    stack: str, mutate: Mutation, key: str, value: str, allowed: str
) -> None:
    assert_refused(stack, mutate, key, value, allowed)


def test_magnum_accepted_where_the_organisation_declares_it() -> None:
    catalogue = load_catalogue()
    assert offer_has_magnum(catalogue.offer("private-openstack"))
    # FACTS: no qualified offer was found exposing Magnum.
    assert not any(
        offer_has_magnum(o) for o in catalogue.offers.values() if o.qualification.secnumcloud == "qualified"
    )


def test_magnum_on_a_private_cloud_parses() -> None:
    cfg = stack_copy("dev")
    _magnum(cfg)
    cfg.update(
        offer="private-openstack",
        region="regionOne",
        regionCountry="FR",
        endpoints={"keystone": "https://keystone.example.fr/v3"},
        encryptedVolumeTypes=["luks"],
    )
    # A private cloud's backups name their own region and country (components/validation/backups.py).
    cfg["backups"].update(region="regionTwo", regionCountry="FR", s3Endpoint="https://s3.two.example.fr")
    parsed = parse_stack_config(cfg, today=TODAY)
    assert parsed.kubernetes is not None and parsed.kubernetes.mode == "magnum"


def test_every_system_namespace_is_refused() -> None:
    for name in sorted(SYSTEM_NAMESPACES):
        assert_refused("dev", _namespace(name), ":kubernetes.namespaces[0].name", repr(name), "system")


def test_kubernetes_error_stops_the_program_before_any_resource() -> None:
    cfg = stack_copy("prod")
    cfg["kubernetes"]["controlPlane"]["count"] = 1
    monitor = RecordingMonitor(RecordingMocks(), PROJECT, "test", REPO)
    with pytest.raises(pulumi.RunError, match=r"kubernetes\.controlPlane\.count"):
        run_program(REPO, project=PROJECT, stack="test", config=as_cli_config(cfg), monitor=monitor)
    assert [r.type for r in monitor.registrations] == ["pulumi:pulumi:Stack"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_packs_registry_allow_list_is_the_stacks(stack: str) -> None:
    """The admission policy in the cluster and the pack's policy config name the same registries."""
    policy = json.loads((REPO / "stacks" / f"{stack}.policy.json").read_text())
    allowed = policy["kubernetes-image-restrict-registries"]["allowedRegistries"]
    assert allowed == stack_copy(stack)["kubernetes"]["registries"]
