"""Sovereignty policies: packages, endpoints, default providers, TLS, bucket endpoints
(qualification and renewal: test_sovereignty_qualification.py)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import PolicyProviderResource
from sovereign_guard import sovereignty as sov

from .conftest import (
    BUCKET_TYPE,
    DEV_PROVIDER,
    HEALTH_BUCKET,
    PROD_PROVIDER,
    PROD_SETTINGS,
    PROJECT,
    STACK,
    UNKNOWN,
    provider,
    run,
    use_settings,
    wire,
)
from .openstack_fixtures import INSTANCE, OS_PROVIDER

# --- sovereignty-provider-restrict-packages ----------------------------------------------------


def test_packages_baseline_openstack_random_and_bucket() -> None:
    assert run(sov.PACKAGES, INSTANCE, {"name": "vm"}).ok
    assert run(sov.PACKAGES, "random:index/randomPassword:RandomPassword", {"length": 32}).ok
    assert run(sov.PACKAGES, OS_PROVIDER, DEV_PROVIDER, prov=None).ok
    assert run(sov.PACKAGES, BUCKET_TYPE, HEALTH_BUCKET).ok


@pytest.mark.parametrize(
    ("type_", "prov"),
    [
        ("aws:s3/bucket:Bucket", provider({}, "default_6_0_0", "pulumi:providers:aws")),
        ("azure-native:storage:StorageAccount", provider({}, "default", "pulumi:providers:azure-native")),
        ("pulumi:providers:gcp", None),
        ("awsx:ec2:Vpc", None),  # a hyperscaler component is refused even without a provider
        ("datadog:index/monitor:Monitor", provider({}, "default", "pulumi:providers:datadog")),
    ],
)
def test_packages_refuse_hyperscalers_and_us_saas(type_: str, prov: object) -> None:
    result = run(sov.PACKAGES, type_, {}, prov=prov)
    assert result.violations and "hyperscaler or US SaaS" in result.text()


def test_packages_refuse_unlisted_package() -> None:
    result = run(sov.PACKAGES, "command:local:Command", {"create": "curl ..."}, prov=provider({}, "c"))
    assert "not on the provider allow-list" in result.text()


def test_packages_refuse_unreviewed_dynamic_type() -> None:
    result = run(sov.PACKAGES, "pulumi-python:dynamic:Resource", {"x": 1}, prov=provider({}, "d"))
    assert "allowedDynamicTypes" in result.text()


def test_packages_config_cannot_allow_a_denied_package() -> None:
    config = {"allowedPackages": ["openstack", "aws"]}
    assert (
        "non-sovereign packages stay refused"
        in run(sov.PACKAGES, OS_PROVIDER, DEV_PROVIDER, config=config).text()
    )
    assert run(sov.PACKAGES, "aws:s3/bucket:Bucket", {}, config=config).violated


def test_packages_config_can_allow_a_reviewed_package() -> None:
    config = {"allowedPackages": ["openstack", "command"]}
    assert run(sov.PACKAGES, "command:local:Command", {}, prov=provider({}, "c"), config=config).ok


def test_packages_not_applicable_to_local_components() -> None:
    result = run(sov.PACKAGES, "sovereign:network:SegmentedNetwork", {})
    assert result.is_not_applicable, result


# --- sovereignty-provider-restrict-endpoint ----------------------------------------------------


def test_endpoint_baseline_catalogue_offer() -> None:
    assert run(sov.ENDPOINT, OS_PROVIDER, DEV_PROVIDER, prov=None).ok
    # Trailing slash and missing version are the same endpoint.
    assert run(sov.ENDPOINT, OS_PROVIDER, {**DEV_PROVIDER, "authUrl": "https://AUTH.cloud.ovh.net/"}).ok


def test_endpoint_baseline_approved_per_customer_endpoint() -> None:
    use_settings(PROD_SETTINGS)
    assert run(sov.ENDPOINT, OS_PROVIDER, PROD_PROVIDER, prov=None).ok


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({**DEV_PROVIDER, "authUrl": "https://keystone.example.com/v3"}, "neither the Keystone endpoint"),
        ({**DEV_PROVIDER, "region": "US-EAST-VA-1"}, "outside the EU"),
        ({**DEV_PROVIDER, "region": "GRA99"}, "not a region of"),
        ({k: v for k, v in DEV_PROVIDER.items() if k != "authUrl"}, "no authUrl"),
        ({**{k: v for k, v in DEV_PROVIDER.items() if k != "authUrl"}, "cloud": "ovh"}, "clouds.yaml entry"),
        ({k: v for k, v in DEV_PROVIDER.items() if k != "region"}, "no region"),
        (PROD_PROVIDER, "neither the Keystone endpoint"),  # per-customer URL not approved
        (
            {**DEV_PROVIDER, "endpointOverrides": '{"network": "https://neutron.example.com/v2.0"}'},
            "leaves the provider's domain",
        ),
    ],
)
def test_endpoint_violations(props: dict[str, object], expected: str) -> None:
    assert expected in run(sov.ENDPOINT, OS_PROVIDER, props, prov=None).text()


def test_endpoint_approved_endpoint_wrong_region() -> None:
    use_settings(PROD_SETTINGS)
    props = {**PROD_PROVIDER, "region": "eu-west-sbg-snc"}
    assert "not among the approved regions" in run(sov.ENDPOINT, OS_PROVIDER, props, prov=None).text()


def test_endpoint_not_applicable_to_default_provider_and_unknown_during_preview() -> None:
    result = run(sov.ENDPOINT, OS_PROVIDER, {"region": "GRA11"}, name="default_5_5_3", prov=None)
    assert result.is_not_applicable and "default provider" in (result.not_applicable or ""), result
    assert run(sov.ENDPOINT, OS_PROVIDER, {**DEV_PROVIDER, "authUrl": UNKNOWN}, prov=None).unknown


# --- sovereignty-provider-disallow-default -----------------------------------------------------


def test_default_provider_not_applicable_to_the_explicit_baseline() -> None:
    result = run(sov.DEFAULT_PROVIDER, INSTANCE, {"name": "vm"})
    assert result.is_not_applicable and result.not_applicable == "explicit provider", result


def test_default_provider_violation() -> None:
    prov = provider({"region": "GRA11"}, name="default_5_5_3")
    assert "default openstack provider" in run(sov.DEFAULT_PROVIDER, INSTANCE, {}, prov=prov).text()


@pytest.mark.parametrize(
    "name",
    ["default", "default_5_5_3", "default_5_5_3_alpha_1", "default_5_5_3_https___get.example.eu_plugins"],
)
def test_default_provider_engine_names(name: str) -> None:
    prov = provider({"region": "GRA11"}, name=name)
    assert "default openstack provider" in run(sov.DEFAULT_PROVIDER, INSTANCE, {}, prov=prov).text()
    assert "default provider" in (
        run(sov.ENDPOINT, OS_PROVIDER, {}, name=name, prov=None).not_applicable or ""
    )


@pytest.mark.parametrize("name", ["default-eu", "default_eu", "defaults", "default_5_5", "Default"])
def test_default_provider_explicit_names_that_start_with_default(name: str) -> None:
    prov = provider(PROD_PROVIDER, name=name)
    result = run(sov.DEFAULT_PROVIDER, INSTANCE, {}, prov=prov)
    assert result.is_not_applicable and result.not_applicable == "explicit provider", result
    # The explicit provider itself is checked like any other (no authUrl: a violation).
    assert "no authUrl" in run(sov.ENDPOINT, OS_PROVIDER, {"region": "GRA11"}, name=name, prov=None).text()


def test_default_provider_name_under_a_component_is_explicit() -> None:
    nested = f"urn:pulumi:{STACK}::{PROJECT}::sovereign:lz:LandingZone${OS_PROVIDER}::default_5_5_3"
    prov = PolicyProviderResource(OS_PROVIDER, wire(PROD_PROVIDER), nested, "default_5_5_3")
    assert run(sov.DEFAULT_PROVIDER, INSTANCE, {}, prov=prov).not_applicable == "explicit provider"


def test_default_provider_not_applicable_to_random() -> None:
    prov = provider({}, "default_4_21_4", "pulumi:providers:random")
    assert run(sov.DEFAULT_PROVIDER, "random:index/randomId:RandomId", {}, prov=prov).is_not_applicable


# --- sovereignty-provider-disallow-insecure-tls ------------------------------------------------


def test_tls_baseline() -> None:
    assert run(sov.INSECURE_TLS, OS_PROVIDER, DEV_PROVIDER, prov=None).ok


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({**DEV_PROVIDER, "insecure": "true"}, "verification is disabled"),
        ({**DEV_PROVIDER, "insecure": True}, "verification is disabled"),
        ({**DEV_PROVIDER, "authUrl": "http://auth.cloud.ovh.net/v3"}, "plain HTTP"),
        ({**DEV_PROVIDER, "endpointOverrides": {"network": "http://10.0.0.1:9696"}}, "plain HTTP"),
        ({k: v for k, v in DEV_PROVIDER.items() if k != "insecure"}, "OS_INSECURE"),
    ],
)
def test_tls_violations(props: dict[str, object], expected: str) -> None:
    assert expected in run(sov.INSECURE_TLS, OS_PROVIDER, props, prov=None).text()


def test_tls_kubernetes_skip_verify() -> None:
    props = {"kubeconfig": "...", "insecureSkipTlsVerify": "true"}
    assert run(sov.INSECURE_TLS, "pulumi:providers:kubernetes", props, prov=None).violated


def test_tls_not_applicable_to_resources() -> None:
    assert run(sov.INSECURE_TLS, INSTANCE, {"insecure": "true"}).is_not_applicable


# --- sovereignty-bucket-restrict-endpoint ------------------------------------------------------


def test_bucket_endpoint_baseline() -> None:
    assert run(sov.BUCKET_ENDPOINT, BUCKET_TYPE, HEALTH_BUCKET).ok


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://s3.amazonaws.com", "neither the S3 endpoint"),
        ("http://s3-beta.eu-west-rbx-snc.cloud.snc.ovh.net", "not https://"),
        ("https://s3.us-east-va-1.io.cloud.ovh.net", "outside the EU"),
        (None, "no endpointUrl"),
    ],
)
def test_bucket_endpoint_violations(endpoint: str | None, expected: str) -> None:
    props = {k: v for k, v in HEALTH_BUCKET.items() if k != "endpointUrl"}
    if endpoint:
        props["endpointUrl"] = endpoint
    assert expected in run(sov.BUCKET_ENDPOINT, BUCKET_TYPE, props).text()


def test_bucket_endpoint_approved() -> None:
    use_settings(
        {
            "approvedEndpoints": [
                {
                    "url": "https://s3.private.example.fr",
                    "offer": "private-openstack",
                    "regions": ["fr-par-1"],
                    "service": "s3",
                    "approved_by": "Jane Doe (RSSI)",
                }
            ]
        }
    )
    props = {**HEALTH_BUCKET, "endpointUrl": "https://s3.private.example.fr/", "region": "fr-par-1"}
    assert run(sov.BUCKET_ENDPOINT, BUCKET_TYPE, props).ok


def test_bucket_endpoint_not_applicable_to_other_types() -> None:
    assert run(sov.BUCKET_ENDPOINT, INSTANCE, {"endpointUrl": "https://s3.amazonaws.com"}).is_not_applicable


def test_program_text_is_quoted_in_sovereignty_messages() -> None:
    overrides = {"identity\nFAKE: approved": "https://keystone.evil.example.com/v3"}
    props = {**DEV_PROVIDER, "endpointOverrides": overrides}
    result = run(sov.ENDPOINT, OS_PROVIDER, props, prov=None)
    assert result.violated and all("\n" not in v for v in result.violations), result.violations
    dynamic = run(sov.PACKAGES, "pulumi-python:dynamic/x:Evil\nFAKE", {}, prov=None)
    assert dynamic.violated and all("\n" not in v for v in dynamic.violations), dynamic.violations


@pytest.mark.parametrize("value", [[True], {"v": "false"}, "maybe"])
def test_tls_flag_that_is_not_a_boolean_cannot_be_judged(value: Any) -> None:
    result = run(sov.INSECURE_TLS, OS_PROVIDER, {**DEV_PROVIDER, "insecure": value}, prov=None)
    assert result.violated and "not a boolean" in result.text()
