"""Pure validation: bucket names, endpoints, the bucket spec and the documents it produces."""

from __future__ import annotations

import json
from functools import partial

import pytest

import s3hardening
from components.object_storage_endpoints import catalogue_s3_endpoints
from s3hardening import REDACTED, S3SettingError
from s3hardening.audit_rows import _statements
from s3hardening.policy_statements import is_sse_c_deny, is_tls_deny
from s3hardening.spec import SID_DENY_INSECURE, SID_DENY_NO_SSE_C, bucket_policy, bucket_policy_json
from statebackend.cli import login_url

# s3hardening reads no catalogue: the callers pass the catalogue's endpoints, as here.
validate_endpoint = partial(s3hardening.validate_endpoint, known=catalogue_s3_endpoints())


@pytest.mark.parametrize("name", ["abc", "state-prod-01", "a" * 63, "9lives"])
def test_valid_bucket_names(name: str) -> None:
    assert s3hardening.validate_bucket_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "under_score",
        "-lead",
        "trail-",
        "with.dot",
        "192.168.1.1",
        "xn--punycode",
        "sthree-x",
        "bucket-s3alias",
        "bucket--ol-s3",
        "",
        None,
        42,
    ],
)
def test_invalid_bucket_names_name_key_value_and_rule(name: object) -> None:
    with pytest.raises(S3SettingError) as err:
        s3hardening.validate_bucket_name(name, key="bucketName")
    text = str(err.value)
    assert "bucketName" in text and repr(name) in text and "3 to 63 characters" in text


def test_catalogue_endpoint_is_accepted_with_its_offer_and_region() -> None:
    ep = validate_endpoint("https://s3.gra11.io.cloud.ovh.net/")
    assert ep.url == "https://s3.gra11.io.cloud.ovh.net"
    assert ep.source == "catalogue:ovh-public-cloud" and ep.region == "GRA11" and ep.tls


def test_snc_catalogue_endpoint() -> None:
    ep = validate_endpoint("https://s3-beta.eu-west-rbx-snc.cloud.snc.ovh.net:443")
    assert ep.source == "catalogue:ovh-snc" and ep.url.endswith("cloud.snc.ovh.net")


def test_unknown_endpoint_refused_unless_approved() -> None:
    with pytest.raises(S3SettingError, match="sovereign catalogue"):
        validate_endpoint("https://s3.us-east-1.amazonaws.com")
    ep = validate_endpoint("https://s3.example.org", approved=["https://S3.example.org/"])
    assert ep.source == "approved"


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://s3.gra11.io.cloud.ovh.net", "https only"),
        ("ftp://s3.example.org", "https://"),
        ("https://s3.gra11.io.cloud.ovh.net/bucket", "no path"),
        ("https://s3.gra11.io.cloud.ovh.net?x=1", "no path"),
        ("s3.gra11.io.cloud.ovh.net", "https://"),
        ("", "https://"),
        ("https://host:notaport", "https://"),
    ],
)
def test_bad_endpoints(url: str, needle: str) -> None:
    with pytest.raises(S3SettingError, match=needle):
        validate_endpoint(url, approved=[])


