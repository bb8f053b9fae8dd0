"""EncryptedBucket under Pulumi mocks: what reaches the engine, and config errors before that."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.settings import reset_options

from components.errors import ConfigError
from components.object_storage import (
    Ec2CredentialArgs,
    EncryptedBucket,
    EncryptedBucketArgs,
    ObjectLockArgs,
    StaticS3Credentials,
    validate_args,
)
from preflight.wire import is_secret

DYN_TYPE = "pulumi-python:dynamic/object_storage:EncryptedBucket"


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        outs = dict(args.inputs)
        if args.typ == "openstack:identity/ec2CredentialV3:Ec2CredentialV3":
            outs.update(access="ec2-access-id", secret="ec2-secret-value")
        return f"{args.name}-id", outs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        return {}, None


class _Recorder(pulumi_mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_Mocks())
        self.lock = threading.Lock()
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:
        with self.lock:
            self.requests.append(request)
        return super().RegisterResource(request)


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    rec = _Recorder()
    pulumi.runtime.set_mocks(rec.mocks, project="sovereign-landing-zone", stack="t", monitor=rec)
    yield rec
    # set_mocks configures process-wide runtime state: leave none behind for later tests.
    reset_options()


def _args(**overrides: Any) -> EncryptedBucketArgs:
    base: dict[str, Any] = {
        "bucket_name": "health-data-1",
        "offer": "ovh-public-cloud",
        "region": "GRA11",
        "data_class": "health",
        "credentials": StaticS3Credentials("AKIASTATIC", "static-secret-value"),
    }
    base.update(overrides)
    return EncryptedBucketArgs(**base)


def _inputs(request: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return json_format.MessageToDict(request.object)


def _is_secret(value: Any) -> bool:
    return is_secret(value)


@pulumi.runtime.test
def test_dynamic_resource_inputs_secrets_and_protect(recorder: _Recorder) -> Any:
    comp = EncryptedBucket("hd", _args())

    def check(_: Any) -> None:
        by_type = {r.type: r for r in recorder.requests}
        assert by_type["sovereign:storage:EncryptedBucket"].name == "hd"
        dyn = by_type[DYN_TYPE]
        assert dyn.name == "hd-bucket" and dyn.protect is True
        assert dyn.parent.endswith("::hd")
        inputs = _inputs(dyn)
        for key in ("accessKeyId", "secretAccessKey"):
            assert _is_secret(inputs[key]), key
        assert set(dyn.additionalSecretOutputs) >= {"accessKeyId", "secretAccessKey"}
        assert inputs["bucketName"] == "health-data-1"
        assert inputs["endpointUrl"] == "https://s3.gra11.io.cloud.ovh.net"
        assert inputs["region"] == "gra11"
        assert (inputs["encryption"], inputs["custody"], inputs["dataClass"]) == (
            "SSE-C",
            "customer-held",
            "health",
        )
        assert inputs["versioning"] is True and inputs["blockPublicAccess"] is True
        assert inputs["denyInsecureTransport"] is True and inputs["forceDestroy"] is False
        assert "objectLock" not in inputs
        assert "__provider" in inputs  # the pickled provider, a secret itself

    return pulumi.Output.all(comp.bucket_name, comp.encryption).apply(check)


@pulumi.runtime.test
def test_logs_bucket_gets_compliance_lock_and_ec2_credential_child(recorder: _Recorder) -> Any:
    args = _args(
        bucket_name="audit-logs-1",
        purpose="logs",
        data_class="internal",
        credentials=Ec2CredentialArgs(project_id="p-1"),
        protect=False,
    )
    comp = EncryptedBucket("logs", args)

    def check(values: list[Any]) -> None:
        assert values[1] == 180
        by_type = {r.type: r for r in recorder.requests}
        cred = by_type["openstack:identity/ec2CredentialV3:Ec2CredentialV3"]
        assert cred.name == "logs-ec2-credential" and cred.parent.endswith("::logs")
        assert {"access", "secret"} <= set(cred.additionalSecretOutputs)
        dyn = by_type[DYN_TYPE]
        assert dyn.protect is False
        inputs = _inputs(dyn)
        assert inputs["objectLock"] == {"mode": "COMPLIANCE", "days": 180.0}
        assert _is_secret(inputs["accessKeyId"]) and _is_secret(inputs["secretAccessKey"])
        assert comp.ec2_credential is not None

    return pulumi.Output.all(comp.bucket_name, comp.object_lock_days).apply(check)


@pytest.mark.parametrize(
    ("overrides", "key", "needle"),
    [
        ({"encryption": "SSE-S3", "custody": "provider-kms"}, "encryption", "health"),
        ({"offer": "ovh-baremetal-pod", "region": "x"}, "offer", "no S3 API"),
        ({"offer": "private-openstack", "region": "x"}, "offer", "declares"),
        ({"offer": "nope"}, "offer", "ovh-public-cloud"),
        ({"region": "US-EAST-VA-2"}, "region", "GRA11"),
        ({"bucket_name": "Bad.Name"}, "bucketName", "3 to 63"),
        (
            {"purpose": "logs", "data_class": "internal", "object_lock": ObjectLockArgs(days=30)},
            "objectLock.days",
            "180",
        ),
        (
            {"purpose": "logs", "data_class": "internal", "object_lock": ObjectLockArgs("GOVERNANCE", 365)},
            "objectLock.mode",
            "COMPLIANCE for logs",
        ),
        ({"versioning": False}, "versioning", "health"),
        ({"endpoint_url": "https://s3.elsewhere.example"}, "endpointUrl", "catalogue"),
        (
            {"credentials": StaticS3Credentials("", "x")},
            "credentials.access_key_id",
            "non-empty",
        ),
    ],
)
def test_args_validation_before_any_resource(overrides: dict[str, Any], key: str, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        validate_args(_args(**overrides))
    assert err.value.key == key and needle in str(err.value)


def test_private_openstack_with_a_declared_approved_endpoint() -> None:
    url = "https://s3.private.example.eu"
    props = validate_args(
        _args(offer="private-openstack", region="RegionOne", endpoint_url=url, approved_endpoints=(url,))
    )
    assert props["endpointUrl"] == url and props["approvedEndpoints"] == [url]


def test_args_defaults_are_secure() -> None:
    args = EncryptedBucketArgs(
        bucket_name="b-1",
        offer="ovh-snc",
        region="eu-west-rbx-snc",
        credentials=StaticS3Credentials("a", "b"),
    )
    assert args.protect and not args.force_destroy and args.versioning
    assert args.block_public_access and args.deny_insecure_transport
    assert args.custody == "customer-held" and validate_args(args)["encryption"] == "SSE-C"
