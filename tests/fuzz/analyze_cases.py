"""The AnalyzeRequests of the Analyze fuzz (test_analyze_fuzz.py): well-formed bases, each with the
properties its policies judge, and the strategies that mutate them.

A base is a request the pack judges as the program would send it. `mutated` changes its type token
and any properties in any way; `judged_garbage` gives one judged property a value of another shape
(a list or an object for a string, a word for a number...), which its policy must report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from preflight.wire import SECRET_SIG_KEY, UNKNOWN, secret
from tests.kubernetes import manifests as m
from tests.policies.conftest import DEV_PROVIDER, HEALTH_BUCKET, HTTPS_IN

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
# Kubernetes objects: the manifests the pod and object policies judge (pulumi-kubernetes wire inputs).
K8S_BASES = [
    Base("kubernetes:apps/v1:Deployment", m.hardened_deployment(), {}),
    Base("kubernetes:core/v1:Pod", m.workload("kubernetes:core/v1:Pod", m.hardened_pod_spec()), {}),
    Base("kubernetes:batch/v1:CronJob", m.workload("kubernetes:batch/v1:CronJob", m.hardened_pod_spec()), {}),
]
TYPES = sorted(
    {b.type for b in [*BASES, *K8S_BASES]}
    | {"pulumi:providers:kubernetes", "aws:s3/bucket:Bucket", "sovereign:x:Y"}
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
    base = draw(st.sampled_from([*BASES, *K8S_BASES]))
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
    # Anywhere inside: a nested field (a container's securityContext, an ACL's read list...).
    for _ in range(draw(st.integers(0, 3))):
        inner = list(paths(props))
        if inner:
            props = replaced(props, draw(st.sampled_from(inner)), draw(values))
    if draw(st.booleans()) and draw(st.booleans()):
        props = draw(st.dictionaries(st.text(max_size=10), values, max_size=5))
    return base, type_, props


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value nested in a mapping or a list (not the root), except a secret
    envelope's signature: the engine refuses an unknown signature itself (inferred: its own
    unmarshaling knows only its signatures), so no Analyze call carries one; pulumi-policy fails
    the whole call on it, before any policy runs."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if key == SECRET_SIG_KEY:
            continue
        yield (*prefix, key)
        yield from paths(item, (*prefix, key))


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of `value` with the value at `path` replaced (the original is left alone)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = replaced(copy[head], rest, new)
    return copy


@st.composite
def judged_garbage(draw: st.DrawFn) -> tuple[Base, str, str, dict[str, Any]]:
    """A base request with one judged property of the wrong shape: (base, policy, key, props)."""
    base = draw(st.sampled_from(BASES))
    policy = draw(st.sampled_from(sorted(base.judged)))
    key = draw(st.sampled_from(base.judged[policy]))
    props = {**base.props, key: draw(wrong_shape(base.props.get(key, "")))}
    return base, policy, key, props
