"""Against a real S3 HTTP endpoint: moto's server on 127.0.0.1, started by the tests.

What moto 5.2.5 does and does not prove here: it evaluates a bucket policy on object calls but
ignores every condition except StringEquals, so a TLS-only Deny refuses every object call even over
HTTPS (the SSE-C bucket below is made without it). It neither enforces nor echoes SSE-C on reads.
SSE-C is no longer enforced by a bucket policy (on Ceph RGW 16.2 the Null-condition Deny refused
every put, SSE-C or not): the client sends the key and the audit checks stored objects. What the
gateway does with the key is proven against a real Ceph RGW in tests/rgw/test_sse_c.py and
tests/rgw/test_encrypted_bucket.py.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import s3hardening
from components.object_storage import EncryptedBucketProvider, spec_from_props, target_from_props
from statebackend.cli import main
from tests.object_storage.conftest import FAKE_KEY_ID, FAKE_SECRET, REPO
from tests.object_storage.helpers import props

SSE_C_KEY = b"0123456789abcdef0123456789abcdef"  # 256-bit test key, never a real one


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _client(url: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_bootstrap_then_audit_exit_zero(moto_server: str) -> None:
    bucket = _name("state")
    code, out, err = _cli("bootstrap", "--endpoint-url", moto_server, "--bucket", bucket)
    assert code == 0, err
    host = moto_server
    assert (
        f"pulumi login 's3://{bucket}?endpoint={host}&s3ForcePathStyle=true&region=us-east-1"
        "&disableSSL=true'" in out
    )
    assert "--secrets-provider passphrase" in out and "Pulumi Cloud" in out
    code, out, err = _cli("audit", "--endpoint-url", moto_server, "--bucket", bucket)
    assert (code, out.strip()) == (0, f"statebackend: bucket '{bucket}' at {host}: no gaps"), err
    # bootstrap is re-runnable: an existing clean bucket is left as it is, not recreated
    code, out, _ = _cli("bootstrap", "--endpoint-url", moto_server, "--bucket", bucket)
    assert code == 0 and "existed already" in out and "left unchanged" in out
    assert f"pulumi login 's3://{bucket}?" in out
    for text in (out, err):
        assert FAKE_SECRET not in text and FAKE_KEY_ID not in text


def test_audit_of_a_plain_bucket_exits_one_naming_each_gap(moto_server: str) -> None:
    bucket = _name("plain")
    _client(moto_server).create_bucket(Bucket=bucket)
    code, out, _ = _cli("audit", "--endpoint-url", moto_server, "--bucket", bucket)
    assert code == 1
    for gap in (
        "ENCRYPTION_MISSING",
        "VERSIONING_DISABLED",
        "PUBLIC_ACCESS_BLOCK_MISSING",
        "POLICY_TLS_NOT_ENFORCED",
        "LIFECYCLE_NONCURRENT_MISSING",
    ):
        assert f"  {gap}: " in out
    assert "5 gap(s)" in out


_THEIR_LIFECYCLE = {
    "Rules": [{"ID": "theirs", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 3}}]
}


def _their_bucket(url: str) -> tuple[str, str]:
    """An existing bucket with someone's own policy and lifecycle; returns (name, policy)."""
    bucket = _name("theirs")
    c = _client(url)
    c.create_bucket(Bucket=bucket)
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow","Principal":'
        f'{{"AWS":"arn:aws:iam::123456789012:root"}},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::{bucket}"}}]}}'
    )
    c.put_bucket_policy(Bucket=bucket, Policy=policy)
    c.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=_THEIR_LIFECYCLE)
    return bucket, policy


def test_bootstrap_never_modifies_an_existing_bucket_without_the_opt_in(moto_server: str) -> None:
    bucket, policy = _their_bucket(moto_server)
    code, out, err = _cli("bootstrap", "--endpoint-url", moto_server, "--bucket", bucket)
    assert code == 1, err
    for gap in ("VERSIONING_DISABLED", "POLICY_TLS_NOT_ENFORCED", "LIFECYCLE_NONCURRENT_MISSING"):
        assert f"  {gap}: " in out
    assert "pulumi login" not in out
    assert "--converge-existing" in err and "nothing was changed" in err
    c = _client(moto_server)
    assert c.get_bucket_policy(Bucket=bucket)["Policy"] == policy
    assert c.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == _THEIR_LIFECYCLE["Rules"]
    assert c.get_bucket_versioning(Bucket=bucket).get("Status") is None


