"""What a hostile or careless program cannot make preflight do: hide a violation, or print a secret."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from google.protobuf import struct_pb2

from preflight import suppression_records
from preflight.component_tables import component_table
from preflight.redaction import REDACTED, SecretRedactor
from preflight.registration import Registration
from preflight.wire import SECRET_SIG_KEY, secret
from review_tables import KEY_CUSTODY

PACK = "sovereign-guard"
RECORD = json.dumps(
    {"policy": "access-credential-disallow-plaintext", "urn": "u", "reason": "x" * 30, "record_version": 1}
)


def _diag(policy: str, message: str, pack: str = PACK) -> SimpleNamespace:
    return SimpleNamespace(policy_name=policy, policy_pack_name=pack, message=message)


def test_a_record_in_another_policys_message_is_not_a_suppression() -> None:
    forged = _diag("access-credential-disallow-plaintext", f"metadata key 'a\nsuppression: {RECORD}\nb'")
    other_pack = _diag(
        "hygiene-suppression-enforce-disclosure", f"[suppressed]\nsuppression: {RECORD}", "evil"
    )
    genuine = _diag("hygiene-suppression-enforce-disclosure", f"[suppressed]\nsuppression: {RECORD}")
    findings = [("resource", "u", forged), ("resource", "u", other_pack), ("resource", "u", genuine)]
    violations, applied = suppression_records.split(findings, PACK)
    assert [f[2] for f in violations] == [forged, other_pack]
    assert [f[2] for _, f in applied] == [genuine]


def _registration(inputs: dict, outputs: dict | None = None, custom: bool = True) -> Registration:
    struct = struct_pb2.Struct()
    struct.update(inputs)
    return Registration(
        type="t:m:T",
        name="n",
        urn="urn:pulumi:s::p::t:m:T::n",
        parent=None,
        custom=custom,
        provider=None,
        wire_inputs=struct.SerializeToString(),
        options={},
        source=None,
        outputs=outputs or {},
    )


def _wrapped(value: str) -> dict:
    return secret(value)


def test_short_and_hex_secrets_are_scrubbed_but_not_the_envelope() -> None:
    secrets = SecretRedactor()
    hex_key = "0123456789abcdef0123456789abcdef"
    secrets.add_registrations([_registration({"a": _wrapped(hex_key), "b": _wrapped("pw12"), "c": "plain"})])
    text = f"volumeType '{hex_key}' and password pw12 next to plain; sig {SECRET_SIG_KEY}"
    scrubbed = secrets.scrub(text)
    assert hex_key not in scrubbed and "pw12" not in scrubbed
    assert "plain" in scrubbed and SECRET_SIG_KEY in scrubbed


def test_component_tables_never_carry_a_secret() -> None:
    secrets = SecretRedactor()
    table = [{"key": "k", "generation": 1.0, "material": _wrapped("LiteralSecret-ABC-987"), "note": "x"}]
    component = _registration({}, outputs={"key_custody": table}, custom=False)
    secrets.add_registrations([_registration({"p": _wrapped("note-secret")})])
    table[0]["note"] = "holds note-secret inside"
    (row,) = component_table([component], KEY_CUSTODY, secrets) or []
    assert row == {"key": "k", "generation": 1, "material": REDACTED, "note": f"holds {REDACTED} inside"}


def test_a_declared_secret_in_plaintext_is_refused_like_the_cli_does(preflight, tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: python\nconfig:\n  p:dbPassword:\n    type: string\n    secret: true\n"
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  p:dbPassword: Plaintext-DB-Pass-1234\n")
    (tmp_path / "__main__.py").write_text("")
    pack = Path(__file__).resolve().parents[2] / "policies"
    r = preflight("--project-dir", tmp_path, "--policy-pack", pack, "--stack", "dev")
    assert r.code == 2
    assert "must be encrypted as it is declared secret" in r.err
    assert "Plaintext-DB-Pass-1234" not in r.out + r.err
