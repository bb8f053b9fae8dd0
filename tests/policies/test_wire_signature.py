"""The engine's secret signature is spelled once in the tree (preflight/wire.py), and it is the one
the analyzer SDK reads.

The pack never needs it: pulumi-policy unwraps secrets before a policy sees them. preflight and the
tests build and recognise secret envelopes, and take the constant from preflight.wire; anything
else spelling the literal would drift from it silently.
"""

from __future__ import annotations

from pathlib import Path

from pulumi_policy import deserialize

from preflight import wire

from .conftest import secret
from .conftest import wire as through_the_wire

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("components", "policies", "preflight", "s3hardening", "statebackend", "tests", "bench")


def test_wire_constants_are_the_analyzer_sdks() -> None:
    assert wire.SECRET_SIG_KEY == deserialize.SPECIAL_SIG_KEY
    assert wire.SECRET_SIG_VALUE == deserialize.SPECIAL_SECRET_SIG


def test_a_secret_envelope_reaches_a_policy_as_its_plain_value() -> None:
    props = through_the_wire({"password": secret("pw-123456")})
    assert props["password"] == "pw-123456"


def test_the_signature_is_spelled_in_one_file() -> None:
    spelled = [
        str(path.relative_to(ROOT))
        for top in SOURCES
        for path in sorted((ROOT / top).rglob("*.py"))
        for literal in (wire.SECRET_SIG_KEY, wire.SECRET_SIG_VALUE)
        if literal in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert sorted(set(spelled)) == ["preflight/wire.py"], spelled