def test_bootstrap_converges_an_existing_bucket_when_told_to(moto_server: str) -> None:
    bucket, policy = _their_bucket(moto_server)
    code, out, err = _cli(
        "bootstrap", "--endpoint-url", moto_server, "--bucket", bucket, "--converge-existing"
    )
    assert code == 0, err
    assert "existed already and was converged" in out and f"pulumi login 's3://{bucket}?" in out
    assert _client(moto_server).get_bucket_policy(Bucket=bucket)["Policy"] != policy
    assert _cli("audit", "--endpoint-url", moto_server, "--bucket", bucket)[0] == 0


def test_converge_existing_is_a_bootstrap_option_only() -> None:
    code, _, err = _cli(
        "audit", "--endpoint-url", "http://127.0.0.1:9", "--bucket", "abc", "--converge-existing"
    )
    assert code == 2 and "--converge-existing" in err


def test_audit_of_a_missing_bucket(moto_server: str) -> None:
    code, out, _ = _cli("audit", "--endpoint-url", moto_server, "--bucket", _name("none"))
    assert code == 1 and "BUCKET_MISSING" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["audit", "--bucket", "abc"], "required"),
        (["bootstrap", "--endpoint-url", "http://127.0.0.1:9", "--bucket", "Bad_Name"], "--bucket"),
        (["audit", "--endpoint-url", "http://s3.example.org", "--bucket", "abc"], "https only"),
        (["audit", "--endpoint-url", "https://s3.example.org", "--bucket", "abc"], "approve"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_two(argv: list[str], needle: str) -> None:
    code, out, err = _cli(*argv)
    assert code == 2 and needle in err and out == ""


@pytest.mark.parametrize("days", ["-5", "0", "36501"])
def test_bad_noncurrent_days_names_the_flag(days: str) -> None:
    argv = ["bootstrap", "--endpoint-url", "http://127.0.0.1:9", "--bucket", "abc", "--noncurrent-days", days]
    code, out, err = _cli(*argv)
    assert code == 2 and out == ""
    assert f"'--noncurrent-days': value {int(days)}" in err and "noncurrentVersionDays" not in err


@pytest.mark.parametrize("approve", [[], ["--approve-endpoint"]])
def test_plain_http_says_https_is_required_not_approve(approve: list[str]) -> None:
    code, out, err = _cli("audit", "--endpoint-url", "http://s3.example.org", "--bucket", "abc", *approve)
    assert code == 2 and out == ""
    assert "https is required" in err and "or pass --approve-endpoint" not in err


def test_endpoint_down_one_line_exit_one_no_bucket_left() -> None:
    code, out, err = _cli("bootstrap", "--endpoint-url", "http://127.0.0.1:1", "--bucket", "abc")
    errors = [line for line in err.splitlines() if "error" in line]
    assert code == 1 and out == "" and len(errors) == 1 and "unreachable" in errors[0]
    assert "Traceback" not in err


def test_failure_mid_way_over_http_rolls_back(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoint answers an error on the lifecycle step: no half-configured bucket remains."""
    real = s3hardening.Target.client

    def client(self: s3hardening.Target) -> Any:
        c = real(self)

        def fail(**_: Any) -> None:
            raise ClientError(
                {"Error": {"Code": "InternalError", "Message": "disk on fire"}},
                "PutBucketLifecycleConfiguration",
            )

        monkeypatch.setattr(c, "put_bucket_lifecycle_configuration", fail)
        return c

    monkeypatch.setattr(s3hardening.Target, "client", client)
    bucket = _name("state")
    code, out, err = _cli("bootstrap", "--endpoint-url", moto_server, "--bucket", bucket)
    assert code == 1 and out == "" and "step 'lifecycle'" in err and "rolled back" in err
    assert len(err.strip().splitlines()) == 2  # the loopback note, then one error line
    monkeypatch.setattr(s3hardening.Target, "client", real)
    names = [b["Name"] for b in _client(moto_server).list_buckets()["Buckets"]]
    assert bucket not in names


def test_cli_as_a_process(moto_server: str) -> None:
    bucket = _name("state")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "statebackend",
            "bootstrap",
            "--endpoint-url",
            moto_server,
            "--bucket",
            bucket,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"s3://{bucket}?endpoint=" in run.stdout
    assert FAKE_SECRET not in run.stdout + run.stderr


def _server_props(url: str, **overrides: Any) -> dict[str, Any]:
    return props(endpointUrl=url, approvedEndpoints=None, region="us-east-1", **overrides)


def test_provider_crud_over_http(moto_server: str) -> None:
    provider = EncryptedBucketProvider()
    p = _server_props(
        moto_server,
        bucketName=_name("logs"),
        purpose="logs",
        objectLock={"mode": "COMPLIANCE", "days": 180},
    )
    assert provider.check({}, p).failures == []
    created = provider.create(p)
    outs = created.outs or {}
    assert provider.read(created.id, outs).outs["auditGaps"] == []  # type: ignore[index]
    changed = {**p, "noncurrentVersionDays": 365}
    diff = provider.diff(created.id, outs, changed)
    assert diff.changes and not diff.replaces
    outs = provider.update(created.id, outs, changed).outs or {}
    rules = _client(moto_server).get_bucket_lifecycle_configuration(Bucket=p["bucketName"])
    assert rules["Rules"][0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 365
    provider.delete(created.id, outs)
    assert provider.read(created.id, outs).id == ""


def _ssec_bucket(url: str) -> str:
    # TLS deny off: moto would apply it to every object call over plain HTTP (see module doc),
    # so only the SSE-C statement is in the policy here.
    p = _server_props(url, bucketName=_name("health"), denyInsecureTransport=False, dataClass="internal")
    EncryptedBucketProvider().create(p)
    return str(p["bucketName"])


def test_a_plain_put_on_an_sse_c_bucket_is_found_by_the_audit(moto_server: str) -> None:
    """Formerly: refused with 403 by the SSE-C bucket policy, an AWS-only expectation (Ceph RGW
    refused the SSE-C put too). Now the endpoint takes it and the audit names it."""
    bucket = _ssec_bucket(moto_server)
    _client(moto_server).put_object(Bucket=bucket, Key="record.json", Body=b"{}")
    p = _server_props(moto_server, bucketName=bucket, denyInsecureTransport=False, dataClass="internal")
    gaps = s3hardening.audit(target_from_props(p), spec_from_props(p))
    assert [g.code for g in gaps] == ["OBJECT_NOT_SSE_C"] and "record.json" in gaps[0].message


# The strict xfail "SSE-C put accepted on an SSE-C bucket" (moto refused it) is gone: the hardened
# SSE-C bucket has no SSE-C deny any more, and tests/rgw/test_encrypted_bucket.py
# (test_health_bucket_lifecycle_on_the_gateway) proves on Ceph RGW that the SSE-C put is accepted and
# the object readable only with its key.


def test_sse_c_put_is_sent_and_accepted_where_no_deny_applies(moto_server: str) -> None:
    """The client side of SSE-C against the endpoint: headers sent, put accepted (moto stores
    the object but neither echoes nor enforces SSE-C on reads, so nothing more is claimed)."""
    c = _client(moto_server)
    sent: dict[str, str] = {}

    def capture(request: Any, **_: Any) -> None:
        sent.update(
            {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        )

    c.meta.events.register("before-send.s3.PutObject", capture)
    bucket = _name("ssec")
    c.create_bucket(Bucket=bucket)
    answer = c.put_object(
        Bucket=bucket, Key="r", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=SSE_C_KEY
    )
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sent["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
    assert sent["x-amz-server-side-encryption-customer-key-md5"]