def test_credentials_in_endpoint_url_are_never_echoed() -> None:
    with pytest.raises(S3SettingError) as err:
        validate_endpoint("https://AKIAXX:s3cr3tvalue@s3.gra11.io.cloud.ovh.net")
    assert "s3cr3tvalue" not in str(err.value) and "AKIAXX" not in str(err.value)
    assert REDACTED in str(err.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9"])
def test_http_only_on_loopback(url: str) -> None:
    ep = validate_endpoint(url)
    assert ep.loopback and ep.source == "loopback" and not ep.tls
    with pytest.raises(S3SettingError):
        validate_endpoint(url, allow_loopback=False)


def test_spec_defaults_are_hardened() -> None:
    spec = s3hardening.BucketSpec("state-b")
    assert spec.versioning and spec.block_public_access and spec.deny_insecure_transport
    assert spec.encryption == "SSE-S3" and spec.noncurrent_version_days == 90


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"encryption": "SSE-KMS"}, "encryption"),
        ({"object_lock": s3hardening.ObjectLock("LEGAL", 10)}, "objectLock.mode"),
        ({"object_lock": s3hardening.ObjectLock("COMPLIANCE", 0)}, "objectLock.days"),
        ({"object_lock": s3hardening.ObjectLock(), "versioning": False}, "versioning"),
        ({"noncurrent_version_days": 0}, "noncurrentVersionDays"),
        ({"noncurrent_version_days": True}, "noncurrentVersionDays"),
    ],
)
def test_spec_validation_names_the_key(kwargs: dict, key: str) -> None:
    with pytest.raises(S3SettingError) as err:
        s3hardening.BucketSpec("abc", **kwargs)
    assert err.value.key == key


def test_policy_for_sse_c_denies_plain_http_only() -> None:
    """No statement on the SSE-C header: on Ceph RGW 16.2 a Null-condition Deny refuses every
    put, SSE-C or not (tests/rgw/test_access.py). SSE-C is enforced by the client
    (s3hardening.sse_c) and checked by the audit (object_audit.py)."""
    doc = bucket_policy(s3hardening.BucketSpec("hd-1", encryption="SSE-C"))
    assert doc is not None
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert list(by_sid) == [SID_DENY_INSECURE]
    tls = by_sid[SID_DENY_INSECURE]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(tls["Resource"]) == {"arn:aws:s3:::hd-1", "arn:aws:s3:::hd-1/*"}


def test_sse_c_policy_json_is_exactly_the_tls_deny() -> None:
    """The document sent to the endpoint, statement by statement."""
    text = bucket_policy_json(s3hardening.BucketSpec("hd-1", encryption="SSE-C"))
    assert text is not None
    doc = json.loads(text)
    assert doc["Version"] == "2012-10-17"
    assert doc["Statement"] == [
        {
            "Sid": SID_DENY_INSECURE,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::hd-1", "arn:aws:s3:::hd-1/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]
    (tls,) = doc["Statement"]
    assert is_tls_deny(tls)
    assert not is_tls_deny({k: v for k, v in tls.items() if k != "Condition"})


def test_the_audit_recognises_the_old_sse_c_deny_that_bricks_writes() -> None:
    """Buckets hardened by earlier releases carry it; the audit reports it so that an update
    removes it. A deny-all without the condition is not taken for it."""
    old = {
        "Sid": SID_DENY_NO_SSE_C,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::hd-1/*",
        "Condition": {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"}},
    }
    assert is_sse_c_deny(old)
    assert not is_sse_c_deny({k: v for k, v in old.items() if k != "Condition"})
    spec = s3hardening.BucketSpec("hd-1", encryption="SSE-C")
    gaps = _statements([*bucket_policy(spec)["Statement"], old], spec)  # type: ignore[index]
    assert [g.code for g in gaps] == ["POLICY_SSE_C_DENY_BRICKS_WRITES"]


def test_sse_s3_policy_json_has_the_tls_deny_only() -> None:
    text = bucket_policy_json(s3hardening.BucketSpec("state-b"))
    assert text is not None
    assert [s["Sid"] for s in json.loads(text)["Statement"]] == [SID_DENY_INSECURE]


def test_no_policy_when_nothing_to_deny() -> None:
    spec = s3hardening.BucketSpec("abc", deny_insecure_transport=False)
    assert bucket_policy(spec) is None


def test_login_url_format() -> None:
    ep = validate_endpoint("https://s3.gra11.io.cloud.ovh.net")
    assert login_url("state-b", ep, "gra11") == (
        "s3://state-b?endpoint=https://s3.gra11.io.cloud.ovh.net&s3ForcePathStyle=true&region=gra11"
    )
    local = validate_endpoint("http://127.0.0.1:9000")
    assert login_url("state-b", local, "us-east-1").endswith("&disableSSL=true")
