"""The dmz ingress: what both shipped stacks register, and the bad input refused before any of it."""

from __future__ import annotations

from typing import Any

import pytest

from components.ingress import TLS_CIPHERS
from components.stack_config import parse_stack_config
from tests.components.test_config import TODAY, Mutation, _set, assert_refused
from tests.support import record, stack_copy, wire

LB = "openstack:loadbalancer/"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_ingress_is_tls_end_to_end_in_both_stacks(stack: str) -> None:
    regs = record(stack_copy(stack), stack=stack)
    by_type: dict[str, list[Any]] = {}
    # The ingress component's own load balancer, not the Kubernetes API's (test_kubernetes_cluster).
    for reg in (r for r in regs if "$sovereign:ingress:TlsIngress$" in r.urn):
        by_type.setdefault(reg.type, []).append(reg)
    (lb,) = by_type[LB + "loadBalancer:LoadBalancer"]
    (listener,) = by_type[LB + "listener:Listener"]  # no plain-HTTP listener unless a redirect is set
    (pool,) = by_type[LB + "pool:Pool"]
    members = by_type[LB + "member:Member"]
    assert "zone:dmz" in wire(lb)["tags"]
    props = wire(listener)
    assert props["protocol"] == "TERMINATED_HTTPS" and props["protocolPort"] == 443
    assert props["tlsVersions"] == ["TLSv1.2", "TLSv1.3"]
    assert props["tlsCiphers"] == TLS_CIPHERS
    assert props["hstsMaxAge"] >= 31536000 and props["hstsIncludeSubdomains"] is True
    assert "/v1/containers/" in props["defaultTlsContainerRef"]
    assert "certificate-issuer-country:FR" in props["tags"]
    assert wire(pool)["tlsEnabled"] is True and wire(pool)["tags"] == ["zone:app"]
    cfg = parse_stack_config(stack_copy(stack), today=TODAY)
    assert cfg.ingress is not None
    app = cfg.network.zones["app"]
    assert len(members) == len(cfg.ingress.members) >= 1
    for member in members:
        assert wire(member)["address"] in {str(a) for a in app.hosts()}
        assert wire(member)["protocolPort"] == cfg.ingress.backend_port


def _with_redirect(prefix: str) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        cfg["ingress"]["redirectPrefix"] = prefix
        cfg["flows"].append(
            {
                "from": "0.0.0.0/0",
                "to": "dmz",
                "protocol": "tcp",
                "ports": 80,
                "justification": "redirect to https",
            }
        )

    return apply


def test_a_redirect_prefix_adds_a_listener_that_only_redirects() -> None:
    cfg = stack_copy("dev")
    _with_redirect("https://portal.example.fr")(cfg)
    regs = record(cfg, stack="dev")
    listeners = [wire(r) for r in regs if r.type == LB + "listener:Listener"]
    http = [p for p in listeners if p["protocol"] == "HTTP"]
    assert len(http) == 1 and "defaultPoolId" not in http[0] and http[0]["protocolPort"] == 80
    (l7,) = [wire(r) for r in regs if r.type == LB + "l7PolicyV2:L7PolicyV2"]
    assert l7["action"] == "REDIRECT_PREFIX" and l7["redirectPrefix"] == "https://portal.example.fr"


BAD = [
    (
        "ref-not-barbican",
        _set("ingress.certificateRef", "https://vault.example.fr/v1/secret/cert"),
        ":ingress.certificateRef",
        "'https://vault.example.fr/v1/secret/cert'",
        "Barbican certificate container reference",
    ),
    (
        "ref-plain-http",
        _set(
            "ingress.certificateRef",
            "http://barbican.example.fr/v1/containers/00000000-0000-4000-8000-000000000000",
        ),
        ":ingress.certificateRef",
        "http://barbican",
        "https://<key-manager>/v1/containers/<uuid>",
    ),
    (
        "issuer-us",
        _set("ingress.certificateIssuerCountry", "US"),
        ":ingress.certificateIssuerCountry",
        "'US'",
        "EU",
    ),
    (
        "member-outside-app",
        _set("ingress.members", ["10.10.2.5"]),
        ":ingress.members[0]",
        "10.10.2.5",
        "app zone",
    ),
    (
        "backend-port-no-flow",
        _set("ingress.backendPort", 9443),
        ":ingress.backendPort",
        "9443",
        "declared tcp flow",
    ),
    (
        "redirect-without-flow",
        _set("ingress.redirectPrefix", "https://portal.example.fr"),
        ":ingress.redirectPrefix",
        "https://portal.example.fr",
        "port 80",
    ),
    (
        "redirect-to-http",
        _set("ingress.redirectPrefix", "http://portal.example.fr"),
        ":ingress.redirectPrefix",
        "http://",
        "https://",
    ),
    ("hsts-short", _set("ingress.hstsMaxAge", 3600), ":ingress.hstsMaxAge", "3600", "31536000"),
]


@pytest.mark.parametrize(("mutate", "key", "value", "allowed"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_ingress_input_is_refused_naming_the_key(
    mutate: Mutation, key: str, value: str, allowed: str
) -> None:
    assert_refused("dev", mutate, key, value, allowed)
