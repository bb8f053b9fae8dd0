"""The Kubernetes provider's cluster: inside the sovereign perimeter, over verified TLS (issue 11)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from sovereign_guard import kubernetes_providers

from .conftest import UNKNOWN, Result, run, secret

PROVIDER = "pulumi:providers:kubernetes"
ENDPOINT = kubernetes_providers.ENDPOINT
TLS = kubernetes_providers.TLS
TOKEN = "eyJhbGciOi-very-secret-token"
CLIENT_KEY = "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t"
APPROVED = {
    "approvedApiServers": [
        {
            "url": "https://api.k8s.eu-west-rbx-snc.example.fr:6443",
            "offer": "ovh-snc",
            "approved_by": "Jane Doe (RSSI)",
        }
    ]
}


def kubeconfig(*servers: str, insecure: bool = False) -> dict[str, Any]:
    clusters = []
    for index, server in enumerate(servers):
        cluster: dict[str, Any] = {"server": server, "certificate-authority-data": "Q0EtREFUQQ=="}
        if insecure:
            cluster = {"server": server, "insecure-skip-tls-verify": True}
        clusters.append({"name": f"c{index}", "cluster": cluster})
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters,
        "contexts": [{"name": "admin", "context": {"cluster": "c0", "user": "admin"}}],
        "current-context": "admin",
        "users": [{"name": "admin", "user": {"token": TOKEN, "client-key-data": CLIENT_KEY}}],
    }


def provider(doc: dict[str, Any] | str | None, as_json: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {"enableServerSideApply": "true", "version": "4.34.2"}
    if isinstance(doc, dict):
        props["kubeconfig"] = secret(json.dumps(doc) if as_json else yaml.safe_dump(doc))
    elif doc is not None:
        props["kubeconfig"] = doc
    return props


def both(props: dict[str, Any], config: dict[str, Any] | None = None) -> tuple[Result, Result]:
    endpoint = run(ENDPOINT, PROVIDER, props, config=config)
    tls = run(TLS, PROVIDER, props)
    for result in (endpoint, tls):
        assert TOKEN not in result.text() and CLIENT_KEY not in result.text()
    return endpoint, tls


@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
@pytest.mark.parametrize(
    ("server", "config"),
    [
        ("https://10.20.0.10:6443", None),  # the landing zone's private Octavia VIP
        ("https://[fd00:20::10]:6443", None),
        ("https://127.0.0.1:16443", None),  # a tunnel through the bastion
        ("https://api.k8s.eu-west-rbx-snc.example.fr:6443", APPROVED),
    ],
    ids=["private-v4", "private-v6", "bastion-tunnel", "approved"],
)
def test_a_sovereign_cluster_over_tls_passes(
    server: str, config: dict[str, Any] | None, as_json: bool
) -> None:
    endpoint, tls = both(provider(kubeconfig(server), as_json), config)
    assert endpoint.ok, endpoint.text()
    assert tls.ok, tls.text()


@pytest.mark.parametrize(
    ("server", "needle"),
    [
        ("https://ABCDEF0123.gr7.eu-west-3.eks.amazonaws.com", "under amazonaws.com"),
        ("https://aks-prod-1a2b3c.hcp.francecentral.azmk8s.io:443", "under azmk8s.io"),
        ("https://gke-0123abcd.europe-west9.gke.goog", "under gke.goog"),
        ("https://container.googleapis.com/v1/projects/p/locations/l/clusters/c", "under googleapis.com"),
        ("https://cabcdef.fr-par.containers.cloud.ibm.com:30000", "under cloud.ibm.com"),
        ("https://203.0.113.40:6443", "neither a private address"),
        ("https://k8s.example.com:6443", "neither a private address"),
    ],
    ids=["eks", "aks", "gke-dns", "gke-api", "iks", "public-ip", "unapproved-host"],
)
def test_a_cluster_outside_the_perimeter_is_refused(server: str, needle: str) -> None:
    endpoint, tls = both(provider(kubeconfig(server)), APPROVED)
    assert needle in endpoint.text() and "cluster 'c0'" in endpoint.text()
    assert tls.ok


def test_every_cluster_of_the_document_is_judged() -> None:
    endpoint, _ = both(provider(kubeconfig("https://10.20.0.10:6443", "https://x.eks.amazonaws.com")))
    assert "cluster 'c1'" in endpoint.text() and "cluster 'c0'" not in endpoint.text()


def test_an_approval_cannot_accept_a_managed_cluster_and_is_checked() -> None:
    config = {
        "approvedApiServers": [
            {"url": "https://x.eks.amazonaws.com", "offer": "ovh-snc", "approved_by": "Jane Doe"},
            {"url": "http://k8s.example.fr", "offer": "nowhere", "approved_by": ""},
        ]
    }
    endpoint, _ = both(provider(kubeconfig("https://x.eks.amazonaws.com")), config)
    text = endpoint.text()
    assert "approvedApiServers #1" in text and "no approval can accept" in text
    assert (
        "approvedApiServers #2" in text and "https://" in text and "'nowhere'" in text and "approver" in text
    )
    assert "managed cluster under amazonaws.com" in text


@pytest.mark.parametrize(
    ("props", "needle"),
    [
        (provider(None), "ambient kubeconfig"),
        (provider("~/.kube/config"), "file path"),
        (provider("clusters: [unclosed"), "neither valid YAML nor JSON"),
        (provider({"apiVersion": "v1", "kind": "Config", "clusters": []}), "names no cluster"),
    ],
    ids=["missing", "path", "invalid", "no-cluster"],
)
def test_a_kubeconfig_the_pack_cannot_read_is_refused(props: dict[str, Any], needle: str) -> None:
    endpoint, tls = both(props)
    assert needle in endpoint.text()
    assert tls.is_not_applicable and "restrict-endpoint reports it" in (tls.not_applicable or "")


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        (kubeconfig("https://10.20.0.10:6443", insecure=True), "insecure-skip-tls-verify"),
        (kubeconfig("http://10.20.0.10:8080"), "plain http"),
    ],
    ids=["skip-verify", "http"],
)
def test_a_kubeconfig_without_verified_tls_is_refused(doc: dict[str, Any], needle: str) -> None:
    _, tls = both(provider(doc))
    assert needle in tls.text()


def test_a_string_true_skip_verify_is_refused() -> None:
    doc = kubeconfig("https://10.20.0.10:6443")
    doc["clusters"][0]["cluster"]["insecure-skip-tls-verify"] = "true"
    _, tls = both(provider(doc))
    assert "insecure-skip-tls-verify" in tls.text()


def test_an_unknown_kubeconfig_is_reported_as_unknown_in_preview() -> None:
    props = provider(None)
    props["kubeconfig"] = UNKNOWN
    assert run(ENDPOINT, PROVIDER, props).unknown is not None
    assert run(TLS, PROVIDER, props).unknown is not None


def test_other_providers_are_not_applicable() -> None:
    for policy in (ENDPOINT, TLS):
        assert (
            run(policy, "pulumi:providers:openstack", {"authUrl": "https://auth.cloud.ovh.net/v3"})
        ).is_not_applicable
