"""The explicit provider: TLS always verified, credentials only ever sent as secrets."""

from __future__ import annotations

import json

import pytest

from preflight.recorder import run_program
from preflight.wire import SECRET_SIG_KEY
from tests.support import PROJECT, REPO, as_cli_config, stack_copy, wire

CREDENTIAL = "app-cred-secret-value-for-test"


def _provider_inputs(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict:
    for name in ("OS_CLOUD", "OS_INSECURE", "OS_REGION_NAME", "OS_AUTH_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cfg = stack_copy("dev") | {"openstackApplicationCredentialId": "cred-id-1234"}
    config = as_cli_config(cfg) | {f"{PROJECT}:openstackApplicationCredentialSecret": CREDENTIAL}
    regs = run_program(
        REPO,
        project=PROJECT,
        stack="dev",
        config=config,
        secret_keys=[f"{PROJECT}:openstackApplicationCredentialSecret"],
    )
    (provider,) = [r for r in regs if r.type == "pulumi:providers:openstack"]
    return wire(provider)


def test_application_credential_secret_is_sent_as_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _provider_inputs(monkeypatch, {})
    assert inputs["applicationCredentialId"] == "cred-id-1234"
    secret = inputs["applicationCredentialSecret"]
    assert secret[SECRET_SIG_KEY] and secret["value"] == CREDENTIAL
    # Nowhere else in the provider's inputs, unwrapped.
    rest = {k: v for k, v in inputs.items() if k != "applicationCredentialSecret"}
    assert CREDENTIAL not in json.dumps(rest)


def test_os_insecure_in_the_environment_cannot_turn_tls_off(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _provider_inputs(monkeypatch, {"OS_INSECURE": "true", "OS_REGION_NAME": "US-EAST-VA-1"})
    assert inputs["insecure"] == "false"
    assert inputs["region"] == "GRA11"
    assert inputs["authUrl"] == "https://auth.cloud.ovh.net/v3"


@pytest.mark.parametrize(
    "name",
    [
        f"{PROJECT}:openstackApplicationCredentialSecret",
        f"{PROJECT}:importedKeys",
        "openstack:password",
        "openstack:token",
        "openstack:applicationCredentialSecret",
    ],
)
def test_secret_keys_set_in_plaintext_are_refused(name: str) -> None:
    import pulumi

    config = as_cli_config(stack_copy("dev")) | {name: CREDENTIAL}
    with pytest.raises(pulumi.RunError, match=f"'{name}'.*--secret") as caught:
        run_program(REPO, project=PROJECT, stack="dev", config=config)
    assert CREDENTIAL not in str(caught.value)


def test_the_same_credentials_as_secrets_are_accepted() -> None:
    names = ["openstack:password", "openstack:token"]
    config = as_cli_config(stack_copy("dev")) | dict.fromkeys(names, CREDENTIAL)
    regs = run_program(REPO, project=PROJECT, stack="dev", config=config, secret_keys=names)
    assert any(r.type == "pulumi:providers:openstack" for r in regs)
