"""Ingress policies: TLS versions, suites, certificate, issuer, plain HTTP, pools to inner zones."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import ingress_http, ingress_listeners, ingress_pools

from .conftest import UNKNOWN, run, run_stack, stack_resource, use_settings

LISTENER = ingress_listeners.LISTENER
POOL = ingress_pools.POOL
L7 = ingress_http.L7POLICY
REF = "https://barbican.example.fr/v1/containers/00000000-0000-4000-8000-000000000000"
COMPLIANT = {
    "loadbalancerId": "lb-1",
    "protocol": "TERMINATED_HTTPS",
    "protocolPort": 443,
    "defaultTlsContainerRef": REF,
    "tlsVersions": ["TLSv1.2", "TLSv1.3"],
    "tlsCiphers": "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:TLS_AES_256_GCM_SHA384",
    "hstsMaxAge": 31536000,
    "tags": ["zone:dmz", "certificate-issuer-country:FR"],
}
TCP_LISTENER = {"loadbalancerId": "lb-1", "protocol": "TCP", "protocolPort": 6443}
LISTENER_POLICIES = [
    ingress_listeners.VERSIONS,
    ingress_listeners.CIPHERS,
    ingress_listeners.CERTIFICATE,
    ingress_listeners.ISSUER,
]


def _with(**changes: Any) -> dict[str, Any]:
    props = {**COMPLIANT, **changes}
    return {k: v for k, v in props.items() if v is not None}


@pytest.mark.parametrize("policy", LISTENER_POLICIES, ids=lambda p: p.name)
def test_the_shipped_listener_shape_passes(policy: Any) -> None:
    result = run(policy, LISTENER, COMPLIANT)
    assert result.ok and result.not_applicable is None, result.violations


@pytest.mark.parametrize("policy", LISTENER_POLICIES, ids=lambda p: p.name)
def test_listener_policies_skip_listeners_that_do_not_terminate_tls(policy: Any) -> None:
    assert run(policy, LISTENER, TCP_LISTENER).is_not_applicable


@pytest.mark.parametrize(
    ("versions", "needle"),
    [
        (None, "tlsVersions is unset"),
        (["TLSv1.1", "TLSv1.2"], "allows TLSv1.1"),
        (["TLSv1", "TLSv1.3"], "allows TLSv1"),
        (["SSLv3"], "allows SSLv3"),
    ],
)
def test_tls_older_than_1_2_or_left_to_defaults_is_refused(versions: Any, needle: str) -> None:
    result = run(ingress_listeners.VERSIONS, LISTENER, _with(tlsVersions=versions))
    assert result.violated and needle in result.text(), result.violations


@pytest.mark.parametrize(
    ("ciphers", "needle"),
    [
        (None, "tlsCiphers is unset"),
        ("ECDHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384", "AES256-GCM-SHA384: no ECDHE"),
        ("ECDHE-RSA-AES256-SHA384", "not an AEAD cipher"),
        ("DHE-RSA-AES256-GCM-SHA384", "no ECDHE key exchange"),
        ("ECDHE-ECDSA-AES128-SHA", "not an AEAD cipher"),
    ],
)
def test_non_forward_secret_or_non_aead_suites_are_refused(ciphers: Any, needle: str) -> None:
    result = run(ingress_listeners.CIPHERS, LISTENER, _with(tlsCiphers=ciphers))
    assert result.violated and needle in result.text(), result.violations


def test_the_components_suites_all_pass_the_policy() -> None:
    from components.ingress import TLS_CIPHERS

    assert all(ingress_listeners.cipher_problem(s) is None for s in TLS_CIPHERS.split(":"))


def test_terminated_https_without_certificate_is_refused() -> None:
    result = run(ingress_listeners.CERTIFICATE, LISTENER, _with(defaultTlsContainerRef=None))
    assert result.violated and "without defaultTlsContainerRef" in result.text()


@pytest.mark.parametrize("country", ["US", "GB", "CH"])
def test_certificate_issuer_outside_the_eu_is_refused(country: str) -> None:
    result = run(
        ingress_listeners.ISSUER, LISTENER, _with(tags=["zone:dmz", f"certificate-issuer-country:{country}"])
    )
    assert result.violated and repr(country) in result.text()


def test_issuer_unknown_to_the_program_is_not_applicable() -> None:
    assert run(ingress_listeners.ISSUER, LISTENER, _with(tags=["zone:dmz"])).is_not_applicable


# -- plain HTTP (stack policy) ------------------------------------------------------------------

HTTP = {"loadbalancerId": "lb-1", "protocol": "HTTP", "protocolPort": 80}


def _redirect(listener: Any, **props: Any) -> Any:
    return stack_resource(
        L7, "to-https", {"action": "REDIRECT_PREFIX", **props}, deps={"listenerId": [listener]}
    )


def test_http_listener_that_only_redirects_to_https_passes() -> None:
    https = stack_resource(LISTENER, "https", COMPLIANT)
    http = stack_resource(LISTENER, "http", HTTP)
    result = run_stack(
        ingress_http.PLAIN_HTTP, [https, http, _redirect(http, redirectPrefix="https://portal.example.fr")]
    )
    assert result.ok and result.not_applicable is None, result.violations


def test_https_only_stack_passes() -> None:
    result = run_stack(ingress_http.PLAIN_HTTP, [stack_resource(LISTENER, "https", COMPLIANT)])
    assert result.ok


@pytest.mark.parametrize(
    ("listener_props", "l7", "needle"),
    [
        ({**HTTP, "defaultPoolId": "pool-1"}, None, "forwards to a pool"),
        (HTTP, None, "no L7 policy redirecting"),
        (HTTP, {"redirectPrefix": "http://portal.example.fr"}, "not to https://"),
        (HTTP, {"action": "REDIRECT_TO_POOL", "redirectPoolId": "pool-1"}, "serves plain HTTP"),
        (HTTP, {"redirectPrefix": UNKNOWN}, "unknown during preview"),
    ],
    ids=["default-pool", "no-redirect", "redirect-to-http", "redirect-to-pool", "unknown-target"],
)
def test_plain_http_that_serves_content_is_refused(listener_props: Any, l7: Any, needle: str) -> None:
    http = stack_resource(LISTENER, "http", listener_props)
    resources = [http] + ([_redirect(http, **l7)] if l7 is not None else [])
    result = run_stack(ingress_http.PLAIN_HTTP, resources)
    assert result.violated and needle in result.text(), result.violations


def test_a_redirect_of_another_listener_does_not_count() -> None:
    http = stack_resource(LISTENER, "http", HTTP)
    other = stack_resource(LISTENER, "other", {**HTTP, "protocolPort": 8080})
    result = run_stack(
        ingress_http.PLAIN_HTTP, [http, other, _redirect(other, redirectPrefix="https://x.fr")]
    )
    assert result.violated and "port 80" in result.text()


def test_plain_http_policy_not_applicable_without_listeners() -> None:
    pool = stack_resource(POOL, "pool", {"protocol": "HTTP", "lbMethod": "ROUND_ROBIN"})
    assert run_stack(ingress_http.PLAIN_HTTP, [pool]).is_not_applicable


# -- pools ------------------------------------------------------------------------------------

APP_POOL = {"protocol": "HTTP", "lbMethod": "LEAST_CONNECTIONS", "tlsEnabled": True, "tags": ["zone:app"]}


def test_pool_reencrypting_to_the_app_zone_passes() -> None:
    use_settings({"exposedZones": ["dmz"]})
    result = run(ingress_pools.POOL_TLS, POOL, APP_POOL)
    assert result.ok and result.not_applicable is None


@pytest.mark.parametrize(
    ("props", "needle"),
    [
        ({**APP_POOL, "tlsEnabled": False}, "zone app without tlsEnabled"),
        ({**APP_POOL, "tlsEnabled": None, "tags": ["zone:data"]}, "zone data without tlsEnabled"),
        ({"protocol": "HTTP", "lbMethod": "ROUND_ROBIN"}, "unknown zone (no zone:<name> tag)"),
    ],
    ids=["app-tls-off", "data-tls-unset", "untagged"],
)
def test_plain_pool_to_an_inner_or_unknown_zone_is_refused(props: dict[str, Any], needle: str) -> None:
    use_settings({"exposedZones": ["dmz"]})
    result = run(ingress_pools.POOL_TLS, POOL, {k: v for k, v in props.items() if v is not None})
    assert result.violated and needle in result.text(), result.violations


@pytest.mark.parametrize(
    "props",
    [
        {"protocol": "TCP", "lbMethod": "ROUND_ROBIN", "tags": ["zone:app"]},
        {"protocol": "HTTP", "lbMethod": "ROUND_ROBIN", "tags": ["zone:dmz"]},
    ],
    ids=["tcp-passthrough", "exposed-zone"],
)
def test_pool_policy_not_applicable_to_passthrough_or_exposed_members(props: dict[str, Any]) -> None:
    use_settings({"exposedZones": ["dmz"]})
    assert run(ingress_pools.POOL_TLS, POOL, props).is_not_applicable
