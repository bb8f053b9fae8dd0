"""Encryption, access and data-protection policies: volumes, Barbican keys, credentials, buckets."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import access, data_protection, encryption

from .conftest import (
    BUCKET_SECRETS,
    BUCKET_TYPE,
    DEV_PROVIDER,
    HEALTH_BUCKET,
    PROD_PROVIDER,
    PROD_SETTINGS,
    UNKNOWN,
    options,
    provider,
    run,
    secret,
    use_settings,
)

VOLUME = "openstack:blockstorage/volume:Volume"
INSTANCE = "openstack:compute/instance:Instance"
SECRET = "openstack:keymanager/secretV1:SecretV1"
OS_PROVIDER = "pulumi:providers:openstack"
BASTION_USER_DATA = "#cloud-config\nwrite_files:\n  - content: |\n      PasswordAuthentication no\n"
BOOT = {
    "sourceType": "image",
    "uuid": "img",
    "destinationType": "volume",
    "volumeSize": 20,
    "volumeType": "classic-luks",
    "bootIndex": 0,
    "deleteOnTermination": True,
}
BASTION = {
    "flavorName": "b3-8",
    "keyPair": "kp",
    "blockDevices": [BOOT],
    "userData": BASTION_USER_DATA,
    "metadata": {"role": "bastion"},
    "tags": ["role:bastion"],
}
KMS_KEY = {
    "name": "app-key",
    "algorithm": "aes",
    "bitLength": 256,
    "mode": "gcm",
    "secretType": "symmetric",
    "payload": secret("base64material"),
    "payloadContentType": "application/octet-stream",
    "payloadContentEncoding": "base64",
    "metadata": {"data-class": "internal", "purpose": "application"},
    "acl": {"read": {"projectAccess": False, "users": ["u1"]}},
}


def without(props: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in keys}


# --- encryption-volume-require-encrypted-type --------------------------------------------------


def test_volume_baseline_catalogue_and_approved() -> None:
    assert run(encryption.VOLUME_TYPES, VOLUME, {"size": 20, "volumeType": "high-speed-luks"}).ok
    use_settings(PROD_SETTINGS)
    prod = provider(PROD_PROVIDER)
    config = {"approvedVolumeTypes": ["luks-tenant"]}
    assert run(encryption.VOLUME_TYPES, VOLUME, {"volumeType": "luks-tenant"}, prov=prod, config=config).ok
    assert run(encryption.VOLUME_TYPES, INSTANCE, BASTION).ok


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"size": 20}, "no volumeType"),
        ({"size": 20, "volumeType": "classic"}, "not known to encrypt"),
    ],
)
def test_volume_violations(props: dict[str, Any], expected: str) -> None:
    assert expected in run(encryption.VOLUME_TYPES, VOLUME, props).text()


def test_volume_types_follow_the_offer() -> None:
    # classic-luks is a Public Cloud type: not known on the SNC tenancy behind the prod provider.
    use_settings(PROD_SETTINGS)
    result = run(
        encryption.VOLUME_TYPES, VOLUME, {"volumeType": "classic-luks"}, prov=provider(PROD_PROVIDER)
    )
    assert "offer ovh-snc" in result.text()


@pytest.mark.parametrize(
    ("devices", "expected"),
    [
        ([{**BOOT, "volumeType": "classic"}], "blockDevices[0].volumeType"),
        ([without(BOOT, "volumeType")], "blockDevices[0] has no volumeType"),
        ([], "local disk"),
    ],
)
def test_instance_volume_violations(devices: list[Any], expected: str) -> None:
    assert expected in run(encryption.VOLUME_TYPES, INSTANCE, {**BASTION, "blockDevices": devices}).text()


def test_volume_not_applicable_to_other_types() -> None:
    assert run(encryption.VOLUME_TYPES, SECRET, {"volumeType": "plain"}).is_not_applicable


# --- encryption-secret-require-strong-algorithm ------------------------------------------------


def test_algorithm_baseline() -> None:
    assert run(encryption.ALGORITHM, SECRET, KMS_KEY).ok
    rsa = {**KMS_KEY, "secretType": "private", "algorithm": "rsa", "bitLength": 4096}
    assert run(encryption.ALGORITHM, SECRET, rsa).ok


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"bitLength": 128}, "128 bits; at least 256"),
        ({"algorithm": "3des"}, "not one of ['aes']"),
        ({"bitLength": None}, "no bitLength"),
        ({"mode": "ecb"}, "ecb"),
        ({"secretType": "private", "algorithm": "rsa", "bitLength": 2048}, "at least 3072"),
        ({"secretType": "public", "algorithm": "ec", "bitLength": 224}, "at least 256"),
        ({"secretType": "private", "algorithm": "dsa", "bitLength": 3072}, "DSA"),
    ],
)
def test_algorithm_violations(changes: dict[str, Any], expected: str) -> None:
    props = {k: v for k, v in {**KMS_KEY, **changes}.items() if v is not None}
    assert expected in run(encryption.ALGORITHM, SECRET, props).text()


def test_algorithm_not_applicable_to_passphrases() -> None:
    props = {"secretType": "passphrase", "payload": secret("x"), "payloadContentType": "text/plain"}
    assert run(encryption.ALGORITHM, SECRET, props).is_not_applicable


def test_algorithm_unknown_bit_length_is_a_preview_gap() -> None:
    assert run(encryption.ALGORITHM, SECRET, {**KMS_KEY, "bitLength": UNKNOWN}).unknown


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


# --- access-instance-disallow-admin-password --------------------------------------------------


def test_admin_pass_not_applicable_to_the_baseline_and_violation() -> None:
    baseline = run(access.ADMIN_PASS, INSTANCE, BASTION)
    assert baseline.is_not_applicable and baseline.not_applicable == "no adminPass"
    assert (
        "adminPass is set"
        in run(access.ADMIN_PASS, INSTANCE, {**BASTION, "adminPass": secret("P@ss")}).text()
    )


def test_admin_pass_not_applicable_to_volumes() -> None:
    assert run(access.ADMIN_PASS, VOLUME, {"adminPass": "x"}).is_not_applicable


# --- access-credential-disallow-plaintext ------------------------------------------------------

PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"


def test_plaintext_baselines() -> None:
    declared = options(["applicationCredentialSecret", "token"])
    assert run(access.PLAINTEXT, OS_PROVIDER, DEV_PROVIDER, prov=None, opts=declared).ok
    assert run(
        access.PLAINTEXT, OS_PROVIDER, {**DEV_PROVIDER, "password": secret("pw")}, prov=None, opts=declared
    ).ok  # password is secret by the provider's schema
    assert run(access.PLAINTEXT, INSTANCE, BASTION).ok
    assert run(access.PLAINTEXT, SECRET, KMS_KEY).ok
    assert run(access.PLAINTEXT, BUCKET_TYPE, HEALTH_BUCKET, opts=options(BUCKET_SECRETS)).ok


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (OS_PROVIDER, DEV_PROVIDER, "'applicationCredentialSecret' holds a credential"),
        (OS_PROVIDER, {**DEV_PROVIDER, "token": "gAAAAABl"}, "'token' holds a credential"),
        (OS_PROVIDER, {**DEV_PROVIDER, "key": PEM}, "PEM private key"),
        (
            INSTANCE,
            {**BASTION, "userData": "#cloud-config\npassword: hunter22\nchpasswd: {expire: false}"},
            "cloud-config",
        ),
        (INSTANCE, {**BASTION, "userData": "#!/bin/sh\necho 'root:hunter22' | chpasswd"}, "chpasswd"),
        (
            INSTANCE,
            {**BASTION, "userData": "#!/bin/sh\nexport DB_PASSWORD=hunter22\n"},
            "environment variable",
        ),
        (INSTANCE, {**BASTION, "userData": f"#cloud-config\nwrite_files:\n - content: |\n    {PEM}"}, "PEM"),
        (
            INSTANCE,
            {**BASTION, "metadata": {"role": "bastion", "db_password": "hunter22"}},
            "metadata.db_password",
        ),
        (
            INSTANCE,
            {**BASTION, "metadata": {"url": "postgres://app:hunter22@db:5432/x"}},
            "URL with a password",
        ),
        (VOLUME, {"volumeType": "classic-luks", "metadata": {"api_key": "abcd1234"}}, "metadata.api_key"),
        (BUCKET_TYPE, HEALTH_BUCKET, "secretAccessKey is not declared in additionalSecretOutputs"),
    ],
)
def test_plaintext_violations(type_: str, props: dict[str, Any], expected: str) -> None:
    prov = None if type_.startswith("pulumi:providers:") else "default-explicit"
    declared = options([] if "applicationCredentialSecret" in expected else ["applicationCredentialSecret"])
    assert expected in run(access.PLAINTEXT, type_, props, prov=prov, opts=declared).text()


@pytest.mark.parametrize(
    ("type_", "props", "prov"),
    [(OS_PROVIDER, DEV_PROVIDER, None), (BUCKET_TYPE, HEALTH_BUCKET, "default-explicit")],
)
def test_plaintext_asks_for_a_secret_value_not_only_the_declaration(
    type_: str, props: dict[str, Any], prov: str | None
) -> None:
    # additionalSecretOutputs marks outputs only: the message must not present it as encryption of
    # the input, and must ask for the value to be sent as a secret.
    text = run(access.PLAINTEXT, type_, props, prov=prov).text()
    assert "pulumi.Output.secret" in text
    assert "does not encrypt it" in text and "plaintext input stays in clear in the state" in text
    assert "pulumi.Output.secret" in (access.PLAINTEXT.remediation_steps or "")
    assert "never encrypts a plaintext input" in (access.PLAINTEXT.remediation_steps or "")


def test_plaintext_unknown_credentials_during_preview() -> None:
    bucket = {**HEALTH_BUCKET, "secretAccessKey": UNKNOWN}
    assert run(access.PLAINTEXT, BUCKET_TYPE, bucket, opts=options(BUCKET_SECRETS)).ok
    assert "not declared in additionalSecretOutputs" in run(access.PLAINTEXT, BUCKET_TYPE, bucket).text()
    prov = {**DEV_PROVIDER, "applicationCredentialSecret": UNKNOWN}
    assert run(
        access.PLAINTEXT, OS_PROVIDER, prov, prov=None, opts=options(["applicationCredentialSecret"])
    ).ok
    assert run(access.PLAINTEXT, OS_PROVIDER, prov, prov=None).violated


def test_plaintext_quotes_program_controlled_keys() -> None:
    props = {**BASTION, "metadata": {"role\nFAKE: all clear\ndb_password": "hunter22"}}
    result = run(access.PLAINTEXT, INSTANCE, props)
    assert result.violated and all("\n" not in v for v in result.violations), result.violations
    assert "'metadata.role\\nFAKE: all clear\\ndb_password' looks like a credential" in result.text()


def test_plaintext_ignores_unrelated_keys_and_texts() -> None:
    props = {
        "volumeType": "x",
        "metadata": {"password-required": "true", "token_file": "/etc/x", "key": "app"},
    }
    assert run(access.PLAINTEXT, VOLUME, props).ok


def test_plaintext_passes_networks_without_credentials() -> None:
    # Every openstack:* resource is in scope (its metadata is scanned): a network applies and passes.
    assert run(access.PLAINTEXT, "openstack:networking/network:Network", {"name": "n"}).ok


def test_plaintext_not_applicable_outside_providers_and_openstack() -> None:
    result = run(access.PLAINTEXT, "random:index/randomId:RandomId", {"byteLength": 8, "password": "x" * 20})
    assert result.is_not_applicable, result


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
