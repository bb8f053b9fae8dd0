"""Credentials: no admin password on instances, no plaintext credential in any input."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import access

from .conftest import (
    BUCKET_SECRETS,
    BUCKET_TYPE,
    DEV_PROVIDER,
    HEALTH_BUCKET,
    UNKNOWN,
    options,
    run,
    secret,
)
from .openstack_fixtures import BASTION, INSTANCE, KMS_KEY, OS_PROVIDER, SECRET, VOLUME

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
