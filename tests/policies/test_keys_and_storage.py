"""Access and data-protection policies on keys and buckets: project read, data classes, versioning,
protection and log retention (volumes and key algorithms: test_volumes_and_key_algorithms.py;
credentials: test_credentials.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import access, data_protection, encryption

from .conftest import (
    BUCKET_SECRETS,
    BUCKET_TYPE,
    HEALTH_BUCKET,
    options,
    run,
    secret,
)
from .openstack_fixtures import BASTION, INSTANCE, KMS_KEY, OS_PROVIDER, SECRET, VOLUME, without

# --- access-secret-disallow-project-read -------------------------------------------------------


def test_project_read_baseline() -> None:
    assert run(access.PROJECT_READ, SECRET, KMS_KEY).ok


@pytest.mark.parametrize(
    ("acl", "expected"),
    [
        (None, "no acl"),
        ({"read": {"users": ["u1"]}}, "default is true"),
        ({"read": {"projectAccess": True}}, "every user"),
        ({"write": {}}, "no read entry"),
    ],
)
def test_project_read_violations(acl: Any, expected: str) -> None:
    props = without(KMS_KEY, "acl") if acl is None else {**KMS_KEY, "acl": acl}
    assert expected in run(access.PROJECT_READ, SECRET, props).text()


def test_project_read_not_applicable_for_non_keys_when_configured() -> None:
    props = {"secretType": "passphrase", "payload": secret("x")}
    assert run(access.PROJECT_READ, SECRET, props, config={"includeNonKeySecrets": False}).is_not_applicable


# --- data-protection-provider-kms-restrict-data-class -----------------------------------------


def test_kms_data_class_baseline() -> None:
    assert run(data_protection.KMS_DATA_CLASS, SECRET, KMS_KEY).ok


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"data-class": "health"}, "customer-held"),
        ({"data-class": "sensitive"}, "customer-held"),
        ({"purpose": "x"}, "no data-class"),
        ({"data-class": "secret"}, "is not one of"),
    ],
)
def test_kms_data_class_violations(metadata: dict[str, str], expected: str) -> None:
    assert expected in run(data_protection.KMS_DATA_CLASS, SECRET, {**KMS_KEY, "metadata": metadata}).text()


def test_kms_data_class_not_applicable_to_certificates() -> None:
    assert run(data_protection.KMS_DATA_CLASS, SECRET, {"secretType": "certificate"}).is_not_applicable


# --- buckets -----------------------------------------------------------------------------------


def test_bucket_baselines() -> None:
    for policy in (
        encryption.BUCKET_ENCRYPTION,
        encryption.CUSTOMER_KEY,
        access.PUBLIC_BUCKET,
        data_protection.VERSIONING,
    ):
        assert run(policy, BUCKET_TYPE, HEALTH_BUCKET).ok, policy.name
    internal = {
        **HEALTH_BUCKET,
        "dataClass": "internal",
        "custody": "provider-managed",
        "encryption": "SSE-S3",
    }
    assert run(encryption.CUSTOMER_KEY, BUCKET_TYPE, internal).ok


@pytest.mark.parametrize(
    ("policy", "changes", "expected"),
    [
        (encryption.BUCKET_ENCRYPTION, {"encryption": None}, "no encryption"),
        (encryption.BUCKET_ENCRYPTION, {"encryption": "NONE"}, "is not one of"),
        (encryption.BUCKET_ENCRYPTION, {"denyInsecureTransport": False}, "without TLS"),
        (encryption.CUSTOMER_KEY, {"encryption": "SSE-S3"}, "only SSE-C"),
        (encryption.CUSTOMER_KEY, {"custody": "provider-kms", "encryption": "SSE-S3"}, "needs customer-held"),
        (encryption.CUSTOMER_KEY, {"dataClass": None, "custody": "provider-managed"}, "treated as sensitive"),
        (access.PUBLIC_BUCKET, {"blockPublicAccess": False}, "blockPublicAccess is False"),
        (access.PUBLIC_BUCKET, {"blockPublicAccess": None}, "blockPublicAccess is None"),
        (data_protection.VERSIONING, {"versioning": False}, "data class health"),
        (
            data_protection.VERSIONING,
            {"dataClass": "internal", "purpose": "logs", "versioning": False},
            "purpose logs",
        ),
    ],
)
def test_bucket_violations(policy: Any, changes: dict[str, Any], expected: str) -> None:
    props = {k: v for k, v in {**HEALTH_BUCKET, **changes}.items() if v is not None}
    assert expected in run(policy, BUCKET_TYPE, props).text()


@pytest.mark.parametrize("data_class", ["Health", "phi", "confidential", None])
def test_customer_key_unknown_or_missing_data_class_fails_closed(data_class: str | None) -> None:
    props = {**HEALTH_BUCKET, "dataClass": data_class, "custody": "provider-managed", "encryption": "SSE-S3"}
    props = {k: v for k, v in props.items() if v is not None}
    text = run(encryption.CUSTOMER_KEY, BUCKET_TYPE, props).text()
    assert "needs customer-held keys" in text and "treated as sensitive" in text


def test_customer_key_config_cannot_relax_sensitive_classes() -> None:
    props = {**HEALTH_BUCKET, "dataClass": "sensitive", "custody": "provider-managed", "encryption": "SSE-S3"}
    result = run(encryption.CUSTOMER_KEY, BUCKET_TYPE, props, config={"customerHeldClasses": ["health"]})
    assert "needs customer-held keys" in result.text()
    # The list can add a class: internal data under customer-held keys only.
    internal = {**props, "dataClass": "internal"}
    assert run(encryption.CUSTOMER_KEY, BUCKET_TYPE, internal).not_applicable is None
    strict = run(encryption.CUSTOMER_KEY, BUCKET_TYPE, internal, config={"customerHeldClasses": ["internal"]})
    assert strict.violated


def test_customer_key_not_applicable_to_public_data_without_custody() -> None:
    public = {k: v for k, v in HEALTH_BUCKET.items() if k != "custody"} | {"dataClass": "public"}
    assert run(encryption.CUSTOMER_KEY, BUCKET_TYPE, public).is_not_applicable


@pytest.mark.parametrize("data_class", ["Health", "phi"])
def test_versioning_unknown_data_class_counts_as_health(data_class: str) -> None:
    props = {**HEALTH_BUCKET, "dataClass": data_class, "purpose": "data", "versioning": False}
    assert "treated as health" in run(data_protection.VERSIONING, BUCKET_TYPE, props).text()


def test_kms_data_class_config_cannot_relax_sensitive() -> None:
    props = {**KMS_KEY, "metadata": {"data-class": "sensitive"}}
    result = run(data_protection.KMS_DATA_CLASS, SECRET, props, config={"customerHeldClasses": []})
    assert "customer-held" in result.text()


def test_bucket_not_applicable() -> None:
    internal = {**HEALTH_BUCKET, "dataClass": "internal", "purpose": "data", "versioning": False}
    assert run(data_protection.VERSIONING, BUCKET_TYPE, internal).is_not_applicable
    assert run(access.PUBLIC_BUCKET, VOLUME, {"blockPublicAccess": False}).is_not_applicable
    # A Swift container or a volume is not an S3 bucket: the bucket encryption policy does not apply.
    assert run(encryption.BUCKET_ENCRYPTION, VOLUME, {"encryption": "NONE"}).is_not_applicable


# --- data-protection-stateful-require-protect -------------------------------------------------

KEY_SECRET = {
    "name": "objects-g1",
    "secretType": "symmetric",
    "algorithm": "aes",
    "bitLength": 256,
    "payload": secret("a2V5"),
    "payloadContentType": "application/octet-stream",
    "payloadContentEncoding": "base64",
}
STATEFUL = [
    ("random:index/randomBytes:RandomBytes", {"length": 32}),
    ("random:index/randomPassword:RandomPassword", {"length": 48, "special": True}),
    (SECRET, KEY_SECRET),
    (VOLUME, {"size": 100, "volumeType": "classic-luks"}),
    (BUCKET_TYPE, HEALTH_BUCKET),
]


@pytest.mark.parametrize(("type_", "props"), STATEFUL, ids=[t for t, _ in STATEFUL])
def test_protect_baseline(type_: str, props: dict[str, Any]) -> None:
    opts = options(BUCKET_SECRETS if type_ == BUCKET_TYPE else (), protect=True)
    assert run(data_protection.STATEFUL_PROTECT, type_, props, opts=opts).ok


@pytest.mark.parametrize(("type_", "props"), STATEFUL, ids=[t for t, _ in STATEFUL])
def test_protect_violation(type_: str, props: dict[str, Any]) -> None:
    result = run(data_protection.STATEFUL_PROTECT, type_, props, opts=options(protect=False))
    assert len(result.violations) == 1 and "without protect" in result.text(), result


@pytest.mark.parametrize(
    "type_",
    [INSTANCE, "openstack:compute/keypair:Keypair", "openstack:networking/port:Port", OS_PROVIDER],
)
def test_protect_not_applicable_to_stateless_resources(type_: str) -> None:
    # The bastion's boot volume lives inside the Instance's blockDevices: ephemeral by design.
    props = BASTION if type_ == INSTANCE else {}
    result = run(data_protection.STATEFUL_PROTECT, type_, props, opts=options(protect=False))
    assert result.is_not_applicable, result


def test_protect_types_are_configurable() -> None:
    config = {"resourceTypes": [VOLUME]}
    result = run(data_protection.STATEFUL_PROTECT, SECRET, KEY_SECRET, config=config)
    assert result.is_not_applicable, result
    assert run(data_protection.STATEFUL_PROTECT, VOLUME, {"size": 1}, config=config).violated


# --- data-protection-bucket-require-log-retention ---------------------------------------------

LOG_BUCKET = {
    **HEALTH_BUCKET,
    "bucketName": "audit-logs",
    "purpose": "logs",
    "objectLock": {"mode": "COMPLIANCE", "days": 180},
}


def test_log_retention_baseline() -> None:
    assert run(data_protection.LOG_RETENTION, BUCKET_TYPE, LOG_BUCKET).ok
    longer = {**LOG_BUCKET, "objectLock": {"mode": "COMPLIANCE", "days": 400}}
    assert run(data_protection.LOG_RETENTION, BUCKET_TYPE, longer, config={"minDays": 365}).ok


@pytest.mark.parametrize(
    ("lock", "config", "expected"),
    [
        (None, None, "without objectLock"),
        ({"mode": "GOVERNANCE", "days": 180}, None, "mode 'GOVERNANCE'"),
        ({"days": 180}, None, "mode None"),
        ({"mode": "COMPLIANCE", "days": 90}, None, "90 days; at least 180"),
        ({"mode": "COMPLIANCE"}, None, "not a number of days"),
        ({"mode": "COMPLIANCE", "days": 200}, {"minDays": 365}, "200 days; at least 365"),
    ],
)
def test_log_retention_violations(lock: Any, config: dict[str, Any] | None, expected: str) -> None:
    props = {k: v for k, v in {**LOG_BUCKET, "objectLock": lock}.items() if v is not None}
    assert expected in run(data_protection.LOG_RETENTION, BUCKET_TYPE, props, config=config).text()


def test_log_retention_not_applicable() -> None:
    assert run(data_protection.LOG_RETENTION, BUCKET_TYPE, HEALTH_BUCKET).is_not_applicable  # purpose data
    assert run(data_protection.LOG_RETENTION, VOLUME, {"size": 1}).is_not_applicable


@pytest.mark.parametrize("mode", [["gcm"], {"m": "ecb"}])
def test_cipher_mode_that_is_not_a_string_cannot_be_judged(mode: Any) -> None:
    result = run(encryption.ALGORITHM, SECRET, {**KMS_KEY, "mode": mode})
    assert result.violated and "not a cipher mode" in result.text()
