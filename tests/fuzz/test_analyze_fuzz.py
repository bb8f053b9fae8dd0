"""Mutated AnalyzeRequests through the real pack process (issue 13).

One pack process, started and driven as the engine does (tests/policies/pack_helpers.py), receives
requests a careless program or a hostile one could produce: type tokens swapped or invented,
properties of the wrong type, nulls, deep nesting, huge strings, unknown values, secret envelopes
around anything. Two properties hold for every case:

- the pack never crashes: every Analyze call is answered, the process stays up, and no answer
  carries a traceback;
- a policy that cannot evaluate a resource reports it: every check that raised (the pack names it
  on its stderr) answered a violation naming the policy, and for each policy's judged property
  (`JUDGED`), a value of the wrong shape is reported by that policy (a violation, or the SDK's
  preview diagnostic for an unknown value), never passed silently or answered not applicable.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import preflight.process
from preflight.pack import PackSession
from preflight.wire import UNKNOWN, secret
from tests.fuzz.conftest import budget, tally
from tests.policies.conftest import DEV_PROVIDER, HEALTH_BUCKET, HTTPS_IN, analyze_request, run, urn
from tests.policies.pack_helpers import EXPLICIT, configure, pack_process

SUITE = "analyze requests"
CONFIG = {"hygiene-policy-config-require-validity": {"environment": "dev", "exposedZones": ["dmz"]}}
FAILED_RE = re.compile(r"^sovereign-guard: policy (\S+) failed on (\S+):$")
COULD_NOT = "could not evaluate this resource"

OS_PROVIDER = "pulumi:providers:openstack"
RULE = "openstack:networking/secGroupRule:SecGroupRule"
PORT = "openstack:networking/port:Port"
VOLUME = "openstack:blockstorage/volume:Volume"
SECRET_V1 = "openstack:keymanager/secretV1:SecretV1"
CONTAINER = "openstack:objectstorage/container:Container"
BUCKET = "pulumi-python:dynamic/object_storage:EncryptedBucket"
INSTANCE = "openstack:compute/instance:Instance"

SSH_WORLD = {
    **HTTPS_IN,
    "portRangeMin": 22,
    "portRangeMax": 22,
    "description": "SSH from anywhere, for the test",
}
ALL_WORLD = {**HTTPS_IN, "portRangeMin": 1, "portRangeMax": 65535, "description": "Everything from anywhere"}
KMS_KEY = {
    "name": "app-key",
    "algorithm": "aes",
    "bitLength": 256,
    "mode": "gcm",
    "secretType": "symmetric",
    "payload": secret("YmFzZTY0bWF0ZXJpYWw="),
    "payloadContentType": "application/octet-stream",
    "payloadContentEncoding": "base64",
    "metadata": {"data-class": "internal", "purpose": "application"},
    "acl": {"read": {"projectAccess": False, "users": ["u1"]}},
}
LOG_BUCKET = {
    **HEALTH_BUCKET,
    "bucketName": "audit-logs",
    "purpose": "logs",
    "objectLock": {"mode": "COMPLIANCE", "days": 180},
}
PROVIDER_SECRETS = ["applicationCredentialSecret"]
BUCKET_SECRETS = ["accessKeyId", "secretAccessKey"]


@dataclass(frozen=True)
class Base:
    """A well-formed request the pack judges, and the property each listed policy reads to judge it."""

    type: str
    props: dict[str, Any]
    judged: dict[str, tuple[str, ...]]
    """Policy -> the properties whose wrong-shaped value it must report."""
    secrets: tuple[str, ...] = ()


BASES = [
    Base(
        RULE,
        SSH_WORLD,
        {
            "network-admin-port-disallow-public-ingress": (
                "portRangeMin",
                "portRangeMax",
                "remoteIpPrefix",
                "protocol",
            )
        },
    ),
    Base(RULE, ALL_WORLD, {"network-ingress-disallow-public-all-ports": ("protocol", "remoteIpPrefix")}),
    Base(RULE, HTTPS_IN, {"network-rule-require-justification": ("description",)}),
    Base(
        PORT,
        {"networkId": "n", "portSecurityEnabled": True},
        {"network-port-disallow-disabled-security": ("portSecurityEnabled",)},
    ),
    Base(
        VOLUME,
        {"size": 20, "volumeType": "high-speed-luks"},
        {"encryption-volume-require-encrypted-type": ("volumeType",)},
    ),
    Base(
        INSTANCE,
        {"flavorName": "b3-8", "keyPair": "kp"},
        {"access-instance-disallow-admin-password": ("adminPass",)},
    ),
    Base(
        SECRET_V1,
        KMS_KEY,
        {
            "encryption-secret-require-strong-algorithm": ("algorithm", "bitLength", "mode"),
            "access-secret-disallow-project-read": ("acl",),
            "data-protection-provider-kms-restrict-data-class": ("metadata",),
        },
    ),
    Base(
        CONTAINER,
        {"name": "c", "containerRead": "proj:alice"},
        {"access-container-disallow-public-access": ("containerRead",)},
    ),
    Base(
        BUCKET,
        HEALTH_BUCKET,
        {
            "encryption-bucket-require-encryption": ("encryption", "denyInsecureTransport"),
            "encryption-bucket-require-customer-held-key": ("custody", "encryption"),
            "access-bucket-disallow-public-access": ("blockPublicAccess",),
            "data-protection-bucket-require-versioning": ("versioning",),
            "sovereignty-bucket-restrict-endpoint": ("endpointUrl",),
        },
        tuple(BUCKET_SECRETS),
    ),
    Base(
        BUCKET,
        LOG_BUCKET,
        {"data-protection-bucket-require-log-retention": ("objectLock",)},
        tuple(BUCKET_SECRETS),
    ),
    Base(
        OS_PROVIDER,
        DEV_PROVIDER,
        {
            "sovereignty-provider-restrict-endpoint": ("authUrl", "region"),
            "sovereignty-provider-disallow-insecure-tls": ("insecure",),
        },
        tuple(PROVIDER_SECRETS),
    ),
]
TYPES = sorted(
    {b.type for b in BASES} | {"pulumi:providers:kubernetes", "aws:s3/bucket:Bucket", "sovereign:x:Y"}
)

# ---------------------------------------------------------------------------------------------
# Values. Depth and size stay within what the engine can send: protobuf refuses messages nested
# past 100 levels (each JSON level costs three), and gRPC messages past 4 MiB.

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53).map(float),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.just(UNKNOWN),
    st.sampled_from(
        ["", " ", "true", "0", "-1", "0.0.0.0/0", "::/0", "http://x", "{", "[1", "\u0000", "ﬀ" * 3]
    ),
)
huge = st.integers(10_000, 400_000).map(lambda n: "x" * n)


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


deep = st.tuples(st.integers(5, 30), scalars).map(lambda t: nested(*t))
values = st.recursive(
    st.one_of(scalars, huge, deep),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12), inner, max_size=4),
        inner.map(secret),
    ),
    max_leaves=12,
)


def wrong_shape(original: Any) -> st.SearchStrategy[Any]:
    """A value of another shape than the original (a list for a string, a string for a number...)."""
    containers = st.one_of(
        st.lists(scalars, min_size=1, max_size=3),
        st.dictionaries(st.text(max_size=8), scalars, min_size=1, max_size=3),
        deep,
    )
    if isinstance(original, bool):
        other = st.one_of(
            containers, st.text(min_size=2, max_size=20).filter(lambda s: s.strip().lower() not in WORDS)
        )
    elif isinstance(original, int | float):
        other = st.one_of(
            containers, st.booleans(), st.text(min_size=1, max_size=20).filter(lambda s: not _numeric(s))
        )
    elif isinstance(original, str):
        other = containers
    else:  # a mapping
        other = st.one_of(
            st.lists(scalars, min_size=1, max_size=3),
            st.integers(1, 9).map(float),
            st.text(min_size=1, max_size=20).filter(lambda s: not s.strip().startswith("{")),
        )
    return other


WORDS = {"true", "1", "t", "yes", "y", "on", "false", "0", "f", "no", "n", "off"}


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Base, str, dict[str, Any]]:
    """A base request with its type and some properties mutated in any way."""
    base = draw(st.sampled_from(BASES))
    type_ = draw(
        st.one_of(
            st.just(base.type),
            st.sampled_from(TYPES),
            st.from_regex(r"\A[a-z]{1,8}:[a-z/]{0,10}:[A-Za-z]{0,8}\Z"),
        )
    )
    props = dict(base.props)
    for key in draw(
        st.lists(st.sampled_from([*props, "extra", "tags", "metadata"]), max_size=4, unique=True)
    ):
        props[key] = draw(values)
    if draw(st.booleans()) and draw(st.booleans()):
        props = draw(st.dictionaries(st.text(max_size=10), values, max_size=5))
    return base, type_, props


@st.composite
def judged_garbage(draw: st.DrawFn) -> tuple[Base, str, str, dict[str, Any]]:
    """A base request with one judged property of the wrong shape: (base, policy, key, props)."""
    base = draw(st.sampled_from(BASES))
    policy = draw(st.sampled_from(sorted(base.judged)))
    key = draw(st.sampled_from(base.judged[policy]))
    props = {**base.props, key: draw(wrong_shape(base.props.get(key, "")))}
    return base, policy, key, props


# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> Iterator[PackSession]:
    # The whole stderr is kept (not a tail): every "policy X failed on URN" line is checked.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(preflight.process, "_TAIL_LINES", 1_000_000)
        with pack_process("dev") as session:
            configure(session, CONFIG)
            yield session


NAMES = itertools.count()


def analyze_one(
    pack: PackSession, type_: str, props: dict[str, Any], secrets: tuple[str, ...]
) -> tuple[str, Any]:
    name = f"case-{next(NAMES)}"
    prov = None if type_.startswith("pulumi:providers:") else EXPLICIT
    request = analyze_request(type_, name, props, prov=prov, additional_secret_outputs=secrets)
    [(_, response)] = pack.analyze_all([request])
    assert pack.process.proc.poll() is None, "the pack process exited"
    for diag in response.diagnostics:
        assert "Traceback" not in diag.message, diag.message[:300]
    return request.urn, response


def reported(response: Any, policy: str) -> list[str]:
    return [d.message for d in response.diagnostics if d.policyName == policy]


def failures_on_stderr(pack: PackSession) -> list[tuple[str, str]]:
    time.sleep(0.5)  # the drain thread reads stderr a moment after the answer
    return [m.groups() for line in list(pack.process.stderr_tail) if (m := FAILED_RE.match(line))]  # type: ignore[misc]


def test_mutated_requests_never_crash_the_pack_and_every_failed_check_is_reported(pack: PackSession) -> None:
    answers: dict[str, Any] = {}

    @budget(60, 3000)
    @given(case=mutated())
    def one(case: tuple[Base, str, dict[str, Any]]) -> None:
        base, type_, props = case
        urn, response = analyze_one(pack, type_, props, base.secrets)
        answers[urn] = response
        outcome = "violation" if response.diagnostics else "no finding"
        tally(SUITE, outcome)

    one()
    failed = failures_on_stderr(pack)
    for policy, where in failed:
        assert where in answers, where
        assert any(COULD_NOT in m for m in reported(answers[where], policy)), (policy, where)
    tally(SUITE, f"checks that raised (each reported): {len(failed)}")
    tally(SUITE, "crashes: 0")


def test_a_wrong_shaped_judged_property_is_reported_never_passed(pack: PackSession) -> None:
    @budget(80, 4000)
    @given(case=judged_garbage())
    def one(case: tuple[Base, str, str, dict[str, Any]]) -> None:
        base, policy, key, props = case
        _, response = analyze_one(pack, base.type, props, base.secrets)
        skipped = [n.reason for n in response.not_applicable if n.policy_name == policy]
        messages = reported(response, policy)
        assert messages, f"{policy} passed {key}={props[key]!r:.200} silently (not applicable: {skipped})"
        tally(SUITE, "wrong-shaped judged property: reported")

    one()


def test_the_oracle_reads_what_the_framework_prints_for_a_failed_check(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """FAILED_RE and COULD_NOT match the framework's own stderr line and violation (a probe policy)."""
    from pulumi_policy import EnforcementLevel, Severity
    from sovereign_guard import framework

    name = "hygiene-fuzz-probe-require-nothing"

    def crash(ctx: framework.Context) -> None:
        raise KeyError("probe")

    meta = framework.Meta(
        name=name,
        description="A probe whose check raises.",
        severity=Severity.LOW,
        level=EnforcementLevel.MANDATORY,
        remediation="Nothing: a test double.",
        references=("choice-suppressions",),
        types=("*",),
    )
    policy = framework.resource_policy(meta, crash)
    try:
        result = run(policy, VOLUME, {"size": 1}, name="probe")
    finally:
        framework.REGISTRY.pop(name)
        framework.POLICIES.pop(name)
    lines = capfd.readouterr().err.splitlines()
    assert [m.groups() for line in lines if (m := FAILED_RE.match(line))] == [(name, urn(VOLUME, "probe"))]
    assert any(COULD_NOT in v for v in result.violations)
