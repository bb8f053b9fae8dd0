"""Sovereignty: the offer's SecNumCloud qualification (production, health data in any stack) and its
renewal margin."""

from __future__ import annotations

import pytest
from sovereign_guard import sovereignty as sov

from .conftest import (
    BUCKET_TYPE,
    DEV_PROVIDER,
    HEALTH_BUCKET,
    PROD_PROVIDER,
    PROD_SETTINGS,
    run,
    use_settings,
)
from .openstack_fixtures import OS_PROVIDER

# --- sovereignty-offer-require-qualification and -renewal-margin ------------------------------


def test_qualification_baseline_prod_on_snc() -> None:
    use_settings(PROD_SETTINGS)
    assert run(sov.QUALIFICATION, OS_PROVIDER, PROD_PROVIDER, prov=None).ok
    assert run(sov.QUALIFICATION, BUCKET_TYPE, HEALTH_BUCKET).ok


def test_qualification_prod_on_public_cloud_blocks() -> None:
    use_settings({"environment": "prod"})
    assert "not SecNumCloud-qualified" in run(sov.QUALIFICATION, OS_PROVIDER, DEV_PROVIDER, prov=None).text()


def test_qualification_unknown_stack_name_counts_as_prod() -> None:
    use_settings({}, stack="eu-health")
    assert "not SecNumCloud-qualified" in run(sov.QUALIFICATION, OS_PROVIDER, DEV_PROVIDER, prov=None).text()


def test_qualification_expired_and_not_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from sovereign_guard import clock

    use_settings(PROD_SETTINGS)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2029, 8, 1))
    assert "expired on 2029-07-31" in run(sov.QUALIFICATION, OS_PROVIDER, PROD_PROVIDER, prov=None).text()
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 7, 1))
    assert "starts on 2026-07-31" in run(sov.QUALIFICATION, OS_PROVIDER, PROD_PROVIDER, prov=None).text()


def test_qualification_override_counts_and_is_disclosed() -> None:
    use_settings(
        {
            "environment": "prod",
            "offerOverrides": {
                "ovh-public-cloud": {"secnumcloud": "qualified", "approved_by": "Jane Doe (RSSI)"}
            },
        }
    )
    assert run(sov.QUALIFICATION, OS_PROVIDER, DEV_PROVIDER, prov=None).ok
    assert "comes from offerOverrides" in run(sov.RENEWAL, OS_PROVIDER, DEV_PROVIDER, prov=None).text()


def test_qualification_not_applicable_in_dev() -> None:
    result = run(sov.QUALIFICATION, OS_PROVIDER, DEV_PROVIDER, prov=None)
    assert result.is_not_applicable and "environment dev" in (result.not_applicable or ""), result


def test_renewal_margin_warns_within_window() -> None:
    use_settings(PROD_SETTINGS)
    assert run(sov.RENEWAL, OS_PROVIDER, PROD_PROVIDER, prov=None).ok  # 2029-07-31 is far
    text = run(sov.RENEWAL, OS_PROVIDER, PROD_PROVIDER, prov=None, config={"warningDays": 1200}).text()
    assert "ends on 2029-07-31" in text


def test_renewal_margin_not_applicable_without_offer() -> None:
    props = {**DEV_PROVIDER, "authUrl": "https://keystone.example.com"}
    assert run(sov.RENEWAL, OS_PROVIDER, props, prov=None).is_not_applicable


# Issue 13: health data needs a qualified offer in every environment, for any program.
OVH_PUBLIC_HEALTH_BUCKET = {
    **HEALTH_BUCKET,
    "endpointUrl": "https://s3.gra11.io.cloud.ovh.net",
    "region": "GRA11",
}


def test_qualification_health_bucket_in_dev_on_public_cloud_blocks() -> None:
    use_settings({"environment": "dev"})
    text = run(sov.QUALIFICATION, BUCKET_TYPE, OVH_PUBLIC_HEALTH_BUCKET).text()
    assert "health data (the bucket's dataClass)" in text and "not SecNumCloud-qualified" in text


def test_qualification_program_declaring_health_data_in_dev_blocks_its_provider() -> None:
    from sovereign_guard import framework, settings
    from sovereign_guard.analysis_call import CALL

    parsed = settings.parse(
        {"environment": "dev"},
        framework.REGISTRY,
        stack="dev",
        program_config={"lz:dataClassification": "health"},
        project="lz",
    )
    CALL.publish(parsed)
    text = run(sov.QUALIFICATION, OS_PROVIDER, DEV_PROVIDER, prov=None).text()
    assert "health data (lz:dataClassification is health)" in text and "not SecNumCloud-qualified" in text


def test_qualification_health_bucket_on_a_qualified_offer_in_dev_passes() -> None:
    use_settings({"environment": "dev"})
    result = run(sov.QUALIFICATION, BUCKET_TYPE, HEALTH_BUCKET)
    assert result.ok and result.not_applicable is None
